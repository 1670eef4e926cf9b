//! Moran's I, global and local (LISA), as PySAL's esda defines them (`esda.Moran`,
//! `esda.Moran_Local`), with seeded permutation tests and clusters.
//!
//! The weights are used as given; esda row-standardises first (`transformation="r"`), so pass
//! [`SpatialWeights::row_standardised`] weights to get its numbers. Islands keep a zero row and
//! stay in `n` and in the mean, as in esda.
//!
//! Permutation p-values follow esda: the share of simulated statistics at least as large as the
//! observed one, folded to the smaller tail, `(larger + 1) / (permutations + 1)`. The draws come
//! from [`Rng`], a seeded xoshiro256++ of this crate rather than `rand`'s `StdRng`, whose algorithm
//! may change between releases: a seed gives the same p-values in every build.

use super::conditional::Draws;
use super::gamma::gamma_q;
use super::rng::Rng;
use super::weights::SpatialWeights;

/// Whether a simulated statistic counts as at least as large as the observed one. A
/// permutation that gives the observed statistic in exact arithmetic can differ from it in the
/// last bits (another summation order), and esda's outcome for such ties depends on its
/// summation order; here they count as ties, whose share can be large on small or repetitive
/// data (a region whose neighbours are all other regions always ties).
fn at_least(sim: f64, observed: f64) -> bool {
    sim >= observed - 1e-12 * observed.abs().max(1.0)
}

/// esda's pseudo p-value from `larger`, the count of simulated statistics `>=` the observed
/// one: folded to the smaller tail, then `(larger + 1) / (permutations + 1)`.
#[must_use]
pub fn pseudo_p(larger: usize, permutations: usize) -> f64 {
    let folded = larger.min(permutations - larger);
    (folded as f64 + 1.0) / (permutations as f64 + 1.0)
}

/// The standard normal upper tail `P(Z > z)`.
#[must_use]
pub fn normal_sf(z: f64) -> f64 {
    // erfc(x) = Q(½, x²) for x ≥ 0.
    let half_erfc = |x: f64| 0.5 * gamma_q(0.5, x * x);
    let x = z / std::f64::consts::SQRT_2;
    if x >= 0.0 {
        half_erfc(x)
    } else {
        1.0 - half_erfc(-x)
    }
}

/// Global Moran's I (esda's `Moran`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GlobalMoran {
    /// Number of regions.
    pub n: usize,
    /// Moran's I: `n / s0 · Σ_i z_i lag_i / Σ_i z_i²` with `z = y − ȳ`.
    pub i: f64,
    /// Its expectation under no autocorrelation: `−1 / (n − 1)`.
    pub ei: f64,
    /// Its variance under normality (esda's `VI_norm`).
    pub vi_norm: f64,
    /// `(I − EI) / √VI_norm`.
    pub z_norm: f64,
    /// Two-sided p-value of `z_norm` (esda's default `two_tailed=True`).
    pub p_norm: f64,
    /// Number of random permutations (0: none drawn).
    pub permutations: usize,
    /// Permutation pseudo p-value, one-sided toward the observed tail (esda's `p_sim`).
    pub p_sim: Option<f64>,
    /// Mean of the simulated I (esda's `EI_sim`).
    pub ei_sim: Option<f64>,
    /// Standard deviation of the simulated I (esda's `seI_sim`).
    pub se_sim: Option<f64>,
    /// `(I − EI_sim) / seI_sim` (esda's `z_sim`).
    pub z_sim: Option<f64>,
}

/// Local Moran's I (esda's `Moran_Local`), one entry per region.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LocalMoran {
    /// `I_i = (n − 1) · z_i · lag_i / Σ_j z_j²`, `z` the values minus their mean divided by
    /// their standard deviation (`ddof = 0`).
    pub is: Vec<f64>,
    /// The standardised values `z_i`.
    pub z: Vec<f64>,
    /// The quadrant of (z_i, lag_i): 1 high-high, 2 low-high, 3 low-low, 4 high-low (esda's
    /// `q`; zero counts as low, as there).
    pub q: Vec<u8>,
    /// Conditional-permutation pseudo p-values (esda's `p_sim`); `None` for islands (esda gives
    /// them `1 / (permutations + 1)`, which would call every island significant).
    pub p_sim: Vec<Option<f64>>,
    /// `(I_i − mean of simulated I_i) / sd of simulated I_i` (esda's `z_sim`); `None` for
    /// islands or without permutations.
    pub z_sim: Vec<Option<f64>>,
    /// Number of permutations per region.
    pub permutations: usize,
}

