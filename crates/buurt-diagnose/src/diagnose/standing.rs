//! Where a value stands: defined here once, and used by the profile, the full table and the
//! map tiles alike.
//!
//! - **Year**: a region shows, per indicator, the newest year up to the one asked for that has
//!   a value; when none has, the newest such year with its missing reason ([`choose_year`]). A
//!   newer year that is suppressed does not hide an older published one.
//! - **Comparison set**: the regions of the same level in the same gemeente; for gemeenten,
//!   all gemeenten ([`comparison_parent`]).
//! - **Index**: value / reference × 100, the reference being the gemeente's value (its
//!   published row, else computed from its children) or, for a gemeente, Nederland's
//!   ([`index`]).
//! - **z-score**: against the mean and population sd of the comparison set; **percentile rank**:
//!   the share below plus half the ties, × 100 ([`rank`]). Both need at least [`MIN_VALUES`]
//!   values; z also needs sd > 0 ([`z_score`]). The same over the whole group gives `z_nl` and
//!   `rank_nl`.
//! - **Band**: from the z-score within the gemeente ([`Band::of_z`]), kept consistent with the
//!   printed numbers: a value at or below its reference is never "boven", one at or above it
//!   never "onder" ([`band`]).
//! - **Counts** (inhabitants, clients: [`Kind::Count`](buurt_core::Kind)) grow with the area
//!   and get no standing at all: no index, z, rank or band ([`is_compared`]).
//!
//! [`GroupStanding`] computes the statistics of one group and level once, for every value in
//! it (the map); [`standing_of`] the same for one value, without sorting (a profile); the full
//! table computes the same numbers in bulk with these functions.

use std::collections::HashMap;

use buurt_atlas::{CellIndex, GroupKey};
use buurt_core::{Indicator, Level, RegionCode};

use super::aggregate::{group_value, parent_value};
pub use super::bands::Band;

/// Fewer values than this in a comparison set give no z-score and no percentile rank.
pub const MIN_VALUES: usize = 3;

/// The comparison set of all gemeenten (a gemeente's comparison parent).
pub const ALL_OF_LEVEL: u32 = u32::MAX;

/// The year a region's value is read from, among `found` (its groups, sorted by year, then
/// dataset): the newest up to `requested` whose value `has_value`; else the newest up to
/// `requested` that is `published` (a small buurt suppressed in 2024 says so, rather than
/// "not yet published" from the preliminary 2025 release); else the newest up to `requested`.
/// `None` when no group is that old.
///
/// ```
/// use buurt_diagnose::diagnose::standing::choose_year;
/// use buurt_atlas::GroupKey;
/// let g = |year| GroupKey { dataset: 0, indicator: 0, year };
/// let has = |v: &Option<f64>| v.is_some();
/// let all = |_: &Option<f64>| true;
/// // 2024 suppressed: the map and the profile both show 2023.
/// let found = [(g(2022), Some(1.0)), (g(2023), Some(2.0)), (g(2024), None)];
/// assert_eq!(choose_year(&found, None, has, all).map(|f| f.0.year), Some(2023));
/// assert_eq!(choose_year(&found, Some(2022), has, all).map(|f| f.0.year), Some(2022));
/// let none = [(g(2024), None::<f64>)];
/// assert_eq!(choose_year(&none, None, has, all).map(|f| f.0.year), Some(2024));
/// assert!(choose_year(&none, Some(2020), has, all).is_none());
/// // Suppressed in 2024 and not yet published in 2025: the 2024 reason.
/// let years = [(g(2024), None::<f64>), (g(2025), None)];
/// let published = |f: &(GroupKey, Option<f64>)| f.0.year < 2025;
/// let found: Vec<_> = years.iter().map(|f| (f.0, *f)).collect();
/// assert_eq!(
///     choose_year(&found, None, |f| f.1.is_some(), published).map(|f| f.0.year),
///     Some(2024)
/// );
/// ```
pub fn choose_year<T>(
    found: &[(GroupKey, T)],
    requested: Option<u16>,
    has_value: impl Fn(&T) -> bool,
    published: impl Fn(&T) -> bool,
) -> Option<&(GroupKey, T)> {
    let upto = found.partition_point(|(g, _)| requested.is_none_or(|y| g.year <= y));
    let upto = &found[..upto];
    upto.iter()
        .rev()
        .find(|(_, v)| has_value(v))
        .or_else(|| upto.iter().rev().find(|(_, v)| published(v)))
        .or_else(|| upto.last())
}

