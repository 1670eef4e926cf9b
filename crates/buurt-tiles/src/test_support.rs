//! Reading a PMTiles archive back in tests, with the `pmtiles` crate's own reader: the check that
//! what buurt writes is what another implementation reads.
//!
//! Compiled with the `test-support` feature only (a dev-dependency feature of the crates whose
//! tests use it), which also builds the reader half of `pmtiles`.

use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, PmtResult};

/// Run a future to completion on this thread.
///
/// The pmtiles reader is async; everything it awaits on a [`MemoryBackend`] is ready at once, so
/// polling in a loop is enough and no runtime is needed.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

/// An archive in memory as a pmtiles backend.
pub struct MemoryBackend(pub bytes::Bytes);

impl AsyncBackend for MemoryBackend {
    fn read(
        &self,
        offset: u64,
        length: usize,
    ) -> impl Future<Output = PmtResult<BackendResponse>> + Send {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.0.len());
        let end = start.saturating_add(length).min(self.0.len());
        std::future::ready(Ok(BackendResponse::new(self.0.slice(start..end))))
    }
}

/// The archive at `path`, read into memory and opened with the pmtiles crate's reader; use
/// [`block_on`] on its methods.
///
/// # Panics
/// When the file cannot be read or the reader rejects its header or directory.
#[must_use]
pub fn read_pmtiles(path: &Path) -> AsyncPmTilesReader<MemoryBackend> {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    block_on(AsyncPmTilesReader::try_from_source(MemoryBackend(
        bytes::Bytes::from(bytes),
    )))
    .unwrap_or_else(|e| panic!("{}: not a PMTiles archive: {e}", path.display()))
}

/// The JSON metadata of an archive opened with [`read_pmtiles`].
///
/// # Panics
/// When the metadata cannot be read or is not JSON.
#[must_use]
pub fn metadata(reader: &AsyncPmTilesReader<MemoryBackend>) -> serde_json::Value {
    let text = block_on(reader.get_metadata()).expect("the archive's metadata");
    serde_json::from_str(&text).expect("metadata as JSON")
}

/// The ids of the `vector_layers` in an archive's [`metadata`], in order.
///
/// # Panics
/// When `vector_layers` is not an array of objects with a string `id`.
#[must_use]
pub fn vector_layer_ids(metadata: &serde_json::Value) -> Vec<&str> {
    metadata["vector_layers"]
        .as_array()
        .expect("vector_layers")
        .iter()
        .map(|l| l["id"].as_str().expect("a layer id"))
        .collect()
}
