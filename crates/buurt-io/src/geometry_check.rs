//! Checking and repairing region polygons (in RD metres) before anything measures or draws them.
//!
//! Every boundary loader sends each feature through [`check_polygons`]:
//!
//! 1. Coordinates must be finite and within [`MAX_COORDINATE_M`] of the origin, else the
//!    feature is rejected (larger ones are no projected position on Earth; they overflow areas
//!    and break geo's predicates).
//! 2. Repeated consecutive vertices are dropped; an unclosed ring is closed (noted).
//! 3. A ring with fewer than 4 positions (3 distinct points) or with all points on one line has no
//!    area: a hole is dropped, a polygon whose exterior is degenerate is dropped (noted). So is a
//!    valid polygon that, measured, encloses no area (a spike out and back). A feature left
//!    without polygons is rejected.
//! 4. Exteriors are turned counter-clockwise and holes clockwise (RFC 7946, OGC).
//! 5. Invalid polygons — self-intersecting rings, holes crossing the exterior, parts that overlap
//!    or share an edge — are **repaired** by recomputing the area they enclose with the non-zero
//!    winding rule (geo's `BooleanOps`, backed by i_overlay). The repair is accepted only when
//!    it keeps the area within [`REPAIR_AREA_TOLERANCE`] of the area the rings enclose as drawn
//!    (exteriors minus holes, by the shoelace formula). Small crossings from simplification or
//!    rounding pass; a bow-tie, whose two lobes cancel in the shoelace sum, does not, because its
//!    intended outline cannot be known: it is rejected with [`IoError::Geometry`] naming the file
//!    and the region code.
//!
//! ```
//! use buurt_io::geometry_check::check_polygons;
//! use geo_types::coord;
//! // A square drawn clockwise and left open.
//! let ring = vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 0.0, y: 10.0 }, coord! { x: 10.0, y: 10.0 }, coord! { x: 10.0, y: 0.0 }];
//! let checked = check_polygons(vec![vec![ring]], "example.geojson".as_ref(), "BU03440111")?;
//! assert_eq!(checked.fixes.len(), 1); // closed the ring
//! assert_eq!(checked.geometry.0[0].exterior().0.len(), 5);
//! # Ok::<(), buurt_io::IoError>(())
//! ```

use std::path::Path;

use geo::algorithm::bool_ops::{BooleanOps, FillRule, OpType};
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::orient::{Direction, Orient};
use geo::{Area, BoundingRect, Intersects, Validation};
use geo_types::{Coord, Line, LineString, MultiPolygon, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::error::{IoError, Result};

/// A ring as read from a file: positions in order, possibly unclosed or with repeats.
pub type RawRing = Vec<Coord<f64>>;

/// A polygon as read from a file: the exterior ring first, then the holes.
pub type RawPolygon = Vec<RawRing>;

/// The largest relative change of area that a repair may make (1 %).
pub const REPAIR_AREA_TOLERANCE: f64 = 0.01;

/// The largest coordinate, in metres, a polygon may have (x or y, either sign): 100 000 km,
/// five times the largest Web Mercator coordinate and far beyond RD New's. Beyond it the
/// shoelace area overflows to infinity and geo's validity check panics (found by fuzzing).
pub const MAX_COORDINATE_M: f64 = 1e8;

/// A geometry that passed the checks, with what was changed to make it pass.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedGeometry {
    /// The valid geometry: exteriors counter-clockwise, holes clockwise, non-zero area.
    pub geometry: MultiPolygon<f64>,
    /// One sentence per change (closed ring, dropped degenerate ring, repaired intersection).
    pub fixes: Vec<String>,
}

