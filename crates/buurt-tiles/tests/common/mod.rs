//! Fixtures and checks shared by the integration tests.
#![allow(dead_code, clippy::missing_panics_doc)]

use std::collections::HashMap;

use buurt_tiles::mvt::{DecodedTile, decode_tile, ring_area_doubled};
use buurt_tiles::{
    LABEL_LAYER, PyramidSpec, PyramidSummary, SourceFeature, SourceLayer, TileId, TileSet,
};
use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, BoundingRect, Intersects};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};

/// Spherical Web Mercator from WGS84 degrees (the standard formula, as EPSG:3857 defines it).
pub fn web_mercator_from_lon_lat(lon: f64, lat: f64) -> Coord<f64> {
    const R: f64 = 6_378_137.0;
    Coord {
        x: R * lon.to_radians(),
        y: R * (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
            .tan()
            .ln(),
    }
}

/// A deterministic number in [-1, 1] for a border and a vertex on it.
fn noise(a: i64, b: i64, k: i64) -> f64 {
    let mut z = (a.wrapping_mul(0x9E37_79B9)
        ^ b.wrapping_mul(0x85EB_CA6B)
        ^ k.wrapping_mul(0xC2B2_AE35)) as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// South-west corner of the synthetic grid: in Utrecht, in EPSG:3857 metres.
pub const GRID_ORIGIN: Coord<f64> = Coord {
    x: 560_123.4,
    y: 6_810_456.7,
};
/// Side of one grid cell in metres.
pub const CELL_M: f64 = 500.0;
/// Columns and rows of the grid.
pub const GRID_COLUMNS: i64 = 6;
pub const GRID_ROWS: i64 = 5;
/// Vertices per shared border.
const BORDER_VERTICES: i64 = 60;

/// A grid of `columns` × `rows` cells of [`CELL_M`] from [`GRID_ORIGIN`].
#[derive(Debug, Clone, Copy)]
pub struct Grid {
    pub columns: i64,
    pub rows: i64,
    /// Vertices on each border between two cells.
    pub border_vertices: i64,
}

impl Grid {
    /// A border from node (i, j) to the next node east (horizontal) or north (vertical): jagged
    /// (±4 % of a cell) with many vertices between two cells, straight on the grid's outside.
    fn border(self, i: i64, j: i64, horizontal: bool) -> Vec<Coord<f64>> {
        let start = Coord {
            x: GRID_ORIGIN.x + i as f64 * CELL_M,
            y: GRID_ORIGIN.y + j as f64 * CELL_M,
        };
        let outer = if horizontal {
            j == 0 || j == self.rows
        } else {
            i == 0 || i == self.columns
        };
        let steps = if outer { 1 } else { self.border_vertices };
        (0..=steps)
            .map(|k| {
                let along = k as f64 / steps as f64 * CELL_M;
                let across = if k == 0 || k == steps || outer {
                    0.0
                } else {
                    noise(i, j + if horizontal { 1_000_000 } else { 0 }, k) * CELL_M * 0.04
                };
                if horizontal {
                    Coord {
                        x: start.x + along,
                        y: start.y + across,
                    }
                } else {
                    Coord {
                        x: start.x + across,
                        y: start.y + along,
                    }
                }
            })
            .collect()
    }

    /// Cell (i, j) as a polygon whose borders are shared exactly with its neighbours.
    fn cell(self, i: i64, j: i64) -> Polygon<f64> {
        let mut ring: Vec<Coord<f64>> = Vec::new();
        let mut push = |points: Vec<Coord<f64>>| {
            for p in points {
                if ring.last() != Some(&p) {
                    ring.push(p);
                }
            }
        };
        push(self.border(i, j, true));
        push(self.border(i + 1, j, false));
        push(self.border(i, j + 1, true).into_iter().rev().collect());
        push(self.border(i, j, false).into_iter().rev().collect());
        Polygon::new(LineString(ring), vec![])
    }

    /// The grid as layer `buurt`, feature ids from 1 row by row.
    pub fn layer(self) -> SourceLayer {
        let mut features = Vec::new();
        for j in 0..self.rows {
            for i in 0..self.columns {
                features.push(SourceFeature {
                    id: (j * self.columns + i + 1) as u64,
                    code: format!("BU{i:04}{j:04}"),
                    name: format!("Cel {i},{j}"),
                    geometry_web_mercator: MultiPolygon(vec![self.cell(i, j)]),
                });
            }
        }
        SourceLayer {
            name: "buurt".into(),
            features,
        }
    }
}

/// The test grid: 6 × 5 adjacent cells of 500 m with jagged shared borders of 60 vertices.
pub const TEST_GRID: Grid = Grid {
    columns: GRID_COLUMNS,
    rows: GRID_ROWS,
    border_vertices: BORDER_VERTICES,
};

/// [`TEST_GRID`] as layer `buurt`.
pub fn grid_layer() -> SourceLayer {
    TEST_GRID.layer()
}

/// Bounds of the grid.
pub fn grid_bounds() -> Rect<f64> {
    Rect::new(
        GRID_ORIGIN,
        Coord {
            x: GRID_ORIGIN.x + GRID_COLUMNS as f64 * CELL_M,
            y: GRID_ORIGIN.y + GRID_ROWS as f64 * CELL_M,
        },
    )
}

fn rect_ring(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
    LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
}

/// Layer `wijk` with odd shapes east of the grid: a square with a hole (id 1), the island that
/// fills the hole (id 2), and a U shape whose centroid lies in its notch (id 3).
pub fn shapes_layer() -> SourceLayer {
    let x = GRID_ORIGIN.x + 4000.0;
    let y = GRID_ORIGIN.y;
    let donut = Polygon::new(
        rect_ring(x, y, x + 1000.0, y + 1000.0),
        vec![rect_ring(x + 300.0, y + 300.0, x + 700.0, y + 700.0)],
    );
    let island = Polygon::new(
        rect_ring(x + 300.0, y + 300.0, x + 700.0, y + 700.0),
        vec![],
    );
    let (ux, uy) = (x, y + 1500.0);
    let u = Polygon::new(
        LineString::from(vec![
            (ux, uy),
            (ux + 900.0, uy),
            (ux + 900.0, uy + 900.0),
            (ux + 700.0, uy + 900.0),
            (ux + 700.0, uy + 200.0),
            (ux + 200.0, uy + 200.0),
            (ux + 200.0, uy + 900.0),
            (ux, uy + 900.0),
            (ux, uy),
        ]),
        vec![],
    );
    let feature = |id: u64, name: &str, polygon: Polygon<f64>| SourceFeature {
        id,
        code: format!("WK99990{id}"),
        name: name.into(),
        geometry_web_mercator: MultiPolygon(vec![polygon]),
    };
    SourceLayer {
        name: "wijk".into(),
        features: vec![
            feature(1, "Ring", donut),
            feature(2, "Eiland", island),
            feature(3, "Hoefijzer", u),
        ],
    }
}

/// Render and decode.
pub fn render_decoded(tiles: &TileSet, tile: TileId, layers: &[&str]) -> DecodedTile {
    let bytes = tiles
        .render(tile, layers, &|_, _| Vec::new())
        .expect("render");
    decode_tile(&bytes).expect("decode")
}

/// The pyramid of layer `buurt` and its labels from z0 to `max_zoom`, without properties, on two
/// threads: the tiles written and the summary.
pub fn buurt_pyramid(tiles: &TileSet, max_zoom: u8) -> (Vec<(TileId, Vec<u8>)>, PyramidSummary) {
    let spec = PyramidSpec {
        min_zoom: 0,
        max_zoom,
        layers: &["buurt", LABEL_LAYER],
        threads: 2,
    };
    let mut out: Vec<(TileId, Vec<u8>)> = Vec::new();
    let summary = tiles
        .build_pyramid(&spec, &|_, _| Vec::new(), &mut out)
        .expect("the pyramid");
    (out, summary)
}

/// The tile as a polygon in EPSG:3857.
pub fn tile_polygon(tile: TileId) -> Polygon<f64> {
    tile.bounds_web_mercator().to_polygon()
}

/// Whether a feature's polygon shares area with the tile (more than `min_area_m2`).
pub fn overlaps_tile(geometry: &MultiPolygon<f64>, tile: TileId, min_area_m2: f64) -> bool {
    let rect = tile.bounds_web_mercator();
    match geometry.bounding_rect() {
        Some(b) if b.intersects(&rect) => {}
        _ => return false,
    }
    geometry
        .intersection(&MultiPolygon(vec![tile_polygon(tile)]))
        .unsigned_area()
        > min_area_m2
}

/// Check that every feature of `layer` overlapping `tile` appears in it exactly once, that every
/// feature in it reaches the buffered tile, that all vertices stay within extent + buffer, and
/// that rings follow MVT 2.1 winding. Returns the number of features in the tile.
pub fn check_tile(
    tiles: &TileSet,
    source: &SourceLayer,
    tile: TileId,
    decoded: &DecodedTile,
) -> usize {
    let options = tiles.options();
    let (extent, buffer) = (options.extent as i32, options.buffer as i32);
    let by_id: HashMap<u64, &SourceFeature> = source.features.iter().map(|f| (f.id, f)).collect();
    let mut seen: HashMap<u64, usize> = HashMap::new();
    if let Some(layer) = decoded.layer(&source.name) {
        assert_eq!(layer.extent, options.extent);
        assert_eq!(layer.version, 2);
        for feature in &layer.features {
            let id = feature.id.expect("feature id");
            *seen.entry(id).or_default() += 1;
            for p in feature.geometry.points() {
                assert!(
                    (-buffer..=extent + buffer).contains(&p[0])
                        && (-buffer..=extent + buffer).contains(&p[1]),
                    "{tile}: feature {id} vertex {p:?} outside extent + buffer"
                );
            }
            let polygons = feature.geometry.polygons();
            assert!(!polygons.is_empty(), "{tile}: feature {id} has no polygon");
            for polygon in polygons {
                assert!(
                    ring_area_doubled(polygon[0]) > 0,
                    "{tile}: feature {id} exterior ring not clockwise"
                );
                for hole in &polygon[1..] {
                    assert!(
                        ring_area_doubled(hole) < 0,
                        "{tile}: feature {id} hole not counter-clockwise"
                    );
                }
            }
            let source_feature = by_id
                .get(&id)
                .unwrap_or_else(|| panic!("{tile}: unknown feature id {id}"));
            let buffered = {
                let b = tile.bounds_web_mercator();
                let m = b.width() * f64::from(options.buffer) / f64::from(options.extent);
                Rect::new(
                    Coord {
                        x: b.min().x - m,
                        y: b.min().y - m,
                    },
                    Coord {
                        x: b.max().x + m,
                        y: b.max().y + m,
                    },
                )
            };
            assert!(
                source_feature
                    .geometry_web_mercator
                    .bounding_rect()
                    .is_some_and(|r| r.intersects(&buffered)),
                "{tile}: feature {id} is far from the tile"
            );
        }
    }
    for (id, n) in &seen {
        assert_eq!(*n, 1, "{tile}: feature {id} appears {n} times");
    }
    let unit_m2 = (tile.bounds_web_mercator().width() / f64::from(options.extent)).powi(2);
    for feature in &source.features {
        if overlaps_tile(&feature.geometry_web_mercator, tile, unit_m2 * 1e-3) {
            assert!(
                seen.contains_key(&feature.id),
                "{tile}: feature {} ({}) overlaps the tile but is missing",
                feature.id,
                feature.code
            );
        }
    }
    seen.len()
}

/// A directed segment, by the bits of its end points.
type Segment = ((u64, u64), (u64, u64));

/// Directed segments of closed rings.
fn segments(ring: &[Coord<f64>]) -> impl Iterator<Item = Segment> + '_ {
    let k = |c: Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    ring.windows(2).map(move |w| (k(w[0]), k(w[1])))
}

/// Shared-border check on simplified geometry: every segment is used once (outer boundary) or
/// exactly twice in opposite directions (a border two polygons share), never twice the same way,
/// and the polygons neither overlap nor leave holes: the area of their union equals the sum of
/// their areas, and the union has as many holes as the unsimplified union.
pub fn check_shared_borders(simplified: &[MultiPolygon<f64>], original: &[MultiPolygon<f64>]) {
    // Exteriors counter-clockwise and holes clockwise, so that neighbours walk borders oppositely
    // (and unary_union reads them right).
    let oriented = |g: &[MultiPolygon<f64>]| -> Vec<MultiPolygon<f64>> {
        g.iter().map(|mp| mp.orient(Direction::Default)).collect()
    };
    let simplified = &oriented(simplified);
    let mut uses: HashMap<Segment, usize> = HashMap::new();
    for mp in simplified {
        for polygon in &mp.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for s in segments(&ring.0) {
                    *uses.entry(s).or_default() += 1;
                }
            }
        }
    }
    for (&(a, b), &n) in &uses {
        assert_eq!(
            n, 1,
            "segment {a:?}→{b:?} used {n} times in one direction: overlap"
        );
    }
    let sum: f64 = simplified.iter().map(Area::unsigned_area).sum();
    let union = geo::unary_union(simplified.iter());
    let union_area = union.unsigned_area();
    assert!(
        (sum - union_area).abs() <= 1e-6 * sum,
        "polygons overlap: sum of areas {sum} vs union {union_area}"
    );
    let holes =
        |mp: &MultiPolygon<f64>| -> usize { mp.0.iter().map(|p| p.interiors().len()).sum() };
    let original_union = geo::unary_union(oriented(original).iter());
    assert_eq!(
        holes(&union),
        holes(&original_union),
        "simplification opened a gap between neighbours"
    );
    assert_eq!(
        union.0.len(),
        original_union.0.len(),
        "the union fell apart or merged parts"
    );
}

/// Count of vertices.
pub fn vertex_count(geometries: &[MultiPolygon<f64>]) -> usize {
    geometries
        .iter()
        .flat_map(|mp| &mp.0)
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}
