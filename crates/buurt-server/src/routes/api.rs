//! `/api/v1`: the catalogue, regions, profiles, indicator values with class breaks, areas,
//! point lookup; and `/health`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use buurt_core::{BuurtCode, Level, RegionCode};
use buurt_diagnose::atlas::{CellIndex, GroupKey};
use buurt_diagnose::diagnose::csv_export;
use buurt_diagnose::diagnose::{Diagnose, Weights};
use buurt_diagnose::stats::classify::{Method, breaks};
use buurt_io::crs::{PointWgs84, geometry_rd_to_wgs84};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::extract::{JsonBody, P, Q};
use crate::params;
use crate::routes::tiles::AcceptsGzip;
use crate::state::{AppState, Loaded, TILE_LEVELS, known_code};
use buurt_tiles::choropleth::{IndicatorIx, value_at, years_of};

/// The serde name of a catalogue enum (`theme`, `unit`, `polarity`), as the profile JSON writes it.
fn serde_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Service status.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Regions in the atlas (all indelingen).
    pub regions: usize,
    /// Indicators in the catalogue.
    pub indicators: usize,
}

/// Whether the service is up.
#[utoipa::path(get, path = "/health", tag = "meta", responses((status = 200, description = "the service is up, with what it serves", body = Health)))]
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    let loaded = state.loaded();
    Json(Health {
        status: "ok".into(),
        regions: loaded.atlas().regions().len(),
        indicators: loaded.atlas().catalogue().len(),
    })
}

/// One catalogue entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorInfo {
    /// Id.
    pub id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Theme.
    pub theme: String,
    /// Unit.
    pub unit: String,
    /// `higher_is_worse`, `higher_is_better` or neutral, as in the catalogue.
    pub polarity: String,
    /// Age group key.
    pub age_group: String,
    /// Shown by default.
    pub headline: bool,
    /// What it measures.
    pub description: String,
    /// Years with data, ascending.
    pub years: Vec<u16>,
}

/// Query of `/api/v1/indicators`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// Only indicators with a published value for a region of this level within `within`
    /// (default buurt); `years` then lists the years with such values.
    #[param(value_type = Option<params::RegionLevel>, inline)]
    pub level: Option<String>,
    /// Only indicators with a published value within this code (e.g. GM0344); with `level`
    /// (default buurt).
    #[param(example = "GM0344")]
    pub within: Option<String>,
}

/// The indicator catalogue with the years available: everywhere, or, with `within` (and
/// `level`), only the indicators and years with published values there, as a map picker wants.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "api", params(IndicatorsQuery),
    responses((status = 200, description = "the indicators", body = Vec<IndicatorInfo>),
        (status = 400, description = "a level not in the list, or a level without within", body = ErrorBody),
        (status = 404, description = "unknown code in within", body = ErrorBody)))]
pub async fn indicators(
    State(state): State<AppState>,
    Q(query): Q<IndicatorsQuery>,
) -> Result<Json<Vec<IndicatorInfo>>, ApiError> {
    let loaded = state.loaded();
    let level = params::level(query.level.as_deref())?;
    let within = parse_within(loaded.atlas(), query.within.as_deref())?;
    if query.level.is_some() && within.is_none() {
        return Err(ApiError::bad(
            "level",
            "needs within (a gemeente or wijk code) to filter indicators",
        ));
    }
    let engine = loaded.atlas().cells();
    // The regions of that level within the code, in any indeling, as a mask over region
    // numbers.
    let places: Vec<bool> = within.map_or_else(Vec::new, |w| {
        (0..engine.region_count())
            .map(|r| {
                let key = engine.region_key(r);
                key.code.level() == level && key.code.is_within(&w)
            })
            .collect()
    });
    let mut out = Vec::new();
    let catalogue = loaded.atlas().catalogue();
    for ind in catalogue.indicators() {
        let Ok(ix) = IndicatorIx::of(catalogue, &ind.id) else {
            continue;
        };
        let mut years = years_of(engine, ix);
        if within.is_some() {
            years.retain(|&year| published_in(engine, ix.get(), year, level, &places));
            if years.is_empty() {
                continue;
            }
        }
        out.push(IndicatorInfo {
            id: ind.id.clone(),
            label_nl: ind.label_nl.clone(),
            label_en: ind.label_en.clone(),
            theme: serde_name(&ind.theme),
            unit: serde_name(&ind.unit),
            polarity: serde_name(&ind.polarity),
            age_group: ind.age_group.as_str().to_owned(),
            headline: ind.headline,
            description: ind.description.clone(),
            years,
        });
    }
    Ok(Json(out))
}

