//! Harmonisation across indelingen against PySAL's tobler 0.13.0: a hand-made case of two
//! squares split in four, and Almere's wijken of 2021 carried over to those of 2022 on the real
//! data. The tobler numbers were computed once with the scripts in `tests/tobler/` (see their
//! docstrings) and are frozen here. tobler keeps its intersection table in 32-bit floats, so
//! the two agree to about 1e-7 relative; the tolerance is 1e-6.
//!
//! Also: the RIVM wijken of indeling 2020 outside Almere have no polygons in the data (they
//! cannot be harmonised, and say so), and the profile of an Almere wijk carries its jeugdzorg
//! series across the 2021 → 2022 redivision on harmonised values.

use buurt_core::{Level, RegionCode};
use buurt_diagnose::DiagnoseError;
use buurt_diagnose::diagnose::harmonise::{Bridge, HarmoniseQuery, HarmonisedValue, harmonise};
use buurt_diagnose::diagnose::{Diagnose, GroupKey, render};
use buurt_diagnose::stats::interpolate::{self, Method, Overlap, Overlaps};
use buurt_tests::real_atlas;

fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-6 * b.abs().max(1.0);
    assert!((a - b).abs() <= tol, "{what}: buurt {a} vs tobler {b}");
}

/// `tests/tobler/squares.py`: A = [0,1]², B = [1,2]×[0,1]; T1 = [0,½]², T2 = [½,1½]×[0,½],
/// T3 = [½,1½]×[½,1], T4 = [1½,2½]×[0,1]; counts 100, 40; rates 10, 20; population 100, 300.
#[test]
fn squares_split_in_four_match_tobler() {
    let overlaps = Overlaps::from_areas(
        vec![1.0, 1.0],
        vec![0.25, 0.5, 0.5, 1.0],
        vec![
            Overlap::new(0, 0, 0.25),
            Overlap::new(0, 1, 0.25),
            Overlap::new(0, 2, 0.25),
            Overlap::new(1, 1, 0.25),
            Overlap::new(1, 2, 0.25),
            Overlap::new(1, 3, 0.5),
        ],
    );
    let tobler_extensive = [
        33.333_334_326_744_08,
        43.333_334_326_744_08,
        43.333_334_326_744_08,
        20.0,
    ];
    let tobler_intensive = [10.0, 15.0, 15.0, 20.0];
    let tobler_population = [10.0, 16.923_076_859_592_687, 16.923_076_859_592_687, 20.0];
    let counts = interpolate::extensive(&overlaps, &[Some(100.0), Some(40.0)]);
    let rates = interpolate::intensive(&overlaps, &[Some(10.0), Some(20.0)]);
    let weighted = interpolate::population_weighted(
        &overlaps,
        &[Some(10.0), Some(20.0)],
        &[Some(100.0), Some(300.0)],
    );
    for j in 0..4 {
        close(counts[j].value.unwrap(), tobler_extensive[j], "extensive");
        close(rates[j].value.unwrap(), tobler_intensive[j], "intensive");
        close(
            weighted[j].value.unwrap(),
            tobler_population[j],
            "population-weighted",
        );
    }
    assert!((rates[3].coverage - 0.5).abs() < 1e-12);
}