/// The comparison parent of region `r` of `level`: its gemeente, or [`ALL_OF_LEVEL`] for a
/// gemeente. `None` for a region without a gemeente in the cells.
#[must_use]
pub fn comparison_parent(cells: &CellIndex, level: Level, r: u32) -> Option<u32> {
    if level == Level::Gemeente {
        Some(ALL_OF_LEVEL)
    } else {
        cells.parent_gemeente(r)
    }
}

/// The reference an index compares with in group `g`: the comparison parent's value (its
/// published cell, else computed from its children), Nederland's for [`ALL_OF_LEVEL`].
#[must_use]
pub fn reference(
    cells: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    parent: u32,
) -> Option<f64> {
    reference_in(cells, catalogue, g, cells.group(g), parent)
}

/// As [`reference`], with the group's cells already looked up: `group_cells` is
/// `cells.group(g)` or any part of it that holds the parent's cell, if the group has one (the
/// full table asks this for every gemeente of every group and passes the levels above its
/// own).
#[must_use]
pub fn reference_in(
    cells: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    group_cells: std::ops::Range<usize>,
    parent: u32,
) -> Option<f64> {
    if parent != ALL_OF_LEVEL {
        // The published cell, found in the group's cells (sorted by region); when the source
        // has no cell for the parent, it is computed from its children.
        let regions = &cells.cell_regions()[group_cells.clone()];
        return match regions.binary_search(&parent) {
            Ok(at) => Some(cells.cell_values()[group_cells.start + at]).filter(|v| v.is_finite()),
            Err(_) => parent_value(cells, catalogue, g, Some(parent)),
        };
    }
    cells
        .keys_of(RegionCode::Nederland)
        .iter()
        .filter_map(|k| cells.region_index(k))
        .find_map(|r| group_value(cells, g, r))
        .map(|(v, _)| v)
        .filter(|v| v.is_finite())
}

/// Whether the indicator of group `g` is compared with parents and siblings (not a count).
#[must_use]
pub fn is_compared(catalogue: &[Indicator], g: GroupKey) -> bool {
    catalogue
        .get(usize::from(g.indicator))
        .is_some_and(|i| i.kind.is_compared())
}

/// The band of a z-score, consistent with the index printed beside it: the z-score compares
/// with the mean of the comparison set, the index with the parent's own value, and where the
/// two disagree in direction (a gemeente at 46.3 % where NL has 47.0 % but the mean of the
/// gemeenten is lower) the band says "rond".
///
/// ```
/// use buurt_diagnose::diagnose::standing::{Band, band};
/// assert_eq!(band(Some(0.8), Some(98.5)), Some(Band::Around));
/// assert_eq!(band(Some(0.8), Some(112.0)), Some(Band::Above));
/// assert_eq!(band(Some(-2.0), None), Some(Band::WellBelow));
/// assert_eq!(band(None, Some(150.0)), None);
/// ```
#[must_use]
pub fn band(z: Option<f64>, index: Option<f64>) -> Option<Band> {
    let b = Band::of_z(z?);
    Some(match (b, index) {
        (Band::Above | Band::WellAbove, Some(i)) if i <= 100.0 => Band::Around,
        (Band::Below | Band::WellBelow, Some(i)) if i >= 100.0 => Band::Around,
        _ => b,
    })
}