/// Check and, where that is safe, repair the polygons of one region (coordinates in RD metres).
/// See the [module documentation](self) for the rules.
pub fn check_polygons(
    polygons: Vec<RawPolygon>,
    path: &Path,
    code: &str,
) -> Result<CheckedGeometry> {
    let reject = |problem: String| IoError::Geometry {
        path: path.to_path_buf(),
        code: code.to_owned(),
        problem,
    };
    let mut fixes = Vec::new();
    let mut parts = Vec::with_capacity(polygons.len());
    for (pi, rings) in polygons.into_iter().enumerate() {
        let mut kept: Vec<LineString<f64>> = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.into_iter().enumerate() {
            let what = if ri == 0 {
                format!("exterior ring of polygon {pi}")
            } else {
                format!("hole {ri} of polygon {pi}")
            };
            if let Some(bad) = ring.iter().find(|c| !c.x.is_finite() || !c.y.is_finite()) {
                return Err(reject(format!(
                    "{what} has a non-finite coordinate ({}, {})",
                    bad.x, bad.y
                )));
            }
            if let Some(far) = ring
                .iter()
                .find(|c| c.x.abs() > MAX_COORDINATE_M || c.y.abs() > MAX_COORDINATE_M)
            {
                return Err(reject(format!(
                    "{what} has a coordinate ({:e}, {:e}) beyond {MAX_COORDINATE_M:e} m: not metres of a projected CRS",
                    far.x, far.y
                )));
            }
            let (ring, closed) = clean_ring(ring);
            if closed {
                fixes.push(format!("{what} was not closed; closed it"));
            }
            if is_degenerate(&ring) {
                fixes.push(format!(
                    "dropped {what}: fewer than 3 distinct points or all on one line (no area)"
                ));
                if ri == 0 {
                    break; // the holes of a dropped polygon go with it
                }
                continue;
            }
            kept.push(LineString(ring));
        }
        if kept.is_empty() {
            continue;
        }
        let exterior = kept.remove(0);
        parts.push(Polygon::new(exterior, kept).orient(Direction::Default));
    }
    if parts.is_empty() {
        return Err(reject(NO_AREA.into()));
    }
    let geometry = MultiPolygon::new(parts);
    if let Err(invalid) = validate(&geometry) {
        let repaired = repair(&geometry);
        let drawn = area_as_drawn(&geometry);
        let after = repaired.unsigned_area();
        let change = (after - drawn).abs() / drawn.abs().max(after).max(f64::MIN_POSITIVE);
        if repaired.0.is_empty() || after <= 0.0 {
            return Err(reject(format!("{invalid}; the repaired geometry is empty")));
        }
        if change > REPAIR_AREA_TOLERANCE {
            return Err(reject(format!(
                "{invalid}; the rings enclose {drawn:.1} m² as drawn but {after:.1} m² after repair, so the intended outline is unclear"
            )));
        }
        if let Err(still) = validate(&repaired) {
            return Err(reject(format!(
                "{invalid}; still invalid after repair: {still}"
            )));
        }
        fixes.push(format!(
            "{invalid}: repaired with the non-zero winding rule ({drawn:.1} m² as drawn, {after:.1} m² after repair)"
        ));
        return without_empty_parts(repaired, fixes).ok_or_else(|| reject(NO_AREA.into()));
    }
    without_empty_parts(geometry, fixes).ok_or_else(|| reject(NO_AREA.into()))
}

const NO_AREA: &str = "no polygon with a non-zero area";

/// `geometry` without the valid parts that enclose no area, noted in `fixes`; `None` when
/// nothing is left. A spike out and back a femtometre wide has points off one line, so
/// [`is_degenerate`] keeps it, and it is valid, but measured it encloses nothing: kept, it gave a
/// region of area 0 (found by fuzzing). "Nothing" is at most 10⁻¹² of the square of the part's
/// extent, the tolerance of [`is_degenerate`].
fn without_empty_parts(
    geometry: MultiPolygon<f64>,
    mut fixes: Vec<String>,
) -> Option<CheckedGeometry> {
    let parts_before = geometry.0.len();
    let parts: Vec<Polygon<f64>> = geometry
        .0
        .into_iter()
        .filter(|p| {
            let extent = p
                .bounding_rect()
                .map_or(0.0, |r| r.width().hypot(r.height()));
            p.unsigned_area() > extent * extent * 1e-12
        })
        .collect();
    if parts.is_empty() {
        return None;
    }
    if parts.len() < parts_before {
        fixes.push(format!(
            "dropped {} of {parts_before} polygons: they enclose no area",
            parts_before - parts.len()
        ));
    }
    Some(CheckedGeometry {
        geometry: MultiPolygon::new(parts),
        fixes,
    })
}

