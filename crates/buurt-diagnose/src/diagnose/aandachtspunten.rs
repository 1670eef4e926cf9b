//! Aandachtspunten: which indicators of a region most need attention. All rules live here.
//!
//! For each indicator with a value, a direction of need (not `neutral` or `context`) and a
//! kind that is compared (not a count):
//! 1. `need_z` = the z-score against the comparison group, signed so that positive means more
//!    need (higher loneliness, lower perceived health).
//! 2. It qualifies when `need_z` ≥ 0.5 (band "boven" or worse in the unfavourable direction),
//!    the value lies on the unfavourable side of the printed benchmark (the gemeente; Nederland
//!    for a gemeente) by at least [`MIN_RELATIVE_DIFFERENCE`] (10 %), and, for percentages, by
//!    at least [`MIN_PERCENT_POINTS`] (2 percentage points): a buurt at 3 % where the gemeente
//!    has 2 % may be an outlier statistically, but it is no agenda item. A value older than the
//!    newest year of the same indicator for another age group is skipped (RIVM published no
//!    18–64 figures in 2020; 2016 figures then tell an old story).
//! 3. `score` = (`need_z` (the size of the gap), plus 0.5 when the 95 % interval excludes the
//!    benchmark (significant), plus 0.5 when the trend moves toward more need by at least 5 %,
//!    plus 0.25 when that trend also differs significantly from the gemeente's) × 1.5 for
//!    headline indicators × the share of the population concerned ([`population_factor`]:
//!    everyone or all adults 1, one age group 0.9, 18–64 0.8 as it overlaps 18+).
//! 4. The four wijkpact themes come first ([`Theme::WIJKPACT`]): demografie, zorgbehoefte,
//!    jeugd en jeugdzorg, mantelzorg en Wmo. Wonen, werk en inkomen only fills places they
//!    leave; leefstijl (alcohol, smoking, weight, drugs, gaming) is never an aandachtspunt but
//!    stays in its own section of the profile.
//! 5. At most one per concept (near-duplicates such as `eenzaam` and `ernstig_eenzaam`, or the
//!    age groups of one indicator): the strongest, with the others named as detail; at most
//!    [`MAX_POINTS`] in all.

use std::collections::HashMap;
use std::fmt::Write as _;

use buurt_core::{AgeGroup, Theme, Unit};

use super::bands::Band;
use super::profile::{Aandachtspunt, IndicatorProfile};

/// Most aandachtspunten per profile.
pub const MAX_POINTS: usize = 6;
/// Least need_z for an indicator to qualify.
pub const MIN_NEED_Z: f64 = 0.5;
/// Least relative difference with the benchmark (|index − 100| ≥ 10).
pub const MIN_RELATIVE_DIFFERENCE: f64 = 0.10;
/// For percentages: least absolute difference with the benchmark, in percentage points.
pub const MIN_PERCENT_POINTS: f64 = 2.0;
/// Extra weight of headline indicators in the ranking.
pub const HEADLINE_FACTOR: f64 = 1.5;

/// The ranking factor for the share of the population an indicator speaks of.
#[must_use]
pub fn population_factor(age_group: &str) -> f64 {
    match AgeGroup::from_key(age_group) {
        Some(AgeGroup::Totaal | AgeGroup::Plus18) | None => 1.0,
        Some(AgeGroup::Van18Tot64) => 0.8,
        Some(AgeGroup::Plus65 | AgeGroup::Van16Tot25 | AgeGroup::Tot23) => 0.9,
    }
}

/// Format a value for Dutch text: decimal comma, unit symbol.
#[must_use]
pub fn format_value(value: f64, unit: Unit) -> String {
    let (text, suffix) = match unit {
        Unit::Percent => (format!("{value:.0}"), " %"),
        Unit::Per1000 => (format!("{value:.0}"), " per 1.000"),
        Unit::Count => (thousands(value), ""),
        Unit::Euro => (thousands(value), " euro"),
        Unit::ThousandEuro => (format!("{value:.1}"), " duizend euro"),
        Unit::Km => (format!("{value:.1}"), " km"),
        _ => (format!("{value:.1}"), ""),
    };
    format!("{}{suffix}", text.replace('.', ",").replace('_', "."))
}

/// Whole numbers with a Dutch thousands separator: 33.510.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(ch);
    }
    // '_' becomes '.' after the caller's decimal-comma swap would have run; do it here instead.
    format!("{}{}", if value < 0.0 { "-" } else { "" }, out)
}

