//! The tile engine the server and the exporters use: source layers in, MVT bytes out.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use geo::BoundingRect;
use geo_types::{Coord, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::clip::{Clipped, TileFrame, clip_multipolygon};
use crate::error::{Result, TileError};
use crate::label::label_point;
use crate::mvt::PropValue;
use crate::mvt::encode::{FeatureGeometry, LayerEncoder};
use crate::simplify::Simplifier;
use crate::tile::{
    MAX_ZOOM, TileId, check_zoom, tile_of_point_web_mercator, tile_size_web_mercator_m,
};
use crate::topology::Topology;

/// Name of the layer of label points.
pub const LABEL_LAYER: &str = "label";

/// One region to draw: a gemeente, wijk or buurt.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFeature {
    /// Feature id written to the tile (MapLibre's `promoteId` alternative); unique per layer.
    pub id: u64,
    /// Region code, e.g. `BU03440111`; written as property `code`.
    pub code: String,
    /// Region name; written as property `name`.
    pub name: String,
    /// Boundary in EPSG:3857 metres.
    pub geometry_web_mercator: MultiPolygon<f64>,
}

/// The features of one level, e.g. layer `buurt`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLayer {
    /// Layer name in the tiles (`gemeente`, `wijk`, `buurt`).
    pub name: String,
    /// The features; they should tile their area without overlap, as CBS boundaries do.
    pub features: Vec<SourceFeature>,
}

/// How tiles are cut and simplified.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileSetOptions {
    /// Tile grid size (MVT extent).
    pub extent: u32,
    /// Margin around the tile, in extent units, kept so that borders and outlines continue across
    /// tile edges without seams.
    pub buffer: u32,
    /// Douglas–Peucker tolerance in extent units at every zoom. MapLibre draws a 4096-unit tile
    /// at 512 px, so the default 4.0 is half a pixel.
    pub simplify_tolerance: f64,
    /// Vertices closer than this (metres) are merged before arcs are built, so that borders
    /// digitised twice become one.
    pub snap_tolerance_m: f64,
}

impl Default for TileSetOptions {
    fn default() -> Self {
        Self {
            extent: crate::mvt::DEFAULT_EXTENT,
            buffer: 64,
            simplify_tolerance: 4.0,
            snap_tolerance_m: 0.05,
        }
    }
}

impl TileSetOptions {
    fn validate(&self) -> Result<()> {
        if self.extent == 0 || self.extent > 1 << 16 {
            return Err(TileError::InvalidOption {
                name: "extent",
                problem: format!("{} is not in 1..=65536", self.extent),
            });
        }
        if self.buffer > self.extent {
            return Err(TileError::InvalidOption {
                name: "buffer",
                problem: format!("{} is larger than the extent {}", self.buffer, self.extent),
            });
        }
        if !(self.simplify_tolerance.is_finite() && self.simplify_tolerance >= 0.0) {
            return Err(TileError::InvalidOption {
                name: "simplify_tolerance",
                problem: format!("{} is not a finite number ≥ 0", self.simplify_tolerance),
            });
        }
        if !(self.snap_tolerance_m.is_finite() && self.snap_tolerance_m >= 0.0) {
            return Err(TileError::InvalidOption {
                name: "snap_tolerance_m",
                problem: format!("{} is not a finite number ≥ 0", self.snap_tolerance_m),
            });
        }
        Ok(())
    }
}

/// The property callback of [`TileSet::render`]: given the source layer's name and a feature,
/// the properties to add after `code` and `name`. It may borrow (`'a`), e.g. the atlas.
pub type PropertyFn<'a> = dyn Fn(&str, &SourceFeature) -> Vec<(String, PropValue)> + 'a;

/// [`PropertyFn`] that can be shared between the threads of [`TileSet::build_pyramid`].
pub type SyncPropertyFn<'a> = dyn Fn(&str, &SourceFeature) -> Vec<(String, PropValue)> + Sync + 'a;

