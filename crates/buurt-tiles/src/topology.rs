//! Shared-arc topology of one polygon layer, as TopoJSON and mapshaper build it.
//!
//! Every ring is cut at its nodes (points where three or more polygons meet, or where the
//! neighbour on the other side of the border changes), and each resulting arc is stored once,
//! whichever direction the rings walk it in. Simplifying an arc then moves the border of both
//! neighbours in the same way, so no gap or overlap can open between them.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use geo_types::{Coord, MultiPolygon};
use rstar::RTree;

/// A multiply-rotate hasher (as in rustc's FxHash) with a final avalanche (murmur3's fmix64, so
/// that round coordinates, whose low mantissa bits are all zero, still spread over the table) for
/// keys made of coordinate bits: several times faster than SipHash on millions of vertices; the
/// input is our own data, not an attacker's.
#[derive(Default, Clone, Copy)]
struct PointHasher(u64);

impl Hasher for PointHasher {
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }

    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PointHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<PointHasher>>;

/// A point's identity: the bits of its (snapped) coordinates.
type PointKey = (u64, u64);

fn key(c: Coord<f64>) -> PointKey {
    // `+ 0.0` turns -0.0 into 0.0 so that equal coordinates have equal bits.
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

/// An arc used by a ring, possibly walked backwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArcRef {
    /// Index into [`Topology::arcs`].
    pub index: u32,
    /// Whether the ring walks the arc from its last point to its first.
    pub reversed: bool,
}

/// A ring as a closed chain of arcs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TopoRing {
    /// Arcs in ring order; the last one ends where the first starts.
    pub arcs: Vec<ArcRef>,
    /// Signed area of the unsimplified ring (shoelace, x east, y north), kept to detect
    /// simplification that collapses or turns a ring inside out.
    pub area: f64,
}

/// A polygon as rings of arcs: the exterior first, then the holes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TopoPolygon {
    /// Exterior ring, then holes.
    pub rings: Vec<TopoRing>,
}

/// The arcs of a layer and, per feature, its polygons expressed in those arcs.
#[derive(Debug, Clone)]
pub(crate) struct Topology {
    /// Each arc's vertices, at least two; a ring without nodes is one closed arc.
    pub arcs: Vec<Vec<Coord<f64>>>,
    /// Per input feature, its polygons. A polygon whose exterior collapsed in snapping is left out.
    pub features: Vec<Vec<TopoPolygon>>,
    /// Rings dropped because snapping left fewer than three points or no area.
    pub dropped_rings: usize,
}

impl Topology {
    /// Build the topology of `features`, snapping vertices closer than `snap` to one another (and
    /// to edges they lie on) first, so that borders digitised twice match exactly.
    pub fn build(features: &[&MultiPolygon<f64>], snap: f64) -> Self {
        let mut snapper = Snapper::new(snap);
        let mut dropped_rings = 0;
        // Rings without closing point, per feature, per polygon (exterior first).
        let mut rings: Vec<Vec<Vec<Vec<Coord<f64>>>>> = features
            .iter()
            .map(|mp| {
                mp.0.iter()
                    .filter_map(|polygon| {
                        let exterior =
                            clean_ring(polygon.exterior().0.iter().map(|&c| snapper.snap(c)));
                        let Some(exterior) = exterior else {
                            dropped_rings += 1 + polygon.interiors().len();
                            return None;
                        };
                        let mut out = vec![exterior];
                        for hole in polygon.interiors() {
                            match clean_ring(hole.0.iter().map(|&c| snapper.snap(c))) {
                                Some(ring) => out.push(ring),
                                None => dropped_rings += 1,
                            }
                        }
                        Some(out)
                    })
                    .collect()
            })
            .collect();
        if snap > 0.0 {
            insert_t_junctions(&mut rings, snap);
        }
        let junctions = find_junctions(&rings);
        let mut builder = ArcBuilder::default();
        let features = rings
            .into_iter()
            .map(|polygons| {
                polygons
                    .into_iter()
                    .map(|polygon| TopoPolygon {
                        rings: polygon
                            .iter()
                            .map(|ring| TopoRing {
                                arcs: builder.cut_ring(ring, &junctions),
                                area: signed_area(ring),
                            })
                            .collect(),
                    })
                    .collect()
            })
            .collect();
        if dropped_rings > 0 {
            tracing::debug!(dropped_rings, "rings collapsed when snapping vertices");
        }
        Self {
            arcs: builder.arcs,
            features,
            dropped_rings,
        }
    }

