//! buurt-io: read every dataset buurt knows, as published, into validated long tables and
//! geometries in EPSG:28992.
//!
//! - [`dataset`]: what loaders return ([`TableDataset`], [`Observation`], [`Problem`]).
//! - [`error`]: [`IoError`], naming file, row, column and code.
//! - [`paths`]: where the data directory is.
//! - [`crs`]: RD New ↔ WGS84 ↔ Web Mercator; [`geometry_check`]: polygon validation and repair;
//!   [`shape`]: areas, centroids, interior points; [`spatial_index`]: point → region lookup.
//! - [`boundary_geojson`], [`kwb_gpkg`]: boundary layers from GeoJSON and the CBS GeoPackage.
//! - [`fetched`]: folders made by `buurt fetch` and their manifest.
//! - [`registry`]: the datasets of a data directory, loaded together.

pub mod area_check;
pub mod boundary_geojson;
pub mod crs;
pub mod dataset;
pub mod error;
pub mod fetched;
pub mod geometry_check;
mod gpkg_geometry;
pub mod kwb_gpkg;
pub mod paths;
pub mod registry;
pub mod shape;
pub mod spatial_index;
pub mod tables;

pub use dataset::{BoundaryLayer, Observation, Problem, RegionShape, TableDataset};
pub use error::{IoError, Result};