/// Whether any region of `level` marked in `places` has a published value of indicator `ix` in
/// `year`, in any source. Walks the level's cells of each group once: looking each place up
/// instead took 7 – 21 s for `within=NL00` (every buurt, for each indicator, year and
/// source, most of them without buurt cells at all).
fn published_in(engine: &CellIndex, ix: u16, year: u16, level: Level, places: &[bool]) -> bool {
    let regions = engine.cell_regions();
    engine
        .dataset_ids()
        .map(|dataset| GroupKey {
            dataset,
            indicator: ix,
            year,
        })
        .any(|g| {
            engine.level_cells(g, level).any(|c| {
                places.get(regions[c] as usize).copied().unwrap_or(false) && {
                    let (v, missing) = engine.cell_value(c);
                    missing.is_none() && v.is_finite()
                }
            })
        })
}

fn parse_within(
    atlas: &buurt_diagnose::Atlas,
    text: Option<&str>,
) -> Result<Option<RegionCode>, ApiError> {
    text.map(|w| known_code(atlas, w).map(|(c, _)| c))
        .transpose()
}

/// A region in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionSummary {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Level.
    pub level: String,
    /// Newest indeling of the code.
    pub indeling: u16,
    /// Area (m²).
    pub area_m2: Option<f64>,
    /// A point inside the region, `[lon, lat]` (WGS84).
    pub interior_point_wgs84: Option<[f64; 2]>,
    /// The wijk it lies in.
    pub wijk: Option<String>,
    /// The gemeente it lies in.
    pub gemeente: Option<String>,
    /// Whether the map's tile layer of its level draws it. A region of an older indeling
    /// (a gemeente merged since, Almere's wijken of 2021) has data but is not drawn.
    pub on_map: bool,
    /// The bounding box of the drawn region, `[west, south, east, north]` (WGS84).
    pub bbox_wgs84: Option<[f64; 4]>,
}

/// The shape the map draws for `code`, if any (shapes are in code order).
fn drawn_shape(loaded: &Loaded, code: RegionCode) -> Option<&buurt_io::RegionShape> {
    let shapes = loaded.source.shapes(code.level());
    shapes
        .binary_search_by_key(&code, |s| s.code)
        .ok()
        .map(|i| &shapes[i])
}

fn summary(loaded: &Loaded, info: &buurt_diagnose::atlas::RegionInfo) -> RegionSummary {
    let code = info.key.code;
    let shape = drawn_shape(loaded, code);
    RegionSummary {
        on_map: shape.is_some(),
        bbox_wgs84: shape.and_then(buurt_io::RegionShape::bbox_rd).map(|b| {
            let corners = [
                (b.min.x, b.min.y),
                (b.min.x, b.max.y),
                (b.max.x, b.min.y),
                (b.max.x, b.max.y),
            ]
            .map(|(x, y)| buurt_io::crs::rd_to_wgs84(buurt_io::crs::PointRd::new(x, y)));
            let round = |v: f64| (v * 1e6).round() / 1e6;
            [
                round(corners.iter().map(|p| p.lon).fold(f64::INFINITY, f64::min)),
                round(corners.iter().map(|p| p.lat).fold(f64::INFINITY, f64::min)),
                round(
                    corners
                        .iter()
                        .map(|p| p.lon)
                        .fold(f64::NEG_INFINITY, f64::max),
                ),
                round(
                    corners
                        .iter()
                        .map(|p| p.lat)
                        .fold(f64::NEG_INFINITY, f64::max),
                ),
            ]
        }),
        code: code.to_string(),
        name: info.name.clone(),
        level: info.level.as_str().to_owned(),
        indeling: info.key.indeling.year(),
        area_m2: info.area_m2,
        interior_point_wgs84: info.interior_point_wgs84.map(|p| [p.lon, p.lat]),
        wijk: code
            .wijk()
            .filter(|_| code.level() == Level::Buurt)
            .map(|w| w.to_string()),
        gemeente: code
            .gemeente()
            .filter(|_| code.level() != Level::Gemeente)
            .map(|g| g.to_string()),
    }
}

