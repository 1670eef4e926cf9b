//! `buurt validate`: load every dataset and print what an analyst needs to act on.

use std::path::Path;
use std::process::ExitCode;

use buurt_diagnose::Atlas;
use buurt_diagnose::atlas::AtlasError;

use crate::ReportFormat;
use crate::progress::Bar;

pub fn run(data_dir: &Path, format: ReportFormat, progress: &Bar) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let catalogue = buurt_core::Catalogue::builtin()?;
    let loaded = buurt_io::registry::load_all(data_dir, &catalogue, progress);
    let (mut report, ok) = match Atlas::build(catalogue, loaded) {
        Ok(atlas) => (atlas.report().clone(), true),
        Err(AtlasError::Validation { report, .. }) => (*report, false),
        Err(e) => return Err(e.into()),
    };
    // Loading and checking together: what the user waited for.
    report.seconds = started.elapsed().as_secs_f64();
    match format {
        ReportFormat::Text => print!("{}", report.to_text()),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
