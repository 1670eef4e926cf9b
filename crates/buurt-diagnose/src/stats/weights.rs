//! Spatial weights: queen contiguity from polygons, row-standardised, with islands reported.
//!
//! Two regions are queen neighbours when their boundaries touch in at least one point: a shared
//! vertex, or (with a tolerance above zero) a vertex of one within `tolerance_m` metres of a
//! boundary segment of the other. PySAL's `libpysal.weights.Queen` counts shared vertices only;
//! on a topologically clean layer (every junction a vertex of both polygons, as in the CBS
//! wijk- en buurtkaart) both give the same neighbours. The tolerance is there for generalised
//! or reprojected boundaries, whose shared points can differ by rounding (millimetres) or where
//! one side lost a vertex that the other kept.

use geo_types::MultiPolygon;
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

/// The default snapping tolerance for the atlas's layers (EPSG:28992, metres): coordinates there
/// are rounded to millimetres, and a centimetre covers that without joining regions that are
/// really apart (a street between two buurten is metres wide).
pub const DEFAULT_TOLERANCE_M: f64 = 0.01;

/// Spatial weights over `n` regions, numbered 0..n in the order they were given.
///
/// Each region's neighbours are sorted ascending; `weights[i][k]` belongs to `neighbours[i][k]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpatialWeights {
    /// Per region: its neighbours, ascending.
    pub neighbours: Vec<Vec<usize>>,
    /// Per region: the weight of each neighbour.
    pub weights: Vec<Vec<f64>>,
}

impl SpatialWeights {
    /// Binary weights (1 for each neighbour) from neighbour lists; the lists are sorted and
    /// made symmetric, self-neighbours dropped.
    #[must_use]
    pub fn from_neighbours(neighbours: &[Vec<usize>]) -> Self {
        let n = neighbours.len();
        let mut sym: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, ns) in neighbours.iter().enumerate() {
            for &j in ns {
                if j != i && j < n {
                    sym[i].push(j);
                    sym[j].push(i);
                }
            }
        }
        for ns in &mut sym {
            ns.sort_unstable();
            ns.dedup();
        }
        let weights = sym.iter().map(|ns| vec![1.0; ns.len()]).collect();
        Self {
            neighbours: sym,
            weights,
        }
    }

    /// Number of regions.
    #[must_use]
    pub fn len(&self) -> usize {
        self.neighbours.len()
    }

    /// Whether there are no regions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.neighbours.is_empty()
    }

    /// Regions without any neighbour (islands), ascending. They keep a zero row: their spatial
    /// lag is 0, as in PySAL.
    #[must_use]
    pub fn islands(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.neighbours[i].is_empty())
            .collect()
    }

    /// The same neighbours with each row's weights scaled to sum to 1 (PySAL's `transform =
    /// "r"`); islands keep an empty row.
    #[must_use]
    pub fn row_standardised(&self) -> Self {
        let weights = self
            .weights
            .iter()
            .map(|row| {
                let sum: f64 = row.iter().sum();
                if sum == 0.0 {
                    row.clone()
                } else {
                    row.iter().map(|w| w / sum).collect()
                }
            })
            .collect();
        Self {
            neighbours: self.neighbours.clone(),
            weights,
        }
    }

    /// The spatial lag `Σ_j w_ij z_j` of every region.
    #[must_use]
    pub fn lag(&self, z: &[f64]) -> Vec<f64> {
        self.neighbours
            .iter()
            .zip(&self.weights)
            .map(|(ns, ws)| ns.iter().zip(ws).map(|(&j, w)| w * z[j]).sum())
            .collect()
    }

    /// The weight `w_ij` (0 when `j` is not a neighbour of `i`).
    #[must_use]
    pub fn weight(&self, i: usize, j: usize) -> f64 {
        self.neighbours[i]
            .binary_search(&j)
            .map_or(0.0, |k| self.weights[i][k])
    }

    /// PySAL's `s0`, `s1` and `s2`: the sum of all weights, `½ Σ_ij (w_ij + w_ji)²`, and
    /// `Σ_i (Σ_j w_ij + Σ_j w_ji)²`.
    #[must_use]
    pub fn s0_s1_s2(&self) -> (f64, f64, f64) {
        let n = self.len();
        let mut s0 = 0.0;
        let mut s1 = 0.0;
        let mut row = vec![0.0; n];
        let mut col = vec![0.0; n];
        for (i, (ns, ws)) in self.neighbours.iter().zip(&self.weights).enumerate() {
            for (&j, &w) in ns.iter().zip(ws) {
                s0 += w;
                row[i] += w;
                col[j] += w;
                let wji = self.weight(j, i);
                s1 += (w + wji) * (w + wji);
            }
        }
        // Pairs where only one direction has a weight would be missed above; the neighbour
        // lists here are symmetric, so each pair is counted twice and halved.
        s1 /= 2.0;
        let s2 = row.iter().zip(&col).map(|(r, c)| (r + c) * (r + c)).sum();
        (s0, s1, s2)
    }
}