/// Property names and their TileJSON types, per layer written in a tile.
pub(crate) type LayerFields = Vec<(String, BTreeMap<String, &'static str>)>;

/// A source layer prepared for tiling.
#[derive(Debug)]
struct PreparedLayer {
    source: SourceLayer,
    simplifier: Simplifier,
    index: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    bounds: Option<Rect<f64>>,
    /// Label point per feature (EPSG:3857).
    labels: Vec<Option<Coord<f64>>>,
    /// Simplified geometry per zoom, made on first use.
    zooms: Vec<OnceLock<Vec<MultiPolygon<f64>>>>,
}

impl PreparedLayer {
    /// The layer's shared-arc topology, R-tree of feature bounds and label points.
    fn new(source: SourceLayer, options: &TileSetOptions) -> Self {
        let started = std::time::Instant::now();
        let geometries: Vec<&MultiPolygon<f64>> = source
            .features
            .iter()
            .map(|f| &f.geometry_web_mercator)
            .collect();
        // The label points need only the geometry: found on a thread of their own while this
        // one builds the topology.
        let (topology, labels) = std::thread::scope(|scope| {
            let labels = scope.spawn(|| {
                source
                    .features
                    .iter()
                    .map(|f| label_point(&f.geometry_web_mercator))
                    .collect::<Vec<_>>()
            });
            let topology = Topology::build(&geometries, options.snap_tolerance_m);
            let labels = labels
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (topology, labels)
        });
        for (feature, polygons) in source.features.iter().zip(&topology.features) {
            if polygons.is_empty() {
                tracing::warn!(layer = %source.name, code = %feature.code, "every ring collapsed when snapping vertices; the feature is not drawn");
            }
        }
        let mut bounds: Option<Rect<f64>> = None;
        let mut boxes = Vec::with_capacity(source.features.len());
        for (i, feature) in source.features.iter().enumerate() {
            let Some(rect) = feature.geometry_web_mercator.bounding_rect() else {
                continue;
            };
            bounds = Some(bounds.map_or(rect, |b| union_rect(b, rect)));
            boxes.push(GeomWithData::new(
                Rectangle::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]),
                i as u32,
            ));
        }
        if topology.dropped_rings > 0 {
            tracing::warn!(layer = %source.name, rings = topology.dropped_rings, "rings without area after snapping were dropped");
        }
        tracing::debug!(layer = %source.name, features = source.features.len(), arcs = topology.arcs.len(), ms = started.elapsed().as_millis(), "layer prepared for tiling");
        Self {
            source,
            simplifier: Simplifier::new(topology),
            index: RTree::bulk_load(boxes),
            bounds,
            labels,
            zooms: (0..=MAX_ZOOM).map(|_| OnceLock::new()).collect(),
        }
    }
}

/// Polygon layers ready to be cut into vector tiles, plus a [`LABEL_LAYER`] of points inside
/// each polygon.
///
/// Building it computes each layer's shared-arc topology, an R-tree of feature bounds and the
/// label points; simplified geometry per zoom is made on first use and cached, so concurrent
/// [`render`](Self::render) calls (it is `Sync`) share it.
///
/// ```
/// use buurt_tiles::{PropValue, SourceFeature, SourceLayer, TileId, TileSet, TileSetOptions};
/// use geo_types::{LineString, MultiPolygon, Polygon};
///
/// let tile = TileId::new(14, 8418, 5401)?;
/// let b = tile.bounds_web_mercator();
/// let (x0, y0, w) = (b.min().x, b.min().y, b.width());
/// let square = Polygon::new(
///     LineString::from(vec![(x0 + w * 0.25, y0 + w * 0.25), (x0 + w * 0.75, y0 + w * 0.25), (x0 + w * 0.75, y0 + w * 0.75), (x0 + w * 0.25, y0 + w * 0.75)]),
///     vec![],
/// );
/// let buurt = SourceLayer {
///     name: "buurt".into(),
///     features: vec![SourceFeature { id: 1, code: "BU03440111".into(), name: "Welgelegen".into(), geometry_web_mercator: MultiPolygon(vec![square]) }],
/// };
/// let tiles = TileSet::new(vec![buurt], TileSetOptions::default())?;
/// let bytes = tiles.render(tile, &["buurt", "label"], &|_layer, _f| vec![("inwoners".into(), PropValue::Double(1234.0))])?;
/// let decoded = buurt_tiles::mvt::decode_tile(&bytes)?;
/// let feature = &decoded.layer("buurt").unwrap().features[0];
/// assert_eq!(feature.property("code"), Some(&PropValue::from("BU03440111")));
/// assert_eq!(feature.property("inwoners"), Some(&PropValue::Double(1234.0)));
/// assert_eq!(decoded.layer("label").unwrap().features.len(), 1);
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
#[derive(Debug)]
pub struct TileSet {
    layers: Vec<PreparedLayer>,
    /// Label points of all layers, tagged (layer index, feature index).
    labels: RTree<GeomWithData<[f64; 2], (u32, u32)>>,
    options: TileSetOptions,
}

