//! Building the atlas from loaded sources: regions, derived values, the long table, the checks.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use buurt_core::{
    Aggregation, Catalogue, Indeling, Level, RegionCode, RegionKey, SourceTable, Unit, Value,
};
use buurt_io::crs::PointWgs84;
use buurt_io::registry::{Absent, Attempt, LoadedSources};
use buurt_io::{BoundaryLayer, RegionShape, TableDataset};

use crate::atlas::{Atlas, RegionInfo};
use crate::cells_build::CellIndexBuilder;
use crate::comparability::Comparability;
use crate::derive::derive_values;
use crate::error::{AtlasError, Result};
use crate::inputs::InputFile;
use crate::report::{DatasetReport, JoinCoverage, ParentCheck, ValidationReport};

pub use buurt_io::registry::Progress;

/// What the atlas is built from (the output of [`buurt_io::registry::load_all`]).
pub type BuildInput = LoadedSources;

impl Atlas {
    /// Validate the loaded sources and build the atlas. Fails, with the full report inside the
    /// error, if any dataset failed to load or a published parent disagrees with its children
    /// beyond CBS rounding.
    pub fn build(catalogue: Catalogue, input: BuildInput) -> Result<Self> {
        let started = Instant::now();
        let mut report = ValidationReport {
            data_dir: input.data_dir.display().to_string(),
            ..ValidationReport::default()
        };
        let mut failures = Vec::new();
        let mut inputs = Vec::new();
        for path in input
            .tables
            .iter()
            .flat_map(|a| &a.paths)
            .chain(input.layers.iter().flat_map(|a| &a.paths))
        {
            match InputFile::of(&input.data_dir, path) {
                Ok(f) if !inputs.contains(&f) => inputs.push(f),
                Ok(_) => {}
                Err(e) => failures.push(format!("{}: cannot read: {e}", path.display())),
            }
        }
        let mut tables = accept(
            input.tables,
            "table",
            table_report,
            &mut report,
            &mut failures,
        );
        let layers = accept(
            input.layers,
            "geometry",
            layer_report,
            &mut report,
            &mut failures,
        );
        report
            .datasets
            .extend(input.absent.into_iter().map(absent_report));

        let mut comparability = Comparability::default();
        for t in &tables {
            for r in &t.regions {
                comparability.add(r.key.code, r.key.indeling);
            }
        }
        for l in &layers {
            for f in &l.features {
                comparability.add(f.code, l.indeling);
            }
        }
        report.indeling_changes = comparability.changes();

        for t in &mut tables {
            derive_values(&catalogue, t);
        }
        for t in &tables {
            report.parent_checks.extend(parent_checks(&catalogue, t));
        }
        for c in &report.parent_checks {
            for f in &c.failures {
                failures.push(format!("{} {} {}: {f}", c.dataset, c.indicator, c.year));
            }
        }
        report.join_coverage = join_coverage(&tables, &layers, &comparability);
        report.seconds = started.elapsed().as_secs_f64();

        if !failures.is_empty() {
            tracing::warn!(
                failures = failures.len(),
                "atlas not built: validation failed"
            );
            return Err(AtlasError::Validation {
                failures,
                report: Box::new(report),
            });
        }

        let regions = region_infos(&tables, &layers, &comparability);
        // The observations go straight into the cell index, each table's freed once it is in:
        // no long table of millions of rows in between (the cache's Parquet is made from the
        // index).
        let mut rows = 0;
        let mut builder = CellIndexBuilder::new(&catalogue);
        for t in tables {
            rows += t.observations.len();
            builder.push_observations(&t.id, &t.observations)?;
        }
        let cells = builder.finish(regions.iter().map(|r| r.key))?;
        report.seconds = started.elapsed().as_secs_f64();
        tracing::info!(regions = regions.len(), rows, "atlas built");
        Ok(Self::assemble(
            catalogue,
            regions,
            layers,
            cells,
            comparability,
            report,
            inputs,
        ))
    }
}

/// The datasets that loaded; each attempt gets its report, a failed one also a failure line.
fn accept<T>(
    attempts: Vec<Attempt<T>>,
    kind: &str,
    describe: fn(&T, Vec<String>) -> DatasetReport,
    report: &mut ValidationReport,
    failures: &mut Vec<String>,
) -> Vec<T> {
    let mut loaded = Vec::new();
    for attempt in attempts {
        let paths = attempt
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        match attempt.result {
            Ok(dataset) => {
                report.datasets.push(describe(&dataset, paths));
                loaded.push(dataset);
            }
            Err(e) => {
                failures.push(format!("{}: {e}", attempt.id));
                report
                    .datasets
                    .push(failed_report(&attempt.id, kind, paths, &e.to_string()));
            }
        }
    }
    loaded
}