/// Queen contiguity between polygons (EPSG:28992 metres): regions `i` and `j` are neighbours
/// when a vertex of one lies within `tolerance_m` of a boundary segment of the other (a shared
/// vertex is at distance 0). Binary weights; call [`SpatialWeights::row_standardised`] for
/// Moran's I.
///
/// ```
/// use buurt_diagnose::stats::weights::queen;
/// use geo_types::{MultiPolygon, polygon};
///
/// let square = |x: f64, y: f64| {
///     MultiPolygon(vec![polygon![(x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0),
///         (x: x, y: y + 1.0), (x: x, y: y)]])
/// };
/// // Two squares sharing an edge, a third touching the second at a corner, a fourth far away.
/// let shapes = [square(0.0, 0.0), square(1.0, 0.0), square(2.0, 1.0), square(9.0, 9.0)];
/// let w = queen(&shapes.iter().collect::<Vec<_>>(), 0.0);
/// assert_eq!(w.neighbours, vec![vec![1], vec![0, 2], vec![1], vec![]]);
/// assert_eq!(w.islands(), vec![3]);
/// ```
#[must_use]
pub fn queen(polygons: &[&MultiPolygon<f64>], tolerance_m: f64) -> SpatialWeights {
    let tol = tolerance_m.max(0.0);
    let mut segments = Vec::new();
    for (i, mp) in polygons.iter().enumerate() {
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for l in ring.lines() {
                    segments.push(GeomWithData::new(
                        Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                        i,
                    ));
                }
            }
        }
    }
    let tree = RTree::bulk_load(segments);
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); polygons.len()];
    for (i, mp) in polygons.iter().enumerate() {
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for c in ring.coords() {
                    let envelope =
                        AABB::from_corners([c.x - tol, c.y - tol], [c.x + tol, c.y + tol]);
                    for seg in tree.locate_in_envelope_intersecting(&envelope) {
                        let j = seg.data;
                        if j == i || neighbours[i].last() == Some(&j) {
                            continue;
                        }
                        if segment_distance_sq(seg.geom(), [c.x, c.y]) <= tol * tol {
                            neighbours[i].push(j);
                        }
                    }
                }
            }
        }
        neighbours[i].sort_unstable();
        neighbours[i].dedup();
    }
    let w = SpatialWeights::from_neighbours(&neighbours);
    tracing::debug!(
        regions = w.len(),
        islands = w.islands().len(),
        tolerance_m = tol,
        "queen contiguity built"
    );
    w
}

/// Squared distance from `p` to the segment `l`.
fn segment_distance_sq(l: &Line<[f64; 2]>, p: [f64; 2]) -> f64 {
    let [ax, ay] = l.from;
    let [bx, by] = l.to;
    let (dx, dy) = (bx - ax, by - ay);
    let len_sq = dx * dx + dy * dy;
    let t = if len_sq == 0.0 {
        0.0
    } else {
        (((p[0] - ax) * dx + (p[1] - ay) * dy) / len_sq).clamp(0.0, 1.0)
    };
    let (qx, qy) = (ax + t * dx, ay + t * dy);
    (p[0] - qx).powi(2) + (p[1] - qy).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    fn square(x: f64, y: f64, size: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y),
            (x: x + size, y: y),
            (x: x + size, y: y + size),
            (x: x, y: y + size),
            (x: x, y: y),
        ]])
    }

    /// A 3×3 grid numbered row by row has the queen neighbours of a chess king.
    #[test]
    fn grid_has_king_moves() {
        let shapes: Vec<_> = (0..9)
            .map(|k| square(f64::from(k % 3), f64::from(k / 3), 1.0))
            .collect();
        let w = queen(&shapes.iter().collect::<Vec<_>>(), 0.0);
        assert_eq!(w.neighbours[4], vec![0, 1, 2, 3, 5, 6, 7, 8]);
        assert_eq!(w.neighbours[0], vec![1, 3, 4]);
        assert_eq!(w.neighbours[5], vec![1, 2, 4, 7, 8]);
        assert!(w.islands().is_empty());
        let r = w.row_standardised();
        assert!((r.weights[0].iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!((r.weight(0, 4) - 1.0 / 3.0).abs() < 1e-15);
    }

    /// A gap of 5 mm is closed by a centimetre's tolerance and not by zero; a vertex on the
    /// middle of the other's edge (a T-junction) counts at zero tolerance.
    #[test]
    fn tolerance_closes_small_gaps_only() {
        let a = square(0.0, 0.0, 1.0);
        let b = square(1.005, 0.0, 1.0);
        let shapes = [&a, &b];
        assert_eq!(queen(&shapes, 0.0).islands(), vec![0, 1]);
        assert!(queen(&shapes, DEFAULT_TOLERANCE_M).islands().is_empty());
        let c = square(1.0, 0.5, 1.0);
        assert_eq!(queen(&[&a, &c], 0.0).neighbours[0], vec![1]);
    }

    #[test]
    fn s_sums_match_pysal_for_a_rook_line() {
        // 0 - 1 - 2 row-standardised: w01 = 1, w10 = w12 = 0.5, w21 = 1.
        let w = SpatialWeights::from_neighbours(&[vec![1], vec![2], vec![]]).row_standardised();
        let (s0, s1, s2) = w.s0_s1_s2();
        assert!((s0 - 3.0).abs() < 1e-12);
        // (1 + 0.5)² × 2 pairs each counted twice, halved: 2 × 2.25 = 4.5.
        assert!((s1 - 4.5).abs() < 1e-12);
        // Row + column sums: (1 + 0.5)², (1 + 2)... region 1: row 1, column 2.
        assert!((s2 - (2.25 + 9.0 + 2.25)).abs() < 1e-12);
    }
}