type Row = (&'static str, f64, f64, f64, f64, f64, f64);

/// code, inwoners (extensive), jeugdzorg_aantal (extensive), jeugdzorg (intensive),
/// jeugdzorg (population-weighted by inwoners_0_14), wmo_per_1000 (population-weighted by
/// inwoners), share of the target in WK003406 Almere Pampus (2021)
/// (`tests/tobler/almere.py`)
const TOBLER: [Row; 71] = [
    (
        "WK003401",
        472.20703223720193,
        11.539270868524909,
        9.299999445676804,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003402",
        557.4321907013655,
        13.621908612549305,
        9.299999445676804,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003403",
        498.1412670761347,
        12.173022888600826,
        9.299999445676804,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003404",
        815.5635703355074,
        19.929836504161358,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003405",
        721.1639758385718,
        17.623004084452987,
        9.299999445676804,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003406",
        1208.5831949487329,
        29.534013476222754,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003407",
        799.683268815279,
        19.541771337389946,
        9.299999445676804,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003408",
        729.0400061756372,
        17.81546976417303,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003409",
        678.0775059200823,
        16.570104798302054,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003410",
        6901.167186452076,
        168.6913550971076,
        9.268758136965335,
        9.29148698741901,
        77.6078483433049,
        0.0,
    ),
    (
        "WK003411",
        300.9316305350512,
        7.35383287537843,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003414",
        451.3358126208186,
        11.029243189841509,
        9.3,
        9.3,
        78.0,
        0.0,
    ),
    (
        "WK003415",
        2785.6845598714426,
        68.09394874842837,
        9.267216812074185,
        9.29105632364695,
        77.58796601137591,
        0.0,
    ),
    (
        "WK003416",
        5952.083473729144,
        144.94325652864063,
        9.274437996000053,
        9.239037763654157,
        77.1272950046809,
        0.0,
    ),
    (
        "WK003417",
        2653.818644126877,
        52.51124036498368,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003418",
        5523.805678896606,
        109.29981533437967,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003419",
        1798.3110458776355,
        35.58326933532953,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003420",
        3484.9540502391756,
        68.95695762708783,
        6.999999582767487,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003421",
        2864.545947154984,
        56.68091190047562,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003422",
        4513.016353063285,
        89.29927710443735,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003423",
        4890.579899456352,
        96.77014561370015,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003424",
        5990.381722263992,
        118.7712356634438,
        7.099049751460552,
        7.012323223645115,
        53.74247726786567,
        0.0,
    ),
    (
        "WK003425",
        966.8247957946733,
        19.13060990627855,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003426",
        5923.059392068535,
        117.19986824318767,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003427",
        4219.715684819967,
        83.49572231993079,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003428",
        6069.676482678424,
        120.10387563439508,
        7.000069488443842,
        7.0000820926166085,
        53.99675563913457,
        0.03712644742548275,
    ),
    (
        "WK003429",
        2595.053756600246,
        51.34845663793385,
        6.999999582767487,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003430",
        3971.7356092482805,
        79.00923646986485,
        7.01537779904902,
        7.018050507731913,
        53.27836671254862,
        0.0,
    ),
    (
        "WK003431",
        18203.56479115784,
        360.19483409821987,
        6.999999582767487,
        7.0,
        54.0,
        0.00019408918949862541,
    ),
    (
        "WK003432",
        1844.0131871541962,
        37.12855075020343,
        7.368448351323605,
        7.176532289741977,
        55.79410368869336,
        0.0,
    ),
    (
        "WK003434",
        677.4614161835052,
        13.404962446074933,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003435",
        1424.013109919615,
        28.177017620764673,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003436",
        1051.8076272355393,
        21.297638625837862,
        7.06574010103941,
        7.075796698441899,
        50.85258144766317,
        0.0,
    ),
    (
        "WK003437",
        3481.8929785350338,
        69.6031857514754,
        7.029335841536522,
        7.0342624628423565,
        52.61576825294648,
        0.0,
    ),
    (
        "WK003438",
        2743.9402892891667,
        55.17479664980783,
        7.343472544453107,
        7.162730042489872,
        55.643016178727834,
        0.0,
    ),
    (
        "WK003439",
        2064.028428401798,
        40.84103228524327,
        7.0,
        7.0,
        54.0,
        0.0,
    ),
    (
        "WK003440",
        22256.232451488613,
        441.7165972368093,
        7.0579660015180705,
        7.0273062293415345,
        54.22589348462832,
        0.0,
    ),
    (
        "WK003441",
        950.7283680327237,
        22.606597151607275,
        7.999999523162842,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003442",
        2475.6901039369404,
        58.867422845214605,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003443",
        2993.0975705757737,
        71.17043446749449,
        7.999999523162842,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003444",
        1356.7870132718235,
        32.26193564943969,
        7.999999523162842,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003445",
        2721.449434583774,
        64.07778248307295,
        7.952663455158472,
        7.945064136494453,
        49.29155330409173,
        0.0,
    ),
    (
        "WK003446",
        1617.4546158894373,
        38.34758463970502,
        7.985960818827152,
        7.983614839352966,
        49.087177091977814,
        0.0,
    ),
    (
        "WK003447",
        1389.2557877115905,
        33.03398424759507,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003448",
        1664.0775226335973,
        39.568746918812394,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003449",
        2230.8449097163975,
        53.04544797167182,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003450",
        1062.344032516703,
        25.26061532087624,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003451",
        1772.0394323486835,
        42.13588542304933,
        7.999999523162842,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003452",
        3567.355775870383,
        84.82525359839201,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003453",
        1474.919741610065,
        35.07091778330505,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003456",
        939.6252969000489,
        22.342586247250438,
        7.999999523162842,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003457",
        8366.347582182425,
        198.8302869504696,
        7.997443721396849,
        7.9970111193340605,
        49.01591620579495,
        0.0,
    ),
    (
        "WK003458",
        5758.3620957657695,
        136.92341212183237,
        8.0,
        8.0,
        49.0,
        0.0,
    ),
    (
        "WK003459",
        17254.30351088289,
        408.04252445232123,
        7.973805392161012,
        7.969491808173049,
        49.16216929475998,
        0.0,
    ),
    (
        "WK003460",
        655.493033695966,
        15.757914874702692,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003461",
        1114.048345219344,
        26.7814882658422,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003462",
        1215.8096366375685,
        29.227808341383934,
        7.499999552965164,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003463",
        2275.7434843480587,
        54.7083954513073,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003464",
        791.5226990357041,
        19.0280394628644,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003465",
        420.4547623824328,
        10.107644191011786,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003466",
        3362.156176790595,
        80.82552842795849,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003471",
        868.6371235921979,
        20.88185403496027,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003472",
        1051.3699224591255,
        25.27471214532852,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003473",
        358.50051588378847,
        8.618277115747333,
        7.5,
        7.5,
        25.0,
        0.0,
    ),
    (
        "WK003474",
        5522.360926719848,
        132.77885828516446,
        7.534686822071672,
        7.512965502697582,
        25.542859490322932,
        0.009067123982044229,
    ),
    (
        "WK003475",
        696.5912246704102,
        17.78085708618164,
        8.3,
        8.3,
        17.0,
        0.0,
    ),
    (
        "WK003476",
        613.6901426392433,
        15.553790754493093,
        8.296415452612564,
        8.269743312394432,
        18.165928538288654,
        0.0,
    ),
    (
        "WK003477",
        3100.6322184362216,
        78.9855508232722,
        8.29903822131455,
        8.293055488506011,
        17.94334639234614,
        0.0,
    ),
    (
        "WK003479",
        194.6870213611055,
        4.958676519408982,
        8.298920884076507,
        8.290762119559684,
        17.35807560136601,
        0.0,
    ),
    (
        "WK003485",
        2342.81978121875,
        59.44275917932828,
        8.324983879958745,
        8.384691948532957,
        24.205203163572975,
        0.0,
    ),
    (
        "WK003496",
        422.26519981515594,
        8.716977642616257,
        7.11933958530426,
        7.135045646386056,
        48.16062190259776,
        0.9759883740798888,
    ),
];

fn almere(indicator: &str) -> Vec<HarmonisedValue> {
    let h = harmonise(
        real_atlas(),
        &HarmoniseQuery {
            from: 2021,
            to: 2022,
            within: "GM0034".parse().unwrap(),
            level: Level::Wijk,
            indicator: Some(indicator),
            year: Some(2021),
        },
    )
    .unwrap();
    assert_eq!(h.source_layers, ["cartomap_almere_wijk_2021"]);
    assert_eq!(h.target_layers, ["tmap_nl_wijk_2022"]);
    assert_eq!((h.sources.len(), h.targets.len()), (6, 71));
    assert!(h.without_geometry.is_empty(), "{:?}", h.without_geometry);
    let codes: Vec<&str> = h.values.iter().map(|v| v.code.as_str()).collect();
    let tobler: Vec<&str> = TOBLER.iter().map(|r| r.0).collect();
    assert_eq!(codes, tobler);
    h.values
}

/// Compare one column of [`TOBLER`]; a target that Almere Pampus (no value) covers for more
/// than 1 % must be missing in buurt, every other one equal to tobler's.
fn compare(
    values: &[HarmonisedValue],
    column: fn(&Row) -> f64,
    pampus_missing: bool,
    what: &str,
) -> usize {
    let mut computed = 0;
    for (v, row) in values.iter().zip(&TOBLER) {
        if pampus_missing && row.6 > interpolate::MAX_MISSING_SHARE {
            assert_eq!(
                v.value, None,
                "{what} {}: Pampus covers {:.3}",
                v.code, row.6
            );
            assert_eq!(v.gap.as_deref(), Some("missing_source"));
            assert!(v.missing_reason.is_some(), "{what} {}", v.code);
        } else {
            close(
                v.value.unwrap_or(f64::NAN),
                column(row),
                &format!("{what} {}", v.code),
            );
            computed += 1;
        }
    }
    computed
}

#[test]
fn almere_2021_to_2022_matches_tobler() {
    let inwoners = almere("inwoners");
    assert!(inwoners.iter().all(|v| v.method == Method::Extensive));
    assert_eq!(compare(&inwoners, |r| r.1, false, "inwoners"), 71);
    // The whole 214 685 inhabitants of 2021 are handed out (tobler's allocate_total).
    let total: f64 = inwoners.iter().filter_map(|v| v.value).sum();
    assert!((total - 214_685.0).abs() < 1e-6, "{total}");
    // The coverage: the share of each 2022 wijk inside the 2021 outline (two independent
    // generalisations of the same boundary).
    let low = inwoners.iter().map(|v| v.coverage).fold(1.0, f64::min);
    assert!(low > 0.5 && low < 1.0, "{low}");

    let count = almere("jeugdzorg_aantal");
    let computed = compare(&count, |r| r.2, true, "jeugdzorg_aantal");
    // WK003428 (3.7 % in Pampus) and WK003496 (97.6 %) have no count; WK003474 (0.9 %) has.
    assert_eq!(computed, 69);

    let jeugdzorg = almere("jeugdzorg");
    assert!(
        jeugdzorg
            .iter()
            .all(|v| v.method == Method::PopulationWeighted
                && v.weight.as_deref() == Some("inwoners_0_14"))
    );
    // Pampus has no children: it weighs nothing, so no wijk is left without a rate.
    assert_eq!(compare(&jeugdzorg, |r| r.4, false, "jeugdzorg"), 71);

    let wmo = almere("wmo_per_1000");
    assert!(
        wmo.iter()
            .all(|v| v.method == Method::PopulationWeighted
                && v.weight.as_deref() == Some("inwoners"))
    );
    assert_eq!(compare(&wmo, |r| r.5, false, "wmo_per_1000"), 71);
}

/// The area-weighted mean (no population) on the same table, against tobler's intensive.
#[test]
fn almere_area_weighted_rates_match_tobler() {
    let atlas = real_atlas();
    let bridge = Bridge::new(atlas, "GM0034".parse().unwrap(), Level::Wijk, 2021, 2022).unwrap();
    let catalogue = atlas.catalogue().indicators();
    let indicator = catalogue.iter().position(|i| i.id == "jeugdzorg").unwrap() as u16;
    let dataset = atlas
        .cells()
        .datasets()
        .iter()
        .position(|d| d == "cbs_kwb_almere")
        .unwrap() as u16;
    let (values, reasons) = bridge
        .source_values(GroupKey {
            dataset,
            indicator,
            year: 2021,
        })
        .unwrap();
    // WK003406 Almere Pampus: no inhabitants, no figure.
    assert_eq!(values[5], None);
    assert!(reasons[5].is_some());
    let rates = interpolate::intensive(bridge.overlaps(), &values);
    let computed = rates
        .iter()
        .zip(&TOBLER)
        .filter(|(e, row)| {
            if row.6 > interpolate::MAX_MISSING_SHARE {
                assert_eq!(e.value, None);
                false
            } else {
                close(
                    e.value.unwrap_or(f64::NAN),
                    row.3,
                    &format!("intensive {}", row.0),
                );
                true
            }
        })
        .count();
    assert_eq!(computed, 69);
}

/// RIVM 50090NED is on indeling 2020; the national wijk polygons are of 2022. The data hold no
/// polygons of indeling 2020, so a gemeente whose wijk codes changed cannot be harmonised, and
/// says so instead of guessing.
#[test]
fn rivm_wijken_of_2020_have_no_polygons() {
    let atlas = real_atlas();
    let changed: Vec<RegionCode> = atlas
        .regions()
        .iter()
        .filter(|r| r.level == Level::Gemeente)
        .map(|r| r.key.code)
        .filter(|c| {
            let RegionCode::Gemeente(g) = c else {
                return false;
            };
            let indelingen = atlas.comparability().indelingen(*g);
            indelingen.iter().any(|i| i.year() == 2020)
                && indelingen.iter().any(|i| i.year() == 2022)
                && !atlas.comparable(
                    *g,
                    buurt_core::Indeling::new(2020),
                    buurt_core::Indeling::new(2022),
                )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(changed.len() > 20, "{}", changed.len());
    for gm in &changed {
        let result = harmonise(
            atlas,
            &HarmoniseQuery {
                from: 2020,
                to: 2022,
                within: *gm,
                level: Level::Wijk,
                indicator: Some("eenzaam_65plus"),
                year: None,
            },
        );
        // Almere too: its kwb rows of 2020 name 67 buurten against 69 in 2021, so the atlas does
        // not take indeling 2020 for the one of the 2021 polygons.
        match result {
            Err(DiagnoseError::NoGeometry {
                parameter,
                indeling,
                ..
            }) => {
                assert_eq!((parameter, indeling), ("from", 2020), "{gm}");
            }
            other => panic!("{gm}: {other:?}"),
        }
    }
}

/// The profile of an Almere wijk of 2022 shows its jeugdzorg trend across the redivision: 2021
/// on the old wijken carried over and flagged, the trend through it. (kwb 2018–2020 are on
/// indelingen with other buurt codes than 2021's, so the atlas has no polygons for them.)
#[test]
fn an_almere_wijk_profile_carries_jeugdzorg_across_the_redivision() {
    let atlas = real_atlas();
    let p = Diagnose::new(atlas).profile("WK003424", None).unwrap();
    let jz = p.indicators.iter().find(|i| i.id == "jeugdzorg").unwrap();
    let years: Vec<u16> = jz.series.iter().map(|s| s.year).collect();
    // 2025: the preliminary kwb release, not yet published.
    assert_eq!(years, [2021, 2022, 2023, 2024, 2025]);
    for s in &jz.series {
        let carried = s.harmonised.as_ref();
        assert_eq!(carried.is_some(), s.year < 2022, "{s:?}");
        assert!(s.comparable, "{s:?}");
        if let Some(h) = carried {
            assert_eq!(
                (h.from_indeling, h.method.as_str()),
                (2021, "population-weighted")
            );
            assert_eq!(h.weight.as_deref(), Some("inwoners_0_14"));
            assert!(h.coverage > 0.9, "{h:?}");
            assert!(!h.sources.is_empty());
        }
    }
    assert!(jz.series.iter().filter(|s| s.value.is_some()).count() >= 3);
    // 2021's carried value is the one `buurt harmonise` gives (and tobler, above).
    let row = TOBLER.iter().find(|r| r.0 == "WK003424").unwrap();
    close(jz.series[0].value.unwrap(), row.4, "profile 2021");
    let trend = jz.trend.as_ref().unwrap();
    assert_eq!((trend.from_year, trend.to_year), (2021, 2024));
    let note = trend.break_note.as_deref().unwrap();
    assert!(
        note.starts_with("reeks loopt door: 2021 omgerekend van de indeling 2021"),
        "{note}"
    );
    let md = render::markdown(&p);
    assert!(md.contains("2021: 7 %\\*"), "{md}");
    assert!(md.contains("Omgerekend naar deze indeling"), "{md}");
}
