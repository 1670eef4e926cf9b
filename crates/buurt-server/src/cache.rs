//! A least-recently-used cache of rendered tiles, bounded by the bytes it holds.

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

/// Rendered tiles by request key (layer, tile, indicators, year), evicting the least recently
/// used once more than `capacity_bytes` are held.
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
/// let size = tile().len();
/// let cache = TileCache::new(size + size / 2);
/// cache.insert("a".into(), tile());
/// cache.insert("b".into(), tile()); // two tiles do not fit: "a" goes
/// assert!(cache.get("a").is_none());
/// assert_eq!(cache.get("b").map(|t| t.raw.len()), Some(60));
/// ```
#[derive(Debug)]
pub struct TileCache {
    capacity_bytes: usize,
    /// The clock of uses: each get or insert takes the next tick.
    clock: AtomicU64,
    inner: RwLock<Tiles>,
}

#[derive(Debug, Default)]
struct Tiles {
    entries: HashMap<Box<str>, Entry>,
    bytes: usize,
}

#[derive(Debug)]
struct Entry {
    tile: Arc<EncodedTile>,
    last_use: AtomicU64,
}

impl TileCache {
    /// An empty cache holding at most `capacity_bytes` of tile data.
    #[must_use]
    pub fn new(capacity_bytes: usize) -> Self {
        Self {
            capacity_bytes,
            clock: AtomicU64::new(0),
            inner: RwLock::new(Tiles::default()),
        }
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The tile under `key`, marking it as recently used.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Arc<EncodedTile>> {
        // A panic elsewhere while holding the lock leaves the map itself consistent.
        let tiles = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let entry = tiles.entries.get(key)?;
        entry.last_use.store(self.tick(), Ordering::Relaxed);
        Some(Arc::clone(&entry.tile))
    }

    /// Store a tile; tiles larger than the whole cache are not kept.
    pub fn insert(&self, key: String, tile: Arc<EncodedTile>) {
        if tile.len() > self.capacity_bytes {
            return;
        }
        let entry = Entry {
            last_use: AtomicU64::new(self.tick()),
            tile,
        };
        let mut tiles = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        tiles.bytes += entry.tile.len();
        if let Some(old) = tiles.entries.insert(key.into_boxed_str(), entry) {
            tiles.bytes -= old.tile.len();
        }
        if tiles.bytes > self.capacity_bytes {
            tiles.evict_to(self.capacity_bytes - self.capacity_bytes / 8);
        }
    }

    /// Bytes held.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.inner
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

impl Tiles {
    /// Drop the least recently used tiles until at most `target` bytes are held.
    fn evict_to(&mut self, target: usize) {
        let mut by_use: Vec<(u64, usize)> = self
            .entries
            .values()
            .map(|e| (e.last_use.load(Ordering::Relaxed), e.tile.len()))
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

    #[test]
    fn the_least_recently_used_go_first_and_the_bound_holds() {
        let cache = TileCache::new(1000);
        for key in ["a", "b", "c", "d"] {
            cache.insert(key.into(), tile(250));
        }
        assert_eq!(cache.bytes(), 1000);
        // "a" is used again: "b" and "c" are now the least recently used.
        assert!(cache.get("a").is_some());
        cache.insert("e".into(), tile(250));
        // Over by one tile: down to 7/8 of the capacity, so two tiles go.
        assert!(cache.bytes() <= 875, "{}", cache.bytes());
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
        assert_eq!(cache.bytes(), 400);
        assert_eq!(cache.get("a").map(|t| t.raw.len()), Some(400));
    }

    #[test]
    fn a_tile_larger_than_the_cache_is_not_kept() {
        let cache = TileCache::new(100);
        cache.insert("big".into(), tile(101));
        assert!(cache.get("big").is_none());
        assert_eq!(cache.bytes(), 0);
        let off = TileCache::new(0);
        off.insert("a".into(), tile(1));
        assert!(off.get("a").is_none());
    }
}
