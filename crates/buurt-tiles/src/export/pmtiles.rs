//! PMTiles v3 archives, written with the `pmtiles` crate (gzip tiles, gzip directories, metadata
//! with `vector_layers`), readable by MapLibre's `pmtiles://` protocol and the pmtiles tools.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::Path;

use pmtiles::{PmTilesStreamWriter, PmTilesWriter, TileCoord, TileType};

use super::{ArchiveInfo, metadata_json};
use crate::error::{Result, TileError};
use crate::pyramid::{PyramidSummary, TileSink};
use crate::tile::TileId;

/// A PMTiles archive being written. Tiles must arrive in PMTiles order (as
/// [`TileSet::build_pyramid`](crate::TileSet::build_pyramid) gives them) for a clustered
/// archive; header and metadata are completed by [`finish`](Self::finish).
///
/// ```
/// use buurt_tiles::{TileId, export::{ArchiveInfo, PmTilesArchive}, pyramid::TileSink};
/// let mut archive = PmTilesArchive::new(std::io::Cursor::new(Vec::new()), "memory")?;
/// archive.put(TileId::new(0, 0, 0)?, &[0x1a, 0x00])?;
/// let summary = buurt_tiles::PyramidSummary {
///     min_zoom: 0, max_zoom: 0, tiles_rendered: 1, tiles_written: 1, bytes_written: 2,
///     bounds_web_mercator: None, vector_layers: vec![],
/// };
/// archive.finish(&summary, &ArchiveInfo::default())?;
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
pub struct PmTilesArchive<W: Write + Seek> {
    writer: PmTilesStreamWriter<W>,
    target: String,
}

impl PmTilesArchive<File> {
    /// Create (or truncate) a `.pmtiles` file.
    pub fn create(path: &Path) -> Result<Self> {
        let file = File::create(path).map_err(|source| TileError::Io {
            target: path.display().to_string(),
            source,
        })?;
        Self::new(file, path.display().to_string())
    }
}

impl<W: Write + Seek> PmTilesArchive<W> {
    /// Write an archive to any seekable stream; `target` names it in errors.
    pub fn new(out: W, target: impl Into<String>) -> Result<Self> {
        let target = target.into();
        let writer = PmTilesWriter::new(TileType::Mvt)
            .create(out)
            .map_err(|source| TileError::PmTiles {
                target: target.clone(),
                source,
            })?;
        Ok(Self { writer, target })
    }

    /// Write the metadata, zooms, bounds and directories, and close the archive.
    pub fn finish(mut self, summary: &PyramidSummary, info: &ArchiveInfo) -> Result<()> {
        let metadata = metadata_json(summary, info);
        self.writer.set_metadata(metadata.to_string());
        self.writer
            .set_zoom_range(summary.min_zoom, summary.max_zoom);
        if let (Some([w, s, e, n]), Some([lon, lat])) =
            (summary.bounds_wgs84(), summary.center_wgs84())
        {
            self.writer.set_bounds(w, s, e, n);
            self.writer.set_center(lon, lat, summary.min_zoom);
        }
        let target = self.target;
        self.writer
            .finalize()
            .map_err(|source| TileError::PmTiles { target, source })
    }
}

impl<W: Write + Seek> TileSink for PmTilesArchive<W> {
    fn put(&mut self, tile: TileId, mvt: &[u8]) -> Result<()> {
        let coord =
            TileCoord::new(tile.z(), tile.x(), tile.y()).map_err(|source| TileError::PmTiles {
                target: self.target.clone(),
                source,
            })?;
        // The writer gzips the tile (tile_compression = gzip in the header).
        self.writer
            .add_tile(coord, mvt)
            .map_err(|source| TileError::PmTiles {
                target: self.target.clone(),
                source,
            })
    }
}
