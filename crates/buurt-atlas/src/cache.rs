//! The atlas cache: a directory with the long table as Parquet, the geometries as GeoJSON in
//! EPSG:28992, and a manifest that fingerprints every input file, so `buurt serve` starts in
//! well under a second and a changed input is noticed.
//!
//! Layout: `manifest.json` (regions, comparability, report, input fingerprints),
//! `cells.bin` (the cell index, see `cells_file`), `values.parquet` (the long table, for
//! analysts and to rebuild the index when `cells.bin` is damaged) and `geometry.geojson`. A
//! save writes a fresh directory beside the old one and swaps it in only when complete: a
//! failed save never damages a good cache.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use buurt_core::{Catalogue, Indeling, Level, RegionCode, RegionKey};
use buurt_io::{BoundaryLayer, Problem, RegionShape};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, SerReader};
use serde::{Deserialize, Serialize};

use crate::atlas::{Atlas, RegionInfo};
use crate::cells::CellIndex;
use crate::cells_build::CellIndexBuilder;
use crate::checksums::{Checksums, crc};
use crate::comparability::Comparability;
use crate::error::{Result, cache_err};
use crate::inputs::InputFile;
use crate::report::ValidationReport;

/// 3: the cell index (`cells.bin`) is part of every cache; values.parquet in row groups of
/// [`VALUES_BATCH_ROWS`], so it can be streamed. 4: a group without any value is "not yet
/// published" in `cells.bin`. 5: national wijken and gemeenten, the reason "not comparable".
/// 6: a `cells.bin` written after streaming may have rows under the wrong dataset (fixed in
/// `cells_build`): not trusted; `checksums.json`.
const FORMAT: u32 = 6;
/// Rows per Parquet row group, and per batch when the table is streamed into an engine.
const VALUES_BATCH_ROWS: usize = 256 * 1024;
const MANIFEST: &str = "manifest.json";
const VALUES: &str = "values.parquet";
const GEOMETRY: &str = "geometry.geojson";
/// The cell index.
const CELLS: &str = "cells.bin";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    buurt_version: String,
    catalogue_hash: String,
    inputs: Vec<InputFile>,
    regions: Vec<RegionInfo>,
    comparability: Comparability,
    report: ValidationReport,
}

/// Whether a cache directory can be used for a data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// Present and made from the same inputs, catalogue and buurt version.
    Fresh,
    /// Present but out of date; the reason says what changed.
    Stale(String),
    /// No cache there.
    Missing,
}