/// value / reference × 100; `None` without a finite, non-zero reference.
///
/// ```
/// use buurt_diagnose::diagnose::standing::index;
/// assert_eq!(index(30.0, Some(20.0)), Some(150.0));
/// assert_eq!(index(30.0, Some(0.0)), None);
/// ```
#[must_use]
pub fn index(value: f64, reference: Option<f64>) -> Option<f64> {
    reference
        .filter(|r| r.is_finite() && *r != 0.0 && value.is_finite())
        .map(|r| value / r * 100.0)
}

/// The z-score of `x` in a set of `n` values with `mean` and population `sd`; `None` below
/// [`MIN_VALUES`] values or with sd 0.
#[must_use]
pub fn z_score(x: f64, mean: f64, sd: f64, n: usize) -> Option<f64> {
    (n >= MIN_VALUES && sd > 0.0 && x.is_finite()).then(|| (x - mean) / sd)
}

/// The percentile rank (0–100) of a value with `below` smaller values and `ties` equal ones
/// (itself included) among `n`; `None` below [`MIN_VALUES`] values.
///
/// ```
/// use buurt_diagnose::diagnose::standing::rank;
/// assert_eq!(rank(0, 1, 4), Some(12.5));
/// assert_eq!(rank(1, 2, 4), Some(50.0));
/// assert_eq!(rank(0, 1, 2), None);
/// ```
#[must_use]
pub fn rank(below: usize, ties: usize, n: usize) -> Option<f64> {
    (n >= MIN_VALUES).then(|| (below as f64 + 0.5 * ties as f64) / n as f64 * 100.0)
}

/// Where one value stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Standing {
    /// Against the comparison parent (gemeente = 100; Nederland = 100 for a gemeente).
    pub index: Option<f64>,
    /// z within the comparison set.
    pub z_gemeente: Option<f64>,
    /// Percentile rank within the comparison set.
    pub rank_gemeente: Option<f64>,
    /// z within the whole group (all regions of the level in the source).
    pub z_nl: Option<f64>,
    /// Percentile rank within the whole group.
    pub rank_nl: Option<f64>,
    /// Band from `z_gemeente`, consistent with `index` (see [`band`]).
    pub band: Option<Band>,
}

/// A set of values: sorted, with mean and population sd.
#[derive(Debug, Clone, Default)]
struct ValueSet {
    sorted: Vec<f64>,
    mean: f64,
    sd: f64,
}

impl ValueSet {
    fn of(mut values: Vec<f64>) -> Self {
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        Self {
            sorted: values,
            mean,
            sd,
        }
    }

    fn z(&self, x: f64) -> Option<f64> {
        z_score(x, self.mean, self.sd, self.sorted.len())
    }

    fn rank(&self, x: f64) -> Option<f64> {
        let below = self.sorted.partition_point(|v| *v < x);
        let upto = self.sorted.partition_point(|v| *v <= x);
        rank(below, upto - below, self.sorted.len())
    }
}

/// One set's count, sum, sum of squared deviations, and how many of its values lie below
/// and at one value `x`: that value's z and rank without sorting the set.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    n: usize,
    sum: f64,
    squares: f64,
    below: usize,
    ties: usize,
}

impl Tally {
    fn add(&mut self, v: f64, x: f64) {
        self.n += 1;
        self.sum += v;
        // As ValueSet::rank: below is v < x, ties the rest of v <= x.
        let below = usize::from(v < x);
        self.below += below;
        self.ties += usize::from(v <= x) - below;
    }

    fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }

    fn add_square(&mut self, v: f64, mean: f64) {
        self.squares += (v - mean) * (v - mean);
    }

    fn z(&self, x: f64) -> Option<f64> {
        z_score(
            x,
            self.mean(),
            (self.squares / self.n as f64).sqrt(),
            self.n,
        )
    }

    fn rank(&self) -> Option<f64> {
        rank(self.below, self.ties, self.n)
    }
}

