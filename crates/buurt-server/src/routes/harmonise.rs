//! `/api/v1/harmonise`: the values of a gemeente's wijken or buurten on one indeling carried
//! over to those of another by areal interpolation (see
//! [`buurt_diagnose::diagnose::harmonise`]).

use axum::Json;
use axum::extract::State;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::diagnose::harmonise::{
    Harmonisation, HarmoniseQuery as DiagnoseQuery, harmonise as compute,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ErrorBody};
use crate::extract::Q;
use crate::params;
use crate::state::{AppState, known_code};

/// Query of `/api/v1/harmonise`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HarmoniseQuery {
    /// The indeling the values are on (e.g. 2021).
    #[param(minimum = 1900, maximum = 2100, example = 2021)]
    pub from: u16,
    /// The indeling to carry them to (e.g. 2022), not `from`.
    #[param(minimum = 1900, maximum = 2100, example = 2022)]
    pub to: u16,
    /// The gemeente (e.g. GM0034).
    #[param(example = "GM0034")]
    pub within: String,
    /// wijk (default) or buurt.
    #[param(value_type = Option<params::HarmoniseLevel>, inline)]
    pub level: Option<String>,
    /// One indicator id (default: every indicator with values on `from`).
    #[param(example = "inwoners")]
    pub indicator: Option<String>,
    /// One year of the values (default: every year on `from`).
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
}

/// The values of the wijken or buurten of a gemeente on indeling `from`, carried over to those
/// of indeling `to` as PySAL's tobler `area_interpolate` defines it: counts split by area
/// share, rates and means as population-weighted means where the source year counts the
/// population (else area-weighted); per value its method, the share of the target covered by
/// the sources it rests on, and those sources. A target that sources without a value cover for
/// more than 1 % has no value.
#[utoipa::path(get, path = "/api/v1/harmonise", tag = "api", params(HarmoniseQuery),
    responses((status = 200, description = "the values carried over, per target region", body = Harmonisation),
        (status = 400, description = "a level not in the list, within not a gemeente, from, to or year out of range, from = to, no regions of from or to, or an indicator that does not interpolate",
            body = ErrorBody),
        (status = 404, description = "unknown gemeente or indicator, or no polygons of an indeling",
            body = ErrorBody)))]
pub async fn harmonise(
    State(state): State<AppState>,
    Q(query): Q<HarmoniseQuery>,
) -> Result<Json<Harmonisation>, ApiError> {
    let loaded = state.loaded();
    let atlas = loaded.atlas();
    params::year("from", Some(query.from))?;
    params::year("to", Some(query.to))?;
    let year = params::year("year", query.year)?;
    let (within, _) = known_code(atlas, &query.within)?;
    if !matches!(within, RegionCode::Gemeente(_)) {
        return Err(ApiError::bad(
            "within",
            format!("{within} is not a gemeente (GMxxxx); indelingen change per gemeente"),
        ));
    }
    let level = match query.level.as_deref().unwrap_or("wijk") {
        "buurt" => Level::Buurt,
        "wijk" => Level::Wijk,
        other => {
            return Err(ApiError::bad(
                "level",
                format!("'{other}' is not one of wijk, buurt"),
            ));
        }
    };
    if let Some(id) = query.indicator.as_deref()
        && atlas.catalogue().get(id).is_none()
    {
        return Err(ApiError::NotFound(format!("unknown indicator '{id}'")));
    }
    let job = std::sync::Arc::clone(&loaded);
    let h = state
        .compute_pool()
        .run(move || {
            compute(
                job.atlas(),
                &DiagnoseQuery {
                    from: query.from,
                    to: query.to,
                    within,
                    level,
                    indicator: query.indicator.as_deref(),
                    year,
                },
            )
            .map_err(ApiError::from)
        })
        .await??;
    Ok(Json(h))
}
