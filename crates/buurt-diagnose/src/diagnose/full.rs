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
///
/// The output is allocated once at its exact size and each thread writes its own disjoint
/// slice of it, so nothing is copied after the computation.
#[must_use]
pub fn full_table(
    engine: &Engine,
    level: Level,
    keep: &(dyn Fn(GroupKey) -> bool + Sync),
) -> FullTable {
    let mut out = FullTable::default();
    full_table_into(engine, level, keep, &mut out);
    out
}

/// As [`full_table`], writing into `out` and reusing its memory when it already has the size
/// (a process that recomputes the table, e.g. after a reload, then pays no allocation).
pub fn full_table_into(
    engine: &Engine,
    level: Level,
    keep: &(dyn Fn(GroupKey) -> bool + Sync),
    out: &mut FullTable,
) {
    let mut groups: Vec<GroupKey> = engine.group_keys().copied().filter(|g| keep(*g)).collect();
    groups.sort_unstable();
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| {
            engine
                .group(*g)
                .filter(|&c| engine.regions[engine.cell_region[c] as usize].code.level() == level)
                .count()
        })
        .collect();
    let total: usize = sizes.iter().sum();
    // Every slot is written exactly once below, so existing memory is reused as it is.
    out.cell.resize(total, 0);
    for col in [
        &mut out.bench_wijk,
        &mut out.bench_gemeente,
        &mut out.bench_nl,
        &mut out.index_gemeente,
        &mut out.z_gemeente,
        &mut out.rank_gemeente,
        &mut out.z_nl,
        &mut out.rank_nl,
    ] {
        col.resize(total, 0.0);
    }
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, 8);
    // Balance threads by rows, not by groups.
    let per_thread = total.div_ceil(threads).max(1);
    let mut jobs: Vec<(std::ops::Range<usize>, usize)> = Vec::new();
    let (mut first, mut rows) = (0, 0);
    for (i, n) in sizes.iter().enumerate() {
        rows += n;
        if rows >= per_thread || i + 1 == sizes.len() {
            jobs.push((first..i + 1, rows));
            first = i + 1;
            rows = 0;
        }
    }
    std::thread::scope(|scope| {
        let mut rest = Out::of(out);
        for (range, rows) in jobs {
            let (mine, tail) = rest.split_at(rows);
            rest = tail;
            let (groups, sizes) = (&groups[range.clone()], &sizes[range]);
            scope.spawn(move || {
                let mut scratch = Scratch::new(engine.regions.len());
                let mut out = mine;
                for (g, n) in groups.iter().zip(sizes) {
                    let (mut part, tail) = out.split_at(*n);
                    out = tail;
                    one_group(engine, *g, level, &mut scratch, &mut part);
                }
            });
        }
    });
}

/// Mutable views of the output columns, split per thread and per group.
struct Out<'a> {
    cell: &'a mut [usize],
    bench_wijk: &'a mut [f64],
    bench_gemeente: &'a mut [f64],
    bench_nl: &'a mut [f64],
    index_gemeente: &'a mut [f64],
    z_gemeente: &'a mut [f64],
    rank_gemeente: &'a mut [f64],
    z_nl: &'a mut [f64],
    rank_nl: &'a mut [f64],
}

impl<'a> Out<'a> {
    fn of(t: &'a mut FullTable) -> Self {
        Self {
            cell: &mut t.cell,
            bench_wijk: &mut t.bench_wijk,
            bench_gemeente: &mut t.bench_gemeente,
            bench_nl: &mut t.bench_nl,
            index_gemeente: &mut t.index_gemeente,
            z_gemeente: &mut t.z_gemeente,
            rank_gemeente: &mut t.rank_gemeente,
            z_nl: &mut t.z_nl,
            rank_nl: &mut t.rank_nl,
        }
    }

