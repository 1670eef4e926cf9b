//! The full diagnose table: every cell of one level with its benchmarks, index, z-scores and
//! percentile ranks, computed group by group in parallel. This is what a national map or a
//! bulk export needs, and what the criterion benchmark measures.

use buurt_core::Level;
use polars::prelude::{Column, DataFrame};

use super::bands::Band;
use super::engine::{Engine, GroupKey};
use crate::error::Result;

/// One row per cell of the chosen level.
#[derive(Debug, Default, Clone)]
pub struct FullTable {
    /// The cell (see [`Engine::cell_value`]).
    pub cell: Vec<usize>,
    /// Published wijk value (NaN when absent).
    pub bench_wijk: Vec<f64>,
    /// Published gemeente value.
    pub bench_gemeente: Vec<f64>,
    /// Published NL value.
    pub bench_nl: Vec<f64>,
    /// value / gemeente × 100.
    pub index_gemeente: Vec<f64>,
    /// z among the same level within the gemeente.
    pub z_gemeente: Vec<f64>,
    /// Percentile rank within the gemeente.
    pub rank_gemeente: Vec<f64>,
    /// z among the same level in the whole group (NL for national sources).
    pub z_nl: Vec<f64>,
    /// Percentile rank in the whole group.
    pub rank_nl: Vec<f64>,
}

impl FullTable {
    fn extend(&mut self, other: FullTable) {
        self.cell.extend(other.cell);
        self.bench_wijk.extend(other.bench_wijk);
        self.bench_gemeente.extend(other.bench_gemeente);
        self.bench_nl.extend(other.bench_nl);
        self.index_gemeente.extend(other.index_gemeente);
        self.z_gemeente.extend(other.z_gemeente);
        self.rank_gemeente.extend(other.rank_gemeente);
        self.z_nl.extend(other.z_nl);
        self.rank_nl.extend(other.rank_nl);
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cell.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cell.is_empty()
    }

    /// As a polars DataFrame with region, dataset, indicator and year columns.
    pub fn to_dataframe(
        &self,
        engine: &Engine,
        catalogue: &buurt_core::Catalogue,
    ) -> Result<DataFrame> {
        let n = self.len();
        let opt = |v: &[f64]| {
            v.iter()
                .map(|x| x.is_finite().then_some(*x))
                .collect::<Vec<Option<f64>>>()
        };
        let region: Vec<String> = self
            .cell
            .iter()
            .map(|&c| engine.cell_region(c).code.to_string())
            .collect();
        let group: Vec<GroupKey> = self.cell.iter().map(|&c| engine.cell_group[c]).collect();
        let dataset: Vec<&str> = group
            .iter()
            .map(|g| engine.datasets()[usize::from(g.dataset)].as_str())
            .collect();
        let indicator: Vec<&str> = group
            .iter()
            .map(|g| catalogue.indicators()[usize::from(g.indicator)].id.as_str())
            .collect();
        let year: Vec<i32> = group.iter().map(|g| i32::from(g.year)).collect();
        let value: Vec<Option<f64>> = self
            .cell
            .iter()
            .map(|&c| engine.cell_value(c).0)
            .map(|v| v.is_finite().then_some(v))
            .collect();
        let band: Vec<Option<&str>> = self
            .z_gemeente
            .iter()
            .map(|z| z.is_finite().then(|| band_key(Band::of_z(*z))))
            .collect();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("region".into(), region),
                Column::new("dataset".into(), dataset),
                Column::new("indicator".into(), indicator),
                Column::new("year".into(), year),
                Column::new("value".into(), value),
                Column::new("bench_wijk".into(), opt(&self.bench_wijk)),
                Column::new("bench_gemeente".into(), opt(&self.bench_gemeente)),
                Column::new("bench_nl".into(), opt(&self.bench_nl)),
                Column::new("index_gemeente".into(), opt(&self.index_gemeente)),
                Column::new("z_gemeente".into(), opt(&self.z_gemeente)),
                Column::new("rank_gemeente".into(), opt(&self.rank_gemeente)),
                Column::new("z_nl".into(), opt(&self.z_nl)),
                Column::new("rank_nl".into(), opt(&self.rank_nl)),
                Column::new("band".into(), band),
            ],
        )?)
    }
}

fn band_key(b: Band) -> &'static str {
    match b {
        Band::WellBelow => "well_below",
        Band::Below => "below",
        Band::Around => "around",
        Band::Above => "above",
        Band::WellAbove => "well_above",
    }
}

