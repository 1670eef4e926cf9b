//! The router: routes (the viewer's from [`crate::viewer`]), and the layers every response passes (log line, CORS, gzip, timeout,
//! panic catcher, ETag and Cache-Control).

pub mod api;
pub mod harmonise;
pub mod hotspots;
pub mod peers;
mod profile_source;
pub mod tile_query;
pub mod tiles;
pub(crate) mod time_limit;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};

use crate::cache::etag_of;
use crate::error::ApiError;
use crate::state::AppState;

pub use crate::extract::BODY_LIMIT_BYTES;
pub use time_limit::REQUEST_TIMEOUT;

/// The service: every route of the map service over `state`.
///
/// ```no_run
/// # fn loaded() -> buurt_server::Loaded { unimplemented!() }
/// let app = buurt_server::router(buurt_server::AppState::new(loaded()));
/// # let _ = app;
/// ```
pub fn router(state: AppState) -> Router {
    let viewer = crate::viewer::routes(state.viewer_config());
    let routes = Router::new()
        .route("/health", get(api::health))
        .route("/openapi.json", get(crate::openapi::openapi_json))
        .route("/tiles/{file}", get(tiles::tilejson))
        .route("/tiles/{layer}/{z}/{x}/{y}", get(tiles::tile))
        .route("/api/v1/indicators", get(api::indicators))
        .route("/api/v1/indicators/{id}/values", get(api::indicator_values))
        .route("/api/v1/regions", get(api::regions))
        .route("/api/v1/regions/{code}", get(api::region))
        .route("/api/v1/regions/{code}/profile", get(api::profile))
        .route("/api/v1/regions/{code}/peers", get(peers::peers))
        .route("/api/v1/regions/{code}/profile.csv", get(api::profile_csv))
        .route(
            "/api/v1/regions/{code}/profile.xlsx",
            get(api::profile_xlsx),
        )
        .route("/api/v1/regions/{code}/profile.pdf", get(api::profile_pdf))
        .route("/api/v1/areas/diagnose", post(api::area_diagnose))
        .route("/api/v1/locate", get(api::locate))
        .route("/api/v1/hotspots", get(hotspots::hotspots))
        .route("/api/v1/harmonise", get(harmonise::harmonise))
        .merge(viewer)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::IF_NONE_MATCH])
        .expose_headers([header::ETAG]);
    // The layers wrap the router once, not each route (as `Router::layer` does): a request
    // then passes one stack instead of a boxed, cloned service per layer (a cached tile went
    // from about 110 `malloc` calls to 57). Outermost first.
    let stack = tower::ServiceBuilder::new()
        .layer(middleware::from_fn(access_log))
        .layer(cors)
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(time_limit::time_limit))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(etag_and_cache_control))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .service(routes);
    Router::new().fallback_service(stack)
}

/// One log line per request, `buurt_server::access`: method, URI, status and the time to the
/// response head in ms, as fields. A plain event rather than a span per request, and fields
/// rather than a formatted message, which the formatter escapes character by character (a
/// cached tile is served in microseconds, so the log line is a large part of its cost).
/// Neither a method nor a URI can hold control characters (hyper rejects them), so the fields
/// need no escaping.
async fn access_log(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let uri = req.uri().clone();
    let response = next.run(req).await;
    tracing::info!(
        target: "buurt_server::access",
        method = %method,
        uri = %uri,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1e3,
    );
    response
}

async fn not_found(req: Request) -> ApiError {
    ApiError::NotFound(format!("no route for {}", req.uri().path()))
}

async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "method {} is not allowed on {}",
        req.method(),
        req.uri().path()
    ))
}

#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer asks for
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let text = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("unknown cause");
    tracing::error!(panic = text, "handler panicked");
    ApiError::Internal("internal error while answering the request".into()).into_response()
}

/// For successful GETs: a strong ETag from the (uncompressed) body unless the handler set one
/// (tiles carry theirs from the cache), 304 when `If-None-Match` matches it, and a default
/// Cache-Control.
async fn etag_and_cache_control(req: Request, next: Next) -> Response {
    let is_get = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(req).await;
    if !is_get || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = if parts.headers.contains_key(header::ETAG) {
        body
    } else {
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return ApiError::Internal("response body could not be read".into()).into_response();
        };
        parts.headers.insert(header::ETAG, etag_of(&bytes));
        Body::from(bytes)
    };
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
    let matches = if_none_match.as_ref().is_some_and(|wanted| {
        parts
            .headers
            .get(header::ETAG)
            .is_some_and(|tag| etag_matches(wanted.as_bytes(), tag.as_bytes()))
    });
    if matches {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        for name in [header::ETAG, header::CACHE_CONTROL] {
            if let Some(v) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, v.clone());
            }
        }
        return not_modified;
    }
    Response::from_parts(parts, body)
}

/// Whether an `If-None-Match` list names `tag` (weak comparison, as RFC 9110 asks for GET).
fn etag_matches(if_none_match: &[u8], tag: &[u8]) -> bool {
    if_none_match.split(|&b| b == b',').any(|t| {
        let t = t.trim_ascii();
        t == b"*" || t == tag || t.strip_prefix(b"W/") == Some(tag)
    })
}
