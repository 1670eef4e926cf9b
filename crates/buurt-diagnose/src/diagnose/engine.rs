//! The compact, indexed form of the atlas's long table that every diagnose query reads.
//!
//! Cells are sorted by (dataset, indicator, year, region) so that a whole comparison group —
//! all regions of one indicator in one year of one source — is one contiguous slice, and a
//! single region's value is a binary search inside it.

use std::collections::HashMap;
use std::ops::Range;

use buurt_core::{Indeling, Level, MissingReason, RegionCode, RegionKey};
use polars::prelude::{Column, DataFrame, DataType};

use crate::atlas::{Atlas, columns};
use crate::error::{DiagnoseError, Result};

/// A group of comparable cells: one dataset, indicator and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// Index into [`Engine::datasets`].
    pub dataset: u16,
    /// Index into the catalogue.
    pub indicator: u16,
    /// Year.
    pub year: u16,
}

/// The indexed cells.
#[derive(Debug, Clone)]
pub struct Engine {
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
}

/// A text column as strings (the atlas stores them as categoricals).
fn str_column(df: &DataFrame, name: &str) -> Result<Column> {
    Ok(df.column(name)?.cast(&DataType::String)?)
}

fn i32_column(df: &DataFrame, name: &str) -> Result<Vec<Option<i32>>> {
    Ok(df.column(name)?.i32()?.iter().collect())
}

impl Engine {
    /// Index the atlas's long table.
    pub fn new(atlas: &Atlas) -> Result<Self> {
        let df = atlas.values();
        let catalogue = atlas.catalogue();
        let indicator_ix: HashMap<&str, u16> = catalogue
            .indicators()
            .iter()
            .enumerate()
            .filter_map(|(i, ind)| u16::try_from(i).ok().map(|i| (ind.id.as_str(), i)))
            .collect();
        let (dataset_col, region_col, indicator_col, missing_col) = (
            str_column(df, columns::DATASET)?,
            str_column(df, columns::REGION)?,
            str_column(df, columns::INDICATOR)?,
            str_column(df, columns::MISSING)?,
        );
        let dataset_col: Vec<Option<&str>> = dataset_col.str()?.iter().collect();
        let region_col: Vec<Option<&str>> = region_col.str()?.iter().collect();
        let indicator_col: Vec<Option<&str>> = indicator_col.str()?.iter().collect();
        let missing_col: Vec<Option<&str>> = missing_col.str()?.iter().collect();
        let indeling_col = i32_column(df, columns::INDELING)?;
        let year_col = i32_column(df, columns::YEAR)?;
        let value_col: Vec<Option<f64>> = df.column(columns::VALUE)?.f64()?.iter().collect();

        let bad = |what: &str, row: usize| DiagnoseError::Parameter {
            name: "atlas",
            message: format!("long table row {row}: {what}"),
        };
        let mut datasets: Vec<String> = Vec::new();
        let mut dataset_ix: HashMap<&str, u16> = HashMap::new();
        let mut code_cache: HashMap<&str, RegionCode> = HashMap::new();
        let mut rows: Vec<(GroupKey, RegionKey, f64, Option<MissingReason>)> =
            Vec::with_capacity(df.height());
        for row in 0..df.height() {
            let ds = dataset_col[row].ok_or_else(|| bad("no dataset", row))?;
            let d = if let Some(d) = dataset_ix.get(ds) {
                *d
            } else {
                let d = u16::try_from(datasets.len()).map_err(|_| bad("too many datasets", row))?;
                datasets.push(ds.to_owned());
                dataset_ix.insert(ds, d);
                d
            };
            let code_text = region_col[row].ok_or_else(|| bad("no region", row))?;
            let code = if let Some(c) = code_cache.get(code_text) {
                *c
            } else {
                let c: RegionCode = code_text.parse().map_err(|_| bad("bad region code", row))?;
                code_cache.insert(code_text, c);
                c
            };
            let indeling = indeling_col[row]
                .and_then(|y| u16::try_from(y).ok())
                .ok_or_else(|| bad("no indeling", row))?;
            let year = year_col[row]
                .and_then(|y| u16::try_from(y).ok())
                .ok_or_else(|| bad("no year", row))?;
            let ind_id = indicator_col[row].ok_or_else(|| bad("no indicator", row))?;
            let Some(&indicator) = indicator_ix.get(ind_id) else {
                return Err(DiagnoseError::Catalogue(
                    buurt_core::CatalogueError::Unknown {
                        id: ind_id.to_owned(),
                    },
                ));
            };
            let missing = missing_col[row]
                .map(|m| MissingReason::from_key(m).unwrap_or(MissingReason::Empty));
            rows.push((
                GroupKey {
                    dataset: d,
                    indicator,
                    year,
                },
                RegionKey::new(code, Indeling::new(indeling)),
                value_col[row].unwrap_or(f64::NAN),
                missing,
            ));
        }
        rows.sort_unstable_by_key(|r| (r.0, r.1));

        let mut regions: Vec<RegionKey> = rows.iter().map(|r| r.1).collect();
        regions.sort_unstable();
        regions.dedup();
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
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].0 != rows[start].0 {
                let g = rows[start].0;
                groups.insert(g, start..i);
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
        let cell_region = rows.iter().map(|r| region_ix[&r.1]).collect();
        Ok(Self {
            datasets,
            regions,
            region_ix,
            parent_wijk,
            parent_gemeente,
            nederland,
            cell_group: rows.iter().map(|r| r.0).collect(),
            cell_region,
            cell_value: rows.iter().map(|r| r.2).collect(),
            cell_missing: rows.iter().map(|r| r.3).collect(),
            groups,
            years,
        })
    }

    /// Dataset ids, indexed by [`GroupKey::dataset`].
    #[must_use]
    pub fn datasets(&self) -> &[String] {
        &self.datasets
    }

    /// The cells of one group.
    #[must_use]
    pub fn group(&self, key: GroupKey) -> Range<usize> {
        self.groups.get(&key).cloned().unwrap_or(0..0)
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
        for (&(dataset, ind), years) in &self.years {
            if ind != indicator {
                continue;
            }
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

    /// The regions with cells for `code` (one per indeling).
    #[must_use]
    pub fn keys_of(&self, code: RegionCode) -> Vec<RegionKey> {
        let start = self.regions.partition_point(|k| k.code < code);
        self.regions[start..]
            .iter()
            .take_while(|k| k.code == code)
            .copied()
            .collect()
    }
}
