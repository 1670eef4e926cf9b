//! National coverage (issue 13): every wijk and gemeente of the Netherlands in the atlas, joined
//! to the data only where a code names the same area, on the real files.

use std::collections::BTreeSet;

use buurt_core::{Level, MissingReason, RegionCode};
use buurt_diagnose::diagnose::Diagnose;
use buurt_tests::real_atlas;
use buurt_tiles::choropleth::{IndicatorIx, newest_shapes, value_at};
use geo::{Area, BooleanOps};

fn code(s: &str) -> RegionCode {
    s.parse().expect("code")
}

fn coverage<'a>(dataset: &str, layer: &str) -> &'a buurt_diagnose::atlas::JoinCoverage {
    real_atlas()
        .report()
        .join_coverage
        .iter()
        .find(|j| j.dataset == dataset && j.layer == layer)
        .unwrap_or_else(|| panic!("no join coverage {dataset} × {layer}"))
}

#[test]
fn national_layers_are_read_whole_and_their_areas_match_the_file() {
    let report = real_atlas().report();
    for (layer, features) in [("tmap_nl_wijk_2022", 3340), ("tmap_nl_gemeente_2022", 345)] {
        let d = report
            .datasets
            .iter()
            .find(|d| d.id == layer)
            .expect("layer in report");
        assert_eq!(d.rows, features, "{layer}");
        let check = d.area_check.as_ref().expect("area check");
        assert_eq!(check.compared, features, "{layer}");
        assert!(
            (check.median_ratio - 1.0).abs() < 0.005,
            "{layer}: median polygon/stated area {}",
            check.median_ratio
        );
        // Generalised outlines of a few small wijken; never a systematic error.
        assert!(
            check.beyond_tolerance < features / 100,
            "{layer}: {check:?}"
        );
    }
    let table = report
        .datasets
        .iter()
        .find(|d| d.id == "cbs_kwb_nl_2022")
        .expect("kwb 2022 of all NL");
    assert_eq!(table.regions.get("wijk"), Some(&3340));
    assert_eq!(table.regions.get("gemeente"), Some(&345));
    // R's NA (CBS '.') stays a typed missing value.
    assert!(table.missing.get("empty").copied().unwrap_or(0) > 500);
}

#[test]
fn rivm_2020_joins_the_2022_wijken_only_where_the_gemeente_kept_its_wijken() {
    let rivm = coverage("rivm_50090", "tmap_nl_wijk_2022");
    assert_eq!(rivm.joined, 2777);
    assert_eq!(rivm.not_comparable.len(), 267);
    // Amersfoort went from 31 to 33 wijken: none of its 2020 wijk values is joined on code.
    assert!(rivm.not_comparable.iter().any(|c| c == "WK030701"));
    // Almere reissued WK003401…06 for other areas in 2022.
    assert!(rivm.not_comparable.iter().any(|c| c == "WK003401"));
    // Utrecht kept its ten wijken.
    assert!(!rivm.not_comparable.iter().any(|c| c.starts_with("WK0344")));
    let kwb = coverage("cbs_kwb_nl_2022", "tmap_nl_wijk_2022");
    assert_eq!(
        (kwb.joined, kwb.data_only.len(), kwb.geometry_only.len()),
        (3340, 0, 0)
    );
    let income = coverage("cbs_maatwerk_inkomen_2020", "tmap_nl_wijk_2022");
    assert!(income.joined > 3000, "{}", income.joined);
    // Gemeenten merged after 2022 have a 2022 polygon and no 2023 rows.
    let gm = coverage("cbs_maatwerk_inkomen_2020", "tmap_nl_gemeente_2022");
    assert_eq!(gm.geometry_only, ["GM0457", "GM0501", "GM0530", "GM0614"]);
    // A local layer is compared with its own gemeente only, not with the whole country.
    let local = coverage("rivm_50090", "gemeente_utrecht_gemeente_2013");
    assert_eq!((local.joined, local.data_only.len()), (1, 0));
}

