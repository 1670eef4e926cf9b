//! Label points: a point well inside each polygon (the pole of inaccessibility, as mapbox's
//! polylabel finds it), never a centroid that can fall outside a U-shaped buurt.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Area, InteriorPoint};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};

use crate::clip::bounds_of;

/// Cells examined at most per polygon; the search usually ends far earlier.
const MAX_CELLS: usize = 20_000;

/// A point inside `geometry`'s largest part, as far from its border as the search finds within a
/// precision of 1/500 of the part's size. `None` for an empty geometry.
///
/// ```
/// use buurt_tiles::label_point;
/// use geo_types::{LineString, MultiPolygon, Polygon};
/// // A U shape: its centroid (in the notch) is outside.
/// let u = Polygon::new(
///     LineString::from(vec![(0., 0.), (30., 0.), (30., 30.), (20., 30.), (20., 10.), (10., 10.), (10., 30.), (0., 30.), (0., 0.)]),
///     vec![],
/// );
/// let p = label_point(&MultiPolygon(vec![u])).unwrap();
/// assert!(!(p.x > 10. && p.x < 20. && p.y > 10.), "{p:?} is in the notch");
/// ```
#[must_use]
pub fn label_point(geometry: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    let largest = geometry
        .0
        .iter()
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let found = pole_of_inaccessibility(largest);
    match found {
        Some((point, distance)) if distance > 0.0 => Some(point),
        // Slivers too thin for the grid: geo's interior point is inside by construction.
        _ => largest.interior_point().map(|p| p.0),
    }
}

#[derive(Clone, Copy)]
struct Cell {
    center: Coord<f64>,
    half: f64,
    distance: f64,
    potential: f64,
}

impl Cell {
    fn new(center: Coord<f64>, half: f64, polygon: &Polygon<f64>) -> Self {
        let distance = signed_distance(center, polygon);
        Self {
            center,
            half,
            distance,
            potential: distance + half * std::f64::consts::SQRT_2,
        }
    }
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.potential.total_cmp(&other.potential) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cell {
    fn cmp(&self, other: &Self) -> Ordering {
        self.potential.total_cmp(&other.potential)
    }
}

/// Best point and its distance to the border (negative when outside).
fn pole_of_inaccessibility(polygon: &Polygon<f64>) -> Option<(Coord<f64>, f64)> {
    let ring = &polygon.exterior().0;
    let first = *ring.first()?;
    let bounds = bounds_of(ring)?;
    let (min, max) = (bounds.min(), bounds.max());
    let (width, height) = (max.x - min.x, max.y - min.y);
    if width.min(height) <= 0.0 {
        return Some((first, 0.0));
    }
    // Square cells as wide as the polygon's short side, but no more than 64 along the long side
    // (a sliver would otherwise start with millions).
    let cell_size = width.min(height).max(width.max(height) / 64.0);
    let precision = width.max(height) / 500.0;
    let half = cell_size / 2.0;
    let mut queue = BinaryHeap::new();
    let mut x = min.x;
    while x < max.x {
        let mut y = min.y;
        while y < max.y {
            queue.push(Cell::new(
                Coord {
                    x: x + half,
                    y: y + half,
                },
                half,
                polygon,
            ));
            y += cell_size;
        }
        x += cell_size;
    }
    let mut best = Cell::new(
        Coord {
            x: f64::midpoint(min.x, max.x),
            y: f64::midpoint(min.y, max.y),
        },
        0.0,
        polygon,
    );
    let centroid = area_centroid(ring);
    if let Some(c) = centroid {
        let cell = Cell::new(c, 0.0, polygon);
        if cell.distance > best.distance {
            best = cell;
        }
    }
    let mut examined = 0;
    while let Some(cell) = queue.pop() {
        if cell.distance > best.distance {
            best = cell;
        }
        examined += 1;
        if examined > MAX_CELLS {
            break;
        }
        if cell.potential - best.distance <= precision {
            continue;
        }
        let h = cell.half / 2.0;
        for (dx, dy) in [(-h, -h), (h, -h), (-h, h), (h, h)] {
            queue.push(Cell::new(
                Coord {
                    x: cell.center.x + dx,
                    y: cell.center.y + dy,
                },
                h,
                polygon,
            ));
        }
    }
    Some((best.center, best.distance))
}

fn area_centroid(ring: &[Coord<f64>]) -> Option<Coord<f64>> {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in ring.windows(2) {
        let f = w[0].x * w[1].y - w[1].x * w[0].y;
        a += f;
        cx += (w[0].x + w[1].x) * f;
        cy += (w[0].y + w[1].y) * f;
    }
    (a != 0.0).then(|| Coord {
        x: cx / (3.0 * a),
        y: cy / (3.0 * a),
    })
}

/// Distance from `p` to the polygon's border, positive inside (holes count as outside).
fn signed_distance(p: Coord<f64>, polygon: &Polygon<f64>) -> f64 {
    let mut inside = false;
    let mut min_d2 = f64::INFINITY;
    for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
        scan_ring(p, ring, &mut inside, &mut min_d2);
    }
    let d = min_d2.sqrt();
    if inside { d } else { -d }
}

fn scan_ring(p: Coord<f64>, ring: &LineString<f64>, inside: &mut bool, min_d2: &mut f64) {
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            *inside = !*inside;
        }
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
        };
        let d2 = (a.x + t * dx - p.x).powi(2) + (a.y + t * dy - p.y).powi(2);
        *min_d2 = min_d2.min(d2);
    }
}

#[cfg(test)]
mod tests {
    use geo::Contains;
    use geo_types::Point;

    use super::*;
    use crate::test_shapes::{square_ring, square_with_holes};

    #[test]
    fn label_avoids_the_hole() {
        let donut = square_with_holes(0.0, 0.0, 10.0, vec![square_ring(2.0, 2.0, 6.0)]);
        let mp = MultiPolygon(vec![donut.clone()]);
        let p = label_point(&mp).unwrap();
        assert!(donut.contains(&Point(p)), "{p:?}");
    }

    #[test]
    fn label_goes_to_the_largest_part() {
        let small = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![],
        );
        let big = square_with_holes(10.0, 10.0, 10.0, vec![]);
        let p = label_point(&MultiPolygon(vec![small, big])).unwrap();
        assert!(
            (p.x - 15.0).abs() < 0.1 && (p.y - 15.0).abs() < 0.1,
            "{p:?}"
        );
        assert_eq!(label_point(&MultiPolygon(vec![])), None);
    }

    #[test]
    fn thin_sliver_still_gets_an_inside_point() {
        let sliver = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (1000.0, 0.001),
                (1000.0, 0.002),
                (0.0, 0.0),
            ]),
            vec![],
        );
        let p = label_point(&MultiPolygon(vec![sliver.clone()])).unwrap();
        assert!(sliver.contains(&Point(p)), "{p:?}");
    }
}
