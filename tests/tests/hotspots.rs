//! Hot spots (global and local Moran's I) against PySAL's esda 2.9.0: a hand-made 3×3 grid and
//! Utrecht's buurten on the real data. The esda numbers were computed once with the scripts in
//! `tests/esda/` (see their docstrings) and are frozen here. I, EI, VI, z and the local Is are
//! deterministic and compared to 1e-9; permutation p-values cannot match draw for draw across
//! random generators, so they are compared within a tolerance of a few standard errors.

use buurt_diagnose::stats::moran::{self, Cluster};
use buurt_diagnose::stats::weights::{self, SpatialWeights};
use geo_types::{MultiPolygon, polygon};

fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: buurt {a} vs esda {b}");
}

fn square(x: f64, y: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: x, y: y),
        (x: x + 100.0, y: y),
        (x: x + 100.0, y: y + 100.0),
        (x: x, y: y + 100.0),
        (x: x, y: y),
    ]])
}

/// The 3×3 grid of 100 m squares, numbered row by row as libpysal's `lat2W(3, 3, rook=False)`.
fn grid() -> SpatialWeights {
    let shapes: Vec<_> = (0..9)
        .map(|k| square(f64::from(k % 3) * 100.0, f64::from(k / 3) * 100.0))
        .collect();
    weights::queen(&shapes.iter().collect::<Vec<_>>(), 0.0).row_standardised()
}

/// Values without ties between subset sums of neighbours (but for the centre, whose neighbours
/// are all others), so that permutation p-values do not hinge on float rounding.
const GRID_Y: [f64; 9] = [1.1, 2.3, 3.7, 2.0, 4.4, 5.2, 3.05, 5.9, 9.6];

/// `tests/esda/grid.py`: `Moran(y, lat2W(3, 3, rook=False), permutations=9999)` after
/// `np.random.seed(1)`.
#[test]
fn grid_global_moran_matches_esda() {
    let m = moran::global(&GRID_Y, &grid(), 9999, 1).expect("defined");
    close(m.i, 0.286_794_645_367_636_77, 1e-12, "I");
    close(m.ei, -0.125, 1e-15, "EI");
    close(m.vi_norm, 0.020_862_654_320_987_647, 1e-12, "VI_norm");
    close(m.z_norm, 2.850_991_444_415_163_4, 1e-9, "z_norm");
    close(m.p_norm, 0.004_358_314_215_284_196, 1e-9, "p_norm");
    // esda: p_sim 0.0001, EI_sim -0.12585104374524336, seI_sim 0.1322283630000966.
    let p = m.p_sim.expect("permutations drawn");
    assert!(p <= 0.001, "p_sim {p}");
    close(
        m.ei_sim.expect("drawn"),
        -0.125_851_043_745_243_36,
        0.005,
        "EI_sim",
    );
    close(
        m.se_sim.expect("drawn"),
        0.132_228_363_000_096_6,
        0.005,
        "seI_sim",
    );
}

