//! `/tiles`: vector tiles of gemeenten, wijken and buurten with indicator values, and TileJSON.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use buurt_tiles::choropleth::TileQuery as SourceQuery;
use buurt_tiles::{LABEL_LAYER, MAX_ZOOM, TileError, TileId};
use serde::Deserialize;
use serde_json::Value;

use super::tile_query;

use crate::cache::EncodedTile;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{P, Q};
use crate::params;
use crate::state::{AppState, Loaded, TILE_LEVELS};

/// The media type of Mapbox Vector Tiles.
pub const MVT_MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";

pub use buurt_tiles::choropleth::TILEJSON_MAX_ZOOM;

/// Query of the tile and TileJSON routes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TileQuery {
    /// Comma-separated indicator ids, at most 16 distinct (default, and when blank: the
    /// catalogue's headline indicators). Order and repeats do not matter; an empty item or an
    /// unknown id is refused.
    #[param(value_type = Option<Vec<params::IndicatorId>>, style = Form, explode = false, max_items = 16)]
    pub indicators: Option<String>,
    /// Show each indicator at its latest year up to this one (default: the latest year).
    #[param(minimum = 1900, maximum = 2100)]
    pub year: Option<u16>,
    /// Comma-separated indicator ids whose LISA cluster each feature carries as `<id>_cluster`
    /// (`high-high`, `low-low`, `high-low`, `low-high`, `not-significant`; absent for a region
    /// without a published value, without neighbours, or in an area where the statistic is
    /// undefined). Local Moran's I with 999 permutations (seed 1, α = 0.05) over the buurten
    /// of the buurt's gemeente, all wijken of the Netherlands, or all gemeenten, in the newest
    /// year up to `year` with values there: the same as `/api/v1/hotspots` for that area.
    /// Computed once per indicator, year, level and area, on the first tile that needs it.
    /// At most 16 distinct ids, as `indicators`.
    #[param(value_type = Option<Vec<params::IndicatorId>>, style = Form, explode = false, max_items = 16)]
    pub clusters: Option<String>,
}

/// The query resolved by the tile source (indicators looked up once).
fn source_query(loaded: &Loaded, query: &TileQuery) -> Result<SourceQuery, ApiError> {
    let source = &loaded.source;
    // An unknown id is the request's mistake, named by the error (400, as an empty item).
    source
        .query(query.indicators.as_deref(), query.year)
        .and_then(|q| source.with_clusters(q, query.clusters.as_deref()))
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// The query with its indicator lists in one spelling (see [`tile_query`]).
fn normalised(query: &TileQuery) -> Result<TileQuery, ApiError> {
    Ok(TileQuery {
        indicators: tile_query::normalise_ids("indicators", query.indicators.as_deref())?,
        clusters: tile_query::normalise_ids("clusters", query.clusters.as_deref())?,
        year: params::year("year", query.year)?,
    })
}

/// A tile source error as the client sees it: its own mistakes as 4xx, the rest as 500.
fn tile_error(tile: TileId, e: TileError) -> ApiError {
    match e {
        TileError::UnknownLayer { .. } => ApiError::NotFound(e.to_string()),
        TileError::UnknownIndicator { .. } => ApiError::BadRequest(e.to_string()),
        e => ApiError::Internal(format!("tile {tile} could not be rendered: {e}")),
    }
}

fn check_layer(layer: &str) -> Result<(), ApiError> {
    if layer == LABEL_LAYER || TILE_LEVELS.iter().any(|l| l.as_str() == layer) {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!(
            "unknown tile layer '{layer}' (expected gemeente, wijk, buurt or label)"
        )))
    }
}

