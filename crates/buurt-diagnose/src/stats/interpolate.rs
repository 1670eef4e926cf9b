//! Areal interpolation from one set of polygons (sources) to another (targets), as PySAL's
//! tobler defines it in `area_interpolate` (tobler 0.13, default `allocate_total=True`).
//!
//! Everything rests on the table of intersection areas `a_ij` (source `i` ∩ target `j`, m² in
//! EPSG:28992), [`Overlaps`]:
//!
//! - **extensive** (counts): `v_j = Σ_i v_i · a_ij / Σ_k a_ik`. tobler divides by the part of
//!   the source that targets cover (`allocate_total=True`), not by the source's own area, so a
//!   source's whole count is handed out even where the targets do not cover all of it (two
//!   generalised vintages never match exactly at the outline).
//! - **intensive** (rates, percentages, means): `v_j = Σ_i v_i · a_ij / Σ_k a_kj`: the mean
//!   over the part of the target that sources cover, weighted by area. Target area outside every
//!   source does not dilute the value; [`Estimate::coverage`] says how much of the target
//!   the value rests on.
//! - **population-weighted** (intensive, where the source year counts the population the rate
//!   is about): `v_j = Σ_i v_i · p_i·a_ij/Σ_k a_ik / Σ_i p_i·a_ij/Σ_k a_ik`, i.e. tobler's
//!   extensive interpolation of `v·p` divided by that of `p`: each source's people are spread
//!   over its area and the rate follows them. With the rate's own denominator as `p` this is
//!   exactly the ratio of the interpolated numerator and denominator.
//!
//! Where buurt departs from tobler, and why:
//!
//! - tobler fills a missing source value with 0 and gives a target that no
//!   source touches 0. A suppressed value is not zero, so here a target is computed only when
//!   the sources with a missing value cover at most [`MAX_MISSING_SHARE`] of it (slivers where
//!   two independently generalised boundaries disagree); then the value rests on the other
//!   sources alone (the intensive means renormalise over them) and the share left out is
//!   reported in [`Estimate::missing_share`]. Above it, or with no source at all, the target
//!   has no value ([`Gap`]). A suppressed value therefore never enters any estimate.
//! - In the population-weighted method a source without inhabitants (`p_i = 0`) carries no
//!   weight, so its missing rate (CBS publishes none for an empty area) leaves nothing out.
//! - tobler stores the table as 32-bit floats; here it is 64-bit, so the two agree to about
//!   1e-7 relative, not to the last bit.
//!
//! The hand-made case of the tests, in numbers:
//!
//! ```
//! use buurt_diagnose::stats::interpolate::{Overlap, Overlaps, extensive, intensive};
//! // Two unit squares; the left one lies half in each of two targets.
//! let overlaps = Overlaps::from_areas(
//!     vec![1.0, 1.0],
//!     vec![1.0, 1.0],
//!     vec![Overlap::new(0, 0, 0.5), Overlap::new(0, 1, 0.5), Overlap::new(1, 1, 0.5)],
//! );
//! let counts = extensive(&overlaps, &[Some(100.0), Some(40.0)]);
//! assert_eq!(counts[0].value, Some(50.0));
//! assert_eq!(counts[1].value, Some(90.0)); // 50 + all of the right square's 40
//! let rates = intensive(&overlaps, &[Some(10.0), Some(20.0)]);
//! assert_eq!(rates[1].value, Some(15.0));
//! assert_eq!(rates[1].coverage, 1.0);
//! ```

use geo::{Area, BooleanOps, BoundingRect};
use geo_types::{MultiPolygon, Rect};
use serde::Serialize;

/// Above this share of a target's area covered by sources without a value, the target gets no
/// value. One per cent absorbs the slivers of two independent generalisations (Almere's 2021
/// and 2022 wijken disagree by up to a few hectares along shared lines) and no more.
pub const MAX_MISSING_SHARE: f64 = 0.01;

