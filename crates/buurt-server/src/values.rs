//! The value of one indicator for one region in a year, as maps show it.

use buurt_core::{Catalogue, Indeling, MissingReason, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::{Engine, GroupKey};
use buurt_tiles::PropValue;

use crate::error::ServerError;
use crate::standings::Standings;

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
    /// The group (source, indicator, year) the value comes from.
    pub group: GroupKey,
    /// Its cell in the engine.
    pub cell: usize,
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
            group,
            cell,
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
    let mut years: Vec<u16> = engine
        .dataset_ids()
        .flat_map(|d| engine.years(d, indicator).iter().copied())
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The indicators in a comma-separated list of ids, with their catalogue positions (as
/// [`value_at`] takes them); the catalogue's headline indicators when `list` is `None` or blank.
///
/// # Errors
///
/// [`ServerError::UnknownIndicator`] naming the first id the catalogue lacks.
///
/// ```
/// use buurt_server::values::resolve_indicators;
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let picked = resolve_indicators(&catalogue, Some("inwoners, jeugdzorg"))?;
/// assert_eq!(picked[1].0, "jeugdzorg");
/// assert!(!resolve_indicators(&catalogue, None)?.is_empty());
/// let unknown = resolve_indicators(&catalogue, Some("inwoners,nope")).unwrap_err();
/// assert_eq!(unknown.to_string(), "unknown indicator 'nope'");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_indicators(
    catalogue: &Catalogue,
    list: Option<&str>,
) -> Result<Vec<(String, u16)>, ServerError> {
    let position = |id: &str| catalogue.position(id).and_then(|p| u16::try_from(p).ok());
    match list.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(catalogue
            .headline()
            .filter_map(|i| position(&i.id).map(|p| (i.id.clone(), p)))
            .collect()),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                position(id)
                    .map(|p| (id.to_owned(), p))
                    .ok_or_else(|| ServerError::UnknownIndicator { id: id.to_owned() })
            })
            .collect(),
    }
}

/// The indicator properties of the region `code` in a tile or export: each indicator's value
/// and `<id>_year`, or `<id>_missing` with the reason (`no_data` when the region has no cell at
/// all). Where the value has a standing within its gemeente, also `<id>_index` (gemeente = 100,
/// to one decimal) and `<id>_band` (`well_below` … `well_above`, see
/// [`buurt_diagnose::diagnose::bands`]). Suppressed numbers never get in, nor anything derived
/// from them. Empty when `code` is not a region code.
#[must_use]
pub fn feature_properties(
    atlas: &Atlas,
    engine: &Engine,
    standings: &Standings,
    indicators: &[(String, u16)],
    year: Option<u16>,
    code: &str,
) -> Vec<(String, PropValue)> {
    let Ok(code) = code.parse::<RegionCode>() else {
        return Vec::new();
    };
    let mut props = Vec::with_capacity(indicators.len() * 2);
    for (id, ix) in indicators {
        match value_at(atlas, engine, code, *ix, year) {
            Some(cell) => {
                if let Some(v) = cell.value {
                    props.push((id.clone(), PropValue::Double(v)));
                    let standing = standings
                        .get(engine, cell.group, code.level())
                        .of_cell(engine, cell.cell);
                    if let Some(index) = standing.index_gemeente {
                        let rounded = (index * 10.0).round() / 10.0;
                        props.push((format!("{id}_index"), PropValue::Double(rounded)));
                    }
                    if let Some(band) = standing.band {
                        props.push((format!("{id}_band"), PropValue::from(band.as_str())));
                    }
                } else {
                    let reason = cell.missing.map_or("empty", MissingReason::as_str);
                    props.push((format!("{id}_missing"), PropValue::from(reason)));
                }
                props.push((format!("{id}_year"), PropValue::UInt(u64::from(cell.year))));
            }
            None => props.push((format!("{id}_missing"), PropValue::from("no_data"))),
        }
    }
    props
}