/// The standing of one value `x` of `level` in `group`, in the comparison set of `parent`
/// (see [`comparison_parent`]) and indexed against `reference` (see [`reference`]; the
/// caller has it already, as the benchmark it prints): the same numbers as
/// [`GroupStanding::of_value`], from two passes over the group's cells of the level, without
/// sorting or keeping them. What one profile needs, for each of its indicators.
#[must_use]
pub fn standing_of(
    cells: &CellIndex,
    catalogue: &[Indicator],
    group: GroupKey,
    level: Level,
    x: f64,
    parent: Option<u32>,
    reference: Option<f64>,
) -> Standing {
    if !x.is_finite() || !is_compared(catalogue, group) {
        return Standing::default();
    }
    let run = cells.level_cells(group, level);
    let values = &cells.cell_values()[run.clone()];
    let regions = &cells.cell_regions()[run];
    let in_local = |r: u32| parent.is_some() && comparison_parent(cells, level, r) == parent;
    let (mut all, mut local) = (Tally::default(), Tally::default());
    for (&v, &r) in values.iter().zip(regions) {
        if v.is_finite() {
            all.add(v, x);
            if in_local(r) {
                local.add(v, x);
            }
        }
    }
    // Deviations from the mean in a second pass, as ValueSet::of (no cancellation).
    let (mean_all, mean_local) = (all.mean(), local.mean());
    for (&v, &r) in values.iter().zip(regions) {
        if v.is_finite() {
            all.add_square(v, mean_all);
            if in_local(r) {
                local.add_square(v, mean_local);
            }
        }
    }
    let z = local.z(x);
    let index = index(x, reference);
    Standing {
        index,
        z_gemeente: z,
        rank_gemeente: local.rank(),
        z_nl: all.z(x),
        rank_nl: all.rank(),
        band: band(z, index),
    }
}

/// The statistics of one level in one group, computed once: what every value of the group
/// needs for its standing.
#[derive(Debug, Clone)]
pub struct GroupStanding {
    group: GroupKey,
    level: Level,
    /// Per comparison parent: its set and its reference value.
    sets: HashMap<u32, (ValueSet, Option<f64>)>,
    all: ValueSet,
    /// False for counts, which get no standing.
    compared: bool,
}

impl GroupStanding {
    /// Bytes it holds on the heap: the sorted values of each comparison set and of all, and the
    /// map's slots (for a cache's budget).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let slot = std::mem::size_of::<(u32, (ValueSet, Option<f64>))>() + 8;
        let sets: usize = self
            .sets
            .values()
            .map(|(set, _)| set.sorted.capacity() * 8 + slot)
            .sum();
        sets + self.all.sorted.capacity() * 8
    }

    /// The statistics of the regions of `level` in `group`, for every comparison set.
    #[must_use]
    pub fn compute(
        cells: &CellIndex,
        catalogue: &[Indicator],
        group: GroupKey,
        level: Level,
    ) -> Self {
        let compared = is_compared(catalogue, group);
        let mut by_parent: HashMap<u32, Vec<f64>> = HashMap::new();
        let mut all = Vec::new();
        let run = if compared {
            cells.level_cells(group, level)
        } else {
            0..0
        };
        for c in run {
            let v = cells.cell_values()[c];
            if !v.is_finite() {
                continue;
            }
            all.push(v);
            if let Some(p) = comparison_parent(cells, level, cells.cell_regions()[c]) {
                by_parent.entry(p).or_default().push(v);
            }
        }
        let group_cells = cells.group(group);
        let sets = by_parent
            .into_iter()
            .map(|(p, values)| {
                let reference = reference_in(cells, catalogue, group, group_cells.clone(), p);
                (p, (ValueSet::of(values), reference))
            })
            .collect();
        Self {
            group,
            level,
            sets,
            all: ValueSet::of(all),
            compared,
        }
    }

    /// The group these statistics describe.
    #[must_use]
    pub fn group(&self) -> GroupKey {
        self.group
    }

    /// The standing of value `x` in the comparison set of `parent` (see
    /// [`comparison_parent`]); the index only when that set has values (else see [`index`]).
    #[must_use]
    pub fn of_value(&self, x: f64, parent: Option<u32>) -> Standing {
        if !x.is_finite() || !self.compared {
            return Standing::default();
        }
        let local = parent.and_then(|p| self.sets.get(&p));
        let z = local.and_then(|(set, _)| set.z(x));
        let index = local.and_then(|(_, reference)| index(x, *reference));
        Standing {
            index,
            z_gemeente: z,
            rank_gemeente: local.and_then(|(set, _)| set.rank(x)),
            z_nl: self.all.z(x),
            rank_nl: self.all.rank(x),
            band: band(z, index),
        }
    }

    /// The standing of `cell` (a cell of this group and level); all `None` when its value is
    /// missing.
    #[must_use]
    pub fn of_cell(&self, cells: &CellIndex, cell: usize) -> Standing {
        if cells.cell_missing_reasons()[cell].is_some() {
            return Standing::default();
        }
        let r = cells.cell_regions()[cell];
        self.of_value(
            cells.cell_values()[cell],
            comparison_parent(cells, self.level, r),
        )
    }
}