/// Query of `/api/v1/regions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionsQuery {
    /// land, gemeente, wijk or buurt (default buurt).
    #[param(value_type = Option<params::RegionLevel>, inline)]
    pub level: Option<String>,
    /// Only regions within this code (e.g. GM0344, WK034405).
    #[param(example = "WK034405")]
    pub within: Option<String>,
}

/// The regions of the newest indeling of each code at `level` within `within`.
fn newest_regions(
    atlas: &buurt_diagnose::Atlas,
    level: Level,
    within: Option<RegionCode>,
) -> Vec<&buurt_diagnose::atlas::RegionInfo> {
    let mut newest: BTreeMap<RegionCode, &buurt_diagnose::atlas::RegionInfo> = BTreeMap::new();
    for r in atlas.regions() {
        if r.level != level || within.is_some_and(|w| !r.key.code.is_within(&w)) {
            continue;
        }
        let entry = newest.entry(r.key.code).or_insert(r);
        if r.key.indeling > entry.key.indeling {
            *entry = r;
        }
    }
    newest.into_values().collect()
}

/// Regions of a level, optionally within a gemeente or wijk.
#[utoipa::path(get, path = "/api/v1/regions", tag = "api", params(RegionsQuery),
    responses((status = 200, description = "the regions", body = Vec<RegionSummary>),
        (status = 400, description = "a level not in the list", body = ErrorBody),
        (status = 404, description = "unknown code in within", body = ErrorBody)))]
pub async fn regions(
    State(state): State<AppState>,
    Q(query): Q<RegionsQuery>,
) -> Result<Json<Vec<RegionSummary>>, ApiError> {
    let loaded = state.loaded();
    let level = params::level(query.level.as_deref())?;
    let within = parse_within(loaded.atlas(), query.within.as_deref())?;
    Ok(Json(
        newest_regions(loaded.atlas(), level, within)
            .into_iter()
            .map(|r| summary(&loaded, r))
            .collect(),
    ))
}

/// One region with its boundary.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionDetail {
    /// The region.
    #[serde(flatten)]
    pub region: RegionSummary,
    /// Indelingen in which the code exists.
    pub indelingen: Vec<u16>,
    /// The boundary as a GeoJSON MultiPolygon (WGS84), if the atlas has one.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Value>,
}

/// A GeoJSON MultiPolygon, coordinates rounded to 7 decimals (about 1 cm).
fn geojson_multipolygon(mp: &geo_types::MultiPolygon<f64>) -> Value {
    let round = |v: f64| (v * 1e7).round() / 1e7;
    let ring = |ls: &geo_types::LineString<f64>| -> Vec<[f64; 2]> {
        ls.coords().map(|c| [round(c.x), round(c.y)]).collect()
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = mp
        .iter()
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().map(ring))
                .collect()
        })
        .collect();
    serde_json::json!({"type": "MultiPolygon", "coordinates": polygons})
}

/// A region with its GeoJSON geometry (WGS84).
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "api",
    params(("code" = String, Path, description = "region code, e.g. BU03440613", example = "BU03440613")),
    responses((status = 200, description = "the region", body = RegionDetail),
        (status = 400, description = "a path that is not UTF-8 once percent-decoded", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn region(
    State(state): State<AppState>,
    P(code): P<String>,
) -> Result<Json<RegionDetail>, ApiError> {
    let loaded = state.loaded();
    let (code, indeling) = known_code(loaded.atlas(), &code)?;
    let key = buurt_core::RegionKey::new(code, indeling);
    let info = loaded
        .atlas()
        .region(&key)
        .ok_or_else(|| ApiError::NotFound(format!("unknown region code '{code}'")))?;
    let geometry = loaded
        .atlas()
        .geometry_rd(&key)
        .map(|g| geojson_multipolygon(&geometry_rd_to_wgs84(g)));
    Ok(Json(RegionDetail {
        region: summary(&loaded, info),
        indelingen: loaded
            .atlas()
            .indelingen_of(code)
            .iter()
            .map(|i| i.year())
            .collect(),
        geometry,
    }))
}

/// Query of the profile routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// Each indicator at its latest year up to this one; a year before all of the region's
    /// values is a 400 that lists the years there are.
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
}

/// Query of `profile.csv`: the profile's, and the dialect. Apart, so that the other formats do
/// not list a `dialect` they ignore (schemathesis found `?dialect=AAA` accepted there).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvQuery {
    /// Each indicator at its latest year up to this one; a year before all of the region's
    /// values is a 400 that lists the years there are.
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// `rfc4180` (default: `,` and a decimal point) or `nl` (Dutch Excel: `;`, a decimal comma
    /// and a UTF-8 byte order mark).
    #[param(value_type = Option<params::DialectName>, inline)]
    pub dialect: Option<String>,
}

