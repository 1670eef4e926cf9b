//! Levels of the CBS hierarchy and the classification year (*indeling*) a region belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A level of the CBS region hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Level {
    /// The whole country.
    Land,
    /// Gemeente (municipality).
    Gemeente,
    /// Wijk (district).
    Wijk,
    /// Buurt (neighbourhood).
    Buurt,
}

impl Level {
    /// All levels, top-down.
    pub const ALL: [Level; 4] = [Level::Land, Level::Gemeente, Level::Wijk, Level::Buurt];

    /// The lower-case name (`buurt`), as used in APIs and files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Land => "land",
            Level::Gemeente => "gemeente",
            Level::Wijk => "wijk",
            Level::Buurt => "buurt",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level name that is not one of `land`, `gemeente`, `wijk`, `buurt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level '{0}' (expected land, gemeente, wijk or buurt)")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;

    /// Accepts the lower-case names and the StatLine `SoortRegio` words (`Gemeente  `, `Land`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "land" | "nederland" => Ok(Level::Land),
            "gemeente" => Ok(Level::Gemeente),
            "wijk" => Ok(Level::Wijk),
            "buurt" => Ok(Level::Buurt),
            _ => Err(UnknownLevel(s.to_owned())),
        }
    }
}

/// The classification year (*indeling*) of a set of regions.
///
/// The same code can mean different areas in different indelingen (Almere reissued all its wijk and
/// buurt codes in 2022), so a region is identified by its code **and** its indeling.
///
/// ```
/// use buurt_core::Indeling;
/// let a = Indeling::new(2021);
/// let b = Indeling::new(2022);
/// assert_ne!(a, b);
/// assert_eq!(b.to_string(), "indeling 2022");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Indeling(u16);

impl Indeling {
    /// The indeling of the given year.
    #[must_use]
    pub const fn new(year: u16) -> Self {
        Self(year)
    }

    /// The year.
    #[must_use]
    pub const fn year(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Indeling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "indeling {}", self.0)
    }
}
