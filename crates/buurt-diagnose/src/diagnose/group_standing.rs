//! Where every region of one level stands within its gemeente in one group (dataset, indicator,
//! year), computed once for the whole group: what a map colours by (index against the gemeente,
//! z-score, band) without building a full profile per feature.
//!
//! The numbers equal those of a [`Profile`](super::Profile) for regions whose gemeente publishes
//! its own row in the same source (CBS kwb, RIVM): index = value / gemeente × 100, z among the
//! regions of the same level in the same gemeente (population sd, at least three values), band
//! from that z ([`Band::of_z`]). For a gemeente, z is among all gemeenten and there is no index.

use std::collections::HashMap;

use buurt_core::Level;

use super::bands::Band;
use super::engine::{Engine, GroupKey};
use crate::stats::distribution::{mean_sd, z_score};

/// Fewer values than this give no z-score (as in profiles).
const MIN_VALUES_FOR_Z: usize = 3;

/// Key of the comparison set of gemeente-level regions: all of NL.
const ALL_GEMEENTEN: u32 = u32::MAX;

/// The standing of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CellStanding {
    /// value / gemeente value × 100.
    pub index_gemeente: Option<f64>,
    /// z among the same level within the gemeente.
    pub z_gemeente: Option<f64>,
    /// Band from `z_gemeente`.
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Copy)]
struct Comparison {
    /// The gemeente's own published value in this group.
    benchmark: Option<f64>,
    /// Mean and sd of the level's values in the gemeente, when there are enough.
    mean_sd: Option<(f64, f64)>,
}

/// Per-gemeente statistics of one level in one group.
#[derive(Debug, Clone)]
pub struct GroupStanding {
    group: GroupKey,
    level: Level,
    by_gemeente: HashMap<u32, Comparison>,
}

impl GroupStanding {
    /// Statistics of the regions of `level` in `group`.
    #[must_use]
    pub fn compute(engine: &Engine, group: GroupKey, level: Level) -> Self {
        let mut values: HashMap<u32, Vec<f64>> = HashMap::new();
        for c in engine.group(group) {
            let r = engine.cell_region[c];
            let v = engine.cell_value[c];
            if !v.is_finite() || engine.region_key(r).code.level() != level {
                continue;
            }
            let key = comparison_key(engine, level, r);
            if let Some(key) = key {
                values.entry(key).or_default().push(v);
            }
        }
        let by_gemeente = values
            .into_iter()
            .map(|(key, vals)| {
                let benchmark = (key != ALL_GEMEENTEN)
                    .then(|| engine.cell(group, key))
                    .flatten()
                    .map(|c| engine.cell_value[c])
                    .filter(|v| v.is_finite() && *v != 0.0);
                let stats = (vals.len() >= MIN_VALUES_FOR_Z)
                    .then(|| mean_sd(&vals))
                    .flatten();
                (
                    key,
                    Comparison {
                        benchmark,
                        mean_sd: stats,
                    },
                )
            })
            .collect();
        Self {
            group,
            level,
            by_gemeente,
        }
    }

    /// The group these statistics describe.
    #[must_use]
    pub fn group(&self) -> GroupKey {
        self.group
    }

    /// The standing of `cell` (a cell of this group and level); all `None` when its value is
    /// missing or it has no comparison set.
    #[must_use]
    pub fn of_cell(&self, engine: &Engine, cell: usize) -> CellStanding {
        let r = engine.cell_region[cell];
        let v = engine.cell_value[cell];
        if !v.is_finite() || engine.cell_missing[cell].is_some() {
            return CellStanding::default();
        }
        let Some(cmp) =
            comparison_key(engine, self.level, r).and_then(|k| self.by_gemeente.get(&k))
        else {
            return CellStanding::default();
        };
        let z = cmp.mean_sd.and_then(|(m, s)| z_score(v, m, s));
        CellStanding {
            index_gemeente: cmp.benchmark.map(|b| v / b * 100.0),
            z_gemeente: z,
            band: z.map(Band::of_z),
        }
    }
}

/// Which comparison set region `r` belongs to.
fn comparison_key(engine: &Engine, level: Level, r: u32) -> Option<u32> {
    if level == Level::Gemeente {
        Some(ALL_GEMEENTEN)
    } else {
        engine.parent_gemeente[r as usize]
    }
}