/// CSV bytes as a download: `text/csv` with its encoding and whether it carries a header
/// (RFC 7111), named after what it holds.
fn csv_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/csv; charset=utf-8; header=present".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The diagnose of a region: the same JSON as `buurt diagnose CODE`.
#[utoipa::path(get, path = "/api/v1/regions/{code}/profile", tag = "api",
    params(("code" = String, Path, description = "region code (buurt, wijk, gemeente or NL00)", example = "WK034405"), ProfileQuery),
    responses((status = 200, description = "the profile (as `buurt diagnose`)", body = buurt_diagnose::diagnose::Profile),
        (status = 400, description = "a year out of range or before all of the region's values, or a malformed query", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn profile(
    State(state): State<AppState>,
    AcceptsGzip(gzip): AcceptsGzip,
    P(code): P<String>,
    Q(query): Q<ProfileQuery>,
) -> Result<Response, ApiError> {
    let cached = super::profile_source::profile(&state, &code, query.year).await?;
    // The JSON, gzipped or not, and its ETag as computed once: neither the ETag layer nor the
    // compression layer touches it.
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::ETAG, cached.etag.clone()),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    Ok(if gzip {
        let encoding = [(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))];
        (headers, encoding, cached.gzip.clone()).into_response()
    } else {
        (headers, cached.json.clone()).into_response()
    })
}