/// Check a geometry that is already a geo-types value (geo-types closes rings on construction).
pub fn check_multipolygon(
    geometry: &MultiPolygon<f64>,
    path: &Path,
    code: &str,
) -> Result<CheckedGeometry> {
    let raw = geometry
        .iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.0.clone())
                .collect()
        })
        .collect();
    check_polygons(raw, path, code)
}

/// geo's validation, after a fast check that settles the common case.
fn validate(geometry: &MultiPolygon<f64>) -> std::result::Result<(), String> {
    if clearly_valid(geometry) {
        return Ok(());
    }
    geometry.check_validation().map_err(|e| e.to_string())
}

/// A sufficient condition for validity in O(n log n): no two edges of any rings meet except
/// consecutive edges at their shared vertex, every hole lies inside its exterior and outside the
/// other holes, and no part lies inside another. geo's own check compares every edge with every
/// other edge of the ring, which takes seconds for the 5 000-vertex outline of a gemeente; it is
/// only needed when rings touch or cross, to say how.
fn clearly_valid(geometry: &MultiPolygon<f64>) -> bool {
    struct Edge {
        ring: usize,
        index: usize,
        edges_in_ring: usize,
        line: Line<f64>,
    }
    let mut edges = Vec::new();
    let rings = geometry
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for (ring, line_string) in rings.enumerate() {
        let edges_in_ring = line_string.0.len().saturating_sub(1);
        for (index, line) in line_string.lines().enumerate() {
            edges.push(Edge {
                ring,
                index,
                edges_in_ring,
                line,
            });
        }
    }
    let envelope = |l: &Line<f64>| AABB::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]);
    let tree = RTree::bulk_load(
        edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                GeomWithData::new(
                    Rectangle::from_corners(
                        [e.line.start.x, e.line.start.y],
                        [e.line.end.x, e.line.end.y],
                    ),
                    i,
                )
            })
            .collect(),
    );
    for (i, a) in edges.iter().enumerate() {
        for candidate in tree.locate_in_envelope_intersecting(&envelope(&a.line)) {
            let j = candidate.data;
            if j <= i {
                continue;
            }
            let b = &edges[j];
            let Some(meeting) = line_intersection(a.line, b.line) else {
                continue;
            };
            let consecutive = a.ring == b.ring
                && (b.index == a.index + 1 || (a.index == 0 && b.index + 1 == a.edges_in_ring));
            // Consecutive edges share a vertex; a single meeting point can only be that vertex.
            if !(consecutive && matches!(meeting, LineIntersection::SinglePoint { .. })) {
                return false;
            }
        }
    }
    // Without crossings, one vertex tells on which side of another ring a whole ring lies.
    let inside = |ring: &LineString<f64>, of: &LineString<f64>| {
        let outline = Polygon::new(of.clone(), vec![]);
        outline.coordinate_position(&ring.0[0]) == CoordPos::Inside
    };
    let boxes_meet =
        |a: &LineString<f64>, b: &LineString<f64>| match (a.bounding_rect(), b.bounding_rect()) {
            (Some(a), Some(b)) => a.intersects(&b),
            _ => false,
        };
    for polygon in geometry {
        let holes = polygon.interiors();
        if holes.iter().any(|h| !inside(h, polygon.exterior())) {
            return false;
        }
        for (i, h) in holes.iter().enumerate() {
            if holes[i + 1..]
                .iter()
                .any(|o| boxes_meet(h, o) && (inside(h, o) || inside(o, h)))
            {
                return false;
            }
        }
    }
    let parts = &geometry.0;
    for (i, p) in parts.iter().enumerate() {
        for q in &parts[i + 1..] {
            if boxes_meet(p.exterior(), q.exterior())
                && (q.coordinate_position(&p.exterior().0[0]) != CoordPos::Outside
                    || p.coordinate_position(&q.exterior().0[0]) != CoordPos::Outside)
            {
                return false;
            }
        }
    }
    true
}

