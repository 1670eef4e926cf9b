//! A least-recently-used cache bounded by the bytes it holds: rendered tiles and profiles in
//! the server, per-group standings here. Each entry counts its value ([`Weigh`]), its key and
//! its bookkeeping, so no flood of requests can grow a cache past its budget.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// What a cached value or key costs in memory, besides [`ENTRY_OVERHEAD_BYTES`].
pub trait Weigh {
    /// Bytes held on the heap by the value.
    fn weight(&self) -> usize;
}

impl Weigh for Box<str> {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// What one entry costs beyond its value's bytes and its key's: the map's slot (key and
/// entry, over the table's load factor), the shared value's allocation header and struct.
/// Counting it with the key bounds the cache's memory by the budget however small the values
/// and long the keys (in the server, before, only tile bytes counted, and a flood of distinct
/// queries grew the process from 199 to 615 MB).
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
/// use buurt_tiles::lru::{ByteLru, ENTRY_OVERHEAD_BYTES, Weigh};
/// struct Tile(Vec<u8>);
/// impl Weigh for Tile {
///     fn weight(&self) -> usize {
///         self.0.len()
///     }
/// }
/// let tile = || Arc::new(Tile(vec![0; 60]));
/// let cost = 60 + 1 + ENTRY_OVERHEAD_BYTES;
/// let cache = ByteLru::<Box<str>, Tile>::new(cost + cost / 2);
/// cache.insert("a".into(), tile());
/// cache.insert("b".into(), tile()); // two tiles do not fit: "a" goes
/// assert!(cache.get("a").is_none());
/// assert_eq!(cache.get("b").map(|t| t.0.len()), Some(60));
/// ```
#[derive(Debug)]
pub struct ByteLru<K, V> {
    capacity_bytes: usize,
    /// The clock of uses: each get or insert takes the next tick.
    clock: AtomicU64,
    inner: RwLock<Entries<K, V>>,
}

#[derive(Debug)]
struct Entries<K, V> {
    entries: HashMap<K, Entry<V>>,
    bytes: usize,
}

#[derive(Debug)]
struct Entry<V> {
    value: Arc<V>,
    /// Value, key and bookkeeping bytes.
    cost: usize,
    last_use: AtomicU64,
}

impl<K: Hash + Eq + Weigh, V: Weigh> ByteLru<K, V> {
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
    pub fn get<Q>(&self, key: &Q) -> Option<Arc<V>>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // A panic elsewhere while holding the lock leaves the map itself consistent.
        let held = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let entry = held.entries.get(key)?;
        entry.last_use.store(self.tick(), Ordering::Relaxed);
        Some(Arc::clone(&entry.value))
    }

    /// Store a value; an entry larger than the whole cache is not kept.
    pub fn insert(&self, key: K, value: Arc<V>) {
        let cost = value.weight() + key.weight() + ENTRY_OVERHEAD_BYTES;
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
        if let Some(old) = held.entries.insert(key, entry) {
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

impl<K, V> Entries<K, V> {
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

    struct Blob(usize);

    impl Weigh for Blob {
        fn weight(&self) -> usize {
            self.0
        }
    }

    fn blob(len: usize) -> Arc<Blob> {
        Arc::new(Blob(len))
    }

    /// What a one-letter key with a value of `len` bytes costs.
    fn cost(len: usize) -> usize {
        len + 1 + ENTRY_OVERHEAD_BYTES
    }

    type Cache = ByteLru<Box<str>, Blob>;

    #[test]
    fn the_least_recently_used_go_first_and_the_bound_holds() {
        let cache = Cache::new(4 * cost(250));
        for key in ["a", "b", "c", "d"] {
            cache.insert(key.into(), blob(250));
        }
        assert_eq!(cache.bytes(), 4 * cost(250));
        // "a" is used again: "b" and "c" are now the least recently used.
        assert!(cache.get("a").is_some());
        cache.insert("e".into(), blob(250));
        // Over by one entry: down to 7/8 of the capacity, so two entries go.
        assert_eq!(cache.bytes(), 3 * cost(250));
        assert!(cache.get("b").is_none() && cache.get("c").is_none());
        for key in ["a", "d", "e"] {
            assert!(cache.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn replacing_a_key_counts_its_bytes_once() {
        let cache = Cache::new(1000);
        cache.insert("a".into(), blob(300));
        cache.insert("a".into(), blob(400));
        assert_eq!(cache.bytes(), cost(400));
        assert_eq!(cache.get("a").map(|t| t.0), Some(400));
    }

    #[test]
    fn keys_count_so_a_flood_of_long_keys_stays_within_the_budget() {
        // Tiny values under long keys: the keys are most of the memory.
        let budget = 64 * 1024;
        let cache = Cache::new(budget);
        let long = "x".repeat(2000);
        for i in 0..1000 {
            cache.insert(format!("{long}{i}").into(), blob(10));
            assert!(cache.bytes() <= budget, "{} after {i}", cache.bytes());
        }
        let held = cache.inner.read().unwrap().entries.len();
        assert!(held < 40, "{held} entries of more than 2 KB key in 64 KiB");
    }

    #[test]
    fn an_entry_larger_than_the_cache_is_not_kept() {
        let cache = Cache::new(cost(100));
        cache.insert("big".into(), blob(100));
        assert!(cache.get("big").is_none(), "a longer key makes it too big");
        cache.insert("b".into(), blob(100));
        assert!(cache.get("b").is_some());
        let off = Cache::new(0);
        off.insert("a".into(), blob(1));
        assert!(off.get("a").is_none());
        assert_eq!(off.bytes(), 0);
    }
}
