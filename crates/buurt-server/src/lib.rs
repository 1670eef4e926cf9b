//! buurt-server: the map service over the atlas.
//!
//! - [`router`]: every route (`/tiles`, `/api/v1`, `/openapi.json`, `/health`, the web viewer at
//!   `/`) and the layers
//!   around them (request log line, CORS, gzip, timeout, panic catcher, ETag/304,
//!   Cache-Control, body limit).
//! - [`AppState`] / [`Loaded`]: the tile source over the atlas
//!   ([`buurt_tiles::choropleth::Choropleth`]), point indexes and the [`TileCache`], swappable
//!   as a whole for a reload; computed profiles ([`ProfileCache`]) live beside them.
//! - [`ComputePool`]: bounded pools that run diagnoses and tile renders off the serving
//!   threads (503 with `Retry-After` when full).
//! - [`ApiError`]: every error a client sees, as `{"error": "..."}` with a 4xx status.
//! - [`openapi::ApiDoc`]: the OpenAPI 3.1 document.
//! - [`viewer`]: the web viewer (MapLibre choropleth, profiles, downloads), embedded in the binary.
//!
//! The caller (the CLI) runs the router on a tokio runtime and installs the tracing subscriber.

mod cache;
mod compute;
pub mod error;
mod extract;
pub mod openapi;
mod params;
mod profile_cache;
mod public_url;
pub mod routes;
mod state;
pub mod viewer;
mod workers;

pub use cache::{ByteLru, ENTRY_OVERHEAD_BYTES, EncodedTile, TileCache, Weigh};
pub use compute::{ComputePool, PoolSize};
pub use error::{ApiError, ErrorBody, ServerError};
pub use profile_cache::{CachedProfile, DEFAULT_PROFILE_CACHE_BYTES, ProfileCache};
pub use public_url::PublicUrl;
pub use routes::router;
pub use state::{AppState, DEFAULT_TILE_CACHE_BYTES, Loaded, TILE_LEVELS};
pub use viewer::ViewerConfig;
