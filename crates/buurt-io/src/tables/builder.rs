//! Collects what a loader finds into a [`TableDataset`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use buurt_core::{Indeling, MissingReason, Region, RegionCode, RegionKey, SourceTable};

use crate::dataset::{Observation, Problem, TableDataset};
use crate::error::IoError;

use super::cell::{At, Cell};
use super::header::Header;
use super::mapping::{Mapping, Skipped, ValueColumn, resolve_columns};

/// A [`TableDataset`] under construction, for one file.
#[derive(Debug)]
pub(crate) struct Builder {
    source: SourceTable,
    path: PathBuf,
    regions: Vec<Region>,
    region_index: HashMap<RegionKey, usize>,
    pub observations: Vec<Observation>,
    pub rows: usize,
    unmapped: Vec<String>,
    problems: Vec<Problem>,
}

impl Builder {
    /// An empty dataset read from `path`.
    pub(crate) fn new(source: SourceTable, path: &Path) -> Self {
        Self {
            source,
            path: path.to_path_buf(),
            regions: Vec::new(),
            region_index: HashMap::new(),
            observations: Vec::new(),
            rows: 0,
            unmapped: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Record a region named in the file. A later non-empty name fills an empty one.
    pub(crate) fn region(&mut self, code: RegionCode, indeling: Indeling, name: &str) {
        let key = RegionKey::new(code, indeling);
        let name = name.trim();
        if let Some(&i) = self.region_index.get(&key) {
            if self.regions[i].name.is_empty() && !name.is_empty() {
                name.clone_into(&mut self.regions[i].name);
            }
        } else {
            self.region_index.insert(key, self.regions.len());
            self.regions.push(Region {
                key,
                name: name.to_owned(),
            });
        }
    }

    /// Read the catalogued cells of one wide row (one region, one column per indicator).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn observe_row<'r>(
        &mut self,
        at: At<'_>,
        header: &Header,
        cols: &[ValueColumn<'_>],
        cell: impl Fn(usize) -> Cell<'r>,
        region: RegionCode,
        indeling: Indeling,
        year: u16,
        empty: MissingReason,
    ) -> Result<(), IoError> {
        for vc in cols {
            let value = at.value(header.name(vc.col), &cell(vc.col), empty)?;
            self.observations.push(Observation {
                region,
                indeling,
                year,
                indicator: vc.mapping.indicator,
                age_group: vc.mapping.info.age_group,
                value,
            });
        }
        Ok(())
    }

    /// A non-fatal finding at a location in this file (`row 12, column 'x'`).
    pub(crate) fn problem_at(
        &mut self,
        location: impl std::fmt::Display,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            location: format!("{}, {location}", self.path.display()),
            message: message.into(),
        });
    }

    /// Every mapping resolved to one column of `header`; what the file cannot serve is reported
    /// as problems, one per reason (see [`resolve_columns`]).
    pub(crate) fn value_columns<'c>(
        &mut self,
        header: &Header,
        mappings: &[Mapping<'c>],
    ) -> Vec<ValueColumn<'c>> {
        let (cols, skipped) = resolve_columns(header, mappings);
        self.report_skipped(skipped);
        cols
    }

    /// The catalogue sources this file cannot serve, one problem per reason.
    pub(crate) fn report_skipped(&mut self, skipped: Skipped) {
        for message in skipped.messages() {
            self.problem_in_file(message);
        }
    }

    /// A non-fatal finding about the file as a whole.
    pub(crate) fn problem_in_file(&mut self, message: impl Into<String>) {
        self.problems.push(Problem {
            location: self.path.display().to_string(),
            message: message.into(),
        });
    }

    /// Remember the header columns that neither the loader nor the catalogue uses.
    pub(crate) fn unmapped(&mut self, header: &Header, used: &[usize]) {
        for (i, name) in header.names().iter().enumerate() {
            if !used.contains(&i) && !name.is_empty() && !self.unmapped.contains(name) {
                self.unmapped.push(name.clone());
            }
        }
    }

    /// The finished dataset; `id` is derived from the source, the gemeente when all regions lie
    /// in one, and `suffix` (usually the year).
    pub(crate) fn finish(self, suffix: &str) -> TableDataset {
        let id = dataset_id(self.source, &self.regions, suffix);
        tracing::debug!(
            id,
            rows = self.rows,
            regions = self.regions.len(),
            observations = self.observations.len(),
            problems = self.problems.len(),
            "table loaded"
        );
        TableDataset {
            id,
            source: self.source,
            paths: vec![self.path],
            regions: self.regions,
            observations: self.observations,
            rows: self.rows,
            unmapped_columns: self.unmapped,
            problems: self.problems,
        }
    }
}