/// `tests/esda/grid.py`: `Moran_Local(y, w, permutations=9999, seed=1)`.
#[test]
fn grid_local_moran_matches_esda() {
    let esda_is = [
        0.571_634_097_192_933_2,
        0.239_807_863_536_248_28,
        0.011_476_639_017_760_923,
        0.256_197_572_519_799_6,
        -0.001_293_992_220_816_362,
        0.167_737_007_357_420_6,
        0.006_429_542_152_865_672,
        0.190_149_491_541_309_22,
        0.852_218_941_843_572_5,
    ];
    let esda_q = [3, 3, 3, 3, 4, 1, 3, 1, 1];
    let esda_p = [
        0.0539, 0.0824, 0.4562, 0.1027, 0.0001, 0.0342, 0.4961, 0.0856, 0.0192,
    ];
    let esda_z_sim = [
        1.458_913_098_052_523_6,
        1.513_960_511_030_594,
        0.194_861_737_237_661_56,
        1.490_147_259_008_937,
        -1.731_585_680_733_383,
        1.577_385_038_379_864_4,
        0.150_347_331_641_982_7,
        1.275_111_682_553_896,
        2.253_904_826_861_805,
    ];
    let l = moran::local(&GRID_Y, &grid(), 9999, 1).expect("defined");
    for i in 0..9 {
        close(l.is[i], esda_is[i], 1e-12, &format!("Is[{i}]"));
        assert_eq!(l.q[i], esda_q[i], "q[{i}]");
        // 9999 draws: the standard error of p is at most 0.005. The centre's neighbours are
        // all 8 others: every permutation ties with the observed I, folded to the minimum.
        let p = l.p_sim[i].expect("not an island");
        close(p, esda_p[i], 0.02, &format!("p_sim[{i}]"));
        if i == 4 {
            continue; // z_sim is ±inf or NaN there (zero spread)
        }
        close(
            l.z_sim[i].expect("drawn"),
            esda_z_sim[i],
            0.1,
            &format!("z_sim[{i}]"),
        );
    }
    // At α = 0.05: the centre an outlier (esda: p 0.0001, q 4), the corner with 9.6 a hot spot
    // (esda: p 0.0192, q 1), its neighbour with 5.2 one too (esda: p 0.0342, exact 0.0357).
    let labels = moran::clusters(&l, 0.05, false);
    let hot: Vec<usize> = (0..9)
        .filter(|&i| labels[i] != Cluster::NotSignificant)
        .collect();
    assert_eq!(hot, vec![4, 5, 8]);
    assert_eq!(labels[4], Cluster::HighLow);
    assert_eq!(labels[8], Cluster::HighHigh);
}

/// Ties: with values whose neighbour sums repeat, permutations that give exactly the observed
/// I count as at least as large. Region 1 of this grid has 56 equally likely neighbour sets, 7
/// of which give a lag at most the observed one: p = 7/56 = 0.125 (enumerated by
/// `tests/esda/grid.py`). esda 2.9.0 gives 0.052 (= 3/56) with
/// `Moran_Local(..., permutations=9999, seed=1)`: its float rounding puts the 4 tied sets below.
#[test]
fn ties_count_as_at_least_as_large() {
    let y = [1.0, 2.0, 3.0, 2.0, 4.0, 5.0, 3.0, 5.0, 9.0];
    let l = moran::local(&y, &grid(), 9999, 1).expect("defined");
    close(l.p_sim[1].expect("not an island"), 0.125, 0.02, "p_sim[1]");
}

/// The same seed gives the same p-values; another seed other ones.
#[test]
fn permutations_are_reproducible() {
    let a = moran::local(&GRID_Y, &grid(), 999, 42).expect("defined");
    let b = moran::local(&GRID_Y, &grid(), 999, 42).expect("defined");
    let c = moran::local(&GRID_Y, &grid(), 999, 43).expect("defined");
    assert_eq!(a.p_sim, b.p_sim);
    assert_ne!(a.p_sim, c.p_sim);
}

/// Utrecht's buurten (indeling 2020, the atlas's drawing of them) with `eenzaam_65plus` 2020.
fn utrecht_input() -> buurt_diagnose::diagnose::hotspots::HotspotInput<'static> {
    buurt_diagnose::diagnose::hotspots::hotspot_input(
        buurt_tests::real_atlas(),
        "GM0344".parse().expect("code"),
        buurt_core::Level::Buurt,
        "eenzaam_65plus",
        2020,
    )
    .expect("Utrecht's buurten have eenzaam_65plus in 2020")
}

