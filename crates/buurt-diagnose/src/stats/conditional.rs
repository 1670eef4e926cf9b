//! The conditional permutations of local Moran's I, drawn once for all regions as esda's
//! `crand` does, and the permuted neighbour sums read from them.
//!
//! Region `i` keeps its value while its `k_i` neighbours' values are drawn without replacement
//! from the `n − 1` other regions. One table of `rows` random orderings of `max k_i + 1`
//! regions serves every region: region `i` takes, in each row, the first `k_i` regions other
//! than itself (the others in a uniform random order stay uniform when `i` is skipped, so
//! each region's test is a conditional permutation test; the tests of different regions share
//! rows, as esda's do). With equal weights in a row (row-standardised contiguity) a
//! permuted sum is a prefix sum of its row, computed once: region `i` then costs two passes
//! over one contiguous run of prefix sums (count and mean, then spread) plus a correction for
//! the few rows where it drew itself, instead of `rows · k_i` random draws and reads.

use super::rng::Rng;

/// The drawn table and its prefix sums over the values `z`.
#[derive(Debug)]
pub struct Draws<'a> {
    z: &'a [f64],
    rows: usize,
    width: usize,
    /// `rows × width` region numbers, each row without repeats.
    table: Vec<u32>,
    /// `(width + 1) × rows`, by prefix length: `prefix[t · rows + r]` is the sum of `z` over
    /// the first `t` regions of row `r` (laid out so one length is one contiguous run).
    prefix: Vec<f64>,
    /// Where each region appears: `at[at_start[i]..at_start[i + 1]]` holds (row, position).
    at_start: Vec<usize>,
    at: Vec<(u32, u32)>,
}

impl<'a> Draws<'a> {
    /// `rows` orderings of `max_k + 1` regions (at most `z.len()`) from `seed`.
    #[must_use]
    pub fn new(z: &'a [f64], max_k: usize, rows: usize, seed: u64) -> Self {
        let n = z.len();
        let width = (max_k + 1).min(n);
        let table = draw_table(n, width, rows, seed);
        let mut prefix = vec![0.0; (width + 1) * rows];
        for (r, row) in table.chunks_exact(width).enumerate() {
            let mut acc = 0.0;
            for (t, &j) in row.iter().enumerate() {
                prefix[t * rows + r] = acc;
                acc += z[j as usize];
            }
            prefix[width * rows + r] = acc;
        }
        // A counting sort of the table's entries by region.
        let mut at_start = vec![0usize; n + 1];
        for &j in &table {
            at_start[j as usize + 1] += 1;
        }
        for i in 0..n {
            at_start[i + 1] += at_start[i];
        }
        let mut next = at_start.clone();
        let mut at = vec![(0, 0); table.len()];
        for (e, &j) in table.iter().enumerate() {
            let slot = &mut next[j as usize];
            at[*slot] = ((e / width) as u32, (e % width) as u32);
            *slot += 1;
        }
        Self {
            z,
            rows,
            width,
            table,
            prefix,
            at_start,
            at,
        }
    }

    /// For each row, `Σ_t weights[t] · z[j_t]` over the first `weights.len()` regions of the
    /// row other than `i`: region `i`'s permuted neighbour sums, into `out` (one per row).
    ///
    /// # Panics
    ///
    /// When `weights` is longer than `max_k` or `out` is not one per row.
    pub fn lags(&self, i: usize, weights: &[f64], out: &mut [f64]) {
        let k = weights.len();
        let rows = self.rows;
        assert!(
            k < self.width || k == 0,
            "{k} neighbours, drawn {}",
            self.width
        );
        assert_eq!(out.len(), rows);
        let first = weights.first().copied().unwrap_or(0.0);
        if weights.iter().all(|w| w.to_bits() == first.to_bits()) {
            // Equal weights: w · (prefix of length k), or where i is among the first k of a
            // row, the prefix of length k + 1 without i.
            let sums = &self.prefix[k * rows..(k + 1) * rows];
            for (o, s) in out.iter_mut().zip(sums) {
                *o = first * s;
            }
            let longer = &self.prefix[(k + 1) * rows..(k + 2) * rows];
            let zi = self.z[i];
            for &(r, pos) in &self.at[self.at_start[i]..self.at_start[i + 1]] {
                if (pos as usize) < k {
                    let r = r as usize;
                    out[r] = first * (longer[r] - zi);
                }
            }
        } else {
            for (o, row) in out.iter_mut().zip(self.table.chunks_exact(self.width)) {
                *o = row
                    .iter()
                    .filter(|&&j| j as usize != i)
                    .zip(weights)
                    .map(|(&j, w)| w * self.z[j as usize])
                    .sum();
            }
        }
    }
}

/// What a region's permuted statistics come to: how many count as at least the observed one,
/// their mean and their standard deviation (`ddof = 0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Statistics at least as large as the observed one.
    pub larger: usize,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation (NaN or 0 when they are all equal).
    pub sd: f64,
}

