//! StatLine tables keyed by OData column names (`AantalInwoners_5`): the "TypedDataSet" CSV and
//! JSON downloads, and the stacked multi-year kwb export with `Peildatum` whose decimal points
//! were lost.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use buurt_core::{
    AgeGroup, Catalogue, Indeling, Level, MissingReason, RegionCode, SourceTable, Value,
};

use crate::dataset::{Observation, TableDataset};
use crate::error::IoError;

use super::builder::Builder;
use super::cell::{At, Cell, year_of};
use super::decimals::{
    DecimalRule, anchor_is_consistent, column_anchor, decode_stripped, unit_uses_anchor,
};
use super::delimited::{Delimited, field, row_number};
use super::header::Header;
use super::mapping::{Mapping, NOT_IN_FILE, Skipped, candidates, mappings};
use super::odata_json::JsonTable;
use super::repair::{CrossCheck, RepairStats};
use super::year_columns::{Rows, YearColumn, YearColumns};

/// The region key columns of StatLine tables (kwb, RIVM use `WijkenEnBuurten`; others `RegioS`).
const REGION_KEYS: [&str; 2] = ["WijkenEnBuurten", "RegioS"];

/// The year a table describes and the classification its region codes belong to, for tables
/// whose rows do not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Vintage {
    /// The year the values describe.
    pub year: u16,
    /// The classification of the region codes.
    pub indeling: Indeling,
}

impl Vintage {
    /// Values of `year` on the indeling of the same year (kwb, most CBS tables).
    ///
    /// ```
    /// let v = buurt_io::tables::Vintage::new(2024);
    /// assert_eq!(v.indeling, buurt_core::Indeling::new(2024));
    /// ```
    #[must_use]
    pub const fn new(year: u16) -> Self {
        Self {
            year,
            indeling: Indeling::new(year),
        }
    }
}

/// How a StatLine table is read; the public loaders fill this in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub table: SourceTable,
    pub vintage: Vintage,
    /// Restore decimal points the export dropped (stacked Almere kwb).
    pub repair_decimals: bool,
    /// Region keys that are not CBS regions (`GG` GGD regions) and are skipped.
    pub skip_prefixes: &'static [&'static str],
    /// Only catalogue indicators of this age group.
    pub age: Option<AgeGroup>,
    /// The rows carry `Peildatum` (`1-1-2018`), which gives year and indeling.
    pub peildatum: bool,
}

impl Options {
    fn plain(table: SourceTable, vintage: Vintage) -> Self {
        Self {
            table,
            vintage,
            repair_decimals: false,
            skip_prefixes: &[],
            age: None,
            peildatum: false,
        }
    }
}

/// Load a StatLine "TypedDataSet" CSV (`;`, UTF-8 with BOM, padded keys, empty field = missing
/// value, [`MissingReason::Empty`]).
///
/// The region key is `WijkenEnBuurten` or `RegioS`; a `Perioden` column (`2024JJ00`) gives each
/// row's year, otherwise `vintage.year` applies. Catalogue columns are matched by OData key
/// without its numeric suffix.
///
/// ```
/// use buurt_core::{Catalogue, SourceTable};
/// use buurt_io::tables::{Vintage, load_statline_csv};
/// let catalogue = Catalogue::from_toml_str(r#"
/// [[indicator]]
/// id = "inwoners"
/// label_nl = "Inwoners"
/// label_en = "Residents"
/// theme = "demografie"
/// unit = "count"
/// polarity = "neutral"
/// aggregation = "sum"
/// [[indicator.source]]
/// table = "cbs_kwb_statline"
/// column = "AantalInwoners"
/// "#)?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("typed.csv");
/// std::fs::write(&path, "\u{feff}ID;WijkenEnBuurten;AantalInwoners_5\n0;GM0344    ;374238\n1;BU03440111;\n")?;
/// let table = load_statline_csv(&path, SourceTable::CbsKwbStatline, Vintage::new(2024), &catalogue)?;
/// assert_eq!(table.observations[0].value, buurt_core::Value::Number(374238.0));
/// assert!(table.observations[1].value.missing().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_statline_csv(
    path: &Path,
    table: SourceTable,
    vintage: Vintage,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b';')?;
    load(
        path,
        Options::plain(table, vintage),
        catalogue,
        &file.header,
        &file,
    )
}

