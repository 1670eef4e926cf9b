//! buurt-atlas: the validated, read-only atlas that everything else reads.
//!
//! - [`open`]: the one way in: from the cache when fresh, else built from the data files.
//! - [`Atlas`]: regions per indeling ([`RegionInfo`]), geometries (EPSG:28992) and the cell
//!   index; [`Atlas::from_cells`] makes a small one by hand for tests and examples.
//! - [`CellIndex`]: the one value store, cells by (dataset, indicator, year) group and region,
//!   with parents by region number; [`GroupKey`] names a group.
//! - [`Comparability`]: which indelingen may be joined on code.
//! - [`ValidationReport`]: what the build checked (parents, coverage, problems).
//! - [`columns`]: the long table of [`Atlas::to_dataframe`] (polars), for analysts.
//! - [`AtlasError`]: the crate's error.
//!
//! Data flows one way: buurt-io loads the files, this crate builds and caches the atlas,
//! buurt-diagnose computes from it.

mod atlas;
mod build;
mod cache;
mod cells;
mod cells_build;
mod cells_file;
mod checksums;
mod comparability;
mod derive;
pub mod error;
mod inputs;
mod long_table;
mod open;
mod report;

pub use atlas::{Atlas, RegionInfo};
pub use build::{BuildInput, Progress};
pub use cache::CacheStatus;
pub use cells::{Cell, CellIndex, GroupKey};
pub use cells_build::CellIndexBuilder;
pub use comparability::Comparability;
pub use derive::index_of;
pub use error::{AtlasError, Result};
pub use inputs::InputFile;
pub use open::open;
pub use report::{DatasetReport, JoinCoverage, ParentCheck, ValidationReport};

/// Column names of the long table ([`Atlas::to_dataframe`]).
pub mod columns {
    /// Dataset id (categorical text).
    pub const DATASET: &str = "dataset";
    /// Region code (categorical text, e.g. `BU03440111`).
    pub const REGION: &str = "region";
    /// Level of the region (categorical text: land, gemeente, wijk, buurt).
    pub const LEVEL: &str = "level";
    /// Indeling year of the region code (Int32).
    pub const INDELING: &str = "indeling";
    /// Year the value describes (Int32).
    pub const YEAR: &str = "year";
    /// Indicator id (categorical text).
    pub const INDICATOR: &str = "indicator";
    /// Age group key (categorical text: totaal, 18+, 65+ …).
    pub const AGE_GROUP: &str = "age_group";
    /// The value (Float64, null when missing).
    pub const VALUE: &str = "value";
    /// Why the value is missing (categorical text, null when present).
    pub const MISSING: &str = "missing_reason";
}