#[cfg(test)]
mod tests {
    use buurt_atlas::{Atlas, Cell};
    use buurt_core::{Catalogue, Indeling, RegionKey};

    use super::*;
    use crate::diagnose::Diagnose;

    const ID: &str = "eenzaam_65plus";

    /// NL, two gemeenten; GM0001 with four buurten (one missing), GM0002 with two.
    fn atlas() -> Atlas {
        let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2020));
        let cell = |c: &str, v: Option<f64>| Cell::new("rivm", key(c), ID, 2020, v);
        let cells = vec![
            cell("NL01", Some(40.0)),
            cell("GM0001", Some(20.0)),
            cell("GM0002", Some(60.0)),
            cell("GM0003", Some(40.0)),
            cell("BU00010101", Some(10.0)),
            cell("BU00010102", Some(20.0)),
            cell("BU00010103", Some(30.0)),
            cell("BU00010104", None),
            cell("BU00020101", Some(50.0)),
            cell("BU00020102", Some(70.0)),
        ];
        Atlas::from_cells(Catalogue::builtin().unwrap(), cells).unwrap()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn buurten_stand_within_their_gemeente_by_hand() {
        let a = atlas();
        let cells = a.cells();
        let g = *cells.group_keys().next().unwrap();
        let s = GroupStanding::compute(cells, a.catalogue().indicators(), g, Level::Buurt);
        let r = |c: &str| {
            cells
                .region_index(&RegionKey::new(c.parse().unwrap(), Indeling::new(2020)))
                .unwrap()
        };
        let cell = |c: &str| cells.cell(g, r(c)).unwrap();
        let st = s.of_cell(cells, cell("BU00010101"));
        assert!(close(st.index, 50.0));
        // 10, 20, 30: mean 20, population sd √(200/3).
        assert!(close(st.z_gemeente, -10.0 / (200.0f64 / 3.0).sqrt()));
        assert!(close(st.rank_gemeente, 0.5 / 3.0 * 100.0));
        assert_eq!(st.band, Some(Band::Below));
        // All five buurten: 10, 20, 30, 50, 70.
        assert!(close(st.rank_nl, 0.5 / 5.0 * 100.0));
        // GM0002 has two buurten: below the minimum, no z and no rank; the index stands.
        let st = s.of_cell(cells, cell("BU00020101"));
        assert!(close(st.index, 50.0 / 60.0 * 100.0));
        assert_eq!(
            (st.z_gemeente, st.rank_gemeente, st.band),
            (None, None, None)
        );
        assert!(st.z_nl.is_some());
        // The missing buurt has no standing at all.
        assert_eq!(s.of_cell(cells, cell("BU00010104")), Standing::default());
        // Gemeenten stand among all gemeenten, against Nederland.
        let s = GroupStanding::compute(cells, a.catalogue().indicators(), g, Level::Gemeente);
        let st = s.of_cell(cells, cell("GM0002"));
        assert!(close(st.index, 150.0));
        assert!(close(st.rank_gemeente, 2.5 / 3.0 * 100.0));
    }

    #[test]
    fn counts_stand_nowhere() {
        let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2020));
        let cells: Vec<Cell> = [
            ("GM0001", 300.0),
            ("BU00010101", 100.0),
            ("BU00010102", 120.0),
        ]
        .into_iter()
        .chain([("BU00010103", 80.0)])
        .map(|(c, v)| Cell::new("kwb", key(c), "inwoners", 2020, Some(v)))
        .collect();
        let a = Atlas::from_cells(Catalogue::builtin().unwrap(), cells).unwrap();
        let cells = a.cells();
        let catalogue = a.catalogue().indicators();
        let g = *cells.group_keys().next().unwrap();
        assert!(!is_compared(catalogue, g));
        let parent = cells.region_index(&key("GM0001"));
        let one = standing_of(
            cells,
            catalogue,
            g,
            Level::Buurt,
            100.0,
            parent,
            Some(300.0),
        );
        assert_eq!(one, Standing::default());
        let whole = GroupStanding::compute(cells, catalogue, g, Level::Buurt);
        for c in cells.level_cells(g, Level::Buurt) {
            assert_eq!(whole.of_cell(cells, c), Standing::default());
        }
        let p = Diagnose::new(&a).profile("BU00010101", None).unwrap();
        let i = p.indicators.iter().find(|i| i.id == "inwoners").unwrap();
        assert_eq!(i.value, Some(100.0));
        assert_eq!((i.index_gemeente, i.band), (None, None));
    }

    #[test]
    fn one_value_stands_as_in_its_whole_group() {
        let a = atlas();
        let cells = a.cells();
        let catalogue = a.catalogue().indicators();
        let g = *cells.group_keys().next().unwrap();
        let mut compared = 0;
        for level in [Level::Gemeente, Level::Buurt] {
            let whole = GroupStanding::compute(cells, catalogue, g, level);
            for c in cells.level_cells(g, level) {
                let parent = comparison_parent(cells, level, cells.cell_regions()[c]);
                let x = cells.cell_values()[c];
                let reference = parent.and_then(|p| reference(cells, catalogue, g, p));
                let one = standing_of(cells, catalogue, g, level, x, parent, reference);
                let want = whole.of_cell(cells, c);
                let same = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => (a - b).abs() < 1e-12,
                    (a, b) => a == b,
                };
                for (a, b) in [
                    (one.index, want.index),
                    (one.z_gemeente, want.z_gemeente),
                    (one.rank_gemeente, want.rank_gemeente),
                    (one.z_nl, want.z_nl),
                    (one.rank_nl, want.rank_nl),
                ] {
                    assert!(same(a, b), "cell {c}: {one:?} against {want:?}");
                }
                assert_eq!(one.band, want.band);
                compared += 1;
            }
        }
        // Three gemeenten and six buurten (one missing).
        assert_eq!(compared, 9);
    }

    #[test]
    fn the_profile_reads_its_standing_from_the_kernel() {
        let a = atlas();
        let d = Diagnose::new(&a);
        let p = d.profile("BU00010101", None).unwrap();
        let i = p.indicators.iter().find(|i| i.id == ID).unwrap();
        assert_eq!(i.value, Some(10.0));
        assert!(close(i.index_gemeente, 50.0));
        assert!(close(i.z_gemeente, -10.0 / (200.0f64 / 3.0).sqrt()));
        assert_eq!(i.band, Some(Band::Below));
        assert_eq!(i.benchmarks.gemeente, Some(20.0));
        assert_eq!(i.benchmarks.nl, Some(40.0));
        // A gemeente: index against Nederland, z among gemeenten.
        let p = d.profile("GM0002", None).unwrap();
        let i = p.indicators.iter().find(|i| i.id == ID).unwrap();
        assert!(close(i.index_gemeente, 150.0));
        assert!(i.z_gemeente.is_some());
        // Two buurten in GM0002: no z, no rank, no band; and no aandachtspunt from a band.
        let p = d.profile("BU00020102", None).unwrap();
        let i = p.indicators.iter().find(|i| i.id == ID).unwrap();
        assert_eq!((i.z_gemeente, i.rank_gemeente, i.band), (None, None, None));
    }
}
