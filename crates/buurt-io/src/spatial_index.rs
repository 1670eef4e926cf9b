//! Which region holds a point, and which regions meet a box: an R-tree (rstar) over the bounding
//! boxes of every polygon part, then exact point-in-polygon tests on the candidates.
//!
//! One index serves one layer (one level in one indeling): codes are unique there.
//!
//! ```
//! use buurt_io::{crs::PointRd, spatial_index::RegionIndex, RegionShape};
//! use geo_types::polygon;
//! let square = |x0: f64, code: &str| RegionShape {
//!     code: code.parse().unwrap(),
//!     name: code.into(),
//!     geometry_rd: geo_types::MultiPolygon::new(vec![polygon![
//!         (x: x0, y: 0.0), (x: x0 + 10.0, y: 0.0), (x: x0 + 10.0, y: 10.0), (x: x0, y: 10.0)
//!     ]]),
//! };
//! let index = RegionIndex::new(&[square(0.0, "BU03440111"), square(10.0, "BU03440112")]);
//! assert_eq!(index.locate_rd(PointRd::new(15.0, 5.0)).unwrap().as_str(), "BU03440112");
//! // On the shared edge both hold the point; the smaller code wins.
//! assert_eq!(index.locate_rd(PointRd::new(10.0, 5.0)).unwrap().as_str(), "BU03440111");
//! assert_eq!(index.locate_all_rd(PointRd::new(10.0, 5.0)).len(), 2);
//! assert!(index.locate_rd(PointRd::new(25.0, 5.0)).is_none());
//! ```

use buurt_core::RegionCode;
use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{BoundingRect, Intersects};
use geo_types::{Coord, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::crs::{BboxRd, PointRd, PointWgs84, wgs84_to_rd};
use crate::dataset::{BoundaryLayer, RegionShape};

/// The bounding box of one polygon part, pointing at the part.
type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// A point and box index over the regions of one layer (RD coordinates).
#[derive(Debug, Clone)]
pub struct RegionIndex {
    tree: RTree<Entry>,
    /// Polygon parts with the index of their region in `codes`.
    parts: Vec<(usize, Polygon<f64>)>,
    codes: Vec<RegionCode>,
}

impl RegionIndex {
    /// Index the given shapes (their geometries are copied).
    #[must_use]
    pub fn new(shapes: &[RegionShape]) -> Self {
        let mut parts = Vec::new();
        let mut entries = Vec::new();
        for (region, shape) in shapes.iter().enumerate() {
            for polygon in &shape.geometry_rd {
                if let Some(rect) = polygon.bounding_rect() {
                    entries.push(GeomWithData::new(
                        Rectangle::from_corners(
                            [rect.min().x, rect.min().y],
                            [rect.max().x, rect.max().y],
                        ),
                        parts.len(),
                    ));
                    parts.push((region, polygon.clone()));
                }
            }
        }
        Self {
            tree: RTree::bulk_load(entries),
            parts,
            codes: shapes.iter().map(|s| s.code).collect(),
        }
    }

    /// Index the features of a layer.
    #[must_use]
    pub fn from_layer(layer: &BoundaryLayer) -> Self {
        Self::new(&layer.features)
    }

    /// Number of regions indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether nothing is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The region that holds an RD point. A point strictly inside one region gets that region; a
    /// point on a boundary shared by several gets the smallest of their codes, so the answer does
    /// not depend on file order.
    #[must_use]
    pub fn locate_rd(&self, p: PointRd) -> Option<RegionCode> {
        let mut inside = None;
        let mut on_boundary = None;
        for (region, position) in self.positions(p) {
            let code = self.codes[region];
            let slot = if position == CoordPos::Inside {
                &mut inside
            } else {
                &mut on_boundary
            };
            if slot.is_none_or(|c| code < c) {
                *slot = Some(code);
            }
        }
        inside.or(on_boundary)
    }

    /// Every region whose closed area (boundary included) holds an RD point, sorted by code.
    #[must_use]
    pub fn locate_all_rd(&self, p: PointRd) -> Vec<RegionCode> {
        let mut out: Vec<RegionCode> = self
            .positions(p)
            .map(|(region, _)| self.codes[region])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The region that holds a WGS84 point (see [`RegionIndex::locate_rd`]).
    #[must_use]
    pub fn locate_wgs84(&self, p: PointWgs84) -> Option<RegionCode> {
        self.locate_rd(wgs84_to_rd(p))
    }

    /// Every region that meets the RD box (overlaps or touches it), sorted by code.
    #[must_use]
    pub fn intersecting_bbox_rd(&self, bbox: BboxRd) -> Vec<RegionCode> {
        let rect = Rect::new(Coord::from(bbox.min), Coord::from(bbox.max));
        let envelope = AABB::from_corners([bbox.min.x, bbox.min.y], [bbox.max.x, bbox.max.y]);
        let mut out: Vec<RegionCode> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|entry| {
                let (region, polygon) = &self.parts[entry.data];
                polygon.intersects(&rect).then_some(self.codes[*region])
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Regions (by position in `codes`) whose parts hold the point, with where it lies.
    fn positions(&self, p: PointRd) -> impl Iterator<Item = (usize, CoordPos)> + '_ {
        let coord = Coord::from(p);
        self.tree
            .locate_all_at_point(&[p.x, p.y])
            .filter_map(move |entry| {
                let (region, polygon) = &self.parts[entry.data];
                match polygon.coordinate_position(&coord) {
                    CoordPos::Outside => None,
                    position => Some((*region, position)),
                }
            })
    }
}

impl BoundaryLayer {
    /// A point and box index over this layer's features.
    #[must_use]
    pub fn index(&self) -> RegionIndex {
        RegionIndex::from_layer(self)
    }
}
