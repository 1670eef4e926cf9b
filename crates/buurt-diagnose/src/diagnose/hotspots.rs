//! Hot spots: global and local Moran's I of one indicator in one year over the buurten or wijken
//! within a region, on queen contiguity of the atlas's polygons (see [`crate::stats::moran`] and
//! [`crate::stats::weights`]).
//!
//! A region without a value (suppressed, not published, …) or without a polygon is left out and
//! listed in [`Hotspots::left_out`]; the weights are built over the remaining regions only, so a
//! left-out region neither counts as a neighbour nor breaks the mean. Regions that then have no
//! neighbour are listed in [`Hotspots::islands`]: they keep a zero lag (as in esda) and are
//! never called significant.

use buurt_core::{Indeling, Level, MissingReason, RegionCode, RegionKey};
use geo_types::MultiPolygon;
use serde::Serialize;

use crate::atlas::Atlas;
use crate::error::{DiagnoseError, Result};
use crate::stats::moran::{self, Cluster, GlobalMoran};
use crate::stats::weights::{self, SpatialWeights};

/// The settings of a hot-spot analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HotspotOptions {
    /// Random permutations for the pseudo p-values (esda's default 999; 0: none).
    pub permutations: usize,
    /// Seed of the permutations: the same seed gives the same p-values.
    pub seed: u64,
    /// Significance level for the cluster labels.
    pub alpha: f64,
    /// Control the false discovery rate (Benjamini–Hochberg, as esda's `fdr`) instead of
    /// testing each region at `alpha`.
    pub fdr: bool,
    /// Snapping tolerance of the contiguity in metres (see [`weights::queen`]).
    pub tolerance_m: f64,
}

impl Default for HotspotOptions {
    fn default() -> Self {
        Self {
            permutations: 999,
            seed: 1,
            alpha: 0.05,
            fdr: false,
            tolerance_m: weights::DEFAULT_TOLERANCE_M,
        }
    }
}

/// One region's local Moran's I.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HotspotRegion {
    /// Region code.
    pub code: String,
    /// Region name.
    pub name: String,
    /// The indicator's value.
    pub value: f64,
    /// Local Moran's I (esda's `Is`).
    pub local_i: f64,
    /// `(I_i − mean) / sd` of its permutation distribution (esda's `z_sim`).
    pub z: Option<f64>,
    /// Conditional-permutation pseudo p-value (esda's `p_sim`); `None` for an island.
    pub p_value: Option<f64>,
    /// esda's quadrant: 1 high-high, 2 low-high, 3 low-low, 4 high-low.
    pub quadrant: u8,
    /// The cluster label.
    pub cluster: Cluster,
    /// Number of neighbours among the regions with a value.
    pub neighbours: usize,
}

/// A region of the area left out of the analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// Region code.
    pub code: String,
    /// Why its value is missing, when it is.
    pub missing: Option<MissingReason>,
    /// `no value`, `missing value` or `no geometry`.
    pub reason: &'static str,
}

/// Global and local Moran's I of an indicator over the regions within an area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hotspots {
    /// The area (a gemeente or wijk code, or NL00).
    pub within: String,
    /// The level of the regions.
    pub level: Level,
    /// The indicator id.
    pub indicator: String,
    /// The year of the values.
    pub year: u16,
    /// The dataset the values come from.
    pub dataset: String,
    /// The indeling (region classification) of the values.
    pub indeling: u16,
    /// The settings used.
    pub options: HotspotOptions,
    /// Global Moran's I.
    pub global: GlobalMoran,
    /// The p-value threshold the labels used: `alpha`, or the FDR threshold.
    pub threshold: f64,
    /// Per region with a value and a polygon, in code order.
    pub regions: Vec<HotspotRegion>,
    /// Codes of regions without neighbours among those analysed.
    pub islands: Vec<String>,
    /// Regions of the area that were left out.
    pub left_out: Vec<LeftOut>,
}