/// The area of one source ∩ target intersection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Overlap {
    /// The source's position.
    pub source: usize,
    /// The target's position.
    pub target: usize,
    /// The intersection's area in m² (EPSG:28992).
    pub area_m2: f64,
}

impl Overlap {
    /// One intersection.
    #[must_use]
    pub fn new(source: usize, target: usize, area_m2: f64) -> Self {
        Self {
            source,
            target,
            area_m2,
        }
    }
}

/// The intersection-area table of sources and targets, with their own areas.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlaps {
    source_area_m2: Vec<f64>,
    target_area_m2: Vec<f64>,
    /// Intersections with a positive area, by (source, target).
    entries: Vec<Overlap>,
}

impl Overlaps {
    /// The table of polygons in EPSG:28992: every source against every target whose bounding
    /// box meets its own, intersected with geo's `BooleanOps`.
    #[must_use]
    pub fn of_polygons(sources: &[&MultiPolygon<f64>], targets: &[&MultiPolygon<f64>]) -> Self {
        let boxes = |ps: &[&MultiPolygon<f64>]| -> Vec<Option<Rect<f64>>> {
            ps.iter().map(|p| p.bounding_rect()).collect()
        };
        let (source_boxes, target_boxes) = (boxes(sources), boxes(targets));
        let mut entries = Vec::new();
        for (i, (s, sb)) in sources.iter().zip(&source_boxes).enumerate() {
            let Some(sb) = sb else { continue };
            for (j, (t, tb)) in targets.iter().zip(&target_boxes).enumerate() {
                let Some(tb) = tb else { continue };
                if !boxes_meet(sb, tb) {
                    continue;
                }
                let area_m2 = s.intersection(*t).unsigned_area();
                if area_m2 > 0.0 {
                    entries.push(Overlap::new(i, j, area_m2));
                }
            }
        }
        Self {
            source_area_m2: sources.iter().map(|p| p.unsigned_area()).collect(),
            target_area_m2: targets.iter().map(|p| p.unsigned_area()).collect(),
            entries,
        }
    }

    /// A table from known areas (hand-made cases, or a table computed elsewhere). Entries
    /// without a positive area, or naming a source or target that is not there, are dropped.
    #[must_use]
    pub fn from_areas(
        source_area_m2: Vec<f64>,
        target_area_m2: Vec<f64>,
        mut entries: Vec<Overlap>,
    ) -> Self {
        entries.retain(|e| {
            e.area_m2 > 0.0 && e.source < source_area_m2.len() && e.target < target_area_m2.len()
        });
        entries.sort_by_key(|e| (e.source, e.target));
        Self {
            source_area_m2,
            target_area_m2,
            entries,
        }
    }

    /// The intersections with a positive area, by (source, target).
    #[must_use]
    pub fn entries(&self) -> &[Overlap] {
        &self.entries
    }

    /// Each source's own area (m²).
    #[must_use]
    pub fn source_area_m2(&self) -> &[f64] {
        &self.source_area_m2
    }

    /// Each target's own area (m²).
    #[must_use]
    pub fn target_area_m2(&self) -> &[f64] {
        &self.target_area_m2
    }