/// The ranked aandachtspunten of a profile. `benchmark_name` names the comparison area in the
/// sentence ("Utrecht"; "Nederland" for a gemeente).
#[must_use]
pub fn rank(
    indicators: &[IndicatorProfile],
    base_id: &dyn Fn(&str) -> String,
    benchmark_name: &str,
    age_words: &dyn Fn(&str) -> String,
) -> Vec<Aandachtspunt> {
    let mut newest: HashMap<String, u16> = HashMap::new();
    for p in indicators.iter().filter(|p| p.value.is_some()) {
        let e = newest.entry(base_id(&p.id)).or_insert(p.year);
        *e = (*e).max(p.year);
    }
    // (wijkpact theme first, score, indicator)
    let mut candidates: Vec<(bool, f64, &IndicatorProfile)> = Vec::new();
    for p in indicators {
        if p.theme == Theme::Leefstijl || newest.get(&base_id(&p.id)).is_some_and(|y| *y > p.year) {
            continue;
        }
        if let Some(score) = score(p) {
            candidates.push((p.theme.is_wijkpact(), score, p));
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut out: Vec<Aandachtspunt> = Vec::new();
    for (_, score, p) in candidates {
        if let Some(point) = out.iter_mut().find(|a| a.concept == p.concept) {
            point.detail.push(p.id.clone());
            continue;
        }
        if out.len() == MAX_POINTS {
            continue;
        }
        out.push(Aandachtspunt {
            indicator: p.id.clone(),
            theme: p.theme,
            concept: p.concept.clone(),
            score: (score * 100.0).round() / 100.0,
            text: sentence(p, benchmark_name, &age_words(&p.age_group)),
            year: p.year,
            dataset: p.dataset.clone(),
            value: p.value.unwrap_or(f64::NAN),
            benchmark: benchmark(p),
            benchmark_name: benchmark_name.to_owned(),
            detail: Vec::new(),
        });
    }
    out
}

/// The benchmark an indicator's standing is printed against: the gemeente, else Nederland.
fn benchmark(p: &IndicatorProfile) -> Option<f64> {
    p.benchmarks.gemeente.or(p.benchmarks.nl)
}

/// The ranking score of an indicator, if it qualifies (rules 1 to 3 of the module docs).
fn score(p: &IndicatorProfile) -> Option<f64> {
    let sign = p.polarity.need_sign();
    let (Some(value), Some(z), Some(index)) = (p.value, p.z_gemeente, p.index_gemeente) else {
        return None;
    };
    let need_z = sign * z;
    // The gap to the printed benchmark, signed toward more need.
    let need_gap = sign * (index / 100.0 - 1.0);
    if sign == 0.0
        || !p.kind.is_compared()
        || need_z < MIN_NEED_Z
        || need_gap < MIN_RELATIVE_DIFFERENCE
    {
        return None;
    }
    if p.unit == Unit::Percent
        && benchmark(p).is_some_and(|r| (value - r).abs() < MIN_PERCENT_POINTS)
    {
        return None;
    }
    let mut score = need_z;
    if p.significant == Some(true) {
        score += 0.5;
    }
    if let Some(t) = &p.trend {
        let worsening = sign * t.absolute_change > 0.0 && t.direction != "stabiel";
        if worsening {
            score += 0.5;
            if t.differs_from_gemeente == Some(true) {
                score += 0.25;
            }
        }
    }
    if p.headline {
        score *= HEADLINE_FACTOR;
    }
    Some(score * population_factor(&p.age_group))
}

/// "Eenzaam (65-plussers, 2020): 52 % ligt ruim boven het gemiddelde van Utrecht (44 %) en steeg sinds 2012."
fn sentence(p: &IndicatorProfile, benchmark_name: &str, age: &str) -> String {
    let value = p.value.map(|v| format_value(v, p.unit)).unwrap_or_default();
    let band = p.band.unwrap_or(Band::Around).dutch();
    let reference = p
        .benchmarks
        .gemeente
        .or(p.benchmarks.nl)
        .map(|v| format!(" ({})", format_value(v, p.unit)))
        .unwrap_or_default();
    let who = if age.is_empty() {
        String::new()
    } else {
        format!(" onder {age}")
    };
    let mut text = format!(
        "{}{who} ({value}, {}) ligt {band} het gemiddelde van {benchmark_name}{reference}",
        p.label, p.year
    );
    if let Some(t) = &p.trend
        && t.direction != "stabiel"
    {
        let verb = if t.direction == "stijgend" {
            "steeg"
        } else {
            "daalde"
        };
        let _ = write!(text, " en {verb} sinds {}", t.from_year);
    }
    if p.significant == Some(true) {
        text.push_str("; het verschil is statistisch significant");
    }
    text.push('.');
    text
}
