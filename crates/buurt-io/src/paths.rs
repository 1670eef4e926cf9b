//! Where the data directory is: `--data`, else `BUURT_DATA`, else `../shared/data`.

use std::path::{Path, PathBuf};

use crate::error::{IoError, Result};

/// The environment variable that names the data directory.
pub const DATA_ENV: &str = "BUURT_DATA";

/// The fallback, relative to the working directory (the repository root in CI and the README).
pub const DEFAULT_DATA_DIR: &str = "../shared/data";

/// Resolve the data directory from an explicit path, the environment, or the default, and check
/// that it looks like a buurt data directory.
///
/// ```
/// let err = buurt_io::paths::resolve_data_dir(Some(std::path::Path::new("/no/such/dir"))).unwrap_err();
/// assert!(err.to_string().contains("/no/such/dir"));
/// ```
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    let (dir, origin) = match explicit {
        Some(p) => (p.to_path_buf(), "--data"),
        None => match std::env::var_os(DATA_ENV) {
            Some(v) if !v.is_empty() => (PathBuf::from(v), DATA_ENV),
            _ => (PathBuf::from(DEFAULT_DATA_DIR), "the default"),
        },
    };
    if !dir.is_dir() {
        return Err(IoError::DataDir {
            path: dir,
            problem: format!(
                "does not exist or is not a directory (taken from {origin}); pass --data DIR or set {DATA_ENV} to the folder that holds cbs_kwb_utrecht/, rivm_gezondheid_wijk_buurt_50090NED/ and the other datasets, or to one made by `buurt fetch --gemeente GM0307 --out DIR`"
            ),
        });
    }
    Ok(dir)
}

/// The real data for tests: `BUURT_DATA`, else `shared/data` beside the repository.
#[doc(hidden)]
#[must_use]
pub fn test_data_dir() -> PathBuf {
    match std::env::var_os(DATA_ENV) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}
