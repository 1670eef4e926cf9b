//! The profile of one region or user-defined area: every indicator with its benchmarks,
//! standing, uncertainty and trend, then the aandachtspunten and the composite scores.

use buurt_core::{Indicator, Kind, Level, MissingReason, Polarity, SourceTable, Theme, Unit};
use serde::{Deserialize, Serialize};

use buurt_atlas::{Atlas, CellIndex, GroupKey, index_of};

use super::aggregate::{Found, Subject, parent_value};
use super::bands::{Band, STABLE_CHANGE};
use super::harmonise::{Bridge, MIN_OWN_SHARE, SourceShare};
use super::standing;
use crate::stats::interpolate;
use crate::stats::interval::{Interval, poisson_exact, wilson};
use crate::stats::shrinkage::{AreaCount, eb_rates};
use crate::stats::trend::{Fit, fit, slopes_differ};

/// A region named in a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionRef {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The parents of the profiled region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parents {
    /// The wijk (for a buurt).
    pub wijk: Option<RegionRef>,
    /// The gemeente (for a buurt, wijk or area).
    pub gemeente: Option<RegionRef>,
}

/// What a profile of `level` is called: "Wijkprofiel" (the PDF's title; lower case, the name
/// its files are saved under).
#[must_use]
pub fn profile_title(level: Level) -> &'static str {
    match level {
        Level::Buurt => "Buurtprofiel",
        Level::Wijk => "Wijkprofiel",
        Level::Gemeente => "Gemeenteprofiel",
        Level::Land => "Profiel",
    }
}

/// The area a profile is compared with, by name: the gemeente, or Nederland on a gemeente's
/// own profile (what the aandachtspunten, sections, Markdown and PDF say).
pub(crate) fn benchmark_name(level: Level, parents: &Parents) -> &str {
    if level == Level::Gemeente {
        "Nederland"
    } else {
        parents
            .gemeente
            .as_ref()
            .map_or("de gemeente", |g| g.name.as_str())
    }
}

/// Benchmark values: the published parent rows, or the ratio of sums over the children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Benchmarks {
    /// The wijk.
    pub wijk: Option<f64>,
    /// The gemeente.
    pub gemeente: Option<f64>,
    /// Nederland.
    pub nl: Option<f64>,
}

/// One year of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesPoint {
    /// Year.
    pub year: u16,
    /// Value (null when missing).
    pub value: Option<f64>,
    /// Why it is missing.
    pub missing_reason: Option<MissingReason>,
    /// Whether this year's boundaries and definition are comparable with the profile's year;
    /// points that are not do not enter the trend.
    pub comparable: bool,
    /// Set when the value is not the region's own but carried over from an older indeling
    /// (the gemeente redrew its wijken or buurten since): how, and on how much of the area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harmonised: Option<HarmonisedPoint>,
}

/// How a point of a series was carried over from an older indeling to the profile's regions
/// (see [`crate::diagnose::harmonise`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HarmonisedPoint {
    /// The indeling the source values are on.
    pub from_indeling: u16,
    /// `extensive`, `intensive` or `population-weighted`.
    pub method: String,
    /// The population indicator of a population-weighted mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// Share of the region's area covered by the sources the value rests on (0–1).
    pub coverage: f64,
    /// The source regions, each with the share of this region's area it covers.
    pub sources: Vec<super::harmonise::SourceShare>,
}

/// The trend over the comparable years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trend {
    /// First year used.
    pub from_year: u16,
    /// Last year used.
    pub to_year: u16,
    /// Last − first.
    pub absolute_change: f64,
    /// (Last − first) / first.
    pub relative_change: Option<f64>,
    /// Least-squares slope per year.
    pub slope_per_year: f64,
    /// Its standard error (absent with two points).
    pub slope_se: Option<f64>,
    /// The gemeente's slope over the same years.
    pub gemeente_slope_per_year: Option<f64>,
    /// Whether the slope differs from the gemeente's beyond their uncertainty (absent when
    /// either lacks a standard error).
    pub differs_from_gemeente: Option<bool>,
    /// `stijgend`, `dalend` or `stabiel` (change under 5 %).
    pub direction: String,
    /// Why some years were left out (indeling or definition change).
    pub break_note: Option<String>,
}