/// The regions an analysis runs on: values and polygons, and what was left out.
#[derive(Debug, Clone)]
pub struct HotspotInput<'a> {
    /// The dataset of the values.
    pub dataset: String,
    /// Their indeling.
    pub indeling: Indeling,
    /// The regions with a value and a polygon, in code order.
    pub keys: Vec<RegionKey>,
    /// Their values.
    pub values: Vec<f64>,
    /// Their polygons (EPSG:28992).
    pub polygons: Vec<&'a MultiPolygon<f64>>,
    /// The regions left out.
    pub left_out: Vec<LeftOut>,
}

/// The values and polygons of `indicator` in `year` for the regions of `level` within `within`.
/// Where several datasets carry the indicator in that year, the one with most values there wins.
pub fn hotspot_input<'a>(
    atlas: &'a Atlas,
    within: RegionCode,
    level: Level,
    indicator: &str,
    year: u16,
) -> Result<HotspotInput<'a>> {
    let catalogue = atlas.catalogue();
    let ind = catalogue
        .indicators()
        .iter()
        .position(|i| i.id == indicator)
        .ok_or_else(|| DiagnoseError::Parameter {
            name: "indicator",
            message: format!("unknown indicator '{indicator}'"),
        })? as u16;
    let cells = atlas.cells();
    // Per dataset: the cells of the area's regions of `level`.
    let mut best: Option<(u16, Vec<usize>, usize)> = None;
    for dataset in cells.dataset_ids() {
        let group = buurt_atlas::GroupKey {
            dataset,
            indicator: ind,
            year,
        };
        let in_area: Vec<usize> = cells
            .group(group)
            .filter(|&c| {
                let key = cells.cell_region(c);
                key.code.level() == level && key.code.is_within(&within)
            })
            .collect();
        let present = in_area
            .iter()
            .filter(|&&c| cells.cell_value(c).0.is_finite())
            .count();
        if present > best.as_ref().map_or(0, |b| b.2) {
            best = Some((dataset, in_area, present));
        }
    }
    let Some((dataset, in_area, _)) = best else {
        return Err(DiagnoseError::NoValues {
            indicator: indicator.to_owned(),
            year,
            within: within.to_string(),
            level,
        });
    };
    let indeling = cells.cell_region(in_area[0]).indeling;
    let mut input = HotspotInput {
        dataset: cells.datasets()[usize::from(dataset)].clone(),
        indeling,
        keys: Vec::new(),
        values: Vec::new(),
        polygons: Vec::new(),
        left_out: Vec::new(),
    };
    for &c in &in_area {
        let key = cells.cell_region(c);
        let (value, missing) = cells.cell_value(c);
        if !value.is_finite() {
            input.left_out.push(LeftOut {
                code: key.code.to_string(),
                missing,
                reason: "missing value",
            });
            continue;
        }
        let Some(polygon) = atlas.geometry_rd(&key) else {
            input.left_out.push(LeftOut {
                code: key.code.to_string(),
                missing: None,
                reason: "no geometry",
            });
            continue;
        };
        input.keys.push(key);
        input.values.push(value);
        input.polygons.push(polygon);
    }
    // Regions of the area in the same indeling that have no cell at all.
    let with_cell: std::collections::HashSet<RegionKey> =
        in_area.iter().map(|&c| cells.cell_region(c)).collect();
    for r in atlas.regions_within(within, level, indeling) {
        if !with_cell.contains(&r.key) {
            input.left_out.push(LeftOut {
                code: r.key.code.to_string(),
                missing: None,
                reason: "no value",
            });
        }
    }
    input.left_out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(input)
}

