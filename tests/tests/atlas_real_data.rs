//! The foundation's acceptance checks, on the real files in ../shared/data.

use std::collections::BTreeSet;

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode, RegionKey};
use buurt_diagnose::atlas::columns;
use buurt_tests::real_atlas;
use polars::prelude::*;

fn code(s: &str) -> RegionCode {
    s.parse().expect("a valid code")
}

fn codes_in(
    atlas: &buurt_diagnose::Atlas,
    dataset_or_layer: &str,
    level: Level,
) -> BTreeSet<RegionCode> {
    let mut out: BTreeSet<RegionCode> = atlas
        .regions()
        .iter()
        .filter(|r| {
            r.level == level
                && r.key.code.is_within(&code("GM0344"))
                && r.datasets.iter().any(|d| d == dataset_or_layer)
        })
        .map(|r| r.key.code)
        .collect();
    if let Some(layer) = atlas.layers().iter().find(|l| l.id == dataset_or_layer) {
        out.extend(
            layer
                .features
                .iter()
                .filter(|f| f.code.level() == level)
                .map(|f| f.code),
        );
    }
    out
}

#[test]
fn utrecht_joins_across_kwb_rivm_and_both_geometry_vintages() {
    let atlas = real_atlas();
    // Per level: how many regions, and the geometry layers that must name the same codes as
    // the first data table.
    let levels = [
        (
            Level::Buurt,
            111,
            ["cartomap_utrecht_buurt_2024", "gemeente_utrecht_buurt_2013"],
        ),
        (
            Level::Wijk,
            10,
            ["cartomap_utrecht_wijk_2024", "gemeente_utrecht_wijk_2013"],
        ),
    ];
    for (level, count, layers) in levels {
        let tables = ["cbs_kwb_utrecht_2023", "cbs_kwb_utrecht_2024", "rivm_50090"];
        let reference = codes_in(atlas, tables[0], level);
        assert_eq!(reference.len(), count, "{level:?}");
        for s in tables[1..].iter().chain(&layers) {
            assert_eq!(
                codes_in(atlas, s, level),
                reference,
                "{level:?} codes of {s}"
            );
        }
    }
    // The codes are comparable across every indeling in which Utrecht appears.
    let utrecht: GemeenteCode = "GM0344".parse().unwrap();
    for (a, b) in [(2013, 2024), (2020, 2023), (2020, 2024), (2023, 2024)] {
        assert!(
            atlas.comparable(utrecht, Indeling::new(a), Indeling::new(b)),
            "{a} vs {b}"
        );
    }
    // Every data table joins every geometry layer of Utrecht completely.
    let report = atlas.report();
    for j in report
        .join_coverage
        .iter()
        .filter(|j| j.layer.contains("utrecht") && j.level != "gemeente")
    {
        assert!(
            j.data_only.is_empty() && j.geometry_only.is_empty() && j.not_comparable.is_empty(),
            "{j:?}"
        );
        assert_eq!(j.joined, if j.level == "buurt" { 111 } else { 10 }, "{j:?}");
    }
    // Every Utrecht buurt of indeling 2024 has an area from the 2024 geometry.
    let total: f64 = atlas
        .regions_within(code("GM0344"), Level::Buurt, Indeling::new(2024))
        .iter()
        .map(|r| r.area_m2.unwrap())
        .sum();
    assert!((total / 1e6 - 99.248).abs() < 0.05, "{total}");
    // RIVM's indeling-2020 buurten take their geometry from a comparable layer.
    let key = RegionKey::new(code("BU03440111"), Indeling::new(2020));
    assert!(atlas.geometry_rd(&key).is_some());
}

#[test]
fn almere_2021_and_2022_wijken_are_kept_apart() {
    let atlas = real_atlas();
    let almere: GemeenteCode = "GM0034".parse().unwrap();
    assert!(!atlas.comparable(almere, Indeling::new(2021), Indeling::new(2022)));
    let old = RegionKey::new(code("WK003401"), Indeling::new(2021));
    let new = RegionKey::new(code("WK003401"), Indeling::new(2022));
    let (old_info, new_info) = (atlas.region(&old).unwrap(), atlas.region(&new).unwrap());
    assert_ne!(
        old_info.name, new_info.name,
        "Almere Haven vs Centrum Almere Haven"
    );
    // Each takes the geometry of its own vintage, and they differ a lot in size.
    let (a, b) = (old_info.area_m2.unwrap(), new_info.area_m2.unwrap());
    assert!(a > 5.0 * b, "2021 WK003401 {a} m² vs 2022 {b} m²");
    assert_eq!(
        atlas.geometry_layer_for(&old).unwrap().indeling,
        Indeling::new(2021)
    );
    assert_eq!(
        atlas.geometry_layer_for(&new).unwrap().indeling,
        Indeling::new(2022)
    );
    // The report names the redivision.
    assert!(
        atlas
            .report()
            .indeling_changes
            .iter()
            .any(|c| c.starts_with("GM0034: 2021 → 2022"))
    );
    // Regions per indeling: 6 wijken in 2021, 71 in 2022.
    assert_eq!(
        atlas
            .regions_within(code("GM0034"), Level::Wijk, Indeling::new(2021))
            .len(),
        6
    );
    assert_eq!(
        atlas
            .regions_within(code("GM0034"), Level::Wijk, Indeling::new(2022))
            .len(),
        71
    );
}