/// One indicator in a profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorProfile {
    /// Indicator id.
    pub id: String,
    /// Dutch label.
    pub label: String,
    /// Theme.
    pub theme: Theme,
    /// Unit.
    pub unit: Unit,
    /// Polarity: which direction means more need (`context` for both a resource and a burden).
    pub polarity: Polarity,
    /// What kind of number it is: a `count` gets no index, band, z-score or rank.
    pub kind: Kind,
    /// The concept it measures; near-duplicates share one (see the catalogue).
    pub concept: String,
    /// Age group key.
    pub age_group: String,
    /// Shown by default (catalogue headline).
    pub headline: bool,
    /// Source dataset of the value.
    pub dataset: String,
    /// Year of the value.
    pub year: u16,
    /// Whether the value's release is provisional (CBS's first kwb release: some of its
    /// figures are not yet published and the others may still change).
    #[serde(default)]
    pub provisional: bool,
    /// The value; null when missing or suppressed.
    pub value: Option<f64>,
    /// Why it is missing.
    pub missing_reason: Option<MissingReason>,
    /// Benchmarks.
    pub benchmarks: Benchmarks,
    /// Index against the gemeente (gemeente = 100); against NL for a gemeente.
    pub index_gemeente: Option<f64>,
    /// z-score among the regions of the same level in the gemeente (NL for a gemeente).
    pub z_gemeente: Option<f64>,
    /// Percentile rank (0–100) among those regions.
    pub rank_gemeente: Option<f64>,
    /// z-score among all regions of the same level in the source (NL-wide where national).
    pub z_nl: Option<f64>,
    /// Percentile rank among those.
    pub rank_nl: Option<f64>,
    /// Band from `z_gemeente`.
    pub band: Option<Band>,
    /// 95 % interval for rates with a known numerator and denominator.
    pub interval: Option<Interval>,
    /// Whether the interval excludes the gemeente benchmark.
    pub significant: Option<bool>,
    /// Empirical-Bayes smoothed value (toward the gemeente), beside the raw one.
    pub eb_value: Option<f64>,
    /// What the uncertainty statement rests on.
    pub uncertainty: String,
    /// All years, comparable or not.
    pub series: Vec<SeriesPoint>,
    /// The trend over comparable years.
    pub trend: Option<Trend>,
}

impl IndicatorProfile {
    /// The label with the age group ("Mantelzorger (65+)"), so that two age groups of one
    /// indicator can be told apart.
    #[must_use]
    pub fn label_with_age(&self) -> String {
        match self.age_group.as_str() {
            "totaal" => self.label.clone(),
            age => format!("{} ({age})", self.label),
        }
    }
}

/// An indicator that needs attention, with a sentence a partner understands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aandachtspunt {
    /// Indicator id (the strongest of its concept).
    pub indicator: String,
    /// Its theme (section of the profile).
    pub theme: Theme,
    /// Its concept.
    pub concept: String,
    /// Ranking score (see `aandachtspunten` for the rules).
    pub score: f64,
    /// One Dutch sentence.
    pub text: String,
    /// Year of the value.
    pub year: u16,
    /// Source dataset of the value.
    pub dataset: String,
    /// The value.
    pub value: f64,
    /// The benchmark it is compared with (the gemeente; Nederland for a gemeente).
    pub benchmark: Option<f64>,
    /// What the benchmark is ("Utrecht", "Nederland").
    pub benchmark_name: String,
    /// Other indicators of the same concept that qualified too, weaker.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<String>,
}

/// One indicator's part in a composite score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    /// Indicator id.
    pub indicator: String,
    /// Its Dutch label with the age group ("Eenzaam (65+)").
    pub label: String,
    /// Weight used.
    pub weight: f64,
    /// The need-oriented z-score (positive = more need), clamped to ±3.
    pub need_z: f64,
    /// weight × need_z / Σ weights of the theme.
    pub contribution: f64,
}

/// The composite need score of one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThemeScore {
    /// Theme.
    pub theme: Theme,
    /// Weighted mean of the need z-scores (positive = more need than the comparison group).
    pub score: f64,
    /// The parts.
    pub contributions: Vec<Contribution>,
}

/// Composite scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scores {
    /// Mean of the theme scores that have data.
    pub overall: Option<f64>,
    /// Per theme.
    pub themes: Vec<ThemeScore>,
}

