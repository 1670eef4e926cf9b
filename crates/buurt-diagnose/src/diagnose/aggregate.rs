//! The value of a region, a user-defined area or a parent in one group: a region's own cell;
//! for an area (or a parent its source does not publish) the aggregate of its buurten: counts
//! summed, rates as ratio of sums, model estimates as a population-weighted mean.

use buurt_atlas::{CellIndex, GroupKey, index_of};
use buurt_core::{Aggregation, Indicator, Level, MissingReason, RegionKey};

/// What a profile is about.
pub(crate) enum Subject {
    /// A region; `keys` are its comparable region indices (one per indeling).
    Region { key: RegionKey, keys: Vec<u32> },
    /// A set of buurten, each with its comparable region indices.
    Area { buurten: Vec<Vec<u32>> },
}

/// A value with the region index it was read from (for parents) and its missing reason.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub value: f64,
    pub missing: Option<MissingReason>,
    /// A region whose parents apply (any buurt of an area).
    pub anchor: u32,
}

impl Subject {
    pub(crate) fn level(&self) -> Level {
        match self {
            Subject::Region { key, .. } => key.code.level(),
            Subject::Area { .. } => Level::Wijk,
        }
    }

    /// The value in a group, aggregated over the buurten for an area.
    pub(crate) fn find(
        &self,
        engine: &CellIndex,
        catalogue: &[Indicator],
        g: GroupKey,
    ) -> Option<Found> {
        match self {
            Subject::Region { keys, .. } => keys.iter().find_map(|&r| {
                engine.cell(g, r).map(|c| {
                    let (value, missing) = engine.cell_value(c);
                    Found {
                        value,
                        missing,
                        anchor: r,
                    }
                })
            }),
            Subject::Area { buurten } => aggregate_area(engine, catalogue, g, buurten),
        }
    }
}

pub(crate) fn group_value(
    engine: &CellIndex,
    g: GroupKey,
    region: u32,
) -> Option<(f64, Option<MissingReason>)> {
    engine.cell(g, region).map(|c| engine.cell_value(c))
}

