//! buurt-diagnose: the atlas (regions, geometries and the long indicator table in polars) and
//! the diagnose computed from it.
//!
//! - [`atlas`]: [`Atlas`], built from the loaded sources or read from its cache.
//! - [`stats`]: intervals, shrinkage, trends, class breaks, z-scores.
//! - [`error`]: [`DiagnoseError`].

pub mod atlas;
pub mod error;
pub mod stats;

pub use atlas::{Atlas, CacheStatus, ValidationReport};
pub use error::{DiagnoseError, Result};