fn failed_report(id: &str, kind: &str, paths: Vec<String>, error: &str) -> DatasetReport {
    DatasetReport {
        id: id.to_owned(),
        kind: kind.to_owned(),
        paths,
        status: "failed".into(),
        error: Some(error.to_owned()),
        ..DatasetReport::default()
    }
}

/// A built-in dataset whose files are not in the data directory: reported, not failed.
fn absent_report(a: Absent) -> DatasetReport {
    DatasetReport {
        id: a.id,
        kind: if a.layer { "geometry" } else { "table" }.into(),
        paths: a.paths.iter().map(|p| p.display().to_string()).collect(),
        status: "absent".into(),
        ..DatasetReport::default()
    }
}

fn table_report(t: &TableDataset, paths: Vec<String>) -> DatasetReport {
    let mut regions = BTreeMap::new();
    for r in &t.regions {
        *regions.entry(r.level().as_str().to_owned()).or_insert(0) += 1;
    }
    let years: BTreeSet<u16> = t.observations.iter().map(|o| o.year).collect();
    let indelingen: BTreeSet<u16> = t.regions.iter().map(|r| r.key.indeling.year()).collect();
    let indicators: BTreeSet<u16> = t.observations.iter().map(|o| o.indicator).collect();
    DatasetReport {
        id: t.id.clone(),
        kind: "table".into(),
        paths,
        status: "ok".into(),
        error: None,
        rows: t.rows,
        regions,
        years: years.into_iter().collect(),
        indelingen: indelingen.into_iter().collect(),
        indicators: indicators.len(),
        cells: t.observations.len(),
        missing: t
            .missing_by_reason()
            .into_iter()
            .map(|(r, n)| (r.as_str().to_owned(), n))
            .collect(),
        unmapped_columns: t.unmapped_columns.clone(),
        problems: t.problems.clone(),
        area_check: None,
    }
}

fn layer_report(l: &BoundaryLayer, paths: Vec<String>) -> DatasetReport {
    DatasetReport {
        id: l.id.clone(),
        kind: "geometry".into(),
        paths,
        status: "ok".into(),
        error: None,
        rows: l.features.len(),
        regions: BTreeMap::from([(l.level.as_str().to_owned(), l.features.len())]),
        indelingen: vec![l.indeling.year()],
        problems: l.problems.clone(),
        area_check: l.area_check.clone(),
        ..DatasetReport::default()
    }
}

