//! Least-recently-used caches bounded by the bytes they hold: rendered tiles
//! ([`TileCache`]) and computed profiles (in `profile_cache`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use axum::body::Bytes;
use axum::http::HeaderValue;

/// A rendered tile as it is sent: the MVT bytes, the same gzipped (compressed once, not per
/// request), and its strong ETag (of the MVT bytes).
#[derive(Debug, Clone)]
pub struct EncodedTile {
    /// The MVT bytes.
    pub raw: Bytes,
    /// The MVT bytes, gzipped.
    pub gzip: Bytes,
    /// `"<fnv1a of raw>"`.
    pub etag: HeaderValue,
}

impl EncodedTile {
    /// Gzip and tag a rendered tile.
    #[must_use]
    pub fn new(mvt: Vec<u8>) -> Self {
        let gzip = buurt_tiles::export::gzip(&mvt);
        let etag = etag_of(&mvt);
        Self {
            raw: Bytes::from(mvt),
            gzip: Bytes::from(gzip),
            etag,
        }
    }

    /// Bytes held (both encodings).
    #[must_use]
    pub fn len(&self) -> usize {
        self.raw.len() + self.gzip.len()
    }

    /// Whether the tile is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// What a cached value costs in memory, besides its key and [`ENTRY_OVERHEAD_BYTES`].
pub trait Weigh {
    /// Bytes held by the value.
    fn weight(&self) -> usize;
}

impl Weigh for EncodedTile {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// FNV-1a, 64 bit: a stable content hash for ETags (the same bytes give the same tag across
/// restarts, which `DefaultHasher` does not promise).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The strong ETag of a body: `"<16 hex digits>"`.
pub(crate) fn etag_of(bytes: &[u8]) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{:016x}\"", fnv1a(bytes)))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// What one entry costs beyond its tile's bytes and its key's: the map's slot (key pointer and
/// entry, over the table's load factor), the shared tile's allocation header and struct and its
/// ETag. Counting it with the key bounds the cache's memory by the budget however small the
/// tiles and long the keys (before, only tile bytes counted, and a flood of distinct queries
/// grew the process from 199 to 615 MB).
pub const ENTRY_OVERHEAD_BYTES: usize = 160;

/// Values by key, evicting the least recently used once more than `capacity_bytes` are held,
/// counting each entry's value ([`Weigh`]), key and bookkeeping ([`ENTRY_OVERHEAD_BYTES`]).
///
/// A hit takes a shared lock and stamps the entry's last use in an atomic, so hits on
/// different threads do not wait for each other and allocate nothing. Eviction, under the
/// exclusive lock of an insert, drops the least recently used tiles until an eighth of the
/// capacity is free, so its sort over the entries is paid once per many inserts.
///
/// ```
/// use std::sync::Arc;
/// use buurt_server::{EncodedTile, TileCache};
/// let tile = || Arc::new(EncodedTile::new(vec![0; 60]));
/// let cost = tile().len() + 1 + buurt_server::ENTRY_OVERHEAD_BYTES;
/// let cache = TileCache::new(cost + cost / 2);
/// cache.insert("a".into(), tile());
/// cache.insert("b".into(), tile()); // two tiles do not fit: "a" goes
/// assert!(cache.get("a").is_none());
/// assert_eq!(cache.get("b").map(|t| t.raw.len()), Some(60));
/// ```
#[derive(Debug)]
pub struct ByteLru<V> {
    capacity_bytes: usize,
    /// The clock of uses: each get or insert takes the next tick.
    clock: AtomicU64,
    inner: RwLock<Entries<V>>,
}

/// Rendered tiles by request key (layer, tile, normalised indicators, year, clusters).
pub type TileCache = ByteLru<EncodedTile>;

#[derive(Debug)]
struct Entries<V> {
    entries: HashMap<Box<str>, Entry<V>>,
    bytes: usize,
}

#[derive(Debug)]
struct Entry<V> {
    value: Arc<V>,
    /// Value, key and bookkeeping bytes.
    cost: usize,
    last_use: AtomicU64,
}

