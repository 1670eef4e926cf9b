//! `/api/v1/regions/{code}/peers`: vergelijkbare buurten (see
//! [`buurt_diagnose::diagnose::peers`]).

use axum::Json;
use axum::extract::State;
use buurt_diagnose::diagnose::peers::{MAX_K, PeerOptions, Peers, peers as compute};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ErrorBody};
use crate::extract::{P, Q};
use crate::params;
use crate::state::{AppState, known_code};

/// Query of `/api/v1/regions/{code}/peers`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeersQuery {
    /// How many peers, 1..=50 (default 5).
    #[param(minimum = 1, maximum = 50)]
    pub k: Option<usize>,
    /// Indicator ids, comma-separated, each once (default: the headline indicators of
    /// demografie and zorgbehoefte that are not counts); an empty item or an unknown id is
    /// refused.
    #[param(value_type = Option<Vec<params::IndicatorId>>, style = Form, explode = false, min_items = 1)]
    pub indicators: Option<String>,
    /// Values up to this year (default: the newest of each indicator).
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// Only peers within this region (a gemeente code, or a wijk for buurten); default: all
    /// of Nederland.
    #[param(example = "GM0344")]
    pub within: Option<String>,
}

/// The regions of the same level most like this one on a standardised profile, with the
/// distance (root mean square of the z differences over the indicators both have) and each
/// indicator's part in it. Suppressed values are left out, never filled in; a peer that shares
/// fewer indicators says so.
#[utoipa::path(get, path = "/api/v1/regions/{code}/peers", tag = "api",
    params(("code" = String, Path, description = "region code (buurt, wijk or gemeente)", example = "BU03440613"),
        PeersQuery),
    responses((status = 200, description = "the nearest regions and what the comparison rests on", body = Peers),
        (status = 400, description = "k or year out of range, an empty, unknown or repeated id in indicators, a within that holds no regions of the code's level, or a code of another level", body = ErrorBody),
        (status = 404, description = "unknown region code", body = ErrorBody)))]
pub async fn peers(
    State(state): State<AppState>,
    P(code): P<String>,
    Q(query): Q<PeersQuery>,
) -> Result<Json<Peers>, ApiError> {
    let loaded = state.loaded();
    let atlas = loaded.atlas();
    let (code, _) = known_code(atlas, &code)?;
    let within = match query.within.as_deref() {
        Some(w) => Some(known_code(atlas, w)?.0),
        None => None,
    };
    let k = query.k.unwrap_or(5);
    if !(1..=MAX_K).contains(&k) {
        return Err(ApiError::bad(
            "k",
            format!("{k} is not between 1 and {MAX_K}"),
        ));
    }
    let year = params::year("year", query.year)?;
    let indicators = match query.indicators.as_deref() {
        None => None,
        Some(list) => {
            let ids: Vec<String> = list.split(',').map(|s| s.trim().to_owned()).collect();
            if let Some(empty) = ids.iter().position(String::is_empty) {
                return Err(ApiError::bad(
                    "indicators",
                    format!("item {} of '{list}' is empty", empty + 1),
                ));
            }
            Some(ids)
        }
    };
    let options = PeerOptions {
        k,
        indicators,
        year,
        within,
    };
    let job = std::sync::Arc::clone(&loaded);
    let peers = state
        .compute_pool()
        .run(move || compute(job.atlas(), code.as_str(), &options).map_err(ApiError::from))
        .await??;
    Ok(Json(peers))
}
