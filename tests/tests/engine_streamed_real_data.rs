//! `buurt serve` indexes the atlas by streaming the cached long table in batches, and keeps
//! that index as `engine.bin` for the next start; both must equal the index built from the
//! whole table, cell for cell, on the real files.

use buurt_core::Catalogue;
use buurt_diagnose::atlas::{CacheStatus, open_indexed};
use buurt_diagnose::diagnose::Engine;
use buurt_io::registry::NoProgress;

fn assert_same_index(whole: &Engine, other: &Engine, what: &str) {
    assert_eq!(whole.datasets(), other.datasets(), "{what}");
    let mut groups: Vec<_> = whole.group_keys().copied().collect();
    groups.sort_unstable();
    let mut other_groups: Vec<_> = other.group_keys().copied().collect();
    other_groups.sort_unstable();
    assert_eq!(groups, other_groups, "{what}");
    let mut cells = 0;
    for g in groups {
        let (a, b) = (whole.group(g), other.group(g));
        assert_eq!(a.len(), b.len(), "{what} {g:?}");
        for (x, y) in a.zip(b) {
            assert_eq!(whole.cell_region(x), other.cell_region(y), "{what} {g:?}");
            let ((vx, mx), (vy, my)) = (whole.cell_value(x), other.cell_value(y));
            assert_eq!(vx.to_bits(), vy.to_bits(), "{what} {g:?}");
            assert_eq!(mx, my, "{what} {g:?}");
            cells += 1;
        }
    }
    assert!(cells > 5_000_000, "{what}: {cells} cells");
}

#[test]
fn the_streamed_and_the_cached_index_equal_the_index_of_the_whole_table() {
    let data = buurt_io::paths::test_data_dir();
    let cache = tempfile::tempdir().expect("a temporary directory");
    let catalogue = || Catalogue::builtin().expect("the builtin catalogue");
    let open = || {
        open_indexed(&data, Some(cache.path()), catalogue(), &NoProgress)
            .expect("the real data validate and the cache reads back")
    };
    // First: built from the data, cached, indexed from the whole table.
    let (_, whole, status) = open();
    assert_ne!(status, CacheStatus::Fresh);
    // The index file is written beside the new cache; without it, the table is streamed
    // batch by batch, and that writes the file again.
    assert!(cache.path().join("engine.bin").exists());
    std::fs::remove_file(cache.path().join("engine.bin")).expect("removable");
    let (atlas, streamed, status) = open();
    assert_eq!(status, CacheStatus::Fresh);
    assert_eq!(atlas.values().height(), 0, "the long table is not kept");
    assert!(!atlas.regions().is_empty());
    assert_same_index(&whole, &streamed, "streamed");
    assert!(cache.path().join("engine.bin").exists());
    // Then: the index read back from that file.
    let (_, read_back, _) = open();
    assert_same_index(&whole, &read_back, "engine.bin");
    // A damaged index file is not trusted: the table is streamed again.
    std::fs::write(
        cache.path().join("engine.bin"),
        b"BUURTENG\x01\x00\x00\x00trunc",
    )
    .expect("writable cache");
    let (_, again, _) = open();
    assert_same_index(&whole, &again, "after a damaged engine.bin");
}
