//! Per-group standings (index, z-score, band within the gemeente), computed on first use and
//! kept for the life of one loaded atlas while they fit: a tile needs them for every feature,
//! and one group costs a pass over all its cells.
//!
//! Kept in a [`ByteLru`] of [`STANDINGS_BYTES`]: every group and level of the national
//! catalogue would take some 500 MB (a buurt-level group holds a sorted set per wijk), and a
//! flood of tile requests for ever other indicators grew the process from 232 to 486 MB before
//! they were bounded (issue 15). A map shows a few groups at a time; an evicted one is computed
//! again in one pass.

use std::sync::Arc;

use buurt_core::{Indicator, Level};
use buurt_diagnose::atlas::{CellIndex, GroupKey};
use buurt_diagnose::diagnose::standing::GroupStanding;

use crate::lru::{ByteLru, Weigh};

/// Memory for standings: 32 MiB.
pub const STANDINGS_BYTES: usize = 32 << 20;

impl Weigh for GroupStanding {
    fn weight(&self) -> usize {
        self.heap_bytes()
    }
}

impl Weigh for (GroupKey, Level) {
    fn weight(&self) -> usize {
        0
    }
}

/// The standings computed so far, the least recently used dropped past [`STANDINGS_BYTES`].
#[derive(Debug)]
pub struct Standings {
    computed: ByteLru<(GroupKey, Level), GroupStanding>,
}

impl Default for Standings {
    fn default() -> Self {
        Self::with_budget(STANDINGS_BYTES)
    }
}

impl Standings {
    /// Standings kept within `bytes`.
    #[must_use]
    pub fn with_budget(bytes: usize) -> Self {
        Self {
            computed: ByteLru::new(bytes),
        }
    }

    /// The standing of `level` in `group`, computed now if it is not kept.
    pub fn get(
        &self,
        cells: &CellIndex,
        catalogue: &[Indicator],
        group: GroupKey,
        level: Level,
    ) -> Arc<GroupStanding> {
        if let Some(found) = self.computed.get(&(group, level)) {
            return found;
        }
        // Two requests may both compute it; both results are equal.
        let computed = Arc::new(GroupStanding::compute(cells, catalogue, group, level));
        self.computed.insert((group, level), Arc::clone(&computed));
        computed
    }

    /// Bytes held.
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.computed.bytes()
    }
}