/// The diagnose of a region as CSV (as `buurt diagnose --format csv`).
#[utoipa::path(get, path = "/api/v1/regions/{code}/profile.csv", tag = "api",
    params(("code" = String, Path, description = "region code (buurt, wijk, gemeente or NL00)", example = "WK034405"), CsvQuery),
    responses((status = 200, description = "one row per indicator", content_type = "text/csv"),
        (status = 400, description = "a year out of range or before all of the region's values, a dialect not in the list, or a malformed query", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn profile_csv(
    State(state): State<AppState>,
    P(code): P<String>,
    Q(query): Q<CsvQuery>,
) -> Result<Response, ApiError> {
    let dialect = params::csv_dialect(query.dialect.as_deref())?;
    let cached = super::profile_source::profile(&state, &code, query.year).await?;
    let profile = &cached.profile;
    let mut out = Vec::new();
    csv_export::write_csv(std::slice::from_ref(profile), dialect, &mut out)
        .map_err(|e| ApiError::Internal(format!("writing the CSV of {code}: {e}")))?;
    Ok(csv_response(out, &profile_filename(profile, "csv")))
}

/// The diagnose of a region as an Excel workbook (as `buurt diagnose --format xlsx`): an
/// overview sheet and a sheet per theme.
#[utoipa::path(get, path = "/api/v1/regions/{code}/profile.xlsx", tag = "api",
    params(("code" = String, Path, description = "region code (buurt, wijk, gemeente or NL00)", example = "WK034405"), ProfileQuery),
    responses((status = 200, description = "the workbook",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "a year out of range or before all of the region's values, or a malformed query", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn profile_xlsx(
    State(state): State<AppState>,
    P(code): P<String>,
    Q(query): Q<ProfileQuery>,
) -> Result<Response, ApiError> {
    let cached = super::profile_source::profile(&state, &code, query.year).await?;
    let profile = Arc::clone(&cached);
    let bytes = state
        .compute_pool()
        .run(move || {
            buurt_diagnose::diagnose::xlsx_export::workbook(std::slice::from_ref(&profile.profile))
                .map_err(|e| ApiError::Internal(format!("writing the workbook of {code}: {e}")))
        })
        .await??;
    let profile = &cached.profile;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &profile_filename(profile, "xlsx"),
    ))
}

/// The diagnose of a region as a printable A4 PDF (as `buurt diagnose --format pdf`): a
/// location map, the wijkpact's sections with trend lines, the sources and the date.
#[utoipa::path(get, path = "/api/v1/regions/{code}/profile.pdf", tag = "api",
    params(("code" = String, Path, description = "region code (buurt, wijk, gemeente or NL00)", example = "WK034405"), ProfileQuery),
    responses((status = 200, description = "the PDF", content_type = "application/pdf"),
        (status = 400, description = "a year out of range or before all of the region's values, or a malformed query", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn profile_pdf(
    State(state): State<AppState>,
    P(code): P<String>,
    Q(query): Q<ProfileQuery>,
) -> Result<Response, ApiError> {
    let cached = super::profile_source::profile(&state, &code, query.year).await?;
    let (loaded, profile) = (state.loaded(), Arc::clone(&cached));
    let bytes = state
        .compute_pool()
        .run(move || {
            buurt_diagnose::diagnose::pdf_export::pdf(
                loaded.atlas(),
                &profile.profile,
                &buurt_diagnose::diagnose::pdf_export::dutch_date_today(),
            )
        })
        .await?;
    let profile = &cached.profile;
    Ok(download(
        bytes,
        "application/pdf",
        &profile_filename(profile, "pdf"),
    ))
}

/// The name a profile is saved under, as the viewer names it: `wijkprofiel-WK034405.pdf`.
fn profile_filename(p: &buurt_diagnose::diagnose::Profile, ext: &str) -> String {
    let kind = buurt_diagnose::diagnose::profile::profile_title(p.level).to_lowercase();
    format!("{kind}-{}.{ext}", p.code)
}

/// A file to save: its content type and name.
fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Query of `/api/v1/indicators/{id}/values`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesQuery {
    /// land, gemeente, wijk or buurt (default buurt).
    #[param(value_type = Option<params::RegionLevel>, inline)]
    pub level: Option<String>,
    /// Only regions within this code.
    #[param(example = "GM0344")]
    pub within: Option<String>,
    /// Latest year up to this one (default: latest).
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// Number of classes, 1..=12 (default 5).
    #[param(minimum = 1, maximum = 12)]
    pub classes: Option<usize>,
    /// quantile, jenks or equal (default quantile).
    #[param(value_type = Option<params::ClassMethod>, inline)]
    pub method: Option<String>,
    /// What the breaks classify: `value` (default) or `index` (each region's `index`, as a
    /// map of the index against the gemeente colours it).
    #[param(value_type = Option<params::ValuesMode>, inline)]
    pub mode: Option<String>,
}

/// One region's value.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionValue {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Year of the value (absent without data).
    pub year: Option<u16>,
    /// Value; null when missing or suppressed.
    pub value: Option<f64>,
    /// Why it is missing (`no_data` without any cell).
    pub missing_reason: Option<String>,
    /// Index against the gemeente (gemeente = 100) to one decimal, as the tiles' `<id>_index`;
    /// null without a value or a gemeente value to compare with.
    pub index: Option<f64>,
    /// The value against the gemeente: `well_below`, `below`, `around`, `above` or
    /// `well_above`, as the tiles' `<id>_band`; null without a standing.
    pub band: Option<String>,
}

/// Values of one indicator per region, with class breaks.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorValues {
    /// Indicator id.
    pub indicator: String,
    /// Level.
    pub level: String,
    /// The `within` code, if given.
    pub within: Option<String>,
    /// The year asked for.
    pub year: Option<u16>,
    /// Classification method.
    pub method: String,
    /// What the breaks classify: `value` or `index`.
    pub mode: String,
    /// Classes asked for.
    pub classes: usize,
    /// Upper bounds of each class (ascending; fewer when there are fewer distinct values),
    /// over the regions' values or, with `mode=index`, their indexes.
    pub breaks: Vec<f64>,
    /// Per region.
    pub values: Vec<RegionValue>,
}

/// Most classes a choropleth may ask for.
pub const MAX_CLASSES: usize = 12;

/// What the class breaks of `/api/v1/indicators/{id}/values` classify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValuesMode {
    Value,
    Index,
}

/// A year before the first with values of `id` gives no value anywhere: a 404 that lists the
/// years there are, rather than an empty 200 that reads as "no data for these regions".
fn check_year_has_data(atlas: &buurt_diagnose::Atlas, id: &str, year: u16) -> Result<(), ApiError> {
    let Some(ix) = atlas
        .catalogue()
        .position(id)
        .and_then(|i| u16::try_from(i).ok())
    else {
        return Err(ApiError::NotFound(format!("unknown indicator '{id}'")));
    };
    let years = atlas.cells().years_with_cells(Some(ix));
    if years.first().is_some_and(|first| *first <= year) {
        return Ok(());
    }
    let listed: Vec<String> = years.iter().map(ToString::to_string).collect();
    Err(ApiError::NotFound(format!(
        "no values of {id} in or before year {year}; years with values: {}",
        if listed.is_empty() {
            "none".to_owned()
        } else {
            listed.join(", ")
        }
    )))
}

fn parse_mode(text: Option<&str>) -> Result<ValuesMode, ApiError> {
    match text.unwrap_or("value") {
        "value" => Ok(ValuesMode::Value),
        "index" => Ok(ValuesMode::Index),
        other => Err(ApiError::bad(
            "mode",
            format!("'{other}' is not one of value, index"),
        )),
    }
}

/// An indicator's values per region with their index and band against the gemeente, and class
/// breaks over the values or (`mode=index`) over the indexes.
#[utoipa::path(get, path = "/api/v1/indicators/{id}/values", tag = "api",
    params(("id" = String, Path, description = "indicator id", example = "inwoners"), ValuesQuery),
    responses((status = 200, description = "the values and class breaks", body = IndicatorValues),
        (status = 400, description = "level, year, classes, method or mode out of range or not in the list", body = ErrorBody),
        (status = 404, description = "unknown indicator or within code, or a year before the first with values (the message lists the years)", body = ErrorBody)))]
