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
    fn with_capacity(n: usize) -> Self {
        Self {
            cell: Vec::with_capacity(n),
            bench_wijk: Vec::with_capacity(n),
            bench_gemeente: Vec::with_capacity(n),
            bench_nl: Vec::with_capacity(n),
            index_gemeente: Vec::with_capacity(n),
            z_gemeente: Vec::with_capacity(n),
            rank_gemeente: Vec::with_capacity(n),
            z_nl: Vec::with_capacity(n),
            rank_nl: Vec::with_capacity(n),
        }
    }

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
                    let mut scratch = Scratch::new(engine.regions.len());
                    let rows: usize = part.iter().map(|g| engine.group(*g).len()).sum();
                    let mut t = FullTable::with_capacity(rows);
                    for g in part {
                        one_group(engine, *g, level, &mut scratch, &mut t);
                    }
                    t
                })
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut out = FullTable::with_capacity(parts.iter().map(FullTable::len).sum());
    for p in parts {
        out.extend(p);
    }
    out
}

/// Per-thread buffers indexed by region, reused across groups so no group allocates or hashes.
struct Scratch {
    /// Values of the parent rows of the current group (NaN elsewhere).
    parent_value: Vec<f64>,
    /// Start of each gemeente's bucket in the current group.
    bucket_start: Vec<u32>,
    rows: Vec<(f64, u32, usize)>,
    ordered: Vec<(f64, u32, usize)>,
    nl_rank: Vec<f64>,
}

impl Scratch {
    fn new(regions: usize) -> Self {
        Self {
            parent_value: vec![f64::NAN; regions + 1],
            bucket_start: vec![0; regions + 1],
            rows: Vec::new(),
            ordered: Vec::new(),
            nl_rank: Vec::new(),
        }
    }
}

/// Percentile ranks of a value-sorted slice, ties sharing the middle of their run.
fn ranks_of_sorted(values: impl Iterator<Item = f64> + Clone, n: usize, out: &mut Vec<f64>) {
    out.clear();
    let vals: Vec<f64> = values.collect();
    let mut i = 0;
    while i < vals.len() {
        let mut j = i + 1;
        while j < vals.len() && vals[j] <= vals[i] {
            j += 1;
        }
        let rank = (i as f64 + 0.5 * (j - i) as f64) / n as f64 * 100.0;
        out.extend(std::iter::repeat_n(rank, j - i));
        i = j;
    }
}

fn one_group(engine: &Engine, g: GroupKey, level: Level, s: &mut Scratch, t: &mut FullTable) {
    let range = engine.group(g);
    let none = engine.regions.len(); // the scratch slot for "no parent"
    s.rows.clear();
    let mut parents_set: Vec<usize> = Vec::new();
    for c in range.clone() {
        let r = engine.cell_region[c] as usize;
        let v = engine.cell_value[c];
        let l = engine.regions[r].code.level();
        if l == level {
            s.rows
                .push((v, engine.parent_gemeente[r].unwrap_or(u32::MAX), c));
        } else if l < level {
            s.parent_value[r] = v;
            parents_set.push(r);
        }
    }
    let parent = |p: Option<u32>, pv: &[f64]| pv[p.map_or(none, |p| p as usize)];
    // Missing values first (no standing), then the finite ones sorted by value once.
    let split = itertools_partition(&mut s.rows);
    for &(_, _, c) in &s.rows[..split] {
        let r = engine.cell_region[c] as usize;
        t.cell.push(c);
        t.bench_wijk
            .push(parent(engine.parent_wijk[r], &s.parent_value));
        t.bench_gemeente
            .push(parent(engine.parent_gemeente[r], &s.parent_value));
        t.bench_nl
            .push(parent(engine.nederland[r], &s.parent_value));
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
    let finite = &mut s.rows[split..];
    finite.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let n_all = finite.len();
    let (m_all, sd_all) = mean_sd(finite.iter().map(|r| r.0));
    ranks_of_sorted(finite.iter().map(|r| r.0), n_all, &mut s.nl_rank);
    // Bucket by gemeente, keeping value order inside each bucket (a counting sort).
    let slot = |gm: u32| if gm == u32::MAX { none } else { gm as usize };
    let mut gemeenten: Vec<usize> = Vec::new();
    for r in finite.iter() {
        let k = slot(r.1);
        if s.bucket_start[k] == 0 {
            gemeenten.push(k);
        }
        s.bucket_start[k] += 1;
    }
    let mut offset = 0u32;
    for &k in &gemeenten {
        let count = s.bucket_start[k];
        s.bucket_start[k] = offset;
        offset += count;
    }
    s.ordered.clear();
    s.ordered.resize(n_all, (0.0, 0, 0));
    let mut nl_rank_ordered = vec![0.0; n_all];
    for (i, r) in finite.iter().enumerate() {
        let k = slot(r.1);
        let at = s.bucket_start[k] as usize;
        s.ordered[at] = *r;
        nl_rank_ordered[at] = s.nl_rank[i];
        s.bucket_start[k] += 1;
    }
    let mut start = 0;
    let mut local_rank = Vec::new();
    for &k in &gemeenten {
        let end = s.bucket_start[k] as usize;
        s.bucket_start[k] = 0;
        let run = &s.ordered[start..end];
        let (m, sd) = mean_sd(run.iter().map(|r| r.0));
        ranks_of_sorted(run.iter().map(|r| r.0), run.len(), &mut local_rank);
        let gm_value = if k == none {
            f64::NAN
        } else {
            s.parent_value[k]
        };
        for (i, &(v, _, c)) in run.iter().enumerate() {
            let r = engine.cell_region[c] as usize;
            t.cell.push(c);
            t.bench_wijk
                .push(parent(engine.parent_wijk[r], &s.parent_value));
            t.bench_gemeente.push(gm_value);
            t.bench_nl
                .push(parent(engine.nederland[r], &s.parent_value));
            t.index_gemeente.push(v / gm_value * 100.0);
            t.z_gemeente.push(if run.len() >= 3 && sd > 0.0 {
                (v - m) / sd
            } else {
                f64::NAN
            });
            t.rank_gemeente.push(local_rank[i]);
            t.z_nl.push(if sd_all > 0.0 {
                (v - m_all) / sd_all
            } else {
                f64::NAN
            });
            t.rank_nl.push(nl_rank_ordered[start + i]);
        }
        start = end;
    }
    for r in parents_set {
        s.parent_value[r] = f64::NAN;
    }
}

/// Move rows without a finite value to the front; returns how many there are.
fn itertools_partition(rows: &mut [(f64, u32, usize)]) -> usize {
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
