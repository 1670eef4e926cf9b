//! Harmonisation across indelingen: the values a gemeente's wijken or buurten had in an older
//! indeling, carried over to the regions of a newer one by areal interpolation of the atlas's
//! polygons ([`crate::stats::interpolate`], tobler's `area_interpolate`).
//!
//! Counts are split by area share (extensive); rates, percentages and means become
//! population-weighted means where the source year counts the population they are about (the
//! indicator's denominator, else its weight, else all inhabitants), and area-weighted means
//! where it does not. Every value names its method, the share of the target covered by the
//! sources it rests on, and those sources.
//!
//! Suppressed values: a target that sources without a value cover for more than
//! [`MAX_MISSING_SHARE`](crate::stats::interpolate::MAX_MISSING_SHARE) of its area gets no value
//! (its `missing_reason` is the reason of the largest such source), so a suppressed figure is
//! never replaced by a guess from its neighbours, nor does it leak into an estimate.
//!
//! The indelingen are compared per gemeente ([`buurt_atlas::Comparability`]): `from` stands for
//! every indeling whose codes mean the same areas (Almere's kwb rows of 2018–2021 are all on
//! the wijken of 2021), and the polygons are those the atlas draws for each side.

use buurt_core::{Aggregation, Indeling, Kind, Level, MissingReason, RegionCode, RegionKey};
use serde::{Deserialize, Serialize};

use crate::atlas::{Atlas, GroupKey};
use crate::error::{DiagnoseError, Result};
use crate::stats::interpolate::{self, Estimate, Gap, Method, Overlaps};

/// A profile carries a year over from an older indeling only when at least this share of what
/// its sources describe lies in the region ([`Overlaps::own_share`]). Almere split 7 wijken into
/// 70 in 2022: carried over, each new wijk's 2021 value was its old wijk's (own share 1–30 %),
/// and the trend from it to the wijk's own 2022 read as a rise or fall that was only the
/// difference between a stadsdeel and one of its wijken. `buurt harmonise` itself gives every
/// value with its overlaps, for whoever wants the interpolation as such.
pub const MIN_OWN_SHARE: f64 = 0.5;

/// What to harmonise.
#[derive(Debug, Clone, Copy)]
pub struct HarmoniseQuery<'a> {
    /// The indeling the values are on.
    pub from: u16,
    /// The indeling to carry them to.
    pub to: u16,
    /// The gemeente.
    pub within: RegionCode,
    /// Wijk or buurt.
    pub level: Level,
    /// One indicator id, or every indicator with values on `from`.
    pub indicator: Option<&'a str>,
    /// One year, or every year with values on `from`.
    pub year: Option<u16>,
}

/// A region of either side with its area.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionArea {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Polygon area in m² (EPSG:28992).
    pub area_m2: f64,
}

/// One source ∩ target intersection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverlapRow {
    /// Source code (`from` indeling).
    pub source: String,
    /// Target code (`to` indeling).
    pub target: String,
    /// Intersection area in m².
    pub area_m2: f64,
    /// Share of the target's area.
    pub share_of_target: f64,
    /// Share of the source's area.
    pub share_of_source: f64,
}

/// A source a harmonised value rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceShare {
    /// Source code.
    pub code: String,
    /// Share of the target's area it covers.
    pub share: f64,
}

/// One indicator in one year for one target region, carried over from the older indeling.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarmonisedValue {
    /// Target code (`to` indeling).
    pub code: String,
    /// Target name.
    pub name: String,
    /// Indicator id.
    pub indicator: String,
    /// Year of the source values.
    pub year: u16,
    /// Dataset of the source values.
    pub dataset: String,
    /// The harmonised value (null when it cannot be computed honestly).
    pub value: Option<f64>,
    /// Why it is missing: the largest missing source's reason, or `no_denominator` when the
    /// sources count no population.
    pub missing_reason: Option<MissingReason>,
    /// `no_source`, `missing_source` or `no_population` when missing.
    pub gap: Option<String>,
    /// How it was carried over.
    pub method: Method,
    /// The population indicator of a population-weighted mean.
    pub weight: Option<String>,
    /// Share of the target's area covered by the sources it rests on (0–1).
    pub coverage: f64,
    /// Share of the target's area covered by sources without a value (0–1).
    pub missing_share: f64,
    /// The sources it rests on.
    pub sources: Vec<SourceShare>,
}