/// Writes the polygons and values of [`utrecht_input`] as GeoJSON (EPSG:28992) for
/// `tests/esda/utrecht.py`, when `BUURT_HOTSPOTS_GEOJSON` names the file; else does nothing.
#[test]
fn export_utrecht_geojson_for_esda() {
    let Ok(path) = std::env::var("BUURT_HOTSPOTS_GEOJSON") else {
        return;
    };
    let input = utrecht_input();
    let ring = |r: &geo_types::LineString<f64>| -> Vec<[f64; 2]> {
        r.coords().map(|c| [c.x, c.y]).collect()
    };
    let features: Vec<serde_json::Value> = input
        .keys
        .iter()
        .zip(&input.values)
        .zip(&input.polygons)
        .map(|((key, value), mp)| {
            let polys: Vec<Vec<Vec<[f64; 2]>>> =
                mp.0.iter()
                    .map(|p| {
                        std::iter::once(ring(p.exterior()))
                            .chain(p.interiors().iter().map(ring))
                            .collect()
                    })
                    .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": {"code": key.code.to_string(), "value": value},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            })
        })
        .collect();
    let left_out: Vec<String> = input.left_out.iter().map(|l| l.code.clone()).collect();
    let doc = serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "left_out": left_out,
        "features": features,
    });
    std::fs::write(&path, serde_json::to_string(&doc).expect("json")).expect("write");
}

