//! What a loader returns: observations in long form, the regions named in the file, and the
//! non-fatal problems found on the way.

use std::collections::BTreeMap;
use std::path::PathBuf;

use buurt_core::{
    AgeGroup, Indeling, Level, MissingReason, Region, RegionCode, SourceTable, Value,
};
use geo_types::MultiPolygon;
use serde::{Deserialize, Serialize};

/// One cell of an indicator table in long form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The region.
    pub region: RegionCode,
    /// The indeling the region code belongs to.
    pub indeling: Indeling,
    /// The year the value describes (peildatum or survey year).
    pub year: u16,
    /// Index of the indicator in the catalogue ([`buurt_core::Catalogue::indicators`]).
    pub indicator: u16,
    /// Population the value describes.
    pub age_group: AgeGroup,
    /// The number, or why it is missing.
    pub value: Value,
}

/// A non-fatal finding, reported by `buurt validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Where: file, with row/column/code where known.
    pub location: String,
    /// What was found and what buurt did about it.
    pub message: String,
}

/// An indicator table as loaded from one file (or one set of yearly files).
#[derive(Debug, Clone)]
pub struct TableDataset {
    /// Stable id, e.g. `cbs_kwb_utrecht_2024`.
    pub id: String,
    /// The source table kind (decides column naming in the catalogue).
    pub source: SourceTable,
    /// Files read.
    pub paths: Vec<PathBuf>,
    /// Regions named in the file, each with its indeling.
    pub regions: Vec<Region>,
    /// All catalogued cells.
    pub observations: Vec<Observation>,
    /// Data rows read.
    pub rows: usize,
    /// Columns in the file that the catalogue does not map (for the report).
    pub unmapped_columns: Vec<String>,
    /// Non-fatal findings.
    pub problems: Vec<Problem>,
}

impl TableDataset {
    /// Missing cells counted by reason.
    #[must_use]
    pub fn missing_by_reason(&self) -> BTreeMap<MissingReason, usize> {
        let mut out = BTreeMap::new();
        for obs in &self.observations {
            if let Value::Missing(reason) = obs.value {
                *out.entry(reason).or_insert(0) += 1;
            }
        }
        out
    }
}

/// One region's boundary, always in EPSG:28992 (RD New, metres).
#[derive(Debug, Clone, PartialEq)]
pub struct RegionShape {
    /// The region code.
    pub code: RegionCode,
    /// The name as published (trimmed).
    pub name: String,
    /// The boundary in RD New coordinates (metres).
    pub geometry_rd: MultiPolygon<f64>,
}

/// A layer of boundaries of one level in one indeling, as loaded from one file.
#[derive(Debug, Clone)]
pub struct BoundaryLayer {
    /// Stable id, e.g. `cartomap_utrecht_buurt_2024`.
    pub id: String,
    /// Files read.
    pub paths: Vec<PathBuf>,
    /// The classification year of the codes.
    pub indeling: Indeling,
    /// The level of every feature.
    pub level: Level,
    /// The features, in file order.
    pub features: Vec<RegionShape>,
    /// Non-fatal findings (repaired rings, dropped slivers).
    pub problems: Vec<Problem>,
    /// Polygon areas against the file's own area attribute, when it has one.
    pub area_check: Option<crate::area_check::AreaCheck>,
}
