//! The value of one indicator for one region, as maps show it, and the tile properties made
//! from it.

use buurt_core::{Catalogue, MissingReason, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::atlas::{CellIndex, GroupKey};
use buurt_diagnose::diagnose::standing;

use super::standings::Standings;
use crate::error::TileError;
use crate::mvt::PropValue;

/// An indicator of the catalogue, looked up once: its position, which the cell index numbers
/// indicators by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorIx(u16);

impl IndicatorIx {
    /// The indicator `id` of `catalogue`.
    ///
    /// # Errors
    ///
    /// [`TileError::UnknownIndicator`] when the catalogue lacks it.
    pub fn of(catalogue: &Catalogue, id: &str) -> Result<Self, TileError> {
        catalogue
            .position(id)
            .and_then(|p| u16::try_from(p).ok())
            .map(Self)
            .ok_or_else(|| TileError::UnknownIndicator { id: id.to_owned() })
    }

    /// The position in the catalogue (as [`GroupKey::indicator`]).
    #[must_use]
    pub fn get(self) -> u16 {
        self.0
    }

    /// The indicator's id.
    #[must_use]
    pub fn id(self, catalogue: &Catalogue) -> &str {
        &catalogue.indicators()[usize::from(self.0)].id
    }
}

/// The indicators in a comma-separated list of ids (blank items skipped); the catalogue's
/// headline indicators when `list` is `None` or blank.
///
/// # Errors
///
/// [`TileError::UnknownIndicator`] naming the first id the catalogue lacks.
///
/// ```
/// use buurt_tiles::choropleth::resolve_indicators;
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let picked = resolve_indicators(&catalogue, Some("inwoners, jeugdzorg"))?;
/// assert_eq!(picked[1].id(&catalogue), "jeugdzorg");
/// assert!(!resolve_indicators(&catalogue, None)?.is_empty());
/// let unknown = resolve_indicators(&catalogue, Some("inwoners,nope")).unwrap_err();
/// assert_eq!(unknown.to_string(), "unknown indicator 'nope'");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_indicators(
    catalogue: &Catalogue,
    list: Option<&str>,
) -> Result<Vec<IndicatorIx>, TileError> {
    match list.map(str::trim).filter(|l| !l.is_empty()) {
        None => catalogue
            .headline()
            .map(|i| IndicatorIx::of(catalogue, &i.id))
            .collect(),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| IndicatorIx::of(catalogue, id))
            .collect(),
    }
}

/// The indicators in a comma-separated list of ids (blank items skipped), for cluster labels:
/// none when `list` is `None` or blank (unlike [`resolve_indicators`], no default set: a
/// cluster analysis is not free).
///
/// # Errors
///
/// [`TileError::UnknownIndicator`] naming the first id the catalogue lacks.
///
/// ```
/// use buurt_tiles::choropleth::resolve_cluster_indicators;
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// assert!(resolve_cluster_indicators(&catalogue, None)?.is_empty());
/// let picked = resolve_cluster_indicators(&catalogue, Some("eenzaam_65plus,"))?;
/// assert_eq!(picked.len(), 1);
/// assert!(resolve_cluster_indicators(&catalogue, Some("nope")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve_cluster_indicators(
    catalogue: &Catalogue,
    list: Option<&str>,
) -> Result<Vec<IndicatorIx>, TileError> {
    match list.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(Vec::new()),
        Some(list) => resolve_indicators(catalogue, Some(list)),
    }
}

/// A region's value of an indicator, as the map shows it.
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
    /// Its cell in the index.
    pub cell: usize,
}

/// A group and one of its cells.
type GroupCell = (GroupKey, usize);

/// The value of `indicator` for `code`, in the year the profile shows too
/// ([`standing::choose_year`]: the newest year up to `year` with a value, else the newest),
/// read from cells whose indeling describes the same area as the region's newest one. `None`
/// when the region has no cell for it up to `year`.
#[must_use]
pub fn value_at(
    atlas: &Atlas,
    code: RegionCode,
    indicator: IndicatorIx,
    year: Option<u16>,
) -> Option<CellValue> {
    let cells = atlas.cells();
    let newest = atlas.latest_indeling(code)?;
    let (found, elsewhere): (Vec<GroupCell>, Vec<GroupCell>) = cells
        .cells_of(code, indicator.get())
        .into_iter()
        .filter(|(g, _)| year.is_none_or(|y| g.year <= y))
        .partition(|(_, c)| {
            atlas
                .comparability()
                .same_region(code, newest, cells.cell_region(*c).indeling)
        });
    // Values only under the same code in a redrawn indeling: say so rather than "no data".
    if found.is_empty()
        && let Some(&(group, cell)) = elsewhere.last()
    {
        return Some(CellValue {
            year: group.year,
            value: None,
            missing: Some(MissingReason::NotComparable),
            group,
            cell,
        });
    }
    let &(group, cell) = standing::choose_year(
        &found,
        year,
        |c| has_value(cells, *c),
        |c| cells.cell_value(*c).1 != Some(MissingReason::NotPublished),
    )?;
    let (v, missing) = cells.cell_value(cell);
    let value = has_value(cells, cell).then_some(v);
    Some(CellValue {
        year: group.year,
        value,
        missing: if value.is_some() {
            None
        } else {
            missing.or(Some(MissingReason::Empty))
        },
        group,
        cell,
    })
}

