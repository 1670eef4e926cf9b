//! The [`Atlas`]: every region per indeling, its geometry, and the one indexed value store
//! ([`CellIndex`]), read-only once opened.

use buurt_core::{Catalogue, GemeenteCode, Indeling, Level, RegionCode, RegionKey};
use buurt_io::BoundaryLayer;
use buurt_io::crs::PointWgs84;
use geo_types::MultiPolygon;
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

use crate::cells::{Cell, CellIndex};
use crate::comparability::Comparability;
use crate::error::Result;
use crate::inputs::InputFile;
use crate::report::ValidationReport;

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

impl RegionInfo {
    /// A region known only by its key (no name, geometry or dataset yet).
    #[must_use]
    pub fn bare(key: RegionKey) -> Self {
        Self {
            key,
            name: key.code.to_string(),
            level: key.code.level(),
            area_m2: None,
            centroid_wgs84: None,
            interior_point_wgs84: None,
            geometry_layer: None,
            datasets: Vec::new(),
        }
    }
}

/// The validated, read-only atlas: regions, geometries and the cell index.
///
/// Regions and cells share one numbering: region `i` of [`Atlas::regions`] is region `i` of
/// [`Atlas::cells`], in (code, indeling) order.
#[derive(Debug)]
pub struct Atlas {
    catalogue: Catalogue,
    regions: Vec<RegionInfo>,
    layers: Vec<BoundaryLayer>,
    cells: CellIndex,
    comparability: Comparability,
    report: ValidationReport,
    inputs: Vec<InputFile>,
}

impl Atlas {
    /// Put the parts together. The cell index must number exactly the regions given (see
    /// [`crate::cells_build::CellIndexBuilder::finish`]); a region with cells but no info gets
    /// a bare one.
    pub(crate) fn assemble(
        catalogue: Catalogue,
        regions: Vec<RegionInfo>,
        layers: Vec<BoundaryLayer>,
        cells: CellIndex,
        comparability: Comparability,
        report: ValidationReport,
        inputs: Vec<InputFile>,
    ) -> Self {
        let mut by_key: std::collections::HashMap<RegionKey, RegionInfo> =
            regions.into_iter().map(|r| (r.key, r)).collect();
        let regions = cells
            .region_keys()
            .iter()
            .map(|k| by_key.remove(k).unwrap_or_else(|| RegionInfo::bare(*k)))
            .collect();
        debug_assert!(by_key.is_empty(), "the cell index numbers every region");
        Self {
            catalogue,
            regions,
            layers,
            cells,
            comparability,
            report,
            inputs,
        }
    }