/// One vector tile (MVT 2.1, gzip when the client accepts it).
#[utoipa::path(
    get,
    path = "/tiles/{layer}/{z}/{x}/{y}.mvt",
    tag = "tiles",
    params(
        ("layer" = inline(params::TileLayer), Path, description = "gemeente, wijk, buurt, or label: a point inside each region of every level, with `layer`, `code`, `name` and the same indicator properties"),
        ("z" = u8, Path, description = "zoom, 0..=22", minimum = 0, maximum = 22, example = 12),
        ("x" = u32, Path, description = "column, below 2^z", minimum = 0, maximum = 4_194_303, example = 2106),
        ("y" = u32, Path, description = "row (XYZ, from the north), below 2^z", minimum = 0, maximum = 4_194_303, example = 1350),
        TileQuery
    ),
    responses(
        (status = 200, description = "the tile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 400, description = "zoom out of range, x or y not below 2^z, a year out of range, or an unknown or empty id or more than 16 ids in `indicators` or `clusters`", body = ErrorBody),
        (status = 404, description = "unknown layer, or a last segment without `.mvt`", body = ErrorBody)
    )
)]
pub async fn tile(
    State(state): State<AppState>,
    AcceptsGzip(gzip): AcceptsGzip,
    P((layer, z, x, y)): P<(String, String, String, String)>,
    Q(query): Q<TileQuery>,
) -> Result<Response, ApiError> {
    check_layer(&layer)?;
    let y = y
        .strip_suffix(".mvt")
        .ok_or_else(|| ApiError::NotFound(format!("tile '{y}': tiles are served as {{y}}.mvt")))?;
    let z: u8 = z.parse().ok().filter(|z| *z <= MAX_ZOOM).ok_or_else(|| {
        ApiError::BadRequest(format!("zoom '{z}' is out of range 0..={MAX_ZOOM}"))
    })?;
    let x: u32 = x
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("tile column x '{x}' is not a number")))?;
    let y: u32 = y
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("tile row y '{y}' is not a number")))?;
    let tile = TileId::new(z, x, y).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let query = normalised(&query)?;
    let loaded = state.loaded();
    // The key from the normalised lists: a hit skips resolving the indicators (only valid
    // requests are ever cached), and every spelling of one request shares one entry.
    let key = format!(
        "{layer}/{tile}?{}&{}&{}",
        query.indicators.as_deref().unwrap_or_default(),
        query.year.unwrap_or_default(),
        query.clusters.as_deref().unwrap_or_default()
    );
    if let Some(hit) = loaded.tile_cache.get(key.as_str()) {
        return Ok(tile_response(&hit, gzip));
    }
    let source_query = source_query(&loaded, &query)?;
    let encoded = {
        let render_state = Arc::clone(&loaded);
        let encoded = state
            .render_pool()
            .run(move || {
                render_state
                    .source
                    .tile(tile, &layer, &source_query)
                    .map(|mvt| Arc::new(EncodedTile::new(mvt)))
            })
            .await?
            .map_err(|e| tile_error(tile, e))?;
        loaded.tile_cache.insert(key.into(), Arc::clone(&encoded));
        encoded
    };
    Ok(tile_response(&encoded, gzip))
}

/// The tile as sent: gzipped when the client accepts it, with its ETag.
fn tile_response(encoded: &EncodedTile, gzip: bool) -> Response {
    // Room for these and the CORS headers added on the way out, so the map never grows.
    let mut headers = HeaderMap::with_capacity(12);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(MVT_MEDIA_TYPE),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(header::ETAG, encoded.etag.clone());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    // Gzipped once when rendered; the compression layer leaves an encoded body alone.
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        (headers, encoded.gzip.clone()).into_response()
    } else {
        (headers, encoded.raw.clone()).into_response()
    }
}

/// Whether the request's `Accept-Encoding` allows gzip; read from the headers in place rather
/// than from a copy of them all.
pub struct AcceptsGzip(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for AcceptsGzip {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(accepts_gzip(&parts.headers)))
    }
}

/// Whether `Accept-Encoding` allows gzip (not refused with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// TileJSON 3.0 of one layer; the tile URL keeps the query (indicators, year).
#[utoipa::path(
    get,
    path = "/tiles/{layer}.json",
    tag = "tiles",
    params(("layer" = inline(params::TileLayer), Path, description = "gemeente, wijk, buurt or label"), TileQuery),
    responses(
        (status = 200, description = "TileJSON 3.0.0", body = Object),
        (status = 400, description = "a year out of range, or an unknown or empty id or more than 16 ids in `indicators` or `clusters`", body = ErrorBody),
        (status = 404, description = "unknown layer", body = ErrorBody)
    )
)]
pub async fn tilejson(
    State(state): State<AppState>,
    P(file): P<String>,
    Q(query): Q<TileQuery>,
) -> Result<Json<Value>, ApiError> {
    let layer = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound(format!("no route for /tiles/{file}")))?;
    check_layer(layer)?;
    let query = normalised(&query)?;
    let loaded = state.loaded();
    let resolved = source_query(&loaded, &query)?;
    let catalogue = loaded.atlas().catalogue();
    let mut params = Vec::new();
    if query.indicators.is_some() {
        let ids: Vec<&str> = resolved
            .indicators
            .iter()
            .map(|ix| ix.id(catalogue))
            .collect();
        params.push(format!("indicators={}", ids.join(",")));
    }
    if let Some(y) = query.year {
        params.push(format!("year={y}"));
    }
    if !resolved.clusters.is_empty() {
        let ids: Vec<&str> = resolved
            .clusters
            .iter()
            .map(|ix| ix.id(catalogue))
            .collect();
        params.push(format!("clusters={}", ids.join(",")));
    }
    let query_text = if params.is_empty() {
        String::new()
    } else {
        format!("?{}", params.join("&"))
    };
    let url = format!(
        "{}/tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt{query_text}",
        state.public_url()
    );
    let tilejson = loaded
        .source
        .tilejson(layer, &resolved, &url)
        .map_err(|e| match e {
            TileError::UnknownLayer { .. } => ApiError::NotFound(e.to_string()),
            e => ApiError::Internal(format!("TileJSON of {layer}: {e}")),
        })?;
    Ok(Json(tilejson))
}
