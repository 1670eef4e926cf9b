//! Building the [`CellIndex`] from the long table, batch by batch, in little memory: the atlas
//! build pushes its table once, and an atlas read from a cache without its cell file streams
//! the cached table through here and never holds it whole.
//!
//! Cells are kept column-wise while scanning (19 bytes a cell), region and group keys interned
//! to small integers, and sorted through one packed `u64` key per cell instead of moving rows.

use std::collections::HashMap;
use std::sync::Arc;

use buurt_core::{Catalogue, Indeling, MissingReason, RegionCode, RegionKey, Value};
use buurt_io::Observation;
use polars::prelude::{
    Categorical32Chunked, CategoricalMapping, Categories, Column, DataFrame, DataType,
};

use crate::cells::{Cell, CellIndex, GroupKey};
use crate::columns;
use crate::error::{AtlasError, Result};

/// Bits of the packed sort key: group rank | region rank | cell position.
const POSITION_BITS: u32 = 26;
const REGION_BITS: u32 = 20;
const GROUP_BITS: u32 = 64 - POSITION_BITS - REGION_BITS;

/// Collects cells from long-table batches, then indexes them.
#[derive(Debug)]
pub struct CellIndexBuilder {
    indicator_ix: HashMap<String, u16>,
    datasets: Vec<String>,
    /// Parsed categories, by global category id.
    dataset_cats: Vec<Option<u16>>,
    indicator_cats: Vec<Option<u16>>,
    missing_cats: Vec<Option<MissingReason>>,
    /// Per region category id: (indeling, interned region id).
    regions_by_cat: Vec<Vec<(u16, u32)>>,
    /// The mappings of the dataset, region, indicator and missing columns the caches above
    /// were filled from. Held, because polars keeps a mapping only while something refers to
    /// it: once a batch is dropped, the next one may get a new mapping with other ids for the
    /// same strings (and RIVM rows were once filed under the kwb dataset that way).
    mappings: Option<[Arc<CategoricalMapping>; 4]>,
    regions: Vec<RegionKey>,
    region_ids: HashMap<RegionKey, u32>,
    groups: Vec<GroupKey>,
    group_ids: HashMap<GroupKey, u32>,
    cell_group: Vec<u32>,
    cell_region: Vec<u32>,
    cell_value: Vec<f64>,
    cell_missing: Vec<Option<MissingReason>>,
    rows_seen: usize,
}

/// A text column as a categorical (the atlas stores them so; a table from elsewhere may not).
fn categorical(df: &DataFrame, name: &str) -> Result<Column> {
    let column = df.column(name)?;
    if matches!(column.dtype(), DataType::Categorical(..)) {
        Ok(column.clone())
    } else {
        Ok(column.cast(&DataType::from_categories(Categories::global()))?)
    }
}

/// The parsed value of category `cat` of `column`, parsed once per category: no per-row string
/// is made. The cache holds for one mapping (see [`CellIndexBuilder::mappings`]).
fn lookup<T: Copy>(
    cache: &mut Vec<Option<T>>,
    column: &Categorical32Chunked,
    cat: u32,
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let slot = cat as usize;
    if let Some(Some(v)) = cache.get(slot) {
        return Ok(*v);
    }
    let text = column.get_mapping().cat_to_str(cat).unwrap_or_default();
    let v = parse(text)?;
    if slot >= cache.len() {
        cache.resize(slot + 1, None);
    }
    cache[slot] = Some(v);
    Ok(v)
}

/// An id for `key`, new ones numbered in order of first sight.
fn intern<K: Copy + Eq + std::hash::Hash>(
    ids: &mut HashMap<K, u32>,
    keys: &mut Vec<K>,
    key: K,
) -> u32 {
    *ids.entry(key).or_insert_with(|| {
        keys.push(key);
        (keys.len() - 1) as u32
    })
}

