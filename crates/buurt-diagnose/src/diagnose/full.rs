//! The full diagnose table: every cell of one level with its index, z-scores and percentile
//! ranks within its gemeente and within the whole group, computed group by group on all cores.
//! This is what a national map or a bulk export needs, and what the criterion benchmark
//! measures (all 13 808 NL buurten × every RIVM indicator × three years = 3.9 million rows).
//!
//! The table is kept lean because writing it is a large part of the cost: 20 bytes a row,
//! five `f32` standings (77 MB for the benchmark, against 280 MB for a `usize` cell and eight
//! `f64` columns). The standings are computed in `f64` and stored as `f32`, whose relative
//! rounding error (≤ 6e-8) is far below anything a z-score or percentile is read at. The
//! rows' cells are one run per group (a group's cells of a level are consecutive in the
//! cell index), and the published wijk, gemeente and NL values are not copied into every row:
//! they are cells of the cell index already, which [`FullTable::benchmarks`] and
//! [`FullTable::to_dataframe`] look up.
//!
//! Per group, without comparison sorts: published values repeat a lot (one decimal: a few
//! hundred distinct values among thousands of buurten), so each row's value is numbered
//! through a small hash table and only the distinct values are sorted, which gives every
//! value its rank in the group. A counting sort on those numbers puts the rows in value order,
//! and a stable counting sort by gemeente then gives each gemeente's rows in value order, ties
//! side by side, for its ranks. Every z, rank and index is computed afresh on each call.

use std::ops::Range;
use std::sync::Mutex;

use buurt_atlas::{Atlas, CellIndex, GroupKey};
use buurt_core::{Indicator, Level};
use polars::prelude::{Column, DataFrame};

use super::bands::Band;
use super::profile::Benchmarks;
use super::standing::{self, ALL_OF_LEVEL, MIN_VALUES};
use crate::error::Result;

/// One row per cell of the chosen level, in cell index order: by group (dataset, indicator,
/// year), then region. Missing values have NaN standings.
///
/// A group's cells of one level are consecutive in the cell index, so the rows' cells are kept
/// as one run per group rather than a column: see [`FullTable::cell`] and
/// [`FullTable::cells`].
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FullTable {
    runs: Vec<CellRun>,
    /// value / gemeente value × 100 (NaN without a gemeente value).
    pub index_gemeente: Vec<f32>,
    /// z among the same level within the gemeente (population sd; NaN below three values or
    /// with sd 0, and for counts).
    pub z_gemeente: Vec<f32>,
    /// Percentile rank within the gemeente, ties at the middle of their run (0–100).
    pub rank_gemeente: Vec<f32>,
    /// z among the same level in the whole group (NL for national sources).
    pub z_nl: Vec<f32>,
    /// Percentile rank in the whole group.
    pub rank_nl: Vec<f32>,
}

