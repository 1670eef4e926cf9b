//! The choropleth tile source: the atlas's regions as tile layers, each feature carrying the
//! indicator values, years, index and band the map colours by, and on request the LISA cluster
//! of an indicator (`<id>_cluster`, see [`clusters`]). `buurt serve` and
//! `buurt tiles export` both draw their tiles from a [`Choropleth`], in the spirit of martin's
//! tile sources (`tile`, `tilejson`); the server adds only HTTP.
//!
//! ```no_run
//! use std::sync::Arc;
//! use buurt_core::{Level, RegionCode};
//! use buurt_tiles::TileId;
//! use buurt_tiles::choropleth::Choropleth;
//! # fn atlas() -> buurt_diagnose::Atlas { unimplemented!() }
//! let source = Choropleth::new(Arc::new(atlas()), &[Level::Buurt], RegionCode::Nederland)?;
//! let query = source.query(Some("eenzaam_65plus"), None)?;
//! let mvt = source.tile(TileId::new(12, 2106, 1352)?, "buurt", &query)?;
//! let tilejson = source.tilejson("buurt", &query, "http://localhost:8080/tiles/buurt/{z}/{x}/{y}.mvt")?;
//! # Ok::<(), buurt_tiles::TileError>(())
//! ```

pub mod clusters;
mod layers;
mod standings;
mod values;

use std::sync::Arc;

use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::standing::Standing;
use buurt_io::RegionShape;
use buurt_io::crs::{PointWebMercator, web_mercator_to_wgs84};
use serde_json::{Value, json};

pub use clusters::{AreaClusters, Clusters, cluster_area, cluster_of};
pub use layers::{newest_shapes, shapes_within, source_layer};
pub use standings::Standings;
pub use values::{
    CellValue, IndicatorIx, feature_properties, resolve_cluster_indicators, resolve_indicators,
    value_at, years_of,
};

use crate::error::{Result, TileError};
use crate::mvt::PropValue;
use crate::tile::TileId;
use crate::tileset::{LABEL_LAYER, SourceLayer, TileSet, TileSetOptions};

/// The largest zoom advertised in TileJSON; deeper tiles are rendered on request.
pub const TILEJSON_MAX_ZOOM: u8 = 16;

/// What a tile is asked to carry: indicators (looked up once), the year, and the indicators
/// whose LISA cluster each feature carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileQuery {
    /// The indicators, in the order asked.
    pub indicators: Vec<IndicatorIx>,
    /// Each indicator at its latest year up to this one (the latest when `None`).
    pub year: Option<u16>,
    /// Indicators whose cluster label each feature carries as `<id>_cluster` (see
    /// [`clusters`]); empty for none.
    pub clusters: Vec<IndicatorIx>,
}

/// The atlas as choropleth tile layers, one per level, with per-group standings computed once
/// and kept.
#[derive(Debug)]
pub struct Choropleth {
    atlas: Arc<Atlas>,
    shapes: Vec<(Level, Vec<RegionShape>)>,
    tiles: TileSet,
    standings: Standings,
    clusters: Clusters,
}