fn has_value(cells: &CellIndex, cell: usize) -> bool {
    let (v, missing) = cells.cell_value(cell);
    missing.is_none() && v.is_finite()
}

/// Years with any cell of `indicator`, over all sources, ascending.
#[must_use]
pub fn years_of(cells: &CellIndex, indicator: IndicatorIx) -> Vec<u16> {
    let mut years: Vec<u16> = cells
        .dataset_ids()
        .flat_map(|d| cells.years(d, indicator.get()).iter().copied())
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The indicator properties of region `code` in a tile or export: each indicator's value and
/// `<id>_year`, or `<id>_missing` with the reason (`no_data` when the region has no cell at
/// all). Where the value has a standing within its gemeente, also `<id>_index` (gemeente =
/// 100, to one decimal) and `<id>_band` (`well_below` … `well_above`), both from
/// [`standing`]. Suppressed numbers never get in, nor anything derived from them.
#[must_use]
pub fn feature_properties(
    atlas: &Atlas,
    standings: &Standings,
    indicators: &[IndicatorIx],
    year: Option<u16>,
    code: RegionCode,
) -> Vec<(String, PropValue)> {
    let catalogue = atlas.catalogue();
    let cells = atlas.cells();
    let mut props = Vec::with_capacity(indicators.len() * 2);
    for &ix in indicators {
        let id = ix.id(catalogue);
        match value_at(atlas, code, ix, year) {
            Some(cell) => {
                if let Some(v) = cell.value {
                    props.push((id.to_owned(), PropValue::Double(v)));
                    let standing = standings
                        .get(cells, catalogue.indicators(), cell.group, code.level())
                        .of_cell(cells, cell.cell);
                    if let Some(index) = standing.index {
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

#[cfg(test)]
mod tests {
    use buurt_core::{Catalogue, Indeling, RegionKey};
    use buurt_diagnose::atlas::Cell;
    use buurt_diagnose::diagnose::Diagnose;

    use super::*;

    /// A gemeente with three buurten; the first is suppressed in its newest year.
    fn atlas() -> Atlas {
        let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2024));
        let cell = |c: &str, year, v| Cell::new("kwb", key(c), "aandeel_65plus", year, Some(v));
        let cells = vec![
            cell("GM0001", 2023, 20.0),
            cell("GM0001", 2024, 21.0),
            cell("BU00010001", 2023, 30.0),
            cell("BU00010001", 2024, 0.0).missing(MissingReason::Suppressed),
            cell("BU00010002", 2023, 10.0),
            cell("BU00010002", 2024, 12.0),
            cell("BU00010003", 2023, 20.0),
            cell("BU00010003", 2024, 22.0),
        ];
        Atlas::from_cells(Catalogue::builtin().unwrap(), cells).unwrap()
    }

    #[test]
    fn the_map_and_the_profile_show_the_same_year_when_the_newest_is_suppressed() {
        let atlas = atlas();
        let ix = IndicatorIx::of(atlas.catalogue(), "aandeel_65plus").unwrap();
        let code: RegionCode = "BU00010001".parse().unwrap();
        let map = value_at(&atlas, code, ix, None).unwrap();
        assert_eq!((map.year, map.value), (2023, Some(30.0)));
        let profile = Diagnose::new(&atlas).profile("BU00010001", None).unwrap();
        let p = profile
            .indicators
            .iter()
            .find(|i| i.id == "aandeel_65plus")
            .unwrap();
        assert_eq!((p.year, p.value), (map.year, map.value));
        // Asked for 2024 itself, both show 2023 too (the newest published up to 2024).
        let map = value_at(&atlas, code, ix, Some(2024)).unwrap();
        assert_eq!(map.year, 2023);
        // A buurt without any published year shows its newest reason.
        let other = value_at(&atlas, "BU00010002".parse().unwrap(), ix, Some(2022));
        assert!(other.is_none());
    }

    #[test]
    fn tile_properties_carry_the_kernels_index_and_band() {
        let atlas = atlas();
        let ix = IndicatorIx::of(atlas.catalogue(), "aandeel_65plus").unwrap();
        let props = feature_properties(
            &atlas,
            &Standings::default(),
            &[ix],
            None,
            "BU00010001".parse().unwrap(),
        );
        let get = |name: &str| props.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        assert_eq!(get("aandeel_65plus"), Some(&PropValue::Double(30.0)));
        assert_eq!(get("aandeel_65plus_year"), Some(&PropValue::UInt(2023)));
        // 2023: 30 against the gemeente's 20.
        assert_eq!(get("aandeel_65plus_index"), Some(&PropValue::Double(150.0)));
        // 10, 20, 30: z = 1.22, above.
        assert_eq!(get("aandeel_65plus_band"), Some(&PropValue::from("above")));
        assert!(get("aandeel_65plus_missing").is_none());
    }

    /// Standings evicted for want of room are computed again, the same: a budget of nothing
    /// keeps none and changes no property.
    #[test]
    fn standings_kept_or_not_give_the_same_properties() {
        let atlas = atlas();
        let ix = IndicatorIx::of(atlas.catalogue(), "aandeel_65plus").unwrap();
        let code = "BU00010001".parse().unwrap();
        let kept = Standings::default();
        let none = Standings::with_budget(0);
        let with = |s: &Standings| feature_properties(&atlas, s, &[ix], None, code);
        assert_eq!(with(&kept), with(&none));
        assert!(kept.bytes() > 0);
        assert_eq!(none.bytes(), 0);
    }
}
