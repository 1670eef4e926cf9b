//! The first worksheet of an xlsx workbook, with shared strings borrowed rather than copied
//! (the RIVM sheets hold 750 000 string cells each).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{DataRef, Range, Reader, ReaderRef, Xlsx};

use crate::error::IoError;

use super::cell::Cell;
use super::header::Header;

/// Open `path` and hand its first worksheet to `f`.
///
/// The range's first row is the header. `first_row` passed to `f` is the 1-based sheet row of
/// that header, so data row `i` (0-based, after the header) is sheet row `first_row + 1 + i`.
pub(crate) fn with_first_sheet<T>(
    path: &Path,
    f: impl FnOnce(&Range<DataRef<'_>>, usize) -> Result<T, IoError>,
) -> Result<T, IoError> {
    let file = File::open(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let xlsx_error = |source| IoError::Xlsx {
        path: path.to_path_buf(),
        source,
    };
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(xlsx_error)?;
    let range = workbook
        .worksheet_range_at_ref(0)
        .ok_or_else(|| IoError::EmptyWorkbook {
            path: path.to_path_buf(),
            problem: "the workbook has no worksheet",
        })?
        .map_err(xlsx_error)?;
    if range.is_empty() {
        return Err(IoError::EmptyWorkbook {
            path: path.to_path_buf(),
            problem: "the first worksheet is empty",
        });
    }
    let first_row = range.start().map_or(1, |(r, _)| r as usize + 1);
    f(&range, first_row)
}

/// Take the header row off a sheet's `rows` (an empty header for an empty sheet).
pub(crate) fn take_header(path: &Path, rows: &mut calamine::Rows<'_, DataRef<'_>>) -> Header {
    let cells = rows.next().unwrap_or_default();
    Header::new(
        path,
        cells.iter().map(|c| Cell::from(c).text().into_owned()),
    )
}
