//! Rendering every tile of a zoom range, in parallel, into a [`TileSink`] (an archive or memory).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use geo_types::{Coord, Rect};
use serde::Serialize;

use crate::error::{Result, TileError};
use crate::tile::{MAX_ZOOM, TileId, TileRange};
use crate::tileset::{LayerFields, SyncPropertyFn, TileSet};

/// Tiles rendered together; sinks receive each batch in order once it is done.
const BATCH: usize = 256;

/// A rendered tile (bytes and the fields of its layers), by its index in the batch.
type Rendered = (usize, Result<(Vec<u8>, LayerFields)>);

/// Where rendered tiles go, in PMTiles (Hilbert) order, non-empty tiles only.
pub trait TileSink {
    /// Store one uncompressed MVT tile.
    fn put(&mut self, tile: TileId, mvt: &[u8]) -> Result<()>;
}

/// Collects tiles in memory (tests, small exports).
impl TileSink for Vec<(TileId, Vec<u8>)> {
    fn put(&mut self, tile: TileId, mvt: &[u8]) -> Result<()> {
        self.push((tile, mvt.to_vec()));
        Ok(())
    }
}

/// Which tiles to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PyramidSpec<'a> {
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom (inclusive).
    pub max_zoom: u8,
    /// Layers per tile, as for [`TileSet::render`].
    pub layers: &'a [&'a str],
    /// Worker threads; 0 uses the machine's available parallelism.
    pub threads: usize,
}

/// A layer as TileJSON's `vector_layers` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VectorLayer {
    /// Layer name.
    pub id: String,
    /// Property names and types (`String`, `Number`, `Boolean`).
    pub fields: BTreeMap<String, String>,
    /// Lowest zoom with features of this layer.
    pub minzoom: u8,
    /// Highest zoom with features of this layer.
    pub maxzoom: u8,
}

/// What a pyramid run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PyramidSummary {
    /// Lowest zoom asked for.
    pub min_zoom: u8,
    /// Highest zoom asked for.
    pub max_zoom: u8,
    /// Tiles rendered (all tiles that intersect the layers' bounds).
    pub tiles_rendered: usize,
    /// Non-empty tiles handed to the sink.
    pub tiles_written: usize,
    /// Uncompressed MVT bytes handed to the sink.
    pub bytes_written: u64,
    /// Bounds of the layers (EPSG:3857); `None` when they are empty.
    pub bounds_web_mercator: Option<Rect<f64>>,
    /// Layers with their fields, in request order.
    pub vector_layers: Vec<VectorLayer>,
}

impl PyramidSummary {
    /// Bounds as `[west, south, east, north]` in WGS84 degrees, as archive headers want them.
    #[must_use]
    pub fn bounds_wgs84(&self) -> Option<[f64; 4]> {
        let b = self.bounds_web_mercator?;
        let sw = crate::tile::lon_lat_from_web_mercator(b.min());
        let ne = crate::tile::lon_lat_from_web_mercator(b.max());
        Some([sw.x, sw.y, ne.x, ne.y])
    }

    /// The centre of the bounds in WGS84 degrees.
    #[must_use]
    pub fn center_wgs84(&self) -> Option<[f64; 2]> {
        let b = self.bounds_web_mercator?;
        let c = crate::tile::lon_lat_from_web_mercator(Coord {
            x: f64::midpoint(b.min().x, b.max().x),
            y: f64::midpoint(b.min().y, b.max().y),
        });
        Some([c.x, c.y])
    }
}

/// The key that orders tiles in a PMTiles archive: by zoom, then along a Hilbert curve.
pub(crate) fn pmtiles_tile_id(tile: TileId) -> Result<u64> {
    let coord = pmtiles::TileCoord::new(tile.z(), tile.x(), tile.y()).map_err(|source| {
        TileError::PmTiles {
            target: format!("tile {tile}"),
            source,
        }
    })?;
    Ok(pmtiles::TileId::from(coord).value())
}

impl TileSet {
    /// Every tile from `min_zoom` to `max_zoom` that intersects the bounds of `layers`, in
    /// PMTiles order (zoom, then Hilbert curve). Empty when the layers have no features.
    pub fn pyramid_tiles(
        &self,
        layers: &[&str],
        min_zoom: u8,
        max_zoom: u8,
    ) -> Result<Vec<TileId>> {
        if min_zoom > max_zoom || max_zoom > MAX_ZOOM {
            return Err(TileError::InvalidOption {
                name: "min_zoom/max_zoom",
                problem: format!(
                    "{min_zoom}..={max_zoom} is not a zoom range within 0..={MAX_ZOOM}"
                ),
            });
        }
        let polygon_layers: Vec<&str> = if layers.iter().all(|&l| l == crate::LABEL_LAYER) {
            self.layer_names()
        } else {
            layers.to_vec()
        };
        let Some(bounds) = self.bounds_web_mercator(&polygon_layers)? else {
            return Ok(Vec::new());
        };
        let mut tiles = Vec::new();
        for z in min_zoom..=max_zoom {
            tiles.extend(TileRange::covering(bounds, z)?.iter());
        }
        let mut keyed = tiles
            .into_iter()
            .map(|t| Ok((pmtiles_tile_id(t)?, t)))
            .collect::<Result<Vec<_>>>()?;
        keyed.sort_unstable_by_key(|(k, _)| *k);
        Ok(keyed.into_iter().map(|(_, t)| t).collect())
    }