impl CellIndexBuilder {
    /// A builder for tables whose indicators are in `catalogue`.
    #[must_use]
    pub fn new(catalogue: &Catalogue) -> Self {
        Self::with_indicators(
            catalogue
                .indicators()
                .iter()
                .enumerate()
                .filter_map(|(i, ind)| u16::try_from(i).ok().map(|i| (ind.id.clone(), i)))
                .collect(),
            Vec::new(),
        )
    }

    fn with_indicators(indicator_ix: HashMap<String, u16>, datasets: Vec<String>) -> Self {
        Self {
            indicator_ix,
            datasets,
            dataset_cats: Vec::new(),
            indicator_cats: Vec::new(),
            missing_cats: Vec::new(),
            regions_by_cat: Vec::new(),
            mappings: None,
            regions: Vec::new(),
            region_ids: HashMap::new(),
            groups: Vec::new(),
            group_ids: HashMap::new(),
            cell_group: Vec::new(),
            cell_region: Vec::new(),
            cell_value: Vec::new(),
            cell_missing: Vec::new(),
            rows_seen: 0,
        }
    }

    /// Add the rows of one batch of the long table (the atlas's columns; see [`columns`]).
    pub fn push(&mut self, df: &DataFrame) -> Result<()> {
        let first_row = self.rows_seen;
        let bad = |what: &str, row: usize| AtlasError::LongTableRow {
            row: first_row + row,
            message: what.to_owned(),
        };
        let (dataset_col, region_col, indicator_col, missing_col) = (
            categorical(df, columns::DATASET)?,
            categorical(df, columns::REGION)?,
            categorical(df, columns::INDICATOR)?,
            categorical(df, columns::MISSING)?,
        );
        let (dataset_cat, region_cat, indicator_cat, missing_cat) = (
            dataset_col.cat32()?,
            region_col.cat32()?,
            indicator_col.cat32()?,
            missing_col.cat32()?,
        );
        self.hold_mappings([
            dataset_cat.get_mapping().clone(),
            region_cat.get_mapping().clone(),
            indicator_cat.get_mapping().clone(),
            missing_cat.get_mapping().clone(),
        ]);
        // One contiguous chunk per column, read as plain slices: millions of rows.
        let (datasets_ca, regions_ca, indicators_ca, missing_ca) = (
            dataset_cat.physical().rechunk(),
            region_cat.physical().rechunk(),
            indicator_cat.physical().rechunk(),
            missing_cat.physical().rechunk(),
        );
        let indeling_ca = df.column(columns::INDELING)?.i32()?.rechunk();
        let year_ca = df.column(columns::YEAR)?.i32()?.rechunk();
        let value_ca = df.column(columns::VALUE)?.f64()?.rechunk();
        let n = df.height();
        if n == 0 {
            return Ok(());
        }
        let (Some(ds), Some(rg), Some(ind), Some(miss), Some(indeling), Some(year), Some(value)) = (
            datasets_ca.downcast_iter().next(),
            regions_ca.downcast_iter().next(),
            indicators_ca.downcast_iter().next(),
            missing_ca.downcast_iter().next(),
            indeling_ca.downcast_iter().next(),
            year_ca.downcast_iter().next(),
            value_ca.downcast_iter().next(),
        ) else {
            return Err(bad("a column without values", 0));
        };
        // Whether row `i` of an arrow array holds a value (no validity bitmap: all do).
        macro_rules! valid {
            ($array:expr, $i:expr) => {
                $array.validity().is_none_or(|b| b.get_bit($i))
            };
        }
        self.reserve(n);
        let mut last_group: Option<((u16, u16, u16), u32)> = None;
        for i in 0..n {
            if !(valid!(ds, i)
                && valid!(rg, i)
                && valid!(ind, i)
                && valid!(indeling, i)
                && valid!(year, i))
            {
                return Err(bad(
                    "a dataset, region, indicator, indeling or year is empty",
                    i,
                ));
            }
            let datasets = &mut self.datasets;
            let dataset = lookup(
                &mut self.dataset_cats,
                dataset_cat,
                ds.values()[i],
                |text| {
                    let d = u16::try_from(datasets.len())
                        .map_err(|_| bad("more than 65 535 datasets", i))?;
                    datasets.push(text.to_owned());
                    Ok(d)
                },
            )?;
            let indicator_ix = &self.indicator_ix;
            let indicator = lookup(
                &mut self.indicator_cats,
                indicator_cat,
                ind.values()[i],
                |text| {
                    indicator_ix.get(text).copied().ok_or_else(|| {
                        AtlasError::Catalogue(buurt_core::CatalogueError::Unknown {
                            id: text.to_owned(),
                        })
                    })
                },
            )?;
            let missing = if valid!(miss, i) {
                Some(lookup(
                    &mut self.missing_cats,
                    missing_cat,
                    miss.values()[i],
                    |text| Ok(MissingReason::from_key(text).unwrap_or(MissingReason::Empty)),
                )?)
            } else {
                None
            };
            let indeling =
                u16::try_from(indeling.values()[i]).map_err(|_| bad("bad indeling", i))?;
            let year = u16::try_from(year.values()[i]).map_err(|_| bad("bad year", i))?;
            let v = if valid!(value, i) {
                value.values()[i]
            } else {
                f64::NAN
            };
            // Rows come grouped, so the last group usually matches: no hashing.
            let g = match last_group {
                Some((key, id)) if key == (dataset, indicator, year) => id,
                _ => {
                    let group = GroupKey {
                        dataset,
                        indicator,
                        year,
                    };
                    let id = intern(&mut self.group_ids, &mut self.groups, group);
                    last_group = Some(((dataset, indicator, year), id));
                    id
                }
            };
            let r = self.region_id(region_cat, rg.values()[i], indeling, i, &bad)?;
            self.cell_group.push(g);
            self.cell_region.push(r);
            self.cell_value.push(v);
            self.cell_missing.push(missing);
        }
        self.rows_seen += n;
        Ok(())
    }