/// Drop consecutive repeats and close the ring; reports whether it had to be closed.
fn clean_ring(mut ring: RawRing) -> (RawRing, bool) {
    ring.dedup();
    let closed = match (ring.first(), ring.last()) {
        (Some(first), Some(last)) if ring.len() > 1 && first != last => {
            ring.push(*first);
            true
        }
        _ => false,
    };
    (ring, closed)
}

/// Fewer than three distinct points, or all points on one line.
fn is_degenerate(ring: &[Coord<f64>]) -> bool {
    if ring.len() < 4 {
        return true;
    }
    let origin = ring[0];
    // Measure against the farthest point so a short first edge does not hide a bend.
    let far = ring
        .iter()
        .copied()
        .max_by(|a, b| dist2(origin, *a).total_cmp(&dist2(origin, *b)))
        .unwrap_or(origin);
    let base = dist2(origin, far).sqrt();
    if base == 0.0 {
        return true;
    }
    ring.iter().all(|p| {
        let cross = (far.x - origin.x) * (p.y - origin.y) - (far.y - origin.y) * (p.x - origin.x);
        // Distance of p from the line, relative to the ring's extent.
        (cross / base).abs() <= base * 1e-12
    })
}

fn dist2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

/// The area the rings enclose by the shoelace formula: exteriors minus holes, each ring's signed
/// area taken as is (a bow-tie's lobes cancel).
fn area_as_drawn(geometry: &MultiPolygon<f64>) -> f64 {
    geometry
        .iter()
        .map(|p| {
            let exterior = Polygon::new(p.exterior().clone(), vec![])
                .signed_area()
                .abs();
            let holes: f64 = p
                .interiors()
                .iter()
                .map(|h| Polygon::new(h.clone(), vec![]).signed_area().abs())
                .sum();
            exterior - holes
        })
        .sum()
}

/// Recompute the enclosed area with the non-zero winding rule. Exteriors are counter-clockwise and
/// holes clockwise at this point, so holes wind back to zero and stay holes, while overlapping or
/// crossing parts fill.
fn repair(geometry: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let nothing = MultiPolygon::<f64>::new(vec![]);
    geometry
        .boolean_op_with_fill_rule(&nothing, OpType::Union, FillRule::NonZero)
        .orient(Direction::Default)
}

#[cfg(test)]
mod tests {
    use geo::algorithm::winding_order::Winding;
    use geo_types::{coord, polygon};

    use super::*;

    fn ring(points: &[(f64, f64)]) -> RawRing {
        points.iter().map(|&(x, y)| coord! { x: x, y: y }).collect()
    }

    fn check(polygons: Vec<RawPolygon>) -> Result<CheckedGeometry> {
        check_polygons(polygons, Path::new("test.geojson"), "BU03440111")
    }

    #[test]
    fn coordinates_beyond_the_earth_and_spikes_are_rejected() {
        // Found by tests/geojson_fuzz.rs. A coordinate near the limit of f64 gave an infinite
        // area, accepted; one of 1e300 made geo's validity check panic ("topology position
        // conflict"), so a GeoPackage in EPSG:28992 with such a vertex stopped `buurt`.
        let overflow = ring(&[
            (130_000.0, 130_000.0),
            (f64::MAX, 130_000.0),
            (130_000.0, 132_998.0),
        ]);
        let panicked = vec![
            ring(&[(130_000.0, 130_000.0), (1e15, -1e300), (0.0, 130_000.0)]),
            ring(&[(130_000.0, 136_239.3), (0.0, 0.0), (130_751.0, 130_000.0)]),
        ];
        for polygon in [vec![overflow], panicked] {
            let err = check(vec![polygon]).unwrap_err().to_string();
            assert!(
                err.contains("test.geojson")
                    && err.contains("BU03440111")
                    && err.contains("beyond 1e8 m"),
                "{err}"
            );
        }
        // A spike out and back, a femtometre wide: valid, but no area (found by fuzzing; it
        // was accepted as a region of area 0). Next to a real part it is dropped with a note.
        let spike = ring(&[
            (-1e8, 130_000.0),
            (130_000.0, 0.0),
            (135_284.9, 130_000.0),
            (130_000.0, -1.67e-96),
        ]);
        let err = check(vec![vec![spike.clone()]]).unwrap_err().to_string();
        assert!(err.contains("no polygon with a non-zero area"), "{err}");
        let square = ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        let checked = check(vec![vec![spike], vec![square]]).unwrap();
        assert_eq!(checked.geometry.0.len(), 1);
        assert!(
            checked.fixes.iter().any(|f| f.contains("enclose no area")),
            "{:?}",
            checked.fixes
        );
        // The largest Web Mercator coordinate is well inside.
        let mercator = ring(&[
            (-2.0e7, -2.0e7),
            (2.0e7, -2.0e7),
            (2.0e7, 2.0e7),
            (-2.0e7, 2.0e7),
        ]);
        assert!(check(vec![vec![mercator]]).is_ok());
    }

