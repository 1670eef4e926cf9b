//! Restoring decimal points that an export dropped (`9.6` written as `96`).
//!
//! The stacked Almere kwb export passed through a tool that removed the decimal point of every
//! one-decimal value, while values whose decimal was 0 were written as integers (`6.0` → `6`,
//! `10.0` → `10`). A raw integer `r` from a column with `d` published decimals is therefore
//! `r / 10^j` for some `j` in `0..=d`. The rules, in order:
//!
//! 1. **Ends in zero** (all units): the written text never ended in a decimal `0`, so a raw value
//!    ending in 0 was an integer: it is `r`. (`0` is 0.)
//! 2. **Range** (percent ≤ 100, per 1 000 ≤ 1 000): candidates outside the unit's range go;
//!    if one remains it is the value (`228` % → 22.8).
//! 3. **Cross-check** (all units, where the file holds the parts): the candidate nearest (by
//!    ratio) to a value computed from other columns, if within a factor √10 of it. Jeugdzorg:
//!    `100 × JongerenMetJeugdzorgInNatura / (k_0Tot15Jaar + 0.8 × k_15Tot25Jaar)` (jeugdzorg counts
//!    people under 23: 0–14 and 8 of the 10 years 15–24); household size:
//!    `AantalInwoners / HuishoudensTotaal`.
//! 4. **Anchor** (averages only: number, euro, thousand euro): the candidate within a factor √10
//!    of the column's median for that year. The median raw value divided by `10^d` is a robust
//!    anchor because nine in ten published decimals are non-zero, so most raws carry the factor;
//!    averages of the regions of one gemeente (household size 1.2–4, income per inhabitant 15–60
//!    k€) stay well within a factor √10 ≈ 3.2 of their median. Shares, rates, distances and
//!    densities spread wider (a buurt's jeugdzorg share can be 1.5 % or 15 % next to a gemeente's
//!    9.6 %), so they get no anchor and stay ambiguous without a cross-check. The rule checks
//!    its own premise per column and year: about one published value in ten has decimal 0 and
//!    is rightly read as written; if more than a quarter of the median-rule decodings read the
//!    raw value as written, values below the window were being taken for integers (the column
//!    spreads wider than √10, e.g. median wealth) and the rule is dropped for that column-year.
//! 5. Otherwise the value is ambiguous: [`buurt_core::MissingReason::AmbiguousDecimal`].

use std::f64::consts::LN_10;

use buurt_core::Unit;

/// How a value written without its decimal point was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DecimalRule {
    /// The raw number ends in 0 (or is a proper decimal number): it is the value.
    EndsInZero,
    /// Only one candidate lies within the unit's range.
    Range,
    /// The candidate nearest a value computed from other columns.
    CrossCheck,
    /// The candidate nearest the column's median (averages only).
    Anchor,
}

impl DecimalRule {
    /// The lower-case name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DecimalRule::EndsInZero => "ends_in_zero",
            DecimalRule::Range => "range",
            DecimalRule::CrossCheck => "cross_check",
            DecimalRule::Anchor => "anchor",
        }
    }
}

/// The largest value a unit allows, where there is one.
#[must_use]
pub fn unit_bound(unit: Unit) -> Option<f64> {
    match unit {
        Unit::Percent => Some(100.0),
        Unit::Per1000 => Some(1000.0),
        _ => None,
    }
}

/// Whether a column of this unit may be decoded against its median (averages, whose regions
/// stay within a factor √10 of each other).
#[must_use]
pub fn unit_uses_anchor(unit: Unit) -> bool {
    matches!(unit, Unit::Number | Unit::Euro | Unit::ThousandEuro)
}

/// The fewest integer raw values in a column-year for its median to serve as an anchor.
pub const MIN_ANCHOR_VALUES: usize = 5;

/// The anchor of a column-year: the median of its non-zero integer raw values divided by
/// `10^decimals`. `None` with fewer than [`MIN_ANCHOR_VALUES`] values, or when half or more end
/// in 0 (then the column does not look stripped, and the median would not carry the factor).
///
/// ```
/// use buurt_io::tables::decimals::column_anchor;
/// let household_sizes = [24.0, 19.0, 2.0, 23.0, 35.0, 21.0, 18.0];
/// assert_eq!(column_anchor(household_sizes, 1), Some(2.1));
/// assert_eq!(column_anchor([10.0, 20.0, 30.0, 40.0, 55.0], 1), None);
/// ```
pub fn column_anchor(raws: impl IntoIterator<Item = f64>, decimals: u8) -> Option<f64> {
    let mut values: Vec<f64> = raws
        .into_iter()
        .filter(|r| r.is_finite() && r.fract() == 0.0 && *r != 0.0)
        .map(f64::abs)
        .collect();
    if values.len() < MIN_ANCHOR_VALUES {
        return None;
    }
    let ending_in_zero = values.iter().filter(|r| *r % 10.0 == 0.0).count();
    if ending_in_zero * 2 >= values.len() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        f64::midpoint(values[n / 2 - 1], values[n / 2])
    };
    Some(median / 10f64.powi(i32::from(decimals)))
}

