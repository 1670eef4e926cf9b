//! Boundaries, CRS and the spatial index on the real geometry files in the data directory.

use std::collections::BTreeSet;
use std::path::PathBuf;

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode};
use buurt_io::BoundaryLayer;
use buurt_io::boundary_geojson::{GeoJsonLayerOptions, read_geojson_layer};
use buurt_io::crs::{BboxRd, PointRd, PointWgs84, rd_to_wgs84, wgs84_to_rd};

fn data(relative: &str) -> PathBuf {
    buurt_io::paths::test_data_dir().join(relative)
}

/// The geometry file at `relative` (one of [`FILES`]), read with its indeling and level.
fn load(relative: &str) -> BoundaryLayer {
    let &(_, year, level, _) = FILES
        .iter()
        .find(|(file, ..)| *file == relative)
        .unwrap_or_else(|| panic!("{relative} is not in FILES"));
    let utrecht: GemeenteCode = "GM0344".parse().expect("a gemeente code");
    let options = GeoJsonLayerOptions::new(Indeling::new(year), level).with_kode_gemeente(utrecht);
    read_geojson_layer(&data(relative), &options).unwrap_or_else(|e| panic!("{e}"))
}

fn code(text: &str) -> RegionCode {
    text.parse().expect("a region code")
}

fn km2(layer: &BoundaryLayer) -> f64 {
    layer.total_area_m2() / 1e6
}

fn codes(layer: &BoundaryLayer) -> BTreeSet<RegionCode> {
    layer.codes().collect()
}

/// Every geometry file in the data directory: path, indeling, level, features.
const FILES: [(&str, u16, Level, usize); 11] = [
    (
        "cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson",
        2024,
        Level::Buurt,
        111,
    ),
    (
        "cartomap_utrecht_2024/wijk_2024_GM0344_rd.geojson",
        2024,
        Level::Wijk,
        10,
    ),
    (
        "cartomap_utrecht_2024/buurt_2024_GM0344_wgs84.geojson",
        2024,
        Level::Buurt,
        111,
    ),
    (
        "cartomap_utrecht_2024/wijk_2024_GM0344_wgs84.geojson",
        2024,
        Level::Wijk,
        10,
    ),
    (
        "gemeente_utrecht_2013_bartvde/buurt.geojson",
        2013,
        Level::Buurt,
        111,
    ),
    (
        "gemeente_utrecht_2013_bartvde/wijk.geojson",
        2013,
        Level::Wijk,
        10,
    ),
    (
        "gemeente_utrecht_2013_bartvde/gemeente.geojson",
        2013,
        Level::Gemeente,
        1,
    ),
    (
        "cartomap_almere_wijk_2021_2022/wijk_2021_GM0034_rd.geojson",
        2021,
        Level::Wijk,
        6,
    ),
    (
        "cartomap_almere_wijk_2021_2022/wijk_2022_GM0034_rd.geojson",
        2022,
        Level::Wijk,
        71,
    ),
    (
        "cartomap_almere_wijk_2021_2022/wijk_2022_GM0034_wgs84.geojson",
        2022,
        Level::Wijk,
        71,
    ),
    (
        "pdok_gemeenten_2024/gemeente_gegeneraliseerd.geojson",
        2024,
        Level::Gemeente,
        342,
    ),
];

#[test]
fn every_geometry_file_loads_with_the_documented_counts() {
    for (file, year, level, n) in FILES {
        let layer = load(file);
        assert_eq!(layer.features.len(), n, "{file}");
        assert_eq!(layer.indeling, Indeling::new(year));
        assert!(
            layer.features.iter().all(|f| f.code.level() == level),
            "{file}"
        );
        // Every file is valid as published: nothing had to be closed, dropped or repaired.
        assert!(layer.problems.is_empty(), "{file}: {:?}", layer.problems);
    }

    let utrecht_2024 = load("cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson");
    let buurt_2013 = load("gemeente_utrecht_2013_bartvde/buurt.geojson");
    let gemeente_2013 = load("gemeente_utrecht_2013_bartvde/gemeente.geojson");
    assert_eq!(
        utrecht_2024.get(&code("BU03440111")).expect("in 2024").name,
        "Welgelegen, Den Hommel"
    );
    assert_eq!(
        buurt_2013.get(&code("BU03440111")).expect("in 2013").name,
        "Welgelegen, Den Homm"
    );
    assert_eq!(gemeente_2013.features[0].code, code("GM0344"));

    let almere_2022 = load("cartomap_almere_wijk_2021_2022/wijk_2022_GM0034_rd.geojson");
    let multi: BTreeSet<&str> = almere_2022
        .features
        .iter()
        .filter(|f| f.geometry_rd.0.len() > 1)
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(multi, BTreeSet::from(["WK003416", "WK003440", "WK003474"]));
}

