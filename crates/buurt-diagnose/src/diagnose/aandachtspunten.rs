//! Aandachtspunten: which indicators of a region most need attention. All rules live here.
//!
//! For each indicator with a direction (polarity) and a value:
//! 1. `need_z` = the z-score against the comparison group, signed so that positive means more
//!    need (higher loneliness, lower perceived health).
//! 2. Only indicators with `need_z` ≥ 0.5 (band "boven" or worse in the unfavourable direction)
//!    and at least [`MIN_RELATIVE_DIFFERENCE`] (10 %) away from the benchmark qualify: a buurt at
//!    3 % where the gemeente has 2 % may be an outlier statistically, but it is no agenda item;
//!    percentages must also differ by at least [`MIN_PERCENT_POINTS`] (2 percentage points).
//!    A value older than the newest year of the same indicator for another age group is skipped
//!    (RIVM published no 18–64 figures in 2020; 2016 figures then tell an old story).
//! 3. `score` = `need_z`, plus 0.5 when the 95 % interval excludes the benchmark (significant),
//!    plus 0.5 when the trend moves toward more need by at least 5 %, plus 0.25 when that trend
//!    also differs significantly from the gemeente's; times 1.5 for headline indicators.
//! 4. Ranked by score; at most two per base indicator (e.g. `eenzaam_18plus`, `eenzaam_65plus`)
//!    and at most [`MAX_POINTS`] in all.

use std::fmt::Write as _;

use buurt_core::{Polarity, Unit};

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

/// +1 when higher means more need, −1 when lower does, 0 for context indicators.
#[must_use]
pub fn need_sign(polarity: Polarity) -> f64 {
    match polarity {
        Polarity::HigherIsNeed => 1.0,
        Polarity::LowerIsNeed => -1.0,
        Polarity::Neutral => 0.0,
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
/// sentence ("Utrecht"), `comparison` says what it is ("het gemiddelde van").
#[must_use]
pub fn rank(
    indicators: &[IndicatorProfile],
    base_id: &dyn Fn(&str) -> String,
    benchmark_name: &str,
    age_words: &dyn Fn(&str) -> String,
) -> Vec<Aandachtspunt> {
    let mut newest: std::collections::HashMap<String, u16> = std::collections::HashMap::new();
    for p in indicators.iter().filter(|p| p.value.is_some()) {
        let e = newest.entry(base_id(&p.id)).or_insert(p.year);
        *e = (*e).max(p.year);
    }
    let mut candidates: Vec<(f64, &IndicatorProfile)> = Vec::new();
    for p in indicators {
        let sign = need_sign(p.polarity);
        let (Some(_), Some(z), Some(index)) = (p.value, p.z_gemeente, p.index_gemeente) else {
            continue;
        };
        let need_z = sign * z;
        if sign == 0.0
            || need_z < MIN_NEED_Z
            || (index / 100.0 - 1.0).abs() < MIN_RELATIVE_DIFFERENCE
        {
            continue;
        }
        let reference = p.benchmarks.gemeente.or(p.benchmarks.nl);
        if p.unit == Unit::Percent
            && reference
                .zip(p.value)
                .is_some_and(|(r, v)| (v - r).abs() < MIN_PERCENT_POINTS)
        {
            continue;
        }
        if newest.get(&base_id(&p.id)).is_some_and(|y| *y > p.year) {
            continue;
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
        candidates.push((score, p));
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<Aandachtspunt> = Vec::new();
    let mut per_base: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (score, p) in candidates {
        let n = per_base.entry(base_id(&p.id)).or_insert(0);
        if *n >= 2 {
            continue;
        }
        *n += 1;
        out.push(Aandachtspunt {
            indicator: p.id.clone(),
            score: (score * 100.0).round() / 100.0,
            text: sentence(p, benchmark_name, &age_words(&p.age_group)),
        });
        if out.len() == MAX_POINTS {
            break;
        }
    }
    out
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