/// Load a StatLine OData JSON download (`{"value": [{"WijkenEnBuurten": "GM0344    ", …}]}`, as
/// the v3 `TypedDataSet` and v4 feeds return it). `null` is [`MissingReason::Empty`]. Row numbers
/// in errors count records from 1.
///
/// A `odata.nextLink` (more pages on the server) is reported as a problem: the file holds one
/// page only.
pub fn load_statline_json(
    path: &Path,
    table: SourceTable,
    vintage: Vintage,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let json = JsonTable::read(path)?;
    let mut out = load(
        path,
        Options::plain(table, vintage),
        catalogue,
        &json.header,
        &json,
    )?;
    if let Some(link) = json.next_link {
        out.problems.push(crate::dataset::Problem {
            location: path.display().to_string(),
            message: format!("the feed has more pages ({link}); only this page was read"),
        });
    }
    Ok(out)
}

/// Load the stacked multi-year kwb export (`CBS_Kerncijfers.csv` of Almere): StatLine columns of
/// several yearly tables side by side, `Peildatum` (`1-1-2018`) giving each row's year and
/// indeling. Each year fills its own OData keys (`_85` in 2018, `_92` in 2024); the loader takes,
/// per year, the one column of the catalogue's key that holds values.
///
/// The export lost the decimal point of one-decimal values; for catalogue sources with
/// `decimals`, values are decoded by the rules in [`super::decimals`] and values that stay
/// ambiguous become [`MissingReason::AmbiguousDecimal`]. Each column and year with such values
/// gets one problem line with the counts.
pub fn load_kwb_stacked_csv(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b';')?;
    let options = Options {
        repair_decimals: true,
        peildatum: true,
        ..Options::plain(SourceTable::CbsKwbStatline, Vintage::new(0))
    };
    load(path, options, catalogue, &file.header, &file)
}

impl Rows for Delimited {
    fn len(&self) -> usize {
        self.records.len()
    }

    fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        field(&self.records[row], col)
    }

    fn row_number(&self, row: usize) -> usize {
        row_number(&self.records[row])
    }
}

/// One data row's key.
#[derive(Debug, Clone, Copy)]
struct RowKey {
    row: usize,
    code: RegionCode,
    year: u16,
    indeling: Indeling,
}

/// The shared engine: region keys first, then per year the column of each catalogue key, then
/// the values.
pub(crate) fn load(
    path: &Path,
    options: Options,
    catalogue: &Catalogue,
    header: &Header,
    rows: &impl Rows,
) -> Result<TableDataset, IoError> {
    let mut out = Builder::new(options.table, path);
    let (keys, used) = read_keys(path, options, header, rows, &mut out)?;
    let mut by_year: BTreeMap<u16, Vec<usize>> = BTreeMap::new();
    for k in &keys {
        by_year.entry(k.year).or_default().push(k.row);
    }
    let mapped = mappings(catalogue, options.table, options.age);
    let mut columns = YearColumns::default();
    let mut used_cols: BTreeSet<usize> = used.into_iter().collect();
    let mut skipped = Skipped::default();
    for m in &mapped {
        if candidates(header, &m.source.column).is_empty() {
            skipped.add(NOT_IN_FILE, m);
        }
    }
    // Per mapping: the years in which several columns of its key hold values, and those columns.
    let mut ambiguous: BTreeMap<usize, (Vec<u16>, BTreeSet<usize>)> = BTreeMap::new();
    for (&year, year_rows) in &by_year {
        let year_keys: Vec<&RowKey> = keys.iter().filter(|k| k.year == year).collect();
        for (k, m) in mapped.iter().enumerate() {
            let col = match columns.get(header, rows, &m.source.column, year, year_rows) {
                YearColumn::One(col) => col,
                YearColumn::Absent => continue,
                // StatLine repeats some keys within one table (herkomst, energy per dwelling
                // type); the catalogue's `occurrence` says which of the filled columns, in
                // header order, is meant.
                YearColumn::Ambiguous(cols) => match m
                    .source
                    .occurrence
                    .and_then(|n| cols.get(usize::from(n).checked_sub(1)?))
                {
                    Some(&col) => col,
                    None => {
                        let entry = ambiguous.entry(k).or_default();
                        entry.0.push(year);
                        entry.1.extend(cols);
                        continue;
                    }
                },
            };
            used_cols.insert(col);
            let column = Column {
                mapping: m,
                col,
                year,
                year_rows,
            };
            read_column(
                path,
                options,
                catalogue,
                header,
                rows,
                &mut columns,
                &column,
                &year_keys,
                &mut out,
            )?;
        }
    }
    for (k, (years, cols)) in ambiguous {
        let years: Vec<String> = years.iter().map(u16::to_string).collect();
        let cols: Vec<&str> = cols.iter().map(|&c| header.name(c)).collect();
        skipped.add_detail(
            "in some years several columns with this key hold values",
            &mapped[k],
            &format!("{}: {}", years.join(", "), cols.join(", ")),
        );
    }
    out.report_skipped(skipped);
    out.unmapped(header, &used_cols.into_iter().collect::<Vec<_>>());
    let years: Vec<String> = by_year.keys().map(u16::to_string).collect();
    let suffix = match years.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] => format!("{first}_{last}"),
    };
    Ok(out.finish(&suffix))
}

