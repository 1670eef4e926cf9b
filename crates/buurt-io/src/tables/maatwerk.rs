//! CBS maatwerk tables for all gemeenten and wijken, as exported by hand from CBS's xlsx to CSV:
//! *Inkomen per gemeente en wijk, 2020* and *Autobezit per huishouden, 1 januari 2023*, both on
//! the gemeentelijke indeling 2023.
//!
//! The files carry title lines, multi-line column headings and a `Bron:` footer around the data,
//! `;` separators, decimal commas, `.` for secret values and space-padded codes. The loader finds
//! the heading row by its first cell, reads the rows that carry a region code, and names the
//! value columns itself (the headings are spread over several lines): the catalogue maps
//! `cbs_maatwerk` columns `inkomen_per_inwoner`, `huishoudens_laagste_40`,
//! `huishoudens_hoogste_20` and `personenautos_per_huishouden`.

use std::path::Path;

use buurt_core::{Catalogue, Indeling, RegionCode, SourceTable};
use csv::StringRecord;

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::builder::merge;
use super::delimited::Delimited;
use super::header::Header;
use super::keyed::{KeyedSpec, RegionBy, YearFrom, load_keyed};

/// The indeling of both maatwerk tables.
pub const MAATWERK_INDELING: u16 = 2023;

/// The year of the income figures.
pub const MAATWERK_INKOMEN_YEAR: u16 = 2020;

/// The year of the car counts (1 January).
pub const MAATWERK_AUTOBEZIT_YEAR: u16 = 2023;

/// Which maatwerk table a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaatwerkTable {
    /// `kvk2020-wb2023.csv`: Nederland, gemeenten (`Totaal` in the wijk column) and wijken.
    Inkomen,
    /// `gem-autobezit-huishouden_2023_wijk.csv`: one wijk per row.
    AutobezitWijk,
    /// `gem-autobezit-huishouden_2023_gem.csv`: one gemeente per row.
    AutobezitGemeente,
}

impl MaatwerkTable {
    /// The first cell of the heading row.
    fn heading(self) -> &'static str {
        match self {
            MaatwerkTable::Inkomen => "Gemeentecode",
            MaatwerkTable::AutobezitWijk => "Wijknaam",
            MaatwerkTable::AutobezitGemeente => "Gemeentenaam",
        }
    }

    /// buurt's names for the columns the rows are rewritten to (`code`, `naam`, values).
    fn columns(self) -> &'static [&'static str] {
        match self {
            MaatwerkTable::Inkomen => &[
                "code",
                "naam",
                "inkomen_per_inwoner",
                "huishoudens_laagste_40",
                "huishoudens_hoogste_20",
            ],
            MaatwerkTable::AutobezitWijk | MaatwerkTable::AutobezitGemeente => {
                &["code", "naam", "personenautos_per_huishouden"]
            }
        }
    }

    fn year(self) -> u16 {
        match self {
            MaatwerkTable::Inkomen => MAATWERK_INKOMEN_YEAR,
            MaatwerkTable::AutobezitWijk | MaatwerkTable::AutobezitGemeente => {
                MAATWERK_AUTOBEZIT_YEAR
            }
        }
    }

    /// A data row as `[code, name, values…]`, or `None` for rows without a region (units,
    /// blank lines).
    fn region_row(self, r: &StringRecord) -> Option<Vec<String>> {
        let f = |i: usize| r.get(i).map_or("", str::trim);
        let is_code = |t: &str| t.parse::<RegionCode>().is_ok();
        let (code, name, values) = match self {
            MaatwerkTable::Inkomen => {
                let code = if f(0) == "Nederland" {
                    "NL01"
                } else if f(1) == "Totaal" && is_code(f(0)) {
                    f(0)
                } else if f(0).is_empty() && is_code(f(1)) {
                    f(1)
                } else {
                    return None;
                };
                let name = if code == "NL01" { "Nederland" } else { f(2) };
                (code, name, 3..6)
            }
            MaatwerkTable::AutobezitWijk => (f(1), f(0), 4..5),
            MaatwerkTable::AutobezitGemeente => (f(1), f(0), 2..3),
        };
        if !is_code(code) {
            return None;
        }
        let mut out = vec![code.to_owned(), name.to_owned()];
        out.extend(values.map(|i| f(i).to_owned()));
        Some(out)
    }
}