/// `tests/esda/utrecht.py` on the export of [`export_utrecht_geojson_for_esda`]: the codes, in
/// the input's order, with libpysal's queen cardinalities, esda's local Is, quadrants and p_sim
/// (`Moran_Local(y, w, permutations=9999, seed=1)`).
const UTRECHT_CODES: [&str; 105] = [
    "BU03440111",
    "BU03440112",
    "BU03440113",
    "BU03440114",
    "BU03440121",
    "BU03440122",
    "BU03440123",
    "BU03440124",
    "BU03440131",
    "BU03440132",
    "BU03440133",
    "BU03440211",
    "BU03440212",
    "BU03440221",
    "BU03440222",
    "BU03440223",
    "BU03440224",
    "BU03440231",
    "BU03440232",
    "BU03440233",
    "BU03440241",
    "BU03440242",
    "BU03440243",
    "BU03440244",
    "BU03440311",
    "BU03440312",
    "BU03440321",
    "BU03440322",
    "BU03440331",
    "BU03440332",
    "BU03440333",
    "BU03440341",
    "BU03440342",
    "BU03440343",
    "BU03440411",
    "BU03440412",
    "BU03440413",
    "BU03440414",
    "BU03440415",
    "BU03440421",
    "BU03440422",
    "BU03440423",
    "BU03440431",
    "BU03440432",
    "BU03440433",
    "BU03440511",
    "BU03440512",
    "BU03440521",
    "BU03440522",
    "BU03440523",
    "BU03440524",
    "BU03440525",
    "BU03440526",
    "BU03440531",
    "BU03440532",
    "BU03440534",
    "BU03440535",
    "BU03440611",
    "BU03440612",
    "BU03440613",
    "BU03440621",
    "BU03440622",
    "BU03440623",
    "BU03440624",
    "BU03440625",
    "BU03440626",
    "BU03440627",
    "BU03440628",
    "BU03440711",
    "BU03440712",
    "BU03440721",
    "BU03440722",
    "BU03440723",
    "BU03440731",
    "BU03440732",
    "BU03440733",
    "BU03440811",
    "BU03440812",
    "BU03440822",
    "BU03440823",
    "BU03440831",
    "BU03440832",
    "BU03440912",
    "BU03440913",
    "BU03440921",
    "BU03440922",
    "BU03440931",
    "BU03440932",
    "BU03440933",
    "BU03440941",
    "BU03440942",
    "BU03440943",
    "BU03440951",
    "BU03441011",
    "BU03441012",
    "BU03441013",
    "BU03441014",
    "BU03441021",
    "BU03441022",
    "BU03441023",
    "BU03441024",
    "BU03441031",
    "BU03441032",
    "BU03441033",
    "BU03441041",
];
const UTRECHT_CARDINALITIES: [usize; 105] = [
    7, 6, 3, 6, 5, 6, 6, 4, 9, 9, 4, 7, 4, 7, 7, 7, 5, 6, 5, 6, 7, 8, 5, 4, 6, 5, 7, 5, 7, 6, 5, 5,
    4, 9, 5, 9, 4, 4, 6, 10, 6, 5, 5, 7, 5, 8, 4, 9, 4, 7, 10, 7, 7, 6, 8, 6, 5, 7, 6, 13, 6, 9, 5,
    7, 6, 5, 6, 3, 6, 4, 6, 5, 4, 6, 7, 5, 4, 9, 5, 8, 3, 4, 3, 5, 6, 4, 7, 6, 5, 7, 4, 6, 2, 3, 5,
    5, 6, 4, 6, 5, 3, 9, 4, 5, 2,
];
// esda's output as printed, digit for digit.
#[allow(clippy::unreadable_literal)]
const UTRECHT_IS: [f64; 105] = [
    0.6160016271908626,
    -0.989484376754066,
    0.15770209501199528,
    -0.14532777752284062,
    0.966380491388638,
    0.5571567816212205,
    0.7650563279914053,
    0.27636234672221627,
    0.2665382608022086,
    -0.03269877925732993,
    0.48242190763549814,
    0.26368594133927215,
    0.4324781016437299,
    0.2313884802057614,
    0.6897441988762762,
    0.4466008206084073,
    0.3117300820484374,
    0.13260236774761525,
    0.03413373339618675,
    0.035845809083411964,
    0.9186802120083554,
    0.5139821042829535,
    0.24159995977122217,
    -0.07397789536977838,
    0.4313058804255982,
    0.017477418949668696,
    0.7286755746496911,
    1.0268332477757736,
    1.3762737487052183,
    0.16206949543665983,
    -0.28812296114912606,
    0.8652565322997706,
    0.518924927668816,
    -0.40742880379134533,
    0.0936569209223805,
    -0.12689714252791592,
    -0.5851869031430204,
    0.11697104148220573,
    0.44595736313449946,
    -0.18733143065953545,
    -0.04462619427770452,
    0.6898204170736444,
    -0.09314332753090293,
    0.11993109243564917,
    0.39918342799911677,
    0.39424624769132816,
    0.23464973961225524,
    -0.05993489607948184,
    0.08379487247714595,
    -0.23974551239994582,
    -0.07373113895580852,
    -0.018784561034484205,
    0.06299609900383094,
    0.450256362612811,
    0.8234985240616697,
    1.117617035804402,
    0.3677545611686567,
    0.7281376500644436,
    0.25177904660280637,
    -0.2889623986092206,
    -0.22424536937807635,
    0.4177898534261691,
    0.37648388994227683,
    0.33922257213189977,
    0.3578996948227903,
    0.5352411184095935,
    -0.03352814073186582,
    0.12032439787718112,
    0.2724156121176248,
    -0.22537141995741966,
    0.46515408872857855,
    -0.24495033583925144,
    -0.15747749561886373,
    -0.11408393525226615,
    0.6536636768312328,
    0.5461866378450616,
    -0.19385995898423714,
    0.1511698046352457,
    1.149123879713702,
    0.9463470512182883,
    2.4602421115387143,
    2.748794923777853,
    -0.06472068229267457,
    0.4941882384272097,
    0.6019217809622064,
    0.23879483696127163,
    -0.1337172054575369,
    -0.3202991083184988,
    -0.22456343377862034,
    0.012335915243560773,
    -0.010783116045700803,
    0.11676070857216904,
    2.2363162234379343,
    1.861056661577564,
    1.0385585379996782,
    0.40465003163168106,
    0.8402204179155021,
    0.3403651122250953,
    0.2447217789627935,
    0.2891351974395208,
    0.1286624732376608,
    0.2704542149809433,
    0.43279873107976413,
    1.5183227757224327,
    1.5748602619402996,
];
const UTRECHT_Q: [u8; 105] = [
    1, 2, 1, 4, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 2, 1,
    1, 2, 3, 2, 4, 3, 3, 2, 4, 3, 4, 3, 3, 3, 3, 4, 1, 4, 2, 4, 3, 3, 3, 3, 3, 3, 3, 2, 4, 3, 3, 3,
    3, 3, 4, 3, 1, 2, 1, 2, 2, 2, 1, 1, 2, 1, 1, 1, 1, 1, 4, 3, 3, 3, 2, 4, 4, 3, 2, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3,
];
// esda's output as printed, digit for digit.
#[allow(clippy::unreadable_literal)]
const UTRECHT_P_SIM: [f64; 105] = [
    0.0338, 0.0115, 0.3503, 0.3311, 0.0801, 0.103, 0.0412, 0.1798, 0.1926, 0.4136, 0.2428, 0.0655,
    0.2515, 0.1514, 0.0113, 0.039, 0.1095, 0.0756, 0.1017, 0.4532, 0.0237, 0.0676, 0.2657, 0.2961,
    0.1439, 0.4879, 0.0008, 0.0684, 0.0025, 0.1925, 0.2841, 0.0515, 0.1714, 0.1731, 0.2575, 0.2312,
    0.0971, 0.2118, 0.0583, 0.3549, 0.1993, 0.0298, 0.037, 0.029, 0.1018, 0.0376, 0.0658, 0.0858,
    0.3221, 0.2164, 0.2189, 0.4137, 0.248, 0.0495, 0.0748, 0.0209, 0.2713, 0.0887, 0.0552, 0.0443,
    0.0845, 0.0477, 0.0192, 0.0969, 0.0619, 0.0832, 0.4402, 0.3193, 0.1066, 0.027, 0.1588, 0.0087,
    0.0259, 0.0818, 0.1631, 0.1974, 0.1339, 0.2142, 0.0064, 0.0051, 0.0014, 0.0035, 0.0341, 0.0911,
    0.0762, 0.24, 0.4497, 0.1298, 0.2627, 0.3529, 0.2683, 0.0423, 0.1452, 0.0316, 0.0551, 0.0076,
    0.0496, 0.0845, 0.0266, 0.0798, 0.2102, 0.0313, 0.0272, 0.0035, 0.1148,
];

