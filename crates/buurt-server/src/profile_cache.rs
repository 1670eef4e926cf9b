//! Profiles computed once per region, year and data version: what is kept and the
//! computations under way (the lookup that fills them is `routes::profile_source`).
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
use buurt_diagnose::diagnose::Profile;
use tokio::sync::OnceCell;

use crate::cache::{ByteLru, Weigh};

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
    pub(crate) fn join(&self, key: &str) -> Arc<OnceCell<Arc<CachedProfile>>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(key.to_owned()).or_default())
    }

    /// Forget a finished computation (the cache has its result by now).
    pub(crate) fn leave(&self, key: &str, flight: &Arc<OnceCell<Arc<CachedProfile>>>) {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(key).is_some_and(|f| Arc::ptr_eq(f, flight)) {
            map.remove(key);
        }
    }
}
