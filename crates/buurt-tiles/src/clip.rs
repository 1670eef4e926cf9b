//! Clipping polygons to a tile plus its buffer and snapping them to the tile grid.
//!
//! Rings are clipped one by one (Sutherland–Hodgman: exact for the area, though a concave ring
//! can leave zero-width runs along the buffer edge, which renderers ignore), transformed to tile
//! units (y down), rounded, cleaned and oriented as MVT 2.1 wants: exterior rings with positive
//! area by the spec's shoelace formula (clockwise on screen), holes negative.

use geo_types::{Coord, MultiPolygon, Rect};

use crate::mvt::{TileRing, ring_area_doubled};

/// Areas (in tile units²) below this are what clipping leaves of a polygon that only touches
/// the clip box: not an intersection.
const MIN_CLIPPED_AREA: f64 = 1e-6;

/// Where a tile lies and how big its grid is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TileFrame {
    min_x: f64,
    max_y: f64,
    scale: f64,
    lo: f64,
    hi: f64,
}

impl TileFrame {
    /// The frame of a tile with `bounds` (EPSG:3857), `extent` units across and `buffer` units of
    /// margin on every side.
    pub fn new(bounds: Rect<f64>, extent: u32, buffer: u32) -> Self {
        Self {
            min_x: bounds.min().x,
            max_y: bounds.max().y,
            scale: f64::from(extent) / bounds.width(),
            lo: -f64::from(buffer),
            hi: f64::from(extent) + f64::from(buffer),
        }
    }

    /// A Web Mercator point in (unrounded) tile units.
    pub fn to_tile(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.min_x) * self.scale,
            y: (self.max_y - c.y) * self.scale,
        }
    }

    /// The clip box (tile plus buffer) in Web Mercator metres.
    pub fn clip_box_web_mercator(&self) -> Rect<f64> {
        Rect::new(
            Coord {
                x: self.min_x + self.lo / self.scale,
                y: self.max_y - self.hi / self.scale,
            },
            Coord {
                x: self.min_x + self.hi / self.scale,
                y: self.max_y - self.lo / self.scale,
            },
        )
    }
}

/// What is left of a feature in a tile.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Clipped {
    /// The feature does not reach into the tile's clip box.
    Outside,
    /// Polygons (exterior ring first, then holes), oriented and on the grid.
    Polygons(Vec<Vec<TileRing>>),
}

/// Clip, transform, round and orient a multipolygon for one tile. A feature that reaches into
/// the clip box but rounds away entirely is kept as a one-unit square, so that it stays in the
/// tile (clickable, counted) however small it is at this zoom.
pub(crate) fn clip_multipolygon(geometry: &MultiPolygon<f64>, frame: &TileFrame) -> Clipped {
    let mut polygons = Vec::new();
    let mut collapsed_at: Option<Coord<f64>> = None;
    for polygon in &geometry.0 {
        let exterior = clip_ring(
            polygon.exterior().0.iter().map(|&c| frame.to_tile(c)),
            frame,
        );
        let holes: Vec<Vec<Coord<f64>>> = polygon
            .interiors()
            .iter()
            .map(|hole| clip_ring(hole.0.iter().map(|&c| frame.to_tile(c)), frame))
            .filter(|hole| !hole.is_empty())
            .collect();
        // What is left of the polygon here, holes taken out: nothing when the tile lies in a hole.
        let area = shoelace(&exterior).abs() - holes.iter().map(|h| shoelace(h).abs()).sum::<f64>();
        if area <= MIN_CLIPPED_AREA {
            continue;
        }
        let Some(exterior_on_grid) = to_grid(&exterior, true) else {
            collapsed_at.get_or_insert_with(|| bbox_center(&exterior));
            continue;
        };
        let mut rings = vec![exterior_on_grid];
        rings.extend(holes.iter().filter_map(|hole| to_grid(hole, false)));
        polygons.push(rings);
    }
    if polygons.is_empty() {
        let Some(at) = collapsed_at else {
            return Clipped::Outside;
        };
        // Keep the square inside the clip box.
        let x = at.x.floor().clamp(frame.lo, frame.hi - 1.0) as i32;
        let y = at.y.floor().clamp(frame.lo, frame.hi - 1.0) as i32;
        polygons.push(vec![vec![[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1]]]);
    }
    Clipped::Polygons(polygons)
}

fn bbox_center(ring: &[Coord<f64>]) -> Coord<f64> {
    bounds_of(ring).map_or(ring[0], Rect::center)
}