/// A stable 64-bit FNV-1a hash, so the catalogue fingerprint is the same across builds.
fn fnv1a(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn catalogue_hash(catalogue: &Catalogue) -> String {
    fnv1a(&format!("{:?}", catalogue.indicators()))
}

impl Atlas {
    /// Whether the cache in `cache_dir` was made from the files now in `data_dir` with this
    /// catalogue and this version of buurt.
    #[must_use]
    pub fn cache_status(cache_dir: &Path, data_dir: &Path, catalogue: &Catalogue) -> CacheStatus {
        let path = cache_dir.join(MANIFEST);
        let Ok(bytes) = fs::read(&path) else {
            return CacheStatus::Missing;
        };
        let manifest: Manifest = match serde_json::from_slice(&bytes) {
            Ok(m) => m,
            Err(e) => return CacheStatus::Stale(format!("manifest unreadable: {e}")),
        };
        if manifest.format != FORMAT || manifest.buurt_version != env!("CARGO_PKG_VERSION") {
            return CacheStatus::Stale("made by another version of buurt".into());
        }
        if manifest.catalogue_hash != catalogue_hash(catalogue) {
            return CacheStatus::Stale("the indicator catalogue changed".into());
        }
        for input in &manifest.inputs {
            match InputFile::of(data_dir, Path::new(&input.path)) {
                Ok(now) if now == *input => {}
                Ok(_) => return CacheStatus::Stale(format!("{} changed", input.path)),
                Err(_) => return CacheStatus::Stale(format!("{} is gone", input.path)),
            }
        }
        // Files that were not there when the cache was made may have come since: a built-in
        // dataset that was absent, or a folder made by `buurt fetch`.
        for absent in manifest.report.absent() {
            if let Some(path) = absent.paths.iter().find(|p| data_dir.join(p).exists()) {
                return CacheStatus::Stale(format!("{path} appeared"));
            }
        }
        let fetched = buurt_io::fetched::MANIFEST_FILE;
        if !manifest.inputs.iter().any(|i| i.path == fetched) && data_dir.join(fetched).exists() {
            return CacheStatus::Stale(format!("{fetched} appeared"));
        }
        CacheStatus::Fresh
    }

    /// Write the atlas to `cache_dir`, replacing what is there only once the new cache is
    /// complete.
    pub fn save_cache(&self, cache_dir: &Path) -> Result<()> {
        let parent = cache_dir.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| cache_err(parent, e))?;
        let staging = sibling(cache_dir, "new");
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(|e| cache_err(&staging, e))?;
        }
        fs::create_dir_all(&staging).map_err(|e| cache_err(&staging, e))?;

        let manifest = Manifest {
            format: FORMAT,
            buurt_version: env!("CARGO_PKG_VERSION").to_owned(),
            catalogue_hash: catalogue_hash(self.catalogue()),
            inputs: self.inputs().to_vec(),
            regions: self.regions().to_vec(),
            comparability: self.comparability().clone(),
            report: self.report().clone(),
        };
        let path = staging.join(MANIFEST);
        let file = File::create(&path).map_err(|e| cache_err(&path, e))?;
        serde_json::to_writer(BufWriter::new(file), &manifest).map_err(|e| cache_err(&path, e))?;

        let path = staging.join(VALUES);
        let file = File::create(&path).map_err(|e| cache_err(&path, e))?;
        let mut values = self.to_dataframe()?;
        ParquetWriter::new(BufWriter::new(file))
            .with_row_group_size(Some(VALUES_BATCH_ROWS))
            .finish(&mut values)
            .map_err(|e| cache_err(&path, e))?;

        drop(values);
        crate::cells_file::write(self.cells(), &staging.join(CELLS))?;

        let path = staging.join(GEOMETRY);
        let file = File::create(&path).map_err(|e| cache_err(&path, e))?;
        serde_json::to_writer(BufWriter::new(file), &GeoJson::from_layers(self.layers()))
            .map_err(|e| cache_err(&path, e))?;
        Checksums::of_files(&staging, &[MANIFEST, VALUES, CELLS, GEOMETRY])?.write(&staging)?;

        let old = sibling(cache_dir, "old");
        if old.exists() {
            fs::remove_dir_all(&old).map_err(|e| cache_err(&old, e))?;
        }
        if cache_dir.exists() {
            fs::rename(cache_dir, &old).map_err(|e| cache_err(cache_dir, e))?;
        }
        fs::rename(&staging, cache_dir).map_err(|e| cache_err(cache_dir, e))?;
        if old.exists() {
            let _ = fs::remove_dir_all(&old);
        }
        tracing::info!(path = %cache_dir.display(), "atlas cache written");
        Ok(())
    }

    /// Read an atlas from `cache_dir` (check [`Atlas::cache_status`] first): regions and
    /// geometry, and the cell index from `cells.bin`; when that file is missing or damaged, the
    /// long table is streamed into a new index batch by batch (never held whole) and the file
    /// written again.
    pub fn load_cache(cache_dir: &Path, catalogue: Catalogue) -> Result<Self> {
        let started = std::time::Instant::now();
        let mut sums = Checksums::read(cache_dir)?;
        let path = cache_dir.join(MANIFEST);
        let manifest: Manifest = read_json(cache_dir, MANIFEST, &sums)?;
        if manifest.catalogue_hash != catalogue_hash(&catalogue) {
            return Err(cache_err(
                &path,
                "made with another indicator catalogue; rebuild it",
            ));
        }
        let mut keys: Vec<_> = manifest.regions.iter().map(|r| r.key).collect();
        keys.sort_unstable();
        let cells_path = cache_dir.join(CELLS);
        // The cell index is read on a thread of its own while this one parses the geometry.
        let (read, layers) = std::thread::scope(|scope| {
            let cells = scope.spawn(|| {
                crate::cells_file::read(&cells_path).and_then(|(cells, sum)| {
                    sums.check_sum(cache_dir, CELLS, sum)?;
                    if cells.region_keys() == keys.as_slice() {
                        Ok(cells)
                    } else {
                        Err(cache_err(&cells_path, "its regions are not the manifest's"))
                    }
                })
            });
            let path = cache_dir.join(GEOMETRY);
            let layers = read_json::<GeoJson>(cache_dir, GEOMETRY, &sums)
                .and_then(|geojson| geojson.into_layers().map_err(|e| cache_err(&path, e)));
            tracing::debug!(
                ms = started.elapsed().as_millis(),
                "atlas regions and geometry read from the cache"
            );
            let read = cells
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (read, layers)
        });
        let layers = layers?;
        let cells = match read {
            Ok(cells) => {
                tracing::debug!(
                    ms = started.elapsed().as_millis(),
                    "cell index read from the cache"
                );
                cells
            }
            Err(e) => {
                tracing::warn!(error = %e, "cell index unreadable; indexing the long table");
                sums.check_file(cache_dir, VALUES)?;
                let cells = stream_values(cache_dir, &catalogue, keys)?;
                tracing::debug!(ms = started.elapsed().as_millis(), "cell index built");
                // For the next start; the cache is usable without it.
                let written = crate::cells_file::write(&cells, &cells_path)
                    .and_then(|()| fs::read(&cells_path).map_err(|e| cache_err(&cells_path, e)))
                    .and_then(|bytes| {
                        sums.set(CELLS, crc(&bytes));
                        sums.write(cache_dir)
                    });
                if let Err(e) = written {
                    tracing::warn!(error = %e, "cell index not cached");
                }
                cells
            }
        };
        Ok(Self::assemble(
            catalogue,
            manifest.regions,
            layers,
            cells,
            manifest.comparability,
            manifest.report,
            manifest.inputs,
        ))
    }
}

