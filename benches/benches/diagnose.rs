//! The full diagnose of all NL buurten for every RIVM indicator and year, and one wijk profile,
//! on the real data.
//!
//! Setup (not timed): the atlas is read from its cache under the bench output folder (built and
//! cached on the first run) and indexed once. With `BUURT_BENCH_EXPORT=1` the setup also writes
//! the long table and the Rust full table as Parquet for `benches/diagnose_pandas.py`.

use std::hint::black_box;
use std::time::Instant;

use buurt_core::{Catalogue, Level};
use buurt_diagnose::atlas;
use buurt_diagnose::diagnose::full::{full_table, full_table_into};
use buurt_diagnose::diagnose::{Diagnose, GroupKey};
use buurt_io::registry::NoProgress;
use criterion::Criterion;

/// The RIVM health monitor at wijk and buurt level (all of NL, three years).
const RIVM: &str = "rivm_50090";

fn main() {
    let data = buurt_io::paths::test_data_dir();
    let out = buurt_benches::out_dir();
    let t0 = Instant::now();
    let catalogue = Catalogue::builtin().expect("builtin catalogue");
    let (atlas, status) = atlas::open(
        &data,
        Some(&out.join("atlas-cache")),
        catalogue,
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("atlas from {}: {e}", data.display()));
    let t_atlas = t0.elapsed();
    let diagnose = Diagnose::new(&atlas);
    let engine = atlas.cells();
    let keep = |g: GroupKey| engine.datasets()[usize::from(g.dataset)] == RIVM;

    let table = full_table(&atlas, Level::Buurt, &keep);
    let mut buurten: Vec<_> = table.cells().map(|c| engine.cell_region(c).code).collect();
    buurten.sort_unstable();
    buurten.dedup();
    let mut groups: Vec<GroupKey> = engine.group_keys().copied().filter(|g| keep(*g)).collect();
    groups.sort_unstable();
    let mut years: Vec<u16> = groups.iter().map(|g| g.year).collect();
    years.dedup();
    years.sort_unstable();
    years.dedup();
    println!(
        "setup: atlas with its cell index {:.2?} (cache {status:?}); full table: {} rows, {} buurten, {} groups, years {years:?}, {:.1} MB",
        t_atlas,
        table.len(),
        buurten.len(),
        groups.len(),
        table.bytes() as f64 / 1e6,
    );
    if std::env::var_os("BUURT_BENCH_EXPORT").is_some_and(|v| v == "1") {
        let long = out.join("long.parquet");
        buurt_benches::write_parquet(&atlas.to_dataframe().expect("long table"), &long)
            .expect("write the long table");
        let rust = out.join("rust_full.parquet");
        let df = table
            .to_dataframe(engine, atlas.catalogue())
            .expect("full table as DataFrame");
        buurt_benches::write_parquet(&df, &rust).expect("write the full table");
        println!("exported {} and {}", long.display(), rust.display());
    }
    if let Some(kib) = buurt_benches::peak_rss_kib() {
        println!(
            "peak RSS after setup: {:.0} MiB (VmHWM {kib} kB)",
            kib as f64 / 1024.0
        );
    }

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("full_diagnose_nl_buurten_rivm", |b| {
        b.iter(|| full_table(black_box(&atlas), Level::Buurt, &keep));
    });
    // The same computation into a table kept from the previous run: what a long-running
    // process pays, without allocating and faulting in the 77 MB of output each time.
    let mut reused = full_table(&atlas, Level::Buurt, &keep);
    c.bench_function("full_diagnose_nl_buurten_rivm_reused_output", |b| {
        b.iter(|| full_table_into(black_box(&atlas), Level::Buurt, &keep, &mut reused));
    });
    c.bench_function("profile_WK034405", |b| {
        b.iter(|| {
            diagnose
                .profile(black_box("WK034405"), None)
                .expect("profile")
        });
    });
    c.final_summary();
    if let Some(kib) = buurt_benches::peak_rss_kib() {
        println!(
            "peak RSS at exit: {:.0} MiB (VmHWM {kib} kB)",
            kib as f64 / 1024.0
        );
    }
}
