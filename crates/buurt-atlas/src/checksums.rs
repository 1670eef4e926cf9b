//! CRC-32 of every file of the atlas cache, in `checksums.json`, written last when the cache
//! is saved and checked as each file is read.
//!
//! Parquet and the index file have structure that catches many damages, but a bit flipped
//! inside a value reads back as another value: the service would serve a wrong number. With
//! the checksums such a cache fails to load and is rebuilt from the data. CRC-32 (crc32fast,
//! already built for flate2) takes some 10 ms over the 100 MB of a national cache.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use crate::error::{Result, cache_err};

/// The file that holds the checksums.
pub(crate) const CHECKSUMS: &str = "checksums.json";

/// CRC-32 by file name.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Checksums(BTreeMap<String, u32>);

impl Checksums {
    /// The checksums of `names` in `dir`, each file read back whole.
    pub(crate) fn of_files(dir: &Path, names: &[&str]) -> Result<Self> {
        let mut sums = BTreeMap::new();
        for name in names {
            let path = dir.join(name);
            let bytes = fs::read(&path).map_err(|e| cache_err(&path, e))?;
            sums.insert((*name).to_owned(), crc(&bytes));
        }
        Ok(Self(sums))
    }

    /// The checksums of the cache in `dir`; a cache without them is not trusted.
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(CHECKSUMS);
        let bytes = fs::read(&path).map_err(|e| cache_err(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| cache_err(&path, e))
    }

    /// Write them to `dir`, through a temporary file renamed into place.
    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(CHECKSUMS);
        let tmp = dir.join(format!("{CHECKSUMS}.new"));
        let json = serde_json::to_vec(self).map_err(|e| cache_err(&path, e))?;
        fs::write(&tmp, json).map_err(|e| cache_err(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| cache_err(&path, e))
    }

    /// Record the checksum of a file written again.
    pub(crate) fn set(&mut self, name: &str, sum: u32) {
        self.0.insert(name.to_owned(), sum);
    }

    /// Whether `bytes`, read from `dir/name`, are what was written.
    pub(crate) fn check(&self, dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
        self.check_sum(dir, name, crc(bytes))
    }

    /// Whether the file `dir/name`, read whole, is what was written.
    pub(crate) fn check_file(&self, dir: &Path, name: &str) -> Result<()> {
        let path = dir.join(name);
        let bytes = fs::read(&path).map_err(|e| cache_err(&path, e))?;
        self.check(dir, name, &bytes)
    }

    /// Whether a file whose bytes sum to `sum` is what was written.
    pub(crate) fn check_sum(&self, dir: &Path, name: &str, sum: u32) -> Result<()> {
        let path = dir.join(name);
        match self.0.get(name) {
            Some(&want) if want == sum => Ok(()),
            Some(_) => Err(cache_err(
                &path,
                "damaged: its checksum is not the one written",
            )),
            None => Err(cache_err(&path, "no checksum recorded for it")),
        }
    }
}

/// CRC-32 of `bytes`.
pub(crate) fn crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// A reader that sums what passes through it, so a file parsed from a stream is checked
/// without a second read.
pub(crate) struct SummingReader<R> {
    inner: R,
    hasher: crc32fast::Hasher,
}

impl<R: Read> SummingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: crc32fast::Hasher::new(),
        }
    }

    /// The sum of everything read, after reading what is left.
    pub(crate) fn finish(mut self) -> std::io::Result<u32> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(self.hasher.finalize())
    }
}

impl<R: Read> Read for SummingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flipped_bit_or_a_missing_sum_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.bin"), b"cells and values").unwrap();
        let sums = Checksums::of_files(dir.path(), &["a.bin"]).unwrap();
        sums.write(dir.path()).unwrap();
        let sums = Checksums::read(dir.path()).unwrap();
        sums.check_file(dir.path(), "a.bin").unwrap();
        fs::write(dir.path().join("a.bin"), b"cells and valuds").unwrap();
        let err = sums.check_file(dir.path(), "a.bin").unwrap_err();
        assert!(err.to_string().contains("a.bin"), "{err}");
        assert!(sums.check(dir.path(), "b.bin", b"").is_err());
        // Summed while streamed: the same as summed whole.
        let reader = SummingReader::new(&b"cells and values"[..]);
        assert_eq!(reader.finish().unwrap(), crc(b"cells and values"));
    }
}