    /// Keep this batch's category mappings, and forget what was parsed under another mapping:
    /// the same id may name another string there.
    fn hold_mappings(&mut self, mappings: [Arc<CategoricalMapping>; 4]) {
        if let Some(held) = &self.mappings {
            let same = |i: usize| Arc::ptr_eq(&held[i], &mappings[i]);
            if !same(0) {
                self.dataset_cats.clear();
            }
            if !same(1) {
                self.regions_by_cat.clear();
            }
            if !same(2) {
                self.indicator_cats.clear();
            }
            if !same(3) {
                self.missing_cats.clear();
            }
        }
        self.mappings = Some(mappings);
    }

    /// Add the observations of one loaded table, in order: the cells [`Self::push`] would
    /// take from the long-table rows of `observations`, without making those rows.
    pub fn push_observations(&mut self, dataset: &str, observations: &[Observation]) -> Result<()> {
        if observations.is_empty() {
            return Ok(());
        }
        let d = match self.datasets.iter().position(|x| x == dataset) {
            Some(d) => d,
            None => {
                self.datasets.push(dataset.to_owned());
                self.datasets.len() - 1
            }
        };
        let dataset = u16::try_from(d).map_err(|_| AtlasError::TooLarge {
            what: "datasets",
            count: d,
            bits: 16,
        })?;
        self.reserve(observations.len());
        // Observations come row by row: the last group and region usually match, no hashing.
        let mut last_group: Option<((u16, u16), u32)> = None;
        let mut last_region: Option<(RegionKey, u32)> = None;
        for o in observations {
            let g = match last_group {
                Some((key, id)) if key == (o.indicator, o.year) => id,
                _ => {
                    let group = GroupKey {
                        dataset,
                        indicator: o.indicator,
                        year: o.year,
                    };
                    let id = intern(&mut self.group_ids, &mut self.groups, group);
                    last_group = Some(((o.indicator, o.year), id));
                    id
                }
            };
            let key = RegionKey::new(o.region, o.indeling);
            let r = match last_region {
                Some((k, id)) if k == key => id,
                _ => {
                    let id = intern(&mut self.region_ids, &mut self.regions, key);
                    last_region = Some((key, id));
                    id
                }
            };
            // As the long table has it: a number, or no number and why.
            let (v, missing) = match o.value {
                Value::Number(x) => (x, None),
                Value::Missing(reason) => (f64::NAN, Some(reason)),
                // Loaders turn unreadable cells into errors; keep the cell honest anyway.
                Value::Invalid => (f64::NAN, Some(MissingReason::Empty)),
            };
            self.cell_group.push(g);
            self.cell_region.push(r);
            self.cell_value.push(v);
            self.cell_missing.push(missing);
        }
        self.rows_seen += observations.len();
        Ok(())
    }