    #[test]
    fn bow_tie_is_rejected_naming_file_and_code() {
        let bow_tie = ring(&[
            (0.0, 0.0),
            (0.0, 100.0),
            (100.0, 0.0),
            (100.0, 100.0),
            (0.0, 0.0),
        ]);
        let err = check(vec![vec![bow_tie]]).unwrap_err();
        assert!(matches!(err, IoError::Geometry { .. }));
        let text = err.to_string();
        assert!(
            text.contains("test.geojson") && text.contains("BU03440111"),
            "{text}"
        );
        assert!(text.contains("self-intersection"), "{text}");
        assert!(
            text.contains("0.0 m² as drawn") && text.contains("5000.0 m² after repair"),
            "{text}"
        );
    }

    #[test]
    fn small_self_intersection_is_repaired_and_noted() {
        // A 100 m square whose north-east corner is twisted into a 0.5 m² lobe that winds the
        // other way: the ring crosses itself at (100, 100).
        let knotted = ring(&[
            (0.0, 0.0),
            (100.0, 0.0),
            (100.0, 101.0),
            (101.0, 100.0),
            (0.0, 100.0),
            (0.0, 0.0),
        ]);
        let checked = check(vec![vec![knotted]]).unwrap();
        assert!(checked.geometry.is_valid());
        let area = checked.geometry.unsigned_area();
        assert!((area - 10_000.5).abs() < 1e-6, "{area}");
        assert_eq!(checked.fixes.len(), 1, "{:?}", checked.fixes);
        assert!(checked.fixes[0].contains("repaired"), "{:?}", checked.fixes);
    }

    #[test]
    fn overlapping_parts_that_barely_overlap_are_merged() {
        let a = ring(&[
            (0.0, 0.0),
            (1000.0, 0.0),
            (1000.0, 1000.0),
            (0.0, 1000.0),
            (0.0, 0.0),
        ]);
        let b = ring(&[
            (999.0, 0.0),
            (2000.0, 0.0),
            (2000.0, 1000.0),
            (999.0, 1000.0),
            (999.0, 0.0),
        ]);
        let checked = check(vec![vec![a], vec![b]]).unwrap();
        assert_eq!(checked.geometry.0.len(), 1);
        assert!((checked.geometry.unsigned_area() - 2_000_000.0).abs() < 1e-6);
    }

    #[test]
    fn rings_are_closed_oriented_and_degenerate_ones_dropped() {
        let clockwise_open = ring(&[
            (0.0, 0.0),
            (0.0, 10.0),
            (10.0, 10.0),
            (10.0, 10.0),
            (10.0, 0.0),
        ]);
        let hole_ccw = ring(&[(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0), (2.0, 2.0)]);
        let flat_hole = ring(&[(5.0, 5.0), (6.0, 6.0), (7.0, 7.0), (5.0, 5.0)]);
        let two_point_part = ring(&[(20.0, 20.0), (21.0, 21.0), (20.0, 20.0)]);
        let checked = check(vec![
            vec![clockwise_open, hole_ccw, flat_hole],
            vec![two_point_part],
        ])
        .unwrap();
        let polygon = &checked.geometry.0[0];
        assert_eq!(checked.geometry.0.len(), 1);
        assert!(polygon.exterior().is_closed() && polygon.exterior().0.len() == 5);
        assert!(polygon.exterior().is_ccw());
        assert_eq!(polygon.interiors().len(), 1);
        assert!(polygon.interiors()[0].is_cw());
        assert!((checked.geometry.unsigned_area() - 96.0).abs() < 1e-9);
        assert_eq!(checked.fixes.len(), 3, "{:?}", checked.fixes);
    }

