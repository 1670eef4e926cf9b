//! buurt-server: the map service over the atlas.
//!
//! - [`router`]: every route (`/tiles`, `/api/v1`, `/openapi.json`, `/health`, the web viewer at
//!   `/`) and the layers
//!   around them (request log line, CORS, gzip, timeout, panic catcher, ETag/304,
//!   Cache-Control, body limit).
//! - [`AppState`] / [`Loaded`]: the tile source over the atlas
//!   ([`buurt_tiles::choropleth::Choropleth`]), point indexes and the [`TileCache`], swappable
//!   as a whole for a reload.
//! - [`ApiError`]: every error a client sees, as `{"error": "..."}` with a 4xx status.
//! - [`openapi::ApiDoc`]: the OpenAPI 3.1 document.
//! - [`viewer`]: the web viewer (MapLibre choropleth, profiles, downloads), embedded in the binary.
//!
//! The caller (the CLI) runs the router on a tokio runtime and installs the tracing subscriber.

mod cache;
pub mod error;
mod extract;
pub mod openapi;
mod params;
mod public_url;
pub mod routes;
mod state;
pub mod viewer;

pub use cache::{ENTRY_OVERHEAD_BYTES, EncodedTile, TileCache};
pub use error::{ApiError, ErrorBody, ServerError};
pub use public_url::PublicUrl;
pub use routes::router;
pub use state::{AppState, DEFAULT_TILE_CACHE_BYTES, Loaded, TILE_LEVELS};
pub use viewer::ViewerConfig;
