//! `/api/v1/hotspots`: global and local Moran's I (LISA) of an indicator over the regions within
//! a gemeente or wijk (see [`buurt_diagnose::diagnose::hotspots`]).

use axum::Json;
use axum::extract::State;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::diagnose::hotspots::{HotspotOptions, hotspots as compute, newest_year};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorBody};
use crate::extract::Q;
use crate::params;
use crate::state::{AppState, known_code};

/// Most permutations a request may ask for: each costs a pass over every region's neighbours.
pub const MAX_PERMUTATIONS: usize = 9999;

/// Query of `/api/v1/hotspots`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HotspotsQuery {
    /// The area: a gemeente or wijk code (e.g. GM0344), or NL00 for the whole country.
    #[param(example = "GM0344")]
    pub within: String,
    /// buurt (default), wijk, or gemeente (only within NL00).
    #[param(value_type = Option<params::HotspotLevel>, inline)]
    pub level: Option<String>,
    /// Indicator id.
    #[param(example = "inwoners")]
    pub indicator: String,
    /// Year of the values (default: the newest year with values in the area, as the tiles'
    /// `<id>_cluster`).
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// Random permutations, 0..=9999 (default 999).
    #[param(minimum = 0, maximum = 9999)]
    pub permutations: Option<usize>,
    /// Seed of the permutations (default 1).
    pub seed: Option<u64>,
    /// Significance level of the cluster labels, between 0 and 1 (default 0.05).
    #[param(exclusive_minimum = 0, exclusive_maximum = 1)]
    pub alpha: Option<f64>,
    /// Benjamini–Hochberg false discovery rate instead of a test per region (default false).
    pub fdr: Option<bool>,
}

/// Global Moran's I.
#[derive(Debug, Serialize, ToSchema)]
pub struct GlobalMoranBody {
    /// Moran's I.
    pub moran_i: f64,
    /// Its expectation, −1/(n−1).
    pub expected_i: f64,
    /// z under normality.
    pub z_normal: f64,
    /// Two-sided p-value under normality.
    pub p_normal: f64,
    /// Permutation pseudo p-value (null without permutations).
    pub p_value: Option<f64>,
    /// Regions analysed.
    pub n: usize,
}

/// One region's local Moran's I.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotspotRegionBody {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The indicator's value.
    pub value: f64,
    /// Local Moran's I.
    pub local_i: f64,
    /// z of local_i against its permutations.
    pub z: Option<f64>,
    /// Conditional-permutation pseudo p-value (null for an island).
    pub p_value: Option<f64>,
    /// high-high, low-low, high-low, low-high or not-significant.
    pub cluster: String,
    /// Neighbours among the regions analysed.
    pub neighbours: usize,
}

/// A region left out, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeftOutBody {
    /// Code.
    pub code: String,
    /// `missing value`, `no value` or `no geometry`.
    pub reason: String,
    /// The missing reason of the value (`suppressed`, …), if any.
    pub missing_reason: Option<String>,
}

/// Hot spots of an indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct HotspotsBody {
    /// The area.
    pub within: String,
    /// Level.
    pub level: String,
    /// Indicator id.
    pub indicator: String,
    /// Year.
    pub year: u16,
    /// Permutations drawn per test.
    pub permutations: usize,
    /// Seed.
    pub seed: u64,
    /// The p-value threshold of the labels (alpha, or the FDR threshold).
    pub p_threshold: f64,
    /// Global Moran's I.
    pub global: GlobalMoranBody,
    /// Per region.
    pub regions: Vec<HotspotRegionBody>,
    /// Regions without neighbours.
    pub islands: Vec<String>,
    /// Regions of the area left out.
    pub left_out: Vec<LeftOutBody>,
}

/// Global and local Moran's I of an indicator over the buurten or wijken within an area, on
/// queen contiguity of their polygons, with conditional-permutation p-values and cluster labels
/// (as PySAL's esda).
#[utoipa::path(get, path = "/api/v1/hotspots", tag = "api", params(HotspotsQuery),
    responses((status = 200, description = "global and local Moran's I", body = HotspotsBody),
        (status = 400, description = "a level not in the list or gemeente outside NL00, year, permutations or alpha out of range, or too few regions",
            body = ErrorBody),
        (status = 404, description = "unknown area or indicator, or no values", body = ErrorBody)))]
pub async fn hotspots(
    State(state): State<AppState>,
    Q(query): Q<HotspotsQuery>,
) -> Result<Json<HotspotsBody>, ApiError> {
    let loaded = state.loaded();
    let atlas = loaded.atlas();
    let (within, _) = known_code(atlas, &query.within)?;
    let level = match query.level.as_deref().unwrap_or("buurt") {
        "buurt" => Level::Buurt,
        "wijk" => Level::Wijk,
        // The gemeenten of one gemeente would be one region.
        "gemeente" if within == RegionCode::Nederland => Level::Gemeente,
        "gemeente" => {
            return Err(ApiError::bad(
                "level",
                format!("gemeente is a level only within NL00, not within {within}"),
            ));
        }
        other => {
            return Err(ApiError::bad(
                "level",
                format!("'{other}' is not one of buurt, wijk, gemeente"),
            ));
        }
    };
    let permutations = query.permutations.unwrap_or(999);
    if permutations > MAX_PERMUTATIONS {
        return Err(ApiError::bad(
            "permutations",
            format!("{permutations} is more than {MAX_PERMUTATIONS}"),
        ));
    }
    if atlas.catalogue().get(&query.indicator).is_none() {
        return Err(ApiError::NotFound(format!(
            "unknown indicator '{}'",
            query.indicator
        )));
    }
    let options = HotspotOptions {
        permutations,
        seed: query.seed.unwrap_or(1),
        alpha: query.alpha.unwrap_or(0.05),
        fdr: query.fdr.unwrap_or(false),
        ..HotspotOptions::default()
    };
    // All wijken of the Netherlands with 999 permutations take a while: off the serving thread.
    let indicator = query.indicator;
    let asked_year = params::year("year", query.year)?;
    let h = state
        .compute_pool()
        .run(move || {
            let atlas = loaded.atlas();
            let year = match asked_year {
                Some(y) => y,
                None => {
                    newest_year(atlas, within, level, &indicator, None).map_err(ApiError::from)?
                }
            };
            compute(atlas, within, level, &indicator, year, options).map_err(ApiError::from)
        })
        .await??;
    Ok(Json(HotspotsBody {
        within: h.within,
        level: h.level.to_string(),
        indicator: h.indicator,
        year: h.year,
        permutations,
        seed: options.seed,
        p_threshold: h.threshold,
        global: GlobalMoranBody {
            moran_i: h.global.i,
            expected_i: h.global.ei,
            z_normal: h.global.z_norm,
            p_normal: h.global.p_norm,
            p_value: h.global.p_sim,
            n: h.global.n,
        },
        regions: h
            .regions
            .into_iter()
            .map(|r| HotspotRegionBody {
                code: r.code,
                name: r.name,
                value: r.value,
                local_i: r.local_i,
                z: r.z,
                p_value: r.p_value,
                cluster: r.cluster.as_str().to_owned(),
                neighbours: r.neighbours,
            })
            .collect(),
        islands: h.islands,
        left_out: h
            .left_out
            .into_iter()
            .map(|l| LeftOutBody {
                code: l.code,
                reason: l.reason.to_owned(),
                missing_reason: l.missing.map(|m| m.as_str().to_owned()),
            })
            .collect(),
    }))
}