/// Global Moran's I of `y` over `w`, with `permutations` random permutations from `seed`.
///
/// `None` when there are fewer than 3 values, the weights do not fit `y`, the weights sum to 0 or
/// all values are equal: I is undefined there.
///
/// ```
/// use buurt_diagnose::stats::moran::global;
/// use buurt_diagnose::stats::weights::SpatialWeights;
///
/// // Four regions in a line, rising: strong positive autocorrelation.
/// let w = SpatialWeights::from_neighbours(&[vec![1], vec![2], vec![3], vec![]])
///     .row_standardised();
/// let m = global(&[1.0, 2.0, 3.0, 4.0], &w, 99, 1).expect("defined");
/// assert!(m.i > m.ei);
/// assert!((m.ei + 1.0 / 3.0).abs() < 1e-15);
/// ```
#[must_use]
pub fn global(
    y: &[f64],
    w: &SpatialWeights,
    permutations: usize,
    seed: u64,
) -> Option<GlobalMoran> {
    let n = y.len();
    if n < 3 || w.len() != n {
        return None;
    }
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let z2ss: f64 = z.iter().map(|v| v * v).sum();
    let (s0, s1, s2) = w.s0_s1_s2();
    if z2ss <= 0.0 || s0 <= 0.0 {
        return None;
    }
    // Σ_i z_i · lag_i without a lag vector per permutation (the same sums in the same order
    // as `w.lag`, so the same bits).
    let calc = |z: &[f64]| -> f64 {
        let cross: f64 = z
            .iter()
            .zip(w.neighbours.iter().zip(&w.weights))
            .map(|(zi, (ns, ws))| zi * ns.iter().zip(ws).map(|(&j, wij)| wij * z[j]).sum::<f64>())
            .sum();
        nf / s0 * cross / z2ss
    };
    let i = calc(&z);
    let ei = -1.0 / (nf - 1.0);
    let v_num = nf * nf * s1 - nf * s2 + 3.0 * s0 * s0;
    let v_den = (nf - 1.0) * (nf + 1.0) * s0 * s0;
    let vi_norm = v_num / v_den - ei * ei;
    let z_norm = (i - ei) / vi_norm.sqrt();
    let p_norm = 2.0 * normal_sf(z_norm.abs());
    let (mut p_sim, mut ei_sim, mut se_sim, mut z_sim) = (None, None, None, None);
    if permutations > 0 {
        let mut rng = Rng::new(seed);
        let mut perm = z.clone();
        let mut sims = Vec::with_capacity(permutations);
        for _ in 0..permutations {
            rng.partial_shuffle(&mut perm, n);
            sims.push(calc(&perm));
        }
        let larger = sims.iter().filter(|&&s| at_least(s, i)).count();
        p_sim = Some(pseudo_p(larger, permutations));
        let m = sims.iter().sum::<f64>() / permutations as f64;
        // esda's seI_sim is numpy's std: ddof = 0.
        let sd = (sims.iter().map(|s| (s - m) * (s - m)).sum::<f64>() / permutations as f64).sqrt();
        ei_sim = Some(m);
        se_sim = Some(sd);
        z_sim = Some((i - m) / sd);
    }
    tracing::debug!(n, i, z_norm, ?p_sim, "global Moran's I");
    Some(GlobalMoran {
        n,
        i,
        ei,
        vi_norm,
        z_norm,
        p_norm,
        permutations,
        p_sim,
        ei_sim,
        se_sim,
        z_sim,
    })
}

/// Local Moran's I of `y` over `w`, each region tested with `permutations` conditional
/// permutations from `seed`: region `i` keeps its value while its `k_i` neighbours' values are
/// drawn without replacement from the other `n − 1` regions.
///
/// As esda's `crand`, the draws are shared by all regions (see [`super::conditional`]): one
/// table of `permutations` random orderings, from which region `i` takes the first `k_i`
/// regions other than itself. Drawing per region and permutation instead cost
/// `n · permutations · k` random numbers, most of the time.
///
/// `None` when there are fewer than 3 values, the weights do not fit `y`, or all values are
/// equal.
///
/// ```
/// use buurt_diagnose::stats::moran::local;
/// use buurt_diagnose::stats::weights::SpatialWeights;
///
/// let w = SpatialWeights::from_neighbours(&[vec![1], vec![2], vec![3], vec![]])
///     .row_standardised();
/// let l = local(&[1.0, 2.0, 3.0, 4.0], &w, 99, 1).expect("defined");
/// assert_eq!(l.q, vec![3, 3, 1, 1]); // low-low, low-low, high-high, high-high
/// ```
#[must_use]
pub fn local(y: &[f64], w: &SpatialWeights, permutations: usize, seed: u64) -> Option<LocalMoran> {
    let n = y.len();
    if n < 3 || w.len() != n {
        return None;
    }
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let sd = (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf).sqrt();
    if sd <= 0.0 {
        return None;
    }
    let z: Vec<f64> = y.iter().map(|v| (v - mean) / sd).collect();
    let den: f64 = z.iter().map(|v| v * v).sum();
    let scaling = (nf - 1.0) / den;
    let lag = w.lag(&z);
    let is: Vec<f64> = z.iter().zip(&lag).map(|(a, b)| scaling * a * b).collect();
    let q = z
        .iter()
        .zip(&lag)
        .map(|(&zi, &li)| match (zi > 0.0, li > 0.0) {
            (true, true) => 1,
            (false, true) => 2,
            (false, false) => 3,
            (true, false) => 4,
        })
        .collect();
    let mut p_sim = vec![None; n];
    let mut z_sim = vec![None; n];
    // Neighbours are distinct and never the region itself, so k_i ≤ n − 1.
    let max_k = w.neighbours.iter().map(Vec::len).max().unwrap_or(0);
    if permutations > 0 && max_k > 0 {
        let draws = Draws::new(&z, max_k, permutations, seed);
        let mut buf = vec![0.0; permutations];
        for i in 0..n {
            if w.neighbours[i].is_empty() {
                continue;
            }
            let observed = is[i];
            let sims = draws.summary(
                i,
                &w.weights[i],
                scaling * z[i],
                |sim| at_least(sim, observed),
                &mut buf,
            );
            p_sim[i] = Some(pseudo_p(sims.larger, permutations));
            z_sim[i] = (sims.sd > 0.0).then(|| (observed - sims.mean) / sims.sd);
        }
    }
    Some(LocalMoran {
        is,
        z,
        q,
        p_sim,
        z_sim,
        permutations,
    })
}

