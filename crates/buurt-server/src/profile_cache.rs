//! Profiles computed once per region, year and data version, on the compute pool.
//!
//! A profile (the diagnose, its trends, peers and for Almere its harmonised years) takes tens
//! of milliseconds and some 230 KB of JSON; partners and the viewer ask for the same few
//! regions again and again. The cache lives in [`crate::Loaded`], so a reload starts a new one
//! (the data version), and the ETag is the JSON's own hash: a client's copy stays valid across
//! a reload that did not change its profile.
//!
//! Requests for a profile being computed wait for that computation instead of starting their
//! own (`OnceCell` per key), so a burst on one region costs one job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::http::HeaderValue;
use buurt_diagnose::diagnose::{Diagnose, Profile};
use tokio::sync::OnceCell;

use crate::cache::{ByteLru, Weigh, etag_of};
use crate::error::ApiError;
use crate::state::{AppState, Loaded, known_code};

/// Default memory for computed profiles: 64 MiB (some 140 profiles of 230 KB).
pub const DEFAULT_PROFILE_CACHE_BYTES: usize = 64 << 20;

/// A computed profile with its JSON as sent (plain and gzipped) and the JSON's ETag.
#[derive(Debug)]
pub struct CachedProfile {
    /// The profile (for CSV, xlsx and PDF).
    pub profile: Profile,
    /// `serde_json` of the profile.
    pub json: Bytes,
    /// `json` gzipped, once: compressing 230 KB per request took milliseconds of a serving
    /// thread, which `/health` on the same thread waited for.
    pub gzip: Bytes,
    /// The strong ETag of `json`.
    pub etag: HeaderValue,
}

impl Weigh for CachedProfile {
    /// The JSON and the profile in memory, which holds about as much as its JSON.
    fn weight(&self) -> usize {
        2 * self.json.len() + self.gzip.len()
    }
}

/// Profiles by `CODE` or `CODE@YEAR`.
pub type ProfileCache = ByteLru<Box<str>, CachedProfile>;

/// Computations under way, by key.
#[derive(Debug, Default)]
pub struct Flights(Mutex<HashMap<String, Arc<OnceCell<Arc<CachedProfile>>>>>);

impl Flights {
    fn join(&self, key: &str) -> Arc<OnceCell<Arc<CachedProfile>>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(key.to_owned()).or_default())
    }

    /// Forget a finished computation (the cache has its result by now).
    fn leave(&self, key: &str, flight: &Arc<OnceCell<Arc<CachedProfile>>>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            map.remove(key);
        }
    }
}

/// The profile of `code` as of `year` (default: the newest), from the cache or computed on the
/// compute pool (503 when that is full).
pub(crate) async fn profile(
    state: &AppState,
    code: &str,
    year: Option<u16>,
) -> Result<Arc<CachedProfile>, ApiError> {
    let year = crate::params::year("year", year)?;
    let loaded = state.loaded();
    let (code, _) = known_code(loaded.atlas(), code)?;
    let key = match year {
        Some(y) => format!("{code}@{y}"),
        None => code.to_string(),
    };
    if let Some(hit) = loaded.profiles.get(key.as_str()) {
        return Ok(hit);
    }
    let flight = loaded.profile_flights.join(&key);
    let result = flight
        .get_or_try_init(|| compute(state, &loaded, key.clone(), code.to_string(), year))
        .await
        .map(Arc::clone);
    loaded.profile_flights.leave(&key, &flight);
    result
}

async fn compute(
    state: &AppState,
    loaded: &Arc<Loaded>,
    key: String,
    code: String,
    year: Option<u16>,
) -> Result<Arc<CachedProfile>, ApiError> {
    // Another flight may have finished between the miss and joining this one.
    if let Some(hit) = loaded.profiles.get(key.as_str()) {
        return Ok(hit);
    }
    let loaded = Arc::clone(loaded);
    state
        .compute_pool()
        .run(move || {
            let profile = Diagnose::new(loaded.atlas()).profile(&code, year)?;
            let mut json = serde_json::to_vec(&profile)
                .map_err(|e| ApiError::Internal(format!("the profile of {code} as JSON: {e}")))?;
            // As for tiles: the cache's budget counts lengths, so no spare capacity is kept.
            json.shrink_to_fit();
            let mut gzip = buurt_tiles::export::gzip(&json);
            gzip.shrink_to_fit();
            let cached = Arc::new(CachedProfile {
                etag: etag_of(&json),
                gzip: Bytes::from(gzip),
                json: Bytes::from(json),
                profile,
            });
            // Kept even when the request that asked has gone meanwhile.
            loaded.profiles.insert(key.into(), Arc::clone(&cached));
            Ok(cached)
        })
        .await?
}
