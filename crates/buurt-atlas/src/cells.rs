//! The cell index: the atlas's one value store, which every diagnose query, map and export
//! reads.
//!
//! Cells are sorted by (dataset, indicator, year, region) so that a whole comparison group —
//! all regions of one indicator in one year of one source — is one contiguous slice, and a
//! single region's value is a binary search inside it.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use buurt_core::{Indeling, Level, MissingReason, RegionCode, RegionKey};

/// A group of comparable cells: one dataset, indicator and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// Index into [`CellIndex::datasets`].
    pub dataset: u16,
    /// Index into the catalogue.
    pub indicator: u16,
    /// Year.
    pub year: u16,
}

/// The indexed cells. Regions are numbered in key order, the same numbering as
/// [`Atlas::regions`](crate::Atlas::regions).
#[derive(Debug, Clone)]
pub struct CellIndex {
    pub(crate) datasets: Vec<String>,
    /// Every region key that has cells, sorted; cells refer to it by position.
    pub(crate) regions: Vec<RegionKey>,
    pub(crate) region_ix: HashMap<RegionKey, u32>,
    /// Per region: the wijk, gemeente and Nederland of the same indeling, if they have cells.
    pub(crate) parent_wijk: Vec<Option<u32>>,
    pub(crate) parent_gemeente: Vec<Option<u32>>,
    pub(crate) nederland: Vec<Option<u32>>,
    pub(crate) cell_group: Vec<GroupKey>,
    pub(crate) cell_region: Vec<u32>,
    pub(crate) cell_value: Vec<f64>,
    pub(crate) cell_missing: Vec<Option<MissingReason>>,
    pub(crate) groups: HashMap<GroupKey, Range<usize>>,
    /// Per (dataset, indicator): the years present, ascending.
    pub(crate) years: HashMap<(u16, u16), Vec<u16>>,
    /// (dataset, year) of provisional releases: see [`CellIndex::is_provisional`].
    pub(crate) provisional: HashSet<(u16, u16)>,
}

impl CellIndex {
    /// The index over cells sorted by (group, region); `cell_region` indexes `regions`
    /// (sorted, distinct).
    pub(crate) fn assemble(
        datasets: Vec<String>,
        regions: Vec<RegionKey>,
        cell_group: Vec<GroupKey>,
        cell_region: Vec<u32>,
        cell_value: Vec<f64>,
        cell_missing: Vec<Option<MissingReason>>,
    ) -> Self {
        let region_ix: HashMap<RegionKey, u32> = regions
            .iter()
            .enumerate()
            .filter_map(|(i, k)| u32::try_from(i).ok().map(|i| (*k, i)))
            .collect();
        let lookup = |code: Option<RegionCode>, indeling: Indeling| {
            code.and_then(|c| region_ix.get(&RegionKey::new(c, indeling)).copied())
        };
        let parent_wijk = regions
            .iter()
            .map(|k| {
                if k.code.level() == Level::Buurt {
                    lookup(k.code.wijk().map(RegionCode::Wijk), k.indeling)
                } else {
                    None
                }
            })
            .collect();
        let parent_gemeente = regions
            .iter()
            .map(|k| match k.code.level() {
                Level::Buurt | Level::Wijk => {
                    lookup(k.code.gemeente().map(RegionCode::Gemeente), k.indeling)
                }
                _ => None,
            })
            .collect();
        let nederland = regions
            .iter()
            .map(|k| {
                if k.code == RegionCode::Nederland {
                    None
                } else {
                    lookup(Some(RegionCode::Nederland), k.indeling)
                }
            })
            .collect();

        let mut groups: HashMap<GroupKey, Range<usize>> = HashMap::new();
        let mut years: HashMap<(u16, u16), Vec<u16>> = HashMap::new();
        let mut provisional: HashSet<(u16, u16)> = HashSet::new();
        let mut start = 0;
        for i in 1..=cell_group.len() {
            if i == cell_group.len() || cell_group[i] != cell_group[start] {
                let g = cell_group[start];
                groups.insert(g, start..i);
                // A group is marked not published in all its cells or none.
                if cell_missing[start] == Some(MissingReason::NotPublished) {
                    provisional.insert((g.dataset, g.year));
                }
                years
                    .entry((g.dataset, g.indicator))
                    .or_default()
                    .push(g.year);
                start = i;
            }
        }
        for ys in years.values_mut() {
            ys.sort_unstable();
        }
        Self {
            datasets,
            regions,
            region_ix,
            parent_wijk,
            parent_gemeente,
            nederland,
            cell_group,
            cell_region,
            cell_value,
            cell_missing,
            groups,
            years,
            provisional,
        }
    }