/// Utrecht's 105 buurten with a value: weights, global and local Moran's I against esda.
#[test]
fn utrecht_eenzaam_65plus_2020_matches_esda() {
    let input = utrecht_input();
    let codes: Vec<String> = input.keys.iter().map(|k| k.code.to_string()).collect();
    assert_eq!(codes, UTRECHT_CODES);
    // The 6 buurten without a published value are left out and reported.
    let left: Vec<&str> = input.left_out.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(
        left,
        [
            "BU03440533",
            "BU03440821",
            "BU03440911",
            "BU03440934",
            "BU03440952",
            "BU03440953"
        ]
    );
    let w = weights::queen(&input.polygons, weights::DEFAULT_TOLERANCE_M);
    let cardinalities: Vec<usize> = w.neighbours.iter().map(Vec::len).collect();
    assert_eq!(cardinalities, UTRECHT_CARDINALITIES);
    assert!(w.islands().is_empty());
    let rw = w.row_standardised();

    // esda: Moran(y, w, permutations=9999) after np.random.seed(1).
    let m = moran::global(&input.values, &rw, 9999, 1).expect("defined");
    close(m.i, 0.369_503_440_269_708_66, 1e-12, "I");
    close(m.ei, -0.009_615_384_615_384_616, 1e-15, "EI");
    close(m.vi_norm, 0.003_279_802_247_755_183, 1e-12, "VI_norm");
    close(m.z_norm, 6.619_901_385_897_345, 1e-9, "z_norm");
    // Relative 1e-8: the normal tail keeps its digits.
    close(m.p_norm, 3.594_385_718_646_381e-11, 3e-19, "p_norm");
    close(m.p_sim.expect("drawn"), 0.0001, 1e-12, "p_sim");

    let l = moran::local(&input.values, &rw, 9999, 1).expect("defined");
    for i in 0..codes.len() {
        close(
            l.is[i],
            UTRECHT_IS[i],
            1e-10,
            &format!("Is of {}", codes[i]),
        );
        assert_eq!(l.q[i], UTRECHT_Q[i], "q of {}", codes[i]);
        close(
            l.p_sim[i].expect("no islands"),
            UTRECHT_P_SIM[i],
            0.02,
            &format!("p_sim of {}", codes[i]),
        );
    }
}