impl<V: Weigh> ByteLru<V> {
    /// An empty cache holding at most `capacity_bytes` of values, keys and bookkeeping.
    #[must_use]
    pub fn new(capacity_bytes: usize) -> Self {
        Self {
            capacity_bytes,
            clock: AtomicU64::new(0),
            inner: RwLock::new(Entries {
                entries: HashMap::new(),
                bytes: 0,
            }),
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The value under `key`, marking it as recently used.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Arc<V>> {
        // A panic elsewhere while holding the lock leaves the map itself consistent.
        let held = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let entry = held.entries.get(key)?;
        entry.last_use.store(self.tick(), Ordering::Relaxed);
        Some(Arc::clone(&entry.value))
    }

    /// Store a value; an entry larger than the whole cache is not kept.
    pub fn insert(&self, key: String, value: Arc<V>) {
        let cost = value.weight() + key.len() + ENTRY_OVERHEAD_BYTES;
        if cost > self.capacity_bytes {
            return;
        }
        let entry = Entry {
            last_use: AtomicU64::new(self.tick()),
            cost,
            value,
        };
        let mut held = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        held.bytes += cost;
        if let Some(old) = held.entries.insert(key.into_boxed_str(), entry) {
            held.bytes -= old.cost;
        }
        if held.bytes > self.capacity_bytes {
            held.evict_to(self.capacity_bytes - self.capacity_bytes / 8);
        }
    }

    /// Bytes held: values, keys and bookkeeping.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

impl<V> Entries<V> {
    /// Drop the least recently used entries until at most `target` bytes are held.
    fn evict_to(&mut self, target: usize) {
        let mut by_use: Vec<(u64, usize)> = self
            .entries
            .values()
            .map(|e| (e.last_use.load(Ordering::Relaxed), e.cost))
            .collect();
        by_use.sort_unstable();
        let mut bytes = self.bytes;
        let mut cutoff = None;
        for (last_use, len) in by_use {
            if bytes <= target {
                break;
            }
            bytes -= len;
            cutoff = Some(last_use);
        }
        // Every use takes its own tick, so the entries at or before the cutoff are exactly the
        // ones counted off above (no get can stamp one while the write lock is held).
        if let Some(cutoff) = cutoff {
            self.entries
                .retain(|_, e| e.last_use.load(Ordering::Relaxed) > cutoff);
            self.bytes = bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(len: usize) -> Arc<EncodedTile> {
        Arc::new(EncodedTile {
            raw: Bytes::from(vec![0; len]),
            gzip: Bytes::new(),
            etag: HeaderValue::from_static("\"t\""),
        })
    }

    /// What a one-letter key with a tile of `len` bytes costs.
    fn cost(len: usize) -> usize {
        len + 1 + ENTRY_OVERHEAD_BYTES
    }

    #[test]
    fn the_least_recently_used_go_first_and_the_bound_holds() {
        let cache = TileCache::new(4 * cost(250));
        for key in ["a", "b", "c", "d"] {
            cache.insert(key.into(), tile(250));
        }
        assert_eq!(cache.bytes(), 4 * cost(250));
        // "a" is used again: "b" and "c" are now the least recently used.
        assert!(cache.get("a").is_some());
        cache.insert("e".into(), tile(250));
        // Over by one entry: down to 7/8 of the capacity, so two entries go.
        assert_eq!(cache.bytes(), 3 * cost(250));
        assert!(cache.get("b").is_none() && cache.get("c").is_none());
        for key in ["a", "d", "e"] {
            assert!(cache.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn replacing_a_key_counts_its_bytes_once() {
        let cache = TileCache::new(1000);
        cache.insert("a".into(), tile(300));
        cache.insert("a".into(), tile(400));
        assert_eq!(cache.bytes(), cost(400));
        assert_eq!(cache.get("a").map(|t| t.raw.len()), Some(400));
    }

    #[test]
    fn keys_count_so_a_flood_of_long_keys_stays_within_the_budget() {
        // Tiny tiles under long keys: the keys are most of the memory.
        let budget = 64 * 1024;
        let cache = TileCache::new(budget);
        let long = "x".repeat(2000);
        for i in 0..1000 {
            cache.insert(format!("{long}{i}"), tile(10));
            assert!(cache.bytes() <= budget, "{} after {i}", cache.bytes());
        }
        let held = cache.inner.read().unwrap().entries.len();
        assert!(held < 40, "{held} entries of more than 2 KB key in 64 KiB");
    }

    #[test]
    fn an_entry_larger_than_the_cache_is_not_kept() {
        let cache = TileCache::new(cost(100));
        cache.insert("big".into(), tile(100));
        assert!(cache.get("big").is_none(), "a longer key makes it too big");
        cache.insert("b".into(), tile(100));
        assert!(cache.get("b").is_some());
        let off = TileCache::new(0);
        off.insert("a".into(), tile(1));
        assert!(off.get("a").is_none());
        assert_eq!(off.bytes(), 0);
    }
}
