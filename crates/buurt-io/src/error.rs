//! The errors of buurt-io. Every variant names the file and, where it applies, the row, column or
//! region code, so a user can find the problem in the source.

use std::path::PathBuf;

use buurt_core::CodeError;

/// A dataset could not be read or failed validation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// A file could not be written (a manifest, a fetched file).
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The workbook is not a readable xlsx (truncated, not a zip).
    #[error("{path}: not a readable xlsx workbook: {source}")]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// What calamine reported.
        #[source]
        source: calamine::XlsxError,
    },
    /// The workbook opens but has no worksheet, or an empty first one.
    #[error("{path}: not a readable xlsx workbook: {problem}")]
    EmptyWorkbook {
        /// The file.
        path: PathBuf,
        /// What is missing.
        problem: &'static str,
    },
    /// A CSV record could not be parsed.
    #[error("{path}, line {line}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: u64,
        /// What the CSV reader reported.
        #[source]
        source: csv::Error,
    },
    /// A CSV record with another number of fields than the header: a cut-off file, or the
    /// delimiter inside an unquoted value.
    #[error(
        "{path}, line {line}: {fields} fields where the header has {expected} (a cut-off file, or a '{delimiter}' inside an unquoted value?)"
    )]
    RaggedRecord {
        /// The file.
        path: PathBuf,
        /// 1-based line in the file.
        line: u64,
        /// Fields in the record.
        fields: usize,
        /// Fields in the header.
        expected: usize,
        /// The delimiter the file is read with.
        delimiter: char,
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
    /// A file that is not JSON at all (truncated, not text).
    #[error("{path}: not valid JSON: {source}")]
    JsonSyntax {
        /// The file.
        path: PathBuf,
        /// What the JSON parser reported.
        #[source]
        source: serde_json::Error,
    },
    /// A file that is not GeoJSON (not JSON, or JSON of another shape).
    #[error("{path}: not valid GeoJSON: {source}")]
    GeoJsonSyntax {
        /// The file.
        path: PathBuf,
        /// What the GeoJSON parser reported.
        #[source]
        source: geojson::Error,
    },
    /// A GeoJSON feature whose region code property is not a CBS code.
    #[error("{path}: feature {feature}: property {property}: {source}")]
    FeatureCode {
        /// The file.
        path: PathBuf,
        /// 0-based index of the feature in the collection.
        feature: usize,
        /// The property, quoted, with the local code where it was completed (`'KODE' 0111`).
        property: String,
        /// Why the code was rejected.
        #[source]
        source: CodeError,
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
    /// SQLite failed on a GeoPackage (also: the file is not SQLite, or has no GeoPackage tables).
    #[error("{path}: GeoPackage: {}", sqlite_problem(.doing, .source))]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What was being done (`listing layers`, `reading layer buurten`).
        doing: String,
        /// What SQLite reported.
        #[source]
        source: rusqlite::Error,
    },
    /// A GeoPackage row whose region code is not a CBS code.
    #[error("{path}: GeoPackage: layer {layer}, row {row}: column {column}: {source}")]
    GeoPackageCode {
        /// The file.
        path: PathBuf,
        /// The feature table.
        layer: String,
        /// 1-based row in the layer.
        row: usize,
        /// The code column.
        column: String,
        /// Why the code was rejected.
        #[source]
        source: CodeError,
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

/// SQLite's message, or what it means for a GeoPackage when the file is not one.
fn sqlite_problem(doing: &str, source: &rusqlite::Error) -> String {
    let text = source.to_string();
    if text.contains("file is not a database") {
        "not a GeoPackage: the file is not an SQLite database".into()
    } else if text.contains("no such table: gpkg_") {
        format!("not a GeoPackage: {text}")
    } else {
        format!("{doing}: {text}")
    }
}

/// Result alias for buurt-io.
pub type Result<T, E = IoError> = std::result::Result<T, E>;