/// The area's value in group `g`: counts summed, rates as ratio of sums, model estimates as a
/// weighted mean. Any buurt without a value makes the aggregate missing (a count or a ratio is
/// never completed or recomputed around a value the source left out), except for model
/// estimates and other means, which average over the buurten that have one (each published on
/// its own, so the mean shows nothing withheld).
///
/// The indicator's minimum population holds for areas as for buurten: the denominator of a
/// ratio, and the known weights (inwoners, huishoudens, …) of the buurten a mean rests on, must
/// reach it. Counts are sums of counts CBS rounded, so they stay on its rounding grid.
fn aggregate_area(
    engine: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    buurten: &[Vec<u32>],
) -> Option<Found> {
    let ind = &catalogue[usize::from(g.indicator)];
    let cells: Vec<(u32, f64, Option<MissingReason>)> = buurten
        .iter()
        .filter_map(|keys| {
            keys.iter()
                .find_map(|&r| group_value(engine, g, r).map(|(v, m)| (r, v, m)))
        })
        .collect();
    let anchor = cells.first()?.0;
    if cells.len() < buurten.len() {
        return Some(Found {
            value: f64::NAN,
            missing: Some(MissingReason::Empty),
            anchor,
        });
    }
    let first_missing = cells.iter().find_map(|c| c.2);
    let value = match ind.aggregation {
        Aggregation::Sum => {
            if let Some(m) = first_missing {
                return Some(Found {
                    value: f64::NAN,
                    missing: Some(m),
                    anchor,
                });
            }
            cells.iter().map(|c| c.1).sum()
        }
        Aggregation::RatioOfSums => {
            // Where the source left a buurt's ratio out (suppressed, not yet published, below
            // its minimum), the area's ratio is left out too: recomputed from the counts it
            // would publish what the source withheld, and the difference of two areas that
            // differ by that buurt would show the buurt's own ratio.
            if let Some(m) = first_missing {
                return Some(Found {
                    value: f64::NAN,
                    missing: Some(m),
                    anchor,
                });
            }
            let (Some(n), Some(d)) = (
                index_of(catalogue, ind.numerator.as_ref()),
                index_of(catalogue, ind.denominator.as_ref()),
            ) else {
                return None;
            };
            let sum = |ix: u16| -> Option<f64> {
                let gg = GroupKey { indicator: ix, ..g };
                cells
                    .iter()
                    .map(|c| {
                        group_value(engine, gg, c.0)
                            .map(|x| x.0)
                            .filter(|v| v.is_finite())
                    })
                    .sum()
            };
            match (sum(n), sum(d)) {
                (Some(num), Some(den)) if den >= f64::from(ind.min_population.max(1)) => {
                    num / den * ind.scale
                }
                (Some(_), Some(_)) => {
                    return Some(Found {
                        value: f64::NAN,
                        missing: Some(MissingReason::BelowMinimum),
                        anchor,
                    });
                }
                _ => {
                    return Some(Found {
                        value: f64::NAN,
                        missing: Some(first_missing.unwrap_or(MissingReason::NoDenominator)),
                        anchor,
                    });
                }
            }
        }
        Aggregation::PublishedParent | Aggregation::WeightedMean => {
            let weight = index_of(catalogue, ind.weight.as_ref());
            let mut num = 0.0;
            let mut den = 0.0;
            // The people behind the mean: only known weights count, so an unknown one can
            // never lift an area over the minimum.
            let mut population = 0.0;
            for (r, v, _) in cells.iter().filter(|c| c.1.is_finite()) {
                let known = weight.and_then(|w| weight_of(engine, w, g.year, *r));
                let w = known.unwrap_or(1.0);
                num += v * w;
                den += w;
                population += known.unwrap_or(0.0);
            }
            if den <= 0.0 {
                return Some(Found {
                    value: f64::NAN,
                    missing: Some(first_missing.unwrap_or(MissingReason::Empty)),
                    anchor,
                });
            }
            // The same minimum as for a buurt, over the buurten the mean rests on.
            if ind.min_population > 0 && population < f64::from(ind.min_population) {
                return Some(Found {
                    value: f64::NAN,
                    missing: Some(MissingReason::BelowMinimum),
                    anchor,
                });
            }
            num / den
        }
        Aggregation::None => return None,
    };
    Some(Found {
        value,
        missing: None,
        anchor,
    })
}

/// A weight for region `r` (e.g. inwoners): from any dataset, the year nearest to `year`.
fn weight_of(engine: &CellIndex, weight: u16, year: u16, r: u32) -> Option<f64> {
    let code = engine.region_key(r).code;
    engine
        .cells_of(code, weight)
        .into_iter()
        .map(|(g, c)| (g.year.abs_diff(year), engine.cell_value(c).0))
        .filter(|(_, v)| v.is_finite())
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

/// The value of parent `p` in group `g`: its published row, else computed from its children.
pub(crate) fn parent_value(
    engine: &CellIndex,
    catalogue: &[Indicator],
    g: GroupKey,
    p: Option<u32>,
) -> Option<f64> {
    let p = p?;
    if let Some((v, _)) = group_value(engine, g, p) {
        return v.is_finite().then_some(v);
    }
    // Not published in this source: aggregate the children the source has.
    let children: Vec<u32> = engine
        .group(g)
        .map(|c| engine.cell_regions()[c])
        .filter(|&r| {
            engine.parent_wijk(r) == Some(p)
                || (engine.parent_gemeente(r) == Some(p)
                    && engine.region_key(r).code.level() == Level::Wijk)
        })
        .collect();
    if children.is_empty() {
        return None;
    }
    let area = Subject::Area {
        buurten: children.into_iter().map(|c| vec![c]).collect(),
    };
    area.find(engine, catalogue, g)
        .and_then(|f| f.value.is_finite().then_some(f.value))
}
