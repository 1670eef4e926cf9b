//! Small delimited tables with one region per row or several (long format): a catalogue source
//! reads `column` from the rows whose other columns equal its `filter`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use buurt_core::{Catalogue, GemeenteCode, Indeling, MissingReason, RegionCode, SourceTable};

use crate::dataset::{Observation, TableDataset};
use crate::error::IoError;

use super::builder::Builder;
use super::cell::{At, year_of};
use super::delimited::{Delimited, field, row_number};
use super::gemeente_names::GemeenteNames;
use super::header::Header;
use super::mapping::{Mapping, NOT_IN_FILE, Skipped, candidates, mappings};

/// How a row names its region.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RegionBy<'a> {
    /// A code column, with optional name and level columns.
    Code {
        code: &'a str,
        name: Option<&'a str>,
        level: Option<&'a str>,
    },
    /// A gemeente name column, resolved through a name index (with source-specific aliases).
    GemeenteName {
        name: &'a str,
        names: &'a GemeenteNames,
        aliases: &'a [(&'a str, &'a str)],
    },
}

/// Where the year comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum YearFrom<'a> {
    /// The same for every row.
    Fixed(u16),
    /// A column (`2024`, `2024JJ00`).
    Column(&'a str),
}

/// How a keyed table is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyedSpec<'a> {
    pub table: SourceTable,
    pub region: RegionBy<'a>,
    pub year: YearFrom<'a>,
    /// The classification; `None` means the year's own.
    pub indeling: Option<Indeling>,
    /// Only catalogue sources of these columns (for a source table spread over files with
    /// different columns, so each file reports only its own missing columns); `None` for all.
    pub columns: Option<&'a [&'a str]>,
}

/// A catalogue source resolved to columns of this file.
struct Resolved<'c> {
    mapping: Mapping<'c>,
    col: usize,
    filter: Vec<(usize, &'c str)>,
}

/// One data row's region and year.
struct RowKey {
    row: usize,
    code: RegionCode,
    year: u16,
    indeling: Indeling,
}

/// Load `file` by `spec`.
pub(crate) fn load_keyed(
    path: &Path,
    file: &Delimited,
    spec: KeyedSpec<'_>,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let header = &file.header;
    let mut out = Builder::new(spec.table, path);
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let region_cols = RegionCols::resolve(header, spec.region)?;
    used.extend(region_cols.all());
    let year_col = match spec.year {
        YearFrom::Fixed(_) => None,
        YearFrom::Column(c) => Some(header.require(c)?),
    };
    used.extend(year_col);
    let keys = read_keys(path, file, spec, &region_cols, year_col, &mut out)?;
    // A long table has several rows per region and year: only filtered sources apply to it.
    let mut per_region: HashMap<(RegionCode, u16), usize> = HashMap::new();
    for k in &keys {
        *per_region.entry((k.code, k.year)).or_insert(0) += 1;
    }
    let long = per_region.values().any(|&n| n > 1);
    let mut mapped = mappings(catalogue, spec.table, None);
    if let Some(columns) = spec.columns {
        mapped.retain(|m| columns.contains(&m.source.column.as_str()));
    }
    let resolved = resolve(header, &mapped, long, &mut out);
    for r in &resolved {
        used.insert(r.col);
        used.extend(r.filter.iter().map(|(c, _)| *c));
    }
    out.unmapped(header, &used.into_iter().collect::<Vec<_>>());
    let mut seen: HashMap<(RegionCode, u16, u16), usize> = HashMap::new();
    for k in &keys {
        let record = &file.records[k.row];
        let at = At {
            path,
            row: row_number(record),
        };
        for r in &resolved {
            if !r
                .filter
                .iter()
                .all(|(c, want)| field(record, *c).text() == *want)
            {
                continue;
            }
            if let Some(first) = seen.insert((k.code, k.year, r.mapping.indicator), at.row) {
                return Err(at.invalid(format_args!(
                    "{} {} has a second value for indicator {} (first in row {first})",
                    k.code, k.year, r.mapping.info.id
                )));
            }
            let value = at.value(
                header.name(r.col),
                &field(record, r.col),
                MissingReason::Empty,
            )?;
            out.observations.push(Observation {
                region: k.code,
                indeling: k.indeling,
                year: k.year,
                indicator: r.mapping.indicator,
                age_group: r.mapping.info.age_group,
                value,
            });
        }
    }
    let suffix = match spec.year {
        YearFrom::Fixed(y) => y.to_string(),
        YearFrom::Column(_) => String::new(),
    };
    Ok(out.finish(&suffix))
}

