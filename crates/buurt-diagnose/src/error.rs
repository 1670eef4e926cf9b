//! The errors of buurt-diagnose.

use std::path::PathBuf;

/// Building, caching or querying the atlas failed.
#[derive(Debug, thiserror::Error)]
pub enum DiagnoseError {
    /// One or more datasets failed to load or validate; nothing was built.
    #[error("{} problem(s) failed validation, the atlas was not built: {}", failures.len(), failures.join("; "))]
    Validation {
        /// One line per failure, naming dataset, file and row/code.
        failures: Vec<String>,
        /// The full report, for `buurt validate`.
        report: Box<crate::atlas::ValidationReport>,
    },
    /// A loader error.
    #[error(transparent)]
    Io(#[from] buurt_io::IoError),
    /// The catalogue is inconsistent.
    #[error(transparent)]
    Catalogue(#[from] buurt_core::CatalogueError),
    /// The atlas cache could not be read or written.
    #[error("atlas cache {path}: {message}")]
    Cache {
        /// The cache file or directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A polars operation failed.
    #[error("table operation failed: {0}")]
    Polars(#[from] polars::error::PolarsError),
    /// A region code that is not in the atlas.
    #[error("unknown region '{code}'")]
    UnknownRegion {
        /// The code as given.
        code: String,
    },
    /// A request parameter that does not fit.
    #[error("invalid parameter {name}: {message}")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Result alias for buurt-diagnose.
pub type Result<T, E = DiagnoseError> = std::result::Result<T, E>;
