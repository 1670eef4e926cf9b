//! Rendered tiles as sent, and their cache ([`TileCache`], a [`ByteLru`]); the ETag of a
//! body.

use axum::body::Bytes;
use axum::http::HeaderValue;
pub use buurt_tiles::lru::{ByteLru, ENTRY_OVERHEAD_BYTES, Weigh};

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
            raw: exact_bytes(mvt),
            gzip: exact_bytes(gzip),
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

impl Weigh for EncodedTile {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// The bytes in an allocation of their own size, which the cache's budget then counts truly.
///
/// `Bytes::from(vec)` keeps the vector's whole allocation, and an encoder's buffer grown by
/// doubling holds up to twice the tile; `shrink_to_fit` does not help, as mimalloc shrinks in
/// place whatever wastes less than half. Copying once costs far less than the render, and
/// before, a flood of distinct tiles held some 250 MB for a 64 MiB cache.
pub(crate) fn exact_bytes(bytes: Vec<u8>) -> Bytes {
    if bytes.capacity() == bytes.len() {
        Bytes::from(bytes)
    } else {
        Bytes::copy_from_slice(&bytes)
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

/// Rendered tiles by request key (layer, tile, normalised indicators, year, clusters).
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
pub type TileCache = ByteLru<Box<str>, EncodedTile>;
