//! Composite need scores per theme and overall, explainable by their contributions.
//!
//! Default weights ([`Weights::default_for`]): every indicator with a direction counts 1, a
//! headline indicator 2; for RIVM indicators published for several age groups the 18+ figure
//! counts fully, the 65+ figure half, and 18–64 not at all (it overlaps 18+). Callers override
//! any weight by indicator id.
//!
//! A theme's score is Σ weight × need_z / Σ weight over its indicators with a value, where
//! need_z is the z-score against the comparison group, signed so positive means more need and
//! clamped to ±3. The overall score is the mean of the theme scores.

use std::collections::HashMap;

use buurt_core::{AgeGroup, Indicator, Theme};

use super::aandachtspunten::need_sign;
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
        if need_sign(ind.polarity) == 0.0 {
            return 0.0;
        }
        let age = match ind.age_group {
            AgeGroup::Van18Tot64 => 0.0,
            AgeGroup::Plus65 => 0.5,
            _ => 1.0,
        };
        age * if ind.headline { 2.0 } else { 1.0 }
    }
}

/// Compute the scores of a profile's indicators.
#[must_use]
pub fn composite(
    indicators: &[IndicatorProfile],
    catalogue: &dyn Fn(&str) -> Option<Indicator>,
    weights: &Weights,
) -> Scores {
    let mut by_theme: HashMap<Theme, Vec<(String, f64, f64)>> = HashMap::new();
    for p in indicators {
        let Some(ind) = catalogue(&p.id) else {
            continue;
        };
        let w = weights.weight(&ind);
        let (Some(z), true) = (p.z_gemeente, w > 0.0) else {
            continue;
        };
        if p.value.is_none() {
            continue;
        }
        let need_z = (need_sign(ind.polarity) * z).clamp(-3.0, 3.0);
        by_theme
            .entry(ind.theme)
            .or_default()
            .push((p.id.clone(), w, need_z));
    }
    let mut themes = Vec::new();
    for theme in Theme::ALL {
        let Some(parts) = by_theme.remove(&theme) else {
            continue;
        };
        let total: f64 = parts.iter().map(|p| p.1).sum();
        let contributions: Vec<Contribution> = parts
            .into_iter()
            .map(|(indicator, weight, need_z)| Contribution {
                indicator,
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
    let overall = (!themes.is_empty())
        .then(|| round2(themes.iter().map(|t| t.score).sum::<f64>() / themes.len() as f64));
    Scores { overall, themes }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
