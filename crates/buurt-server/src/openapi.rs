//! `/openapi.json`: the OpenAPI 3.1 description, generated from the handlers' types.

use axum::Json;
use utoipa::openapi::content::Content;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

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
    components(schemas(crate::error::ErrorBody, crate::params::IndicatorId, api::BuurtCodeText)),
    modifiers(&Amend)
)]
pub struct ApiDoc;

/// The routes whose work runs on the compute pool: while it is busy they answer 503 with a
/// `Retry-After` header (paths as the document spells them).
pub const BUSY_ROUTES: &[&str] = &[
    "/api/v1/regions/{code}/profile",
    "/api/v1/regions/{code}/profile.csv",
    "/api/v1/regions/{code}/profile.xlsx",
    "/api/v1/regions/{code}/profile.pdf",
    "/api/v1/regions/{code}/peers",
    "/api/v1/areas/diagnose",
    "/api/v1/hotspots",
    "/api/v1/harmonise",
    "/tiles/{layer}/{z}/{x}/{y}.mvt",
];

/// What the annotations cannot say, or would say in many copies: the 503 every operation can
/// answer (the time limit wraps every route) as a shared response, on [`BUSY_ROUTES`] the one
/// with `Retry-After`; and that the peers' ids are distinct.
struct Amend;