/// Pass 1: the region, year and indeling of every row; regions recorded, duplicates refused.
/// Returns the keys and the columns used for them.
fn read_keys(
    path: &Path,
    options: Options,
    header: &Header,
    rows: &impl Rows,
    out: &mut Builder,
) -> Result<(Vec<RowKey>, Vec<usize>), IoError> {
    let code_col = header.require_any(&REGION_KEYS)?;
    let name_col = header.find_stem("Gemeentenaam");
    let level_col = header.find_stem("SoortRegio");
    let period_col = header.find("Perioden");
    let peildatum_col = if options.peildatum {
        Some(header.require("Peildatum")?)
    } else {
        None
    };
    let mut keys = Vec::with_capacity(rows.len());
    let mut seen = HashSet::new();
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for row in 0..rows.len() {
        let at = At {
            path,
            row: rows.row_number(row),
        };
        let code_text = rows.cell(row, code_col).text().into_owned();
        if let Some(prefix) = options
            .skip_prefixes
            .iter()
            .find(|p| code_text.starts_with(**p))
        {
            *skipped.entry(prefix).or_insert(0) += 1;
            continue;
        }
        let code = at.code(header.name(code_col), &code_text)?;
        let (year, indeling) = if let Some(c) = peildatum_col {
            let text = rows.cell(row, c).text().into_owned();
            let year = year_of(&text).ok_or_else(|| at.bad_value(header.name(c), &text))?;
            (year, Indeling::new(year))
        } else if let Some(c) = period_col {
            let text = rows.cell(row, c).text().into_owned();
            let year = year_of(&text).ok_or_else(|| at.bad_value(header.name(c), &text))?;
            (year, options.vintage.indeling)
        } else {
            (options.vintage.year, options.vintage.indeling)
        };
        if let Some(c) = level_col {
            at.check_level(header.name(c), &rows.cell(row, c).text(), code)?;
        }
        if !seen.insert((code, year)) {
            return Err(at.invalid(format_args!("{code} appears a second time for {year}")));
        }
        let name = match (code.level(), name_col) {
            (Level::Land | Level::Gemeente, Some(c)) => rows.cell(row, c).text().into_owned(),
            _ => String::new(),
        };
        out.region(code, indeling, &name);
        out.rows += 1;
        keys.push(RowKey {
            row,
            code,
            year,
            indeling,
        });
    }
    if !skipped.is_empty() {
        let list: Vec<String> = skipped
            .iter()
            .map(|(p, n)| format!("{n} with key {p}…"))
            .collect();
        out.problem_at(
            format!("column '{}'", header.name(code_col)),
            format!("skipped rows that are not CBS regions: {}", list.join(", ")),
        );
    }
    let mut used = vec![code_col];
    used.extend(name_col);
    used.extend(level_col);
    used.extend(period_col);
    used.extend(peildatum_col);
    used.extend(header.find("ID"));
    Ok((keys, used))
}