    /// Render every tile of [`pyramid_tiles`](Self::pyramid_tiles) on `spec.threads` threads and
    /// hand the non-empty ones to `sink` in PMTiles order. Suppression is the caller's job in
    /// `props`, as for [`render`](Self::render).
    ///
    /// ```
    /// # use buurt_tiles::{PyramidSpec, SourceFeature, SourceLayer, TileId, TileSet, TileSetOptions};
    /// # use geo_types::{LineString, MultiPolygon, Polygon};
    /// # let b = TileId::new(12, 2104, 1350)?.bounds_web_mercator();
    /// # let (x, y) = (b.min().x + 10.0, b.min().y + 10.0);
    /// # let square = Polygon::new(LineString::from(vec![(x, y), (x + 100.0, y), (x + 100.0, y + 100.0), (x, y + 100.0)]), vec![]);
    /// # let layer = SourceLayer { name: "buurt".into(), features: vec![SourceFeature { id: 1, code: "BU1".into(), name: "A".into(), geometry_web_mercator: MultiPolygon(vec![square]) }] };
    /// let tiles = TileSet::new(vec![layer], TileSetOptions::default())?;
    /// let mut out: Vec<(TileId, Vec<u8>)> = Vec::new();
    /// let spec = PyramidSpec { min_zoom: 0, max_zoom: 14, layers: &["buurt"], threads: 2 };
    /// let summary = tiles.build_pyramid(&spec, &|_, _| Vec::new(), &mut out)?;
    /// assert_eq!(summary.tiles_written, 15); // one 100 m square: one tile per zoom
    /// # Ok::<(), buurt_tiles::TileError>(())
    /// ```
    pub fn build_pyramid(
        &self,
        spec: &PyramidSpec<'_>,
        props: &SyncPropertyFn<'_>,
        sink: &mut dyn TileSink,
    ) -> Result<PyramidSummary> {
        let tiles = self.pyramid_tiles(spec.layers, spec.min_zoom, spec.max_zoom)?;
        let threads = match spec.threads {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            n => n,
        }
        .min(tiles.len().max(1));
        let mut summary = PyramidSummary {
            min_zoom: spec.min_zoom,
            max_zoom: spec.max_zoom,
            tiles_rendered: tiles.len(),
            tiles_written: 0,
            bytes_written: 0,
            bounds_web_mercator: self.bounds_web_mercator(
                &spec
                    .layers
                    .iter()
                    .copied()
                    .filter(|&l| l != crate::LABEL_LAYER)
                    .collect::<Vec<_>>(),
            )?,
            vector_layers: Vec::new(),
        };
        if summary.bounds_web_mercator.is_none() {
            summary.bounds_web_mercator = self.bounds_web_mercator(&self.layer_names())?;
        }
        let mut layers: BTreeMap<String, VectorLayer> = BTreeMap::new();
        for batch in tiles.chunks(BATCH * threads) {
            let next = AtomicUsize::new(0);
            let mut rendered: Vec<Rendered> = std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut done = Vec::new();
                            loop {
                                let i = next.fetch_add(1, Ordering::Relaxed);
                                let Some(&tile) = batch.get(i) else { break };
                                done.push((i, self.render_with_fields(tile, spec.layers, props)));
                            }
                            done
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| {
                        w.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            });
            rendered.sort_unstable_by_key(|(i, _)| *i);
            for (i, result) in rendered {
                let (bytes, fields) = result?;
                if bytes.is_empty() {
                    continue;
                }
                let tile = batch[i];
                sink.put(tile, &bytes)?;
                summary.tiles_written += 1;
                summary.bytes_written += bytes.len() as u64;
                for (name, layer_fields) in fields {
                    let entry = layers.entry(name.clone()).or_insert_with(|| VectorLayer {
                        id: name,
                        fields: BTreeMap::new(),
                        minzoom: tile.z(),
                        maxzoom: tile.z(),
                    });
                    entry.minzoom = entry.minzoom.min(tile.z());
                    entry.maxzoom = entry.maxzoom.max(tile.z());
                    for (key, kind) in layer_fields {
                        entry.fields.entry(key).or_insert_with(|| kind.to_owned());
                    }
                }
            }
        }
        summary.vector_layers = spec
            .layers
            .iter()
            .filter_map(|&name| layers.remove(name))
            .collect();
        tracing::info!(
            tiles = summary.tiles_written,
            rendered = summary.tiles_rendered,
            bytes = summary.bytes_written,
            "pyramid built"
        );
        Ok(summary)
    }
}
