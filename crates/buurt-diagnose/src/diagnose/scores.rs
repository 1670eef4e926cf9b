//! Composite need scores per theme and overall, explainable by their contributions.
//!
//! Default weights ([`Weights::default_for`]): every indicator with a direction counts 1, a
//! headline indicator 2; for RIVM indicators published for several age groups the 18+ figure
//! counts fully, the 65+ figure half, and 18–64 not at all (it overlaps 18+). Callers override
//! any weight by indicator id.
//!
//! Indicators without a direction of need get weight 0: `neutral` ones, and `context` ones such
//! as the share of mantelzorgers, which is care given as much as care needed (fewer mantelzorgers
//! is not less need). Counts get no z-score and so no weight either.
//!
//! Near-duplicates count once: the weights of the indicators of one concept (`eenzaam`,
//! `ernstig_eenzaam`, `emotioneel_eenzaam` and their age groups) are divided by their sum of
//! age weights, so a concept weighs what one indicator does (2 when it holds a headline
//! indicator, else 1), however many variants the source publishes.
//!
//! A theme's score is Σ weight × need_z / Σ weight over its indicators with a value, where
//! need_z is the z-score against the comparison group, signed so positive means more need and
//! clamped to ±3. The overall score is the mean of the scores of the four wijkpact themes
//! ([`Theme::WIJKPACT`]) that have one; leefstijl and wonen, werk en inkomen are reported
//! beside it.

use std::collections::HashMap;

use buurt_core::{AgeGroup, Indicator, Theme};

use super::profile::{Contribution, IndicatorProfile, Scores, ThemeScore};

/// Indicator weights for the composite score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weights {
    overrides: HashMap<String, f64>,
}

impl Weights {
    /// Set the weight of one indicator (0 leaves it out).
    #[must_use]
    pub fn with(mut self, indicator: &str, weight: f64) -> Self {
        self.overrides.insert(indicator.to_owned(), weight);
        self
    }

    /// The weight of an indicator: an override, else the default rule.
    #[must_use]
    pub fn weight(&self, ind: &Indicator) -> f64 {
        self.overrides
            .get(&ind.id)
            .copied()
            .unwrap_or_else(|| Self::default_for(ind))
    }

    /// The documented default weight.
    #[must_use]
    pub fn default_for(ind: &Indicator) -> f64 {
        if ind.polarity.need_sign() == 0.0 {
            return 0.0;
        }
        let age = match ind.age_group {
            AgeGroup::Van18Tot64 => 0.0,
            AgeGroup::Plus65 => 0.5,
            _ => 1.0,
        };
        age * headline_factor(ind)
    }
}

/// Compute the scores of a profile's indicators.
#[must_use]
pub fn composite(
    indicators: &[IndicatorProfile],
    catalogue: &dyn Fn(&str) -> Option<Indicator>,
    weights: &Weights,
) -> Scores {
    // The indicators that count: a value, a z-score and a positive weight.
    let usable: Vec<(&IndicatorProfile, Indicator, f64, f64)> = indicators
        .iter()
        .filter_map(|p| {
            let ind = catalogue(&p.id)?;
            let w = weights.weight(&ind);
            let z = p.z_gemeente.filter(|_| p.value.is_some() && w > 0.0)?;
            Some((p, ind, w, z))
        })
        .collect();
    // Per concept: the sum of its indicators' age weights and the largest headline factor.
    let mut concepts: HashMap<&str, (f64, f64)> = HashMap::new();
    for (p, ind, w, _) in &usable {
        let headline = headline_factor(ind);
        let e = concepts.entry(p.concept.as_str()).or_insert((0.0, 1.0));
        e.0 += w / headline;
        e.1 = e.1.max(headline);
    }
    let mut by_theme: HashMap<Theme, Vec<(String, String, f64, f64)>> = HashMap::new();
    for (p, ind, w, z) in usable {
        let need_z = (ind.polarity.need_sign() * z).clamp(-3.0, 3.0);
        let w = concepts
            .get(p.concept.as_str())
            .map_or(w, |&(age_weights, headline)| {
                w / headline_factor(&ind) / age_weights * headline
            });
        by_theme
            .entry(ind.theme)
            .or_default()
            .push((p.id.clone(), p.label_with_age(), w, need_z));
    }
    let mut themes = Vec::new();
    for theme in Theme::ALL {
        let Some(parts) = by_theme.remove(&theme) else {
            continue;
        };
        let total: f64 = parts.iter().map(|p| p.2).sum();
        let contributions: Vec<Contribution> = parts
            .into_iter()
            .map(|(indicator, label, weight, need_z)| Contribution {
                indicator,
                label,
                weight,
                need_z: round2(need_z),
                contribution: round2(weight * need_z / total),
            })
            .collect();
        let score = contributions
            .iter()
            .map(|c| c.weight * c.need_z)
            .sum::<f64>()
            / total;
        themes.push(ThemeScore {
            theme,
            score: round2(score),
            contributions,
        });
    }
    let wijkpact: Vec<f64> = themes
        .iter()
        .filter(|t| t.theme.is_wijkpact())
        .map(|t| t.score)
        .collect();
    let overall = (!wijkpact.is_empty())
        .then(|| round2(wijkpact.iter().sum::<f64>() / wijkpact.len() as f64));
    Scores { overall, themes }
}

/// The weight factor of a headline indicator (2, else 1).
fn headline_factor(ind: &Indicator) -> f64 {
    if ind.headline { 2.0 } else { 1.0 }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