    /// The closed ring (first point repeated at the end) that `ring` describes, drawn from `arcs`
    /// (the topology's own arcs, or a simplified copy of them).
    pub fn ring_coords(ring: &[ArcRef], arcs: &[Vec<Coord<f64>>]) -> Vec<Coord<f64>> {
        let mut out: Vec<Coord<f64>> = Vec::new();
        for arc_ref in ring {
            let arc = &arcs[arc_ref.index as usize];
            let skip = usize::from(!out.is_empty());
            if arc_ref.reversed {
                out.extend(arc.iter().rev().skip(skip));
            } else {
                out.extend(arc.iter().skip(skip));
            }
        }
        out
    }
}

/// Shoelace area of a ring given with or without its closing point (x east, y north: positive
/// when counter-clockwise).
pub(crate) fn signed_area(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let mut sum = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        sum += a.x * b.y - b.x * a.y;
    }
    sum / 2.0
}

/// Drop the closing point and consecutive repeats; `None` when no area is left.
fn clean_ring(points: impl Iterator<Item = Coord<f64>>) -> Option<Vec<Coord<f64>>> {
    let mut out: Vec<Coord<f64>> = Vec::new();
    for p in points {
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    (out.len() >= 3 && signed_area(&out) != 0.0).then_some(out)
}

/// Moves every vertex onto the first vertex seen within the tolerance (a hash grid with cells of
/// the tolerance, searched 3×3), so near-duplicates from two digitisations become identical.
struct Snapper {
    tolerance: f64,
    cells: FastMap<(i64, i64), Vec<Coord<f64>>>,
    /// Where each distinct input point went: most vertices are shared and come twice.
    known: FastMap<PointKey, Coord<f64>>,
}

impl Snapper {
    fn new(tolerance: f64) -> Self {
        Self {
            tolerance,
            cells: FastMap::default(),
            known: FastMap::default(),
        }
    }

    fn snap(&mut self, c: Coord<f64>) -> Coord<f64> {
        let c = Coord {
            x: c.x + 0.0,
            y: c.y + 0.0,
        };
        if self.tolerance <= 0.0 {
            return c;
        }
        if let Some(&p) = self.known.get(&key(c)) {
            return p;
        }
        let snapped = self.search(c);
        self.known.insert(key(c), snapped);
        snapped
    }

    fn search(&mut self, c: Coord<f64>) -> Coord<f64> {
        let cx = (c.x / self.tolerance).floor() as i64;
        let cy = (c.y / self.tolerance).floor() as i64;
        let mut best: Option<(f64, Coord<f64>)> = None;
        for dx in -1..=1 {
            for dy in -1..=1 {
                for &p in self.cells.get(&(cx + dx, cy + dy)).into_iter().flatten() {
                    let d = (p.x - c.x).hypot(p.y - c.y);
                    if d <= self.tolerance && best.is_none_or(|(bd, _)| d < bd) {
                        best = Some((d, p));
                    }
                }
            }
        }
        if let Some((_, p)) = best {
            return p;
        }
        self.cells.entry((cx, cy)).or_default().push(c);
        c
    }
}

/// Where a vertex of one ring lies on an edge of another (within `tolerance`), add it to that
/// edge too, so both rings walk the same vertices along their shared border.
///
/// Only edges that no other ring walks backwards can have such a vertex, and the vertex itself
/// ends such edges; in clean data these are just the outer boundary, so this stays cheap.
fn insert_t_junctions(rings: &mut [Vec<Vec<Vec<Coord<f64>>>>], tolerance: f64) {
    let mut directed: FastSet<(PointKey, PointKey)> = FastSet::default();
    for ring in rings.iter().flatten().flatten() {
        let n = ring.len();
        directed.extend((0..n).map(|i| (key(ring[i]), key(ring[(i + 1) % n]))));
    }
    let unmatched = |a: PointKey, b: PointKey| !directed.contains(&(b, a));
    let mut seen = FastSet::default();
    let mut points: Vec<[f64; 2]> = Vec::new();
    for ring in rings.iter().flatten().flatten() {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if unmatched(key(a), key(b)) {
                for c in [a, b] {
                    if seen.insert(key(c)) {
                        points.push([c.x, c.y]);
                    }
                }
            }
        }
    }
    if points.is_empty() {
        return;
    }
    let tree = RTree::bulk_load(points);
    let mut inserted = 0usize;
    for ring in rings.iter_mut().flatten().flatten() {
        let n = ring.len();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            out.push(a);
            if !unmatched(key(a), key(b)) {
                continue;
            }
            let envelope = rstar::AABB::from_corners(
                [a.x.min(b.x) - tolerance, a.y.min(b.y) - tolerance],
                [a.x.max(b.x) + tolerance, a.y.max(b.y) + tolerance],
            );
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            let mut on_edge: Vec<(f64, Coord<f64>)> = tree
                .locate_in_envelope(&envelope)
                .filter_map(|&[x, y]| {
                    let vertex = Coord { x, y };
                    if vertex == a || vertex == b {
                        return None;
                    }
                    let along = ((vertex.x - a.x) * dx + (vertex.y - a.y) * dy) / len2;
                    if along <= 0.0 || along >= 1.0 {
                        return None;
                    }
                    let distance = (a.x + along * dx - vertex.x).hypot(a.y + along * dy - vertex.y);
                    (distance <= tolerance).then_some((along, vertex))
                })
                .collect();
            on_edge.sort_by(|l, r| l.0.total_cmp(&r.0));
            inserted += on_edge.len();
            out.extend(on_edge.into_iter().map(|(_, p)| p));
        }
        *ring = out;
    }
    if inserted > 0 {
        tracing::debug!(
            inserted,
            "vertices added where one border's vertex lies on another's edge"
        );
    }
}