/// Pass 1: every row's region and year; regions recorded, unresolved gemeente names reported
/// once each.
fn read_keys(
    path: &Path,
    file: &Delimited,
    spec: KeyedSpec<'_>,
    region_cols: &RegionCols,
    year_col: Option<usize>,
    out: &mut Builder,
) -> Result<Vec<RowKey>, IoError> {
    let header = &file.header;
    let mut keys = Vec::with_capacity(file.records.len());
    let mut unresolved: Vec<(usize, String)> = Vec::new();
    for (row, record) in file.records.iter().enumerate() {
        let at = At {
            path,
            row: row_number(record),
        };
        let Some((code, name)) = region_cols.region(at, header, record, spec.region)? else {
            let name = field(record, region_cols.name.unwrap_or(0))
                .text()
                .into_owned();
            if !unresolved.iter().any(|(_, n)| *n == name) {
                unresolved.push((at.row, name));
            }
            continue;
        };
        let year = match (year_col, spec.year) {
            (Some(c), _) => {
                let text = field(record, c).text().into_owned();
                year_of(&text).ok_or_else(|| at.bad_value(header.name(c), &text))?
            }
            (None, YearFrom::Fixed(y)) => y,
            // A year column was required by the caller.
            (None, YearFrom::Column(c)) => return Err(header.missing(c)),
        };
        let indeling = spec.indeling.unwrap_or(Indeling::new(year));
        out.region(code, indeling, &name);
        out.rows += 1;
        keys.push(RowKey {
            row,
            code,
            year,
            indeling,
        });
    }
    for (row, name) in unresolved {
        out.problem_at(
            format!("row {row}"),
            format!(
                "gemeente name '{name}' matches no gemeente in the name list; its rows are skipped"
            ),
        );
    }
    Ok(keys)
}

/// Resolve every catalogue source: its value column and its filter columns. Sources the file
/// cannot serve are reported (one problem per reason) and left out; in a long table that
/// includes sources without a filter, which would read every row of a region.
fn resolve<'c>(
    header: &Header,
    mapped: &[Mapping<'c>],
    long: bool,
    out: &mut Builder,
) -> Vec<Resolved<'c>> {
    let mut resolved = Vec::new();
    let mut skipped = Skipped::default();
    'mapping: for m in mapped {
        let col = match candidates(header, &m.source.column).as_slice() {
            [col] => *col,
            [] => {
                skipped.add(NOT_IN_FILE, m);
                continue;
            }
            _ => {
                skipped.add("the name matches several columns", m);
                continue;
            }
        };
        if long && m.source.filter.is_empty() {
            skipped.add("no filter, but the file has several rows per region", m);
            continue;
        }
        let mut filter = Vec::new();
        for (column, want) in &m.source.filter {
            let Some(c) = header.find(column) else {
                skipped.add_detail("a filter column is not in the file", m, column);
                continue 'mapping;
            };
            filter.push((c, want.as_str()));
        }
        resolved.push(Resolved {
            mapping: *m,
            col,
            filter,
        });
    }
    out.report_skipped(skipped);
    resolved
}

/// The region columns found in the header.
struct RegionCols {
    code: Option<usize>,
    name: Option<usize>,
    level: Option<usize>,
}

impl RegionCols {
    fn resolve(header: &Header, by: RegionBy<'_>) -> Result<Self, IoError> {
        Ok(match by {
            RegionBy::Code { code, name, level } => Self {
                code: Some(header.require(code)?),
                name: name.map(|n| header.require(n)).transpose()?,
                level: level.map(|n| header.require(n)).transpose()?,
            },
            RegionBy::GemeenteName { name, .. } => Self {
                code: None,
                name: Some(header.require(name)?),
                level: None,
            },
        })
    }

    fn all(&self) -> impl Iterator<Item = usize> {
        [self.code, self.name, self.level].into_iter().flatten()
    }

    /// The row's region and name; `None` when a gemeente name does not resolve.
    fn region(
        &self,
        at: At<'_>,
        header: &Header,
        record: &csv::StringRecord,
        by: RegionBy<'_>,
    ) -> Result<Option<(RegionCode, String)>, IoError> {
        let name = self
            .name
            .map(|c| field(record, c).text().into_owned())
            .unwrap_or_default();
        match by {
            RegionBy::Code { .. } => {
                let c = self.code.unwrap_or_default();
                let code = at.code(header.name(c), &field(record, c).text())?;
                if let Some(l) = self.level {
                    at.check_level(header.name(l), &field(record, l).text(), code)?;
                }
                Ok(Some((code, name)))
            }
            RegionBy::GemeenteName { names, aliases, .. } => {
                let found: Option<GemeenteCode> = names.get(&name).or_else(|| {
                    let key = super::gemeente_names::gemeente_name_key(&name);
                    aliases
                        .iter()
                        .find(|(alias, _)| super::gemeente_names::gemeente_name_key(alias) == key)
                        .and_then(|(_, target)| names.get(target))
                });
                Ok(found.map(|gm| (RegionCode::Gemeente(gm), name)))
            }
        }
    }
}