impl Choropleth {
    /// Layers of `levels` (gemeente, wijk, buurt), from the newest boundaries of each gemeente
    /// within `within` ([`RegionCode::Nederland`] for all), projected to Web Mercator.
    ///
    /// # Errors
    ///
    /// [`TileError::NoLayer`] when the atlas has no boundaries of a level,
    /// [`TileError::NothingWithin`] when none lies within `within`, or an error of
    /// [`TileSet::new`].
    pub fn new(atlas: Arc<Atlas>, levels: &[Level], within: RegionCode) -> Result<Self> {
        // Each level on a thread of its own: picking the newest shapes and projecting them to
        // Web Mercator takes a tenth of a second for the national layers, which `buurt serve`
        // waits for at start.
        let per_level: Vec<Result<(Vec<RegionShape>, SourceLayer)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = levels
                .iter()
                .map(|&level| {
                    let atlas = &atlas;
                    scope.spawn(move || {
                        let shapes = shapes_within(atlas, level, &within)?;
                        let layer = source_layer(level, &shapes);
                        Ok((shapes, layer))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut shapes = Vec::with_capacity(levels.len());
        let mut layers = Vec::with_capacity(levels.len());
        for (&level, result) in levels.iter().zip(per_level) {
            let (s, layer) = result?;
            shapes.push((level, s));
            layers.push(layer);
        }
        let tiles = TileSet::new(layers, TileSetOptions::default())?;
        Ok(Self {
            atlas,
            shapes,
            tiles,
            standings: Standings::default(),
            clusters: Clusters::default(),
        })
    }

    /// The atlas the tiles are drawn from.
    #[must_use]
    pub fn atlas(&self) -> &Atlas {
        &self.atlas
    }

    /// The atlas, shared.
    #[must_use]
    pub fn atlas_arc(&self) -> &Arc<Atlas> {
        &self.atlas
    }

    /// The prepared tile set (for pyramids and bounds).
    #[must_use]
    pub fn tile_set(&self) -> &TileSet {
        &self.tiles
    }

    /// The regions of one level (RD geometry), in code order.
    #[must_use]
    pub fn shapes(&self, level: Level) -> &[RegionShape] {
        self.shapes
            .iter()
            .find(|(l, _)| *l == level)
            .map_or(&[], |(_, s)| s.as_slice())
    }

    /// The levels served, in the order given.
    pub fn levels(&self) -> impl Iterator<Item = Level> + '_ {
        self.shapes.iter().map(|(l, _)| *l)
    }

    /// Resolve a query once: a comma-separated list of indicator ids (the headline indicators
    /// when `None` or blank) and a year; no clusters (see [`Choropleth::with_clusters`]).
    ///
    /// # Errors
    ///
    /// [`TileError::UnknownIndicator`] naming the first unknown id.
    pub fn query(&self, indicators: Option<&str>, year: Option<u16>) -> Result<TileQuery> {
        Ok(TileQuery {
            indicators: resolve_indicators(self.atlas.catalogue(), indicators)?,
            year,
            clusters: Vec::new(),
        })
    }

    /// `query` with the cluster labels of a comma-separated list of indicator ids (none when
    /// `None` or blank).
    ///
    /// # Errors
    ///
    /// [`TileError::UnknownIndicator`] naming the first unknown id.
    pub fn with_clusters(&self, query: TileQuery, clusters: Option<&str>) -> Result<TileQuery> {
        Ok(TileQuery {
            clusters: resolve_cluster_indicators(self.atlas.catalogue(), clusters)?,
            ..query
        })
    }

    /// The cluster analyses kept by this source (computed on first use).
    #[must_use]
    pub fn clusters(&self) -> &Clusters {
        &self.clusters
    }

    /// The indicator properties of one region (see [`feature_properties`]); empty when `code`
    /// is not a region code.
    #[must_use]
    pub fn properties(&self, query: &TileQuery, code: &str) -> Vec<(String, PropValue)> {
        let Ok(code) = code.parse::<RegionCode>() else {
            return Vec::new();
        };
        let mut props = feature_properties(
            &self.atlas,
            &self.standings,
            &query.indicators,
            query.year,
            code,
        );
        for &ix in &query.clusters {
            if let Some(label) = cluster_of(&self.atlas, &self.clusters, ix, query.year, code) {
                let id = ix.id(self.atlas.catalogue());
                props.push((format!("{id}_cluster"), PropValue::from(label.as_str())));
            }
        }
        props
    }

    /// Where a map value stands (index, band; see [`buurt_diagnose::diagnose::standing`]),
    /// from the group standings kept by this source.
    #[must_use]
    pub fn standing(&self, value: &CellValue, level: Level) -> Standing {
        let cells = self.atlas.cells();
        self.standings
            .get(
                cells,
                self.atlas.catalogue().indicators(),
                value.group,
                level,
            )
            .of_cell(cells, value.cell)
    }

    /// One tile of `layer` (a level's name, or [`LABEL_LAYER`]) as MVT bytes.
    ///
    /// # Errors
    ///
    /// [`TileError::UnknownLayer`] for a layer not served, or an encoding error.
    pub fn tile(&self, id: TileId, layer: &str, query: &TileQuery) -> Result<Vec<u8>> {
        self.check_layer(layer)?;
        self.tiles
            .render(id, &[layer], &|_, f| self.properties(query, &f.code))
    }

    fn check_layer(&self, layer: &str) -> Result<()> {
        if layer == LABEL_LAYER || self.levels().any(|l| l.as_str() == layer) {
            Ok(())
        } else {
            Err(TileError::UnknownLayer {
                name: layer.to_owned(),
                known: self
                    .levels()
                    .map(Level::as_str)
                    .chain([LABEL_LAYER])
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }

    /// TileJSON 3.0.0 of `layer`, whose tiles are at `tile_url` (with `{z}`, `{x}`, `{y}`).
    ///
    /// # Errors
    ///
    /// [`TileError::UnknownLayer`] for a layer not served.
    pub fn tilejson(&self, layer: &str, query: &TileQuery, tile_url: &str) -> Result<Value> {
        self.check_layer(layer)?;
        let catalogue = self.atlas.catalogue();
        let mut fields = serde_json::Map::new();
        if layer == LABEL_LAYER {
            fields.insert("layer".into(), json!("String"));
        }
        fields.insert("code".into(), json!("String"));
        fields.insert("name".into(), json!("String"));
        for ix in &query.indicators {
            let id = ix.id(catalogue);
            fields.insert(id.to_owned(), json!("Number"));
            fields.insert(format!("{id}_year"), json!("Number"));
            fields.insert(format!("{id}_missing"), json!("String"));
            fields.insert(format!("{id}_index"), json!("Number"));
            fields.insert(format!("{id}_band"), json!("String"));
        }
        for ix in &query.clusters {
            fields.insert(format!("{}_cluster", ix.id(catalogue)), json!("String"));
        }
        // Label points lie inside the polygons of every level.
        let bounds_of: Vec<&str> = if layer == LABEL_LAYER {
            self.tiles.layer_names()
        } else {
            vec![layer]
        };
        let bounds = self.tiles.bounds_web_mercator(&bounds_of)?.map(|b| {
            let min = web_mercator_to_wgs84(PointWebMercator::new(b.min().x, b.min().y));
            let max = web_mercator_to_wgs84(PointWebMercator::new(b.max().x, b.max().y));
            [min.lon, min.lat, max.lon, max.lat]
        });
        let mut tilejson = json!({
            "tilejson": "3.0.0",
            "name": format!("buurt {layer}"),
            "scheme": "xyz",
            "tiles": [tile_url],
            "minzoom": 0,
            "maxzoom": TILEJSON_MAX_ZOOM,
            "vector_layers": [{
                "id": layer,
                "fields": fields,
                "minzoom": 0,
                "maxzoom": TILEJSON_MAX_ZOOM,
            }],
        });
        if let Some(b) = bounds {
            tilejson["bounds"] = json!(b);
            tilejson["center"] = json!([f64::midpoint(b[0], b[2]), f64::midpoint(b[1], b[3]), 12]);
        }
        Ok(tilejson)
    }
}