    /// Per source: the part of it that targets cover, `Σ_k a_ik` (tobler's denominator of the
    /// extensive weights).
    #[must_use]
    pub fn source_allocated_m2(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.source_area_m2.len()];
        for e in &self.entries {
            out[e.source] += e.area_m2;
        }
        out
    }

    /// How much of what `sources` describe lies in `target`: per source, the share of its own
    /// area inside the target, `a_ij / a_i`, averaged with the source's share of the target,
    /// `a_ij / a_j`, as weight (the sources of an [`Estimate`]). 1 when the target is made of
    /// whole sources (a merger); small when it is a piece of a larger source (a split), whose
    /// value then describes mostly the rest of that source. 0 without sources.
    #[must_use]
    pub fn own_share(&self, target: usize, sources: &[usize]) -> f64 {
        let (mut sum, mut weights) = (0.0, 0.0);
        for e in self
            .entries
            .iter()
            .filter(|e| e.target == target && sources.contains(&e.source))
        {
            let (Some(&source_m2), Some(&target_m2)) = (
                self.source_area_m2.get(e.source),
                self.target_area_m2.get(target),
            ) else {
                continue;
            };
            if source_m2 > 0.0 && target_m2 > 0.0 {
                let weight = e.area_m2 / target_m2;
                sum += weight * (e.area_m2 / source_m2).min(1.0);
                weights += weight;
            }
        }
        if weights > 0.0 { sum / weights } else { 0.0 }
    }

    /// Per target: the part of it that sources cover, `Σ_i a_ij`.
    #[must_use]
    pub fn target_covered_m2(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.target_area_m2.len()];
        for e in &self.entries {
            out[e.target] += e.area_m2;
        }
        out
    }
}

fn boxes_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// How a value is carried from sources to targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Method {
    /// A count, split by area share.
    Extensive,
    /// A rate or mean, as the area-weighted mean over the covered part of the target.
    Intensive,
    /// A rate or mean, weighted by the population the source year counts, spread by area.
    PopulationWeighted,
}

impl Method {
    /// The kebab-case key (`extensive`, `intensive`, `population-weighted`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Extensive => "extensive",
            Method::Intensive => "intensive",
            Method::PopulationWeighted => "population-weighted",
        }
    }

    /// The method of a key of [`Method::as_str`].
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        [
            Method::Extensive,
            Method::Intensive,
            Method::PopulationWeighted,
        ]
        .into_iter()
        .find(|m| m.as_str() == key)
    }

    /// In Dutch, for profiles ("oppervlaktegewogen", …).
    #[must_use]
    pub fn dutch(self) -> &'static str {
        match self {
            Method::Extensive => "naar oppervlakteaandeel verdeeld",
            Method::Intensive => "oppervlaktegewogen",
            Method::PopulationWeighted => "bevolkingsgewogen",
        }
    }
}

/// Why a target has no estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gap {
    /// No source overlaps it.
    NoSource,
    /// Sources without a value cover more than [`MAX_MISSING_SHARE`] of it.
    MissingSource,
    /// Population-weighted: the sources that cover it count no inhabitants.
    NoPopulation,
}

/// One target's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The value, or `None` (see `gap`).
    pub value: Option<f64>,
    /// Why there is no value.
    pub gap: Option<Gap>,
    /// Share of the target's area covered by the sources the value rests on (0–1).
    pub coverage: f64,
    /// Share of the target's area covered by sources without a value (0–1).
    pub missing_share: f64,
    /// The sources the value rests on, each with the share of the target's area it covers.
    pub sources: Vec<(usize, f64)>,
}

/// What one source brings to the estimates.
#[derive(Clone, Copy)]
enum Part {
    /// Its value and the factor its intersection areas are multiplied by.
    Value { value: f64, factor: f64 },
    /// It covers area but carries no weight (no inhabitants).
    Empty,
    /// Its value is missing.
    Missing,
}

/// Extensive interpolation (counts): see the module docs.
#[must_use]
pub fn extensive(overlaps: &Overlaps, values: &[Option<f64>]) -> Vec<Estimate> {
    let allocated = overlaps.source_allocated_m2();
    let parts: Vec<Part> = (0..overlaps.source_area_m2.len())
        .map(|i| match values.get(i).copied().flatten() {
            Some(v) if v.is_finite() => Part::Value {
                value: v,
                factor: 1.0 / allocated[i],
            },
            _ => Part::Missing,
        })
        .collect();
    combine(overlaps, &parts, false)
}

