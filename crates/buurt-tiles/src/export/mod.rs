//! Writing tiles and features to files: PMTiles v3, MBTiles and GeoJSON.

mod geojson;
mod mbtiles;
mod pmtiles;

pub use self::geojson::{GeoJsonFeature, write_geojson};
pub use self::mbtiles::MbTilesArchive;
pub use self::pmtiles::PmTilesArchive;

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::json;

use crate::pyramid::PyramidSummary;

/// Descriptive metadata for an archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveInfo {
    /// Short name, e.g. `buurt Utrecht 2024`.
    pub name: String,
    /// One line on what the tiles show.
    pub description: String,
    /// Attribution shown on the map, e.g. `CBS / Kadaster, RIVM`.
    pub attribution: String,
}

/// Gzip an uncompressed tile (as archives store it, and as HTTP sends it with
/// `Content-Encoding: gzip`).
///
/// ```
/// let zipped = buurt_tiles::export::gzip(b"tile");
/// assert_eq!(&zipped[..2], &[0x1f, 0x8b]);
/// ```
#[must_use]
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 32),
        Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The TileJSON-style metadata object both archive formats carry.
pub(crate) fn metadata_json(summary: &PyramidSummary, info: &ArchiveInfo) -> serde_json::Value {
    let mut meta = json!({
        "name": info.name,
        "description": info.description,
        "attribution": info.attribution,
        "format": "pbf",
        "type": "overlay",
        "version": "1",
        "minzoom": summary.min_zoom,
        "maxzoom": summary.max_zoom,
        "vector_layers": summary.vector_layers,
    });
    if let (Some(bounds), Some(obj)) = (summary.bounds_wgs84(), meta.as_object_mut()) {
        obj.insert("bounds".into(), json!(bounds));
    }
    meta
}