    /// An atlas of hand-made cells and no geometry, for tests and examples: every region of
    /// the cells is known by its code, and codes are comparable across indelingen.
    ///
    /// ```
    /// use buurt_atlas::{Atlas, Cell};
    /// use buurt_core::{Catalogue, Indeling, RegionKey};
    /// let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2020));
    /// let cell = |c: &str, v: f64| Cell::new("rivm", key(c), "eenzaam_65plus", 2020, Some(v));
    /// let atlas = Atlas::from_cells(
    ///     Catalogue::builtin()?,
    ///     [cell("GM0344", 45.0), cell("BU03440001", 50.0)],
    /// )?;
    /// assert_eq!(atlas.regions().len(), 2);
    /// assert_eq!(atlas.latest_indeling("BU03440001".parse()?), Some(Indeling::new(2020)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_cells(catalogue: Catalogue, cells: impl IntoIterator<Item = Cell>) -> Result<Self> {
        let mut builder = crate::cells_build::CellIndexBuilder::new(&catalogue);
        let mut comparability = Comparability::default();
        for c in cells {
            comparability.add(c.region.code, c.region.indeling);
            builder.push_cell(&c)?;
        }
        let index = builder.finish(std::iter::empty())?;
        Ok(Self::assemble(
            catalogue,
            Vec::new(),
            Vec::new(),
            index,
            comparability,
            ValidationReport::default(),
            Vec::new(),
        ))
    }

    /// The indicator catalogue the atlas was built with.
    #[must_use]
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The cell index: every value and missing reason, by (dataset, indicator, year) group
    /// and region.
    #[must_use]
    pub fn cells(&self) -> &CellIndex {
        &self.cells
    }

    /// The long table, one row per cell (dataset, region, level, indeling, year, indicator,
    /// age group, value, missing reason; see [`crate::columns`]), made now from the cells:
    /// for analysts and notebooks, and the Parquet cache.
    pub fn to_dataframe(&self) -> Result<DataFrame> {
        crate::long_table::long_table(&self.cells, &self.catalogue)
    }

    /// Every region in every indeling, in (code, indeling) order; the position is the region's
    /// number in [`Atlas::cells`].
    #[must_use]
    pub fn regions(&self) -> &[RegionInfo] {
        &self.regions
    }

    /// One region.
    #[must_use]
    pub fn region(&self, key: &RegionKey) -> Option<&RegionInfo> {
        self.cells
            .region_index(key)
            .map(|i| &self.regions[i as usize])
    }

    /// The region numbered `ix` (see [`CellIndex::region_index`]).
    #[must_use]
    pub fn region_at(&self, ix: u32) -> &RegionInfo {
        &self.regions[ix as usize]
    }

    /// The indelingen in which `code` exists, oldest first.
    #[must_use]
    pub fn indelingen_of(&self, code: RegionCode) -> Vec<Indeling> {
        self.cells
            .keys_of(code)
            .iter()
            .map(|k| k.indeling)
            .collect()
    }

    /// The newest indeling in which `code` exists.
    #[must_use]
    pub fn latest_indeling(&self, code: RegionCode) -> Option<Indeling> {
        self.cells.keys_of(code).last().map(|k| k.indeling)
    }

    /// Regions of `level` within `within` in `indeling`, in code order.
    #[must_use]
    pub fn regions_within(
        &self,
        within: RegionCode,
        level: Level,
        indeling: Indeling,
    ) -> Vec<&RegionInfo> {
        self.regions
            .iter()
            .filter(|r| {
                r.level == level && r.key.indeling == indeling && r.key.code.is_within(&within)
            })
            .collect()
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

    /// The layer that holds the geometry of `key`: the gemeente's drawing layer
    /// ([`Atlas::drawing_layers`]) when it holds the code for the same area; else a layer of the
    /// same level with the code whose indeling is comparable with the key's, the newest winning.
    #[must_use]
    pub fn geometry_layer_for(&self, key: &RegionKey) -> Option<&BoundaryLayer> {
        let level = key.code.level();
        let drawing = key
            .code
            .gemeente()
            .and_then(|g| self.drawing_layers(g, level))
            .map(|(drawing, _)| drawing)
            .filter(|l| {
                self.comparability
                    .same_region(key.code, key.indeling, l.indeling)
                    && l.features.iter().any(|f| f.code == key.code)
            });
        drawing.or_else(|| {
            self.layers
                .iter()
                .filter(|l| l.level == level)
                .filter(|l| {
                    self.comparability
                        .same_region(key.code, key.indeling, l.indeling)
                })
                .filter(|l| l.features.iter().any(|f| f.code == key.code))
                .max_by_key(|l| (l.indeling == key.indeling, l.indeling))
        })
    }
    /// The layers that draw `gemeente`'s regions of `level`: `(drawing, newest)`. `newest`
    /// holds them in the newest indeling; `drawing` is the layer maps and profiles draw, which
    /// is `newest` unless a comparable layer (the same codes for the same areas) draws them in
    /// clearly more detail, e.g. Utrecht's own 2013 polygons beside CBS's generalised 2024
    /// ones (9 301 against 244 vertices for 111 buurten).
    #[must_use]
    pub fn drawing_layers(
        &self,
        gemeente: GemeenteCode,
        level: Level,
    ) -> Option<(&BoundaryLayer, &BoundaryLayer)> {
        // More vertices per feature than this factor times the newest layer's: a drawing, not
        // a generalisation of the same lines.
        const DETAIL_FACTOR: f64 = 2.0;
        let holding: Vec<(&BoundaryLayer, f64)> = self
            .layers
            .iter()
            .filter(|l| l.level == level)
            .filter_map(|l| {
                let (features, vertices) = l
                    .features
                    .iter()
                    .filter(|f| f.code.gemeente() == Some(gemeente))
                    .fold((0usize, 0usize), |(n, v), f| {
                        (
                            n + 1,
                            v + f.geometry_rd.0.iter().map(polygon_vertices).sum::<usize>(),
                        )
                    });
                (features > 0).then(|| (l, vertices as f64 / features as f64))
            })
            .collect();
        // The last of equal indelingen, as the tiles always took it.
        let &(newest, density) = holding.iter().max_by_key(|(l, _)| l.indeling)?;
        let drawing = holding
            .iter()
            .filter(|(l, d)| {
                *d > DETAIL_FACTOR * density
                    && self.comparable(gemeente, l.indeling, newest.indeling)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(newest, |(l, _)| l);
        Some((drawing, newest))
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

    /// The region numbers of `code` in the indelingen that describe the same area as `key`
    /// (oldest first): the cells that belong to one region's series.
    #[must_use]
    pub fn comparable_regions(&self, key: RegionKey) -> Vec<u32> {
        self.cells
            .keys_of(key.code)
            .iter()
            .filter(|k| {
                self.comparability
                    .same_region(key.code, key.indeling, k.indeling)
            })
            .filter_map(|k| self.cells.region_index(k))
            .collect()
    }

    /// The indelingen in which `code` also exists but names another area than in `key`'s
    /// indeling (the gemeente redrew its wijken), oldest first, each with the datasets that
    /// have values under the code there: the values a profile must not join on code.
    #[must_use]
    pub fn not_comparable_sources(&self, key: RegionKey) -> Vec<(Indeling, Vec<String>)> {
        self.cells
            .keys_of(key.code)
            .iter()
            .filter(|k| {
                !self
                    .comparability
                    .same_region(key.code, key.indeling, k.indeling)
            })
            .filter_map(|k| {
                let info = self.region(k)?;
                (!info.datasets.is_empty()).then(|| (k.indeling, info.datasets.clone()))
            })
            .collect()
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

fn polygon_vertices(p: &geo_types::Polygon<f64>) -> usize {
    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
}