/// The bounding box of some points; `None` without points.
pub(crate) fn bounds_of(points: &[Coord<f64>]) -> Option<Rect<f64>> {
    let first = *points.first()?;
    let (min, max) = points.iter().fold((first, first), |(min, max), c| {
        (
            Coord {
                x: min.x.min(c.x),
                y: min.y.min(c.y),
            },
            Coord {
                x: max.x.max(c.x),
                y: max.y.max(c.y),
            },
        )
    });
    Some(Rect::new(min, max))
}

/// Clip a ring (given with or without closing point) to the frame's box, returning it without
/// closing point.
fn clip_ring(points: impl Iterator<Item = Coord<f64>>, frame: &TileFrame) -> Vec<Coord<f64>> {
    let mut ring: Vec<Coord<f64>> = points.collect();
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    if ring.len() < 3 {
        return Vec::new();
    }
    let (mut min, mut max) = (ring[0], ring[0]);
    for c in &ring {
        min = Coord {
            x: min.x.min(c.x),
            y: min.y.min(c.y),
        };
        max = Coord {
            x: max.x.max(c.x),
            y: max.y.max(c.y),
        };
    }
    if max.x < frame.lo || min.x > frame.hi || max.y < frame.lo || min.y > frame.hi {
        return Vec::new();
    }
    if min.x >= frame.lo && max.x <= frame.hi && min.y >= frame.lo && max.y <= frame.hi {
        return ring;
    }
    for (axis, bound, keep_above) in [
        (0, frame.lo, true),
        (0, frame.hi, false),
        (1, frame.lo, true),
        (1, frame.hi, false),
    ] {
        ring = clip_edge(&ring, axis, bound, keep_above);
        if ring.is_empty() {
            break;
        }
    }
    ring
}

fn get(c: Coord<f64>, axis: usize) -> f64 {
    if axis == 0 { c.x } else { c.y }
}

fn clip_edge(ring: &[Coord<f64>], axis: usize, bound: f64, keep_above: bool) -> Vec<Coord<f64>> {
    let inside = |c: Coord<f64>| {
        if keep_above {
            get(c, axis) >= bound
        } else {
            get(c, axis) <= bound
        }
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    let n = ring.len();
    for i in 0..n {
        let current = ring[i];
        let previous = ring[(i + n - 1) % n];
        match (inside(previous), inside(current)) {
            (true, true) => out.push(current),
            (false, true) => {
                out.push(intersect(previous, current, axis, bound));
                out.push(current);
            }
            (true, false) => out.push(intersect(previous, current, axis, bound)),
            (false, false) => {}
        }
    }
    out
}

/// The point where segment p–q crosses the line `axis = bound`. The end points are put in a fixed
/// order first, so that the two neighbours walking a shared border in opposite directions get
/// bit-identical points.
fn intersect(from: Coord<f64>, to: Coord<f64>, axis: usize, bound: f64) -> Coord<f64> {
    let (a, b) = if (from.x, from.y) <= (to.x, to.y) {
        (from, to)
    } else {
        (to, from)
    };
    let t = (bound - get(a, axis)) / (get(b, axis) - get(a, axis));
    if axis == 0 {
        Coord {
            x: bound,
            y: a.y + t * (b.y - a.y),
        }
    } else {
        Coord {
            x: a.x + t * (b.x - a.x),
            y: bound,
        }
    }
}

/// Shoelace area as the MVT spec computes it (tile units, y down): positive for exterior rings.
fn shoelace(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    let mut sum = 0.0;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        sum += a.x * b.y - b.x * a.y;
    }
    sum / 2.0
}