    /// Whether the dataset's release for `year` is provisional: some indicator in it is not yet
    /// published for any region (CBS's first kwb release leaves whole themes empty and fills
    /// them in a later release, so its other figures may still change).
    #[must_use]
    pub fn is_provisional(&self, dataset: u16, year: u16) -> bool {
        self.provisional.contains(&(dataset, year))
    }

    /// Dataset ids, indexed by [`GroupKey::dataset`].
    #[must_use]
    pub fn datasets(&self) -> &[String] {
        &self.datasets
    }

    /// The dataset ids of [`GroupKey::dataset`], one per entry of [`CellIndex::datasets`].
    pub fn dataset_ids(&self) -> impl Iterator<Item = u16> + use<> {
        // Construction rejects more datasets than u16 holds; the filter only keeps the type.
        (0..self.datasets.len()).filter_map(|d| u16::try_from(d).ok())
    }

    /// The cells of one group.
    #[must_use]
    pub fn group(&self, key: GroupKey) -> Range<usize> {
        self.groups.get(&key).cloned().unwrap_or(0..0)
    }

    /// The cells of one group at one level. Cells of a group are sorted by region, and
    /// region codes sort by level (land, gemeente, wijk, buurt), so these are one run.
    #[must_use]
    pub fn level_cells(&self, key: GroupKey, level: Level) -> Range<usize> {
        let all = self.group(key);
        let regions = &self.cell_region[all.clone()];
        let start = regions.partition_point(|&r| self.level_of(r) < level);
        let end = start + regions[start..].partition_point(|&r| self.level_of(r) <= level);
        all.start + start..all.start + end
    }

    /// All groups.
    pub fn group_keys(&self) -> impl Iterator<Item = &GroupKey> {
        self.groups.keys()
    }

    /// The cell of `region` in `group`, if any.
    #[must_use]
    pub fn cell(&self, group: GroupKey, region: u32) -> Option<usize> {
        let range = self.group(group);
        let slice = &self.cell_region[range.clone()];
        slice.binary_search(&region).ok().map(|i| range.start + i)
    }

    /// The value of a cell (NaN when missing) and the reason it is missing.
    #[must_use]
    pub fn cell_value(&self, cell: usize) -> (f64, Option<MissingReason>) {
        (self.cell_value[cell], self.cell_missing[cell])
    }

    /// The region a cell belongs to.
    #[must_use]
    pub fn cell_region(&self, cell: usize) -> RegionKey {
        self.regions[self.cell_region[cell] as usize]
    }

    /// The position of a region key.
    #[must_use]
    pub fn region_index(&self, key: &RegionKey) -> Option<u32> {
        self.region_ix.get(key).copied()
    }

    /// Number of region keys (positions run from 0).
    #[must_use]
    pub fn region_count(&self) -> u32 {
        self.regions.len() as u32
    }

    /// The region key at a position.
    #[must_use]
    pub fn region_key(&self, ix: u32) -> RegionKey {
        self.regions[ix as usize]
    }

    /// Years with cells for a dataset and indicator.
    #[must_use]
    pub fn years(&self, dataset: u16, indicator: u16) -> &[u16] {
        self.years
            .get(&(dataset, indicator))
            .map_or(&[], Vec::as_slice)
    }

