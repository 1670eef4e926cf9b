//! The one error type of buurt-tiles.

use std::path::PathBuf;

/// Anything that can go wrong while preparing, rendering, decoding or exporting tiles.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TileError {
    /// The atlas holds no boundary layer for a level asked for.
    #[error("the atlas has no boundary layer for level {level}")]
    NoLayer {
        /// The level.
        level: buurt_core::Level,
    },
    /// No region of a level lies within the code asked for.
    #[error("no {level} in the atlas lies within {within}")]
    NothingWithin {
        /// The level.
        level: buurt_core::Level,
        /// The code asked for.
        within: buurt_core::RegionCode,
    },
    /// An indicator id is not in the catalogue.
    #[error("unknown indicator '{id}'")]
    UnknownIndicator {
        /// The id asked for.
        id: String,
    },
    /// A tile address outside the pyramid.
    #[error("tile {z}/{x}/{y}: {problem}")]
    InvalidTile {
        /// Zoom as given.
        z: u32,
        /// Column as given.
        x: u32,
        /// Row as given (XYZ, y down).
        y: u32,
        /// What is wrong with it.
        problem: String,
    },
    /// A tile address that is not `z/x/y` text.
    #[error("tile address '{text}' is not z/x/y")]
    TileSyntax {
        /// The text as given.
        text: String,
    },
    /// A layer name that the tile set does not hold.
    #[error("layer '{name}' is not in this tile set (layers: {known})")]
    UnknownLayer {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// Two source layers with one name, or a source layer named like the label layer.
    #[error("layer name '{name}' {problem}")]
    LayerName {
        /// The offending name.
        name: String,
        /// Why it cannot be used.
        problem: &'static str,
    },
    /// A feature whose geometry cannot be tiled.
    #[error("layer '{layer}', feature {code}: {problem}")]
    InvalidGeometry {
        /// The source layer.
        layer: String,
        /// The feature's region code.
        code: String,
        /// What is wrong.
        problem: String,
    },
    /// An option out of range.
    #[error("option {name}: {problem}")]
    InvalidOption {
        /// The option's field name.
        name: &'static str,
        /// Why the value cannot be used.
        problem: String,
    },
    /// Bytes that are not a Mapbox Vector Tile.
    #[error("vector tile is malformed at byte {offset}: {problem}")]
    Decode {
        /// Byte offset in the tile where reading failed.
        offset: usize,
        /// What was expected.
        problem: String,
    },
    /// Reading or writing a file or stream failed.
    #[error("{target}: {source}")]
    Io {
        /// The file path, or a description of the stream.
        target: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// JSON could not be written.
    #[error("{target}: JSON: {source}")]
    Json {
        /// The file path, or a description of the stream.
        target: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The PMTiles writer failed.
    #[error("{target}: PMTiles: {source}")]
    PmTiles {
        /// The file path, or a description of the stream.
        target: String,
        /// The cause.
        #[source]
        source: pmtiles::PmtError,
    },
    /// SQLite failed while writing an MBTiles file.
    #[error("{path}: MBTiles (SQLite): {source}")]
    MbTiles {
        /// The MBTiles file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
}

/// Result with [`TileError`].
pub type Result<T, E = TileError> = std::result::Result<T, E>;
