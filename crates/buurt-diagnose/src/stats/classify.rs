//! Class breaks for choropleth maps, as mapclassify defines them: quantiles, Fisher-Jenks
//! natural breaks (exact, by dynamic programming) and equal intervals.

use serde::{Deserialize, Serialize};

/// A classification method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal counts per class.
    Quantile,
    /// Fisher-Jenks natural breaks: minimal within-class variance.
    Jenks,
    /// Equal width.
    Equal,
}

impl std::str::FromStr for Method {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quantile" => Ok(Self::Quantile),
            "jenks" => Ok(Self::Jenks),
            "equal" => Ok(Self::Equal),
            other => Err(format!(
                "unknown classification method '{other}' (expected quantile, jenks or equal)"
            )),
        }
    }
}

/// Upper bounds of each class (ascending; the last is the maximum). Fewer classes come back when
/// there are fewer distinct values than asked for.
///
/// ```
/// use buurt_diagnose::stats::classify::{Method, breaks};
/// let v = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0];
/// assert_eq!(breaks(&v, 3, Method::Jenks), vec![3.0, 12.0, 30.0]);
/// assert_eq!(breaks(&v, 2, Method::Equal), vec![15.5, 30.0]);
/// ```
#[must_use]
pub fn breaks(values: &[f64], classes: usize, method: Method) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || classes == 0 {
        return Vec::new();
    }
    v.sort_by(f64::total_cmp);
    let mut distinct = v.clone();
    distinct.dedup();
    let k = classes.min(distinct.len());
    let (min, max) = (v[0], v[v.len() - 1]);
    let mut out = match method {
        Method::Equal => (1..=k)
            .map(|i| min + (max - min) * i as f64 / k as f64)
            .collect(),
        Method::Quantile => (1..=k)
            .map(|i| {
                let pos = (v.len() as f64 * i as f64 / k as f64).ceil() as usize;
                v[pos.clamp(1, v.len()) - 1]
            })
            .collect(),
        Method::Jenks => jenks(&v, k),
    };
    out.dedup_by(|a, b| (*a - *b).abs() < f64::EPSILON);
    if let Some(last) = out.last_mut() {
        *last = max;
    }
    out
}

/// Fisher's exact optimal partition of sorted `v` into `k` classes (O(k·n²); fine for the ~14 000
/// buurten of the Netherlands when values are binned, see below).
fn jenks(v: &[f64], k: usize) -> Vec<f64> {
    // Above a few thousand values, classify the distinct values weighted by their counts on a
    // fine grid of quantiles; the breaks move by at most one grid step.
    let (xs, ws): (Vec<f64>, Vec<f64>) = if v.len() > 2000 {
        let step = v.len() as f64 / 1000.0;
        (0..1000)
            .map(|i| {
                let lo = (f64::from(i) * step) as usize;
                let hi = ((f64::from(i + 1) * step) as usize).min(v.len());
                let slice = &v[lo..hi.max(lo + 1)];
                (
                    slice.iter().sum::<f64>() / slice.len() as f64,
                    slice.len() as f64,
                )
            })
            .unzip()
    } else {
        (v.to_vec(), vec![1.0; v.len()])
    };
    let n = xs.len();
    // Prefix sums for the weighted within-class sum of squared deviations of xs[i..=j].
    let mut sw = vec![0.0; n + 1];
    let mut swx = vec![0.0; n + 1];
    let mut swx2 = vec![0.0; n + 1];
    for i in 0..n {
        sw[i + 1] = sw[i] + ws[i];
        swx[i + 1] = swx[i] + ws[i] * xs[i];
        swx2[i + 1] = swx2[i] + ws[i] * xs[i] * xs[i];
    }
    let ssd = |i: usize, j: usize| {
        let w = sw[j + 1] - sw[i];
        let s = swx[j + 1] - swx[i];
        (swx2[j + 1] - swx2[i]) - s * s / w
    };
    // cost[c][j]: best cost of putting xs[0..=j] into c+1 classes; start[c][j]: where the last class begins.
    let mut cost = vec![vec![f64::INFINITY; n]; k];
    let mut start = vec![vec![0usize; n]; k];
    for (j, c) in cost[0].iter_mut().enumerate() {
        *c = ssd(0, j);
    }
    for c in 1..k {
        for j in c..n {
            for i in c..=j {
                let candidate = cost[c - 1][i - 1] + ssd(i, j);
                if candidate < cost[c][j] {
                    cost[c][j] = candidate;
                    start[c][j] = i;
                }
            }
        }
    }
    let mut uppers = vec![0.0; k];
    let mut j = n - 1;
    for c in (0..k).rev() {
        uppers[c] = xs[j];
        if c > 0 {
            j = start[c][j] - 1;
        }
    }
    // Map binned means back to real values: the largest value not above the bin mean boundary.
    if xs.len() == v.len() {
        uppers
    } else {
        uppers
            .iter()
            .map(|u| v[v.partition_point(|x| x <= u).max(1) - 1])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_split_counts() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(
            breaks(&v, 4, Method::Quantile),
            vec![25.0, 50.0, 75.0, 100.0]
        );
        assert_eq!(breaks(&[5.0, 5.0, 5.0], 5, Method::Quantile), vec![5.0]);
        assert!(breaks(&[], 5, Method::Jenks).is_empty());
    }

    #[test]
    fn jenks_finds_obvious_groups_in_large_input() {
        let mut v = Vec::new();
        for i in 0..3000 {
            v.push(f64::from(i % 10)); // 0..9
            v.push(100.0 + f64::from(i % 10)); // 100..109
        }
        let b = breaks(&v, 2, Method::Jenks);
        assert_eq!(b.len(), 2);
        assert!(b[0] >= 9.0 && b[0] < 100.0, "{b:?}");
        assert!((b[1] - 109.0).abs() < 1e-12);
    }
}