/// The diagnose's hot spots on Utrecht: the same I, left-out buurten reported, labels from
/// quadrant and p-value, FDR never labels more than the plain test.
#[test]
fn utrecht_hotspots_labels() {
    use buurt_diagnose::diagnose::hotspots::{HotspotOptions, hotspots};
    let atlas = buurt_tests::real_atlas();
    let run = |fdr: bool| {
        hotspots(
            atlas,
            "GM0344".parse().expect("code"),
            buurt_core::Level::Buurt,
            "eenzaam_65plus",
            2020,
            HotspotOptions {
                fdr,
                ..HotspotOptions::default()
            },
        )
        .expect("hot spots")
    };
    let h = run(false);
    assert_eq!(h.regions.len(), 105);
    assert_eq!(h.left_out.len(), 6);
    assert_eq!(h.indeling, 2020);
    close(h.global.i, 0.369_503_440_269_708_66, 1e-12, "I");
    for r in &h.regions {
        let significant = r.p_value.expect("no islands") < 0.05;
        let expected = match (significant, r.quadrant) {
            (false, _) => Cluster::NotSignificant,
            (true, 1) => Cluster::HighHigh,
            (true, 2) => Cluster::LowHigh,
            (true, 3) => Cluster::LowLow,
            (true, _) => Cluster::HighLow,
        };
        assert_eq!(r.cluster, expected, "{}", r.code);
    }
    let count = |h: &buurt_diagnose::diagnose::hotspots::Hotspots| {
        h.regions
            .iter()
            .filter(|r| r.cluster != Cluster::NotSignificant)
            .count()
    };
    // A strongly autocorrelated indicator (I 0.37): there are hot and cold spots.
    assert!(h.regions.iter().any(|r| r.cluster == Cluster::HighHigh));
    assert!(h.regions.iter().any(|r| r.cluster == Cluster::LowLow));
    let f = run(true);
    assert!(f.threshold < 0.05);
    assert!(count(&f) <= count(&h));
}

/// All NL wijken: the Wadden islands with a wijk of their own have no neighbour; they are
/// reported, keep no p-value and are never labelled. Wijken whose 2020 code has no comparable
/// polygon are left out with that reason, not dropped silently.
#[test]
fn national_wijken_report_islands_and_regions_without_polygon() {
    use buurt_diagnose::diagnose::hotspots::{HotspotOptions, hotspots};
    let h = hotspots(
        buurt_tests::real_atlas(),
        buurt_core::RegionCode::Nederland,
        buurt_core::Level::Wijk,
        "eenzaam_65plus",
        2020,
        HotspotOptions {
            permutations: 99,
            ..HotspotOptions::default()
        },
    )
    .expect("hot spots of all wijken");
    assert!(h.regions.len() > 2000, "{}", h.regions.len());
    for island in ["WK006000", "WK008800"] {
        assert!(h.islands.iter().any(|c| c == island), "{:?}", h.islands);
        let r = h
            .regions
            .iter()
            .find(|r| r.code == island)
            .expect("analysed");
        assert_eq!(
            (r.neighbours, r.p_value, r.cluster),
            (0, None, Cluster::NotSignificant)
        );
    }
    assert!(h.left_out.iter().any(|l| l.reason == "no geometry"));
    assert!(h.left_out.iter().any(|l| l.reason == "missing value"));
    // Left-out regions are not among the analysed ones.
    assert!(
        h.left_out
            .iter()
            .all(|l| h.regions.iter().all(|r| r.code != l.code))
    );
    assert!(h.global.i > 0.3, "{}", h.global.i);
}
