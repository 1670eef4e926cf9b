//! The errors of buurt-atlas.

use std::path::PathBuf;

/// A cause carried as a source (an I/O, JSON or Parquet error, or a sentence).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Building, caching or reading the atlas failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AtlasError {
    /// One or more datasets failed to load or validate; nothing was built.
    #[error("{} problem(s) failed validation, the atlas was not built: {}", failures.len(), failures.join("; "))]
    Validation {
        /// One line per failure, naming dataset, file and row/code.
        failures: Vec<String>,
        /// The full report, for `buurt validate`.
        report: Box<crate::ValidationReport>,
    },
    /// A loader error.
    #[error(transparent)]
    Io(#[from] buurt_io::IoError),
    /// The catalogue is inconsistent, or a table names an indicator it lacks.
    #[error(transparent)]
    Catalogue(#[from] buurt_core::CatalogueError),
    /// The atlas cache could not be read or written.
    #[error("atlas cache {}: {source}", path.display())]
    Cache {
        /// The cache file or directory.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Cause,
    },
    /// A polars operation failed.
    #[error("table operation failed")]
    Polars(#[from] polars::error::PolarsError),
    /// A row of a long table given to the cell index does not fit it.
    #[error("long table row {row}: {message}")]
    LongTableRow {
        /// Row number, from 0, over all batches pushed.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// More cells, regions or groups than the cell index can number.
    #[error("{count} {what}: more than the cell index numbers (2^{bits})")]
    TooLarge {
        /// cells, regions or groups.
        what: &'static str,
        /// How many there are.
        count: usize,
        /// Bits available.
        bits: u32,
    },
}

/// Result alias for buurt-atlas.
pub type Result<T, E = AtlasError> = std::result::Result<T, E>;

/// A cache error at `path`.
pub(crate) fn cache_err(path: &std::path::Path, e: impl Into<Cause>) -> AtlasError {
    AtlasError::Cache {
        path: path.to_path_buf(),
        source: e.into(),
    }
}