/// The diagnose of one region or area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    /// Code (for an area: `AREA`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Level (`wijk` for a user-defined area, which is compared like a wijk).
    pub level: Level,
    /// The indeling of the code.
    pub indeling: u16,
    /// Parents.
    pub parents: Parents,
    /// For an area: its buurten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buurten: Vec<String>,
    /// The year asked for (each indicator shows its latest year up to it).
    pub requested_year: Option<u16>,
    /// Indicators.
    pub indicators: Vec<IndicatorProfile>,
    /// Ranked aandachtspunten.
    pub aandachtspunten: Vec<Aandachtspunt>,
    /// Composite scores.
    pub scores: Scores,
    /// The wijkpact's sections: per theme a summary, its key figures and the figures known
    /// only for the whole gemeente.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Sources with values under this code only in an indeling where the code meant another
    /// area: left out of the profile, and said so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_comparable: Vec<IndelingNote>,
    /// Vergelijkbare regio's: the regions of the same level most like this one (none for an
    /// area of buurten).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<super::peers::Peers>,
}

/// Values left out because the code named another area in the source's indeling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndelingNote {
    /// The source's indeling.
    pub indeling: u16,
    /// The sources, as cited.
    pub sources: Vec<String>,
    /// One Dutch sentence for the reader.
    pub text: String,
}

/// One theme of the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    /// The theme.
    pub theme: Theme,
    /// Its Dutch heading.
    pub label: String,
    /// One or two sentences: the composite score and its drivers, the aandachtspunten, what is
    /// not yet published and what is known only for the gemeente.
    pub summary: String,
    /// The theme's composite need score (0 = as the benchmark, higher = more need).
    pub score: Option<f64>,
    /// The ids of the key figures shown in this section, in profile order.
    pub indicators: Vec<String>,
    /// Figures of this theme known only for the whole gemeente, not for this region.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gemeente_figures: Vec<GemeenteFigure>,
}

/// An indicator the source publishes only for the gemeente as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GemeenteFigure {
    /// Indicator id.
    pub id: String,
    /// Dutch label.
    pub label: String,
    /// Unit.
    pub unit: Unit,
    /// Kind of number.
    pub kind: Kind,
    /// Source dataset.
    pub dataset: String,
    /// Year.
    pub year: u16,
    /// The gemeente's value.
    pub value: f64,
    /// The gemeente.
    pub gemeente: RegionRef,
}

fn is_model_estimate(ind: &Indicator) -> bool {
    ind.sources
        .iter()
        .any(|s| matches!(s.table, SourceTable::Rivm50090 | SourceTable::Rivm50140))
}

/// Numerator and denominator counts of a rate in group `g` for the subject, if the source has them.
fn counts(
    engine: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    subject: &Subject,
    value: f64,
) -> Option<(f64, f64)> {
    let ind = &catalogue[usize::from(g.indicator)];
    let n_ix = index_of(catalogue, ind.numerator.as_ref())?;
    let k = subject
        .find(
            engine,
            catalogue,
            GroupKey {
                indicator: n_ix,
                ..g
            },
        )?
        .value;
    let n = match index_of(catalogue, ind.denominator.as_ref()) {
        Some(d) => {
            subject
                .find(engine, catalogue, GroupKey { indicator: d, ..g })?
                .value
        }
        // Only the rate and its numerator are published (jeugdzorg): the denominator follows.
        None if value > 0.0 => k * ind.scale / value,
        None => return None,
    };
    (k.is_finite() && n.is_finite() && n > 0.0).then_some((k, n))
}

fn interval_for(unit: Unit, k: f64, n: f64, scale: f64) -> Option<Interval> {
    match unit {
        Unit::Percent => wilson(k.min(n), n, scale),
        Unit::Per1000 => poisson_exact(k, n, scale),
        _ => None,
    }
}

/// EB-smoothed rate of a buurt or wijk toward its gemeente, from its siblings' counts.
fn eb_value(
    engine: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    level: Level,
    gemeente: Option<u32>,
    own: u32,
) -> Option<f64> {
    let ind = &catalogue[usize::from(g.indicator)];
    let mut areas = Vec::new();
    let mut own_pos = None;
    for c in engine.group(g) {
        let r = engine.cell_regions()[c];
        let v = engine.cell_values()[c];
        if !v.is_finite()
            || engine.region_key(r).code.level() != level
            || engine.parent_gemeente(r) != gemeente
        {
            continue;
        }
        let subject = Subject::Region {
            key: engine.region_key(r),
            keys: vec![r],
        };
        if let Some((k, n)) = counts(engine, catalogue, g, &subject, v) {
            if r == own {
                own_pos = Some(areas.len());
            }
            areas.push(AreaCount {
                events: k,
                population: n,
            });
        }
    }
    let pos = own_pos?;
    let rates = eb_rates(&areas);
    rates
        .get(pos)
        .filter(|v| v.is_finite())
        .map(|v| v * ind.scale)
}