/// Points where a border stops being shared the same way: visited with different neighbours.
fn find_junctions(rings: &[Vec<Vec<Vec<Coord<f64>>>>]) -> FastSet<PointKey> {
    let mut neighbours: FastMap<PointKey, (PointKey, PointKey)> = FastMap::default();
    let mut junctions = FastSet::default();
    for ring in rings.iter().flatten().flatten() {
        let n = ring.len();
        for i in 0..n {
            let point = key(ring[i]);
            let prev = key(ring[(i + n - 1) % n]);
            let next = key(ring[(i + 1) % n]);
            match neighbours.entry(point) {
                Entry::Vacant(slot) => {
                    slot.insert((prev, next));
                }
                Entry::Occupied(first) => {
                    let (first_prev, first_next) = *first.get();
                    let same = (first_prev == prev && first_next == next)
                        || (first_prev == next && first_next == prev);
                    if !same {
                        junctions.insert(point);
                    }
                }
            }
        }
    }
    junctions
}

/// Collects unique arcs; an arc and its reverse are one arc.
#[derive(Default)]
struct ArcBuilder {
    arcs: Vec<Vec<Coord<f64>>>,
    index: FastMap<Vec<PointKey>, u32>,
}

impl ArcBuilder {
    /// Cut a ring (no closing point) at its junctions into arcs.
    fn cut_ring(&mut self, ring: &[Coord<f64>], junctions: &FastSet<PointKey>) -> Vec<ArcRef> {
        let n = ring.len();
        let cuts: Vec<usize> = (0..n)
            .filter(|&i| junctions.contains(&key(ring[i])))
            .collect();
        let Some(&first) = cuts.first() else {
            // No node: one closed arc, started at its smallest point so that the same ring met
            // again (a hole and the island that fills it) is recognised.
            let start = (0..n).min_by_key(|&i| key(ring[i])).unwrap_or(0);
            let arc: Vec<Coord<f64>> = (0..=n).map(|k| ring[(start + k) % n]).collect();
            return vec![self.register(arc)];
        };
        let mut out = Vec::with_capacity(cuts.len());
        let mut arc = vec![ring[first]];
        for k in 1..=n {
            let i = (first + k) % n;
            arc.push(ring[i]);
            if junctions.contains(&key(ring[i])) {
                out.push(self.register(std::mem::replace(&mut arc, vec![ring[i]])));
            }
        }
        out
    }

