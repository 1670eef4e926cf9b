//! A region: a code within an indeling, with its name.

use serde::{Deserialize, Serialize};

use crate::code::RegionCode;
use crate::level::{Indeling, Level};

/// The identity of a region: a code means an area only within one indeling.
///
/// ```
/// use buurt_core::{Indeling, RegionKey};
/// let old = RegionKey::new("WK003401".parse()?, Indeling::new(2021));
/// let new = RegionKey::new("WK003401".parse()?, Indeling::new(2022));
/// assert_ne!(old, new); // Almere reissued its codes in 2022
/// # Ok::<(), buurt_core::CodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegionKey {
    /// The CBS code.
    pub code: RegionCode,
    /// The classification year.
    pub indeling: Indeling,
}

impl RegionKey {
    /// A key from its parts.
    #[must_use]
    pub const fn new(code: RegionCode, indeling: Indeling) -> Self {
        Self { code, indeling }
    }
}

/// A named region in an indeling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    /// Code and indeling.
    pub key: RegionKey,
    /// Name as published (trimmed), e.g. `Welgelegen, Den Hommel`.
    pub name: String,
}

impl Region {
    /// The level, from the code.
    #[must_use]
    pub fn level(&self) -> Level {
        self.key.code.level()
    }
}
