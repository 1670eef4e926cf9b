//! What the parameters accept, in one place: the checks the handlers make and the types the
//! OpenAPI document describes them with. utoipa's `minimum`/`maximum` take literals only, so
//! `openapi::tests` holds the document's numbers to the constants here.

use buurt_core::Level;
use buurt_diagnose::diagnose::csv_export::CsvDialect;
use utoipa::ToSchema;

use crate::error::ApiError;

/// Earliest year a `year` (or an indeling's `from`/`to`) may name. Earlier is not a mistake
/// the data can answer (they start in the 2010s), so it is refused rather than looked up.
pub const MIN_YEAR: u16 = 1900;

/// Latest year a `year` may name.
pub const MAX_YEAR: u16 = 2100;

/// `year` as given, or a 400 naming `name` when it lies outside [`MIN_YEAR`]..=[`MAX_YEAR`].
pub(crate) fn year(name: &str, year: Option<u16>) -> Result<Option<u16>, ApiError> {
    match year {
        Some(y) if !(MIN_YEAR..=MAX_YEAR).contains(&y) => Err(ApiError::bad(
            name,
            format!("{y} is not a year in {MIN_YEAR}..={MAX_YEAR}"),
        )),
        y => Ok(y),
    }
}

/// The `level` of the catalogue, region and value routes: exactly one of the names
/// [`RegionLevel`] lists (default buurt). `Level`'s own parser also takes StatLine's spellings
/// (`Gemeente  `, `Nederland`), which the API does not promise.
pub(crate) fn level(text: Option<&str>) -> Result<Level, ApiError> {
    match text.unwrap_or("buurt") {
        "land" => Ok(Level::Land),
        "gemeente" => Ok(Level::Gemeente),
        "wijk" => Ok(Level::Wijk),
        "buurt" => Ok(Level::Buurt),
        other => Err(ApiError::bad(
            "level",
            format!("'{other}' is not one of land, gemeente, wijk, buurt"),
        )),
    }
}

/// The CSV dialect a query names (default rfc4180); only the two names the API promises,
/// not the CLI's aliases.
pub(crate) fn csv_dialect(name: Option<&str>) -> Result<CsvDialect, ApiError> {
    match name.unwrap_or("rfc4180") {
        "rfc4180" => Ok(CsvDialect::Rfc4180),
        "nl" => Ok(CsvDialect::Nl),
        other => Err(ApiError::bad(
            "dialect",
            format!("'{other}' is not one of rfc4180, nl"),
        )),
    }
}

// The types below only describe parameters in the document; the handlers read plain strings
// and check them with the functions above, so that a wrong value gets a message naming it.

/// A level of regions: land (Nederland), gemeente, wijk or buurt.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum RegionLevel {
    Land,
    Gemeente,
    Wijk,
    Buurt,
}

/// The level of a hot-spot analysis: buurt, wijk, or gemeente (only within NL00).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum HotspotLevel {
    Buurt,
    Wijk,
    Gemeente,
}

/// The level whose regions change between indelingen: wijk or buurt.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum HarmoniseLevel {
    Wijk,
    Buurt,
}

/// A CSV dialect: rfc4180 (`,` and a decimal point) or nl (Dutch Excel: `;`, a decimal
/// comma and a UTF-8 byte order mark).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum DialectName {
    Rfc4180,
    Nl,
}

/// The format of an area's profile: json or csv.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum AreaFormat {
    Json,
    Csv,
}

/// A classification method: quantile, jenks or equal.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ClassMethod {
    Quantile,
    Jenks,
    Equal,
}

/// What class breaks classify: value or index.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ValuesMode {
    Value,
    Index,
}

/// A tile layer: gemeente, wijk, buurt, or label (a point inside each region of every level).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum TileLayer {
    Gemeente,
    Wijk,
    Buurt,
    Label,
}

/// An indicator id of the catalogue (lower case letters, digits and `_`).
#[derive(ToSchema)]
#[schema(pattern = "^[a-z0-9_]+$")]
#[allow(dead_code)]
pub struct IndicatorId(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_the_range_are_refused_by_name() {
        assert_eq!(year("year", Some(MIN_YEAR)).unwrap(), Some(MIN_YEAR));
        assert_eq!(year("year", Some(MAX_YEAR)).unwrap(), Some(MAX_YEAR));
        assert_eq!(year("year", None).unwrap(), None);
        let err = year("from", Some(0)).unwrap_err();
        assert!(err.to_string().contains("parameter 'from'"), "{err}");
        assert!(year("year", Some(MAX_YEAR + 1)).is_err());
    }

    #[test]
    fn only_the_documented_names_are_levels_and_dialects() {
        assert_eq!(level(None).unwrap(), Level::Buurt);
        assert_eq!(level(Some("land")).unwrap(), Level::Land);
        for wrong in ["Gemeente", "nederland", " wijk", ""] {
            assert!(level(Some(wrong)).is_err(), "{wrong:?}");
        }
        assert!(csv_dialect(Some("nl")).is_ok());
        for wrong in ["en", "rfc", "NL"] {
            assert!(csv_dialect(Some(wrong)).is_err(), "{wrong:?}");
        }
    }
}
