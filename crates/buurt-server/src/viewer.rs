//! The web viewer: its page at `/`, its scripts, styles and the vendored MapLibre GL JS at
//! `/assets/*`, all embedded in the binary (a fresh clone works offline, with no npm), and its
//! settings at `/viewer/config.json`.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::error::ApiError;
use crate::extract::P;

/// The version of maplibre-gl vendored in `assets/vendor/` (see `assets/vendor/update.sh`).
pub const MAPLIBRE_VERSION: &str = "5.24.1";

/// Settings of the viewer that a deployment chooses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ViewerConfig {
    /// A MapLibre style URL drawn under the choropleth (a base map); without one the viewer
    /// shows only the service's own layers, which works offline.
    pub base_style_url: Option<String>,
}

/// One embedded file.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

macro_rules! asset {
    ($path:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
        }
    };
}

/// Everything under `/assets/`.
const ASSETS: &[Asset] = &[
    asset!("viewer.css", CSS),
    asset!("js/main.js", JS),
    asset!("js/api.js", JS),
    asset!("js/format.js", JS),
    asset!("js/classes.js", JS),
    asset!("js/legend.js", JS),
    asset!("js/map.js", JS),
    asset!("js/labels.js", JS),
    asset!("js/profile.js", JS),
    asset!("js/search.js", JS),
    asset!("js/url-state.js", JS),
    asset!("js/store.js", JS),
    asset!("js/latest.js", JS),
    asset!("js/gemeenten.js", JS),
    asset!("js/view.js", JS),
    asset!("js/combobox.js", JS),
    asset!("js/hotspots.js", JS),
    asset!("vendor/maplibre-gl.js", JS),
    asset!("vendor/maplibre-gl.css", CSS),
    asset!(
        "vendor/maplibre-gl.LICENSE.txt",
        "text/plain; charset=utf-8"
    ),
];

const INDEX_HTML: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/index.html"));

/// The viewer's routes, for any router state: `/`, `/assets/{path}`, `/viewer/config.json`.
///
/// ```
/// use buurt_server::viewer::{ViewerConfig, routes};
/// let app: axum::Router = routes(&ViewerConfig::default());
/// # let _ = app;
/// ```
pub fn routes<S: Clone + Send + Sync + 'static>(config: &ViewerConfig) -> Router<S> {
    // Serialising a struct of strings cannot fail; an empty object keeps the viewer working.
    let config_json = serde_json::to_vec(config).unwrap_or_else(|_| b"{}".to_vec());
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/assets/{*path}", get(asset))
        .route(
            "/viewer/config.json",
            get(move || {
                let body = config_json.clone();
                async move {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json"),
                            (header::CACHE_CONTROL, "no-cache"),
                        ],
                        body,
                    )
                }
            }),
        )
}

async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The page names the assets; revalidate it so a new binary's page is picked up.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        INDEX_HTML,
    )
        .into_response()
}

async fn asset(P(path): P<String>) -> Result<Response, ApiError> {
    let found = ASSETS
        .iter()
        .find(|a| a.path == path)
        .ok_or_else(|| ApiError::NotFound(format!("no viewer asset '{path}'")))?;
    let mut response = found.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(found.content_type),
    );
    // Asset names carry no version: revalidate (a cheap 304 by ETag) so that a new binary's page
    // never runs with an old module.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    async fn get(app: Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
        let response = app
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, content_type, body.to_vec())
    }

    #[tokio::test]
    async fn page_and_assets_with_content_types() {
        let app = || routes::<()>(&ViewerConfig::default());
        let (status, ct, body) = get(app(), "/").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ct, "text/html; charset=utf-8");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("/assets/vendor/maplibre-gl.js"), "{html}");
        assert!(html.contains("/assets/js/main.js"));

        let (status, ct, body) = get(app(), "/assets/vendor/maplibre-gl.js").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ct, JS);
        assert!(body.len() > 500_000, "the full MapLibre build");
        let (_, ct, _) = get(app(), "/assets/viewer.css").await;
        assert_eq!(ct, CSS);
        let (status, ct, body) = get(app(), "/assets/js/main.js").await;
        assert_eq!((status, ct.as_str()), (StatusCode::OK, JS));
        assert!(String::from_utf8(body).unwrap().contains("import"));
    }

    #[test]
    fn every_page_reference_is_an_asset() {
        // Every module a script imports (`from './x.js'`) and every file the page names must be
        // embedded, or the browser gets a 404.
        for asset in ASSETS.iter().filter(|a| a.path.starts_with("js/")) {
            let text = std::str::from_utf8(asset.bytes).unwrap();
            for part in text.split("from './").skip(1) {
                let name = part.split('\'').next().unwrap();
                assert!(
                    ASSETS.iter().any(|a| a.path == format!("js/{name}")),
                    "{} imports ./{name}, which is not embedded",
                    asset.path
                );
            }
        }
        for part in INDEX_HTML.split("/assets/").skip(1) {
            let path = part.split('"').next().unwrap();
            assert!(
                ASSETS.iter().any(|a| a.path == path),
                "index.html names /assets/{path}, which is not embedded"
            );
        }
    }

    #[tokio::test]
    async fn unknown_asset_is_a_json_404() {
        let app = routes::<()>(&ViewerConfig::default());
        let (status, ct, body) = get(app, "/assets/js/nope.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/json");
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"], "no viewer asset 'js/nope.js'");
    }

    #[tokio::test]
    async fn config_names_the_base_style() {
        let config = ViewerConfig {
            base_style_url: Some("https://tiles.example/style.json".into()),
        };
        let (status, ct, body) = get(routes::<()>(&config), "/viewer/config.json").await;
        assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/json"));
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["base_style_url"], "https://tiles.example/style.json");
        let (_, _, body) = get(
            routes::<()>(&ViewerConfig::default()),
            "/viewer/config.json",
        )
        .await;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json["base_style_url"].is_null());
    }
}