    fn split_at(self, n: usize) -> (Out<'a>, Out<'a>) {
        let (a0, b0) = self.cell.split_at_mut(n);
        let (a1, b1) = self.bench_wijk.split_at_mut(n);
        let (a2, b2) = self.bench_gemeente.split_at_mut(n);
        let (a3, b3) = self.bench_nl.split_at_mut(n);
        let (a4, b4) = self.index_gemeente.split_at_mut(n);
        let (a5, b5) = self.z_gemeente.split_at_mut(n);
        let (a6, b6) = self.rank_gemeente.split_at_mut(n);
        let (a7, b7) = self.z_nl.split_at_mut(n);
        let (a8, b8) = self.rank_nl.split_at_mut(n);
        (
            Out {
                cell: a0,
                bench_wijk: a1,
                bench_gemeente: a2,
                bench_nl: a3,
                index_gemeente: a4,
                z_gemeente: a5,
                rank_gemeente: a6,
                z_nl: a7,
                rank_nl: a8,
            },
            Out {
                cell: b0,
                bench_wijk: b1,
                bench_gemeente: b2,
                bench_nl: b3,
                index_gemeente: b4,
                z_gemeente: b5,
                rank_gemeente: b6,
                z_nl: b7,
                rank_nl: b8,
            },
        )
    }
}

/// Per-thread buffers indexed by region, reused across groups so no group allocates or hashes.
struct Scratch {
    /// Values of the parent rows of the current group (NaN elsewhere).
    parent_value: Vec<f64>,
    /// Start of each gemeente's bucket in the current group.
    bucket_start: Vec<u32>,
    rows: Vec<(f64, u32, usize)>,
    /// (value, gemeente, cell, NL rank) grouped by gemeente.
    ordered: Vec<(f64, u32, usize, f64)>,
    nl_rank: Vec<f64>,
    local_rank: Vec<f64>,
    gemeenten: Vec<usize>,
    parents: Vec<usize>,
}

impl Scratch {
    fn new(regions: usize) -> Self {
        Self {
            parent_value: vec![f64::NAN; regions + 1],
            bucket_start: vec![0; regions + 1],
            rows: Vec::new(),
            ordered: Vec::new(),
            nl_rank: Vec::new(),
            local_rank: Vec::new(),
            gemeenten: Vec::new(),
            parents: Vec::new(),
        }
    }
}

/// Percentile ranks of value-sorted values, ties sharing the middle of their run.
fn ranks_of_sorted(values: impl Iterator<Item = f64>, n: usize, out: &mut Vec<f64>) {
    let mut run_start = 0;
    let mut run_value = f64::NAN;
    for (i, v) in values.enumerate() {
        if i > 0 && v > run_value {
            let rank = (run_start as f64 + 0.5 * (i - run_start) as f64) / n as f64 * 100.0;
            out.extend(std::iter::repeat_n(rank, i - run_start));
            run_start = i;
        }
        run_value = v;
    }
    if n > run_start {
        let rank = (run_start as f64 + 0.5 * (n - run_start) as f64) / n as f64 * 100.0;
        out.extend(std::iter::repeat_n(rank, n - run_start));
    }
}