impl TileSet {
    /// Prepare layers for tiling. Fails on a duplicate or reserved layer name, a feature without
    /// polygons, or a coordinate that is not finite (naming the layer and region code).
    pub fn new(layers: Vec<SourceLayer>, options: TileSetOptions) -> Result<Self> {
        options.validate()?;
        for (i, layer) in layers.iter().enumerate() {
            if layer.name.is_empty() {
                return Err(TileError::LayerName {
                    name: layer.name.clone(),
                    problem: "is empty",
                });
            }
            if layer.name == LABEL_LAYER {
                return Err(TileError::LayerName {
                    name: layer.name.clone(),
                    problem: "is reserved for the label points",
                });
            }
            if layers[..i].iter().any(|l| l.name == layer.name) {
                return Err(TileError::LayerName {
                    name: layer.name.clone(),
                    problem: "is given twice",
                });
            }
            for feature in &layer.features {
                check_geometry(&layer.name, feature)?;
            }
        }
        // Layers are independent: each on a thread of its own (the national gemeente and wijk
        // layers take a few tenths of a second each, which `buurt serve` waits for at start).
        let prepared: Vec<PreparedLayer> = std::thread::scope(|scope| {
            let handles: Vec<_> = layers
                .into_iter()
                .map(|source| scope.spawn(move || PreparedLayer::new(source, &options)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut label_points = Vec::new();
        for (layer_index, layer) in prepared.iter().enumerate() {
            for (i, label) in layer.labels.iter().enumerate() {
                if let Some(p) = label {
                    label_points.push(GeomWithData::new(
                        [p.x, p.y],
                        (layer_index as u32, i as u32),
                    ));
                }
            }
        }
        Ok(Self {
            layers: prepared,
            labels: RTree::bulk_load(label_points),
            options,
        })
    }

    /// The options the tile set was built with.
    #[must_use]
    pub fn options(&self) -> &TileSetOptions {
        &self.options
    }

    /// Names of the source layers, in the order given.
    #[must_use]
    pub fn layer_names(&self) -> Vec<&str> {
        self.layers.iter().map(|l| l.source.name.as_str()).collect()
    }

    /// A source layer by name.
    #[must_use]
    pub fn source_layer(&self, name: &str) -> Option<&SourceLayer> {
        self.layers
            .iter()
            .find(|l| l.source.name == name)
            .map(|l| &l.source)
    }

    /// The label point of a feature (EPSG:3857): inside its largest polygon, computed on the
    /// unsimplified geometry.
    #[must_use]
    pub fn label_point_web_mercator(
        &self,
        layer: &str,
        feature_index: usize,
    ) -> Option<Coord<f64>> {
        let layer = self.layers.iter().find(|l| l.source.name == layer)?;
        layer.labels.get(feature_index).copied().flatten()
    }

    /// Bounds (EPSG:3857) of the named layers together; a name of [`LABEL_LAYER`] adds nothing.
    /// `None` when they hold no features.
    pub fn bounds_web_mercator(&self, layers: &[&str]) -> Result<Option<Rect<f64>>> {
        let mut out: Option<Rect<f64>> = None;
        for &name in layers {
            if name == LABEL_LAYER {
                continue;
            }
            if let Some(b) = self.layer(name)?.bounds {
                out = Some(out.map_or(b, |o| union_rect(o, b)));
            }
        }
        Ok(out)
    }

    /// The geometry of every feature of a layer as simplified for zoom `z` (EPSG:3857), in
    /// feature order. Computed once per layer and zoom.
    pub fn simplified_web_mercator(&self, layer: &str, z: u8) -> Result<&[MultiPolygon<f64>]> {
        let layer = self.layer(layer)?;
        check_zoom(z, 0, 0)?;
        Ok(self.simplified(layer, z))
    }

    fn simplified<'a>(&self, layer: &'a PreparedLayer, z: u8) -> &'a [MultiPolygon<f64>] {
        layer.zooms[z as usize].get_or_init(|| {
            let tolerance_m = self.options.simplify_tolerance * tile_size_web_mercator_m(z)
                / f64::from(self.options.extent);
            layer.simplifier.simplify(tolerance_m)
        })
    }

    fn layer(&self, name: &str) -> Result<&PreparedLayer> {
        self.layer_index(name).map(|i| &self.layers[i])
    }

    fn layer_index(&self, name: &str) -> Result<usize> {
        self.layers
            .iter()
            .position(|l| l.source.name == name)
            .ok_or_else(|| TileError::UnknownLayer {
                name: name.to_owned(),
                known: self
                    .layers
                    .iter()
                    .map(|l| l.source.name.as_str())
                    .chain([LABEL_LAYER])
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Render one tile as an uncompressed Mapbox Vector Tile (2.1, extent and buffer from the
    /// options), with the requested layers in the order asked. Layers without features in this
    /// tile are left out; a tile with no features at all is empty (zero bytes, a valid tile).
    ///
    /// Every polygon feature carries `code` and `name`, then the properties `props` returns for
    /// it (called with the source layer's name). [`LABEL_LAYER`] holds one point per feature of
    /// the polygon layers requested alongside it (of all layers when it is requested alone),
    /// with `layer`, `code`, `name` and the same properties; each point is in exactly one tile
    /// per zoom, the one that contains it.
    ///
    /// **Suppressed values are the caller's responsibility**: `props` must leave a suppressed or
    /// missing indicator out and add `<indicator>_missing` with the reason (e.g.
    /// `MissingReason::as_str()` of buurt-core) instead, so no suppressed number ever reaches a
    /// tile. A key returned twice keeps its first value.
    pub fn render(&self, tile: TileId, layers: &[&str], props: &PropertyFn<'_>) -> Result<Vec<u8>> {
        self.render_with_fields(tile, layers, props)
            .map(|(bytes, _)| bytes)
    }

    pub(crate) fn render_with_fields(
        &self,
        tile: TileId,
        layers: &[&str],
        props: &PropertyFn<'_>,
    ) -> Result<(Vec<u8>, LayerFields)> {
        let mut polygon_layers: Vec<u32> = Vec::new();
        for &name in layers {
            if name != LABEL_LAYER {
                let index = self.layer_index(name)?;
                polygon_layers.push(index as u32);
            }
        }
        let frame = TileFrame::new(
            tile.bounds_web_mercator(),
            self.options.extent,
            self.options.buffer,
        );
        let mut out = Vec::new();
        let mut fields = Vec::new();
        for &name in layers {
            let encoder = if name == LABEL_LAYER {
                self.encode_labels(tile, &frame, &polygon_layers, props)
            } else {
                self.encode_polygons(self.layer(name)?, tile, &frame, props)
            };
            if !encoder.is_empty() {
                fields.push((name.to_owned(), encoder.finish(&mut out)));
            }
        }
        Ok((out, fields))
    }

    fn encode_polygons(
        &self,
        layer: &PreparedLayer,
        tile: TileId,
        frame: &TileFrame,
        props: &PropertyFn<'_>,
    ) -> LayerEncoder {
        let mut encoder = LayerEncoder::new(&layer.source.name, self.options.extent);
        let clip_box = frame.clip_box_web_mercator();
        let envelope = AABB::from_corners(
            [clip_box.min().x, clip_box.min().y],
            [clip_box.max().x, clip_box.max().y],
        );
        let mut candidates: Vec<u32> = layer
            .index
            .locate_in_envelope_intersecting(&envelope)
            .map(|g| g.data)
            .collect();
        if candidates.is_empty() {
            return encoder;
        }
        candidates.sort_unstable();
        // Simplified geometry lies within the original's bounds (Douglas–Peucker keeps a subset
        // of vertices), so the R-tree of original bounds selects correctly at every zoom.
        let geometries = self.simplified(layer, tile.z());
        for i in candidates {
            let feature = &layer.source.features[i as usize];
            if let Clipped::Polygons(polygons) = clip_multipolygon(&geometries[i as usize], frame) {
                let properties = feature_properties(None, &layer.source.name, feature, props);
                encoder.add_feature(
                    feature.id,
                    &properties,
                    &FeatureGeometry::Polygons(&polygons),
                );
            }
        }
        encoder
    }

    fn encode_labels(
        &self,
        tile: TileId,
        frame: &TileFrame,
        polygon_layers: &[u32],
        props: &PropertyFn<'_>,
    ) -> LayerEncoder {
        let mut encoder = LayerEncoder::new(LABEL_LAYER, self.options.extent);
        let b = tile.bounds_web_mercator();
        let envelope = AABB::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
        let mut hits: Vec<(u32, u32, [f64; 2])> = self
            .labels
            .locate_in_envelope_intersecting(&envelope)
            .filter(|g| polygon_layers.is_empty() || polygon_layers.contains(&g.data.0))
            .filter(|g| {
                tile_of_point_web_mercator(
                    Coord {
                        x: g.geom()[0],
                        y: g.geom()[1],
                    },
                    tile.z(),
                ) == (tile.x(), tile.y())
            })
            .map(|g| (g.data.0, g.data.1, *g.geom()))
            .collect();
        hits.sort_unstable_by_key(|h| (h.0, h.1));
        for (l, f, [x, y]) in hits {
            let layer = &self.layers[l as usize];
            let feature = &layer.source.features[f as usize];
            let p = frame.to_tile(Coord { x, y });
            let properties =
                feature_properties(Some(&layer.source.name), &layer.source.name, feature, props);
            encoder.add_feature(
                feature.id,
                &properties,
                &FeatureGeometry::Point([p.x.round() as i32, p.y.round() as i32]),
            );
        }
        encoder
    }
}

fn feature_properties(
    label_of: Option<&str>,
    layer: &str,
    feature: &SourceFeature,
    props: &PropertyFn<'_>,
) -> Vec<(String, PropValue)> {
    let mut out = Vec::with_capacity(8);
    if let Some(source) = label_of {
        out.push(("layer".to_owned(), PropValue::from(source)));
    }
    out.push(("code".to_owned(), PropValue::from(feature.code.as_str())));
    out.push(("name".to_owned(), PropValue::from(feature.name.as_str())));
    out.extend(props(layer, feature));
    out
}

fn check_geometry(layer: &str, feature: &SourceFeature) -> Result<()> {
    let error = |problem: String| TileError::InvalidGeometry {
        layer: layer.to_owned(),
        code: feature.code.clone(),
        problem,
    };
    if feature.geometry_web_mercator.0.is_empty() {
        return Err(error("has no polygon".into()));
    }
    for polygon in &feature.geometry_web_mercator.0 {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            if let Some(c) = ring
                .0
                .iter()
                .find(|c| !(c.x.is_finite() && c.y.is_finite()))
            {
                return Err(error(format!(
                    "coordinate ({}, {}) is not finite",
                    c.x, c.y
                )));
            }
            if let Some(c) = ring
                .0
                .iter()
                .find(|c| c.x.abs() > 2.1e7 || c.y.abs() > 3.0e7)
            {
                return Err(error(format!(
                    "coordinate ({}, {}) is outside the Web Mercator world; was it projected to EPSG:3857?",
                    c.x, c.y
                )));
            }
        }
    }
    Ok(())
}

fn union_rect(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_set_can_be_shared_between_server_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TileSet>();
    }
}
