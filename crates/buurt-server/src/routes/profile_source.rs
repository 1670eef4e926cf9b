//! The profile of a region for a request: from the profile cache, or computed once on the
//! compute pool and kept there (see `profile_cache`).

use std::sync::Arc;

use buurt_diagnose::diagnose::Diagnose;

use crate::cache::{etag_of, exact_bytes};
use crate::error::ApiError;
use crate::profile_cache::CachedProfile;
use crate::state::{AppState, Loaded, known_code};

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
            let json = serde_json::to_vec(&profile)
                .map_err(|e| ApiError::Internal(format!("the profile of {code} as JSON: {e}")))?;
            let gzip = buurt_tiles::export::gzip(&json);
            // As for tiles: the cache's budget counts lengths, so no spare capacity is kept.
            let cached = Arc::new(CachedProfile {
                etag: etag_of(&json),
                gzip: exact_bytes(gzip),
                json: exact_bytes(json),
                profile,
            });
            // Kept even when the request that asked has gone meanwhile.
            loaded.profiles.insert(key.into(), Arc::clone(&cached));
            Ok(cached)
        })
        .await?
}