#[test]
fn published_parents_equal_the_sum_of_their_children_within_rounding() {
    let atlas = real_atlas();
    let checks: Vec<_> = atlas
        .report()
        .parent_checks
        .iter()
        .filter(|c| c.dataset.starts_with("cbs_kwb_utrecht") && c.indicator == "inwoners")
        .collect();
    assert_eq!(checks.len(), 4, "2023/2024 × wijk/gemeente: {checks:?}");
    for c in checks {
        assert!(c.failures.is_empty(), "{c:?}");
        assert_eq!(c.parents, if c.parent_level == "wijk" { 10 } else { 1 });
    }
    assert!(
        atlas
            .report()
            .parent_checks
            .iter()
            .all(|c| c.failures.is_empty())
    );
}

#[test]
fn all_of_the_netherlands_loads_from_rivm() {
    let atlas = real_atlas();
    let rivm = atlas
        .report()
        .datasets
        .iter()
        .find(|d| d.id == "rivm_50090")
        .unwrap();
    assert_eq!(rivm.regions.get("buurt"), Some(&13_808));
    assert_eq!(rivm.regions.get("wijk"), Some(&3_177));
    assert_eq!(rivm.regions.get("gemeente"), Some(&355));
    assert_eq!(rivm.regions.get("land"), Some(&1));
    assert_eq!(rivm.years, vec![2012, 2016, 2020]);
}

#[test]
fn long_table_holds_published_values_with_missing_reasons() {
    let atlas = real_atlas();
    let long = atlas.to_dataframe().unwrap();
    let df = long
        .clone()
        .lazy()
        .filter(
            col(columns::REGION)
                .eq(lit("GM0344"))
                .and(col(columns::INDICATOR).eq(lit("mantelzorger_65plus")))
                .and(col(columns::YEAR).eq(lit(2020))),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 1);
    let v = df
        .column(columns::VALUE)
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert!((v - 13.9).abs() < 1e-9, "{v}");
    // Suppressed and not-measured cells keep their reason.
    let reasons = long
        .clone()
        .lazy()
        .filter(col(columns::MISSING).is_not_null())
        .group_by([col(columns::MISSING)])
        .agg([len().alias("n")])
        .collect()
        .unwrap();
    let reasons = reasons
        .column(columns::MISSING)
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    let names: BTreeSet<String> = reasons
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    for r in ["suppressed", "not_measured", "empty"] {
        assert!(names.contains(r), "{names:?}");
    }
    // A value is either present or has a reason, never both or neither.
    let nulls = |name: &str| long.column(name).unwrap().null_count();
    assert_eq!(
        nulls(columns::VALUE),
        long.height() - nulls(columns::MISSING)
    );
}

#[test]
fn cache_round_trips_and_notices_changes() {
    let atlas = real_atlas();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("atlas");
    atlas.save_cache(&cache).unwrap();
    let data = buurt_io::paths::test_data_dir();
    let catalogue = atlas.catalogue().clone();
    assert_eq!(
        buurt_diagnose::Atlas::cache_status(&cache, &data, &catalogue),
        buurt_diagnose::CacheStatus::Fresh
    );
    let back = buurt_diagnose::Atlas::load_cache(&cache, catalogue).unwrap();
    assert_eq!(back.regions().len(), atlas.regions().len());
    if let Some((a, b)) = back
        .regions()
        .iter()
        .zip(atlas.regions())
        .find(|(a, b)| a != b)
    {
        panic!("region differs after the cache round trip:\n{a:?}\n{b:?}");
    }
    assert!(
        back.to_dataframe()
            .unwrap()
            .equals_missing(&atlas.to_dataframe().unwrap())
    );
    assert_eq!(back.layers().len(), atlas.layers().len());
    let key = RegionKey::new(code("BU03440111"), Indeling::new(2024));
    assert_eq!(back.geometry_rd(&key), atlas.geometry_rd(&key));
    // A different data directory (no files) makes the cache stale.
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        buurt_diagnose::Atlas::cache_status(&cache, empty.path(), back.catalogue()),
        buurt_diagnose::CacheStatus::Stale(_)
    ));
}