/// The harmonisation of the regions of one level of a gemeente from one indeling to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Harmonisation {
    /// The gemeente.
    pub within: String,
    /// Wijk or buurt.
    pub level: Level,
    /// Source indeling.
    pub from_indeling: u16,
    /// Target indeling.
    pub to_indeling: u16,
    /// The geometry layers of the sources.
    pub source_layers: Vec<String>,
    /// The geometry layers of the targets.
    pub target_layers: Vec<String>,
    /// Source regions with a polygon.
    pub sources: Vec<RegionArea>,
    /// Target regions with a polygon.
    pub targets: Vec<RegionArea>,
    /// Source and target codes without a polygon (left out).
    pub without_geometry: Vec<String>,
    /// The intersection table.
    pub overlaps: Vec<OverlapRow>,
    /// Per indicator, year and target.
    pub values: Vec<HarmonisedValue>,
}

/// Per source: its value (`None` when missing or absent) and why it is missing.
pub type SourceValues = (Vec<Option<f64>>, Vec<Option<MissingReason>>);

/// The polygons of one gemeente's regions in two indelingen and their intersection table:
/// built once, then asked for any indicator and year of the older one.
#[derive(Debug)]
pub struct Bridge<'a> {
    atlas: &'a Atlas,
    gemeente: buurt_core::GemeenteCode,
    within: RegionCode,
    level: Level,
    from: Indeling,
    to: Indeling,
    source_codes: Vec<RegionCode>,
    target_codes: Vec<RegionCode>,
    source_layers: Vec<String>,
    target_layers: Vec<String>,
    without_geometry: Vec<String>,
    overlaps: Overlaps,
}

/// The values of one indicator in one year carried over to every target.
#[derive(Debug, Clone)]
pub struct Carried {
    /// Dataset of the source values.
    pub dataset: u16,
    /// Method.
    pub method: Method,
    /// Population indicator of a population-weighted mean.
    pub weight: Option<String>,
    /// Per target (in [`Bridge::targets`] order).
    pub estimates: Vec<Estimate>,
    /// Per target: the reason of the largest missing source, when it is missing for that.
    pub reasons: Vec<Option<MissingReason>>,
}

