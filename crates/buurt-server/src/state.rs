//! The server state: the atlas with everything prepared from it, swappable as a whole.

use std::sync::{Arc, RwLock};

use buurt_core::{Indeling, Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_io::spatial_index::RegionIndex;
use buurt_tiles::choropleth::Choropleth;

use crate::cache::TileCache;
use crate::compute::{ComputePool, PoolSize};
use crate::error::ServerError;
use crate::profile_cache::{DEFAULT_PROFILE_CACHE_BYTES, Flights, ProfileCache};
use crate::viewer::ViewerConfig;

/// The levels served as tile layers, and located by `/api/v1/locate`, top-down.
pub const TILE_LEVELS: [Level; 3] = [Level::Gemeente, Level::Wijk, Level::Buurt];

/// Default size of the tile cache: 64 MiB.
pub const DEFAULT_TILE_CACHE_BYTES: usize = 64 << 20;

/// Everything the handlers read, built once from an atlas.
#[derive(Debug)]
pub struct Loaded {
    /// The tile source: the atlas, its tile layers `gemeente`, `wijk`, `buurt` (Web Mercator)
    /// and the standings they are coloured by.
    pub source: Choropleth,
    /// Point lookup per level, over the same boundaries as the tiles (RD).
    pub indexes: Vec<(Level, RegionIndex)>,
    /// Rendered tiles.
    pub tile_cache: TileCache,
    /// Computed profiles (of this data: a reload starts anew).
    pub profiles: ProfileCache,
    /// Profiles being computed, so that requests for one wait for the same job.
    pub(crate) profile_flights: Flights,
}

impl Loaded {
    /// Prepare the atlas for serving: the tile layers from the newest boundary layer of each
    /// level per gemeente, and the point indexes.
    pub fn new(atlas: Atlas, tile_cache_bytes: usize) -> Result<Self, ServerError> {
        let source = Choropleth::new(Arc::new(atlas), &TILE_LEVELS, RegionCode::Nederland)?;
        let indexes = TILE_LEVELS
            .iter()
            .map(|&level| (level, RegionIndex::new(source.shapes(level))))
            .collect();
        tracing::info!(
            layers = ?source.tile_set().layer_names(),
            "server state prepared"
        );
        Ok(Self {
            source,
            indexes,
            tile_cache: TileCache::new(tile_cache_bytes),
            profiles: ProfileCache::new(DEFAULT_PROFILE_CACHE_BYTES),
            profile_flights: Flights::default(),
        })
    }

    /// The same with `bytes` of memory for computed profiles (0: compute every request).
    #[must_use]
    pub fn with_profile_cache_bytes(mut self, bytes: usize) -> Self {
        self.profiles = ProfileCache::new(bytes);
        self
    }

    /// The atlas served.
    #[must_use]
    pub fn atlas(&self) -> &Atlas {
        self.source.atlas()
    }

    /// The point index of a level.
    #[must_use]
    pub fn index(&self, level: Level) -> Option<&RegionIndex> {
        self.indexes
            .iter()
            .find(|(l, _)| *l == level)
            .map(|(_, i)| i)
    }
}

/// The state handed to the router: the loaded atlas behind a lock, so that a reload can build a
/// new [`Loaded`] beside the old one and swap it in while requests keep their snapshot.
#[derive(Debug, Clone)]
pub struct AppState {
    current: Arc<RwLock<Arc<Loaded>>>,
    viewer: Arc<ViewerConfig>,
    public_url: Arc<crate::PublicUrl>,
    pools: Arc<Pools>,
}

/// The bounded pools of expensive work; they outlive reloads.
#[derive(Debug)]
struct Pools {
    compute: ComputePool,
    render: ComputePool,
}

impl AppState {
    /// State serving `loaded`.
    #[must_use]
    pub fn new(loaded: Loaded) -> Self {
        Self {
            current: Arc::new(RwLock::new(Arc::new(loaded))),
            viewer: Arc::new(ViewerConfig::default()),
            public_url: Arc::new(crate::PublicUrl::local(std::net::SocketAddr::from((
                [127, 0, 0, 1],
                8080,
            )))),
            pools: Arc::new(Pools {
                compute: ComputePool::new("diagnoses", PoolSize::compute_default()),
                render: ComputePool::new("tile renders", PoolSize::render_default()),
            }),
        }
    }

    /// The same state with pools of these sizes for diagnoses (profiles, areas, peers, hot
    /// spots, harmonisation) and for tile renders.
    #[must_use]
    pub fn with_pools(mut self, compute: PoolSize, render: PoolSize) -> Self {
        self.pools = Arc::new(Pools {
            compute: ComputePool::new("diagnoses", compute),
            render: ComputePool::new("tile renders", render),
        });
        self
    }

    /// The pool for diagnoses.
    #[must_use]
    pub fn compute_pool(&self) -> &ComputePool {
        &self.pools.compute
    }

    /// The pool for tile renders.
    #[must_use]
    pub fn render_pool(&self) -> &ComputePool {
        &self.pools.render
    }

    /// The same state with the base URL TileJSON names its tiles under (default
    /// `http://127.0.0.1:8080`; `buurt serve` sets its own address or `--public-url`).
    #[must_use]
    pub fn with_public_url(mut self, url: crate::PublicUrl) -> Self {
        self.public_url = Arc::new(url);
        self
    }

    /// The base URL TileJSON names its tiles under.
    #[must_use]
    pub fn public_url(&self) -> &crate::PublicUrl {
        &self.public_url
    }

    /// The same state with the web viewer's settings (a base map style, for instance).
    #[must_use]
    pub fn with_viewer_config(mut self, config: ViewerConfig) -> Self {
        self.viewer = Arc::new(config);
        self
    }

    /// The web viewer's settings.
    #[must_use]
    pub fn viewer_config(&self) -> &ViewerConfig {
        &self.viewer
    }

    /// The snapshot a request works with.
    #[must_use]
    pub fn loaded(&self) -> Arc<Loaded> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Serve `loaded` from now on; requests in flight finish with the old one.
    pub fn replace(&self, loaded: Loaded) {
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(loaded);
    }
}

/// Parse a region code from a request, as a 404 when it is not a code the atlas knows.
pub(crate) fn known_code(
    atlas: &Atlas,
    text: &str,
) -> Result<(RegionCode, Indeling), crate::ApiError> {
    let code: RegionCode = text
        .trim()
        .parse()
        .map_err(|e| crate::ApiError::NotFound(format!("unknown region code '{text}': {e}")))?;
    let indeling = atlas
        .latest_indeling(code)
        .ok_or_else(|| crate::ApiError::NotFound(format!("unknown region code '{code}'")))?;
    Ok((code, indeling))
}
