//! 95 % intervals for rates with a known denominator.
//!
//! - proportions (percent, share of households): Wilson score interval;
//! - counts per 1 000 (Wmo clients): exact Poisson interval (Garwood 1936) on the count.
//!
//! RIVM small-area estimates are model predictions without published margins: no interval is
//! computed for them (the profile says "modelschatting, geen marge beschikbaar").

use super::gamma::gamma_p_inverse;

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// An interval on the scale of the rate (e.g. percent).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies outside the interval.
    #[must_use]
    pub fn excludes(&self, x: f64) -> bool {
        x < self.low || x > self.high
    }
}

/// Wilson score interval for `k` successes out of `n`, scaled by `scale` (100 for percent).
///
/// ```
/// use buurt_diagnose::stats::interval::wilson;
/// let ci = wilson(340.0, 1800.0, 100.0).unwrap();
/// assert!(ci.low < 18.9 && ci.high > 18.9);
/// assert!((ci.low - 17.1).abs() < 0.1 && (ci.high - 20.8).abs() < 0.1);
/// ```
#[must_use]
pub fn wilson(k: f64, n: f64, scale: f64) -> Option<Interval> {
    if n <= 0.0 || k < 0.0 || k > n {
        return None;
    }
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        low: (centre - half).max(0.0) * scale,
        high: (centre + half).min(1.0) * scale,
    })
}

/// Exact (Garwood) 95 % interval for a Poisson count `k` over `n` persons, scaled by `scale`
/// (1000 for per 1 000).
///
/// ```
/// use buurt_diagnose::stats::interval::poisson_exact;
/// // 10 events: the classic interval is 4.80 to 18.39.
/// let ci = poisson_exact(10.0, 1.0, 1.0).unwrap();
/// assert!((ci.low - 4.795).abs() < 0.01 && (ci.high - 18.39).abs() < 0.01);
/// ```
#[must_use]
pub fn poisson_exact(k: f64, n: f64, scale: f64) -> Option<Interval> {
    if n <= 0.0 || k < 0.0 {
        return None;
    }
    let k = k.round();
    let alpha = 0.05;
    // chi²(p, 2k)/2 = Gamma(k, 1) quantile.
    let low = if k == 0.0 {
        0.0
    } else {
        gamma_p_inverse(k, alpha / 2.0)
    };
    let high = gamma_p_inverse(k + 1.0, 1.0 - alpha / 2.0);
    Some(Interval {
        low: low / n * scale,
        high: high / n * scale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_edges() {
        let zero = wilson(0.0, 50.0, 100.0).unwrap();
        assert!(zero.low.abs() < 1e-12 && zero.high > 5.0 && zero.high < 8.0);
        assert!(wilson(5.0, 0.0, 100.0).is_none());
        assert!(wilson(6.0, 5.0, 100.0).is_none());
    }

    #[test]
    fn poisson_zero_and_large() {
        let z = poisson_exact(0.0, 1.0, 1.0).unwrap();
        assert!(z.low.abs() < 1e-12 && (z.high - 3.689).abs() < 0.01);
        // For large counts the exact interval approaches k ± 1.96 √k.
        let big = poisson_exact(10_000.0, 1.0, 1.0).unwrap();
        assert!((big.low - (10_000.0 - Z95 * 100.0)).abs() < 2.0);
    }
}
