//! buurt-core: the vocabulary every other buurt crate speaks.
//!
//! - [`code`]: region codes ([`GemeenteCode`], [`WijkCode`], [`BuurtCode`], [`RegionCode`]),
//!   parsed once from any CBS spelling; parents follow from the codes.
//! - [`level`]: [`Level`] (land, gemeente, wijk, buurt) and [`Indeling`] (classification year).
//! - [`region`]: [`Region`], a code in an indeling with its name.
//! - [`missing`]: [`Value`] and [`MissingReason`]: a number or why it is absent.
//! - [`catalogue`]: the indicator [`Catalogue`] from `indicators.toml` (in this crate).
//! - `test_support` (tests, and the `test-support` feature): a small catalogue for tests, and
//!   damaged copies of fixtures for the fuzz tests of the parsers.
//!
//! No IO happens here.

pub mod catalogue;
pub mod code;
pub mod error;
pub mod level;
pub mod missing;
pub mod region;
pub mod source;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

pub use catalogue::{
    AgeGroup, Aggregation, Catalogue, Indicator, Kind, Polarity, SourceColumn, SourceTable, Theme,
    Unit,
};
pub use code::{BuurtCode, CodeError, GemeenteCode, RegionCode, WijkCode};
pub use error::{CatalogueError, CoreError};
pub use level::{Indeling, Level, UnknownLevel};
pub use missing::{MissingReason, Value};
pub use region::{Region, RegionKey};
