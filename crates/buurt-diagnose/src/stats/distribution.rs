//! Mean, standard deviation, z-scores and percentile ranks over a set of values.

/// Mean and (population) standard deviation of the finite values.
#[must_use]
pub fn mean_sd(values: &[f64]) -> Option<(f64, f64)> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    let n = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / n;
    let var = finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    Some((mean, var.sqrt()))
}

/// The z-score of `x` against a mean and sd (`None` when sd is 0).
#[must_use]
pub fn z_score(x: f64, mean: f64, sd: f64) -> Option<f64> {
    (sd > 0.0 && x.is_finite()).then(|| (x - mean) / sd)
}

/// Percentile rank of each value among `sorted` (ascending): the share of values below it plus
/// half the ties, times 100. 0 = lowest, 100 = highest.
///
/// ```
/// use buurt_diagnose::stats::distribution::percentile_rank;
/// let sorted = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(percentile_rank(&sorted, 1.0), 12.5);
/// assert_eq!(percentile_rank(&sorted, 4.0), 87.5);
/// ```
#[must_use]
pub fn percentile_rank(sorted: &[f64], x: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let below = sorted.partition_point(|v| *v < x);
    let upto = sorted.partition_point(|v| *v <= x);
    (below as f64 + 0.5 * (upto - below) as f64) / sorted.len() as f64 * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let (m, s) = mean_sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert!((m - 5.0).abs() < 1e-12 && (s - 2.0).abs() < 1e-12);
        assert_eq!(z_score(9.0, m, s), Some(2.0));
        assert_eq!(z_score(9.0, m, 0.0), None);
        assert!(mean_sd(&[f64::NAN]).is_none());
        assert!((percentile_rank(&[1.0, 1.0], 1.0) - 50.0).abs() < 1e-12);
    }
}
