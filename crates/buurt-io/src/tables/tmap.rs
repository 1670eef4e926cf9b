//! CBS Kerncijfers wijken en buurten 2022 for every wijk and gemeente of the Netherlands, as the R
//! package tmap ships them (`NLD_dist`, `NLD_muni`), read from the attribute CSVs beside their
//! GeoJSON (`derived/*_attributes.csv`): English column names, age groups as rounded
//! percentages, R's `NA` (CBS `.`) as an empty cell.

use std::path::Path;

use std::collections::{BTreeMap, HashMap};

use buurt_core::{
    Aggregation, Catalogue, Indeling, Level, Region, RegionCode, RegionKey, SourceTable, Value,
};

use crate::dataset::{Observation, Problem, TableDataset};
use crate::error::IoError;

use super::builder::merge;
use super::delimited::Delimited;
use super::keyed::{KeyedSpec, RegionBy, YearFrom, load_keyed};

/// The kwb year (and indeling) of the tmap tables: population on 1 January 2022.
pub const TMAP_KWB_YEAR: u16 = 2022;

/// Load the tmap attribute tables (`,`-separated, columns `code`, `name`, `population`,
/// `pop_65plus`, …), each holding regions of one level: `files` pairs a path with its level.
/// Empty cells are [`buurt_core::MissingReason::Empty`]: tmap wrote CBS's `.` as `NA`, which
/// no longer says whether a value was secret or not applicable.
///
/// ```
/// use buurt_core::{Catalogue, Level};
/// let catalogue = Catalogue::builtin()?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("wijk_attributes.csv");
/// std::fs::write(&path, "code,name,population,pop_65plus\nWK030701,Binnenstad,12345,14\nWK030799,Leeg,0,\n")?;
/// let table = buurt_io::tables::load_tmap_attributes(&[(path.as_path(), Level::Wijk)], &catalogue)?;
/// assert_eq!(table.regions.len(), 2);
/// assert!(table.observations.iter().any(|o| o.value == buurt_core::Value::Number(14.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_tmap_attributes(
    files: &[(&Path, Level)],
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let mut parts = Vec::with_capacity(files.len());
    for &(path, level) in files {
        let file = Delimited::read(path, b',')?;
        let spec = KeyedSpec {
            table: SourceTable::CbsKwbTmap,
            region: RegionBy::Code {
                code: "code",
                name: Some("name"),
                level: None,
            },
            year: YearFrom::Fixed(TMAP_KWB_YEAR),
            indeling: Some(Indeling::new(TMAP_KWB_YEAR)),
            columns: None,
        };
        let table = load_keyed(path, &file, spec, catalogue)?;
        if let Some(other) = table.regions.iter().find(|r| r.level() != level) {
            return Err(IoError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "region {} is a {}, but this file holds the {} level",
                    other.key.code,
                    other.level().as_str(),
                    level.as_str()
                ),
            });
        }
        parts.push(table);
    }
    let mut table = merge(SourceTable::CbsKwbTmap, &TMAP_KWB_YEAR.to_string(), parts);
    add_nederland(&mut table, catalogue);
    Ok(table)
}

/// tmap has no Nederland row; a profile benchmarks against one. CBS's gemeente rows add up to
/// the national figures (gemeente totals are exact, and every resident lives in a gemeente),
/// so counts are summed and shares weighted by their catalogue denominator or weight when
/// that count is in the table too. Every gemeente with a weight must have a value, else the
/// indicator gets no Nederland value. The rounding of the gemeenten's whole percentages
/// carries into the result (well under 0.1 point over 345 gemeenten).
fn add_nederland(table: &mut TableDataset, catalogue: &Catalogue) {
    let indicators = catalogue.indicators();
    let mut by_indicator: BTreeMap<u16, HashMap<RegionCode, Value>> = BTreeMap::new();
    for o in &table.observations {
        if o.region.level() == Level::Gemeente {
            by_indicator
                .entry(o.indicator)
                .or_default()
                .insert(o.region, o.value);
        }
    }
    let index_of = |id: &str| {
        indicators
            .iter()
            .position(|i| i.id == id)
            .and_then(|i| u16::try_from(i).ok())
    };
    let indeling = Indeling::new(TMAP_KWB_YEAR);
    let mut added = Vec::new();
    for (&ix, values) in &by_indicator {
        let ind = &indicators[usize::from(ix)];
        let weight = match ind.aggregation {
            Aggregation::Sum => None,
            Aggregation::RatioOfSums => ind.denominator.as_deref(),
            _ => ind.weight.as_deref(),
        };
        let value = match weight {
            None if ind.aggregation == Aggregation::Sum => {
                values.values().map(|v| v.number()).sum::<Option<f64>>()
            }
            None => None,
            Some(w) => index_of(w)
                .and_then(|w| by_indicator.get(&w))
                .and_then(|weights| weighted_mean(values, weights)),
        };
        let Some(value) = value else { continue };
        let value = if ind.aggregation == Aggregation::Sum {
            value
        } else {
            (value * 10.0).round() / 10.0
        };
        added.push(Observation {
            region: RegionCode::Nederland,
            indeling,
            year: TMAP_KWB_YEAR,
            indicator: ix,
            age_group: ind.age_group,
            value: Value::Number(value),
        });
    }
    if added.is_empty() {
        return;
    }
    let names: Vec<&str> = added
        .iter()
        .map(|o| indicators[usize::from(o.indicator)].id.as_str())
        .collect();
    table.problems.push(Problem {
        location: "Nederland".into(),
        message: format!(
            "no Nederland row in the file; computed from the gemeente rows for {} indicators ({}): counts summed, shares weighted by their denominator",
            added.len(),
            names.join(", ")
        ),
    });
    table.regions.push(Region {
        key: RegionKey::new(RegionCode::Nederland, indeling),
        name: "Nederland".into(),
    });
    table.observations.extend(added);
}

/// Σ w·v / Σ w over the regions with a positive weight, if all of them have a value.
fn weighted_mean(
    values: &HashMap<RegionCode, Value>,
    weights: &HashMap<RegionCode, Value>,
) -> Option<f64> {
    let (mut sum, mut total) = (0.0, 0.0);
    for (code, w) in weights {
        let w = w.number()?;
        if w <= 0.0 {
            continue;
        }
        sum += w * values.get(code)?.number()?;
        total += w;
    }
    (total > 0.0).then(|| sum / total)
}