    fn register(&mut self, points: Vec<Coord<f64>>) -> ArcRef {
        let forward: Vec<PointKey> = points.iter().map(|&c| key(c)).collect();
        let backward: Vec<PointKey> = forward.iter().rev().copied().collect();
        let (canonical, reversed) = if backward < forward {
            (backward, true)
        } else {
            (forward, false)
        };
        if let Some(&index) = self.index.get(&canonical) {
            return ArcRef { index, reversed };
        }
        let index = u32::try_from(self.arcs.len()).unwrap_or(u32::MAX);
        let mut points = points;
        if reversed {
            points.reverse();
        }
        self.arcs.push(points);
        self.index.insert(canonical, index);
        ArcRef { index, reversed }
    }
}

#[cfg(test)]
mod tests {
    use geo_types::{LineString, Polygon};

    use super::*;
    use crate::test_shapes::{square, square_with_holes};

    #[test]
    fn two_squares_share_one_arc() {
        let a = square(0.0, 0.0, 10.0);
        let b = square(10.0, 0.0, 10.0);
        let topo = Topology::build(&[&a, &b], 0.01);
        // Shared edge x = 10, plus one outer arc per square.
        assert_eq!(topo.arcs.len(), 3);
        let used = |f: usize| -> Vec<u32> {
            topo.features[f][0].rings[0]
                .arcs
                .iter()
                .map(|r| r.index)
                .collect()
        };
        let shared: Vec<u32> = used(0)
            .into_iter()
            .filter(|i| used(1).contains(i))
            .collect();
        assert_eq!(shared.len(), 1);
        let arc = &topo.arcs[shared[0] as usize];
        assert!(arc.iter().all(|c| (c.x - 10.0).abs() < 1e-12));
        // Rings rebuild to the input squares (area 100, orientation kept).
        for f in 0..2 {
            let ring = Topology::ring_coords(&topo.features[f][0].rings[0].arcs, &topo.arcs);
            assert_eq!(ring.first(), ring.last());
            assert!((signed_area(&ring) - 100.0).abs() < 1e-9);
        }
    }

    #[test]
    fn near_duplicates_and_t_junctions_are_merged() {
        // b's left edge has a vertex at (10, 5) that a lacks; a's corner is off by 1 mm.
        let a = square(0.0, 0.0, 10.0);
        let b = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (10.001, 0.0),
                (20.0, 0.0),
                (20.0, 10.0),
                (10.0, 10.0),
                (10.0, 5.0),
                (10.001, 0.0),
            ]),
            vec![],
        )]);
        let topo = Topology::build(&[&a, &b], 0.01);
        let ring_a = Topology::ring_coords(&topo.features[0][0].rings[0].arcs, &topo.arcs);
        assert!(
            ring_a.contains(&Coord { x: 10.0, y: 5.0 }),
            "T-junction vertex inserted: {ring_a:?}"
        );
        let used_a: HashSet<u32> = topo.features[0][0].rings[0]
            .arcs
            .iter()
            .map(|r| r.index)
            .collect();
        let used_b: HashSet<u32> = topo.features[1][0].rings[0]
            .arcs
            .iter()
            .map(|r| r.index)
            .collect();
        assert_eq!(used_a.intersection(&used_b).count(), 1);
    }

    #[test]
    fn hole_and_island_share_a_closed_arc() {
        let outer = MultiPolygon(vec![square_with_holes(
            0.0,
            0.0,
            10.0,
            vec![LineString::from(vec![
                (4.0, 4.0),
                (4.0, 6.0),
                (6.0, 6.0),
                (6.0, 4.0),
                (4.0, 4.0),
            ])],
        )]);
        // The island starts elsewhere and runs the other way round.
        let island = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (6.0, 6.0),
                (4.0, 6.0),
                (4.0, 4.0),
                (6.0, 4.0),
                (6.0, 6.0),
            ]),
            vec![],
        )]);
        let topo = Topology::build(&[&outer, &island], 0.0);
        assert_eq!(topo.arcs.len(), 2);
        assert_eq!(
            topo.features[0][0].rings[1].arcs[0].index,
            topo.features[1][0].rings[0].arcs[0].index
        );
        assert_ne!(
            topo.features[0][0].rings[1].arcs[0].reversed,
            topo.features[1][0].rings[0].arcs[0].reversed
        );
    }

    #[test]
    fn degenerate_rings_are_dropped() {
        let flat = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (0.0, 0.0)]),
            vec![],
        )]);
        let topo = Topology::build(&[&flat], 0.0);
        assert!(topo.features[0].is_empty());
        assert_eq!(topo.dropped_rings, 1);
    }
}