pub async fn indicator_values(
    State(state): State<AppState>,
    P(id): P<String>,
    Q(query): Q<ValuesQuery>,
) -> Result<Json<IndicatorValues>, ApiError> {
    let loaded = state.loaded();
    let ix = IndicatorIx::of(loaded.atlas().catalogue(), &id)
        .map_err(|e| ApiError::NotFound(e.to_string()))?;
    let level = params::level(query.level.as_deref())?;
    let within = parse_within(loaded.atlas(), query.within.as_deref())?;
    let classes = query.classes.unwrap_or(5);
    if !(1..=MAX_CLASSES).contains(&classes) {
        return Err(ApiError::bad(
            "classes",
            format!("{classes} is not in 1..={MAX_CLASSES}"),
        ));
    }
    let method_name = query.method.as_deref().unwrap_or("quantile");
    let method: Method = method_name
        .parse()
        .map_err(|e: String| ApiError::bad("method", e))?;
    let mode = parse_mode(query.mode.as_deref())?;
    let year = params::year("year", query.year)?;
    if let Some(year) = year {
        check_year_has_data(loaded.atlas(), &id, year)?;
    }
    let values: Vec<RegionValue> = newest_regions(loaded.atlas(), level, within)
        .into_iter()
        .map(|r| {
            let cell = value_at(loaded.atlas(), r.key.code, ix, year);
            // The standing the tiles use: index and band only beside a published value.
            let standing = cell
                .filter(|c| c.value.is_some())
                .map(|c| loaded.source.standing(&c, level));
            RegionValue {
                code: r.key.code.to_string(),
                name: r.name.clone(),
                year: cell.map(|c| c.year),
                value: cell.and_then(|c| c.value),
                missing_reason: match cell {
                    None => Some("no_data".into()),
                    Some(c) if c.value.is_none() => {
                        Some(c.missing.map_or("empty", |m| m.as_str()).to_owned())
                    }
                    Some(_) => None,
                },
                // Rounded as the tiles' `<id>_index`, so that the map classifies the same numbers.
                index: standing
                    .and_then(|s| s.index)
                    .map(|i| (i * 10.0).round() / 10.0),
                band: standing.and_then(|s| s.band).map(|b| b.as_str().to_owned()),
            }
        })
        .collect();
    let numbers: Vec<f64> = values
        .iter()
        .filter_map(|v| match mode {
            ValuesMode::Value => v.value,
            ValuesMode::Index => v.index,
        })
        .collect();
    Ok(Json(IndicatorValues {
        indicator: id,
        level: level.as_str().to_owned(),
        within: within.map(|w| w.to_string()),
        year,
        method: method_name.to_owned(),
        mode: match mode {
            ValuesMode::Value => "value",
            ValuesMode::Index => "index",
        }
        .to_owned(),
        classes,
        breaks: breaks(&numbers, classes, method),
        values,
    }))
}

