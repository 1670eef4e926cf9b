//! Table loaders on the real data in the shared data directory (`BUURT_DATA`, else
//! `../shared/data`). Each test prints a skip message and passes only when that directory is
//! absent; in CI it is present.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use buurt_core::{Catalogue, Indeling, Level, MissingReason, RegionCode, SourceTable, Value};
use buurt_io::TableDataset;
use buurt_io::tables::{
    GemeenteNames, load_cbs_85994_csv, load_kwb_stacked_csv, load_kwb_xlsx, load_nabijheid_csv,
    load_rivm_50090_dir, load_rivm_50090_xlsx, load_rivm_50140_csv, load_vektis_csv,
};
use support::{assert_skipped, data_dir, index, small_catalogue};

fn builtin() -> Catalogue {
    Catalogue::builtin().expect("the builtin catalogue parses")
}

fn observations(t: &TableDataset, code: &str, year: u16, indicator: u16) -> Vec<Value> {
    let code: RegionCode = code.parse().expect("a region code");
    t.observations
        .iter()
        .filter(|o| o.region == code && o.year == year && o.indicator == indicator)
        .map(|o| o.value)
        .collect()
}

fn one(t: &TableDataset, code: &str, year: u16, indicator: u16) -> Value {
    let found = observations(t, code, year, indicator);
    assert_eq!(
        found.len(),
        1,
        "{code} {year} indicator {indicator}: {found:?}"
    );
    found[0]
}

fn levels(t: &TableDataset) -> BTreeMap<Level, usize> {
    let mut out = BTreeMap::new();
    for r in &t.regions {
        *out.entry(r.level()).or_insert(0) += 1;
    }
    out
}

