//! buurt-tiles: vector tiles of gemeenten, wijken and buurten.
//!
//! Geometry comes in already projected to Web Mercator (EPSG:3857 metres); the caller (server,
//! CLI) projects from RD New. The crate holds:
//!
//! - [`tile`]: [`TileId`] (z/x/y, checked), tile bounds in EPSG:3857, tile ranges.
//! - `topology`: shared-arc topology per layer (snap, cut rings at nodes, one arc per border).
//! - `simplify`: per-zoom Douglas–Peucker on the shared arcs, keeping every ring alive.
//! - `clip`: clipping to tile + buffer, tile grid, MVT winding.
//! - [`label_point`]: a point inside each polygon for the [`LABEL_LAYER`].
//! - [`mvt`]: the MVT 2.1 encoder and a decoder ([`mvt::decode_tile`]).
//! - [`TileSet`]: source layers in, [`TileSet::render`] gives MVT bytes; [`PropValue`] for
//!   properties.
//! - [`pyramid`]: [`TileSet::build_pyramid`] renders a zoom range in parallel into a
//!   [`TileSink`].
//! - [`export`]: PMTiles v3 and MBTiles sinks, a GeoJSON writer, gzip.
//! - [`choropleth`]: the tile source over the atlas ([`choropleth::Choropleth`]: `tile`,
//!   `tilejson`), used by `buurt serve` and `buurt tiles export` alike.
//! - `test_support` (feature `test-support`): PMTiles read-back with the `pmtiles` crate's
//!   reader, for tests.
//!
//! Suppressed indicator values never enter a tile by accident: the property callback decides
//! what each feature carries (see [`TileSet::render`]).

pub mod choropleth;
mod clip;
pub mod error;
pub mod export;
mod label;
pub mod lru;
pub mod mvt;
pub mod pyramid;
mod simplify;
#[cfg(test)]
mod test_shapes;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod tile;
mod tileset;
mod topology;

pub use error::{Result, TileError};
pub use label::label_point;
pub use mvt::PropValue;
pub use pyramid::{PyramidSpec, PyramidSummary, TileSink, VectorLayer};
pub use tile::{MAX_ZOOM, TileId};
pub use tileset::{
    LABEL_LAYER, PropertyFn, SourceFeature, SourceLayer, SyncPropertyFn, TileSet, TileSetOptions,
};
