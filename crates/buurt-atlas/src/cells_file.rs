//! The cell index as one binary file in the atlas cache (`cells.bin`), so that opening the
//! cache reads the index in a fraction of the time it takes to stream and sort the long table
//! again.
//!
//! Little-endian: magic and version; the dataset ids; the missing reasons used; the region keys
//! (code text, indeling); then per cell, column by column: group (dataset, indicator, year as
//! `u16`), region position (`u32`), value (`f64` bits), missing reason (`u8`, 255 = none).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use buurt_core::{Indeling, MissingReason, RegionKey};

use crate::cells::{CellIndex, GroupKey};
use crate::checksums::SummingReader;
use crate::error::{Result, cache_err as err};

const MAGIC: &[u8; 8] = b"BUURTENG";
/// 2: the regions are all of the atlas's, with or without cells.
const VERSION: u32 = 2;
const NO_REASON: u8 = u8::MAX;

/// Write `index` to `path`, through a temporary file renamed into place when complete.
pub(crate) fn write(index: &CellIndex, path: &Path) -> Result<()> {
    let tmp = path.with_extension("bin.new");
    let result = (|| -> std::io::Result<()> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        out.write_all(MAGIC)?;
        out.write_all(&VERSION.to_le_bytes())?;
        let text = |out: &mut BufWriter<File>, s: &str| -> std::io::Result<()> {
            out.write_all(&(s.len() as u32).to_le_bytes())?;
            out.write_all(s.as_bytes())
        };
        out.write_all(&(index.datasets.len() as u32).to_le_bytes())?;
        for d in &index.datasets {
            text(&mut out, d)?;
        }
        let mut reasons: Vec<MissingReason> =
            index.cell_missing.iter().flatten().copied().collect();
        reasons.sort_unstable();
        reasons.dedup();
        out.write_all(&(reasons.len() as u32).to_le_bytes())?;
        for r in &reasons {
            text(&mut out, r.as_str())?;
        }
        out.write_all(&(index.regions.len() as u32).to_le_bytes())?;
        for k in &index.regions {
            text(&mut out, &k.code.to_string())?;
            out.write_all(&k.indeling.year().to_le_bytes())?;
        }
        out.write_all(&(index.cell_value.len() as u64).to_le_bytes())?;
        for g in &index.cell_group {
            out.write_all(&g.dataset.to_le_bytes())?;
            out.write_all(&g.indicator.to_le_bytes())?;
            out.write_all(&g.year.to_le_bytes())?;
        }
        for r in &index.cell_region {
            out.write_all(&r.to_le_bytes())?;
        }
        for v in &index.cell_value {
            out.write_all(&v.to_bits().to_le_bytes())?;
        }
        for m in &index.cell_missing {
            let code = m.map_or(NO_REASON, |m| {
                reasons
                    .iter()
                    .position(|r| *r == m)
                    .map_or(NO_REASON, |p| p as u8)
            });
            out.write_all(&[code])?;
        }
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| err(path, e))
}

/// Read an index written by [`write`], with the CRC-32 of the whole file.
pub(crate) fn read(path: &Path) -> Result<(CellIndex, u32)> {
    let file = File::open(path).map_err(|e| err(path, e))?;
    let size = file.metadata().map_err(|e| err(path, e))?.len();
    let mut input = BufReader::with_capacity(1 << 20, SummingReader::new(file));
    let mut bytes = |n: usize| -> Result<Vec<u8>> {
        // A damaged length must not ask for more memory than the file could hold.
        if n as u64 > size {
            return Err(err(path, "truncated or damaged"));
        }
        let mut buf = vec![0; n];
        input.read_exact(&mut buf).map_err(|e| err(path, e))?;
        Ok(buf)
    };
    if bytes(8)? != MAGIC {
        return Err(err(path, "not a buurt index file"));
    }
    let u32_of = |b: Vec<u8>| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    if u32_of(bytes(4)?) != VERSION {
        return Err(err(path, "written by another version of buurt"));
    }
    let text = |bytes: &mut dyn FnMut(usize) -> Result<Vec<u8>>| -> Result<String> {
        let len = u32_of(bytes(4)?) as usize;
        String::from_utf8(bytes(len)?).map_err(|e| err(path, e))
    };
    let datasets = (0..u32_of(bytes(4)?))
        .map(|_| text(&mut bytes))
        .collect::<Result<Vec<_>>>()?;
    let reasons = (0..u32_of(bytes(4)?))
        .map(|_| {
            let key = text(&mut bytes)?;
            MissingReason::from_key(&key)
                .ok_or_else(|| err(path, format!("unknown missing reason '{key}'")))
        })
        .collect::<Result<Vec<_>>>()?;
    let regions = (0..u32_of(bytes(4)?))
        .map(|_| {
            let code = text(&mut bytes)?;
            let code = code
                .parse()
                .map_err(|_| err(path, format!("bad region code '{code}'")))?;
            let year = bytes(2)?;
            Ok(RegionKey::new(
                code,
                Indeling::new(u16::from_le_bytes([year[0], year[1]])),
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let n = bytes(8)?;
    let n = usize::try_from(u64::from_le_bytes(n.try_into().unwrap_or_default()))
        .map_err(|e| err(path, e))?;
    let column = |bytes: &mut dyn FnMut(usize) -> Result<Vec<u8>>, width: usize| bytes(n * width);
    let raw = column(&mut bytes, 6)?;
    let cell_group: Vec<GroupKey> = raw
        .chunks_exact(6)
        .map(|c| GroupKey {
            dataset: u16::from_le_bytes([c[0], c[1]]),
            indicator: u16::from_le_bytes([c[2], c[3]]),
            year: u16::from_le_bytes([c[4], c[5]]),
        })
        .collect();
    drop(raw);
    let raw = column(&mut bytes, 4)?;
    let cell_region: Vec<u32> = raw
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    drop(raw);
    let raw = column(&mut bytes, 8)?;
    let cell_value: Vec<f64> = raw
        .chunks_exact(8)
        .map(|c| f64::from_bits(u64::from_le_bytes(c.try_into().unwrap_or_default())))
        .collect();
    drop(raw);
    let raw = column(&mut bytes, 1)?;
    let cell_missing: Vec<Option<MissingReason>> = raw
        .iter()
        .map(|&c| {
            (c != NO_REASON)
                .then(|| reasons.get(c as usize).copied())
                .flatten()
        })
        .collect();
    drop(raw);
    if cell_region.iter().any(|&r| r as usize >= regions.len())
        || cell_group
            .iter()
            .any(|g| usize::from(g.dataset) >= datasets.len())
    {
        return Err(err(
            path,
            "a cell refers to a region or dataset the file lacks",
        ));
    }
    // The sum over the whole file, bytes after the cells included.
    let sum = input.into_inner().finish().map_err(|e| err(path, e))?;
    let index = CellIndex::assemble(
        datasets,
        regions,
        cell_group,
        cell_region,
        cell_value,
        cell_missing,
    );
    Ok((index, sum))
}