    /// The interned id of the region with category `cat` in `indeling`, through a table by
    /// category id (dense in a process) rather than a hash of the key.
    fn region_id(
        &mut self,
        column: &Categorical32Chunked,
        cat: u32,
        indeling: u16,
        row: usize,
        bad: &dyn Fn(&str, usize) -> AtlasError,
    ) -> Result<u32> {
        let slot = cat as usize;
        if slot >= self.regions_by_cat.len() {
            self.regions_by_cat.resize_with(slot + 1, Vec::new);
        }
        if let Some(&(_, id)) = self.regions_by_cat[slot]
            .iter()
            .find(|(i, _)| *i == indeling)
        {
            return Ok(id);
        }
        let text = column.get_mapping().cat_to_str(cat).unwrap_or_default();
        let code: RegionCode = text
            .parse()
            .map_err(|_| bad(&format!("bad region code '{text}'"), row))?;
        let id = intern(
            &mut self.region_ids,
            &mut self.regions,
            RegionKey::new(code, Indeling::new(indeling)),
        );
        self.regions_by_cat[slot].push((indeling, id));
        Ok(id)
    }

    fn reserve(&mut self, additional: usize) {
        self.cell_group.reserve(additional);
        self.cell_region.reserve(additional);
        self.cell_value.reserve(additional);
        self.cell_missing.reserve(additional);
    }

    /// Add one hand-made cell (see [`crate::Atlas::from_cells`]).
    pub(crate) fn push_cell(&mut self, cell: &Cell) -> Result<()> {
        let indicator = *self.indicator_ix.get(&cell.indicator).ok_or_else(|| {
            AtlasError::Catalogue(buurt_core::CatalogueError::Unknown {
                id: cell.indicator.clone(),
            })
        })?;
        let dataset = match self.datasets.iter().position(|d| *d == cell.dataset) {
            Some(d) => d,
            None => {
                self.datasets.push(cell.dataset.clone());
                self.datasets.len() - 1
            }
        };
        let dataset = u16::try_from(dataset).map_err(|_| AtlasError::TooLarge {
            what: "datasets",
            count: dataset,
            bits: 16,
        })?;
        let group = GroupKey {
            dataset,
            indicator,
            year: cell.year,
        };
        let g = intern(&mut self.group_ids, &mut self.groups, group);
        let r = intern(&mut self.region_ids, &mut self.regions, cell.region);
        self.cell_group.push(g);
        self.cell_region.push(r);
        self.cell_value.push(cell.value.unwrap_or(f64::NAN));
        self.cell_missing.push(match cell.value {
            Some(_) => None,
            None => Some(cell.missing.unwrap_or(MissingReason::Empty)),
        });
        Ok(())
    }