/// What [`levels`] must count: `[land, gemeenten, wijken, buurten]`, a level without regions
/// left out.
fn per_level(counts: [usize; 4]) -> BTreeMap<Level, usize> {
    Level::ALL
        .into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// The Utrecht kwb workbook of `year`.
fn kwb_utrecht(dir: &std::path::Path, year: u16, catalogue: &Catalogue) -> TableDataset {
    let path = dir.join(format!("CBS-Utrecht-kwb-{year}.xlsx"));
    load_kwb_xlsx(&path, year, catalogue).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn kwb_utrecht_2023_and_2024_name_122_regions() {
    let Some(dir) = data_dir("cbs_kwb_utrecht") else {
        return;
    };
    let catalogue = builtin();
    let inw = index(&catalogue, "inwoners");
    let jz = index(&catalogue, "jeugdzorg");
    let wmo = index(&catalogue, "wmo_per_1000");
    for (year, gemeente) in [(2023, 367_947.0), (2024, 374_238.0)] {
        let start = Instant::now();
        let t = kwb_utrecht(&dir, year, &catalogue);
        println!(
            "kwb {year}: {:?}, {} observations, problems {:#?}",
            start.elapsed(),
            t.observations.len(),
            t.problems
        );
        assert_eq!(t.id, format!("cbs_kwb_utrecht_{year}"));
        assert_eq!(t.rows, 122);
        assert_eq!(t.regions.len(), 122);
        assert_eq!(levels(&t), per_level([0, 1, 10, 111]));
        assert!(
            t.regions
                .iter()
                .all(|r| r.key.indeling == Indeling::new(year) && !r.name.is_empty())
        );
        assert_eq!(one(&t, "GM0344", year, inw), Value::Number(gemeente));
        // Preliminary releases: jeugdzorg and Wmo are '.' everywhere.
        for code in ["GM0344", "WK034401", "BU03440111"] {
            assert_eq!(
                one(&t, code, year, jz),
                Value::Missing(MissingReason::Suppressed)
            );
            assert_eq!(
                one(&t, code, year, wmo),
                Value::Missing(MissingReason::Suppressed)
            );
        }
        assert!(t.observations.iter().all(|o| !o.value.is_invalid()));
    }
}

/// Wijk counts against the sum of their buurten. CBS rounds every published wijk and buurt
/// count to a multiple of 5, so each differs from the true count by at most 2.5; the true wijk
/// total is the sum of the true buurt totals (buurten partition their wijk). Hence
/// |wijk − Σ buurten| ≤ 2.5 × (buurten + 1), the +1 for the wijk's own rounding; both sides are
/// multiples of 5.
#[test]
fn kwb_utrecht_wijken_equal_the_sum_of_their_buurten_within_rounding() {
    let Some(dir) = data_dir("cbs_kwb_utrecht") else {
        return;
    };
    let catalogue = builtin();
    let inw = index(&catalogue, "inwoners");
    for year in [2023, 2024] {
        let t = kwb_utrecht(&dir, year, &catalogue);
        let mut sums: BTreeMap<RegionCode, (f64, usize)> = BTreeMap::new();
        let mut wijken: BTreeMap<RegionCode, f64> = BTreeMap::new();
        for o in t.observations.iter().filter(|o| o.indicator == inw) {
            let v = o
                .value
                .number()
                .expect("a_inw is published for every region");
            match o.region {
                RegionCode::Buurt(b) => {
                    let e = sums.entry(RegionCode::Wijk(b.wijk())).or_insert((0.0, 0));
                    e.0 += v;
                    e.1 += 1;
                }
                RegionCode::Wijk(_) => {
                    wijken.insert(o.region, v);
                }
                _ => {}
            }
        }
        assert_eq!(wijken.len(), 10);
        for (wijk, published) in &wijken {
            let (sum, n) = sums[wijk];
            let bound = 2.5 * (n as f64 + 1.0);
            let diff = published - sum;
            println!(
                "{year} {wijk}: wijk {published}, Σ {n} buurten {sum}, diff {diff}, bound {bound}"
            );
            assert!(
                diff.abs() <= bound,
                "{year} {wijk}: {published} vs Σ {sum} over {n} buurten"
            );
            assert!(
                (diff % 5.0).abs() < 1e-9,
                "{year} {wijk}: rounded counts differ by a multiple of 5"
            );
        }
    }
}

#[test]
fn rivm_50090_all_files_all_regions() {
    let Some(dir) = data_dir("rivm_gezondheid_wijk_buurt_50090NED") else {
        return;
    };
    let catalogue = builtin();
    let start = Instant::now();
    let all = load_rivm_50090_dir(&dir, &catalogue).unwrap();
    let elapsed = start.elapsed();
    println!(
        "RIVM 50090NED, 8 files: {elapsed:?}, {} rows, {} observations, missing {:?}",
        all.rows,
        all.observations.len(),
        all.missing_by_reason()
    );
    assert_eq!(all.paths.len(), 8);
    assert_eq!(all.rows, 8 * 17_341);
    assert_eq!(all.regions.len(), 17_341);
    assert_eq!(levels(&all), per_level([1, 355, 3177, 13_808]));
    assert!(
        all.regions
            .iter()
            .all(|r| r.key.indeling == Indeling::new(2020))
    );
    let utrecht = all
        .regions
        .iter()
        .find(|r| r.key.code.as_str() == "GM0344")
        .unwrap();
    assert_eq!(utrecht.name, "Utrecht");
    assert!(all.problems.is_empty(), "{:#?}", all.problems);
    // Per file: every region once.
    let mut per_round: BTreeMap<
        (u16, buurt_core::AgeGroup),
        std::collections::HashSet<RegionCode>,
    > = BTreeMap::new();
    for o in &all.observations {
        per_round
            .entry((o.year, o.age_group))
            .or_default()
            .insert(o.region);
    }
    assert_eq!(
        per_round.len(),
        8,
        "{:?}",
        per_round.keys().collect::<Vec<_>>()
    );
    assert!(per_round.values().all(|regions| regions.len() == 17_341));

    let m65 = index(&catalogue, "mantelzorger_65plus");
    let e65 = index(&catalogue, "eenzaam_65plus");
    let m18 = index(&catalogue, "mantelzorger_18plus");
    assert_eq!(one(&all, "GM0344", 2020, m65), Value::Number(13.9));
    assert_eq!(one(&all, "GM0344", 2020, e65), Value::Number(53.3));
    for year in [2012, 2016, 2020] {
        assert!(one(&all, "GM0344", year, m18).number().is_some(), "{year}");
    }
    // Survey rounds without a question: every cell `NotMeasured` (Vrijwilligerswerk_33 in 2012).
    let vrijwilliger = index(&catalogue, "vrijwilligerswerk_18plus");
    let in_2012: Vec<_> = all
        .observations
        .iter()
        .filter(|o| o.indicator == vrijwilliger && o.year == 2012)
        .collect();
    assert_eq!(in_2012.len(), 17_341);
    assert!(
        in_2012
            .iter()
            .all(|o| o.value == Value::Missing(MissingReason::NotMeasured))
    );
    // The '.' cells the data README counts, where the catalogue maps all 35 columns.
    let suppressed = |year: u16, age: buurt_core::AgeGroup| {
        all.observations
            .iter()
            .filter(|o| {
                o.year == year
                    && o.age_group == age
                    && o.value == Value::Missing(MissingReason::Suppressed)
            })
            .count()
    };
    let mapped = |age: buurt_core::AgeGroup| {
        catalogue
            .from_table(SourceTable::Rivm50090)
            .filter(|(i, _)| i.age_group == age)
            .count()
    };
    assert_eq!(mapped(buurt_core::AgeGroup::Plus18), 35);
    assert_eq!(mapped(buurt_core::AgeGroup::Plus65), 35);
    assert_eq!(suppressed(2012, buurt_core::AgeGroup::Plus18), 17_200);
    assert_eq!(suppressed(2020, buurt_core::AgeGroup::Plus65), 56_480);
}

#[test]
fn rivm_50090_one_file_names_17341_regions() {
    let Some(dir) = data_dir("rivm_gezondheid_wijk_buurt_50090NED") else {
        return;
    };
    let start = Instant::now();
    let t = load_rivm_50090_xlsx(&dir.join("RIVM_gezondheid2020_65+.xlsx"), &builtin()).unwrap();
    println!("RIVM 2020 65+: {:?}", start.elapsed());
    assert_eq!(t.id, "rivm_50090_2020_65plus");
    assert_eq!(t.regions.len(), 17_341);
    assert_eq!(levels(&t)[&Level::Buurt], 13_808);
    assert_eq!(levels(&t)[&Level::Wijk], 3177);
    assert_eq!(levels(&t)[&Level::Gemeente], 355);
}

#[test]
fn almere_stacked_kwb_decodes_jeugdzorg_and_keeps_wmo() {
    let Some(dir) = data_dir("cbs_kwb_almere_2018_2025") else {
        return;
    };
    let catalogue = builtin();
    let start = Instant::now();
    let t = load_kwb_stacked_csv(&dir.join("CBS_Kerncijfers.csv"), &catalogue).unwrap();
    println!(
        "Almere stacked: {:?}, {} observations",
        start.elapsed(),
        t.observations.len()
    );
    for p in &t.problems {
        println!("  {}: {}", p.location, p.message);
    }
    assert_eq!(t.rows, 1536);
    let jz = index(&catalogue, "jeugdzorg");
    let wmo = index(&catalogue, "wmo_per_1000");
    let inw = index(&catalogue, "inwoners");
    assert_eq!(one(&t, "GM0034", 2018, jz), Value::Number(9.6));
    assert_eq!(one(&t, "GM0034", 2024, jz), Value::Number(11.7));
    assert_eq!(one(&t, "GM0034", 2018, wmo), Value::Number(53.0));
    assert_eq!(one(&t, "GM0034", 2024, wmo), Value::Number(42.0));
    assert_eq!(one(&t, "GM0034", 2018, inw), Value::Number(203_990.0));
    // The 2022 indeling reissued the codes: WK003401 is a region of both indelingen.
    let wk01: Vec<_> = t
        .regions
        .iter()
        .filter(|r| r.key.code.as_str() == "WK003401")
        .collect();
    assert_eq!(wk01.len(), 8, "one region per peildatum 2018–2025");
    let per_year = |year: u16| {
        t.regions
            .iter()
            .filter(|r| r.key.indeling == Indeling::new(year))
            .count()
    };
    assert_eq!(per_year(2018), 73);
    assert_eq!(per_year(2021), 76);
    assert_eq!(per_year(2022), 310);
    // Every decoded jeugdzorg value is a percentage, and agrees with the counts where they exist.
    let mut decoded = 0;
    let mut ambiguous = 0;
    for o in t.observations.iter().filter(|o| o.indicator == jz) {
        match o.value {
            Value::Number(v) => {
                decoded += 1;
                assert!((0.0..=100.0).contains(&v), "{o:?}");
            }
            Value::Missing(MissingReason::AmbiguousDecimal) => ambiguous += 1,
            _ => {}
        }
    }
    println!("jeugdzorg: {decoded} values, {ambiguous} ambiguous");
    // The data README counts 824 published p_jz_tn cells (2018–2024); the counts decide them all.
    assert_eq!((decoded, ambiguous), (824, 0));
    compare_with_derived(&t, &catalogue, &dir);
}

/// The data folder's own decoding (`derived/`, a Python script) of p_jz_tn and g_ink_pi must
/// agree wherever both decoded a value.
fn compare_with_derived(t: &TableDataset, catalogue: &Catalogue, dir: &std::path::Path) {
    let text = std::fs::read_to_string(dir.join("derived/almere_key_indicators_long.csv"))
        .expect("the derived long CSV");
    let ours: HashMap<(RegionCode, u16, u16), Value> = t
        .observations
        .iter()
        .map(|o| ((o.region, o.year, o.indicator), o.value))
        .collect();
    let ids = HashMap::from([
        ("p_jz_tn", index(catalogue, "jeugdzorg")),
        ("g_ink_pi", index(catalogue, "inkomen_per_inwoner")),
    ]);
    let mut agree = 0;
    let mut only_theirs = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (Some(&indicator), Ok(theirs)) = (ids.get(f[3]), f[6].parse::<f64>()) else {
            continue;
        };
        let code: RegionCode = f[2].parse().expect("a region code");
        let year: u16 = f[0].parse().expect("a year");
        match ours.get(&(code, year, indicator)) {
            Some(Value::Number(v)) => {
                assert!(
                    (v - theirs).abs() < 1e-9,
                    "{code} {year} {}: ours {v}, derived {theirs}",
                    f[3]
                );
                agree += 1;
            }
            Some(Value::Missing(MissingReason::AmbiguousDecimal)) => only_theirs += 1,
            other => panic!("{code} {year} {}: ours {other:?}, derived {theirs}", f[3]),
        }
    }
    println!(
        "derived/ decoding: {agree} values agree, {only_theirs} decoded there but ambiguous here"
    );
    assert!(agree > 1000, "{agree}");
}

#[test]
fn rivm_50140_gemeenten_of_2024() {
    let Some(dir) = data_dir("rivm_gezondheidsmonitor_jongvolwassenen_2024_50140NED") else {
        return;
    };
    let path = dir.join("50140NED_TypedDataSet_22092025_192544.csv");
    let catalogue = small_catalogue();
    let t = load_rivm_50140_csv(&path, &catalogue).unwrap();
    let m = index(&catalogue, "mantelzorger_16_25");
    assert_eq!(t.rows, 339);
    assert_eq!(levels(&t), per_level([1, 338, 0, 0]));
    assert_eq!(one(&t, "GM0344", 2024, m), Value::Number(3.9));
    assert_skipped(&t, &["1 with key CG", "25 with key GG"]);
    // With the shipped catalogue it loads too (whatever it maps from this table).
    let t = load_rivm_50140_csv(&path, &builtin()).unwrap();
    assert_eq!(t.rows, 339);
}

#[test]
fn cbs_85994_excerpt_utrecht() {
    let Some(dir) = data_dir("cbs_sociaal_domein_85994NED_excerpt") else {
        return;
    };
    let path = dir.join("85994NED_GM0344_2024_excerpt.csv");
    let catalogue = small_catalogue();
    let t = load_cbs_85994_csv(&path, &catalogue).unwrap();
    assert_eq!(t.rows, 12);
    assert_eq!(
        one(
            &t,
            "GM0344",
            2024,
            index(&catalogue, "clienten_alleen_jeugd")
        ),
        Value::Number(8970.0)
    );
    assert_eq!(t.regions.len(), 1);
    assert_eq!(t.regions[0].name, "Utrecht");
    let t = load_cbs_85994_csv(&path, &builtin()).unwrap();
    println!(
        "85994 with the shipped catalogue: {} observations, problems {:#?}",
        t.observations.len(),
        t.problems
    );
}

#[test]
fn nabijheid_utrecht_2023() {
    let Some(dir) = data_dir("cbs_kwb_utrecht") else {
        return;
    };
    let catalogue = builtin();
    let t = load_nabijheid_csv(
        &dir.join("CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv"),
        2023,
        &catalogue,
    )
    .unwrap();
    println!(
        "nabijheid: {} observations, problems {:#?}",
        t.observations.len(),
        t.problems
    );
    assert_eq!(t.rows, 123);
    assert_eq!(levels(&t), per_level([1, 1, 10, 111]));
    assert_eq!(
        t.regions
            .iter()
            .find(|r| r.key.code.as_str() == "WK034401")
            .unwrap()
            .name,
        "Wijk 01 West"
    );
    let supermarkt = index(&catalogue, "afstand_grote_supermarkt");
    assert_eq!(one(&t, "BU03440111", 2023, supermarkt), Value::Number(0.9));
    assert_eq!(one(&t, "GM0344", 2023, supermarkt), Value::Number(0.7));
    assert_eq!(one(&t, "NL01", 2023, supermarkt), Value::Number(1.0));
    // Health facilities are not published in this release.
    let huisarts = index(&catalogue, "afstand_huisartsenpraktijk");
    assert!(
        t.observations
            .iter()
            .filter(|o| o.indicator == huisarts)
            .all(|o| o.value == Value::Missing(MissingReason::Suppressed))
    );
}

/// The PDOK 2024 gemeente names, as a caller would build the index.
fn pdok_names() -> Option<GemeenteNames> {
    let dir = data_dir("pdok_gemeenten_2024")?;
    let text = std::fs::read_to_string(dir.join("gemeente_gegeneraliseerd.geojson"))
        .expect("the PDOK gemeenten");
    let json: serde_json::Value = serde_json::from_str(&text).expect("GeoJSON");
    let pairs: Vec<(String, buurt_core::GemeenteCode)> = json["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let name = p["statnaam"].as_str().expect("statnaam").to_owned();
            (
                name,
                p["statcode"]
                    .as_str()
                    .expect("statcode")
                    .parse()
                    .expect("a GM code"),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 342);
    Some(GemeenteNames::new(pairs))
}

#[test]
fn vektis_names_all_resolve_to_pdok_2024_gemeenten() {
    let Some(dir) = data_dir("vektis_zvw_gemeente_2023_derived") else {
        return;
    };
    let Some(names) = pdok_names() else { return };
    let catalogue = builtin();
    let benchmark = load_vektis_csv(
        &dir.join("outputs_tables_municipality_benchmark.csv"),
        &names,
        &catalogue,
    )
    .unwrap();
    let per_year = index(&catalogue, "zvw_kosten_per_verzekerdejaar");
    assert_eq!(benchmark.regions.len(), 342);
    assert!(
        !benchmark
            .problems
            .iter()
            .any(|p| p.message.contains("matches no gemeente")),
        "{:#?}",
        benchmark.problems
    );
    let Value::Number(v) = one(&benchmark, "GM0344", 2023, per_year) else {
        panic!("no value for Utrecht")
    };
    assert!((v - 2_658.847_421_704).abs() < 1e-6, "{v}");
    let breakdown = load_vektis_csv(
        &dir.join("outputs_tables_category_breakdown_all_municipalities.csv"),
        &names,
        &catalogue,
    )
    .unwrap();
    assert_eq!(breakdown.rows, 3762);
    assert_eq!(breakdown.regions.len(), 342);
    let gp = index(&catalogue, "zvw_kosten_per_verzekerdejaar_huisartsenzorg");
    let Value::Number(v) = one(&breakdown, "GM0344", 2023, gp) else {
        panic!("no value for Utrecht")
    };
    assert!((v - 261.049_349_999).abs() < 1e-6, "{v}");
    assert!(
        observations(&breakdown, "GM0344", 2023, per_year).is_empty(),
        "unfiltered sources skip the long table"
    );
    println!(
        "vektis problems: {:#?} / {:#?}",
        benchmark.problems, breakdown.problems
    );
}