/// One catalogue indicator's column in one year.
struct Column<'a, 'c> {
    mapping: &'a Mapping<'c>,
    col: usize,
    year: u16,
    year_rows: &'a [usize],
}

/// Pass 2 for one column and year: the values, decimal points restored where asked.
#[allow(clippy::too_many_arguments)]
fn read_column(
    path: &Path,
    options: Options,
    catalogue: &Catalogue,
    header: &Header,
    rows: &impl Rows,
    columns: &mut YearColumns,
    column: &Column<'_, '_>,
    keys: &[&RowKey],
    out: &mut Builder,
) -> Result<(), IoError> {
    let m = column.mapping;
    let name = header.name(column.col);
    let decimals = if options.repair_decimals {
        m.source.decimals.unwrap_or(0)
    } else {
        0
    };
    let check = (decimals > 0)
        .then(|| CrossCheck::for_mapping(m, catalogue, options.table))
        .flatten();
    let anchor = if decimals > 0 && unit_uses_anchor(m.info.unit) {
        column_anchor(
            column
                .year_rows
                .iter()
                .filter_map(|&r| stripped(&rows.cell(r, column.col).text())),
            decimals,
        )
    } else {
        None
    };
    let mut values = Vec::with_capacity(keys.len());
    let mut decodings = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let at = At {
            path,
            row: rows.row_number(key.row),
        };
        let cell = rows.cell(key.row, column.col);
        values.push(at.value(name, &cell, MissingReason::Empty)?);
        if let Some(raw) = stripped(&cell.text()).filter(|_| decimals > 0) {
            let checked = check.as_ref().and_then(|c| {
                c.evaluate(
                    header,
                    rows,
                    columns,
                    column.year,
                    column.year_rows,
                    key.row,
                )
            });
            decodings.push((
                i,
                raw,
                decode_stripped(raw, decimals, m.info.unit, checked, anchor),
            ));
        }
    }
    // The median rule's premise is judged on the whole column, as if no cross-check existed:
    // the rows without one are not a fair sample (small buurten).
    let anchor_ok = anchor_is_consistent(decodings.iter().filter_map(|(_, raw, _)| {
        match decode_stripped(*raw, decimals, m.info.unit, None, anchor) {
            // Candidates are raw / 10^j: read as written is the only one above half the raw value.
            Some((v, DecimalRule::Anchor)) => Some(2.0 * v.abs() > raw.abs()),
            _ => None,
        }
    }));
    let mut stats = RepairStats::default();
    if !anchor_ok {
        stats.note("the column spreads too widely for the median rule, so it was not used");
    }
    for (i, raw, decoded) in decodings {
        values[i] = if let Some((v, rule)) =
            decoded.filter(|(_, rule)| anchor_ok || *rule != DecimalRule::Anchor)
        {
            stats.decoded(rule);
            Value::Number(v)
        } else {
            stats.ambiguous(|| format!("{} raw {raw}", keys[i].code));
            Value::Missing(MissingReason::AmbiguousDecimal)
        };
    }
    for (key, value) in keys.iter().zip(values) {
        out.observations.push(Observation {
            region: key.code,
            indeling: key.indeling,
            year: key.year,
            indicator: m.indicator,
            age_group: m.info.age_group,
            value,
        });
    }
    if decimals > 0 && stats.total() > 0 {
        tracing::debug!(
            column = name,
            year = column.year,
            ambiguous = stats.ambiguous_count(),
            "decimal points restored"
        );
        out.problem_at(
            format!("column '{name}', {}", column.year),
            stats.message(decimals),
        );
    }
    Ok(())
}

/// The number in a cell written as a bare integer (`96`, `-3`), the form the stripped export
/// uses; `None` for decimals, markers and blanks.
fn stripped(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}