    /// Sort the cells by (group, region) and index them. The index numbers the regions of the
    /// cells and `regions` (the atlas's other regions, without cells), all in key order.
    pub fn finish(mut self, regions: impl IntoIterator<Item = RegionKey>) -> Result<CellIndex> {
        for key in regions {
            intern(&mut self.region_ids, &mut self.regions, key);
        }
        let Self {
            datasets,
            mut regions,
            mut groups,
            cell_group,
            cell_region,
            cell_value,
            cell_missing,
            ..
        } = self;
        let n = cell_value.len();
        let too_many = |what: &'static str, count: usize, bits: u32| AtlasError::TooLarge {
            what,
            count,
            bits,
        };
        if n >= 1 << POSITION_BITS {
            return Err(too_many("cells", n, POSITION_BITS));
        }
        if regions.len() >= 1 << REGION_BITS {
            return Err(too_many("regions", regions.len(), REGION_BITS));
        }
        if groups.len() >= 1 << GROUP_BITS {
            return Err(too_many("groups", groups.len(), GROUP_BITS));
        }
        // Rank of each interned id in sorted key order.
        let region_rank = rank_of(&mut regions);
        let group_rank = rank_of(&mut groups);
        let mut keys: Vec<u64> = cell_group
            .iter()
            .zip(&cell_region)
            .enumerate()
            .map(|(i, (&g, &r))| {
                (u64::from(group_rank[g as usize]) << (POSITION_BITS + REGION_BITS))
                    | (u64::from(region_rank[r as usize]) << POSITION_BITS)
                    | i as u64
            })
            .collect();
        drop((cell_group, cell_region, region_rank, group_rank));
        keys.sort_unstable();
        let position = |k: u64| (k & ((1 << POSITION_BITS) - 1)) as usize;
        let sorted_group: Vec<GroupKey> = keys
            .iter()
            .map(|&k| groups[(k >> (POSITION_BITS + REGION_BITS)) as usize])
            .collect();
        let sorted_region: Vec<u32> = keys
            .iter()
            .map(|&k| ((k >> POSITION_BITS) & ((1 << REGION_BITS) - 1)) as u32)
            .collect();
        let sorted_value: Vec<f64> = keys.iter().map(|&k| cell_value[position(k)]).collect();
        drop(cell_value);
        let mut sorted_missing: Vec<Option<MissingReason>> =
            keys.iter().map(|&k| cell_missing[position(k)]).collect();
        mark_not_published(&sorted_group, &sorted_value, &mut sorted_missing);
        Ok(CellIndex::assemble(
            datasets,
            regions,
            sorted_group,
            sorted_region,
            sorted_value,
            sorted_missing,
        ))
    }
}

/// A group (one table, indicator and year) in which no region at all has a value, and every
/// cell is empty the way the source marks it (`.`, an empty cell, a special value), is not yet
/// published rather than suppressed: CBS always publishes the gemeente total of what it has.
/// Cells are sorted by group.
fn mark_not_published(groups: &[GroupKey], values: &[f64], missing: &mut [Option<MissingReason>]) {
    let from_source = |m: Option<MissingReason>| {
        matches!(
            m,
            Some(MissingReason::Suppressed | MissingReason::Empty | MissingReason::SpecialValue)
        )
    };
    let mut start = 0;
    while start < groups.len() {
        let end = start + groups[start..].partition_point(|g| *g == groups[start]);
        let none_published = values[start..end].iter().all(|v| !v.is_finite())
            && missing[start..end].iter().all(|m| from_source(*m));
        if none_published {
            missing[start..end].fill(Some(MissingReason::NotPublished));
        }
        start = end;
    }
}