/// Load maatwerk files into one dataset (`files` pairs each path with its table). A file whose
/// heading row is missing, or that holds no region rows, is an error naming the file; a row
/// after the heading with text but no region code is an error naming its line.
///
/// ```
/// use buurt_io::tables::{MaatwerkTable, load_maatwerk_csv};
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("autobezit_gem.csv");
/// std::fs::write(&path, "\u{feff}Tabel 1. Autobezit;;\n;;\nGemeentenaam;Gemeentecode;Personenauto's per huishouden (afgerond)\nAmersfoort;GM0307  ;0,9\nVlieland;GM0096;.\n;;\nBron: CBS/RDW;;\n")?;
/// let table = load_maatwerk_csv(&[(path.as_path(), MaatwerkTable::AutobezitGemeente)], &catalogue)?;
/// assert_eq!(table.regions.len(), 2);
/// assert_eq!(table.observations[0].value, buurt_core::Value::Number(0.9));
/// assert!(table.observations[1].value.missing().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_maatwerk_csv(
    files: &[(&Path, MaatwerkTable)],
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let mut parts = Vec::with_capacity(files.len());
    for &(path, table) in files {
        let file = read_rows(path, table)?;
        let spec = KeyedSpec {
            table: SourceTable::CbsMaatwerk,
            region: RegionBy::Code {
                code: "code",
                name: Some("naam"),
                level: None,
            },
            year: YearFrom::Fixed(table.year()),
            indeling: Some(Indeling::new(MAATWERK_INDELING)),
            columns: Some(&table.columns()[2..]),
        };
        parts.push(load_keyed(path, &file, spec, catalogue)?);
    }
    Ok(merge(SourceTable::CbsMaatwerk, "", parts))
}

/// The region rows of a maatwerk file, rewritten to [`MaatwerkTable::columns`], each keeping
/// its line number.
fn read_rows(path: &Path, table: MaatwerkTable) -> Result<Delimited, IoError> {
    let bytes = std::fs::read(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let invalid = |message: String| IoError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let mut in_data = false;
    let mut records = Vec::new();
    for result in reader.records() {
        let record =
            result.map_err(|e| invalid(format!("not readable as `;`-separated text: {e}")))?;
        let line = record.position().map_or(0, csv::Position::line);
        let first = record.get(0).map_or("", str::trim);
        if !in_data {
            in_data = first == table.heading();
            // The income table states its classification above the data; refuse another one.
            if table == MaatwerkTable::Inkomen
                && first.starts_with("Gemeentelijke indeling van")
                && !first.ends_with(&MAATWERK_INDELING.to_string())
            {
                return Err(invalid(format!(
                    "line {line}: '{first}', but buurt reads this table on the indeling {MAATWERK_INDELING}"
                )));
            }
            continue;
        }
        if first.starts_with("Bron:") {
            break;
        }
        if let Some(fields) = table.region_row(&record) {
            let mut rewritten = StringRecord::from(fields);
            rewritten.set_position(record.position().cloned());
            records.push(rewritten);
        } else if record.iter().skip(2).any(|f| !f.trim().is_empty())
            && record.iter().take(2).any(|f| !f.trim().is_empty())
        {
            return Err(invalid(format!(
                "line {line}: a row with values but no region code: '{}'",
                record.iter().collect::<Vec<_>>().join(";")
            )));
        }
    }
    if !in_data {
        return Err(invalid(format!(
            "no heading row starting with '{}': not the CBS maatwerk table buurt expects",
            table.heading()
        )));
    }
    if records.is_empty() {
        return Err(invalid(
            "no rows with a region code after the heading".into(),
        ));
    }
    Ok(Delimited {
        header: Header::new(path, table.columns().iter().copied()),
        records,
    })
}