/// A JSON file of the cache, read whole, checked against its sum and then parsed: several
/// times faster than parsing from a reader, which goes byte by byte through the buffer.
fn read_json<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    sums: &Checksums,
) -> Result<T> {
    let path = dir.join(name);
    let bytes = fs::read(&path).map_err(|e| cache_err(&path, e))?;
    sums.check(dir, name, &bytes)?;
    serde_json::from_slice(&bytes).map_err(|e| cache_err(&path, e))
}

/// Index the cached long table batch by batch, numbering `regions` too.
fn stream_values(
    cache_dir: &Path,
    catalogue: &Catalogue,
    regions: Vec<RegionKey>,
) -> Result<CellIndex> {
    let path = cache_dir.join(VALUES);
    let open = || File::open(&path).map_err(|e| cache_err(&path, e));
    let rows = ParquetReader::new(open()?)
        .num_rows()
        .map_err(|e| cache_err(&path, e))?;
    let mut builder = CellIndexBuilder::new(catalogue);
    // One thread decodes the next batch while this one indexes the last: the time is the
    // slower of the two, not their sum.
    std::thread::scope(|scope| -> Result<()> {
        let (batches, received) = std::sync::mpsc::sync_channel::<Result<DataFrame>>(1);
        let read = |offset: usize| {
            open().and_then(|file| {
                ParquetReader::new(file)
                    .with_slice(Some((offset, VALUES_BATCH_ROWS.min(rows - offset))))
                    .finish()
                    .map_err(|e| cache_err(&path, e))
            })
        };
        scope.spawn(move || {
            for offset in (0..rows).step_by(VALUES_BATCH_ROWS) {
                let batch = read(offset);
                let failed = batch.is_err();
                if batches.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        for batch in received {
            builder.push(&batch?)?;
        }
        Ok(())
    })?;
    tracing::debug!(rows, "long table streamed");
    builder.finish(regions)
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "atlas".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{suffix}"))
}

/// GeoJSON as written to the cache: one feature per region per layer, coordinates in RD New.
#[derive(Debug, Serialize, Deserialize)]
struct GeoJson {
    #[serde(rename = "type")]
    kind: String,
    crs: serde_json::Value,
    layers: Vec<LayerMeta>,
    features: Vec<Feature>,
}

#[derive(Debug, Serialize, Deserialize)]
struct LayerMeta {
    id: String,
    paths: Vec<PathBuf>,
    indeling: u16,
    level: Level,
    problems: Vec<Problem>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Feature {
    #[serde(rename = "type")]
    kind: String,
    properties: Properties,
    geometry: Geometry,
}

#[derive(Debug, Serialize, Deserialize)]
struct Properties {
    layer: String,
    code: RegionCode,
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: String,
    coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

impl GeoJson {
    fn from_layers(layers: &[BoundaryLayer]) -> Self {
        let mut features = Vec::new();
        for l in layers {
            for f in &l.features {
                let coordinates = f
                    .geometry_rd
                    .0
                    .iter()
                    .map(|poly| {
                        std::iter::once(poly.exterior())
                            .chain(poly.interiors())
                            .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect())
                            .collect()
                    })
                    .collect();
                features.push(Feature {
                    kind: "Feature".into(),
                    properties: Properties {
                        layer: l.id.clone(),
                        code: f.code,
                        name: f.name.clone(),
                    },
                    geometry: Geometry {
                        kind: "MultiPolygon".into(),
                        coordinates,
                    },
                });
            }
        }
        Self {
            kind: "FeatureCollection".into(),
            crs: serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}),
            layers: layers
                .iter()
                .map(|l| LayerMeta {
                    id: l.id.clone(),
                    paths: l.paths.clone(),
                    indeling: l.indeling.year(),
                    level: l.level,
                    problems: l.problems.clone(),
                })
                .collect(),
            features,
        }
    }

    fn into_layers(self) -> std::result::Result<Vec<BoundaryLayer>, String> {
        let mut layers: Vec<BoundaryLayer> = self
            .layers
            .into_iter()
            .map(|m| BoundaryLayer {
                id: m.id,
                paths: m.paths,
                indeling: Indeling::new(m.indeling),
                level: m.level,
                features: Vec::new(),
                problems: m.problems,
                // Kept in the cached report; the layer itself needs it only while building.
                area_check: None,
            })
            .collect();
        for f in self.features {
            let layer = layers
                .iter_mut()
                .find(|l| l.id == f.properties.layer)
                .ok_or_else(|| {
                    format!(
                        "feature {} names unknown layer {}",
                        f.properties.code, f.properties.layer
                    )
                })?;
            let polygons = f
                .geometry
                .coordinates
                .into_iter()
                .map(|rings| {
                    let mut rings = rings
                        .into_iter()
                        .map(|r| LineString(r.into_iter().map(|[x, y]| Coord { x, y }).collect()));
                    let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
                    Polygon::new(exterior, rings.collect())
                })
                .collect();
            layer.features.push(RegionShape {
                code: f.properties.code,
                name: f.properties.name,
                geometry_rd: MultiPolygon(polygons),
            });
        }
        Ok(layers)
    }
}
