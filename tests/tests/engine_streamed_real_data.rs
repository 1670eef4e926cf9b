//! The atlas cache keeps the cell index as `cells.bin`; when that file is missing or damaged,
//! opening the cache streams the cached long table in batches into a new index. Both must
//! equal the index built from the whole table, cell for cell, on the real files.
//!
//! A bit flipped anywhere in a cache file (where the file's own structure would not notice it,
//! inside a value) must be caught by the cache's checksums: the atlas read back is the one
//! built, never one with a changed number (issue 15, item 5).

use buurt_core::Catalogue;
use buurt_diagnose::atlas::{CacheStatus, CellIndex, open};
use buurt_io::registry::NoProgress;

fn assert_same_index(whole: &CellIndex, other: &CellIndex, what: &str) {
    assert_eq!(whole.region_keys(), other.region_keys(), "{what}");
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
        open(&data, Some(cache.path()), catalogue(), &NoProgress)
            .expect("the real data validate and the cache reads back")
    };
    // First: built from the data, cached, indexed from the whole table.
    let (built, status) = open();
    assert_ne!(status, CacheStatus::Fresh);
    let whole = built.cells();
    // The index file is part of the cache; without it, the table is streamed batch by batch,
    // and that writes the file again.
    let file = cache.path().join("cells.bin");
    assert!(file.exists());
    std::fs::remove_file(&file).expect("removable");
    let (atlas, status) = open();
    assert_eq!(status, CacheStatus::Fresh);
    assert_eq!(atlas.regions().len(), built.regions().len());
    assert_same_index(whole, atlas.cells(), "streamed");
    assert!(file.exists());
    // Then: the index read back from that file.
    let (read_back, _) = open();
    assert_same_index(whole, read_back.cells(), "cells.bin");
    // A damaged index file is not trusted: the table is streamed again.
    std::fs::write(&file, b"BUURTENG\x02\x00\x00\x00trunc").expect("writable cache");
    let (again, _) = open();
    assert_same_index(whole, again.cells(), "after a damaged cells.bin");
}

/// Flip one bit in the middle of `path`.
fn flip_a_bit(path: &std::path::Path) {
    let mut bytes = std::fs::read(path).expect("a cache file");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    std::fs::write(path, bytes).expect("writable cache");
}

#[test]
fn a_bit_flipped_in_any_cache_file_is_caught_and_the_atlas_is_the_one_built() {
    let data = buurt_io::paths::test_data_dir();
    let cache = tempfile::tempdir().expect("a temporary directory");
    let open = || {
        open(
            &data,
            Some(cache.path()),
            Catalogue::builtin().expect("the builtin catalogue"),
            &NoProgress,
        )
        .expect("the real data validate")
        .0
    };
    let built = open();
    // The checksums of the data files (the manifest's bytes vary from build to build).
    let sums = || {
        let text = std::fs::read(cache.path().join("checksums.json")).expect("checksums written");
        let mut sums: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&text).expect("checksums are JSON");
        assert!(sums.remove("manifest.json").is_some());
        sums
    };
    let written = sums();
    // cells.bin: a value in the middle of its columns. The index is streamed from the table
    // again, and the file and its checksum written anew.
    flip_a_bit(&cache.path().join("cells.bin"));
    assert_same_index(
        built.cells(),
        open().cells(),
        "after a flipped bit in cells.bin",
    );
    assert_eq!(sums(), written, "cells.bin written again, as it was");
    // values.parquet too: nothing in the cache can be trusted to rebuild the index, so the
    // atlas is built from the data again.
    flip_a_bit(&cache.path().join("values.parquet"));
    flip_a_bit(&cache.path().join("cells.bin"));
    assert_same_index(built.cells(), open().cells(), "after flipped bits in both");
    // The geometry and the manifest: rebuilt from the data as well.
    for file in ["geometry.geojson", "manifest.json"] {
        flip_a_bit(&cache.path().join(file));
        let again = open();
        assert_same_index(built.cells(), again.cells(), file);
        assert_eq!(again.regions(), built.regions(), "{file}");
        assert_eq!(again.layers().len(), built.layers().len(), "{file}");
        for r in built.regions() {
            assert_eq!(
                again.geometry_rd(&r.key),
                built.geometry_rd(&r.key),
                "{file}"
            );
        }
    }
    assert_eq!(sums(), written, "the cache is whole again");
}
