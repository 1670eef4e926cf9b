//! `buurt harmonise`: values of an older indeling carried over to the wijken or buurten of a
//! newer one by areal interpolation (as PySAL's tobler `area_interpolate`).

use std::io::Write as _;

use anyhow::Context as _;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::harmonise::{HarmoniseQuery, harmonise};
use serde::Serialize;

use crate::TableFormat;

/// What to harmonise (the CLI's arguments).
pub struct Query<'a> {
    pub from: u16,
    pub to: u16,
    pub within: &'a str,
    pub level: Level,
    pub indicator: Option<&'a str>,
    pub year: Option<u16>,
}

/// One CSV row (the JSON has the same fields under `values`, with the sources as a list).
#[derive(Debug, Serialize)]
struct Row<'a> {
    code: &'a str,
    name: &'a str,
    indicator: &'a str,
    year: u16,
    value: Option<f64>,
    missing_reason: Option<&'static str>,
    method: &'static str,
    weight: Option<&'a str>,
    coverage: f64,
    missing_share: f64,
    /// `CODE:share` separated by `;`.
    sources: String,
    dataset: &'a str,
}

pub fn run(atlas: &Atlas, q: &Query<'_>, format: TableFormat) -> anyhow::Result<()> {
    let within: RegionCode = q.within.parse().context("--within")?;
    let h = harmonise(
        atlas,
        &HarmoniseQuery {
            from: q.from,
            to: q.to,
            within,
            level: q.level,
            indicator: q.indicator,
            year: q.year,
        },
    )?;
    for code in &h.without_geometry {
        tracing::warn!(%code, "no polygon: left out of the harmonisation");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        // The same document as the API's GET /api/v1/harmonise.
        TableFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&h)?)?,
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for v in &h.values {
                w.serialize(Row {
                    code: &v.code,
                    name: &v.name,
                    indicator: &v.indicator,
                    year: v.year,
                    value: v.value,
                    missing_reason: v.missing_reason.map(buurt_core::MissingReason::as_str),
                    method: v.method.as_str(),
                    weight: v.weight.as_deref(),
                    coverage: v.coverage,
                    missing_share: v.missing_share,
                    sources: v
                        .sources
                        .iter()
                        .map(|s| format!("{}:{:.6}", s.code, s.share))
                        .collect::<Vec<_>>()
                        .join(";"),
                    dataset: &v.dataset,
                })?;
            }
            w.flush()?;
        }
    }
    Ok(())
}
