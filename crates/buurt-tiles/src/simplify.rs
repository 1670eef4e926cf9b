//! Per-zoom simplification of a layer's shared arcs.
//!
//! Each arc is simplified once (Douglas–Peucker, end points fixed) and every ring is rebuilt from
//! the simplified arcs, so neighbours keep one border. A ring that simplification would collapse,
//! turn inside out or make cross itself (or its polygon's other rings) gets its arcs simplified
//! again with a quarter of the tolerance, down to the unsimplified arc: no ring disappears
//! (mapshaper's keep-shapes), and since the finer arcs are shared the neighbours follow.

use geo_types::{Coord, LineString, MultiPolygon, Polygon};

use crate::topology::{Topology, signed_area};

/// Refinement rounds (each quarters the tolerance of the offending arcs) before an arc is kept
/// unsimplified.
const REFINE_ROUNDS: u32 = 6;

/// A layer's topology with what simplification needs to repair rings quickly.
#[derive(Debug)]
pub(crate) struct Simplifier {
    topology: Topology,
    /// For each arc, the polygons (feature, polygon index) that use it.
    arc_users: Vec<Vec<(u32, u32)>>,
    /// Per feature and polygon: whether the unsimplified rings are free of crossings. Crossings
    /// are only checked where the input had none (a self-intersecting input stays as it is).
    simple_input: Vec<Vec<bool>>,
}

impl Simplifier {
    pub fn new(topology: Topology) -> Self {
        let mut arc_users: Vec<Vec<(u32, u32)>> = vec![Vec::new(); topology.arcs.len()];
        for (f, polygons) in topology.features.iter().enumerate() {
            for (p, polygon) in polygons.iter().enumerate() {
                for ring in &polygon.rings {
                    for arc in &ring.arcs {
                        let users = &mut arc_users[arc.index as usize];
                        let user = (f as u32, p as u32);
                        if users.last() != Some(&user) {
                            users.push(user);
                        }
                    }
                }
            }
        }
        for users in &mut arc_users {
            users.sort_unstable();
            users.dedup();
        }
        let simple_input = topology
            .features
            .iter()
            .map(|polygons| {
                polygons
                    .iter()
                    .map(|polygon| {
                        let rings: Vec<Vec<Coord<f64>>> = polygon
                            .rings
                            .iter()
                            .map(|r| Topology::ring_coords(&r.arcs, &topology.arcs))
                            .collect();
                        !rings_cross(&rings)
                    })
                    .collect()
            })
            .collect();
        Self {
            topology,
            arc_users,
            simple_input,
        }
    }

    /// Every feature's geometry with arcs simplified to `tolerance` (in the layer's units).
    pub fn simplify(&self, tolerance: f64) -> Vec<MultiPolygon<f64>> {
        let arcs = &self.topology.arcs;
        let mut arc_tolerance = vec![tolerance; arcs.len()];
        let mut simplified: Vec<Vec<Coord<f64>>> = arcs
            .iter()
            .map(|arc| douglas_peucker(arc, tolerance))
            .collect();
        // Polygons to (re)check, as (feature, polygon).
        let mut pending: Vec<(u32, u32)> = self
            .topology
            .features
            .iter()
            .enumerate()
            .flat_map(|(f, ps)| (0..ps.len()).map(move |p| (f as u32, p as u32)))
            .collect();
        let mut refined = 0usize;
        while !pending.is_empty() {
            let mut arcs_to_refine: Vec<u32> = Vec::new();
            for &(f, p) in &pending {
                let polygon = &self.topology.features[f as usize][p as usize];
                let check_crossings = self.simple_input[f as usize][p as usize];
                let mut rings = Vec::with_capacity(polygon.rings.len());
                let mut bad_arcs: Vec<u32> = Vec::new();
                for ring in &polygon.rings {
                    let coords = Topology::ring_coords(&ring.arcs, &simplified);
                    if !ring_keeps_shape(&coords, ring.area) {
                        bad_arcs.extend(ring.arcs.iter().map(|a| a.index));
                    }
                    rings.push(coords);
                }
                if bad_arcs.is_empty() && check_crossings && rings_cross(&rings) {
                    bad_arcs.extend(
                        polygon
                            .rings
                            .iter()
                            .flat_map(|r| r.arcs.iter().map(|a| a.index)),
                    );
                }
                arcs_to_refine.extend(
                    bad_arcs
                        .into_iter()
                        .filter(|&a| arc_tolerance[a as usize] > 0.0),
                );
            }
            arcs_to_refine.sort_unstable();
            arcs_to_refine.dedup();
            let mut next: Vec<(u32, u32)> = Vec::new();
            for &a in &arcs_to_refine {
                let t = &mut arc_tolerance[a as usize];
                *t = if *t <= tolerance / 4f64.powi(REFINE_ROUNDS as i32) {
                    0.0
                } else {
                    *t / 4.0
                };
                simplified[a as usize] = douglas_peucker(&arcs[a as usize], *t);
                next.extend_from_slice(&self.arc_users[a as usize]);
            }
            refined += arcs_to_refine.len();
            next.sort_unstable();
            next.dedup();
            pending = next;
        }
        if refined > 0 {
            tracing::trace!(
                tolerance,
                refined,
                "arcs simplified less to keep rings intact"
            );
        }
        self.topology
            .features
            .iter()
            .map(|polygons| {
                MultiPolygon(
                    polygons
                        .iter()
                        .map(|polygon| {
                            let mut rings = polygon
                                .rings
                                .iter()
                                .map(|r| LineString(Topology::ring_coords(&r.arcs, &simplified)));
                            let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
                            Polygon::new(exterior, rings.collect())
                        })
                        .collect(),
                )
            })
            .collect()
    }
}