/// A user-defined area: the buurten of, for instance, a wijkpact.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Wijkpact Oost", "buurten": ["BU03440613", "BU03440614"]}))]
pub struct AreaRequest {
    /// Name shown in the profile: anything but only white space.
    #[schema(
        min_length = 1,
        pattern = r"[^\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]",
        example = "Wijkpact Oost"
    )]
    pub name: String,
    /// Buurt codes, all in one gemeente, each once (described in [`buurt_codes_schema`]).
    #[schema(schema_with = buurt_codes_schema)]
    pub buurten: Vec<String>,
    /// Each indicator at its latest year up to this one; a year before all of the area's values
    /// is a 400 that lists the years there are.
    #[schema(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
}

/// A buurt code as an area lists it.
#[derive(ToSchema)]
#[schema(pattern = "^BU[0-9]{4}[0-9A-Z]{4}$")]
#[allow(dead_code)] // only describes the body in the document
pub struct BuurtCodeText(String);

/// The schema of an area's `buurten`: at least one, each once, spelled as [`BuurtCodeText`].
fn buurt_codes_schema() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("BuurtCodeText"))
        .description(Some(
            "Buurt codes (`BU`, the gemeente's four digits and four more digits or capitals), \
             all in one gemeente, each once.",
        ))
        .min_items(Some(1))
        .unique_items(true)
        .examples([serde_json::json!(["BU03440613", "BU03440614"])])
        .build()
}

/// Query of `/api/v1/areas/diagnose`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// `json` (default) or `csv`: one row per indicator, as
    /// `/api/v1/regions/{code}/profile.csv`.
    #[param(value_type = Option<params::AreaFormat>, inline)]
    pub format: Option<String>,
    /// For CSV: `rfc4180` (default) or `nl`, as for `profile.csv`.
    #[param(value_type = Option<params::DialectName>, inline)]
    pub dialect: Option<String>,
}

/// The diagnose of a user-defined area (same JSON as a region's profile, code `AREA`), or with
/// `?format=csv` the same CSV as a region's `profile.csv`.
#[utoipa::path(post, path = "/api/v1/areas/diagnose", tag = "api", request_body = AreaRequest,
    params(AreaQuery),
    responses((status = 200, description = "the profile of the area: JSON, or CSV with `format=csv`",
            content((buurt_diagnose::diagnose::Profile = "application/json"), (String = "text/csv"))),
        (status = 400, description = "malformed body, a blank name, no buurt, a buurt code not in the pattern or given twice, buurten in more than one gemeente, a year out of range or before all of their values, or a format or dialect not in the list", body = ErrorBody),
        (status = 404, description = "unknown buurt", body = ErrorBody),
        (status = 413, description = "body larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "a body without the JSON content type", body = ErrorBody)))]
pub async fn area_diagnose(
    State(state): State<AppState>,
    Q(query): Q<AreaQuery>,
    JsonBody(request): JsonBody<AreaRequest>,
) -> Result<Response, ApiError> {
    let csv = match query.format.as_deref().unwrap_or("json") {
        "json" => false,
        "csv" => true,
        other => {
            return Err(ApiError::bad(
                "format",
                format!("'{other}' is not one of json, csv"),
            ));
        }
    };
    let dialect = params::csv_dialect(query.dialect.as_deref())?;
    let year = params::year("year", request.year)?;
    // `trim` drops exactly the white space the document's pattern for `name` excludes.
    if request.name.trim().is_empty() {
        return Err(ApiError::bad("name", "an area needs a name"));
    }
    let buurten: Vec<BuurtCode> = request
        .buurten
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // Only the spelling the document states; `BuurtCode`'s parser also takes lower
            // case, white space and codes without `BU`, which would make two spellings of
            // one buurt pass the document's `uniqueItems` and then fail as a repeat.
            if !is_buurt_code_text(b) {
                return Err(ApiError::bad(
                    "buurten",
                    format!("item {i} '{b}' is not a buurt code (BU and 8 digits or capitals)"),
                ));
            }
            b.parse::<BuurtCode>()
                .map_err(|e| ApiError::bad("buurten", format!("item {i} '{b}': {e}")))
        })
        .collect::<Result<_, _>>()?;
    let loaded = state.loaded();
    let profile = state
        .compute_pool()
        .run(move || {
            Diagnose::new(loaded.atlas())
                .area(&request.name, &buurten, year, &Weights::default())
                .map_err(ApiError::from)
        })
        .await??;
    if !csv {
        return Ok(Json(profile).into_response());
    }
    let mut out = Vec::new();
    csv_export::write_csv(std::slice::from_ref(&profile), dialect, &mut out).map_err(|e| {
        ApiError::Internal(format!("writing the CSV of area '{}': {e}", profile.name))
    })?;
    Ok(csv_response(out, "buurt-gebied.csv"))
}

