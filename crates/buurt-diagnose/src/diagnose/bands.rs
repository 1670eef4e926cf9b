//! Where a value stands: the bands and the words for them. All thresholds live here.
//!
//! Bands use the z-score against the comparison group (buurten of the same gemeente for a buurt,
//! wijken of the gemeente for a wijk or a user-defined area, gemeenten of NL for a gemeente),
//! with the PBL thresholds ±0.5 and ±1.5 standard deviations:
//!
//! | z | band |
//! |---|---|
//! | < −1.5 | `well_below` — ruim onder |
//! | −1.5 … −0.5 | `below` — onder |
//! | −0.5 … 0.5 | `around` — rond |
//! | 0.5 … 1.5 | `above` — boven |
//! | > 1.5 | `well_above` — ruim boven |

use serde::{Deserialize, Serialize};

/// |z| below this is "around" the benchmark.
pub const Z_AROUND: f64 = 0.5;
/// |z| above this is "well" above or below.
pub const Z_WELL: f64 = 1.5;
/// A relative change over the trend period smaller than this (5 %) counts as stable.
pub const STABLE_CHANGE: f64 = 0.05;

/// Where a value stands against its comparison group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Band {
    /// z < −1.5.
    WellBelow,
    /// −1.5 ≤ z < −0.5.
    Below,
    /// |z| ≤ 0.5.
    Around,
    /// 0.5 < z ≤ 1.5.
    Above,
    /// z > 1.5.
    WellAbove,
}

impl Band {
    /// The band of a z-score.
    ///
    /// ```
    /// use buurt_diagnose::diagnose::bands::Band;
    /// assert_eq!(Band::of_z(0.2), Band::Around);
    /// assert_eq!(Band::of_z(-2.0), Band::WellBelow);
    /// assert_eq!(Band::of_z(1.0), Band::Above);
    /// ```
    #[must_use]
    pub fn of_z(z: f64) -> Self {
        if z < -Z_WELL {
            Band::WellBelow
        } else if z < -Z_AROUND {
            Band::Below
        } else if z <= Z_AROUND {
            Band::Around
        } else if z <= Z_WELL {
            Band::Above
        } else {
            Band::WellAbove
        }
    }

    /// The band's id, as it appears in JSON and tiles: `well_below` … `well_above`.
    ///
    /// ```
    /// use buurt_diagnose::diagnose::bands::Band;
    /// assert_eq!(Band::WellAbove.as_str(), "well_above");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Band::WellBelow => "well_below",
            Band::Below => "below",
            Band::Around => "around",
            Band::Above => "above",
            Band::WellAbove => "well_above",
        }
    }

    /// Dutch words for sentences: "ligt ruim boven".
    #[must_use]
    pub fn dutch(self) -> &'static str {
        match self {
            Band::WellBelow => "ruim onder",
            Band::Below => "onder",
            Band::Around => "rond",
            Band::Above => "boven",
            Band::WellAbove => "ruim boven",
        }
    }
}

/// Words for an index against a parent (parent = 100), as Census Reporter phrases them.
///
/// ```
/// use buurt_diagnose::diagnose::bands::index_phrase;
/// assert_eq!(index_phrase(100.0), "ongeveer gelijk aan");
/// assert_eq!(index_phrase(250.0), "meer dan het dubbele van");
/// ```
#[must_use]
pub fn index_phrase(index: f64) -> &'static str {
    match index {
        i if i >= 206.0 => "meer dan het dubbele van",
        i if i >= 150.0 => "ruim anderhalf keer",
        i if i > 102.0 => "hoger dan",
        i if i >= 98.0 => "ongeveer gelijk aan",
        i if i > 50.0 => "lager dan",
        _ => "minder dan de helft van",
    }
}
