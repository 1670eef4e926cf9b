//! `buurt peers`: the regions of the same level most like a region (vergelijkbare buurten).

use std::io::Write as _;

use anyhow::Context as _;
use buurt_core::RegionCode;
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::peers::{PeerOptions, Peers, peers};
use serde::Serialize;

use crate::TableFormat;

/// One CSV row per peer; the per-indicator contributions are in the JSON.
#[derive(Debug, Serialize)]
struct Row<'a> {
    code: &'a str,
    name: &'a str,
    gemeente: &'a str,
    distance: f64,
    shared: usize,
    missing: String,
    largest_difference: &'a str,
}

pub fn run(
    atlas: &Atlas,
    code: &str,
    k: usize,
    indicators: Option<&str>,
    year: Option<u16>,
    within: Option<&str>,
    format: TableFormat,
) -> anyhow::Result<()> {
    let within: Option<RegionCode> = within.map(str::parse).transpose().context("--within")?;
    let indicators = indicators.map(|list| {
        list.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    });
    let options = PeerOptions {
        k,
        indicators,
        year,
        within,
    };
    let p = peers(atlas, code, &options)?;
    tracing::info!(note = %p.note, "peers");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        TableFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&p)?)?,
        TableFormat::Csv => write_csv(&p, out)?,
    }
    Ok(())
}

fn write_csv(p: &Peers, out: impl std::io::Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for peer in &p.peers {
        w.serialize(Row {
            code: &peer.code,
            name: &peer.name,
            gemeente: peer.gemeente.as_ref().map_or("", |g| g.name.as_str()),
            distance: peer.distance,
            shared: peer.shared,
            missing: peer.missing.join(" "),
            largest_difference: peer
                .contributions
                .first()
                .map_or("", |c| c.indicator.as_str()),
        })?;
    }
    w.flush()?;
    Ok(())
}