#[test]
fn utrecht_codes_are_the_same_in_2013_and_2024() {
    let buurten_2024 = codes(&load("cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson"));
    assert_eq!(buurten_2024.len(), 111);
    assert_eq!(
        buurten_2024,
        codes(&load("gemeente_utrecht_2013_bartvde/buurt.geojson"))
    );
    assert_eq!(
        codes(&load("cartomap_utrecht_2024/wijk_2024_GM0344_rd.geojson")),
        codes(&load("gemeente_utrecht_2013_bartvde/wijk.geojson"))
    );
}

/// Areas from the READMEs (computed there with shapely in EPSG:28992).
#[test]
fn areas_match_the_readmes() {
    // (file, its area in km² in the README, how close)
    let readmes = [
        (
            "cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson",
            99.248,
            0.001,
        ),
        ("gemeente_utrecht_2013_bartvde/buurt.geojson", 99.21, 0.01),
        (
            "cartomap_almere_wijk_2021_2022/wijk_2021_GM0034_rd.geojson",
            140.332,
            0.001,
        ),
        (
            "cartomap_almere_wijk_2021_2022/wijk_2022_GM0034_rd.geojson",
            139.666,
            0.001,
        ),
    ];
    for (file, readme, within) in readmes {
        let area = km2(&load(file));
        eprintln!("area: {file} {area:.4} km²");
        assert!((area - readme).abs() < within, "{file}: {area} km²");
    }
    let area_2013 = km2(&load("gemeente_utrecht_2013_bartvde/buurt.geojson"));
    let gemeente_2013 = km2(&load("gemeente_utrecht_2013_bartvde/gemeente.geojson"));
    assert!(
        (gemeente_2013 - area_2013).abs() < 0.05,
        "2013 gemeente {gemeente_2013} km²"
    );
    let gemeenten = load("pdok_gemeenten_2024/gemeente_gegeneraliseerd.geojson");
    let gm0344 = gemeenten.get(&code("GM0344")).expect("Utrecht in PDOK");
    assert_eq!(gm0344.name, "Utrecht");
    let area_pdok = gm0344.area_m2() / 1e6;
    assert!(
        (area_pdok - 99.19).abs() < 0.01,
        "PDOK GM0344 {area_pdok} km²"
    );
    eprintln!(
        "areas: Utrecht gemeente 2013 {gemeente_2013:.4} km², PDOK GM0344 {area_pdok:.4} km²"
    );
}

/// The same polygons read from RD and from WGS84 agree to a fraction of a per mille.
#[test]
fn rd_and_wgs84_copies_give_the_same_areas() {
    let stems = [
        "cartomap_utrecht_2024/buurt_2024_GM0344",
        "cartomap_almere_wijk_2021_2022/wijk_2022_GM0034",
    ];
    for stem in stems {
        let rd = load(&format!("{stem}_rd.geojson"));
        let wgs = load(&format!("{stem}_wgs84.geojson"));
        let mut worst: f64 = 0.0;
        for (a, b) in rd.features.iter().zip(&wgs.features) {
            assert_eq!(a.code, b.code);
            worst = worst.max((a.area_m2() - b.area_m2()).abs() / a.area_m2());
        }
        eprintln!("{stem}: largest relative area difference RD vs WGS84 input {worst:.2e}");
        assert!(worst < 1e-3, "{stem}: {worst}");
    }
}