/// Published wijk and gemeente rows of counts against the sum of their children. CBS rounds
/// each wijk/buurt count at random to a multiple of its rounding base r (5 for most counts; error
/// < r per row), so for a wijk |Σ buurten − wijk| < r × (buurten + 1) must hold. Gemeente totals
/// are exact and also count persons and vehicles that CBS could not place in any wijk, so there
/// only Σ wijken − gemeente < r × wijken must hold (the children may fall short, never exceed).
fn parent_checks(catalogue: &Catalogue, t: &TableDataset) -> Vec<ParentCheck> {
    let indicators = catalogue.indicators();
    // (indicator, year, indeling, age) → code → value
    let mut cells: BTreeMap<(u16, u16, Indeling, &'static str), HashMap<RegionCode, Value>> =
        BTreeMap::new();
    for o in &t.observations {
        let ind = &indicators[usize::from(o.indicator)];
        if ind.aggregation != Aggregation::Sum
            || ind.unit != Unit::Count
            || ind.derived
            || !ind.additive
        {
            continue;
        }
        cells
            .entry((o.indicator, o.year, o.indeling, o.age_group.as_str()))
            .or_default()
            .insert(o.region, o.value);
    }
    let mut out = Vec::new();
    for ((indicator, year, _, _), by_code) in cells {
        for parent_level in [Level::Wijk, Level::Gemeente] {
            let child_level = if parent_level == Level::Wijk {
                Level::Buurt
            } else {
                Level::Wijk
            };
            let mut sums: BTreeMap<RegionCode, (f64, usize, bool)> = BTreeMap::new();
            for (code, value) in &by_code {
                if code.level() != child_level {
                    continue;
                }
                let Some(parent) = code.parent() else {
                    continue;
                };
                let entry = sums.entry(parent).or_insert((0.0, 0, false));
                entry.1 += 1;
                match value.number() {
                    Some(v) => entry.0 += v,
                    None => entry.2 = true,
                }
            }
            let mut check = ParentCheck {
                dataset: t.id.clone(),
                indicator: indicators[usize::from(indicator)].id.clone(),
                year,
                parent_level: parent_level.as_str().into(),
                parents: 0,
                failures: Vec::new(),
                max_abs_difference: 0.0,
                skipped: 0,
            };
            let r = f64::from(indicators[usize::from(indicator)].rounding);
            for (parent, (sum, n, any_missing)) in sums {
                let Some(published) = by_code.get(&parent).and_then(|v| v.number()) else {
                    continue;
                };
                if any_missing {
                    check.skipped += 1;
                    continue;
                }
                check.parents += 1;
                let diff = (sum - published).abs();
                check.max_abs_difference = check.max_abs_difference.max(diff);
                let (excess, bound) = if parent_level == Level::Wijk {
                    (diff, r * (n as f64 + 1.0))
                } else {
                    (sum - published, r * n as f64)
                };
                if excess >= bound {
                    check.failures.push(format!(
                        "{parent}: published {published}, sum of {n} children {sum} (difference {diff} beyond rounding to {r}: bound {bound})"
                    ));
                }
            }
            if check.parents > 0 || check.skipped > 0 {
                out.push(check);
            }
        }
    }
    out
}

/// A boundary layer whose polygons add up to this many m² covers the Netherlands (35 088 km²
/// with inland water; the generalised PDOK and tmap layers come within a few percent of it).
const NATIONAL_LAYER_M2: f64 = 30_000e6;

fn join_coverage(
    tables: &[TableDataset],
    layers: &[BoundaryLayer],
    comparability: &Comparability,
) -> Vec<JoinCoverage> {
    let mut out = Vec::new();
    for t in tables {
        for l in layers {
            let layer_codes: BTreeSet<RegionCode> = l.features.iter().map(|f| f.code).collect();
            let gemeenten: BTreeSet<_> = layer_codes
                .iter()
                .filter_map(RegionCode::gemeente)
                .collect();
            // A layer that covers the country is compared with every code of its level; a local
            // one (Utrecht's own files, a fetched gemeente) only with its own gemeenten.
            let national =
                l.features.iter().map(RegionShape::area_m2).sum::<f64>() >= NATIONAL_LAYER_M2;
            let in_scope = |c: &RegionCode| {
                national
                    || c.gemeente().is_some_and(|g| gemeenten.contains(&g))
                    || (l.level == Level::Gemeente && layer_codes.contains(c))
            };
            let data_codes: BTreeMap<RegionCode, Indeling> = t
                .regions
                .iter()
                .filter(|r| r.level() == l.level && in_scope(&r.key.code))
                .map(|r| (r.key.code, r.key.indeling))
                .collect();
            if data_codes.is_empty() {
                continue;
            }
            let data_indeling = data_codes.values().max().copied().unwrap_or(l.indeling);
            let mut cov = JoinCoverage {
                dataset: t.id.clone(),
                data_indeling: data_indeling.year(),
                layer: l.id.clone(),
                layer_indeling: l.indeling.year(),
                level: l.level.as_str().into(),
                joined: 0,
                data_only: Vec::new(),
                geometry_only: Vec::new(),
                not_comparable: Vec::new(),
            };
            // A table may hold several indelingen (stacked years); the join uses its newest one
            // that the layer's codes exist in.
            let newest: BTreeMap<RegionCode, Indeling> = t
                .regions
                .iter()
                .filter(|r| r.level() == l.level && in_scope(&r.key.code))
                .fold(BTreeMap::new(), |mut m, r| {
                    let e = m.entry(r.key.code).or_insert(r.key.indeling);
                    *e = (*e).max(r.key.indeling);
                    m
                });
            for (code, indeling) in &newest {
                if !layer_codes.contains(code) {
                    cov.data_only.push(code.to_string());
                } else if comparability.same_region(*code, *indeling, l.indeling) {
                    cov.joined += 1;
                } else {
                    cov.not_comparable.push(code.to_string());
                }
            }
            for code in &layer_codes {
                if !newest.contains_key(code) {
                    cov.geometry_only.push(code.to_string());
                }
            }
            out.push(cov);
        }
    }
    out
}

fn name_rank(source: Option<SourceTable>) -> u8 {
    match source {
        Some(SourceTable::CbsKwb | SourceTable::CbsKwbGpkg | SourceTable::CbsNabijheid) => 0,
        None => 1,                         // geometry layers (statnaam)
        Some(SourceTable::VektisZvw) => 3, // upper-case names
        Some(_) => 2,
    }
}

/// A feature's area (m²), centroid and interior point.
type Placement = (f64, Option<PointWgs84>, Option<PointWgs84>);

fn region_infos(
    tables: &[TableDataset],
    layers: &[BoundaryLayer],
    comparability: &Comparability,
) -> Vec<RegionInfo> {
    let mut infos: BTreeMap<RegionKey, (RegionInfo, u8)> = BTreeMap::new();
    let mut upsert = |key: RegionKey, name: &str, rank: u8, dataset: Option<&str>| {
        let entry = infos
            .entry(key)
            .or_insert_with(|| (RegionInfo::bare(key), u8::MAX));
        let name = name.trim();
        if !name.is_empty() && name != key.code.as_str() && rank < entry.1 {
            name.clone_into(&mut entry.0.name);
            entry.1 = rank;
        }
        if let Some(d) = dataset
            && !entry.0.datasets.iter().any(|x| x == d)
        {
            entry.0.datasets.push(d.to_owned());
        }
    };
    for t in tables {
        for r in &t.regions {
            upsert(r.key, &r.name, name_rank(Some(t.source)), Some(&t.id));
        }
    }
    for l in layers {
        for f in &l.features {
            upsert(
                RegionKey::new(f.code, l.indeling),
                &f.name,
                name_rank(None),
                None,
            );
        }
    }
    // A region named only by a weak source (RIVM rows carry no buurt names, Vektis writes
    // upper case) borrows the best name of the same area in another indeling: of the entries
    // of the same code (in key order), the lowest rank, then the newest indeling.
    let mut by_code: HashMap<RegionCode, Vec<(RegionKey, String, u8)>> = HashMap::new();
    for (i, r) in infos.values() {
        by_code
            .entry(i.key.code)
            .or_default()
            .push((i.key, i.name.clone(), *r));
    }
    for (info, rank) in infos.values_mut() {
        let better = by_code[&info.key.code]
            .iter()
            .filter(|(_, _, r)| *r < *rank)
            .filter(|(k, _, _)| comparability.same_region(k.code, k.indeling, info.key.indeling))
            .min_by_key(|(k, _, r)| (*r, std::cmp::Reverse(k.indeling)));
        if let Some((_, name, r)) = better {
            name.clone_into(&mut info.name);
            *rank = *r;
        }
    }
    drop(by_code);
    // Area and an interior point from the newest comparable layer that has the code (its
    // first feature of the code), each feature's worked out once however many indelingen
    // name it.
    let features: Vec<HashMap<RegionCode, usize>> = layers
        .iter()
        .map(|l| {
            let mut first = HashMap::with_capacity(l.features.len());
            for (i, f) in l.features.iter().enumerate() {
                first.entry(f.code).or_insert(i);
            }
            first
        })
        .collect();
    let mut placed: HashMap<(usize, usize), Placement> = HashMap::new();
    let mut out: Vec<RegionInfo> = infos.into_values().map(|(info, _)| info).collect();
    for info in &mut out {
        let best = layers
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.level == info.level
                    && comparability.same_region(info.key.code, info.key.indeling, l.indeling)
            })
            .filter_map(|(li, l)| features[li].get(&info.key.code).map(|&fi| (li, l, fi)))
            .max_by_key(|(_, l, _)| (l.indeling == info.key.indeling, l.indeling));
        if let Some((li, layer, fi)) = best {
            let (area, centroid, interior) = *placed.entry((li, fi)).or_insert_with(|| {
                let feature = &layer.features[fi];
                (
                    feature.area_m2(),
                    feature.centroid_wgs84(),
                    feature.interior_point_wgs84(),
                )
            });
            info.area_m2 = Some(area);
            info.centroid_wgs84 = centroid;
            info.interior_point_wgs84 = interior;
            info.geometry_layer = Some(layer.id.clone());
        }
    }
    out
}
