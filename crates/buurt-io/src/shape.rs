//! Measures of region shapes: area in m², centroid and a point guaranteed inside, in RD and WGS84.
//!
//! Areas are planar areas of the RD coordinates. RD's scale factor stays within 1 ± 0.0001 of
//! the true scale over the Netherlands, so the area error is below 0.02 %, smaller than the
//! generalisation of any published boundary.
//!
//! ```
//! use buurt_io::RegionShape;
//! use geo_types::polygon;
//! let square = polygon![(x: 136_000.0, y: 455_000.0), (x: 137_000.0, y: 455_000.0), (x: 137_000.0, y: 456_000.0), (x: 136_000.0, y: 456_000.0)];
//! let shape = RegionShape {
//!     code: "BU03440111".parse()?,
//!     name: "Welgelegen, Den Hommel".into(),
//!     geometry_rd: geo_types::MultiPolygon::new(vec![square]),
//! };
//! assert_eq!(shape.area_m2(), 1_000_000.0);
//! let c = shape.centroid_rd().expect("non-empty");
//! assert_eq!((c.x, c.y), (136_500.0, 455_500.0));
//! let inside = shape.interior_point_wgs84().expect("non-empty");
//! assert!((inside.lat - 52.09).abs() < 0.01);
//! # Ok::<(), buurt_core::CodeError>(())
//! ```

use buurt_core::RegionCode;
use geo::{Area, BoundingRect, Centroid, InteriorPoint};
use geo_types::MultiPolygon;

use crate::crs::{BboxRd, PointRd, PointWgs84, geometry_rd_to_wgs84, rd_to_wgs84};
use crate::dataset::{BoundaryLayer, RegionShape};

impl RegionShape {
    /// The area in m² (planar, from the RD coordinates; holes excluded).
    #[must_use]
    pub fn area_m2(&self) -> f64 {
        self.geometry_rd.unsigned_area()
    }

    /// The area-weighted centroid in RD. It may lie outside a concave or multi-part region; use
    /// [`RegionShape::interior_point_rd`] to place a label or look the region up.
    #[must_use]
    pub fn centroid_rd(&self) -> Option<PointRd> {
        self.geometry_rd
            .centroid()
            .map(|p| PointRd::new(p.x(), p.y()))
    }

    /// The centroid in WGS84.
    #[must_use]
    pub fn centroid_wgs84(&self) -> Option<PointWgs84> {
        self.centroid_rd().map(rd_to_wgs84)
    }

    /// A point on the region's surface (inside its largest part, away from the boundary where
    /// possible), in RD.
    #[must_use]
    pub fn interior_point_rd(&self) -> Option<PointRd> {
        self.geometry_rd
            .interior_point()
            .map(|p| PointRd::new(p.x(), p.y()))
    }

    /// The interior point in WGS84.
    #[must_use]
    pub fn interior_point_wgs84(&self) -> Option<PointWgs84> {
        self.interior_point_rd().map(rd_to_wgs84)
    }

    /// The bounding box in RD.
    #[must_use]
    pub fn bbox_rd(&self) -> Option<BboxRd> {
        self.geometry_rd
            .bounding_rect()
            .map(|r| BboxRd::new(r.min().into(), r.max().into()))
    }

    /// The geometry transformed to WGS84 (`x` = lon, `y` = lat).
    #[must_use]
    pub fn geometry_wgs84(&self) -> MultiPolygon<f64> {
        geometry_rd_to_wgs84(&self.geometry_rd)
    }
}

impl BoundaryLayer {
    /// The feature with this code.
    #[must_use]
    pub fn get(&self, code: &RegionCode) -> Option<&RegionShape> {
        self.features.iter().find(|f| f.code == *code)
    }

    /// The codes, in file order.
    pub fn codes(&self) -> impl Iterator<Item = RegionCode> + '_ {
        self.features.iter().map(|f| f.code)
    }

    /// The summed area of all features in m².
    #[must_use]
    pub fn total_area_m2(&self) -> f64 {
        self.features.iter().map(RegionShape::area_m2).sum()
    }
}