/// Compute the full table for every cell of `level` in the groups `keep` accepts.
#[must_use]
pub fn full_table(
    engine: &Engine,
    level: Level,
    keep: &(dyn Fn(GroupKey) -> bool + Sync),
) -> FullTable {
    let mut groups: Vec<GroupKey> = engine.group_keys().copied().filter(|g| keep(*g)).collect();
    groups.sort_unstable();
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, 8);
    let chunk = groups.len().div_ceil(threads).max(1);
    let parts: Vec<FullTable> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().fold(FullTable::default(), |mut t, g| {
                        t.extend(one_group(engine, *g, level));
                        t
                    })
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut out = FullTable::default();
    for p in parts {
        out.extend(p);
    }
    out
}

fn one_group(engine: &Engine, g: GroupKey, level: Level) -> FullTable {
    let range = engine.group(g);
    // (gemeente, value, cell) for finite values of this level.
    let mut rows: Vec<(u32, f64, usize)> = Vec::new();
    let mut missing_cells: Vec<usize> = Vec::new();
    for c in range {
        let r = engine.cell_region[c] as usize;
        if engine.regions[r].code.level() != level {
            continue;
        }
        let v = engine.cell_value[c];
        if v.is_finite() {
            rows.push((engine.parent_gemeente[r].unwrap_or(u32::MAX), v, c));
        } else {
            missing_cells.push(c);
        }
    }
    let n = rows.len() + missing_cells.len();
    let mut t = FullTable {
        cell: Vec::with_capacity(n),
        bench_wijk: Vec::with_capacity(n),
        bench_gemeente: Vec::with_capacity(n),
        bench_nl: Vec::with_capacity(n),
        index_gemeente: Vec::with_capacity(n),
        z_gemeente: Vec::with_capacity(n),
        rank_gemeente: Vec::with_capacity(n),
        z_nl: Vec::with_capacity(n),
        rank_nl: Vec::with_capacity(n),
    };
    // NL-wide mean/sd and ranks.
    let mut all: Vec<f64> = rows.iter().map(|r| r.1).collect();
    all.sort_unstable_by(f64::total_cmp);
    let (m_all, sd_all) = mean_sd(&all);
    // Per gemeente: sort by (gemeente, value), then each run is one gemeente.
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let parent = |p: Option<u32>| {
        p.and_then(|p| engine.cell(g, p))
            .map_or(f64::NAN, |c| engine.cell_value[c])
    };
    let mut start = 0;
    while start < rows.len() {
        let gm = rows[start].0;
        let end = start + rows[start..].partition_point(|r| r.0 == gm);
        let run: Vec<f64> = rows[start..end].iter().map(|r| r.1).collect();
        let (m, sd) = mean_sd(&run);
        let gm_value = parent((gm != u32::MAX).then_some(gm));
        for (i, &(_, v, c)) in rows[start..end].iter().enumerate() {
            let r = engine.cell_region[c] as usize;
            t.cell.push(c);
            t.bench_wijk.push(parent(engine.parent_wijk[r]));
            t.bench_gemeente.push(gm_value);
            t.bench_nl.push(parent(engine.nederland[r]));
            t.index_gemeente.push(v / gm_value * 100.0);
            t.z_gemeente.push(if run.len() >= 3 && sd > 0.0 {
                (v - m) / sd
            } else {
                f64::NAN
            });
            // Ties: the rank of the middle of the run of equal values.
            let below = run.partition_point(|x| *x < v);
            let upto = run.partition_point(|x| *x <= v);
            let _ = i;
            t.rank_gemeente
                .push((below as f64 + 0.5 * (upto - below) as f64) / run.len() as f64 * 100.0);
            t.z_nl.push(if sd_all > 0.0 {
                (v - m_all) / sd_all
            } else {
                f64::NAN
            });
            let below = all.partition_point(|x| *x < v);
            let upto = all.partition_point(|x| *x <= v);
            t.rank_nl
                .push((below as f64 + 0.5 * (upto - below) as f64) / all.len() as f64 * 100.0);
        }
        start = end;
    }
    for c in missing_cells {
        let r = engine.cell_region[c] as usize;
        t.cell.push(c);
        t.bench_wijk.push(parent(engine.parent_wijk[r]));
        t.bench_gemeente.push(parent(engine.parent_gemeente[r]));
        t.bench_nl.push(parent(engine.nederland[r]));
        for col in [
            &mut t.index_gemeente,
            &mut t.z_gemeente,
            &mut t.rank_gemeente,
            &mut t.z_nl,
            &mut t.rank_nl,
        ] {
            col.push(f64::NAN);
        }
    }
    t
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    (m, var.sqrt())
}
