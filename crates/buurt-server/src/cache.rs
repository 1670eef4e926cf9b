//! A least-recently-used cache of rendered tiles, bounded by the bytes it holds.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Rendered tiles by request key (layer, tile, indicators, year), evicting the least recently
/// used once more than `capacity_bytes` are held.
///
/// ```
/// use std::sync::Arc;
/// use buurt_server::TileCache;
/// let cache = TileCache::new(10);
/// cache.insert("a".into(), Arc::new(vec![0; 6]));
/// cache.insert("b".into(), Arc::new(vec![0; 6])); // 12 bytes > 10: "a" goes
/// assert!(cache.get("a").is_none());
/// assert_eq!(cache.get("b").map(|t| t.len()), Some(6));
/// ```
#[derive(Debug)]
pub struct TileCache {
    capacity_bytes: usize,
    inner: Mutex<Lru>,
}

#[derive(Debug, Default)]
struct Lru {
    entries: HashMap<String, (Arc<Vec<u8>>, u64)>,
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
    pub fn get(&self, key: &str) -> Option<Arc<Vec<u8>>> {
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
    pub fn insert(&self, key: String, tile: Arc<Vec<u8>>) {
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
