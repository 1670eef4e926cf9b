//! The errors of buurt-io. Every variant names the file and, where it applies, the row, column or
//! region code, so a user can find the problem in the source.

use std::path::PathBuf;

use buurt_core::CodeError;

/// A dataset could not be read or failed validation.
#[derive(Debug, thiserror::Error)]
pub enum IoError {
    /// The data directory does not exist or lacks the expected folders.
    #[error("data directory {path}: {problem}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What is wrong, in one sentence.
        problem: String,
    },
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The workbook is not a readable xlsx (truncated, not a zip, no sheet).
    #[error("{path}: not a readable xlsx workbook: {message}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// What calamine reported.
        message: String,
    },
    /// A CSV record could not be parsed.
    #[error("{path}, line {line}: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A required column is absent from the header.
    #[error("{path}: missing column '{column}' (header has: {found})")]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column that was expected.
        column: String,
        /// The header as found (shortened), which helps spot a wrong delimiter.
        found: String,
    },
    /// A region code cell is not a CBS code.
    #[error("{path}, row {row}, column '{column}': {source}")]
    BadCode {
        /// The file.
        path: PathBuf,
        /// 1-based row (the header is row 1).
        row: usize,
        /// The column.
        column: String,
        /// Why the code was rejected.
        #[source]
        source: CodeError,
    },
    /// A value cell is neither a number nor a known missing marker.
    #[error(
        "{path}, row {row}, column '{column}': '{text}' is not a number or a CBS missing marker"
    )]
    BadValue {
        /// The file.
        path: PathBuf,
        /// 1-based row (the header is row 1).
        row: usize,
        /// The column.
        column: String,
        /// The cell text.
        text: String,
    },
    /// JSON (GeoJSON, OData) that does not match what was expected.
    #[error("{path}: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the feature or record where known.
        message: String,
    },
    /// A geometry that is invalid and could not be repaired.
    #[error("{path}: geometry of {code}: {problem}")]
    Geometry {
        /// The file.
        path: PathBuf,
        /// The region code of the feature.
        code: String,
        /// What is wrong.
        problem: String,
    },
    /// A GeoPackage that cannot be read.
    #[error("{path}: GeoPackage: {message}")]
    GeoPackage {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Other structural problems in a file (duplicate rows, inconsistent levels).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, naming row and code.
        message: String,
    },
}

/// Result alias for buurt-io.
pub type Result<T, E = IoError> = std::result::Result<T, E>;