impl FullTable {
    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.index_gemeente.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.index_gemeente.is_empty()
    }

    /// The five standing columns: `index_gemeente`, `z_gemeente`, `rank_gemeente`, `z_nl`,
    /// `rank_nl`.
    #[must_use]
    pub fn standings(&self) -> [&[f32]; 5] {
        [
            &self.index_gemeente,
            &self.z_gemeente,
            &self.rank_gemeente,
            &self.z_nl,
            &self.rank_nl,
        ]
    }

    /// Bytes held by the table.
    #[must_use]
    pub fn bytes(&self) -> usize {
        5 * self.len() * size_of::<f32>() + self.runs.len() * size_of::<CellRun>()
    }

    /// The cell of a row (see [`CellIndex::cell_value`]).
    ///
    /// # Panics
    ///
    /// When `row` is not below [`FullTable::len`].
    #[must_use]
    pub fn cell(&self, row: usize) -> usize {
        assert!(row < self.len(), "row {row} of {}", self.len());
        let run = &self.runs[self.runs.partition_point(|r| r.first_row <= row) - 1];
        run.cells.start + (row - run.first_row)
    }

    /// The cells of all rows, in row order (ascending).
    pub fn cells(&self) -> impl Iterator<Item = usize> + '_ {
        self.runs.iter().flat_map(|r| r.cells.clone())
    }

    /// The row of a cell, if the table has it.
    #[must_use]
    pub fn row_of(&self, cell: usize) -> Option<usize> {
        let run = self.runs[self.runs.partition_point(|r| r.cells.end <= cell)..]
            .first()
            .filter(|r| r.cells.contains(&cell))?;
        Some(run.first_row + (cell - run.cells.start))
    }

    /// The value of a row's cell (`None` when missing).
    #[must_use]
    pub fn value(&self, engine: &CellIndex, row: usize) -> Option<f64> {
        let v = engine.cell_values()[self.cell(row)];
        v.is_finite().then_some(v)
    }

    /// The published wijk, gemeente and NL values of the same group as a row.
    #[must_use]
    pub fn benchmarks(&self, engine: &CellIndex, row: usize) -> Benchmarks {
        let cell = self.cell(row);
        parent_values(engine, engine.group(engine.cell_groups()[cell]), cell)
    }

    /// As a polars DataFrame: region, dataset, indicator, year, value, the three benchmarks
    /// (Float64), the five standings (Float32) and the band from `z_gemeente`.
    pub fn to_dataframe(
        &self,
        engine: &CellIndex,
        catalogue: &buurt_core::Catalogue,
    ) -> Result<DataFrame> {
        let n = self.len();
        let opt = |v: &[f32]| {
            v.iter()
                .map(|x| x.is_finite().then_some(*x))
                .collect::<Vec<Option<f32>>>()
        };
        let cells = || self.cells();
        let region: Vec<String> = cells()
            .map(|c| engine.cell_region(c).code.to_string())
            .collect();
        let group: Vec<GroupKey> = cells().map(|c| engine.cell_groups()[c]).collect();
        let dataset: Vec<&str> = group
            .iter()
            .map(|g| engine.datasets()[usize::from(g.dataset)].as_str())
            .collect();
        let indicator: Vec<&str> = group
            .iter()
            .map(|g| catalogue.indicators()[usize::from(g.indicator)].id.as_str())
            .collect();
        let year: Vec<i32> = group.iter().map(|g| i32::from(g.year)).collect();
        let value: Vec<Option<f64>> = cells()
            .map(|c| Some(engine.cell_values()[c]).filter(|v| v.is_finite()))
            .collect();
        // Rows of a group are contiguous: look its range up once, not per row.
        let mut range = 0..0;
        let benchmarks: Vec<Benchmarks> = cells()
            .map(|c| {
                if !range.contains(&c) {
                    range = engine.group(engine.cell_groups()[c]);
                }
                parent_values(engine, range.clone(), c)
            })
            .collect();
        let bench = |f: fn(&Benchmarks) -> Option<f64>| -> Vec<Option<f64>> {
            benchmarks.iter().map(f).collect()
        };
        let band: Vec<Option<&str>> = self
            .z_gemeente
            .iter()
            .zip(&self.index_gemeente)
            .map(|(z, i)| {
                let finite = |x: f32| x.is_finite().then_some(f64::from(x));
                standing::band(finite(*z), finite(*i)).map(Band::as_str)
            })
            .collect();
        Ok(DataFrame::new(
            n,
            vec![
                Column::new("region".into(), region),
                Column::new("dataset".into(), dataset),
                Column::new("indicator".into(), indicator),
                Column::new("year".into(), year),
                Column::new("value".into(), value),
                Column::new("bench_wijk".into(), bench(|b| b.wijk)),
                Column::new("bench_gemeente".into(), bench(|b| b.gemeente)),
                Column::new("bench_nl".into(), bench(|b| b.nl)),
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

/// Consecutive cells of the index on consecutive rows.
#[derive(Debug, Clone, PartialEq)]
struct CellRun {
    first_row: usize,
    cells: Range<usize>,
}

/// The published parent values of `cell`, whose group is `group`.
fn parent_values(engine: &CellIndex, group: Range<usize>, cell: usize) -> Benchmarks {
    let r = engine.cell_regions()[cell];
    let of = |parent: Option<u32>| cell_value_of(engine, group.clone(), parent?);
    Benchmarks {
        wijk: of(engine.parent_wijk(r)),
        gemeente: of(engine.parent_gemeente(r)),
        nl: of(engine.nederland(r)),
    }
}

/// The finite value of `region` among `cells` (sorted by region).
fn cell_value_of(engine: &CellIndex, cells: Range<usize>, region: u32) -> Option<f64> {
    let at = engine.cell_regions()[cells.clone()]
        .binary_search(&region)
        .ok()?;
    let v = engine.cell_values()[cells.start + at];
    v.is_finite().then_some(v)
}

/// Compute the full table for every cell of `level` in the groups `keep` accepts.
///
/// ```no_run
/// use buurt_core::Level;
/// use buurt_diagnose::diagnose::full::full_table;
/// # fn atlas() -> buurt_diagnose::Atlas { unimplemented!() }
/// let atlas = atlas();
/// let table = full_table(&atlas, Level::Buurt, &|_| true);
/// for row in 0..table.len() {
///     let gemeente = table.benchmarks(atlas.cells(), row).gemeente;
///     println!("{} {:?} {}", table.cell(row), gemeente, table.z_gemeente[row]);
/// }
/// ```
#[must_use]
pub fn full_table(
    atlas: &Atlas,
    level: Level,
    keep: &(dyn Fn(GroupKey) -> bool + Sync),
) -> FullTable {
    let mut out = FullTable::default();
    full_table_into(atlas, level, keep, &mut out);
    out
}

/// As [`full_table`], writing into `out` and reusing its memory when it already has the size
/// (a process that recomputes the table, e.g. after a reload, then pays no allocation).
pub fn full_table_into(
    atlas: &Atlas,
    level: Level,
    keep: &(dyn Fn(GroupKey) -> bool + Sync),
    out: &mut FullTable,
) {
    let engine = atlas.cells();
    let catalogue = atlas.catalogue().indicators();
    assert!(
        u32::try_from(engine.cell_values().len()).is_ok(),
        "more cells than the u32 row numbers of a group can name"
    );
    let mut groups: Vec<GroupKey> = engine.group_keys().copied().filter(|g| keep(*g)).collect();
    groups.sort_unstable();
    let spans: Vec<(GroupKey, Range<usize>)> = groups
        .iter()
        .map(|g| (*g, engine.level_cells(*g, level)))
        .collect();
    let total = spans.iter().map(|(_, cells)| cells.len()).sum();
    out.runs.clear();
    let mut first_row = 0;
    for (_, cells) in &spans {
        out.runs.push(CellRun {
            first_row,
            cells: cells.clone(),
        });
        first_row += cells.len();
    }
    // A fresh column comes zeroed from the allocator untouched, so its pages are first
    // touched by the threads that fill them, in parallel; a column of the right size is kept.
    for col in [
        &mut out.index_gemeente,
        &mut out.z_gemeente,
        &mut out.rank_gemeente,
        &mut out.z_nl,
        &mut out.rank_nl,
    ] {
        if col.len() != total {
            *col = vec![0.0; total];
        }
    }
    let mut jobs = Vec::with_capacity(spans.len());
    let mut rest = Out::of(out);
    for (group, cells) in spans {
        let (mine, tail) = rest.split_at(cells.len());
        rest = tail;
        jobs.push(Job {
            group,
            cells,
            out: mine,
        });
    }
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(jobs.len().max(1));
    // Groups are handed out one at a time, so a thread slowed by other work takes fewer.
    let queue = Mutex::new(jobs.into_iter());
    let work = || {
        let mut scratch = Scratch::new(engine.region_count() as usize);
        while let Some(job) = queue.lock().ok().and_then(|mut q| q.next()) {
            one_group(engine, catalogue, level, job, &mut scratch);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
}

/// One group's cells of the level and their rows of the output.
struct Job<'a> {
    group: GroupKey,
    cells: Range<usize>,
    out: Out<'a>,
}

/// Mutable views of the output columns, split per group.
struct Out<'a> {
    index_gemeente: &'a mut [f32],
    z_gemeente: &'a mut [f32],
    rank_gemeente: &'a mut [f32],
    z_nl: &'a mut [f32],
    rank_nl: &'a mut [f32],
}

impl<'a> Out<'a> {
    fn of(t: &'a mut FullTable) -> Self {
        Self {
            index_gemeente: &mut t.index_gemeente,
            z_gemeente: &mut t.z_gemeente,
            rank_gemeente: &mut t.rank_gemeente,
            z_nl: &mut t.z_nl,
            rank_nl: &mut t.rank_nl,
        }
    }

    /// The five columns, as [`FullTable::standings`] orders them.
    fn columns(&mut self) -> [&mut [f32]; 5] {
        [
            &mut *self.index_gemeente,
            &mut *self.z_gemeente,
            &mut *self.rank_gemeente,
            &mut *self.z_nl,
            &mut *self.rank_nl,
        ]
    }

    fn split_at(self, n: usize) -> (Out<'a>, Out<'a>) {
        let (a1, b1) = self.index_gemeente.split_at_mut(n);
        let (a2, b2) = self.z_gemeente.split_at_mut(n);
        let (a3, b3) = self.rank_gemeente.split_at_mut(n);
        let (a4, b4) = self.z_nl.split_at_mut(n);
        let (a5, b5) = self.rank_nl.split_at_mut(n);
        (
            Out {
                index_gemeente: a1,
                z_gemeente: a2,
                rank_gemeente: a3,
                z_nl: a4,
                rank_nl: a5,
            },
            Out {
                index_gemeente: b1,
                z_gemeente: b2,
                rank_gemeente: b3,
                z_nl: b4,
                rank_nl: b5,
            },
        )
    }
}

/// The rows of one gemeente in a group (or of the buurten without one).
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// The gemeente's region, or `Scratch::no_gemeente`.
    slot: usize,
    /// Rows with a value, and the sum of their values.
    len: u32,
    sum: f64,
}

/// Marks a row without a value in `Scratch::row_value`.
const MISSING: u32 = u32::MAX;

/// Per-thread buffers, reused across groups so that a group allocates nothing.
struct Scratch {
    /// Per region (and one slot for "no gemeente"): its bucket in the current group, or
    /// `u32::MAX`.
    bucket_of: Vec<u32>,
    buckets: Vec<Bucket>,
    /// Per row: its value's id in `distinct` (`MISSING` without a value), and its bucket.
    row_value: Vec<u32>,
    row_bucket: Vec<u32>,
    distinct: Distinct,
    /// Per distinct value: the next place for one of its rows in `by_value`.
    value_cursor: Vec<u32>,
    /// The rows with a value, in value order.
    by_value: Vec<u32>,
    /// Per bucket: the next place for one of its rows in `by_bucket`.
    bucket_cursor: Vec<u32>,
    /// The rows with a value by bucket, in value order within each.
    by_bucket: Vec<u32>,
}

impl Scratch {
    fn new(regions: usize) -> Self {
        Self {
            bucket_of: vec![u32::MAX; regions + 2],
            buckets: Vec::new(),
            row_value: Vec::new(),
            row_bucket: Vec::new(),
            distinct: Distinct::default(),
            value_cursor: Vec::new(),
            by_value: Vec::new(),
            bucket_cursor: Vec::new(),
            by_bucket: Vec::new(),
        }
    }

    fn no_gemeente(&self) -> usize {
        self.bucket_of.len() - 2
    }

    /// The slot of the comparison set of all gemeenten.
    fn all_of_level(&self) -> usize {
        self.bucket_of.len() - 1
    }
}

/// The distinct finite values of a group, numbered in order of appearance through a small
/// hash table, then sorted with their counts into ranks (see the module docs).
#[derive(Debug, Default)]
struct Distinct {
    /// Open addressing on the sort key (`EMPTY` where free), a power of two long.
    table: Vec<u64>,
    table_id: Vec<u32>,
    /// Per id (in order of first appearance): key, table slot and number of rows.
    keys: Vec<u64>,
    slots: Vec<u32>,
    counts: Vec<u32>,
    /// Per id: how many values are smaller, and its percentile rank (the middle of its run
    /// of ties).
    below: Vec<u32>,
    rank: Vec<f32>,
    by_value: Vec<(u64, u32)>,
    /// 64 - log2(table length), for the hash.
    shift: u32,
}

/// No finite value has this key (it would be a NaN).
const EMPTY: u64 = 0;

impl Distinct {
    /// Start a group with an empty table.
    fn start(&mut self) {
        if self.table.is_empty() {
            self.resize(1024);
        }
        self.keys.clear();
        self.slots.clear();
        self.counts.clear();
    }

    /// A table of `size` slots (a power of two) holding the ids numbered so far.
    fn resize(&mut self, size: usize) {
        for &slot in &self.slots {
            self.table[slot as usize] = EMPTY;
        }
        if self.table.len() != size {
            self.table = vec![EMPTY; size];
            self.table_id = vec![0; size];
            self.shift = 64 - size.trailing_zeros();
        }
        for (id, &key) in self.keys.iter().enumerate() {
            let slot = self.free_slot(key);
            self.table[slot] = key;
            self.table_id[slot] = id as u32;
            self.slots[id] = slot as u32;
        }
    }

    fn home(&self, key: u64) -> usize {
        // Fibonacci hashing: the multiply spreads the key's bits into the high ones.
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    fn free_slot(&self, key: u64) -> usize {
        let mask = self.table.len() - 1;
        let mut slot = self.home(key);
        while self.table[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        slot
    }

    /// The id of a finite value's key, numbering a new one.
    fn id(&mut self, key: u64) -> u32 {
        let mask = self.table.len() - 1;
        let mut slot = self.home(key);
        loop {
            let k = self.table[slot];
            if k == key {
                let id = self.table_id[slot];
                self.counts[id as usize] += 1;
                return id;
            }
            if k == EMPTY {
                let id = self.keys.len() as u32;
                self.table[slot] = key;
                self.table_id[slot] = id;
                self.keys.push(key);
                self.slots.push(slot as u32);
                self.counts.push(1);
                // At most half full keeps probes short; the table stays small (in L1) for
                // the usual few hundred distinct values.
                if 2 * self.keys.len() > self.table.len() {
                    self.resize(2 * self.table.len());
                }
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Order the distinct values and rank them; empty the table. Returns the number of
    /// values.
    fn finish(&mut self) -> usize {
        self.by_value.clear();
        self.by_value
            .extend(self.keys.iter().enumerate().map(|(id, &k)| (k, id as u32)));
        self.by_value.sort_unstable();
        self.below.resize(self.keys.len(), 0);
        self.rank.resize(self.keys.len(), 0.0);
        let n: u32 = self.counts.iter().sum();
        let mut below = 0u32;
        for &(_, id) in &self.by_value {
            let count = self.counts[id as usize];
            self.below[id as usize] = below;
            self.rank[id as usize] = standing::rank(below as usize, count as usize, n as usize)
                .map_or(f32::NAN, |r| r as f32);
            below += count;
        }
        for &slot in &self.slots {
            self.table[slot as usize] = EMPTY;
        }
        n as usize
    }
}

/// A key whose unsigned order is the numeric order of finite values (-0 equals 0).
fn sort_key(v: f64) -> u64 {
    let bits = (v + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn one_group(
    engine: &CellIndex,
    catalogue: &[Indicator],
    level: Level,
    job: Job<'_>,
    s: &mut Scratch,
) {
    let Job {
        group: key,
        cells,
        mut out,
    } = job;
    if !standing::is_compared(catalogue, key) {
        // Counts get no standing.
        for col in out.columns() {
            col.fill(f32::NAN);
        }
        return;
    }
    let values = &engine.cell_values()[cells.clone()];
    // The cells of the levels above, where the gemeenten are (a shorter search than the whole
    // group's).
    let above = engine.group(key).start..cells.start;
    let none = s.no_gemeente();
    let all = s.all_of_level();
    s.buckets.clear();
    s.row_value.clear();
    s.row_bucket.clear();
    s.distinct.start();
    // One pass: each row's value id and gemeente bucket (numbered in order of appearance),
    // the buckets' sizes and sums; rows without a value are written at once.
    let (mut current, mut bucket) = (usize::MAX, 0usize);
    let mut sum = 0.0;
    // standing::comparison_parent, with its level test taken out of the loop.
    let among_all = level == Level::Gemeente;
    let regions = &engine.cell_regions()[cells.clone()];
    for (i, (&r, &v)) in regions.iter().zip(values).enumerate() {
        let slot = if among_all {
            all
        } else {
            engine.parent_gemeente(r).map_or(none, |p| p as usize)
        };
        if slot != current {
            current = slot;
            if s.bucket_of[slot] == u32::MAX {
                s.bucket_of[slot] = s.buckets.len() as u32;
                s.buckets.push(Bucket {
                    slot,
                    len: 0,
                    sum: 0.0,
                });
            }
            bucket = s.bucket_of[slot] as usize;
        }
        s.row_bucket.push(bucket as u32);
        if v.is_finite() {
            s.row_value.push(s.distinct.id(sort_key(v)));
            let b = &mut s.buckets[bucket];
            b.len += 1;
            b.sum += v;
            sum += v;
        } else {
            s.row_value.push(MISSING);
            out.index_gemeente[i] = f32::NAN;
            out.z_gemeente[i] = f32::NAN;
            out.rank_gemeente[i] = f32::NAN;
            out.z_nl[i] = f32::NAN;
            out.rank_nl[i] = f32::NAN;
        }
    }
    let n = s.distinct.finish();
    let group = Spread::of(values.iter().copied().filter(|v| v.is_finite()), sum, n);
    // The rows in value order: a counting sort on the distinct values, whose counts are known.
    s.value_cursor.clone_from(&s.distinct.below);
    s.by_value.resize(n, 0);
    for (i, &id) in s.row_value.iter().enumerate() {
        if id != MISSING {
            let at = &mut s.value_cursor[id as usize];
            s.by_value[*at as usize] = i as u32;
            *at += 1;
        }
    }
    // Then by bucket, stably: each gemeente's rows in value order, ties next to each other.
    s.bucket_cursor.clear();
    let mut at = 0;
    for b in &s.buckets {
        s.bucket_cursor.push(at);
        at += b.len;
    }
    s.by_bucket.resize(n, 0);
    for &i in &s.by_value {
        let at = &mut s.bucket_cursor[s.row_bucket[i as usize] as usize];
        s.by_bucket[*at as usize] = i;
        *at += 1;
    }
    let ctx = Standings {
        values,
        row_value: &s.row_value,
        group: &group,
        distinct: &s.distinct,
    };
    let mut start = 0;
    for b in &s.buckets {
        let rows = &s.by_bucket[start..start + b.len as usize];
        let parent = if b.slot == all {
            ALL_OF_LEVEL
        } else {
            b.slot as u32
        };
        let gemeente = (b.slot != none).then(|| {
            standing::reference_in(engine, catalogue, key, above.clone(), parent)
                .unwrap_or(f64::NAN)
        });
        ctx.bucket(rows, b.sum, gemeente, &mut out);
        start += rows.len();
    }
    for b in &s.buckets {
        s.bucket_of[b.slot] = u32::MAX;
    }
}

/// Mean and population sd of a set of values, for z-scores.
struct Spread {
    mean: f64,
    /// 1 / sd; NaN when there are too few values or sd is 0, so that every z is NaN.
    inv_sd: f64,
}

impl Spread {
    /// No z-scores.
    const NONE: Spread = Spread {
        mean: f64::NAN,
        inv_sd: f64::NAN,
    };

    /// As [`standing::z_score`] defines it, with the division turned into a multiplication.
    fn of(values: impl Iterator<Item = f64>, sum: f64, n: usize) -> Self {
        let mean = sum / n as f64;
        let sd = (values.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64).sqrt();
        let inv_sd = if n >= MIN_VALUES && sd > 0.0 {
            1.0 / sd
        } else {
            f64::NAN
        };
        Self { mean, inv_sd }
    }

    fn z(&self, v: f64) -> f64 {
        (v - self.mean) * self.inv_sd
    }
}

/// What every row of a group is written with.
struct Standings<'a> {
    /// The group's values of the level, by row.
    values: &'a [f64],
    row_value: &'a [u32],
    group: &'a Spread,
    distinct: &'a Distinct,
}

impl Standings<'_> {
    /// Write the standings of one bucket's `rows` (with a value, in value order) given the
    /// sum of their values and the gemeente's published value (NaN without one; `None` for
    /// the rows without a gemeente, which get no standing within it).
    fn bucket(&self, rows: &[u32], sum: f64, gemeente: Option<f64>, out: &mut Out<'_>) {
        let n = rows.len();
        let local = if gemeente.is_some() {
            let values = rows.iter().map(|&i| self.values[i as usize]);
            Spread::of(values, sum, n)
        } else {
            Spread::NONE
        };
        // As standing::index: no index without a finite, non-zero reference.
        let index_scale = standing::index(1.0, gemeente).map_or(f64::NAN, |x| x);
        let rank_scale = if gemeente.is_some() && n >= MIN_VALUES {
            100.0 / n as f64
        } else {
            f64::NAN
        };
        let mut start = 0;
        while start < n {
            // A run of ties: rows with the same value id.
            let id = self.row_value[rows[start] as usize];
            let mut end = start + 1;
            while end < n && self.row_value[rows[end] as usize] == id {
                end += 1;
            }
            // standing::rank, with its minimum count checked once per bucket (rank_scale).
            let rank_gemeente = ((start + end) as f64 * 0.5 * rank_scale) as f32;
            let rank_nl = self.distinct.rank[id as usize];
            for &i in &rows[start..end] {
                let i = i as usize;
                let v = self.values[i];
                out.index_gemeente[i] = (v * index_scale) as f32;
                out.z_gemeente[i] = local.z(v) as f32;
                out.rank_gemeente[i] = rank_gemeente;
                out.z_nl[i] = self.group.z(v) as f32;
                out.rank_nl[i] = rank_nl;
            }
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use buurt_atlas::Cell;
    use buurt_core::{Catalogue, Indeling, RegionKey};

    use super::*;
    use crate::diagnose::standing::GroupStanding;

    // Two shares of the builtin catalogue (aandeel_0_14, aandeel_15_24): counts get no
    // standing (see counts_get_no_standing).
    const G: GroupKey = GroupKey {
        dataset: 0,
        indicator: 8,
        year: 2020,
    };
    const G2: GroupKey = GroupKey {
        dataset: 0,
        indicator: 9,
        year: 2020,
    };
    const COUNT: GroupKey = GroupKey {
        dataset: 0,
        indicator: 0,
        year: 2020,
    };

    #[test]
    fn counts_get_no_standing() {
        let a = atlas(&[
            (COUNT, "GM0001", 2020, 100.0),
            (COUNT, "BU00010101", 2020, 10.0),
            (COUNT, "BU00010102", 2020, 40.0),
            (COUNT, "BU00010103", 2020, 50.0),
            (G, "GM0001", 2020, 20.0),
            (G, "BU00010101", 2020, 10.0),
            (G, "BU00010102", 2020, 20.0),
            (G, "BU00010103", 2020, 30.0),
        ]);
        let t = full_table(&a, Level::Buurt, &|_| true);
        assert_eq!(t.len(), 6);
        let e = a.cells();
        for (row, cell) in t.cells().enumerate() {
            let compared = e.cell_groups()[cell] == G;
            for col in t.standings() {
                assert_eq!(col[row].is_finite(), compared, "row {row}");
            }
        }
    }

    /// An atlas of `(group, region code, indeling, value)` cells of one dataset (the groups'
    /// indicators are catalogue positions); NaN is an empty cell.
    fn atlas<S: AsRef<str>>(cells: &[(GroupKey, S, u16, f64)]) -> Atlas {
        let catalogue = Catalogue::builtin().unwrap();
        let ids: Vec<String> = catalogue
            .indicators()
            .iter()
            .map(|i| i.id.clone())
            .collect();
        let cells = cells.iter().map(|(g, code, indeling, v)| {
            let key = RegionKey::new(code.as_ref().parse().unwrap(), Indeling::new(*indeling));
            let id = &ids[usize::from(g.indicator)];
            Cell::new("test", key, id, g.year, v.is_finite().then_some(*v))
        });
        Atlas::from_cells(catalogue, cells).unwrap()
    }

    fn row(engine: &CellIndex, t: &FullTable, g: GroupKey, code: &str, indeling: u16) -> usize {
        let key = RegionKey::new(code.parse().unwrap(), Indeling::new(indeling));
        let cell = engine.cell(g, engine.region_index(&key).unwrap()).unwrap();
        t.row_of(cell).unwrap()
    }

    fn close(a: f32, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || (f64::from(a) - b).abs() <= 1e-6 * b.abs().max(1.0)
    }

    #[test]
    fn standings_by_hand() {
        let a = atlas(&[
            (G, "NL01", 2020, 25.0),
            (G, "GM0001", 2020, 20.0),
            (G, "WK000101", 2020, 18.0),
            (G, "BU00010101", 2020, 10.0),
            (G, "BU00010102", 2020, 20.0),
            (G, "BU00010103", 2020, 20.0),
            (G, "BU00010104", 2020, 30.0),
            (G, "BU00010105", 2020, f64::NAN),
            // GM0003 has no row anywhere: no standing within a gemeente.
            (G, "BU00030101", 2020, 40.0),
            (G, "BU00030102", 2020, 50.0),
        ]);
        let e = a.cells();
        let t = full_table(&a, Level::Buurt, &|_| true);
        assert_eq!(t.len(), 7);
        assert_eq!(t.bytes(), 7 * 20 + size_of::<CellRun>());
        assert!(t.cells().is_sorted());
        assert!((0..t.len()).all(|row| t.row_of(t.cell(row)) == Some(row)));
        assert_eq!(t.row_of(0), None);

        let r = row(e, &t, G, "BU00010101", 2020);
        assert_eq!(t.value(e, r), Some(10.0));
        let b = t.benchmarks(e, r);
        assert_eq!(
            (b.wijk, b.gemeente, b.nl),
            (Some(18.0), Some(20.0), Some(25.0))
        );
        assert!(close(t.index_gemeente[r], 50.0));
        // Gemeente 10, 20, 20, 30: mean 20, population sd √50.
        assert!(close(t.z_gemeente[r], -10.0 / 50f64.sqrt()));
        assert!(close(t.rank_gemeente[r], 12.5));
        // NL 10, 20, 20, 30, 40, 50: mean 28.33.., ties share the middle of their run.
        assert!(close(t.rank_nl[r], 0.5 / 6.0 * 100.0));
        let r = row(e, &t, G, "BU00010102", 2020);
        assert!(close(t.rank_gemeente[r], 50.0));
        assert!(close(t.rank_nl[r], 2.0 / 6.0 * 100.0));
        assert!(close(t.z_gemeente[r], 0.0));

        let missing = row(e, &t, G, "BU00010105", 2020);
        assert_eq!(t.value(e, missing), None);
        assert_eq!(t.benchmarks(e, missing).gemeente, Some(20.0));
        for col in t.standings() {
            assert!(col[missing].is_nan());
        }

        let r = row(e, &t, G, "BU00030101", 2020);
        let b = t.benchmarks(e, r);
        assert_eq!((b.wijk, b.gemeente, b.nl), (None, None, Some(25.0)));
        assert!(t.index_gemeente[r].is_nan() && t.z_gemeente[r].is_nan());
        assert!(t.rank_gemeente[r].is_nan());
        assert!(close(t.rank_nl[r], 4.5 / 6.0 * 100.0));
        let vals = [10.0, 20.0, 20.0, 30.0, 40.0, 50.0];
        let m = vals.iter().sum::<f64>() / 6.0;
        let sd = (vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / 6.0).sqrt();
        assert!(close(t.z_nl[r], (40.0 - m) / sd));
    }

    /// Deterministic values with many ties and some missing.
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let r = (x >> 33) % 40;
                if r == 0 {
                    f64::NAN
                } else {
                    f64::from(r as u32 % 13) / 2.0 - 2.0
                }
            })
            .collect()
    }

    /// The full table agrees, row by row, with the standing kernel computed per group.
    fn check_against_kernel(a: &Atlas, level: Level, t: &FullTable) {
        let e = a.cells();
        let catalogue = a.catalogue().indicators();
        for (row, cell) in t.cells().enumerate() {
            let g = e.cell_groups()[cell];
            let want = GroupStanding::compute(e, catalogue, g, level).of_cell(e, cell);
            let want = [
                want.index,
                want.z_gemeente,
                want.rank_gemeente,
                want.z_nl,
                want.rank_nl,
            ]
            .map(|x| x.unwrap_or(f64::NAN));
            let got = t.standings().map(|col| col[row]);
            for (g, w) in got.iter().zip(want) {
                assert!(close(*g, w), "row {row}: {got:?} != {want:?}");
            }
        }
    }

    #[test]
    fn matches_a_naive_computation_also_with_two_indelingen_in_a_group() {
        // Two indelingen in one group interleave a gemeente's buurten (sorted by code, then
        // indeling), so its rows are no longer one run.
        let mut cells = vec![
            (G, "NL01".to_owned(), 2019, 1.0),
            (G, "NL01".to_owned(), 2020, 1.5),
            (G, "GM0001".to_owned(), 2019, 2.0),
            (G, "GM0001".to_owned(), 2020, 0.5),
            (G, "GM0002".to_owned(), 2020, f64::NAN),
            (G2, "GM0001".to_owned(), 2020, 3.0),
            (G2, "GM0002".to_owned(), 2020, 4.0),
        ];
        let mut vs = values(400, 7).into_iter();
        for gm in ["0001", "0002", "0009"] {
            for wijk in 1..=3 {
                cells.push((G, format!("WK{gm}{wijk:02}"), 2020, vs.next().unwrap()));
                cells.push((G2, format!("WK{gm}{wijk:02}"), 2020, vs.next().unwrap()));
                for buurt in 1..=12 {
                    let code = format!("BU{gm}{wijk:02}{buurt:02}");
                    cells.push((G, code.clone(), 2020, vs.next().unwrap()));
                    cells.push((G2, code.clone(), 2020, vs.next().unwrap()));
                    if gm == "0001" && buurt % 2 == 0 {
                        cells.push((G, code, 2019, vs.next().unwrap()));
                    }
                }
            }
        }
        let a = atlas(&cells);
        let t = full_table(&a, Level::Buurt, &|_| true);
        assert_eq!(t.len(), 2 * 3 * 3 * 12 + 18);
        check_against_kernel(&a, Level::Buurt, &t);
        let t = full_table(&a, Level::Wijk, &|g| g == G2);
        assert_eq!(t.len(), 9);
        check_against_kernel(&a, Level::Wijk, &t);
        // Gemeenten stand among all gemeenten, indexed against Nederland.
        let t = full_table(&a, Level::Gemeente, &|_| true);
        check_against_kernel(&a, Level::Gemeente, &t);
    }

    #[test]
    fn many_distinct_values_grow_the_hash_table() {
        let mut cells = vec![
            (G, "GM0001".to_owned(), 2020, 10.0),
            (G, "GM0002".to_owned(), 2020, 12.0),
        ];
        for i in 0..3000u32 {
            let gm = if i % 3 == 0 { "0002" } else { "0001" };
            // 2000 distinct values, every third repeated.
            let v = f64::from(i - i % 3 + u32::from(i % 3 == 2)) * 0.37 - 100.0;
            cells.push((
                G,
                format!("BU{gm}{:02}{:02}", i / 100 % 100, i % 100),
                2020,
                v,
            ));
        }
        let a = atlas(&cells);
        let t = full_table(&a, Level::Buurt, &|_| true);
        assert_eq!(t.len(), 3000);
        check_against_kernel(&a, Level::Buurt, &t);
    }

    #[test]
    fn reuses_a_table_of_the_right_size_and_replaces_another() {
        let mut cells = vec![(G, "GM0001".to_owned(), 2020, 1.0)];
        for (i, v) in values(60, 3).into_iter().enumerate() {
            cells.push((G, format!("BU000101{i:02}"), 2020, v));
        }
        let e = atlas(&cells);
        let fresh = full_table(&e, Level::Buurt, &|_| true);
        let mut reused = fresh.clone();
        reused.z_gemeente.fill(9.0);
        full_table_into(&e, Level::Buurt, &|_| true, &mut reused);
        // NaN != NaN: compare bit patterns.
        let bits =
            |t: &FullTable| -> Vec<u32> { t.z_gemeente.iter().map(|z| z.to_bits()).collect() };
        assert_eq!(bits(&reused), bits(&fresh));
        let mut other = FullTable {
            index_gemeente: vec![1.0; 3],
            ..FullTable::default()
        };
        full_table_into(&e, Level::Buurt, &|_| true, &mut other);
        assert_eq!(bits(&other), bits(&fresh));
        assert!(other.cells().eq(fresh.cells()));
        assert!(full_table(&e, Level::Buurt, &|_| false).is_empty());
    }

    #[test]
    fn sort_keys_follow_numeric_order() {
        let xs = [-1e300, -2.5, -1.0, -0.0, 0.0, 1e-300, 1.0, 2.5, 1e300];
        for w in xs.windows(2) {
            assert!(sort_key(w[0]) <= sort_key(w[1]), "{w:?}");
        }
        assert_eq!(sort_key(-0.0), sort_key(0.0));
        assert!(sort_key(-2.5) < sort_key(-1.0));
    }
}
