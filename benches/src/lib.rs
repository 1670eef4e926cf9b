//! Shared setup for buurt's benchmarks: where the real data and the bench outputs are, the
//! process's peak memory, and the Parquet exports the pandas comparison reads.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, ParquetWriter, PolarsResult};

/// Where the benchmark writes its atlas cache and Parquet exports: `BUURT_BENCH_OUT`, else
/// `target/bench` in the workspace.
#[must_use]
pub fn out_dir() -> PathBuf {
    match std::env::var_os("BUURT_BENCH_OUT") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench"),
    }
}

/// Peak resident set size of this process in KiB (`VmHWM` in `/proc/self/status`); `None`
/// where procfs is absent (not Linux).
///
/// ```
/// if cfg!(target_os = "linux") {
///     assert!(buurt_benches::peak_rss_kib().is_some_and(|k| k > 0));
/// }
/// ```
#[must_use]
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Write a DataFrame to a Parquet file, creating its folder.
pub fn write_parquet(df: &DataFrame, path: &Path) -> PolarsResult<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut df = df.clone();
    ParquetWriter::new(File::create(path)?).finish(&mut df)?;
    Ok(())
}