/// Round to the grid, drop repeated points, and orient (exterior: positive area). `None` when the
/// ring has no area left.
fn to_grid(ring: &[Coord<f64>], exterior: bool) -> Option<TileRing> {
    let mut out: TileRing = Vec::with_capacity(ring.len());
    for c in ring {
        let p = [c.x.round() as i32, c.y.round() as i32];
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    let area2 = ring_area_doubled(&out);
    if area2 == 0 {
        return None;
    }
    if (area2 > 0) != exterior {
        out.reverse();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use geo_types::{LineString, Polygon};

    use super::*;

    fn frame() -> TileFrame {
        // A tile of 4096 m from (0, 0) to (4096, 4096): one unit per metre.
        TileFrame::new(
            Rect::new(
                Coord { x: 0.0, y: 0.0 },
                Coord {
                    x: 4096.0,
                    y: 4096.0,
                },
            ),
            4096,
            64,
        )
    }

    fn mp(exterior: Vec<(f64, f64)>, holes: Vec<Vec<(f64, f64)>>) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(exterior),
            holes.into_iter().map(LineString::from).collect(),
        )])
    }

    #[test]
    fn big_polygon_is_clipped_to_the_buffer_box() {
        let g = mp(
            vec![
                (-10_000.0, -10_000.0),
                (10_000.0, -10_000.0),
                (10_000.0, 10_000.0),
                (-10_000.0, 10_000.0),
            ],
            vec![],
        );
        let Clipped::Polygons(p) = clip_multipolygon(&g, &frame()) else {
            panic!()
        };
        assert_eq!(p.len(), 1);
        let ring = &p[0][0];
        assert_eq!(ring.len(), 4);
        for pt in ring {
            assert!(pt[0] == -64 || pt[0] == 4160);
            assert!(pt[1] == -64 || pt[1] == 4160);
        }
        assert!(ring_area_doubled(ring) > 0);
    }

    #[test]
    fn orientation_follows_the_role_not_the_input() {
        // Input exterior clockwise in y-up and hole counter-clockwise: both wrong for GeoJSON,
        // and irrelevant here.
        let g = mp(
            vec![
                (100.0, 100.0),
                (100.0, 900.0),
                (900.0, 900.0),
                (900.0, 100.0),
            ],
            vec![vec![
                (300.0, 300.0),
                (600.0, 300.0),
                (600.0, 600.0),
                (300.0, 600.0),
            ]],
        );
        let Clipped::Polygons(p) = clip_multipolygon(&g, &frame()) else {
            panic!()
        };
        assert!(ring_area_doubled(&p[0][0]) > 0);
        assert!(ring_area_doubled(&p[0][1]) < 0);
        // y is flipped: a point 100 m above the tile's bottom is 3996 units down.
        assert!(p[0][0].iter().any(|pt| pt == &[100, 3996]));
    }

    #[test]
    fn a_tile_inside_a_hole_is_outside() {
        let g = mp(
            vec![
                (-9000.0, -9000.0),
                (9000.0, -9000.0),
                (9000.0, 9000.0),
                (-9000.0, 9000.0),
            ],
            vec![vec![
                (-5000.0, -5000.0),
                (5000.0, -5000.0),
                (5000.0, 5000.0),
                (-5000.0, 5000.0),
            ]],
        );
        assert_eq!(clip_multipolygon(&g, &frame()), Clipped::Outside);
    }

    #[test]
    fn outside_and_tiny_polygons() {
        let far = mp(
            vec![(9000.0, 9000.0), (9100.0, 9000.0), (9100.0, 9100.0)],
            vec![],
        );
        assert_eq!(clip_multipolygon(&far, &frame()), Clipped::Outside);
        let tiny = mp(
            vec![(10.0, 10.0), (10.2, 10.0), (10.2, 10.2), (10.0, 10.2)],
            vec![],
        );
        let Clipped::Polygons(p) = clip_multipolygon(&tiny, &frame()) else {
            panic!()
        };
        assert_eq!(
            p,
            vec![vec![vec![[10, 4085], [11, 4085], [11, 4086], [10, 4086]]]]
        );
        assert!(ring_area_doubled(&p[0][0]) > 0);
    }

    #[test]
    fn shared_edges_clip_to_identical_points() {
        // Two triangles sharing the slanted edge, walked in opposite directions, crossing x = -64.
        let a = mp(vec![(-500.0, 1.3), (300.0, 777.7), (-500.0, 900.0)], vec![]);
        let b = mp(vec![(-500.0, 1.3), (300.0, 0.0), (300.0, 777.7)], vec![]);
        let pa = match clip_multipolygon(&a, &frame()) {
            Clipped::Polygons(p) => p,
            Clipped::Outside => panic!(),
        };
        let pb = match clip_multipolygon(&b, &frame()) {
            Clipped::Polygons(p) => p,
            Clipped::Outside => panic!(),
        };
        let on_edge = |ring: &TileRing| -> Vec<[i32; 2]> {
            ring.iter().copied().filter(|p| p[0] == -64).collect()
        };
        let ea = on_edge(&pa[0][0]);
        let eb = on_edge(&pb[0][0]);
        assert!(ea.iter().any(|p| eb.contains(p)), "{ea:?} {eb:?}");
    }
}