/// `cbs_kwb_utrecht_2024`: source, gemeente name when the table covers one gemeente, suffix.
pub(crate) fn dataset_id(source: SourceTable, regions: &[Region], suffix: &str) -> String {
    let mut gemeenten = regions
        .iter()
        .filter_map(|r| r.key.code.gemeente())
        .collect::<Vec<_>>();
    gemeenten.sort_unstable();
    gemeenten.dedup();
    let mut id = source.as_str().to_owned();
    if let [gm] = gemeenten.as_slice() {
        let name = regions
            .iter()
            .find(|r| r.key.code == RegionCode::Gemeente(*gm) && !r.name.is_empty())
            .map_or_else(|| gm.as_str().to_ascii_lowercase(), |r| slug(&r.name));
        id.push('_');
        id.push_str(&name);
    }
    if !suffix.is_empty() {
        id.push('_');
        id.push_str(suffix);
    }
    id
}

/// Lower-case ASCII letters and digits, other runs of characters as one `_`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Several datasets of one source as one: regions merged by code and indeling, everything else
/// concatenated.
pub(crate) fn merge(source: SourceTable, suffix: &str, parts: Vec<TableDataset>) -> TableDataset {
    let mut regions: Vec<Region> = Vec::new();
    let mut index: HashMap<RegionKey, usize> = HashMap::new();
    let mut out = TableDataset {
        id: String::new(),
        source,
        paths: Vec::new(),
        regions: Vec::new(),
        observations: Vec::new(),
        rows: 0,
        unmapped_columns: Vec::new(),
        problems: Vec::new(),
    };
    let total: usize = parts.iter().map(|p| p.observations.len()).sum();
    for part in parts {
        for region in part.regions {
            match index.get(&region.key) {
                Some(&i) if regions[i].name.is_empty() => regions[i].name = region.name,
                Some(_) => {}
                None => {
                    index.insert(region.key, regions.len());
                    regions.push(region);
                }
            }
        }
        out.paths.extend(part.paths);
        if out.observations.is_empty() {
            // Take the first part's vector rather than copying it.
            out.observations = part.observations;
            out.observations.reserve(total - out.observations.len());
        } else {
            out.observations.extend(part.observations);
        }
        out.rows += part.rows;
        for col in part.unmapped_columns {
            if !out.unmapped_columns.contains(&col) {
                out.unmapped_columns.push(col);
            }
        }
        out.problems.extend(part.problems);
    }
    out.id = dataset_id(source, &regions, suffix);
    out.regions = regions;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_the_gemeente_when_there_is_one() {
        let mut b = Builder::new(SourceTable::CbsKwb, Path::new("kwb.xlsx"));
        let y = Indeling::new(2024);
        b.region("BU03440111".parse().unwrap(), y, "Welgelegen");
        b.region("GM0344".parse().unwrap(), y, "");
        b.region("GM0344".parse().unwrap(), y, " Utrecht ");
        b.region("GM0344".parse().unwrap(), y, "Other");
        let d = b.finish("2024");
        assert_eq!(d.id, "cbs_kwb_utrecht_2024");
        assert_eq!(d.regions.len(), 2);
        assert_eq!(d.regions[1].name, "Utrecht");
        let mut b = Builder::new(SourceTable::Rivm50090, Path::new("r.xlsx"));
        b.region(RegionCode::Nederland, y, "Nederland");
        b.region("GM0034".parse().unwrap(), y, "Almere");
        b.region("GM0344".parse().unwrap(), y, "Utrecht");
        assert_eq!(b.finish("").id, "rivm_50090");
        assert_eq!(slug("'s-Gravenhage (gemeente)"), "s_gravenhage_gemeente");
    }
}