#[test]
fn maatwerk_tables_read_their_cbs_layout() {
    let atlas = real_atlas();
    let ix = |id: &str| IndicatorIx::of(atlas.catalogue(), id).expect("indicator");
    let value = |c: &str, id: &str| {
        value_at(atlas, code(c), ix(id), None)
            .and_then(|v| v.value)
            .unwrap_or(f64::NAN)
    };
    // The README's sample: Overvecht 20,3 / 61,1 % / 8,0 %.
    assert!((value("WK034403", "inkomen_per_inwoner") - 20.3).abs() < 1e-9);
    assert!((value("WK034403", "huishoudens_laagste_inkomen") - 61.1).abs() < 1e-9);
    assert!((value("WK034403", "huishoudens_hoogste_inkomen") - 8.0).abs() < 1e-9);
    // 'Bronckhorst' starts like the 'Bron:' footer; it is a gemeente row all the same.
    assert!(value("GM1876", "personenautos_per_huishouden").is_finite());
    assert!(value("NL01", "inkomen_per_inwoner").is_finite());
}

#[test]
fn the_map_draws_every_gemeente_once_and_every_wijk() {
    let atlas = real_atlas();
    let gemeenten = newest_shapes(atlas, Level::Gemeente);
    let codes: BTreeSet<RegionCode> = gemeenten.iter().map(|s| s.code).collect();
    assert_eq!(gemeenten.len(), 342, "the 342 gemeenten of 2024");
    // Brielle, Hellevoetsluis and Westvoorne (2022) lie inside Voorne aan Zee (2024).
    for merged in ["GM0501", "GM0530", "GM0614"] {
        assert!(
            !codes.contains(&code(merged)),
            "{merged} drawn under GM1992"
        );
    }
    assert!(codes.contains(&code("GM1992")));
    // No two drawn gemeenten overlap by more than slivers of generalisation.
    let voorne = gemeenten
        .iter()
        .find(|s| s.code == code("GM1992"))
        .expect("GM1992");
    for s in &gemeenten {
        if s.code != voorne.code {
            let overlap = s
                .geometry_rd
                .intersection(&voorne.geometry_rd)
                .unsigned_area();
            assert!(
                overlap < 1e5,
                "{} overlaps Voorne aan Zee by {overlap} m²",
                s.code
            );
        }
    }
    let wijken = newest_shapes(atlas, Level::Wijk);
    let amersfoort = wijken
        .iter()
        .filter(|s| s.code.gemeente() == Some("GM0307".parse().expect("gm")))
        .count();
    assert_eq!(amersfoort, 33);
    assert!(wijken.len() >= 3340, "{}", wijken.len());
}

#[test]
fn an_amersfoort_wijk_has_a_profile_with_its_gemeente_and_nl_and_says_what_is_not_comparable() {
    let atlas = real_atlas();
    let profile = Diagnose::new(atlas)
        .profile("WK030701", None)
        .expect("profile");
    assert_eq!(profile.name, "Stadskern");
    assert_eq!(
        profile.parents.gemeente.as_ref().map(|g| g.code.as_str()),
        Some("GM0307")
    );
    let inwoners = profile
        .indicators
        .iter()
        .find(|i| i.id == "aandeel_65plus")
        .expect("aandeel 65+");
    assert_eq!(inwoners.year, 2022);
    assert!(inwoners.benchmarks.gemeente.is_some());
    // Nederland from the 345 gemeenten: CBS's published 20 % (19,9).
    let nl = inwoners.benchmarks.nl.expect("NL benchmark");
    assert!((nl - 19.9).abs() < 0.15, "{nl}");
    let total = profile
        .indicators
        .iter()
        .find(|i| i.id == "inwoners")
        .and_then(|i| i.benchmarks.nl)
        .expect("NL inwoners");
    assert!((total - 17_590_672.0).abs() < 0.5, "{total}");
    // RIVM's 2020 wijken of Amersfoort are other areas: said once, not joined.
    assert!(
        profile
            .indicators
            .iter()
            .all(|i| !i.id.starts_with("eenzaam"))
    );
    let note = profile.not_comparable.first().expect("a note");
    assert_eq!(note.indeling, 2020);
    assert!(note.text.contains("31 → 33 wijken"), "{}", note.text);
    // The map says the same per indicator.
    let ix = IndicatorIx::of(atlas.catalogue(), "eenzaam_65plus").expect("indicator");
    let cell = value_at(atlas, code("WK030701"), ix, None).expect("a reason");
    assert_eq!(cell.value, None);
    assert_eq!(cell.missing, Some(MissingReason::NotComparable));
    // Utrecht's wijken keep their RIVM values.
    let utrecht = value_at(atlas, code("WK034405"), ix, None).expect("Oost");
    assert!(utrecht.value.is_some());
}