    /// The years with cells, in order: of `indicator` in any dataset, or of any indicator.
    /// What an error lists when a year asked for has no data.
    #[must_use]
    pub fn years_with_cells(&self, indicator: Option<u16>) -> Vec<u16> {
        let mut years: Vec<u16> = self
            .groups
            .keys()
            .filter(|g| indicator.is_none_or(|i| g.indicator == i))
            .map(|g| g.year)
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Every (dataset, year) group of `indicator` that has a cell for `code` in any indeling,
    /// with that cell.
    #[must_use]
    pub fn cells_of(&self, code: RegionCode, indicator: u16) -> Vec<(GroupKey, usize)> {
        let keys: Vec<u32> = self
            .keys_of(code)
            .iter()
            .filter_map(|k| self.region_index(k))
            .collect();
        let mut out = Vec::new();
        // A lookup per dataset, not a scan of every (dataset, indicator): maps call this for
        // every feature of every tile.
        for dataset in self.dataset_ids() {
            let Some(years) = self.years.get(&(dataset, indicator)) else {
                continue;
            };
            for &year in years {
                let g = GroupKey {
                    dataset,
                    indicator,
                    year,
                };
                for &r in &keys {
                    if let Some(c) = self.cell(g, r) {
                        out.push((g, c));
                    }
                }
            }
        }
        out.sort_by_key(|(g, c)| (g.year, g.dataset, *c));
        out
    }

    /// The region keys of `code`, one per indeling, oldest first.
    #[must_use]
    pub fn keys_of(&self, code: RegionCode) -> &[RegionKey] {
        let start = self.regions.partition_point(|k| k.code < code);
        let end = start + self.regions[start..].partition_point(|k| k.code == code);
        &self.regions[start..end]
    }

    /// Every region key, in key order (position = region number).
    #[must_use]
    pub fn region_keys(&self) -> &[RegionKey] {
        &self.regions
    }

    /// The group of every cell, in cell order.
    #[must_use]
    pub fn cell_groups(&self) -> &[GroupKey] {
        &self.cell_group
    }

    /// The region number of every cell, in cell order (sorted within a group).
    #[must_use]
    pub fn cell_regions(&self) -> &[u32] {
        &self.cell_region
    }

    /// The value of every cell (NaN when missing), in cell order.
    #[must_use]
    pub fn cell_values(&self) -> &[f64] {
        &self.cell_value
    }

    /// Why each cell is missing, in cell order.
    #[must_use]
    pub fn cell_missing_reasons(&self) -> &[Option<MissingReason>] {
        &self.cell_missing
    }

    /// The wijk of region `r` (for a buurt), in the same indeling.
    #[must_use]
    pub fn parent_wijk(&self, r: u32) -> Option<u32> {
        self.parent_wijk[r as usize]
    }

    /// The gemeente of region `r` (for a buurt or wijk), in the same indeling.
    #[must_use]
    pub fn parent_gemeente(&self, r: u32) -> Option<u32> {
        self.parent_gemeente[r as usize]
    }

    /// Nederland in the indeling of region `r` (none for Nederland itself).
    #[must_use]
    pub fn nederland(&self, r: u32) -> Option<u32> {
        self.nederland[r as usize]
    }

    /// The level of region `r`.
    #[must_use]
    pub fn level_of(&self, r: u32) -> Level {
        self.regions[r as usize].code.level()
    }
}

/// One hand-made cell for [`Atlas::from_cells`](crate::Atlas::from_cells).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Dataset id.
    pub dataset: String,
    /// Region and indeling.
    pub region: RegionKey,
    /// Indicator id (in the catalogue).
    pub indicator: String,
    /// Year.
    pub year: u16,
    /// The value; `None` is missing.
    pub value: Option<f64>,
    /// Why it is missing (`None` with a value; [`buurt_core::MissingReason::Empty`] when a
    /// value is absent without a reason).
    pub missing: Option<buurt_core::MissingReason>,
}

impl Cell {
    /// A cell with a value, or missing as [`buurt_core::MissingReason::Empty`] without one.
    #[must_use]
    pub fn new(
        dataset: &str,
        region: RegionKey,
        indicator: &str,
        year: u16,
        value: Option<f64>,
    ) -> Self {
        Self {
            dataset: dataset.to_owned(),
            region,
            indicator: indicator.to_owned(),
            year,
            value,
            missing: value.is_none().then_some(buurt_core::MissingReason::Empty),
        }
    }

    /// The same cell, missing for `reason`.
    #[must_use]
    pub fn missing(mut self, reason: buurt_core::MissingReason) -> Self {
        self.value = None;
        self.missing = Some(reason);
        self
    }
}