/// The newest year, up to `up_to` (any year when `None`), in which `indicator` has a published
/// value for some region of `level` within `within`: the year hot spots are computed for when
/// a map or a request names none, so that the map's clusters and `/api/v1/hotspots` agree.
///
/// # Errors
///
/// [`DiagnoseError::Parameter`] for an unknown indicator, [`DiagnoseError::NoYear`] when no
/// year up to `up_to` has a value there.
pub fn newest_year(
    atlas: &Atlas,
    within: RegionCode,
    level: Level,
    indicator: &str,
    up_to: Option<u16>,
) -> Result<u16> {
    let catalogue = atlas.catalogue();
    let ind = catalogue
        .position(indicator)
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| DiagnoseError::Parameter {
            name: "indicator",
            message: format!("unknown indicator '{indicator}'"),
        })?;
    let cells = atlas.cells();
    let mut years: Vec<(u16, u16)> = cells
        .dataset_ids()
        .flat_map(|d| cells.years(d, ind).iter().map(move |&y| (y, d)))
        .filter(|&(y, _)| up_to.is_none_or(|u| y <= u))
        .collect();
    // Newest first; the first year with a value within the area is the one.
    years.sort_unstable_by(|a, b| b.cmp(a));
    years
        .into_iter()
        .find(|&(year, dataset)| {
            let group = buurt_atlas::GroupKey {
                dataset,
                indicator: ind,
                year,
            };
            cells.level_cells(group, level).any(|c| {
                let (value, missing) = cells.cell_value(c);
                missing.is_none()
                    && value.is_finite()
                    && cells.cell_region(c).code.is_within(&within)
            })
        })
        .map(|(year, _)| year)
        .ok_or_else(|| DiagnoseError::NoYear {
            indicator: indicator.to_owned(),
            up_to,
            within: within.to_string(),
            level,
        })
}

/// Global and local Moran's I of `indicator` in `year` over the regions of `level` within
/// `within` (a gemeente, a wijk, or NL00 for the whole country).
pub fn hotspots(
    atlas: &Atlas,
    within: RegionCode,
    level: Level,
    indicator: &str,
    year: u16,
    options: HotspotOptions,
) -> Result<Hotspots> {
    if !(options.alpha > 0.0 && options.alpha < 1.0) {
        return Err(DiagnoseError::Parameter {
            name: "alpha",
            message: format!("{} is not between 0 and 1", options.alpha),
        });
    }
    if !(options.tolerance_m >= 0.0 && options.tolerance_m.is_finite()) {
        return Err(DiagnoseError::Parameter {
            name: "tolerance",
            message: format!("{} m is not a distance", options.tolerance_m),
        });
    }
    let input = hotspot_input(atlas, within, level, indicator, year)?;
    let w = weights::queen(&input.polygons, options.tolerance_m);
    let rw: SpatialWeights = w.row_standardised();
    let undefined = || DiagnoseError::Undefined {
        indicator: indicator.to_owned(),
        year,
        within: within.to_string(),
        regions: input.values.len(),
    };
    let global = moran::global(&input.values, &rw, options.permutations, options.seed)
        .ok_or_else(undefined)?;
    let local = moran::local(&input.values, &rw, options.permutations, options.seed)
        .ok_or_else(undefined)?;
    let threshold = if options.fdr {
        let ps: Vec<f64> = local.p_sim.iter().flatten().copied().collect();
        moran::fdr_threshold(&ps, options.alpha)
    } else {
        options.alpha
    };
    let labels = moran::clusters(&local, options.alpha, options.fdr);
    let regions: Vec<HotspotRegion> = (0..input.keys.len())
        .map(|i| {
            let key = input.keys[i];
            HotspotRegion {
                code: key.code.to_string(),
                name: atlas
                    .region(&key)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                value: input.values[i],
                local_i: local.is[i],
                z: local.z_sim[i],
                p_value: local.p_sim[i],
                quadrant: local.q[i],
                cluster: labels[i],
                neighbours: w.neighbours[i].len(),
            }
        })
        .collect();
    let islands: Vec<String> = w
        .islands()
        .into_iter()
        .map(|i| input.keys[i].code.to_string())
        .collect();
    if !islands.is_empty() {
        tracing::warn!(?islands, %within, "regions without neighbours in the hot-spot analysis");
    }
    tracing::info!(
        %within,
        indicator,
        year,
        regions = regions.len(),
        left_out = input.left_out.len(),
        moran_i = global.i,
        p_sim = ?global.p_sim,
        "hot spots computed"
    );
    Ok(Hotspots {
        within: within.to_string(),
        level,
        indicator: indicator.to_owned(),
        year,
        dataset: input.dataset,
        indeling: input.indeling.year(),
        options,
        global,
        threshold,
        regions,
        islands,
        left_out: input.left_out,
    })
}