/// The Benjamini–Hochberg threshold as esda's `fdr`: sort the p-values, find the largest rank
/// `k` with `p_(k) < k·α/n`, and return `k·α/n`; without one, `α/n`. A p-value is significant
/// when it is below the threshold.
///
/// ```
/// use buurt_diagnose::stats::moran::fdr_threshold;
/// // n = 4, α = 0.05: bounds 0.0125, 0.025, 0.0375, 0.05; 0.03 < 0.0375 at rank 3.
/// assert!((fdr_threshold(&[0.001, 0.02, 0.03, 0.9], 0.05) - 0.0375).abs() < 1e-15);
/// ```
#[must_use]
pub fn fdr_threshold(p_values: &[f64], alpha: f64) -> f64 {
    let n = p_values.len();
    if n == 0 {
        return alpha;
    }
    let mut sorted = p_values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let nf = n as f64;
    (1..=n)
        .rev()
        .map(|k| (k, k as f64 * alpha / nf))
        .find(|&(k, bound)| sorted[k - 1] < bound)
        .map_or(alpha / nf, |(_, bound)| bound)
}

/// A LISA cluster label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cluster {
    /// A high value among high neighbours (hot spot).
    HighHigh,
    /// A low value among low neighbours (cold spot).
    LowLow,
    /// A high value among low neighbours (outlier).
    HighLow,
    /// A low value among high neighbours (outlier).
    LowHigh,
    /// Not significant at the chosen level (islands always).
    NotSignificant,
}

impl Cluster {
    /// The label as written in CSV and JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HighHigh => "high-high",
            Self::LowLow => "low-low",
            Self::HighLow => "high-low",
            Self::LowHigh => "low-high",
            Self::NotSignificant => "not-significant",
        }
    }
}

/// Cluster labels of a local Moran's I: a region's quadrant where its p-value is below `alpha`
/// (or, with `fdr`, below the Benjamini–Hochberg threshold of [`fdr_threshold`]), else not
/// significant.
#[must_use]
pub fn clusters(local: &LocalMoran, alpha: f64, fdr: bool) -> Vec<Cluster> {
    let threshold = if fdr {
        let ps: Vec<f64> = local.p_sim.iter().flatten().copied().collect();
        fdr_threshold(&ps, alpha)
    } else {
        alpha
    };
    local
        .p_sim
        .iter()
        .zip(&local.q)
        .map(|(p, q)| match (p, q) {
            (Some(p), q) if *p < threshold => match q {
                1 => Cluster::HighHigh,
                2 => Cluster::LowHigh,
                3 => Cluster::LowLow,
                _ => Cluster::HighLow,
            },
            _ => Cluster::NotSignificant,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_p_folds_to_the_smaller_tail() {
        assert!((pseudo_p(0, 999) - 0.001).abs() < 1e-15);
        assert!((pseudo_p(999, 999) - 0.001).abs() < 1e-15);
        assert!((pseudo_p(499, 999) - 0.5).abs() < 1e-15);
        assert!((pseudo_p(600, 999) - 0.4).abs() < 1e-15);
    }

    #[test]
    fn normal_tail() {
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-12);
        assert!((normal_sf(1.959_963_984_540_054) - 0.025).abs() < 1e-10);
        assert!((normal_sf(-1.0) - 0.841_344_746_068_542_9).abs() < 1e-10);
        // scipy.stats.norm.sf(6.619901385897345) / 2 = 1.7971928593231905e-11: the tail keeps
        // its relative precision.
        let tail = normal_sf(6.619_901_385_897_345);
        assert!(
            (tail / 1.797_192_859_323_190_5e-11 - 1.0).abs() < 1e-9,
            "{tail}"
        );
    }

    #[test]
    fn fdr_falls_back_to_bonferroni() {
        assert!((fdr_threshold(&[0.2, 0.3], 0.05) - 0.025).abs() < 1e-15);
    }
}
