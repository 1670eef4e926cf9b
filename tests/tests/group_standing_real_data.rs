//! The per-group standing that maps colour by equals the standing in the profiles, for every
//! buurt of Utrecht and every indicator of its profile, on the real files.

use std::collections::HashMap;

use buurt_core::Level;
use buurt_diagnose::diagnose::group_standing::GroupStanding;
use buurt_diagnose::diagnose::{Diagnose, GroupKey};
use buurt_tests::real_atlas;

#[test]
fn group_standing_equals_the_profiles() {
    let atlas = real_atlas();
    let diagnose = Diagnose::new(atlas).expect("the real atlas indexes");
    let engine = diagnose.engine();
    let catalogue = atlas.catalogue();
    let profiles = diagnose
        .profiles_within(
            "GM0344".parse().expect("a gemeente code"),
            Level::Buurt,
            None,
        )
        .expect("profiles of the Utrecht buurten");
    assert!(profiles.len() > 50, "{} Utrecht buurten", profiles.len());
    let mut standings: HashMap<GroupKey, GroupStanding> = HashMap::new();
    let (mut with_z, mut with_index) = (0, 0);
    for profile in &profiles {
        let code = profile.code.parse().expect("a region code");
        for p in &profile.indicators {
            let indicator = catalogue
                .indicators()
                .iter()
                .position(|i| i.id == p.id)
                .expect("a catalogue indicator");
            let Some((g, cell)) = engine
                .cells_of(code, u16::try_from(indicator).expect("u16"))
                .into_iter()
                .find(|(g, _)| {
                    g.year == p.year && engine.datasets()[usize::from(g.dataset)] == p.dataset
                })
            else {
                panic!("{} {}: no cell for the profile's value", profile.code, p.id);
            };
            let standing = standings
                .entry(g)
                .or_insert_with(|| GroupStanding::compute(engine, g, Level::Buurt))
                .of_cell(engine, cell);
            let what = format!("{} {} {}", profile.code, p.id, p.year);
            assert_eq!(
                standing.z_gemeente.is_some(),
                p.z_gemeente.is_some(),
                "{what}"
            );
            if let (Some(a), Some(b)) = (standing.z_gemeente, p.z_gemeente) {
                assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}");
                with_z += 1;
            }
            assert_eq!(standing.band, p.band, "{what}");
            if let (Some(a), Some(b)) = (standing.index_gemeente, p.index_gemeente) {
                assert!((a - b).abs() < 1e-9, "{what}: {a} vs {b}");
                with_index += 1;
            }
        }
    }
    assert!(with_z > 10_000, "{with_z} z-scores compared");
    assert!(with_index > 10_000, "{with_index} indices compared");
}
