//! `buurt serve` indexes the atlas by streaming the cached long table in batches; that index
//! must equal the one built from the whole table, cell for cell, on the real files.

use buurt_core::Catalogue;
use buurt_diagnose::atlas::{CacheStatus, open_indexed};
use buurt_io::registry::NoProgress;

#[test]
fn the_streamed_index_equals_the_index_of_the_whole_table() {
    let data = buurt_io::paths::test_data_dir();
    let cache = tempfile::tempdir().expect("a temporary directory");
    let catalogue = || Catalogue::builtin().expect("the builtin catalogue");
    // First: built from the data, cached, indexed from the whole table.
    let (_, whole, status) = open_indexed(&data, Some(cache.path()), catalogue(), &NoProgress)
        .expect("the real data validate");
    assert_ne!(status, CacheStatus::Fresh);
    // Then: from the cache, streamed batch by batch.
    let (atlas, streamed, status) =
        open_indexed(&data, Some(cache.path()), catalogue(), &NoProgress)
            .expect("the cache reads back");
    assert_eq!(status, CacheStatus::Fresh);
    assert_eq!(atlas.values().height(), 0, "the long table is not kept");
    assert!(!atlas.regions().is_empty());

    assert_eq!(whole.datasets(), streamed.datasets());
    let mut groups: Vec<_> = whole.group_keys().copied().collect();
    groups.sort_unstable();
    let mut streamed_groups: Vec<_> = streamed.group_keys().copied().collect();
    streamed_groups.sort_unstable();
    assert_eq!(groups, streamed_groups);
    let mut cells = 0;
    for g in groups {
        let (a, b) = (whole.group(g), streamed.group(g));
        assert_eq!(a.len(), b.len(), "{g:?}");
        for (x, y) in a.zip(b) {
            assert_eq!(whole.cell_region(x), streamed.cell_region(y), "{g:?}");
            let ((vx, mx), (vy, my)) = (whole.cell_value(x), streamed.cell_value(y));
            assert_eq!(
                vx.to_bits(),
                vy.to_bits(),
                "{g:?} {:?}",
                whole.cell_region(x)
            );
            assert_eq!(mx, my);
            cells += 1;
        }
    }
    assert!(cells > 5_000_000, "{cells} cells");
}