    #[test]
    fn nothing_left_or_non_finite_is_rejected() {
        let line = ring(&[(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (0.0, 0.0)]);
        let err = check(vec![vec![line]]).unwrap_err().to_string();
        assert!(err.contains("no polygon with a non-zero area"), "{err}");
        let nan = ring(&[(0.0, 0.0), (f64::NAN, 0.0), (10.0, 10.0), (0.0, 0.0)]);
        let err = check(vec![vec![nan]]).unwrap_err().to_string();
        assert!(err.contains("non-finite"), "{err}");
    }

    #[test]
    fn fast_check_never_accepts_what_geo_rejects() {
        let sq = |x0: f64, y0: f64, size: f64| {
            LineString::from(vec![
                (x0, y0),
                (x0 + size, y0),
                (x0 + size, y0 + size),
                (x0, y0 + size),
                (x0, y0),
            ])
        };
        let poly = |ext: LineString<f64>, holes: Vec<LineString<f64>>| {
            Polygon::new(ext, holes).orient(Direction::Default)
        };
        let valid = [
            MultiPolygon::new(vec![poly(
                sq(0.0, 0.0, 10.0),
                vec![sq(2.0, 2.0, 2.0), sq(6.0, 6.0, 2.0)],
            )]),
            // An island in a lake: a part inside another part's hole.
            MultiPolygon::new(vec![
                poly(sq(0.0, 0.0, 10.0), vec![sq(2.0, 2.0, 6.0)]),
                poly(sq(4.0, 4.0, 1.0), vec![]),
            ]),
            // Parts touching at one corner: valid, but only geo can tell.
            MultiPolygon::new(vec![
                poly(sq(0.0, 0.0, 1.0), vec![]),
                poly(sq(1.0, 1.0, 1.0), vec![]),
            ]),
        ];
        for g in &valid {
            assert!(validate(g).is_ok(), "{g:?}");
        }
        assert!(clearly_valid(&valid[0]) && clearly_valid(&valid[1]));
        assert!(!clearly_valid(&valid[2]), "touching parts go to geo");
        let spike = LineString::from(vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (15.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ]);
        let invalid = [
            MultiPolygon::new(vec![Polygon::new(spike, vec![])]),
            MultiPolygon::new(vec![poly(sq(0.0, 0.0, 10.0), vec![sq(20.0, 20.0, 2.0)])]),
            MultiPolygon::new(vec![poly(
                sq(0.0, 0.0, 10.0),
                vec![sq(2.0, 2.0, 6.0), sq(3.0, 3.0, 1.0)],
            )]),
            MultiPolygon::new(vec![
                poly(sq(0.0, 0.0, 10.0), vec![]),
                poly(sq(2.0, 2.0, 1.0), vec![]),
            ]),
            MultiPolygon::new(vec![
                poly(sq(0.0, 0.0, 10.0), vec![]),
                poly(sq(10.0, 0.0, 10.0), vec![]),
            ]),
        ];
        for g in &invalid {
            assert!(!clearly_valid(g), "{g:?}");
            assert!(validate(g).is_err(), "{g:?}");
        }
    }

    #[test]
    fn valid_input_is_unchanged_apart_from_orientation() {
        let square =
            polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)];
        let mp = MultiPolygon::new(vec![square.clone()]);
        let checked = check_multipolygon(&mp, Path::new("t"), "GM0344").unwrap();
        assert!(checked.fixes.is_empty());
        assert_eq!(checked.geometry, mp);
    }
}
