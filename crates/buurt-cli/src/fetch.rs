//! `buurt fetch`: one gemeente's kwb tables, RIVM 50090NED rows and PDOK boundaries into a folder
//! that `--data` reads.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use buurt_core::GemeenteCode;

use crate::progress::Bar;

/// What the command line says.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gemeente, e.g. GM0307 (Amersfoort).
    #[arg(long, value_name = "CODE", value_parser = parse_gemeente)]
    gemeente: GemeenteCode,
    /// The folder to fill; files already complete there are kept.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Years of the kwb tables and boundaries, comma-separated (2018–2025).
    #[arg(long, value_delimiter = ',', default_value = "2022,2023,2024")]
    years: Vec<u16>,
    /// Base URL of CBS StatLine OData v3.
    #[arg(long, value_name = "URL", env = "BUURT_CBS_URL", default_value = buurt_fetch::DEFAULT_CBS_URL)]
    cbs_url: String,
    /// Base URL of the third-party OData catalogue that holds RIVM 50090NED.
    #[arg(long, value_name = "URL", env = "BUURT_RIVM_URL", default_value = buurt_fetch::DEFAULT_RIVM_URL)]
    rivm_url: String,
    /// Base URL of PDOK's CBS APIs (the OGC API Features of each year lie below it).
    #[arg(long, value_name = "URL", env = "BUURT_PDOK_URL", default_value = buurt_fetch::DEFAULT_PDOK_URL)]
    pdok_url: String,
    /// Seconds one request may take, body included.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    timeout: u64,
    /// Attempts after the first for connection errors, timeouts, 5xx, 429 and truncated answers
    /// (waiting 1 s, 2 s, 4 s, … in between).
    #[arg(long, value_name = "N", default_value_t = 4)]
    retries: u32,
}

fn parse_gemeente(text: &str) -> Result<GemeenteCode, String> {
    text.parse::<GemeenteCode>()
        .map_err(|e| format!("{e} (a gemeente code is GM and 4 digits, e.g. GM0307)"))
}

pub fn run(args: Args, quiet: bool) -> anyhow::Result<()> {
    let mut settings = buurt_fetch::Settings::new(args.gemeente, &args.out);
    settings.years = args.years;
    settings.cbs_url = args.cbs_url;
    settings.rivm_url = args.rivm_url;
    settings.pdok_url = args.pdok_url;
    settings.timeout = Duration::from_secs(args.timeout.max(1));
    settings.retries = args.retries;
    let bar = Bar::with_verb(quiet, "fetching");
    let summary = buurt_fetch::fetch(&settings, &bar).with_context(|| {
        format!(
            "fetching {} into {} (what completed is kept; run the same command again to resume)",
            settings.gemeente,
            settings.out.display()
        )
    })?;
    let out = summary.out.display();
    println!(
        "{} files fetched ({} pages), {} already complete and kept, in {out} (listed in {out}/{})",
        summary.fetched.len(),
        summary.pages,
        summary.kept.len(),
        buurt_io::fetched::MANIFEST_FILE
    );
    println!("next: buurt validate --data {out}   or   buurt serve --data {out}");
    Ok(())
}
