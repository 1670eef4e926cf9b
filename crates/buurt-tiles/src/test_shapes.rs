//! Hand-made shapes for this crate's unit tests.

use geo_types::{LineString, MultiPolygon, Polygon};

/// A closed counter-clockwise square ring with its lower-left corner at (`x0`, `y0`).
pub(crate) fn square_ring(x0: f64, y0: f64, size: f64) -> LineString<f64> {
    LineString::from(vec![
        (x0, y0),
        (x0 + size, y0),
        (x0 + size, y0 + size),
        (x0, y0 + size),
        (x0, y0),
    ])
}

/// A square with `holes` (rings as given).
pub(crate) fn square_with_holes(
    x0: f64,
    y0: f64,
    size: f64,
    holes: Vec<LineString<f64>>,
) -> Polygon<f64> {
    Polygon::new(square_ring(x0, y0, size), holes)
}

/// A square as a one-part multipolygon.
pub(crate) fn square(x0: f64, y0: f64, size: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![square_with_holes(x0, y0, size, vec![])])
}