/// Sort `keys` and return, per original position, the key's position in the sorted order.
fn rank_of<K: Ord + Copy>(keys: &mut [K]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    order.sort_unstable_by_key(|&i| keys[i as usize]);
    let mut rank = vec![0; keys.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    keys.sort_unstable();
    rank
}

#[cfg(test)]
mod tests {
    use buurt_core::{Catalogue, Indeling, MissingReason, RegionKey};
    use polars::prelude::{CategoricalPhysical, Categories, Column, DataFrame, DataType};

    use super::CellIndexBuilder;
    use crate::{Atlas, Cell, columns};

    /// A batch of the long table whose text columns use `categories`.
    fn batch(categories: &std::sync::Arc<Categories>, rows: &[(&str, &str, &str)]) -> DataFrame {
        let dtype = DataType::from_categories(categories.clone());
        let text =
            |name: &str, values: Vec<&str>| Column::new(name.into(), values).cast(&dtype).unwrap();
        let n = rows.len();
        DataFrame::new(
            n,
            vec![
                text(columns::DATASET, rows.iter().map(|r| r.0).collect()),
                text(columns::REGION, rows.iter().map(|r| r.1).collect()),
                text(columns::INDICATOR, rows.iter().map(|r| r.2).collect()),
                Column::new(columns::MISSING.into(), vec![None::<&str>; n])
                    .cast(&dtype)
                    .unwrap(),
                Column::new(columns::INDELING.into(), vec![2024_i32; n]),
                Column::new(columns::YEAR.into(), vec![2024_i32; n]),
                Column::new(columns::VALUE.into(), vec![1.0_f64; n]),
            ],
        )
        .unwrap()
    }

    /// Two batches whose mappings give the same ids to other strings, as when polars drops a
    /// mapping between batches: each row keeps its own dataset, region and indicator.
    #[test]
    fn batches_with_different_category_mappings_keep_their_own_strings() {
        let catalogue = Catalogue::builtin().unwrap();
        let mut builder = CellIndexBuilder::new(&catalogue);
        let first = Categories::random("a".into(), CategoricalPhysical::U32);
        builder
            .push(&batch(&first, &[("kwb", "BU00010001", "inwoners")]))
            .unwrap();
        // Another mapping: ids from 0 again, now for other strings.
        let second = Categories::random("b".into(), CategoricalPhysical::U32);
        builder
            .push(&batch(&second, &[("rivm", "BU00010002", "eenzaam_65plus")]))
            .unwrap();
        let index = builder.finish([]).unwrap();
        let mut found: Vec<(String, String, String)> = index
            .group_keys()
            .flat_map(|g| {
                let dataset = index.datasets()[usize::from(g.dataset)].clone();
                let indicator = catalogue.indicators()[usize::from(g.indicator)].id.clone();
                index
                    .group(*g)
                    .map(move |c| (dataset.clone(), indicator.clone(), c))
            })
            .map(|(d, i, c)| (d, index.cell_region(c).code.to_string(), i))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("kwb".into(), "BU00010001".into(), "inwoners".into()),
                ("rivm".into(), "BU00010002".into(), "eenzaam_65plus".into()),
            ]
        );
    }

    #[test]
    fn a_group_without_any_value_is_not_published() {
        let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2024));
        let cell = |c: &str, year: u16, v: Option<f64>| {
            let cell = Cell::new("kwb", key(c), "jeugdzorg", year, v);
            if v.is_none() {
                cell.missing(MissingReason::Suppressed)
            } else {
                cell
            }
        };
        let atlas = Atlas::from_cells(
            Catalogue::builtin().unwrap(),
            [
                cell("GM0001", 2023, Some(12.0)),
                cell("BU00010001", 2023, None),
                cell("BU00010002", 2023, Some(10.0)),
                cell("GM0001", 2024, None),
                cell("BU00010001", 2024, None),
                cell("BU00010002", 2024, None),
            ],
        )
        .unwrap();
        let cells = atlas.cells();
        let reasons = |year: u16| {
            let g = *cells.group_keys().find(|g| g.year == year).unwrap();
            cells
                .group(g)
                .map(|c| cells.cell_missing_reasons()[c])
                .collect::<Vec<_>>()
        };
        // 2023: the gemeente and one buurt published, the other buurt suppressed.
        assert_eq!(reasons(2023), [None, Some(MissingReason::Suppressed), None]);
        // 2024: nothing published anywhere: not yet published, not suppressed.
        assert_eq!(reasons(2024), [Some(MissingReason::NotPublished); 3]);
    }
}
