//! Trends over years: least-squares slope per year with its standard error.

use serde::{Deserialize, Serialize};

/// A fitted straight line through (year, value) points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fit {
    /// Change per year.
    pub slope_per_year: f64,
    /// Standard error of the slope (`None` with two points: a line through two points has no
    /// residual to estimate it from).
    pub slope_se: Option<f64>,
    /// Points used.
    pub n: usize,
}

/// Ordinary least squares of `value` on `year`.
///
/// ```
/// use buurt_diagnose::stats::trend::fit;
/// let f = fit(&[(2012.0, 10.0), (2016.0, 12.0), (2020.0, 14.0)]).unwrap();
/// assert!((f.slope_per_year - 0.5).abs() < 1e-12);
/// assert_eq!(f.slope_se, Some(0.0));
/// ```
#[must_use]
pub fn fit(points: &[(f64, f64)]) -> Option<Fit> {
    let n = points.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let slope_se = (n > 2).then(|| {
        let intercept = my - slope * mx;
        let sse: f64 = points
            .iter()
            .map(|p| (p.1 - intercept - slope * p.0).powi(2))
            .sum();
        (sse / (nf - 2.0) / sxx).sqrt()
    });
    Some(Fit {
        slope_per_year: slope,
        slope_se,
        n,
    })
}

/// Whether two slopes differ beyond their combined uncertainty (|Δ| > 1.96 · √(se₁² + se₂²)).
/// `None` when either slope lacks a standard error.
#[must_use]
pub fn slopes_differ(a: &Fit, b: &Fit) -> Option<bool> {
    let (sa, sb) = (a.slope_se?, b.slope_se?);
    let se = (sa * sa + sb * sb).sqrt();
    Some((a.slope_per_year - b.slope_per_year).abs() > super::interval::Z95 * se.max(1e-12))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noisy_slope_has_error() {
        let f = fit(&[
            (2018.0, 9.6),
            (2019.0, 10.4),
            (2020.0, 10.1),
            (2021.0, 11.2),
        ])
        .unwrap();
        assert!(f.slope_per_year > 0.3 && f.slope_per_year < 0.6);
        assert!(f.slope_se.unwrap() > 0.0);
        assert!(fit(&[(2020.0, 1.0)]).is_none());
        assert!(fit(&[(2020.0, 1.0), (2020.0, 2.0)]).is_none());
        let two = fit(&[(2012.0, 1.0), (2020.0, 2.0)]).unwrap();
        assert!(two.slope_se.is_none());
        assert!(slopes_differ(&two, &f).is_none());
    }

    #[test]
    fn clearly_different_slopes() {
        let up = fit(&[(2018.0, 1.0), (2019.0, 2.1), (2020.0, 2.9), (2021.0, 4.0)]).unwrap();
        let flat = fit(&[(2018.0, 1.0), (2019.0, 1.1), (2020.0, 0.9), (2021.0, 1.0)]).unwrap();
        assert_eq!(slopes_differ(&up, &flat), Some(true));
        assert_eq!(slopes_differ(&flat, &flat), Some(false));
    }
}
