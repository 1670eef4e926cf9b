//! The atlas: every region per indeling, its geometry, and one long indicator table in polars.
//!
//! Built once from the loaded datasets ([`Atlas::build`]) or from the local cache
//! ([`Atlas::load_cache`]), read-only afterwards. Building is all-or-nothing: if any dataset failed
//! to load or validate, no atlas is returned and the [`ValidationReport`] says why.

mod build;
mod cache;
mod comparability;
mod derive;
mod report;

use std::collections::HashMap;

use buurt_core::{Catalogue, GemeenteCode, Indeling, Level, RegionCode, RegionKey};
use buurt_io::BoundaryLayer;
use buurt_io::crs::PointWgs84;
use geo_types::MultiPolygon;
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

pub use build::{BuildInput, Progress};
pub(crate) use cache::cache_err;
pub use cache::{CacheStatus, InputFile};
pub use comparability::Comparability;
pub(crate) use derive::index_of;
pub use report::{DatasetReport, JoinCoverage, ParentCheck, ValidationReport};

/// Column names of the long indicator table ([`Atlas::values`]).
pub mod columns {
    /// Dataset id (String).
    pub const DATASET: &str = "dataset";
    /// Region code (String, e.g. `BU03440111`).
    pub const REGION: &str = "region";
    /// Level of the region (String: land, gemeente, wijk, buurt).
    pub const LEVEL: &str = "level";
    /// Indeling year of the region code (Int32).
    pub const INDELING: &str = "indeling";
    /// Year the value describes (Int32).
    pub const YEAR: &str = "year";
    /// Indicator id (String).
    pub const INDICATOR: &str = "indicator";
    /// Age group key (String: totaal, 18+, 65+ …).
    pub const AGE_GROUP: &str = "age_group";
    /// The value (Float64, null when missing).
    pub const VALUE: &str = "value";
    /// Why the value is missing (String, null when present).
    pub const MISSING: &str = "missing_reason";
}

/// What the atlas knows about one region in one indeling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionInfo {
    /// Code and indeling.
    pub key: RegionKey,
    /// Best available name (kwb `regio`, else the geometry's `statnaam`, else the code).
    pub name: String,
    /// Level.
    pub level: Level,
    /// Area in m² from the RD geometry, if a geometry of a comparable indeling exists.
    pub area_m2: Option<f64>,
    /// The centroid (WGS84 lon, lat), if a geometry exists. It may fall outside a concave region.
    pub centroid_wgs84: Option<PointWgs84>,
    /// A point guaranteed inside the region (WGS84 lon, lat), for labels and lookups.
    pub interior_point_wgs84: Option<PointWgs84>,
    /// The geometry layer that provides area and point.
    pub geometry_layer: Option<String>,
    /// Table datasets with values for this region.
    pub datasets: Vec<String>,
}

/// Open the atlas for `data_dir`: from `cache_dir` when that cache is fresh, else built from the
/// data (all-or-nothing) and written to the cache.
pub fn open(
    data_dir: &std::path::Path,
    cache_dir: Option<&std::path::Path>,
    catalogue: Catalogue,
    progress: &dyn Progress,
) -> crate::Result<(Atlas, CacheStatus)> {
    let status = cache_dir.map_or(CacheStatus::Missing, |dir| {
        Atlas::cache_status(dir, data_dir, &catalogue)
    });
    if let (Some(dir), CacheStatus::Fresh) = (cache_dir, &status) {
        match Atlas::load_cache(dir, catalogue.clone()) {
            Ok(atlas) => return Ok((atlas, status)),
            Err(e) => {
                tracing::warn!(error = %e, "atlas cache unreadable; rebuilding from the data");
            }
        }
    }
    let (atlas, _) = build_and_cache(data_dir, cache_dir, catalogue, progress)?;
    Ok((atlas, status))
}

/// Build the atlas from the data and write it to `cache_dir`; whether the cache now holds it.
fn build_and_cache(
    data_dir: &std::path::Path,
    cache_dir: Option<&std::path::Path>,
    catalogue: Catalogue,
    progress: &dyn Progress,
) -> crate::Result<(Atlas, bool)> {
    let loaded = buurt_io::registry::load_all(data_dir, &catalogue, progress);
    let atlas = Atlas::build(catalogue, loaded)?;
    let saved = match cache_dir.map(|dir| atlas.save_cache(dir)) {
        Some(Ok(())) => true,
        Some(Err(e)) => {
            tracing::warn!(error = %e, "atlas cache not written");
            false
        }
        None => false,
    };
    Ok((atlas, saved))
}