impl<'a> Bridge<'a> {
    /// The bridge from indeling `from` to `to` for the regions of `level` within the gemeente
    /// `within`.
    pub fn new(
        atlas: &'a Atlas,
        within: RegionCode,
        level: Level,
        from: u16,
        to: u16,
    ) -> Result<Self> {
        let RegionCode::Gemeente(gemeente) = within else {
            return Err(DiagnoseError::Parameter {
                name: "within",
                message: format!(
                    "{within} is not a gemeente; indelingen change per gemeente, so harmonise within one (GMxxxx)"
                ),
            });
        };
        if !matches!(level, Level::Wijk | Level::Buurt) {
            return Err(DiagnoseError::Parameter {
                name: "level",
                message: format!(
                    "{level} regions do not change between indelingen; use wijk or buurt"
                ),
            });
        }
        if from == to {
            return Err(DiagnoseError::Parameter {
                name: "to",
                message: format!("from and to are both {from}"),
            });
        }
        let (from, to) = (Indeling::new(from), Indeling::new(to));
        let comparability = atlas.comparability();
        // Every code of the level in an indeling comparable with `side`.
        let codes = |side: Indeling| -> Vec<RegionCode> {
            let mut codes: Vec<RegionCode> = atlas
                .regions()
                .iter()
                .filter(|r| {
                    r.level == level
                        && r.key.code.is_within(&within)
                        && (r.key.indeling == side
                            || (comparability.indelingen(gemeente).contains(&side)
                                && comparability.comparable(gemeente, r.key.indeling, side)))
                })
                .map(|r| r.key.code)
                .collect();
            codes.sort();
            codes.dedup();
            codes
        };
        let (all_sources, all_targets) = (codes(from), codes(to));
        for (codes, side, name) in [(&all_sources, from, "from"), (&all_targets, to, "to")] {
            if codes.is_empty() {
                return Err(DiagnoseError::Parameter {
                    name,
                    message: format!(
                        "the data hold no {} of indeling {} within {within}",
                        plural(level),
                        side.year()
                    ),
                });
            }
        }
        let mut without_geometry = Vec::new();
        let mut side = |codes: Vec<RegionCode>, indeling: Indeling| {
            let mut kept = Vec::new();
            let mut polygons = Vec::new();
            let mut layers: Vec<String> = Vec::new();
            for code in codes {
                let key = RegionKey::new(code, indeling);
                match (atlas.geometry_layer_for(&key), atlas.geometry_rd(&key)) {
                    (Some(layer), Some(polygon)) => {
                        if !layers.contains(&layer.id) {
                            layers.push(layer.id.clone());
                        }
                        kept.push(code);
                        polygons.push(polygon);
                    }
                    _ => without_geometry.push(code.to_string()),
                }
            }
            (kept, polygons, layers)
        };
        let (source_codes, source_polygons, source_layers) = side(all_sources, from);
        let (target_codes, target_polygons, target_layers) = side(all_targets, to);
        for (polygons, side, name) in [
            (&source_polygons, from, "from"),
            (&target_polygons, to, "to"),
        ] {
            if polygons.is_empty() {
                return Err(DiagnoseError::NoGeometry {
                    parameter: name,
                    level,
                    indeling: side.year(),
                    within: within.to_string(),
                });
            }
        }
        let overlaps = Overlaps::of_polygons(&source_polygons, &target_polygons);
        tracing::debug!(
            %within,
            from = from.year(),
            to = to.year(),
            sources = source_codes.len(),
            targets = target_codes.len(),
            intersections = overlaps.entries().len(),
            "harmonisation bridge built"
        );
        Ok(Self {
            atlas,
            gemeente,
            within,
            level,
            from,
            to,
            source_codes,
            target_codes,
            source_layers,
            target_layers,
            without_geometry,
            overlaps,
        })
    }

    /// The bridge a profile of `key` continues its series over: from the newest older
    /// indeling of its gemeente whose codes mean other areas, when the data have polygons of
    /// both sides. `None` for a gemeente (or Nederland) and where the indeling never changed.
    #[must_use]
    pub fn for_region(atlas: &'a Atlas, key: RegionKey) -> Option<Self> {
        let gemeente = key.code.gemeente()?;
        if !matches!(key.code.level(), Level::Wijk | Level::Buurt) {
            return None;
        }
        let from = atlas
            .comparability()
            .indelingen(gemeente)
            .into_iter()
            .filter(|i| *i < key.indeling && !atlas.comparable(gemeente, *i, key.indeling))
            .max()?;
        match Self::new(
            atlas,
            RegionCode::Gemeente(gemeente),
            key.code.level(),
            from.year(),
            key.indeling.year(),
        ) {
            Ok(bridge) => bridge.target_index(key.code).is_some().then_some(bridge),
            Err(e) => {
                tracing::debug!(code = %key.code, error = %e, "no harmonisation for the profile");
                None
            }
        }
    }