/// Whether `text` is spelled as [`BuurtCodeText`]'s pattern says: `BU`, four digits, four
/// digits or capitals.
fn is_buurt_code_text(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.starts_with(b"BU")
        && b[2..6].iter().all(u8::is_ascii_digit)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// Query of `/api/v1/locate`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateQuery {
    /// Longitude (WGS84 degrees east).
    #[param(minimum = -180, maximum = 180, example = 5.1365)]
    pub lon: f64,
    /// Latitude (WGS84 degrees north), within Web Mercator's -85..=85.
    #[param(minimum = -85, maximum = 85, example = 52.0894)]
    pub lat: f64,
}

/// A region found at a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocatedRegion {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The regions at a point.
#[derive(Debug, Serialize, ToSchema)]
pub struct Located {
    /// Longitude asked for.
    pub lon: f64,
    /// Latitude asked for.
    pub lat: f64,
    /// The buurt, if the atlas has buurt boundaries there.
    pub buurt: Option<LocatedRegion>,
    /// The wijk.
    pub wijk: Option<LocatedRegion>,
    /// The gemeente.
    pub gemeente: Option<LocatedRegion>,
}

/// The buurt, wijk and gemeente at a point (WGS84).
#[utoipa::path(get, path = "/api/v1/locate", tag = "api", params(LocateQuery),
    responses((status = 200, description = "the regions at the point", body = Located),
        (status = 400, description = "lon or lat missing, not a number or out of range", body = ErrorBody),
        (status = 404, description = "no region at that point", body = ErrorBody)))]
pub async fn locate(
    State(state): State<AppState>,
    Q(query): Q<LocateQuery>,
) -> Result<Json<Located>, ApiError> {
    let LocateQuery { lon, lat } = query;
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(ApiError::bad(
            "lon",
            format!("{lon} is not a longitude in -180..=180"),
        ));
    }
    if !(lat.is_finite() && (-85.0..=85.0).contains(&lat)) {
        return Err(ApiError::bad(
            "lat",
            format!("{lat} is not a latitude in -85..=85"),
        ));
    }
    let loaded = state.loaded();
    let point = PointWgs84::new(lon, lat);
    let mut found = TILE_LEVELS.iter().map(|&level| {
        loaded
            .index(level)
            .and_then(|i| i.locate_wgs84(point))
            .map(|code| LocatedRegion {
                name: loaded
                    .atlas()
                    .latest_indeling(code)
                    .and_then(|i| loaded.atlas().region(&buurt_core::RegionKey::new(code, i)))
                    .map_or_else(|| code.to_string(), |r| r.name.clone()),
                code: code.to_string(),
            })
    });
    let (gemeente, wijk, buurt) = (
        found.next().flatten(),
        found.next().flatten(),
        found.next().flatten(),
    );
    if gemeente.is_none() && wijk.is_none() && buurt.is_none() {
        return Err(ApiError::NotFound(format!(
            "no region at lon {lon}, lat {lat}"
        )));
    }
    Ok(Json(Located {
        lon,
        lat,
        buurt,
        wijk,
        gemeente,
    }))
}
