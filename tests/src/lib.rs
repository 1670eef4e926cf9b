//! Shared helpers for buurt's workspace-level tests: the real atlas, built once per test binary.

use std::sync::OnceLock;

use buurt_core::Catalogue;
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::{IndicatorProfile, Profile};
use buurt_io::registry::{NoProgress, load_all};

/// The atlas built from the real data in `BUURT_DATA` (or `../shared/data`), once.
///
/// # Panics
/// When the real data do not validate: that is a test failure.
pub fn real_atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(|| {
        let dir = buurt_io::paths::test_data_dir();
        let catalogue = Catalogue::builtin().expect("builtin catalogue");
        let loaded = load_all(&dir, &catalogue, &NoProgress);
        match Atlas::build(catalogue, loaded) {
            Ok(atlas) => atlas,
            Err(e) => panic!("real data did not validate: {e}"),
        }
    })
}

/// The indicator `id` of a profile.
///
/// # Panics
/// When the profile has no such indicator: that is a test failure.
#[must_use]
pub fn indicator<'a>(p: &'a Profile, id: &str) -> &'a IndicatorProfile {
    p.indicators
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{} has no indicator {id}", p.code))
}
