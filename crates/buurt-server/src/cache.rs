//! A least-recently-used cache of rendered tiles, bounded by the bytes it holds.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

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
        let etag = crate::routes::etag_of(&mvt);
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

/// Rendered tiles by request key (layer, tile, indicators, year), evicting the least recently
/// used once more than `capacity_bytes` are held.
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
    inner: Mutex<Lru>,
}

#[derive(Debug, Default)]
struct Lru {
    entries: HashMap<String, (Arc<EncodedTile>, u64)>,
    /// Last-use tick → key; the first entry is the least recently used.
    by_use: BTreeMap<u64, String>,
    tick: u64,
    bytes: usize,
}

impl TileCache {
    /// An empty cache holding at most `capacity_bytes` of tile data.
    #[must_use]
    pub fn new(capacity_bytes: usize) -> Self {
        Self {
            capacity_bytes,
            inner: Mutex::new(Lru::default()),
        }
    }

    /// The cache state; a panic elsewhere while holding the lock leaves it usable.
    fn lock(&self) -> std::sync::MutexGuard<'_, Lru> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The tile under `key`, marking it as recently used.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<Arc<EncodedTile>> {
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        let (tile, old) = {
            let entry = lru.entries.get_mut(key)?;
            let old = std::mem::replace(&mut entry.1, tick);
            (Arc::clone(&entry.0), old)
        };
        lru.by_use.remove(&old);
        lru.by_use.insert(tick, key.to_owned());
        Some(tile)
    }

    /// Store a tile; tiles larger than the whole cache are not kept.
    pub fn insert(&self, key: String, tile: Arc<EncodedTile>) {
        if tile.len() > self.capacity_bytes {
            return;
        }
        let mut lru = self.lock();
        lru.tick += 1;
        let tick = lru.tick;
        lru.bytes += tile.len();
        if let Some((old, old_tick)) = lru.entries.insert(key.clone(), (tile, tick)) {
            lru.bytes -= old.len();
            lru.by_use.remove(&old_tick);
        }
        lru.by_use.insert(tick, key);
        while lru.bytes > self.capacity_bytes {
            let Some((_, oldest)) = lru.by_use.pop_first() else {
                break;
            };
            if let Some((gone, _)) = lru.entries.remove(&oldest) {
                lru.bytes -= gone.len();
            }
        }
    }

    /// Bytes held.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}
