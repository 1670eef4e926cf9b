//! buurt-diagnose: the diagnose computed from the atlas.
//!
//! - [`diagnose`]: [`Diagnose`](diagnose::Diagnose) answers profiles of regions and
//!   user-defined areas; [`standing`](diagnose::standing) is the one place where a value's
//!   standing is defined (year choice, index, z-score, rank, band, minimum count), used by the
//!   profile, the full table and the map; aandachtspunten, composite scores, the full table.
//! - [`stats`]: intervals, shrinkage, trends, class breaks, z-scores, spatial weights and
//!   Moran's I; [`hotspots`](diagnose::hotspots) runs the latter on the atlas (LISA).
//! - [`atlas`]: the atlas it reads (the `buurt-atlas` crate, re-exported for analysts).
//! - [`error`]: the crate's error, [`DiagnoseError`].

pub mod diagnose;
pub mod error;
pub mod stats;

pub use buurt_atlas as atlas;
pub use buurt_atlas::{Atlas, CacheStatus, ValidationReport};
pub use error::{DiagnoseError, Result};