/// Intensive interpolation (rates, percentages, means) weighted by area: see the module docs.
#[must_use]
pub fn intensive(overlaps: &Overlaps, values: &[Option<f64>]) -> Vec<Estimate> {
    let parts: Vec<Part> = (0..overlaps.source_area_m2.len())
        .map(|i| match values.get(i).copied().flatten() {
            Some(v) if v.is_finite() => Part::Value {
                value: v,
                factor: 1.0,
            },
            _ => Part::Missing,
        })
        .collect();
    combine(overlaps, &parts, true)
}

/// Intensive interpolation weighted by population spread over area: see the module docs. A
/// source whose population is missing counts as a missing source; one with population 0 as
/// covered and weightless.
#[must_use]
pub fn population_weighted(
    overlaps: &Overlaps,
    values: &[Option<f64>],
    population: &[Option<f64>],
) -> Vec<Estimate> {
    let allocated = overlaps.source_allocated_m2();
    let parts: Vec<Part> = (0..overlaps.source_area_m2.len())
        .map(|i| {
            let p = population
                .get(i)
                .copied()
                .flatten()
                .filter(|p| p.is_finite() && *p >= 0.0);
            match (
                values.get(i).copied().flatten().filter(|v| v.is_finite()),
                p,
            ) {
                (_, Some(0.0)) => Part::Empty,
                (Some(value), Some(p)) => Part::Value {
                    value,
                    factor: p / allocated[i],
                },
                _ => Part::Missing,
            }
        })
        .collect();
    combine(overlaps, &parts, true)
}

