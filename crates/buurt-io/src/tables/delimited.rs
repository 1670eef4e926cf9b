//! Delimited text files (StatLine CSV with `;`, excerpts with `,`): header and records in memory.
//! The files read here are at most a few megabytes.

use std::borrow::Cow;
use std::path::Path;

use crate::error::IoError;

use super::cell::Cell;
use super::header::Header;

/// A delimited file: its header and its records.
#[derive(Debug)]
pub(crate) struct Delimited {
    /// The header (first record), trimmed, without byte-order mark.
    pub header: Header,
    /// The data records.
    pub records: Vec<csv::StringRecord>,
}

impl Delimited {
    /// Read `path` with `delimiter`. A record with another number of fields than the header, or
    /// one that is not valid UTF-8, is an error naming its line; blank lines are skipped.
    pub(crate) fn read(path: &Path, delimiter: u8) -> Result<Self, IoError> {
        let bytes = std::fs::read(path).map_err(|source| IoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = Vec::new();
        let mut header = None;
        for result in reader.records() {
            let record = result.map_err(|e| csv_error(path, e))?;
            let Some(head) = &header else {
                header = Some(Header::new(path, record.iter()));
                continue;
            };
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            // A short or long record is a cut-off file or a delimiter inside a value: refuse it
            // rather than read the wrong columns.
            if record.len() != head.names().len() {
                return Err(IoError::RaggedRecord {
                    path: path.to_path_buf(),
                    line: record.position().map_or(0, csv::Position::line),
                    fields: record.len(),
                    expected: head.names().len(),
                    delimiter: char::from(delimiter),
                });
            }
            records.push(record);
        }
        let header = header.ok_or_else(|| IoError::Invalid {
            path: path.to_path_buf(),
            message: "the file is empty (no header row)".into(),
        })?;
        Ok(Self { header, records })
    }
}

/// The 1-based line a record starts on (the header is line 1).
pub(crate) fn row_number(record: &csv::StringRecord) -> usize {
    record.position().map_or(0, |p| p.line() as usize)
}

/// A cell of a record (empty when the record is short).
pub(crate) fn field(record: &csv::StringRecord, col: usize) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(record.get(col).unwrap_or("")))
}

fn csv_error(path: &Path, source: csv::Error) -> IoError {
    IoError::Csv {
        path: path.to_path_buf(),
        line: source.position().map_or(0, csv::Position::line),
        source,
    }
}
