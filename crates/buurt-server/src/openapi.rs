//! `/openapi.json`: the OpenAPI 3.1 description, generated from the handlers' types.

use axum::Json;
use utoipa::OpenApi;

use crate::routes::api;
use crate::routes::harmonise;
use crate::routes::hotspots;
use crate::routes::peers;
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
        peers::peers,
        harmonise::harmonise,
        tiles::tile,
        tiles::tilejson,
        openapi_json,
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

/// The document, as `/openapi.json` serves it and `buurt openapi` prints it.
///
/// ```
/// let doc = buurt_server::openapi::document();
/// assert!(doc.paths.paths.contains_key("/api/v1/regions/{code}/profile"));
/// ```
#[must_use]
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    /// OpenAPI 3.1 requires a description on every Response object: without one the document
    /// is invalid (openapi-spec-validator, which .ci/run also runs, rejects it).
    #[test]
    fn every_response_has_a_description() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let mut missing = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                for (status, response) in op["responses"].as_object().unwrap() {
                    if response["description"].as_str().is_none_or(str::is_empty) {
                        missing.push(format!("{method} {path} {status}"));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "responses without a description: {missing:?}"
        );
    }
}
