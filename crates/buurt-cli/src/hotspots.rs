//! `buurt hotspots`: global and local Moran's I (LISA) of an indicator over the regions within
//! a gemeente or wijk.

use std::io::Write as _;

use anyhow::Context as _;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::hotspots::{HotspotOptions, Hotspots, hotspots};
use serde::Serialize;

use crate::TableFormat;

/// What to analyse.
pub struct Query<'a> {
    pub within: &'a str,
    pub level: Level,
    pub indicator: &'a str,
    pub year: u16,
    pub options: HotspotOptions,
}

/// One CSV row (the JSON has the same fields under `regions`).
#[derive(Debug, Serialize)]
struct Row<'a> {
    code: &'a str,
    value: f64,
    local_i: f64,
    z: Option<f64>,
    p_value: Option<f64>,
    cluster: &'static str,
}

pub fn run(atlas: &Atlas, q: &Query<'_>, format: TableFormat) -> anyhow::Result<()> {
    let within: RegionCode = q.within.parse().context("--within")?;
    let h = hotspots(atlas, within, q.level, q.indicator, q.year, q.options)?;
    for left in &h.left_out {
        tracing::info!(code = %left.code, reason = left.reason, "left out of the hot spots");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        TableFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&json(&h))?)?,
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for r in &h.regions {
                w.serialize(Row {
                    code: &r.code,
                    value: r.value,
                    local_i: r.local_i,
                    z: r.z,
                    p_value: r.p_value,
                    cluster: r.cluster.as_str(),
                })?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// The JSON document: the analysis with the cluster labels as text.
fn json(h: &Hotspots) -> serde_json::Value {
    serde_json::json!({
        "within": h.within,
        "level": h.level,
        "indicator": h.indicator,
        "year": h.year,
        "dataset": h.dataset,
        "indeling": h.indeling,
        "options": h.options,
        "global": {
            "moran_i": h.global.i,
            "expected_i": h.global.ei,
            "variance_normal": h.global.vi_norm,
            "z_normal": h.global.z_norm,
            "p_normal": h.global.p_norm,
            "p_value": h.global.p_sim,
            "z_permutations": h.global.z_sim,
            "permutations": h.global.permutations,
            "n": h.global.n,
        },
        "p_threshold": h.threshold,
        "regions": h.regions.iter().map(|r| serde_json::json!({
            "code": r.code,
            "name": r.name,
            "value": r.value,
            "local_i": r.local_i,
            "z": r.z,
            "p_value": r.p_value,
            "cluster": r.cluster.as_str(),
            "quadrant": r.quadrant,
            "neighbours": r.neighbours,
        })).collect::<Vec<_>>(),
        "islands": h.islands,
        "left_out": h.left_out,
    })
}