/// The largest share of median-rule decodings that may read the raw value as written before the
/// rule is judged unfit for the column (expected: about one in ten).
pub const MAX_AS_WRITTEN_SHARE: f64 = 0.25;

/// Whether the median rule fits a column-year: `as_written` has one entry per value the rule
/// decoded, `true` where it read the raw value as written. Fewer than [`MIN_ANCHOR_VALUES`]
/// decodings are not enough to judge and pass.
///
/// ```
/// use buurt_io::tables::decimals::anchor_is_consistent;
/// // Household sizes: 2 of 20 values were x.0.
/// assert!(anchor_is_consistent((0..20).map(|i| i < 2)));
/// // Wealth: 9 of 20 read as written, the low values were mistaken for integers.
/// assert!(!anchor_is_consistent((0..20).map(|i| i < 9)));
/// ```
pub fn anchor_is_consistent(as_written: impl IntoIterator<Item = bool>) -> bool {
    let (n, k) = as_written
        .into_iter()
        .fold((0usize, 0usize), |(n, k), w| (n + 1, k + usize::from(w)));
    n < MIN_ANCHOR_VALUES || k as f64 <= MAX_AS_WRITTEN_SHARE * n as f64
}

/// Decode a raw integer `raw` from a column with `decimals` published decimals.
///
/// `check` is a value computed from other columns (or `None`), `anchor` the column-year's
/// [`column_anchor`] (used only for averages). `None` means ambiguous.
///
/// ```
/// use buurt_core::Unit;
/// use buurt_io::tables::decimals::{DecimalRule, decode_stripped};
/// // Almere jeugdzorg 2024: 117 cannot be 117 %.
/// assert_eq!(decode_stripped(117.0, 1, Unit::Percent, None, None), Some((11.7, DecimalRule::Range)));
/// // 96 % or 9.6 %? The counts say 9.4 %.
/// assert_eq!(decode_stripped(96.0, 1, Unit::Percent, Some(9.4), None), Some((9.6, DecimalRule::CrossCheck)));
/// assert_eq!(decode_stripped(96.0, 1, Unit::Percent, None, None), None);
/// // A percentage never gets the median rule.
/// assert_eq!(decode_stripped(96.0, 1, Unit::Percent, None, Some(9.0)), None);
/// // Income per inhabitant (k€) against the column median 25.3.
/// assert_eq!(decode_stripped(24.0, 1, Unit::ThousandEuro, None, Some(25.3)), Some((24.0, DecimalRule::Anchor)));
/// ```
#[must_use]
pub fn decode_stripped(
    raw: f64,
    decimals: u8,
    unit: Unit,
    check: Option<f64>,
    anchor: Option<f64>,
) -> Option<(f64, DecimalRule)> {
    if !raw.is_finite() {
        return None;
    }
    if decimals == 0 || raw.fract() != 0.0 || raw % 10.0 == 0.0 {
        return Some((raw, DecimalRule::EndsInZero));
    }
    let sign = raw.signum();
    let magnitude = raw.abs();
    let mut candidates: Vec<f64> = (0..=i32::from(decimals))
        .map(|j| magnitude / 10f64.powi(j))
        .collect();
    if let Some(bound) = unit_bound(unit) {
        candidates.retain(|c| *c <= bound);
        match candidates.as_slice() {
            [] => return None,
            [one] => return Some((sign * one, DecimalRule::Range)),
            _ => {}
        }
    }
    if let Some(c) = check.and_then(|t| nearest(&candidates, t.abs())) {
        return Some((sign * c, DecimalRule::CrossCheck));
    }
    anchor
        .filter(|_| unit_uses_anchor(unit))
        .and_then(|t| nearest(&candidates, t.abs()))
        .map(|c| (sign * c, DecimalRule::Anchor))
}

