//! Values buurt computes itself: ratios from a numerator and a denominator (`derived = true` in
//! the catalogue), and suppression below the catalogue's minimum population. Both happen before
//! the long table is built, so no channel downstream can see an unpublishable value.

use std::collections::HashMap;

use buurt_core::{Catalogue, Indeling, Indicator, MissingReason, RegionCode, Value};
use buurt_io::{Observation, TableDataset};

struct DerivedRule {
    target: u16,
    numerator: u16,
    denominator: u16,
    scale: f64,
    min: f64,
}

struct MinimumRule {
    denominator: u16,
    min: f64,
}

/// The catalogue position of the indicator `id` (as the cell index numbers indicators).
#[must_use]
pub fn index_of(indicators: &[Indicator], id: Option<&String>) -> Option<u16> {
    let id = id?;
    indicators
        .iter()
        .position(|i| &i.id == id)
        .and_then(|p| u16::try_from(p).ok())
}

/// The value of `numerator / denominator × scale`, or why there is none.
#[must_use]
pub(crate) fn ratio(numerator: Value, denominator: Value, scale: f64, min: f64) -> Value {
    let (n, d) = match (numerator, denominator) {
        (Value::Number(n), Value::Number(d)) => (n, d),
        (Value::Missing(r), _) | (_, Value::Missing(r)) => return Value::Missing(r),
        _ => return Value::Missing(MissingReason::Empty),
    };
    if d <= 0.0 {
        Value::Missing(MissingReason::NoDenominator)
    } else if d < min {
        Value::Missing(MissingReason::BelowMinimum)
    } else {
        Value::Number(n / d * scale)
    }
}

/// Add derived indicators to `t` and suppress values whose population is below the minimum.
pub(crate) fn derive_values(catalogue: &Catalogue, t: &mut TableDataset) {
    let present: std::collections::HashSet<u16> =
        t.observations.iter().map(|o| o.indicator).collect();
    let mut derived = Vec::new();
    let mut minimum: HashMap<u16, MinimumRule> = HashMap::new();
    for (i, ind) in catalogue.indicators().iter().enumerate() {
        let Ok(i) = u16::try_from(i) else { continue };
        let den = index_of(catalogue.indicators(), ind.denominator.as_ref());
        if ind.derived {
            if let (Some(numerator), Some(denominator)) = (
                index_of(catalogue.indicators(), ind.numerator.as_ref()),
                den,
            ) && present.contains(&numerator)
                && present.contains(&denominator)
            {
                derived.push(DerivedRule {
                    target: i,
                    numerator,
                    denominator,
                    scale: ind.scale,
                    min: f64::from(ind.min_population),
                });
            }
        } else if ind.min_population > 0
            && present.contains(&i)
            && let Some(denominator) =
                den.or_else(|| index_of(catalogue.indicators(), ind.weight.as_ref()))
            && present.contains(&denominator)
        {
            minimum.insert(
                i,
                MinimumRule {
                    denominator,
                    min: f64::from(ind.min_population),
                },
            );
        }
    }
    if derived.is_empty() && minimum.is_empty() {
        return;
    }
    let mut needed: std::collections::HashSet<u16> = derived
        .iter()
        .flat_map(|r| [r.numerator, r.denominator])
        .collect();
    needed.extend(minimum.values().map(|r| r.denominator));
    let mut groups: HashMap<(RegionCode, Indeling, u16), HashMap<u16, Value>> = HashMap::new();
    for o in &t.observations {
        if needed.contains(&o.indicator) {
            groups
                .entry((o.region, o.indeling, o.year))
                .or_default()
                .insert(o.indicator, o.value);
        }
    }
    let mut suppressed = 0usize;
    for o in &mut t.observations {
        let Some(rule) = minimum.get(&o.indicator) else {
            continue;
        };
        let Some(Value::Number(den)) = groups
            .get(&(o.region, o.indeling, o.year))
            .and_then(|g| g.get(&rule.denominator))
        else {
            continue;
        };
        if matches!(o.value, Value::Number(_)) && *den < rule.min {
            o.value = Value::Missing(MissingReason::BelowMinimum);
            suppressed += 1;
        }
    }
    let mut added = 0usize;
    for ((region, indeling, year), values) in &groups {
        for rule in &derived {
            let (Some(n), Some(d)) = (values.get(&rule.numerator), values.get(&rule.denominator))
            else {
                continue;
            };
            let ind = &catalogue.indicators()[usize::from(rule.target)];
            t.observations.push(Observation {
                region: *region,
                indeling: *indeling,
                year: *year,
                indicator: rule.target,
                age_group: ind.age_group,
                value: ratio(*n, *d, rule.scale, rule.min),
            });
            added += 1;
        }
    }
    tracing::debug!(dataset = %t.id, added, suppressed, "derived values");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_rules() {
        assert_eq!(
            ratio(Value::Number(340.0), Value::Number(1800.0), 100.0, 50.0),
            Value::Number(340.0 / 1800.0 * 100.0)
        );
        assert_eq!(
            ratio(Value::Number(5.0), Value::Number(45.0), 100.0, 50.0),
            Value::Missing(MissingReason::BelowMinimum)
        );
        assert_eq!(
            ratio(Value::Number(0.0), Value::Number(0.0), 100.0, 0.0),
            Value::Missing(MissingReason::NoDenominator)
        );
        assert_eq!(
            ratio(
                Value::Missing(MissingReason::Suppressed),
                Value::Number(100.0),
                100.0,
                0.0
            ),
            Value::Missing(MissingReason::Suppressed)
        );
    }
}
