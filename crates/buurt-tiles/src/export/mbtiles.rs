//! MBTiles 1.3 files: SQLite with `metadata` and `tiles` (TMS rows, gzipped MVT).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use super::{ArchiveInfo, gzip};
use crate::error::{Result, TileError};
use crate::pyramid::{PyramidSummary, TileSink};
use crate::tile::TileId;

/// An MBTiles file being written, in one transaction committed by [`finish`](Self::finish).
///
/// ```
/// use buurt_tiles::{TileId, export::{ArchiveInfo, MbTilesArchive}, pyramid::TileSink};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("t.mbtiles");
/// let mut archive = MbTilesArchive::create(&path)?;
/// archive.put(TileId::new(0, 0, 0)?, &[0x1a, 0x00])?;
/// let summary = buurt_tiles::PyramidSummary {
///     min_zoom: 0, max_zoom: 0, tiles_rendered: 1, tiles_written: 1, bytes_written: 2,
///     bounds_web_mercator: None, vector_layers: vec![],
/// };
/// archive.finish(&summary, &ArchiveInfo::default())?;
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
pub struct MbTilesArchive {
    connection: Connection,
    path: PathBuf,
}

impl MbTilesArchive {
    /// Create the file (replacing an existing one) with the MBTiles schema.
    pub fn create(path: &Path) -> Result<Self> {
        let sqlite = |source| TileError::MbTiles {
            path: path.to_path_buf(),
            source,
        };
        if path.exists() {
            std::fs::remove_file(path).map_err(|source| TileError::Io {
                target: path.display().to_string(),
                source,
            })?;
        }
        let connection = Connection::open(path).map_err(sqlite)?;
        connection
            .execute_batch(
                "CREATE TABLE metadata (name TEXT, value TEXT);
                 CREATE UNIQUE INDEX name ON metadata (name);
                 CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
                 CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
                 BEGIN;",
            )
            .map_err(sqlite)?;
        Ok(Self {
            connection,
            path: path.to_path_buf(),
        })
    }

    /// Write the metadata rows and commit.
    pub fn finish(self, summary: &PyramidSummary, info: &ArchiveInfo) -> Result<()> {
        let sqlite = |source| TileError::MbTiles {
            path: self.path.clone(),
            source,
        };
        let json = serde_json::json!({ "vector_layers": summary.vector_layers }).to_string();
        let mut rows: Vec<(&str, String)> = vec![
            ("name", info.name.clone()),
            ("description", info.description.clone()),
            ("attribution", info.attribution.clone()),
            ("format", "pbf".to_owned()),
            ("type", "overlay".to_owned()),
            ("version", "1".to_owned()),
            ("minzoom", summary.min_zoom.to_string()),
            ("maxzoom", summary.max_zoom.to_string()),
            ("json", json),
        ];
        if let (Some([w, s, e, n]), Some([lon, lat])) =
            (summary.bounds_wgs84(), summary.center_wgs84())
        {
            rows.push(("bounds", format!("{w:.6},{s:.6},{e:.6},{n:.6}")));
            rows.push(("center", format!("{lon:.6},{lat:.6},{}", summary.min_zoom)));
        }
        for (name, value) in rows {
            self.connection
                .execute(
                    "INSERT OR REPLACE INTO metadata (name, value) VALUES (?1, ?2)",
                    params![name, value],
                )
                .map_err(sqlite)?;
        }
        self.connection.execute_batch("COMMIT;").map_err(sqlite)
    }
}

impl TileSink for MbTilesArchive {
    fn put(&mut self, tile: TileId, mvt: &[u8]) -> Result<()> {
        let data = gzip(mvt);
        self.connection
            .prepare_cached("INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)")
            .and_then(|mut statement| statement.execute(params![tile.z(), tile.x(), tile.y_tms(), data]))
            .map(drop)
            .map_err(|source| TileError::MbTiles { path: self.path.clone(), source })
    }
}