/// A simplified closed ring is acceptable when it still has three distinct points and an area of
/// the same sign as the original.
fn ring_keeps_shape(ring: &[Coord<f64>], original_area: f64) -> bool {
    ring.len() >= 4 && {
        let area = signed_area(&ring[..ring.len() - 1]);
        area != 0.0 && area.signum() == original_area.signum()
    }
}

/// Douglas–Peucker on an open or closed polyline, end points kept. A closed arc (a ring without
/// nodes) is first split at its point farthest from the start so it keeps at least three points.
pub(crate) fn douglas_peucker(points: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    let n = points.len();
    if n <= 2 || tolerance <= 0.0 {
        return points.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if points[0] == points[n - 1] {
        let p0 = points[0];
        let far = (1..n - 1)
            .max_by(|&i, &j| dist2(points[i], p0).total_cmp(&dist2(points[j], p0)))
            .unwrap_or(n / 2);
        keep[far] = true;
        stack.push((0, far));
        stack.push((far, n - 1));
    } else {
        stack.push((0, n - 1));
    }
    let tolerance2 = tolerance * tolerance;
    while let Some((i, j)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let mut best = (0.0, 0);
        for k in i + 1..j {
            let d = segment_dist2(points[k], points[i], points[j]);
            if d > best.0 {
                best = (d, k);
            }
        }
        if best.0 > tolerance2 {
            keep[best.1] = true;
            stack.push((i, best.1));
            stack.push((best.1, j));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(&p, k)| k.then_some(p))
        .collect()
}

fn dist2(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).powi(2) + (a.y - b.y).powi(2)
}

fn segment_dist2(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return dist2(p, a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    dist2(
        p,
        Coord {
            x: a.x + t * dx,
            y: a.y + t * dy,
        },
    )
}

/// Whether any two segments of the closed rings cross properly (touching at a vertex, as
/// neighbouring segments and rings meeting at a node do, is allowed). A sweep over segments
/// sorted by their west end keeps this near n log n.
pub(crate) fn rings_cross(rings: &[Vec<Coord<f64>>]) -> bool {
    let mut segments: Vec<(Coord<f64>, Coord<f64>)> = rings
        .iter()
        .flat_map(|r| r.windows(2).map(|w| (w[0], w[1])))
        .filter(|(a, b)| a != b)
        .collect();
    segments.sort_by(|l, r| l.0.x.min(l.1.x).total_cmp(&r.0.x.min(r.1.x)));
    for (i, &(a, b)) in segments.iter().enumerate() {
        let max_x = a.x.max(b.x);
        let (min_y, max_y) = (a.y.min(b.y), a.y.max(b.y));
        for &(c, d) in &segments[i + 1..] {
            if c.x.min(d.x) > max_x {
                break;
            }
            if c.y.max(d.y) < min_y || c.y.min(d.y) > max_y {
                continue;
            }
            if cross_properly(a, b, c, d) {
                return true;
            }
        }
    }
    false
}

fn orient(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

fn cross_properly(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, d: Coord<f64>) -> bool {
    let (o1, o2) = (orient(a, b, c), orient(a, b, d));
    let (o3, o4) = (orient(c, d, a), orient(c, d, b));
    o1 * o2 < 0.0 && o3 * o4 < 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn douglas_peucker_keeps_ends_and_far_points() {
        let line = vec![
            c(0.0, 0.0),
            c(1.0, 0.1),
            c(2.0, -0.1),
            c(3.0, 5.0),
            c(4.0, 0.0),
        ];
        assert_eq!(
            douglas_peucker(&line, 0.5),
            vec![c(0.0, 0.0), c(2.0, -0.1), c(3.0, 5.0), c(4.0, 0.0)]
        );
        assert_eq!(douglas_peucker(&line, 10.0), vec![c(0.0, 0.0), c(4.0, 0.0)]);
        assert_eq!(douglas_peucker(&line, 0.0), line);
    }

    #[test]
    fn closed_arcs_keep_a_triangle() {
        let ring = vec![
            c(0.0, 0.0),
            c(1.0, 0.0),
            c(1.0, 1.0),
            c(0.0, 1.0),
            c(0.0, 0.0),
        ];
        let out = douglas_peucker(&ring, 100.0);
        assert_eq!(out.len(), 3, "{out:?}"); // start, farthest, start: refined later
        assert_eq!(out.first(), out.last());
    }

    #[test]
    fn crossing_rings_are_found() {
        let bowtie = vec![
            c(0.0, 0.0),
            c(2.0, 2.0),
            c(2.0, 0.0),
            c(0.0, 2.0),
            c(0.0, 0.0),
        ];
        assert!(rings_cross(&[bowtie]));
        let square = vec![
            c(0.0, 0.0),
            c(2.0, 0.0),
            c(2.0, 2.0),
            c(0.0, 2.0),
            c(0.0, 0.0),
        ];
        assert!(!rings_cross(std::slice::from_ref(&square)));
        let hole_touching = vec![c(0.0, 0.0), c(1.0, 1.0), c(1.0, 0.5), c(0.0, 0.0)];
        assert!(!rings_cross(&[square.clone(), hole_touching]));
        let hole_crossing = vec![c(1.0, 1.0), c(3.0, 1.0), c(3.0, 1.5), c(1.0, 1.0)];
        assert!(rings_cross(&[square, hole_crossing]));
    }
}
