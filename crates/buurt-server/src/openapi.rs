//! `/openapi.json`: the OpenAPI 3.1 description, generated from the handlers' types.

use axum::Json;
use utoipa::OpenApi;

use crate::routes::api;
use crate::routes::harmonise;
use crate::routes::hotspots;
use crate::routes::tiles;

/// The OpenAPI document of the service.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "buurt",
        description = "Map tiles and the diagnose of Dutch buurten, wijken and gemeenten"
    ),
    paths(
        api::health,
        api::indicators,
        api::indicator_values,
        api::regions,
        api::region,
        api::profile,
        api::profile_csv,
        api::profile_xlsx,
        api::profile_pdf,
        api::area_diagnose,
        api::locate,
        hotspots::hotspots,
        harmonise::harmonise,
        tiles::tile,
        tiles::tilejson,
        openapi_json,
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