/// Every vertex of the RD file against its pyproj-made WGS84 copy (rounded to 1e-6°).
#[test]
fn rd_to_wgs84_agrees_with_pyproj_on_every_utrecht_vertex() {
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(data(&format!("cartomap_utrecht_2024/{name}"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let mut worst_forward: f64 = 0.0;
    let mut worst_inverse: f64 = 0.0;
    let mut vertices = 0;
    for file in ["buurt", "wijk"] {
        let rd = read(&format!("{file}_2024_GM0344_rd.geojson"));
        let wgs = read(&format!("{file}_2024_GM0344_wgs84.geojson"));
        let features = rd["features"]
            .as_array()
            .unwrap()
            .iter()
            .zip(wgs["features"].as_array().unwrap());
        for (a, b) in features {
            let rings = a["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .zip(b["geometry"]["coordinates"].as_array().unwrap());
            for (ra, rb) in rings {
                for (pa, pb) in ra.as_array().unwrap().iter().zip(rb.as_array().unwrap()) {
                    let rd_point = PointRd::new(pa[0].as_f64().unwrap(), pa[1].as_f64().unwrap());
                    let pyproj = PointWgs84::new(pb[0].as_f64().unwrap(), pb[1].as_f64().unwrap());
                    let ours = rd_to_wgs84(rd_point);
                    let dx = (ours.lon - pyproj.lon) * 111_320.0 * pyproj.lat.to_radians().cos();
                    let dy = (ours.lat - pyproj.lat) * 111_250.0;
                    worst_forward = worst_forward.max(dx.hypot(dy));
                    worst_inverse = worst_inverse.max(wgs84_to_rd(pyproj).distance_m(rd_point));
                    vertices += 1;
                }
            }
        }
    }
    eprintln!(
        "{vertices} vertices: RD→WGS84 max {worst_forward:.3} m, WGS84→RD max {worst_inverse:.3} m"
    );
    assert!(vertices > 800, "{vertices}");
    // Documented bound (crs module): 0.13 m, of which up to 0.07 m is the file's rounding.
    assert!(worst_forward < 0.15, "{worst_forward} m");
    assert!(worst_inverse < 0.15, "{worst_inverse} m");
}

#[test]
fn points_find_their_regions() {
    let buurten = load("cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson");
    let wijken = load("cartomap_utrecht_2024/wijk_2024_GM0344_rd.geojson");
    let buurten_2013 = load("gemeente_utrecht_2013_bartvde/buurt.geojson");
    let wijken_2013 = load("gemeente_utrecht_2013_bartvde/wijk.geojson");
    let gemeenten = load("pdok_gemeenten_2024/gemeente_gegeneraliseerd.geojson");
    let index = buurten.index();
    let index_2013 = buurten_2013.index();
    assert_eq!(index.len(), 111);

    // Every buurt's interior point finds that buurt, in both vintages.
    for (layer, idx) in [(&buurten, &index), (&buurten_2013, &index_2013)] {
        for f in &layer.features {
            let p = f.interior_point_rd().unwrap();
            assert_eq!(idx.locate_rd(p), Some(f.code), "{}: {}", layer.id, f.code);
            assert_eq!(
                idx.locate_wgs84(f.interior_point_wgs84().unwrap()),
                Some(f.code),
                "{}",
                f.code
            );
        }
    }
    // The detailed 2013 buurten nest in their wijken: each interior point lies in its parent.
    let wijk_index_2013 = wijken_2013.index();
    for f in &buurten_2013.features {
        let parent = f.code.parent().unwrap();
        assert_eq!(
            wijk_index_2013.locate_rd(f.interior_point_rd().unwrap()),
            Some(parent),
            "{}",
            f.code
        );
    }

    // Amersfoort (the RD origin) is in no Utrecht buurt, but in gemeente Amersfoort.
    let amersfoort = PointRd::new(155_000.0, 463_000.0);
    assert_eq!(index.locate_rd(amersfoort), None);
    let gm = gemeenten.index().locate_rd(amersfoort).unwrap();
    assert_eq!(gemeenten.get(&gm).unwrap().name, "Amersfoort");

    // Utrecht Centraal station lies in buurt "Hoog-Catharijne NS en Jaarbeurs" of wijk 06
    // Binnenstad (WK034406; WK034404 is Noordoost), in both vintages and in the wijk layer, and
    // in gemeente Utrecht.
    let centraal = PointWgs84::new(5.1100, 52.0894);
    let buurt = index
        .locate_wgs84(centraal)
        .expect("Utrecht Centraal lies in a buurt");
    assert_eq!(buurt, code("BU03440613"));
    assert_eq!(
        buurten.get(&buurt).unwrap().name,
        "Hoog-Catharijne NS en Jaarbeurs"
    );
    assert_eq!(index_2013.locate_wgs84(centraal), Some(buurt));
    let wijk_index = wijken.index();
    assert_eq!(wijk_index.locate_wgs84(centraal), Some(code("WK034406")));
    assert_eq!(
        wijken.get(&code("WK034406")).unwrap().name,
        "Wijk 06 Binnenstad"
    );
    assert_eq!(
        wijk_index_2013.locate_wgs84(centraal),
        Some(code("WK034406"))
    );
    assert_eq!(
        gemeenten.index().locate_wgs84(centraal),
        Some(code("GM0344"))
    );

    // Box queries: a small box around the station meets its buurt; the gemeente's box meets all.
    let c = wgs84_to_rd(centraal);
    let near = index.intersecting_bbox_rd(BboxRd::new(
        PointRd::new(c.x - 50.0, c.y - 50.0),
        PointRd::new(c.x + 50.0, c.y + 50.0),
    ));
    assert!(near.contains(&buurt) && near.len() < 6, "{near:?}");
    let bbox = gemeenten.get(&code("GM0344")).unwrap().bbox_rd().unwrap();
    assert_eq!(index.intersecting_bbox_rd(bbox).len(), 111);
    let far = BboxRd::new(
        PointRd::new(0.0, 300_000.0),
        PointRd::new(1_000.0, 301_000.0),
    );
    assert!(index.intersecting_bbox_rd(far).is_empty());
}
