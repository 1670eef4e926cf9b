//! CBS Kerncijfers wijken en buurten, the flat `kwb-YYYY.xlsx` download (one row per region,
//! columns named by CBS mnemonics such as `a_inw`).

use std::collections::HashSet;
use std::path::Path;

use buurt_core::{Catalogue, Indeling, MissingReason, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::builder::Builder;
use super::cell::{At, Cell};
use super::mapping::mappings;
use super::xlsx::{take_header, with_first_sheet};

/// The region code column (`GM0344`, `WK034401`, `BU03440111`).
const CODE: &str = "gwb_code_10";
/// The region name column.
const NAME: &str = "regio";
/// The level column (`Gemeente`, `Wijk`, `Buurt`), checked against the code.
const LEVEL: &str = "recs";

/// Load a kwb xlsx of peildatum 1 January `year`; the regions belong to indeling `year`.
///
/// Cells may be numbers or numbers stored as text; `.` is [`MissingReason::Suppressed`], an empty
/// cell [`MissingReason::Empty`]. Catalogue columns absent from the file are reported as problems.
///
/// ```no_run
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let kwb = buurt_io::tables::load_kwb_xlsx("kwb-2024.xlsx".as_ref(), 2024, &catalogue)?;
/// println!("{} regions, {} cells", kwb.regions.len(), kwb.observations.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_kwb_xlsx(
    path: &Path,
    year: u16,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let indeling = Indeling::new(year);
    let mapped = mappings(catalogue, SourceTable::CbsKwb, None);
    with_first_sheet(path, |range, first_row| {
        let mut rows = range.rows();
        let header = take_header(path, &mut rows);
        let code_col = header.require(CODE)?;
        let name_col = header.require(NAME)?;
        let level_col = header.require(LEVEL)?;
        let mut out = Builder::new(SourceTable::CbsKwb, path);
        let cols = out.value_columns(&header, &mapped);
        let mut used = vec![code_col, name_col, level_col];
        used.extend(cols.iter().map(|c| c.col));
        out.unmapped(&header, &used);
        let mut seen = HashSet::new();
        for (i, row) in rows.enumerate() {
            let at = At {
                path,
                row: first_row + 1 + i,
            };
            let cell = |c: usize| row.get(c).map_or(Cell::Empty, Cell::from);
            if row.iter().all(|c| Cell::from(c).text().is_empty()) {
                continue;
            }
            let code = at.code(CODE, &cell(code_col).text())?;
            at.check_level(LEVEL, &cell(level_col).text(), code)?;
            if !seen.insert(code) {
                return Err(at.invalid(format_args!("{code} appears a second time")));
            }
            out.region(code, indeling, &cell(name_col).text());
            out.rows += 1;
            out.observe_row(
                at,
                &header,
                &cols,
                cell,
                code,
                indeling,
                year,
                MissingReason::Empty,
            )?;
        }
        Ok(out.finish(&year.to_string()))
    })
}