/// [`open`], indexed for the diagnose in little memory, as a long-running service wants it:
/// from a fresh cache the long table is streamed into the [`Engine`] batch by batch and never
/// held whole; otherwise the atlas is built, cached and indexed, and its table released. Either
/// way the returned atlas has an empty [`Atlas::values`] table: ask the engine (for instance
/// through [`Diagnose::with_engine`](crate::diagnose::Diagnose::with_engine)).
pub fn open_indexed(
    data_dir: &std::path::Path,
    cache_dir: Option<&std::path::Path>,
    catalogue: Catalogue,
    progress: &dyn Progress,
) -> crate::Result<(Atlas, crate::diagnose::Engine, CacheStatus)> {
    let status = cache_dir.map_or(CacheStatus::Missing, |dir| {
        Atlas::cache_status(dir, data_dir, &catalogue)
    });
    if let (Some(dir), CacheStatus::Fresh) = (cache_dir, &status) {
        match Atlas::load_cache_indexed(dir, catalogue.clone()) {
            Ok((atlas, engine)) => return Ok((atlas, engine, status)),
            Err(e) => {
                tracing::warn!(error = %e, "atlas cache unreadable; rebuilding from the data");
            }
        }
    }
    let (mut atlas, saved) = build_and_cache(data_dir, cache_dir, catalogue, progress)?;
    let engine = crate::diagnose::Engine::new(&atlas)?;
    atlas.values = atlas.values.clear();
    // The index for the next start, beside the cache just written (only when that cache is
    // this atlas: a failed save leaves the old one).
    if let Some(dir) = cache_dir.filter(|_| saved)
        && let Err(e) = crate::diagnose::engine_file::write(&engine, &dir.join(cache::ENGINE))
    {
        tracing::warn!(error = %e, "diagnose index not cached");
    }
    Ok((atlas, engine, status))
}

/// The validated, read-only atlas.
#[derive(Debug)]
pub struct Atlas {
    catalogue: Catalogue,
    regions: Vec<RegionInfo>,
    by_key: HashMap<RegionKey, usize>,
    /// Per code, its indelingen, oldest first (maps ask this for every feature).
    indelingen: HashMap<RegionCode, Vec<Indeling>>,
    layers: Vec<BoundaryLayer>,
    values: DataFrame,
    comparability: Comparability,
    report: ValidationReport,
    inputs: Vec<cache::InputFile>,
}

impl Atlas {
    /// The indicator catalogue the atlas was built with.
    #[must_use]
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The long indicator table: one row per (dataset, region, indeling, year, indicator, age
    /// group) with the value or the reason it is missing. See [`columns`].
    #[must_use]
    pub fn values(&self) -> &DataFrame {
        &self.values
    }

    /// Every region in every indeling.
    #[must_use]
    pub fn regions(&self) -> &[RegionInfo] {
        &self.regions
    }

    /// One region.
    #[must_use]
    pub fn region(&self, key: &RegionKey) -> Option<&RegionInfo> {
        self.by_key.get(key).map(|&i| &self.regions[i])
    }

    /// The indelingen in which `code` exists, oldest first.
    #[must_use]
    pub fn indelingen_of(&self, code: RegionCode) -> Vec<Indeling> {
        self.indelingen.get(&code).cloned().unwrap_or_default()
    }

    /// The newest indeling in which `code` exists.
    #[must_use]
    pub fn latest_indeling(&self, code: RegionCode) -> Option<Indeling> {
        self.indelingen.get(&code).and_then(|l| l.last().copied())
    }

    /// Regions of `level` within `within` in `indeling`, in code order.
    #[must_use]
    pub fn regions_within(
        &self,
        within: RegionCode,
        level: Level,
        indeling: Indeling,
    ) -> Vec<&RegionInfo> {
        let mut out: Vec<&RegionInfo> = self
            .regions
            .iter()
            .filter(|r| {
                r.level == level && r.key.indeling == indeling && r.key.code.is_within(&within)
            })
            .collect();
        out.sort_by_key(|r| r.key.code);
        out
    }

    /// The geometry layers (EPSG:28992).
    #[must_use]
    pub fn layers(&self) -> &[BoundaryLayer] {
        &self.layers
    }

    /// The geometry (EPSG:28992) of a region from the newest layer of a comparable indeling.
    #[must_use]
    pub fn geometry_rd(&self, key: &RegionKey) -> Option<&MultiPolygon<f64>> {
        self.geometry_layer_for(key)
            .and_then(|layer| layer.features.iter().find(|f| f.code == key.code))
            .map(|f| &f.geometry_rd)
    }

    /// The layer that holds the geometry of `key`: same level, the code present, and the
    /// layer's indeling comparable with the key's; the newest such layer wins.
    #[must_use]
    pub fn geometry_layer_for(&self, key: &RegionKey) -> Option<&BoundaryLayer> {
        self.layers
            .iter()
            .filter(|l| l.level == key.code.level())
            .filter(|l| {
                self.comparability
                    .same_region(key.code, key.indeling, l.indeling)
            })
            .filter(|l| l.features.iter().any(|f| f.code == key.code))
            .max_by_key(|l| (l.indeling == key.indeling, l.indeling))
    }

    /// Which indelingen may be joined on code.
    #[must_use]
    pub fn comparability(&self) -> &Comparability {
        &self.comparability
    }

    /// Whether wijk/buurt codes of `gemeente` mean the same areas in both indelingen.
    #[must_use]
    pub fn comparable(&self, gemeente: GemeenteCode, a: Indeling, b: Indeling) -> bool {
        self.comparability.comparable(gemeente, a, b)
    }

    /// Fingerprints of the files the atlas was built from.
    #[must_use]
    pub fn inputs(&self) -> &[InputFile] {
        &self.inputs
    }

    /// The validation report made while building.
    #[must_use]
    pub fn report(&self) -> &ValidationReport {
        &self.report
    }
}