/// Build the indicator part of a profile.
pub(crate) fn indicator_profiles(
    atlas: &Atlas,
    subject: &Subject,
    requested_year: Option<u16>,
    bridge: Option<(&Bridge<'_>, usize)>,
) -> Vec<IndicatorProfile> {
    let catalogue = atlas.catalogue().indicators();
    let engine = atlas.cells();
    let level = subject.level();
    // Once per profile, and only when some year would be carried over: whether the old
    // years' people lived where their area went.
    let unpeopled = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for (ix, ind) in catalogue.iter().enumerate() {
        let Ok(ix) = u16::try_from(ix) else { continue };
        // Every (dataset, year) group of this indicator that the subject has a value in.
        let mut found: Vec<(GroupKey, Found)> = Vec::new();
        for d in engine.dataset_ids() {
            for &year in engine.years(d, ix) {
                let g = GroupKey {
                    dataset: d,
                    indicator: ix,
                    year,
                };
                if let Some(f) = subject.find(engine, catalogue, g) {
                    found.push((g, f));
                }
            }
        }
        // "As of" the requested year: nothing later enters the value, series or trend.
        found.retain(|(g, _)| requested_year.is_none_or(|y| g.year <= y));
        if found.is_empty() {
            continue;
        }
        found.sort_by_key(|(g, _)| (g.year, g.dataset));
        let Some(&(g, current)) = standing::choose_year(
            &found,
            requested_year,
            |f| f.value.is_finite(),
            |f| f.missing != Some(MissingReason::NotPublished),
        ) else {
            continue;
        };
        let value = current.value.is_finite().then_some(current.value);
        let missing = if value.is_some() {
            None
        } else {
            current.missing.or(Some(MissingReason::Empty))
        };
        let anchor = current.anchor;
        let gemeente_ix = if level == Level::Gemeente {
            None
        } else {
            engine.parent_gemeente(anchor)
        };
        let benchmarks = Benchmarks {
            wijk: if matches!(subject, Subject::Region { .. }) {
                parent_value(engine, catalogue, g, engine.parent_wijk(anchor))
            } else {
                None
            },
            gemeente: parent_value(engine, catalogue, g, gemeente_ix),
            nl: engine
                .nederland(anchor)
                .and_then(|nl| engine.cell(g, nl))
                .map(|c| engine.cell_values()[c])
                .filter(|v| v.is_finite()),
        };
        let reference = if level == Level::Gemeente {
            benchmarks.nl
        } else {
            benchmarks.gemeente
        };
        // A missing value (NaN) stands nowhere.
        let parent = standing::comparison_parent(engine, level, anchor);
        let stand = standing::standing_of(
            engine,
            catalogue,
            g,
            level,
            current.value,
            parent,
            reference,
        );
        let (interval, significant, eb, uncertainty) = match value {
            Some(_) if is_model_estimate(ind) => (
                None,
                None,
                None,
                "modelschatting, geen marge beschikbaar".to_owned(),
            ),
            Some(x) => match counts(engine, catalogue, g, subject, x)
                .and_then(|(k, n)| interval_for(ind.unit, k, n, ind.scale))
            {
                Some(ci) => {
                    let eb = match subject {
                        Subject::Region { .. } if level != Level::Gemeente => eb_value(
                            engine,
                            catalogue,
                            g,
                            level,
                            engine.parent_gemeente(anchor),
                            current.anchor,
                        ),
                        _ => None,
                    };
                    let method = if ind.unit == Unit::Percent {
                        "Wilson"
                    } else {
                        "exact Poisson"
                    };
                    (
                        Some(ci),
                        reference.map(|r| ci.excludes(r)),
                        eb,
                        format!("95%-interval ({method}) op teller en noemer"),
                    )
                }
                None => (
                    None,
                    None,
                    None,
                    "geen marge: teller en noemer niet gepubliceerd".to_owned(),
                ),
            },
            None => (None, None, None, String::new()),
        };
        let (harmonised, not_carried) = match bridge {
            Some((b, target)) => match carried_points(b, target, ix, requested_year) {
                (points, _) if !points.is_empty() => {
                    match unpeopled.get_or_init(|| population_mismatch(b, target)) {
                        Some(note) => (Vec::new(), Some(note.clone())),
                        None => (points, None),
                    }
                }
                carried => carried,
            },
            None => Default::default(),
        };
        let (series, trend) = series_and_trend(
            engine,
            catalogue,
            subject,
            ind,
            &found,
            (&harmonised, not_carried.as_ref()),
            g.year,
            gemeente_ix,
            level,
        );
        out.push(IndicatorProfile {
            id: ind.id.clone(),
            label: ind.label_nl.clone(),
            theme: ind.theme,
            unit: ind.unit,
            polarity: ind.polarity,
            kind: ind.kind,
            concept: ind.concept.clone(),
            age_group: ind.age_group.as_str().to_owned(),
            headline: ind.headline,
            dataset: engine.datasets()[usize::from(g.dataset)].clone(),
            year: g.year,
            provisional: engine.is_provisional(g.dataset, g.year),
            value,
            missing_reason: missing,
            benchmarks,
            index_gemeente: stand.index,
            z_gemeente: stand.z_gemeente,
            rank_gemeente: stand.rank_gemeente,
            z_nl: stand.z_nl,
            rank_nl: stand.rank_nl,
            band: stand.band,
            interval,
            significant,
            eb_value: eb,
            uncertainty,
            series,
            trend,
        });
    }
    out
}

/// A year on an older indeling carried over to the profiled region.
#[derive(Debug, Clone)]
struct Carried {
    group: GroupKey,
    /// The gemeente region of the source values' indeling (the trend's benchmark).
    gemeente: Option<u32>,
    point: SeriesPoint,
}

/// Why the years of an older indeling are not carried over, as the trend's note says it.
#[derive(Debug, Clone)]
struct NotCarried(String);

/// Carried over by area, the region's inhabitants in the newest old year, against its own in
/// the first year of its indeling: more than twice apart, and the old years' people did not
/// live where their area went (Overig Almere Pampus holds 95 % of the old Pampus's area and
/// would get 422 inhabitants of it; it had 5). Then no year is carried over, whatever the
/// indicator: a rate of the old area's people is not this region's.
fn population_mismatch(bridge: &Bridge<'_>, target: usize) -> Option<NotCarried> {
    let atlas = bridge.atlas();
    let engine = atlas.cells();
    let inwoners = u16::try_from(atlas.catalogue().position("inwoners")?).ok()?;
    let old_year = bridge.years(inwoners).into_iter().max()?;
    let carried = bridge
        .carry(inwoners, old_year)?
        .estimates
        .get(target)?
        .value?;
    let code = *bridge.targets().get(target)?;
    let (own_year, own) = engine
        .cells_of(code, inwoners)
        .into_iter()
        .filter(|&(_, c)| {
            atlas
                .comparability()
                .same_region(code, bridge.to(), engine.cell_region(c).indeling)
        })
        .filter_map(|(g, c)| {
            let v = engine.cell_value(c).0;
            v.is_finite().then_some((g.year, v))
        })
        .filter(|(year, _)| *year > old_year)
        .min_by_key(|(year, _)| *year)?;
    let apart = if carried > 0.0 && own > 0.0 {
        (own / carried).max(carried / own)
    } else {
        f64::INFINITY
    };
    (apart > 2.0).then(|| {
        NotCarried(format!(
            "reeks breekt: tot en met {old_year} niet om te rekenen naar dit gebied (naar oppervlakte zouden hier {carried:.0} inwoners hebben gewoond, in {own_year} waren het er {own:.0}); niet omgerekend"
        ))
    })
}

/// Every year of indicator `ix` on the bridge's older indeling (up to the requested year),
/// carried over to target `target`; only years with a value, and only where at least
/// [`MIN_OWN_SHARE`] of what the sources describe lies in the target (the other years are
/// described by the [`Coarse`]).
fn carried_points(
    bridge: &Bridge<'_>,
    target: usize,
    ix: u16,
    requested_year: Option<u16>,
) -> (Vec<Carried>, Option<NotCarried>) {
    let engine = bridge.atlas().cells();
    let gemeente_code = bridge.within();
    // The newest year not carried over: its share and sources make the note.
    let mut coarse: Option<(u16, f64, Vec<String>)> = None;
    let carried = bridge
        .years(ix)
        .into_iter()
        .filter(|y| requested_year.is_none_or(|r| *y <= r))
        .filter_map(|year| {
            let c = bridge.carry(ix, year)?;
            let e = c.estimates.get(target)?;
            let value = e.value?;
            let used: Vec<usize> = e.sources.iter().map(|&(i, _)| i).collect();
            let own_share = bridge.overlaps().own_share(target, &used);
            if own_share < MIN_OWN_SHARE {
                if coarse.as_ref().is_none_or(|k| year >= k.0) {
                    let sources = e
                        .sources
                        .iter()
                        .map(|&(i, _)| bridge.sources()[i].to_string())
                        .collect();
                    coarse = Some((year, own_share, sources));
                }
                return None;
            }
            let group = GroupKey {
                dataset: c.dataset,
                indicator: ix,
                year,
            };
            let gemeente = engine
                .keys_of(gemeente_code)
                .iter()
                .filter_map(|k| engine.region_index(k))
                .find(|&r| engine.cell(group, r).is_some());
            Some(Carried {
                group,
                gemeente,
                point: SeriesPoint {
                    year,
                    value: Some(value),
                    missing_reason: None,
                    comparable: true,
                    harmonised: Some(HarmonisedPoint {
                        from_indeling: bridge.from().year(),
                        method: c.method.as_str().to_owned(),
                        weight: c.weight.clone(),
                        coverage: e.coverage,
                        sources: e
                            .sources
                            .iter()
                            .map(|&(i, share)| SourceShare {
                                code: bridge.sources()[i].to_string(),
                                share,
                            })
                            .collect(),
                    }),
                },
            })
        })
        .collect();
    let from = bridge.from().year();
    let note = coarse.map(|(year, own_share, sources)| {
        NotCarried(format!(
            "reeks breekt: tot en met {year} alleen bekend voor {} van de indeling {from} ({}), waarvan dit gebied {:.0} % is; niet omgerekend",
            if sources.len() == 1 {
                "een groter gebied"
            } else {
                "grotere gebieden"
            },
            sources.join(", "),
            own_share * 100.0
        ))
    });
    (carried, note)
}

#[allow(clippy::too_many_arguments)]
fn series_and_trend(
    engine: &CellIndex,
    catalogue: &[Indicator],
    subject: &Subject,
    ind: &Indicator,
    found: &[(GroupKey, Found)],
    (harmonised, not_carried): (&[Carried], Option<&NotCarried>),
    current_year: u16,
    gemeente_ix: Option<u32>,
    level: Level,
) -> (Vec<SeriesPoint>, Option<Trend>) {
    // One point per year (the first dataset wins).
    let mut series: Vec<SeriesPoint> = Vec::new();
    // Each point's group and the gemeente region its benchmark is read from.
    let mut groups: Vec<(GroupKey, Option<u32>)> = Vec::new();
    // Definition breaks: years before the last break at or before the current year do not count.
    let cutoff = ind
        .definition_breaks
        .iter()
        .copied()
        .filter(|b| *b <= current_year)
        .max();
    let mut break_note = cutoff.map(|b| format!("definitie gewijzigd in {b}"));
    for (g, f) in found {
        if series.iter().any(|p| p.year == g.year) {
            continue;
        }
        let comparable = cutoff.is_none_or(|b| g.year >= b);
        series.push(SeriesPoint {
            year: g.year,
            value: f.value.is_finite().then_some(f.value),
            missing_reason: if f.value.is_finite() { None } else { f.missing },
            comparable,
            harmonised: None,
        });
        groups.push((*g, gemeente_ix));
    }
    // Years on an older indeling, carried over to this region: the series goes on.
    for c in harmonised {
        if series.iter().any(|p| p.year == c.group.year) {
            continue;
        }
        series.push(c.point.clone());
        if let Some(last) = series.last_mut() {
            last.comparable = cutoff.is_none_or(|b| c.group.year >= b);
        }
        groups.push((c.group, c.gemeente));
    }
    let mut order: Vec<usize> = (0..series.len()).collect();
    order.sort_by_key(|&i| series[i].year);
    let series: Vec<SeriesPoint> = order.iter().map(|&i| series[i].clone()).collect();
    let groups: Vec<(GroupKey, Option<u32>)> = order.iter().map(|&i| groups[i]).collect();
    // For a region, keys of other indelingen were only included if comparable, so a region whose
    // code meant another area in earlier years has no points there of its own: say that the
    // series goes on over values carried over from the old indeling, or else that it breaks.
    if let Subject::Region { key, keys } = subject {
        let carried: Vec<&SeriesPoint> = series.iter().filter(|p| p.harmonised.is_some()).collect();
        let all_keys = engine.keys_of(key.code);
        let excluded: Vec<u16> = all_keys
            .iter()
            .filter(|k| !keys.iter().any(|r| engine.region_key(*r) == **k))
            .map(|k| k.indeling.year())
            .collect();
        let note = if let (Some(first), Some(last)) = (carried.first(), carried.last()) {
            let h = first.harmonised.as_ref().map_or(0, |h| h.from_indeling);
            let coverage = carried
                .iter()
                .filter_map(|p| p.harmonised.as_ref().map(|h| h.coverage))
                .fold(1.0_f64, f64::min);
            let method = first
                .harmonised
                .as_ref()
                .and_then(|h| interpolate::Method::from_key(&h.method))
                .map_or("", interpolate::Method::dutch);
            let years = if first.year == last.year {
                first.year.to_string()
            } else {
                format!("{}–{}", first.year, last.year)
            };
            Some(format!(
                "reeks loopt door: {years} omgerekend van de indeling {h} naar die van {} ({method}, dekking ten minste {:.0} %)",
                key.indeling.year(),
                coverage * 100.0
            ))
        } else if let Some(NotCarried(note)) = not_carried {
            // Say why the years before are not shown, rather than leave them out silently.
            Some(note.clone())
        } else if excluded.is_empty() {
            None
        } else {
            let years = excluded
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            Some(format!(
                "reeks breekt: de code had in indeling {years} een andere indeling van de gemeente"
            ))
        };
        if let Some(note) = note {
            // Keep a definition break too: it may cut the trend later than the indeling.
            break_note = Some(match break_note {
                Some(definition) => format!("{note}; {definition}"),
                None => note,
            });
        }
    }
    let points: Vec<(f64, f64)> = series
        .iter()
        .filter(|p| p.comparable)
        .filter_map(|p| p.value.map(|v| (f64::from(p.year), v)))
        .collect();
    let Some(fitted) = fit(&points) else {
        return (series, None);
    };
    let (first, last) = (points[0], points[points.len() - 1]);
    // The gemeente over the same years, from the same groups.
    let gemeente_fit: Option<Fit> =
        gemeente_ix
            .filter(|_| level != Level::Gemeente)
            .and_then(|gm| {
                let pts: Vec<(f64, f64)> = groups
                    .iter()
                    .zip(&series)
                    .filter(|(_, p)| p.comparable && p.value.is_some())
                    .filter_map(|((g, own_gm), _)| {
                        parent_value(engine, catalogue, *g, own_gm.or(Some(gm)))
                            .map(|v| (f64::from(g.year), v))
                    })
                    .collect();
                fit(&pts)
            });
    let relative = (first.1 != 0.0).then(|| (last.1 - first.1) / first.1.abs());
    let direction = match relative {
        Some(r) if r.abs() < STABLE_CHANGE => "stabiel",
        _ if last.1 > first.1 => "stijgend",
        _ if last.1 < first.1 => "dalend",
        _ => "stabiel",
    };
    let trend = Trend {
        from_year: first.0 as u16,
        to_year: last.0 as u16,
        absolute_change: last.1 - first.1,
        relative_change: relative,
        slope_per_year: fitted.slope_per_year,
        slope_se: fitted.slope_se,
        gemeente_slope_per_year: gemeente_fit.map(|f| f.slope_per_year),
        differs_from_gemeente: gemeente_fit
            .as_ref()
            .and_then(|gf| slopes_differ(&fitted, gf)),
        direction: direction.to_owned(),
        break_note,
    };
    (series, Some(trend))
}

#[cfg(test)]
mod tests {
    use buurt_atlas::{Atlas, Cell};
    use buurt_core::{Catalogue, Indeling, RegionKey};

    use super::*;
    use crate::diagnose::{Diagnose, Weights};

    const ID: &str = "eenzaam_65plus";

    /// A gemeente of five buurten in 2016 and 2020; BU00010105 stands out in 2020.
    fn atlas() -> Atlas {
        let key = |c: &str| RegionKey::new(c.parse().unwrap(), Indeling::new(2020));
        let cell = |c: &str, year, v| Cell::new("rivm_50090", key(c), ID, year, Some(v));
        let mut cells = vec![
            cell("NL01", 2016, 33.0),
            cell("NL01", 2020, 35.0),
            cell("GM0001", 2016, 32.0),
            cell("GM0001", 2020, 34.0),
        ];
        for (i, (v2016, v2020)) in [(30.0, 30.0), (30.0, 30.0), (31.0, 32.0), (30.0, 30.0)]
            .into_iter()
            .enumerate()
        {
            let code = format!("BU000101{:02}", i + 1);
            cells.push(cell(&code, 2016, v2016));
            cells.push(cell(&code, 2020, v2020));
        }
        cells.push(cell("BU00010105", 2016, 40.0));
        cells.push(cell("BU00010105", 2020, 50.0));
        Atlas::from_cells(Catalogue::builtin().unwrap(), cells).unwrap()
    }

    fn indicator<'p>(p: &'p Profile, id: &str) -> &'p IndicatorProfile {
        p.indicators.iter().find(|i| i.id == id).unwrap()
    }

    #[test]
    fn a_buurt_well_above_its_gemeente_is_an_aandachtspunt_with_its_trend() {
        let atlas = atlas();
        let p = Diagnose::new(&atlas).profile("BU00010105", None).unwrap();
        let i = indicator(&p, ID);
        assert_eq!((i.year, i.value), (2020, Some(50.0)));
        assert_eq!(i.benchmarks.gemeente, Some(34.0));
        assert_eq!(i.benchmarks.nl, Some(35.0));
        assert_eq!(i.band, Some(Band::WellAbove));
        assert_eq!(i.uncertainty, "modelschatting, geen marge beschikbaar");
        let trend = i.trend.as_ref().unwrap();
        assert_eq!((trend.from_year, trend.to_year), (2016, 2020));
        assert_eq!(trend.direction, "stijgend");
        assert!((trend.slope_per_year - 2.5).abs() < 1e-9);
        assert_eq!(trend.gemeente_slope_per_year, Some(0.5));
        // The one aandachtspunt: this indicator, in a sentence naming the gemeente.
        assert_eq!(p.aandachtspunten.len(), 1);
        let punt = &p.aandachtspunten[0];
        assert_eq!(punt.indicator, ID);
        assert!(punt.text.contains("GM0001"), "{}", punt.text);
        assert!(punt.text.ends_with('.'), "{}", punt.text);
        // A buurt at the gemeente's level raises none.
        let p = Diagnose::new(&atlas).profile("BU00010101", None).unwrap();
        assert!(p.aandachtspunten.is_empty(), "{:?}", p.aandachtspunten);
    }

    #[test]
    fn scores_are_weighted_need_z_and_weights_can_be_changed() {
        let atlas = atlas();
        let d = Diagnose::new(&atlas);
        let p = d.profile("BU00010105", None).unwrap();
        let z = indicator(&p, ID).z_gemeente.unwrap();
        let theme = p
            .scores
            .themes
            .iter()
            .find(|t| t.theme == Theme::Zorgbehoefte)
            .unwrap();
        let part = theme
            .contributions
            .iter()
            .find(|c| c.indicator == ID)
            .unwrap();
        // A concept weighs as one indicator, 2 for a headline one, whatever its age groups (here
        // only 65+); need_z is z (higher is need), clamped to 3, and shown to two decimals.
        assert!((part.weight - 2.0).abs() < 1e-12);
        assert!((part.need_z - (z.min(3.0) * 100.0).round() / 100.0).abs() < 1e-12);
        assert!((theme.score - part.need_z).abs() < 1e-12);
        assert_eq!(p.scores.overall, Some(theme.score));
        // Weight 0 leaves the indicator, and with it the theme, out.
        let p = d
            .profile_with("BU00010105", None, &Weights::default().with(ID, 0.0))
            .unwrap();
        assert!(
            p.scores
                .themes
                .iter()
                .all(|t| t.theme != Theme::Zorgbehoefte)
        );
        assert_eq!(p.scores.overall, None);
    }

    #[test]
    fn a_year_asked_for_shows_that_year_and_its_trend_stops_there() {
        let atlas = atlas();
        let p = Diagnose::new(&atlas)
            .profile("BU00010105", Some(2016))
            .unwrap();
        let i = indicator(&p, ID);
        assert_eq!((i.year, i.value), (2016, Some(40.0)));
        assert_eq!(i.benchmarks.gemeente, Some(32.0));
    }
}