    /// The atlas it reads.
    #[must_use]
    pub fn atlas(&self) -> &'a Atlas {
        self.atlas
    }

    /// The gemeente.
    #[must_use]
    pub fn within(&self) -> RegionCode {
        self.within
    }

    /// The source codes, in the order of the overlap table's sources.
    #[must_use]
    pub fn sources(&self) -> &[RegionCode] {
        &self.source_codes
    }

    /// The source indeling.
    #[must_use]
    pub fn from(&self) -> Indeling {
        self.from
    }

    /// The target indeling.
    #[must_use]
    pub fn to(&self) -> Indeling {
        self.to
    }

    /// The target codes, in the order of [`Carried::estimates`].
    #[must_use]
    pub fn targets(&self) -> &[RegionCode] {
        &self.target_codes
    }

    /// The position of a target code.
    #[must_use]
    pub fn target_index(&self, code: RegionCode) -> Option<usize> {
        self.target_codes.binary_search(&code).ok()
    }

    /// The intersection table.
    #[must_use]
    pub fn overlaps(&self) -> &Overlaps {
        &self.overlaps
    }

    /// How an indicator is carried over: `None` for what does not interpolate (scores, codes).
    #[must_use]
    pub fn method_of(indicator: &buurt_core::Indicator) -> Option<Method> {
        if indicator.aggregation == Aggregation::None || indicator.kind == Kind::Score {
            return None;
        }
        Some(if indicator.kind == Kind::Count {
            Method::Extensive
        } else {
            Method::Intensive
        })
    }

    /// The cell of `code` in group `g`, on a key comparable with the source indeling.
    fn source_cell(&self, g: GroupKey, code: RegionCode) -> Option<usize> {
        let cells = self.atlas.cells();
        cells
            .keys_of(code)
            .iter()
            .filter(|k| {
                k.indeling == self.from
                    || self.atlas.comparable(self.gemeente, k.indeling, self.from)
            })
            .filter_map(|k| cells.region_index(k))
            .find_map(|r| cells.cell(g, r))
    }

    /// The source values of group `g`, in [`Bridge::sources`] order: per source its value
    /// (None when missing or absent) and the missing reason; `None` when no source has a cell.
    #[must_use]
    pub fn source_values(&self, g: GroupKey) -> Option<SourceValues> {
        let cells = self.atlas.cells();
        let mut any = false;
        let (values, reasons) = self
            .source_codes
            .iter()
            .map(|&code| match self.source_cell(g, code) {
                Some(c) => {
                    any = true;
                    let (v, reason) = cells.cell_value(c);
                    if v.is_finite() {
                        (Some(v), None)
                    } else {
                        (None, Some(reason.unwrap_or(MissingReason::Empty)))
                    }
                }
                None => (None, Some(MissingReason::Empty)),
            })
            .unzip();
        any.then_some((values, reasons))
    }

    /// The datasets with cells of `indicator` (catalogue position) in `year` among the sources,
    /// the one with most values first.
    fn datasets_for(&self, indicator: u16, year: u16) -> Vec<u16> {
        let cells = self.atlas.cells();
        let mut found: Vec<(usize, u16)> = cells
            .dataset_ids()
            .filter_map(|dataset| {
                let g = GroupKey {
                    dataset,
                    indicator,
                    year,
                };
                let (values, _) = self.source_values(g)?;
                Some((values.iter().flatten().count(), dataset))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        found.into_iter().map(|(_, d)| d).collect()
    }

    /// The years with source cells of `indicator` (catalogue position), ascending.
    #[must_use]
    pub fn years(&self, indicator: u16) -> Vec<u16> {
        let cells = self.atlas.cells();
        let mut years: Vec<u16> = cells
            .dataset_ids()
            .flat_map(|d| cells.years(d, indicator).iter().copied())
            .filter(|&year| !self.datasets_for(indicator, year).is_empty())
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// `indicator` (catalogue position) of `year` carried over to every target, from the
    /// dataset with most source values; `None` when the indicator does not interpolate or no
    /// source has it that year.
    #[must_use]
    pub fn carry(&self, indicator: u16, year: u16) -> Option<Carried> {
        let catalogue = self.atlas.catalogue().indicators();
        let ind = catalogue.get(usize::from(indicator))?;
        let method = Self::method_of(ind)?;
        let dataset = *self.datasets_for(indicator, year).first()?;
        let g = GroupKey {
            dataset,
            indicator,
            year,
        };
        let (values, reasons) = self.source_values(g)?;
        let (method, weight, estimates) = match method {
            Method::Extensive => (
                method,
                None,
                interpolate::extensive(&self.overlaps, &values),
            ),
            _ => match self.population(ind, dataset, year) {
                Some((id, population)) => (
                    Method::PopulationWeighted,
                    Some(id),
                    interpolate::population_weighted(&self.overlaps, &values, &population),
                ),
                None => (
                    Method::Intensive,
                    None,
                    interpolate::intensive(&self.overlaps, &values),
                ),
            },
        };
        let reasons = self.gap_reasons(&estimates, &reasons);
        Some(Carried {
            dataset,
            method,
            weight,
            estimates,
            reasons,
        })
    }

    /// The population a rate of `ind` is about, per source, from the same dataset and year:
    /// its denominator, else its weight, else all inhabitants; the first of which every source
    /// with a value of its own also has.
    fn population(
        &self,
        ind: &buurt_core::Indicator,
        dataset: u16,
        year: u16,
    ) -> Option<(String, Vec<Option<f64>>)> {
        let catalogue = self.atlas.catalogue();
        [
            ind.denominator.as_deref(),
            ind.weight.as_deref(),
            Some("inwoners"),
        ]
        .into_iter()
        .flatten()
        .filter(|id| *id != ind.id)
        .find_map(|id| {
            let ix = catalogue.indicators().iter().position(|i| i.id == id)?;
            let g = GroupKey {
                dataset,
                indicator: u16::try_from(ix).ok()?,
                year,
            };
            let (population, _) = self.source_values(g)?;
            population
                .iter()
                .any(Option::is_some)
                .then(|| (id.to_owned(), population))
        })
    }

    /// Per target: the reason its value is missing, from the source that leaves most out.
    fn gap_reasons(
        &self,
        estimates: &[Estimate],
        source_reasons: &[Option<MissingReason>],
    ) -> Vec<Option<MissingReason>> {
        estimates
            .iter()
            .enumerate()
            .map(|(j, e)| match e.gap? {
                Gap::NoPopulation => Some(MissingReason::NoDenominator),
                Gap::NoSource => None,
                Gap::MissingSource => self
                    .overlaps
                    .entries()
                    .iter()
                    .filter(|o| o.target == j && source_reasons[o.source].is_some())
                    .max_by(|a, b| a.area_m2.total_cmp(&b.area_m2))
                    .and_then(|o| source_reasons[o.source]),
            })
            .collect()
    }

    fn region_name(&self, code: RegionCode, indeling: Indeling) -> String {
        self.atlas
            .region(&RegionKey::new(code, indeling))
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    }

    /// The whole table for `query`'s indicators and years.
    fn harmonisation(&self, indicator: Option<&str>, year: Option<u16>) -> Result<Harmonisation> {
        let catalogue = self.atlas.catalogue().indicators();
        let wanted: Vec<u16> = match indicator {
            Some(id) => {
                let ix = catalogue.iter().position(|i| i.id == id).ok_or_else(|| {
                    DiagnoseError::Parameter {
                        name: "indicator",
                        message: format!("unknown indicator '{id}'"),
                    }
                })?;
                if Self::method_of(&catalogue[ix]).is_none() {
                    return Err(DiagnoseError::Parameter {
                        name: "indicator",
                        message: format!(
                            "{id} is a score or code, not a count or rate: it does not interpolate by area"
                        ),
                    });
                }
                vec![u16::try_from(ix).unwrap_or(u16::MAX)]
            }
            None => (0..catalogue.len())
                .filter_map(|i| u16::try_from(i).ok())
                .collect(),
        };
        let source_area = self.overlaps.source_area_m2();
        let target_area = self.overlaps.target_area_m2();
        let mut values = Vec::new();
        for ix in wanted {
            let id = &catalogue[usize::from(ix)].id;
            for y in self.years(ix) {
                if year.is_some_and(|want| want != y) {
                    continue;
                }
                let Some(carried) = self.carry(ix, y) else {
                    continue;
                };
                let dataset = self.atlas.cells().datasets()[usize::from(carried.dataset)].clone();
                for (j, e) in carried.estimates.iter().enumerate() {
                    let code = self.target_codes[j];
                    values.push(HarmonisedValue {
                        code: code.to_string(),
                        name: self.region_name(code, self.to),
                        indicator: id.clone(),
                        year: y,
                        dataset: dataset.clone(),
                        value: e.value,
                        missing_reason: carried.reasons[j],
                        gap: e.gap.map(|g| gap_key(g).to_owned()),
                        method: carried.method,
                        weight: carried.weight.clone(),
                        coverage: e.coverage,
                        missing_share: e.missing_share,
                        sources: e
                            .sources
                            .iter()
                            .map(|&(i, share)| SourceShare {
                                code: self.source_codes[i].to_string(),
                                share,
                            })
                            .collect(),
                    });
                }
            }
        }
        if values.is_empty() {
            return Err(DiagnoseError::Parameter {
                name: if indicator.is_some() {
                    "indicator"
                } else {
                    "from"
                },
                message: format!(
                    "no values{}{} on the {} of indeling {} within {}",
                    indicator.map(|i| format!(" of {i}")).unwrap_or_default(),
                    year.map(|y| format!(" in {y}")).unwrap_or_default(),
                    plural(self.level),
                    self.from.year(),
                    self.within
                ),
            });
        }
        Ok(Harmonisation {
            within: self.within.to_string(),
            level: self.level,
            from_indeling: self.from.year(),
            to_indeling: self.to.year(),
            source_layers: self.source_layers.clone(),
            target_layers: self.target_layers.clone(),
            sources: self
                .source_codes
                .iter()
                .zip(source_area)
                .map(|(c, a)| RegionArea {
                    code: c.to_string(),
                    name: self.region_name(*c, self.from),
                    area_m2: *a,
                })
                .collect(),
            targets: self
                .target_codes
                .iter()
                .zip(target_area)
                .map(|(c, a)| RegionArea {
                    code: c.to_string(),
                    name: self.region_name(*c, self.to),
                    area_m2: *a,
                })
                .collect(),
            without_geometry: self.without_geometry.clone(),
            overlaps: self
                .overlaps
                .entries()
                .iter()
                .map(|o| OverlapRow {
                    source: self.source_codes[o.source].to_string(),
                    target: self.target_codes[o.target].to_string(),
                    area_m2: o.area_m2,
                    share_of_target: o.area_m2 / target_area[o.target],
                    share_of_source: o.area_m2 / source_area[o.source],
                })
                .collect(),
            values,
        })
    }
}

/// The snake_case key of a gap.
#[must_use]
pub fn gap_key(gap: Gap) -> &'static str {
    match gap {
        Gap::NoSource => "no_source",
        Gap::MissingSource => "missing_source",
        Gap::NoPopulation => "no_population",
    }
}

fn plural(level: Level) -> &'static str {
    match level {
        Level::Buurt => "buurten",
        Level::Wijk => "wijken",
        Level::Gemeente => "gemeenten",
        Level::Land => "landen",
    }
}

/// The values of the regions of `query.level` within the gemeente `query.within` on indeling
/// `query.from`, carried over to the regions of indeling `query.to`.
pub fn harmonise(atlas: &Atlas, query: &HarmoniseQuery<'_>) -> Result<Harmonisation> {
    let bridge = Bridge::new(atlas, query.within, query.level, query.from, query.to)?;
    let h = bridge.harmonisation(query.indicator, query.year)?;
    tracing::info!(
        within = %query.within,
        from = query.from,
        to = query.to,
        values = h.values.len(),
        computed = h.values.iter().filter(|v| v.value.is_some()).count(),
        "harmonised"
    );
    Ok(h)
}
