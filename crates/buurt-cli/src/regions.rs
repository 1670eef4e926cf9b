//! `buurt regions`: list regions with their parents, area and centroid.

use std::collections::BTreeMap;
use std::io::Write as _;

use buurt_core::{Indeling, Level, RegionCode};
use buurt_diagnose::Atlas;
use serde::Serialize;

use crate::TableFormat;

#[derive(Debug, Serialize)]
struct Row<'a> {
    code: String,
    name: &'a str,
    level: Level,
    wijk: Option<String>,
    gemeente: Option<String>,
    indeling: u16,
    area_m2: Option<f64>,
    centroid_lon: Option<f64>,
    centroid_lat: Option<f64>,
}

pub fn run(
    atlas: &Atlas,
    within: Option<RegionCode>,
    level: Level,
    indeling: Option<u16>,
    format: TableFormat,
) -> anyhow::Result<()> {
    let within = within.unwrap_or(RegionCode::Nederland);
    // Without --indeling: per gemeente its newest indeling, so each area is listed once.
    let mut newest: BTreeMap<Option<buurt_core::GemeenteCode>, Indeling> = BTreeMap::new();
    for r in atlas
        .regions()
        .iter()
        .filter(|r| r.level == level && r.key.code.is_within(&within))
    {
        let e = newest
            .entry(r.key.code.gemeente())
            .or_insert(r.key.indeling);
        *e = (*e).max(r.key.indeling);
    }
    let mut rows = Vec::new();
    for r in atlas.regions() {
        if r.level != level || !r.key.code.is_within(&within) {
            continue;
        }
        let wanted = match indeling {
            Some(y) => r.key.indeling == Indeling::new(y),
            None => newest.get(&r.key.code.gemeente()) == Some(&r.key.indeling),
        };
        if !wanted {
            continue;
        }
        rows.push(Row {
            code: r.key.code.to_string(),
            name: &r.name,
            level: r.level,
            wijk: r
                .key
                .code
                .wijk()
                .filter(|_| level == Level::Buurt)
                .map(|w| w.to_string()),
            gemeente: r
                .key
                .code
                .gemeente()
                .filter(|_| level != Level::Gemeente)
                .map(|g| g.to_string()),
            indeling: r.key.indeling.year(),
            area_m2: r.area_m2.map(f64::round),
            centroid_lon: r.centroid_wgs84.map(|p| round6(p.lon)),
            centroid_lat: r.centroid_wgs84.map(|p| round6(p.lat)),
        });
    }
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    if rows.is_empty() {
        anyhow::bail!(
            "no {level} regions within {within}{}",
            indeling
                .map(|y| format!(" in indeling {y}"))
                .unwrap_or_default()
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        TableFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for row in &rows {
                w.serialize(row)?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
