//! A boundary file's polygons against its own area attribute: a generalised or mis-projected
//! file shows up as areas that no longer match what the publisher measured.

use buurt_core::RegionCode;
use serde::{Deserialize, Serialize};

/// Polygon area / attribute area outside `1 ± this` is listed. Generalised cartographic
/// polygons of small regions move by a few percent; a wrong CRS or a lost ring by far more.
pub const AREA_TOLERANCE: f64 = 0.10;

/// Regions below this attribute area (m²) are not listed: a tiny wijk's simplified outline
/// is off by large factors without anything being wrong.
const MIN_LISTED_M2: f64 = 50_000.0;

/// At most this many outliers are kept in the report.
const MAX_LISTED: usize = 50;

/// One region whose polygon disagrees with the attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaOutlier {
    /// The region.
    pub code: RegionCode,
    /// Area of the polygon (m², EPSG:28992).
    pub polygon_m2: f64,
    /// Area the file states (m²).
    pub attribute_m2: f64,
}

/// The comparison of polygon areas with the file's area attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaCheck {
    /// The attribute compared with, and its unit (`area` in km²).
    pub attribute: String,
    /// Features with both an area and a positive attribute.
    pub compared: usize,
    /// Median of polygon area / attribute area.
    pub median_ratio: f64,
    /// Features (of at least 5 ha) whose ratio is outside 1 ± [`AREA_TOLERANCE`].
    pub beyond_tolerance: usize,
    /// The worst of those, largest deviation first (at most 50).
    pub outliers: Vec<AreaOutlier>,
}

impl AreaCheck {
    /// Compare `(code, polygon m², attribute m²)` triples; `None` when there is nothing to
    /// compare.
    ///
    /// ```
    /// use buurt_io::area_check::AreaCheck;
    /// let code = |c: &str| c.parse().unwrap();
    /// let check = AreaCheck::compare("area (km²)", vec![
    ///     (code("WK030701"), 1_000_000.0, 1_010_000.0),
    ///     (code("WK030702"), 3_000_000.0, 1_000_000.0),
    /// ]).unwrap();
    /// assert_eq!(check.beyond_tolerance, 1);
    /// assert_eq!(check.outliers[0].code.as_str(), "WK030702");
    /// ```
    #[must_use]
    pub fn compare(
        attribute: &str,
        areas: impl IntoIterator<Item = (RegionCode, f64, f64)>,
    ) -> Option<Self> {
        let areas: Vec<(RegionCode, f64, f64)> = areas
            .into_iter()
            .filter(|(_, p, a)| p.is_finite() && a.is_finite() && *a > 0.0)
            .collect();
        if areas.is_empty() {
            return None;
        }
        let mut ratios: Vec<f64> = areas.iter().map(|(_, p, a)| p / a).collect();
        ratios.sort_by(f64::total_cmp);
        let n = ratios.len();
        let median_ratio = if n % 2 == 1 {
            ratios[n / 2]
        } else {
            f64::midpoint(ratios[n / 2 - 1], ratios[n / 2])
        };
        let mut outliers: Vec<AreaOutlier> = areas
            .iter()
            .filter(|(_, p, a)| *a >= MIN_LISTED_M2 && (p / a - 1.0).abs() > AREA_TOLERANCE)
            .map(|&(code, polygon_m2, attribute_m2)| AreaOutlier {
                code,
                polygon_m2,
                attribute_m2,
            })
            .collect();
        let beyond_tolerance = outliers.len();
        outliers.sort_by(|x, y| {
            let dev = |o: &AreaOutlier| (o.polygon_m2 / o.attribute_m2).ln().abs();
            dev(y).total_cmp(&dev(x))
        });
        outliers.truncate(MAX_LISTED);
        Some(Self {
            attribute: attribute.to_owned(),
            compared: n,
            median_ratio,
            beyond_tolerance,
            outliers,
        })
    }
}
