//! Which column holds a key in a given year. A stacked export is the union of the OData keys of
//! several yearly tables (`PercentageJongerenMetJeugdzorg_85` in 2018, `_92` in 2024); each
//! year's rows fill only that year's column.

use std::collections::HashMap;

use super::cell::Cell;
use super::mapping::candidates;

/// Rows grouped by year, with a column table that can be asked for any key.
pub(crate) trait Rows {
    /// Number of data rows.
    fn len(&self) -> usize;
    /// The cell at data row `row`, column `col`.
    fn cell(&self, row: usize, col: usize) -> Cell<'_>;
    /// The 1-based row (or record) number for messages.
    fn row_number(&self, row: usize) -> usize;
}

/// The answer to "which column holds `key` in `year`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum YearColumn {
    /// The one column.
    One(usize),
    /// No column of that name.
    Absent,
    /// Several candidate columns hold values in that year.
    Ambiguous(Vec<usize>),
}

/// Column choice per key and year, cached.
#[derive(Debug, Default)]
pub(crate) struct YearColumns {
    cache: HashMap<(String, u16), YearColumn>,
}

impl YearColumns {
    /// The column of `key` in `year`, whose rows are `year_rows`. A key with one candidate is
    /// that column; with several, the one candidate that holds any value in the year (the first
    /// candidate if none does: its cells are all empty anyway).
    pub(crate) fn get(
        &mut self,
        header: &super::header::Header,
        rows: &impl Rows,
        key: &str,
        year: u16,
        year_rows: &[usize],
    ) -> YearColumn {
        if let Some(hit) = self.cache.get(&(key.to_owned(), year)) {
            return hit.clone();
        }
        let found = match candidates(header, key).as_slice() {
            [] => YearColumn::Absent,
            [one] => YearColumn::One(*one),
            many => {
                let filled: Vec<usize> = many
                    .iter()
                    .copied()
                    .filter(|&c| {
                        year_rows
                            .iter()
                            .any(|&r| !rows.cell(r, c).text().is_empty())
                    })
                    .collect();
                match filled.as_slice() {
                    [] => YearColumn::One(many[0]),
                    [one] => YearColumn::One(*one),
                    _ => YearColumn::Ambiguous(filled),
                }
            }
        };
        self.cache.insert((key.to_owned(), year), found.clone());
        found
    }
}