impl Draws<'_> {
    /// The permuted statistics `scale · lag_r` of region `i` (`lag_r` as [`Draws::lags`]),
    /// summarised; `larger` counts those for which `at_least` holds. With equal weights the
    /// statistics are never stored: two passes over the prefix sums of length `k`, adjusted
    /// for the few rows where `i` drew itself; else `buf` (one per row) holds them.
    pub fn summary(
        &self,
        i: usize,
        weights: &[f64],
        scale: f64,
        at_least: impl Fn(f64) -> bool,
        buf: &mut [f64],
    ) -> Summary {
        let k = weights.len();
        let rows = self.rows;
        let pf = rows as f64;
        let first = weights.first().copied().unwrap_or(0.0);
        if k == 0 || weights.iter().any(|w| w.to_bits() != first.to_bits()) {
            self.lags(i, weights, buf);
            let mut larger = 0;
            let mut total = 0.0;
            for &l in buf.iter() {
                let sim = scale * l;
                larger += usize::from(at_least(sim));
                total += sim;
            }
            let mean = total / pf;
            let ss: f64 = buf.iter().map(|&l| (scale * l - mean).powi(2)).sum();
            return Summary {
                larger,
                mean,
                sd: (ss / pf).sqrt(),
            };
        }
        let c = scale * first;
        let sums = &self.prefix[k * rows..(k + 1) * rows];
        let longer = &self.prefix[(k + 1) * rows..(k + 2) * rows];
        let zi = self.z[i];
        // The rows where i is among the first k: (the statistic as read, the one it is).
        let fixes = self.at[self.at_start[i]..self.at_start[i + 1]]
            .iter()
            .filter(|&&(_, pos)| (pos as usize) < k)
            .map(|&(r, _)| (c * sums[r as usize], c * (longer[r as usize] - zi)));
        let mut larger = 0;
        let mut total = 0.0;
        for &s in sums {
            let sim = c * s;
            larger += usize::from(at_least(sim));
            total += sim;
        }
        for (read, is) in fixes.clone() {
            larger = larger + usize::from(at_least(is)) - usize::from(at_least(read));
            total += is - read;
        }
        let mean = total / pf;
        let mut ss: f64 = sums.iter().map(|&s| (c * s - mean).powi(2)).sum();
        for (read, is) in fixes {
            ss += (is - mean).powi(2) - (read - mean).powi(2);
        }
        Summary {
            larger,
            mean,
            sd: (ss / pf).sqrt(),
        }
    }
}

/// `rows` random orderings of `k` regions out of `0..m` from `seed`, one after another
/// (`rows · k` entries): a partial Fisher–Yates per row on one running permutation, which
/// leaves each row's first `k` a uniform random ordering whatever came before.
fn draw_table(m: usize, k: usize, rows: usize, seed: u64) -> Vec<u32> {
    let mut rng = Rng::new(seed);
    let mut pool: Vec<u32> = (0..m as u32).collect();
    let mut table = Vec::with_capacity(rows * k);
    for _ in 0..rows {
        rng.partial_shuffle(&mut pool, k);
        table.extend_from_slice(&pool[..k]);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_of_the_table_is_a_uniform_sample_without_replacement() {
        let table = draw_table(10, 4, 500, 3);
        assert_eq!(table.len(), 2000);
        let mut seen = [0usize; 10];
        for row in table.chunks_exact(4) {
            let mut distinct = row.to_vec();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), 4, "{row:?}");
            for &p in row {
                seen[p as usize] += 1;
            }
        }
        // 200 expected per region, standard deviation 13.
        assert!(seen.iter().all(|c| (140..260).contains(c)), "{seen:?}");
        assert_eq!(draw_table(10, 4, 50, 3), table[..200]);
    }

    /// The summary without storing equals the one over the stored statistics.
    #[test]
    fn summary_equals_the_statistics_stored() {
        let z = [-1.5, -0.5, 0.2, 0.4, 1.1, 0.3, 2.0];
        let draws = Draws::new(&z, 3, 999, 11);
        let mut buf = vec![0.0; 999];
        for i in 0..z.len() {
            for k in 1..=3 {
                let w = vec![1.0 / k as f64; k];
                let observed = 0.1 * i as f64 - 0.2;
                let test = |s: f64| s >= observed;
                let quick = draws.summary(i, &w, 1.7, test, &mut buf);
                draws.lags(i, &w, &mut buf);
                let sims: Vec<f64> = buf.iter().map(|l| 1.7 * l).collect();
                let mean = sims.iter().sum::<f64>() / 999.0;
                let sd = (sims.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / 999.0).sqrt();
                assert_eq!(quick.larger, sims.iter().filter(|&&s| test(s)).count());
                assert!((quick.mean - mean).abs() < 1e-12, "{i} {k}");
                assert!((quick.sd - sd).abs() < 1e-12, "{i} {k}");
            }
        }
    }

    /// The prefix-sum path and the direct sums agree, and region i never draws itself.
    #[test]
    fn permuted_sums_skip_the_region_itself() {
        let z = [1.0, 10.0, 100.0, 1000.0, 10_000.0, 100_000.0];
        let draws = Draws::new(&z, 3, 200, 7);
        let mut equal = vec![0.0; 200];
        let mut unequal = vec![0.0; 200];
        for i in 0..z.len() {
            draws.lags(i, &[0.5, 0.5, 0.5], &mut equal);
            // Nearly equal: the direct path, same sums up to the weights.
            draws.lags(i, &[0.5, 0.5, 0.500_000_000_000_1], &mut unequal);
            for (r, (e, u)) in equal.iter().zip(&unequal).enumerate() {
                assert!((e - u).abs() <= 1e-9 * e.abs(), "row {r}: {e} vs {u}");
                // Decimal digits tell which regions were summed: never i, three distinct.
                let digits = (e * 2.0).round() as u64;
                let mut count = 0;
                for (j, zj) in z.iter().enumerate() {
                    let has = (digits / *zj as u64) % 10 == 1;
                    assert!(
                        !(has && j == i),
                        "region {i} drew itself in row {r}: {digits}"
                    );
                    count += usize::from(has);
                }
                assert_eq!(count, 3, "row {r} of region {i}: {digits}");
            }
        }
    }
}
