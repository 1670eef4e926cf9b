//! Per-group standings (index, z-score, band within the gemeente), computed on first use and
//! kept for the life of one loaded atlas: a tile needs them for every feature, and one group
//! costs a pass over all its cells.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use buurt_core::{Indicator, Level};
use buurt_diagnose::atlas::{CellIndex, GroupKey};
use buurt_diagnose::diagnose::standing::GroupStanding;

/// The standings computed so far. At most one entry per group and level of the catalogue, so
/// the map needs no eviction.
#[derive(Debug, Default)]
pub struct Standings {
    computed: Mutex<HashMap<(GroupKey, Level), Arc<GroupStanding>>>,
}

impl Standings {
    /// The standing of `level` in `group`, computed now if this is the first request for it.
    pub fn get(
        &self,
        cells: &CellIndex,
        catalogue: &[Indicator],
        group: GroupKey,
        level: Level,
    ) -> Arc<GroupStanding> {
        if let Some(found) = self.lock().get(&(group, level)) {
            return Arc::clone(found);
        }
        // Computed outside the lock: two requests may both compute it; both results are equal.
        let computed = Arc::new(GroupStanding::compute(cells, catalogue, group, level));
        Arc::clone(self.lock().entry((group, level)).or_insert(computed))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(GroupKey, Level), Arc<GroupStanding>>> {
        self.computed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
