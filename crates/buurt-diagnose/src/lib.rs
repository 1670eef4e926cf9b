//! buurt-diagnose: the atlas (regions, geometries and the long indicator table in polars) and
//! the diagnose computed from it.
//!
//! - [`atlas`]: [`Atlas`], built from the loaded sources or read from its cache.
//! - [`diagnose`]: profiles, aandachtspunten, composite scores, the full table.
//! - [`stats`]: intervals, shrinkage, trends, class breaks, z-scores.
//! - [`error`]: the crate's error, [`DiagnoseError`].

pub mod atlas;
pub mod diagnose;
pub mod error;
pub mod stats;

pub use atlas::{Atlas, CacheStatus, ValidationReport};
pub use error::{DiagnoseError, Result};