/// The candidate nearest `target` by ratio, if within a factor √10 of it.
fn nearest(candidates: &[f64], target: f64) -> Option<f64> {
    if !(target.is_finite() && target > 0.0) {
        return None;
    }
    let distance = |c: f64| (c.ln() - target.ln()).abs();
    let best = candidates
        .iter()
        .copied()
        .filter(|c| *c > 0.0)
        .min_by(|a, b| distance(*a).total_cmp(&distance(*b)))?;
    (distance(best) < 0.5 * LN_10).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<(f64, DecimalRule)>, value: f64, rule: DecimalRule) {
        let (v, r) = a.unwrap_or_else(|| panic!("expected {value} by {rule:?}, got ambiguous"));
        assert!(
            (v - value).abs() < 1e-9 && r == rule,
            "got {v} by {r:?}, expected {value} by {rule:?}"
        );
    }

    #[test]
    fn ends_in_zero_is_an_integer() {
        close(
            decode_stripped(10.0, 1, Unit::Percent, None, None),
            10.0,
            DecimalRule::EndsInZero,
        );
        close(
            decode_stripped(100.0, 1, Unit::Percent, None, None),
            100.0,
            DecimalRule::EndsInZero,
        );
        close(
            decode_stripped(0.0, 1, Unit::Number, None, None),
            0.0,
            DecimalRule::EndsInZero,
        );
        close(
            decode_stripped(-30.0, 1, Unit::Number, None, None),
            -30.0,
            DecimalRule::EndsInZero,
        );
        // Already a decimal number, or a column without decimals: as written.
        close(
            decode_stripped(9.6, 1, Unit::Percent, None, None),
            9.6,
            DecimalRule::EndsInZero,
        );
        close(
            decode_stripped(53.0, 0, Unit::Per1000, None, None),
            53.0,
            DecimalRule::EndsInZero,
        );
    }

    #[test]
    fn percent_range_and_cross_check() {
        close(
            decode_stripped(244.0, 1, Unit::Percent, None, None),
            24.4,
            DecimalRule::Range,
        );
        close(
            decode_stripped(101.0, 1, Unit::Percent, None, None),
            10.1,
            DecimalRule::Range,
        );
        close(
            decode_stripped(1001.0, 1, Unit::Per1000, None, None),
            100.1,
            DecimalRule::Range,
        );
        // Within range: only a cross-check decides.
        assert_eq!(decode_stripped(15.0, 1, Unit::Percent, None, None), None);
        close(
            decode_stripped(15.0, 1, Unit::Percent, Some(1.7), None),
            1.5,
            DecimalRule::CrossCheck,
        );
        close(
            decode_stripped(15.0, 1, Unit::Percent, Some(13.2), None),
            15.0,
            DecimalRule::CrossCheck,
        );
        close(
            decode_stripped(6.0, 1, Unit::Percent, Some(5.1), None),
            6.0,
            DecimalRule::CrossCheck,
        );
        // A check that fits neither candidate decides nothing.
        assert_eq!(
            decode_stripped(15.0, 1, Unit::Percent, Some(80.0), None),
            None
        );
        assert_eq!(
            decode_stripped(15.0, 1, Unit::Percent, Some(0.0), None),
            None
        );
        // Nothing in range: ambiguous rather than a guess.
        assert_eq!(
            decode_stripped(12_345.0, 1, Unit::Percent, None, None),
            None
        );
    }

    #[test]
    fn averages_use_the_column_anchor() {
        // Household size: 2-digit raws are x.y, 1-digit raws x.0.
        close(
            decode_stripped(23.0, 1, Unit::Number, None, Some(2.3)),
            2.3,
            DecimalRule::Anchor,
        );
        close(
            decode_stripped(54.0, 1, Unit::Number, None, Some(2.3)),
            5.4,
            DecimalRule::Anchor,
        );
        close(
            decode_stripped(2.0, 1, Unit::Number, None, Some(2.3)),
            2.0,
            DecimalRule::Anchor,
        );
        // Income (k€): 253 → 25.3; 36 (written for 36.0) stays 36.
        close(
            decode_stripped(253.0, 1, Unit::ThousandEuro, None, Some(26.0)),
            25.3,
            DecimalRule::Anchor,
        );
        close(
            decode_stripped(36.0, 1, Unit::ThousandEuro, None, Some(34.6)),
            36.0,
            DecimalRule::Anchor,
        );
        // Far from the anchor: ambiguous.
        assert_eq!(
            decode_stripped(1155.0, 1, Unit::ThousandEuro, None, Some(36.0)),
            None
        );
        // A cross-check beats the anchor.
        close(
            decode_stripped(23.0, 1, Unit::Number, Some(23.5), Some(2.3)),
            23.0,
            DecimalRule::CrossCheck,
        );
        // Distances and densities get no anchor.
        assert_eq!(decode_stripped(23.0, 1, Unit::Km, None, Some(2.3)), None);
    }

    #[test]
    fn two_decimals_offer_three_candidates() {
        close(
            decode_stripped(1234.0, 2, Unit::Percent, None, None),
            12.34,
            DecimalRule::Range,
        );
        close(
            decode_stripped(96.0, 2, Unit::Percent, Some(0.9), None),
            0.96,
            DecimalRule::CrossCheck,
        );
        close(
            decode_stripped(-253.0, 1, Unit::ThousandEuro, None, Some(25.0)),
            -25.3,
            DecimalRule::Anchor,
        );
    }

    #[test]
    fn anchors_need_enough_stripped_values() {
        assert_eq!(column_anchor([23.0, 24.0, 22.0, 2.0], 1), None);
        assert_eq!(
            column_anchor([253.0, 262.0, 240.0, 300.0, 198.0, 0.0], 1),
            Some(25.3)
        );
        let a = column_anchor([96.0, 97.0, 107.0, 108.0, 117.0, 114.0], 1).unwrap();
        assert!((a - 10.75).abs() < 1e-9, "{a}");
    }
}