impl Modify for Amend {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error_body = || Content::new(Some(Ref::from_schema_name("ErrorBody")));
        let timed_out = ResponseBuilder::new()
            .description(format!(
                "the request took longer than {} s; the body says to try again later",
                crate::routes::time_limit::REQUEST_TIMEOUT.as_secs()
            ))
            .content("application/json", error_body())
            .build();
        let busy = ResponseBuilder::new()
            .description(format!(
                "the server is busy computing other requests (with `Retry-After`), or the \
                 request took longer than {} s (without it)",
                crate::routes::time_limit::REQUEST_TIMEOUT.as_secs()
            ))
            .content("application/json", error_body())
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(0)),
                    ))
                    .description(Some("seconds to wait before trying again"))
                    .build(),
            )
            .build();
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .responses
            .insert("Unavailable".into(), RefOr::T(timed_out));
        components.responses.insert("Busy".into(), RefOr::T(busy));
        // utoipa's IntoParams has no `unique_items`: the peers' ids are refused when repeated.
        if let Some(op) = openapi
            .paths
            .paths
            .get_mut("/api/v1/regions/{code}/peers")
            .and_then(|item| item.get.as_mut())
        {
            for p in op.parameters.iter_mut().flatten() {
                if let RefOr::T(p) = p
                    && p.name == "indicators"
                    && let Some(RefOr::T(Schema::Array(a))) = p.schema.as_mut()
                {
                    a.unique_items = true;
                }
            }
        }
        for (path, item) in &mut openapi.paths.paths {
            let name = if BUSY_ROUTES.contains(&path.as_str()) {
                "Busy"
            } else {
                "Unavailable"
            };
            let operations: [&mut Option<Operation>; 8] = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in operations.into_iter().flatten() {
                op.responses
                    .responses
                    .insert("503".into(), RefOr::Ref(Ref::from_response_name(name)));
            }
        }
    }
}

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
    Json(document())
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
                    // A shared response (the 503s) is described where it is defined.
                    let response = match response["$ref"].as_str() {
                        Some(r) => {
                            &doc["components"]["responses"]
                                [r.trim_start_matches("#/components/responses/")]
                        }
                        None => response,
                    };
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

    /// The document's numbers are literals (utoipa takes no constants): they must be the ones
    /// the handlers check.
    #[test]
    fn the_document_states_the_ranges_the_server_enforces() {
        use crate::params::{MAX_YEAR, MIN_YEAR};
        let doc = serde_json::to_value(super::document()).unwrap();
        let param = |path: &str, name: &str| -> serde_json::Value {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
            let p = params.iter().find(|p| p["name"] == name);
            p.unwrap_or_else(|| panic!("{path} has no parameter {name}"))["schema"].clone()
        };
        let range = |schema: &serde_json::Value| {
            (
                schema["minimum"].as_f64().unwrap(),
                schema["maximum"].as_f64().unwrap(),
            )
        };
        let years = (f64::from(MIN_YEAR), f64::from(MAX_YEAR));
        for (path, name) in [
            ("/api/v1/regions/{code}/profile", "year"),
            ("/api/v1/regions/{code}/profile.csv", "year"),
            ("/api/v1/regions/{code}/profile.xlsx", "year"),
            ("/api/v1/regions/{code}/profile.pdf", "year"),
            ("/api/v1/regions/{code}/peers", "year"),
            ("/api/v1/indicators/{id}/values", "year"),
            ("/api/v1/hotspots", "year"),
            ("/api/v1/harmonise", "year"),
            ("/api/v1/harmonise", "from"),
            ("/api/v1/harmonise", "to"),
            ("/tiles/{layer}/{z}/{x}/{y}.mvt", "year"),
            ("/tiles/{layer}.json", "year"),
        ] {
            assert_eq!(range(&param(path, name)), years, "{path} {name}");
        }
        let area = &doc["components"]["schemas"]["AreaRequest"]["properties"]["year"];
        assert_eq!(range(area), years);
        assert_eq!(
            range(&param("/api/v1/regions/{code}/peers", "k")),
            (1.0, buurt_diagnose::diagnose::peers::MAX_K as f64)
        );
        assert_eq!(
            range(&param("/api/v1/indicators/{id}/values", "classes")),
            (1.0, crate::routes::api::MAX_CLASSES as f64)
        );
        assert_eq!(
            range(&param("/api/v1/hotspots", "permutations")),
            (0.0, crate::routes::hotspots::MAX_PERMUTATIONS as f64)
        );
        let tile = "/tiles/{layer}/{z}/{x}/{y}.mvt";
        let max_zoom = buurt_tiles::MAX_ZOOM;
        assert_eq!(range(&param(tile, "z")), (0.0, f64::from(max_zoom)));
        for xy in ["x", "y"] {
            assert_eq!(
                range(&param(tile, xy)),
                (0.0, f64::from((1u32 << max_zoom) - 1))
            );
        }
        for path in [tile, "/tiles/{layer}.json"] {
            for name in ["indicators", "clusters"] {
                assert_eq!(
                    param(path, name)["maxItems"].as_u64(),
                    Some(crate::routes::tile_query::MAX_IDS as u64),
                    "{path} {name}"
                );
            }
        }
        // Only the CSV reads `dialect`: elsewhere the document would promise a 400 for a bad
        // one that the handler never checks (schemathesis found `profile?dialect=AAA` a 200).
        for path in [
            "/api/v1/regions/{code}/profile",
            "/api/v1/regions/{code}/profile.xlsx",
            "/api/v1/regions/{code}/profile.pdf",
        ] {
            let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
            assert!(!params.iter().any(|p| p["name"] == "dialect"), "{path}");
        }
        assert_eq!(
            param("/api/v1/regions/{code}/profile.csv", "dialect")["enum"],
            serde_json::json!(["rfc4180", "nl"])
        );
        // Each route of the compute pool exists and says it may answer 503 with Retry-After.
        for path in super::BUSY_ROUTES {
            let op = doc["paths"][path]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap();
            assert_eq!(
                op["responses"]["503"]["$ref"], "#/components/responses/Busy",
                "{path}"
            );
        }
        let busy = &doc["components"]["responses"]["Busy"];
        assert_eq!(busy["headers"]["Retry-After"]["schema"]["type"], "integer");
        let health = &doc["paths"]["/health"]["get"]["responses"]["503"];
        assert_eq!(health["$ref"], "#/components/responses/Unavailable");
        let body = crate::extract::BODY_LIMIT_BYTES;
        let described =
            doc["paths"]["/api/v1/areas/diagnose"]["post"]["responses"]["413"]["description"]
                .as_str()
                .unwrap();
        assert!(
            described.contains(&format!("{} KiB", body / 1024)),
            "{described}"
        );
    }
}
