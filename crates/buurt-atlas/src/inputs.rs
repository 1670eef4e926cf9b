//! Fingerprints of the input files, so that a cache notices a changed input.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// The fingerprint of one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the data directory.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified_ns: u128,
}

impl InputFile {
    /// Fingerprint `data_dir/path`.
    pub fn of(data_dir: &Path, path: &Path) -> std::io::Result<Self> {
        let meta = fs::metadata(data_dir.join(path))?;
        let modified_ns = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Ok(Self {
            path: path.display().to_string(),
            size: meta.len(),
            modified_ns,
        })
    }
}