/// `Σ_i v_i · factor_i · a_ij` per target, divided by `Σ_i factor_i · a_ij` when `mean`.
fn combine(overlaps: &Overlaps, parts: &[Part], mean: bool) -> Vec<Estimate> {
    let n = overlaps.target_area_m2.len();
    let mut sum = vec![0.0; n];
    let mut weight = vec![0.0; n];
    let mut used_m2 = vec![0.0; n];
    let mut missing_m2 = vec![0.0; n];
    let mut sources: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for e in &overlaps.entries {
        let j = e.target;
        let share = share(e.area_m2, overlaps.target_area_m2[j]);
        match parts[e.source] {
            Part::Value { value, factor } => {
                sum[j] += value * factor * e.area_m2;
                weight[j] += factor * e.area_m2;
                used_m2[j] += e.area_m2;
                sources[j].push((e.source, share));
            }
            Part::Empty => {
                used_m2[j] += e.area_m2;
                sources[j].push((e.source, share));
            }
            Part::Missing => missing_m2[j] += e.area_m2,
        }
    }
    (0..n)
        .map(|j| {
            let area = overlaps.target_area_m2[j];
            let coverage = share(used_m2[j], area);
            let missing_share = share(missing_m2[j], area);
            let gap = if used_m2[j] <= 0.0 && missing_m2[j] <= 0.0 {
                Some(Gap::NoSource)
            } else if missing_share > MAX_MISSING_SHARE || used_m2[j] <= 0.0 {
                Some(Gap::MissingSource)
            } else if mean && weight[j] <= 0.0 {
                Some(Gap::NoPopulation)
            } else {
                None
            };
            let value = match gap {
                Some(_) => None,
                None if mean => Some(sum[j] / weight[j]),
                None => Some(sum[j]),
            };
            Estimate {
                value,
                gap,
                coverage,
                missing_share,
                sources: if gap.is_none() {
                    std::mem::take(&mut sources[j])
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole).min(1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use geo_types::{MultiPolygon, Rect};

    use super::*;

    /// A merger keeps all of its sources (1), a split piece little of its one (its share of
    /// it), and a target of a whole source and half of another lies between.
    #[test]
    fn own_share_tells_a_merger_from_a_split() {
        // Sources 0 and 1 of 10 m² each; target 0 is both (a merger), target 1 a tenth of
        // source 2 (100 m²), target 2 all of source 3 (10 m²) and half of source 4 (20 m²).
        let overlaps = Overlaps::from_areas(
            vec![10.0, 10.0, 100.0, 10.0, 20.0],
            vec![20.0, 10.0, 20.0],
            vec![
                Overlap::new(0, 0, 10.0),
                Overlap::new(1, 0, 10.0),
                Overlap::new(2, 1, 10.0),
                Overlap::new(3, 2, 10.0),
                Overlap::new(4, 2, 10.0),
            ],
        );
        assert!((overlaps.own_share(0, &[0, 1]) - 1.0).abs() < 1e-12);
        assert!((overlaps.own_share(1, &[2]) - 0.1).abs() < 1e-12);
        // Half the target from a source wholly in it, half from one half in it.
        assert!((overlaps.own_share(2, &[3, 4]) - 0.75).abs() < 1e-12);
        // Only the sources named count; none: nothing of it is known.
        assert!((overlaps.own_share(2, &[4]) - 0.5).abs() < 1e-12);
        assert!(overlaps.own_share(2, &[]).abs() < 1e-12);
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()])
    }

    /// Two unit squares A = [0,1]², B = [1,2]×[0,1], and four targets that split them:
    /// T1 = [0,½]² (in A), T2 = [½,1½]×[0,½] and T3 = [½,1½]×[½,1] (a quarter of each square),
    /// T4 = [1½,2½]×[0,1] (half of it beyond B). A's quarter [0,½]×[½,1] lies in no target.
    /// tobler 0.13 gives the same numbers (`tests/tobler/squares.py`).
    fn squares() -> Overlaps {
        let sources = [rect(0.0, 0.0, 1.0, 1.0), rect(1.0, 0.0, 2.0, 1.0)];
        let targets = [
            rect(0.0, 0.0, 0.5, 0.5),
            rect(0.5, 0.0, 1.5, 0.5),
            rect(0.5, 0.5, 1.5, 1.0),
            rect(1.5, 0.0, 2.5, 1.0),
        ];
        let s: Vec<&MultiPolygon<f64>> = sources.iter().collect();
        let t: Vec<&MultiPolygon<f64>> = targets.iter().collect();
        Overlaps::of_polygons(&s, &t)
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn the_table_holds_the_intersection_areas() {
        let o = squares();
        let got: Vec<(usize, usize, f64)> = o
            .entries()
            .iter()
            .map(|e| (e.source, e.target, e.area_m2))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 0, 0.25),
                (0, 1, 0.25),
                (0, 2, 0.25),
                (1, 1, 0.25),
                (1, 2, 0.25),
                (1, 3, 0.5)
            ]
        );
        assert_eq!(o.source_allocated_m2(), vec![0.75, 1.0]);
        assert_eq!(o.target_covered_m2(), vec![0.25, 0.5, 0.5, 0.5]);
    }

    #[test]
    fn counts_are_split_by_the_share_of_the_allocated_source_area() {
        let e = extensive(&squares(), &[Some(100.0), Some(40.0)]);
        // A's 100 over the ¾ of it that targets cover; B's 40 over all of it.
        assert!(close(e[0].value, 100.0 / 3.0));
        assert!(close(e[1].value, 100.0 / 3.0 + 10.0));
        assert!(close(e[2].value, 100.0 / 3.0 + 10.0));
        assert!(close(e[3].value, 20.0));
        let total: f64 = e.iter().filter_map(|x| x.value).sum();
        assert!(
            (total - 140.0).abs() < 1e-12,
            "the whole count is handed out"
        );
        assert!((e[3].coverage - 0.5).abs() < 1e-12);
        assert_eq!(e[1].sources, vec![(0, 0.5), (1, 0.5)]);
    }

    #[test]
    fn rates_are_area_weighted_over_the_covered_part() {
        let e = intensive(&squares(), &[Some(10.0), Some(20.0)]);
        assert!(close(e[0].value, 10.0));
        assert!(close(e[1].value, 15.0));
        assert!(close(e[2].value, 15.0));
        // Half of T4 lies beyond every source: the value is B's, on half its area.
        assert!(close(e[3].value, 20.0));
        assert!((e[3].coverage - 0.5).abs() < 1e-12);
    }

    #[test]
    fn population_weighting_follows_the_people() {
        let e = population_weighted(
            &squares(),
            &[Some(10.0), Some(20.0)],
            &[Some(100.0), Some(300.0)],
        );
        // T2: A brings 100·¼/¾ people at 10 %, B 300·¼/1 at 20 %.
        let (wa, wb) = (100.0 * 0.25 / 0.75, 300.0 * 0.25);
        assert!(close(e[1].value, (10.0 * wa + 20.0 * wb) / (wa + wb)));
        assert!(close(e[0].value, 10.0));
        assert!(close(e[3].value, 20.0));
        // Equal populations per area reduce it to the area-weighted mean.
        let even = population_weighted(
            &squares(),
            &[Some(10.0), Some(20.0)],
            &[Some(75.0), Some(100.0)],
        );
        assert!(close(even[1].value, 15.0));
    }

    #[test]
    fn a_missing_source_leaves_the_targets_it_covers_without_value() {
        let e = intensive(&squares(), &[None, Some(20.0)]);
        assert_eq!((e[0].value, e[0].gap), (None, Some(Gap::MissingSource)));
        // T2 is half A: not computed from B alone.
        assert_eq!((e[1].value, e[1].gap), (None, Some(Gap::MissingSource)));
        assert!((e[1].missing_share - 0.5).abs() < 1e-12);
        assert!(e[1].sources.is_empty());
        assert!(close(e[3].value, 20.0));
        let c = extensive(&squares(), &[Some(100.0), None]);
        assert!(close(c[0].value, 100.0 / 3.0));
        assert_eq!(c[3].gap, Some(Gap::MissingSource));
    }

    #[test]
    fn a_sliver_of_a_missing_source_is_left_out_and_reported() {
        // Target 0 lies 99.5 % in source 0 and 0.5 % in source 1, whose value is suppressed.
        let o = Overlaps::from_areas(
            vec![1000.0, 1000.0],
            vec![1000.0],
            vec![Overlap::new(0, 0, 995.0), Overlap::new(1, 0, 5.0)],
        );
        let e = intensive(&o, &[Some(12.0), None]);
        assert!(close(e[0].value, 12.0));
        assert!((e[0].missing_share - 0.005).abs() < 1e-12);
        assert!((e[0].coverage - 0.995).abs() < 1e-12);
        // Twice as thick, and it is not a sliver any more.
        let o = Overlaps::from_areas(
            vec![1000.0, 1000.0],
            vec![1000.0],
            vec![Overlap::new(0, 0, 980.0), Overlap::new(1, 0, 20.0)],
        );
        assert_eq!(intensive(&o, &[Some(12.0), None])[0].value, None);
    }

    #[test]
    fn an_empty_source_weighs_nothing_and_a_target_outside_all_gets_nothing() {
        let o = squares();
        // B has no inhabitants and so no rate: T2 rests on A alone, T4 has no population.
        let e = population_weighted(&o, &[Some(10.0), None], &[Some(100.0), Some(0.0)]);
        assert!(close(e[1].value, 10.0));
        assert!((e[1].coverage - 1.0).abs() < 1e-12);
        assert_eq!(e[3].gap, Some(Gap::NoPopulation));
        let far = [rect(10.0, 10.0, 11.0, 11.0)];
        let s = [rect(0.0, 0.0, 1.0, 1.0)];
        let o = Overlaps::of_polygons(&[&s[0]], &[&far[0]]);
        let e = intensive(&o, &[Some(1.0)]);
        assert_eq!(
            (e[0].value, e[0].gap, e[0].coverage),
            (None, Some(Gap::NoSource), 0.0)
        );
    }
}
