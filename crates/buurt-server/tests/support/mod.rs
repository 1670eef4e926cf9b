//! What the server's test binaries share: the service state over the real atlas.

use buurt_core::Catalogue;
use buurt_server::Loaded;

/// The real atlas prepared for serving (16 MiB of tile cache), from the atlas cache the
/// server's tests share in the target's temporary directory (built from the data the first
/// time).
pub fn loaded() -> Loaded {
    let dir = buurt_io::paths::test_data_dir();
    let cache = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("buurt-server-atlas");
    let (atlas, _) = buurt_diagnose::atlas::open(
        &dir,
        Some(&cache),
        Catalogue::builtin().expect("the builtin catalogue"),
        &buurt_io::registry::NoProgress,
    )
    .expect("the real data validate");
    Loaded::new(atlas, 16 << 20).expect("the atlas prepares for serving")
}