fn one_group(engine: &Engine, g: GroupKey, level: Level, s: &mut Scratch, out: &mut Out<'_>) {
    let none = engine.regions.len(); // the scratch slot for "no parent"
    s.rows.clear();
    s.parents.clear();
    for c in engine.group(g) {
        let r = engine.cell_region[c] as usize;
        let v = engine.cell_value[c];
        let l = engine.regions[r].code.level();
        if l == level {
            s.rows
                .push((v, engine.parent_gemeente[r].unwrap_or(u32::MAX), c));
        } else if l < level {
            s.parent_value[r] = v;
            s.parents.push(r);
        }
    }
    let pv = &s.parent_value;
    let parent = |p: Option<u32>| pv[p.map_or(none, |p| p as usize)];
    // Missing values first (no standing), then the finite ones, sorted by value once.
    let split = partition_missing(&mut s.rows);
    let mut at = 0;
    for &(_, _, c) in &s.rows[..split] {
        let r = engine.cell_region[c] as usize;
        out.cell[at] = c;
        out.bench_wijk[at] = parent(engine.parent_wijk[r]);
        out.bench_gemeente[at] = parent(engine.parent_gemeente[r]);
        out.bench_nl[at] = parent(engine.nederland[r]);
        out.index_gemeente[at] = f64::NAN;
        out.z_gemeente[at] = f64::NAN;
        out.rank_gemeente[at] = f64::NAN;
        out.z_nl[at] = f64::NAN;
        out.rank_nl[at] = f64::NAN;
        at += 1;
    }
    let finite = &mut s.rows[split..];
    finite.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let n_all = finite.len();
    let (m_all, sd_all) = mean_sd(finite.iter().map(|r| r.0));
    s.nl_rank.clear();
    ranks_of_sorted(finite.iter().map(|r| r.0), n_all, &mut s.nl_rank);
    // Bucket by gemeente, keeping value order inside each bucket (a counting sort).
    let slot = |gm: u32| if gm == u32::MAX { none } else { gm as usize };
    s.gemeenten.clear();
    for r in finite.iter() {
        let k = slot(r.1);
        if s.bucket_start[k] == 0 {
            s.gemeenten.push(k);
        }
        s.bucket_start[k] += 1;
    }
    let mut offset = 0u32;
    for &k in &s.gemeenten {
        let count = s.bucket_start[k];
        s.bucket_start[k] = offset;
        offset += count;
    }
    s.ordered.clear();
    s.ordered.resize(n_all, (0.0, 0, 0, 0.0));
    for (i, r) in finite.iter().enumerate() {
        let k = slot(r.1);
        let pos = s.bucket_start[k] as usize;
        s.ordered[pos] = (r.0, r.1, r.2, s.nl_rank[i]);
        s.bucket_start[k] += 1;
    }
    let mut start = 0;
    for &k in &s.gemeenten {
        let end = s.bucket_start[k] as usize;
        s.bucket_start[k] = 0;
        let run = &s.ordered[start..end];
        let (m, sd) = mean_sd(run.iter().map(|r| r.0));
        s.local_rank.clear();
        ranks_of_sorted(run.iter().map(|r| r.0), run.len(), &mut s.local_rank);
        let gm_value = if k == none { f64::NAN } else { pv[k] };
        for (i, &(v, _, c, nl_rank)) in run.iter().enumerate() {
            let r = engine.cell_region[c] as usize;
            out.cell[at] = c;
            out.bench_wijk[at] = parent(engine.parent_wijk[r]);
            out.bench_gemeente[at] = gm_value;
            out.bench_nl[at] = parent(engine.nederland[r]);
            out.index_gemeente[at] = v / gm_value * 100.0;
            out.z_gemeente[at] = if run.len() >= 3 && sd > 0.0 {
                (v - m) / sd
            } else {
                f64::NAN
            };
            out.rank_gemeente[at] = s.local_rank[i];
            out.z_nl[at] = if sd_all > 0.0 {
                (v - m_all) / sd_all
            } else {
                f64::NAN
            };
            out.rank_nl[at] = nl_rank;
            at += 1;
        }
        start = end;
    }
    for &r in &s.parents {
        s.parent_value[r] = f64::NAN;
    }
}

/// Move rows without a finite value to the front; returns how many there are.
fn partition_missing(rows: &mut [(f64, u32, usize)]) -> usize {
    let mut split = 0;
    for i in 0..rows.len() {
        if !rows[i].0.is_finite() {
            rows.swap(i, split);
            split += 1;
        }
    }
    split
}

fn mean_sd(v: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let (n, sum) = v.clone().fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let m = sum / n as f64;
    let var = v.map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
    (m, var.sqrt())
}
