//! Empirical-Bayes shrinkage of small-area rates toward their parent (Marshall 1991, the global
//! method as in GeoDa's EB rate maps): areas with few people move most toward the parent rate.

/// One area's events and population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaCount {
    /// Events (e.g. Wmo clients).
    pub events: f64,
    /// Population at risk.
    pub population: f64,
}

/// The smoothed rates (same order as `areas`, as proportions; multiply by the unit's scale).
///
/// With `m` = Σ events / Σ population and `s²` the population-weighted variance of the raw
/// rates, the prior variance is `φ = s² − m / n̄` (0 when negative) and each rate becomes
/// `m + C·(r − m)` with `C = φ / (φ + m / n)`.
///
/// ```
/// use buurt_diagnose::stats::shrinkage::{AreaCount, eb_rates};
/// let areas = [
///     AreaCount { events: 1.0, population: 10.0 },      // 10 %, tiny
///     AreaCount { events: 50.0, population: 1000.0 },   // 5 %
///     AreaCount { events: 60.0, population: 1000.0 },   // 6 %
/// ];
/// let eb = eb_rates(&areas);
/// assert!(eb[0] < 0.10 && eb[0] > 0.05); // the small area moves most
/// assert!((eb[1] - 0.05).abs() < (eb[0] - 0.10).abs());
/// ```
#[must_use]
pub fn eb_rates(areas: &[AreaCount]) -> Vec<f64> {
    let total_pop: f64 = areas
        .iter()
        .map(|a| a.population)
        .filter(|p| *p > 0.0)
        .sum();
    let total_events: f64 = areas
        .iter()
        .filter(|a| a.population > 0.0)
        .map(|a| a.events)
        .sum();
    let valid = areas.iter().filter(|a| a.population > 0.0).count();
    if total_pop <= 0.0 || valid == 0 {
        return areas.iter().map(|_| f64::NAN).collect();
    }
    let m = total_events / total_pop;
    let n_bar = total_pop / valid as f64;
    let s2 = areas
        .iter()
        .filter(|a| a.population > 0.0)
        .map(|a| a.population * (a.events / a.population - m).powi(2))
        .sum::<f64>()
        / total_pop;
    let phi = (s2 - m / n_bar).max(0.0);
    areas
        .iter()
        .map(|a| {
            if a.population <= 0.0 {
                return f64::NAN;
            }
            let r = a.events / a.population;
            let c = if phi + m / a.population > 0.0 {
                phi / (phi + m / a.population)
            } else {
                0.0
            };
            m + c * (r - m)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homogeneous_rates_shrink_fully() {
        // Differences no bigger than Poisson noise: φ = 0, everything becomes the parent rate.
        let areas = [
            AreaCount {
                events: 5.0,
                population: 100.0,
            },
            AreaCount {
                events: 6.0,
                population: 100.0,
            },
        ];
        let eb = eb_rates(&areas);
        assert!((eb[0] - 0.055).abs() < 1e-12 && (eb[1] - 0.055).abs() < 1e-12);
    }

    #[test]
    fn large_areas_keep_their_rate() {
        let areas = [
            AreaCount {
                events: 1000.0,
                population: 10_000.0,
            },
            AreaCount {
                events: 3000.0,
                population: 10_000.0,
            },
        ];
        let eb = eb_rates(&areas);
        assert!((eb[0] - 0.1).abs() < 0.001 && (eb[1] - 0.3).abs() < 0.001);
    }
}
