//! The value of one indicator for one region in a year, as maps show it.

use buurt_core::{Indeling, MissingReason, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::Engine;

/// A region's value of an indicator: from the latest year up to the one asked for, read from
/// a cell whose indeling describes the same area as the region's newest one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellValue {
    /// The year the value describes.
    pub year: u16,
    /// The value, `None` when missing or suppressed.
    pub value: Option<f64>,
    /// Why it is missing.
    pub missing: Option<MissingReason>,
}

/// The value of indicator `indicator` (its position in the catalogue) for `code` in the latest
/// year ≤ `year` (any year when `None`). Where two sources give the same year, a present value
/// wins over a missing one. `None` when the region has no cell for it at all.
#[must_use]
pub fn value_at(
    atlas: &Atlas,
    engine: &Engine,
    code: RegionCode,
    indicator: u16,
    year: Option<u16>,
) -> Option<CellValue> {
    let newest: Indeling = atlas.latest_indeling(code)?;
    let mut best: Option<CellValue> = None;
    for (group, cell) in engine.cells_of(code, indicator) {
        if year.is_some_and(|y| group.year > y) {
            continue;
        }
        if !atlas
            .comparability()
            .same_region(code, newest, engine.cell_region(cell).indeling)
        {
            continue;
        }
        let (v, missing) = engine.cell_value(cell);
        let candidate = CellValue {
            year: group.year,
            value: (missing.is_none() && v.is_finite()).then_some(v),
            missing: if missing.is_none() && !v.is_finite() {
                Some(MissingReason::Empty)
            } else {
                missing
            },
        };
        let better = match best {
            None => true,
            Some(b) => {
                candidate.year > b.year
                    || (candidate.year == b.year && b.value.is_none() && candidate.value.is_some())
            }
        };
        if better {
            best = Some(candidate);
        }
    }
    best
}

/// Years with any cell of `indicator`, over all sources, ascending.
#[must_use]
pub fn years_of(engine: &Engine, indicator: u16) -> Vec<u16> {
    let mut years: Vec<u16> = (0..engine.datasets().len())
        .filter_map(|d| u16::try_from(d).ok())
        .flat_map(|d| engine.years(d, indicator).iter().copied())
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}
