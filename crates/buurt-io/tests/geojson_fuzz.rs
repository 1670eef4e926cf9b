//! Fuzzing the GeoJSON boundary reader and the polygon check every boundary loader uses:
//! damaged copies of two small valid layers (RD New with a `crs` member and `statcode`; WGS84
//! with a gemeente-local `KODE` and a stated area), arbitrary bytes, and collections built from
//! arbitrary rings (huge, tiny, repeated and non-finite-looking coordinates, wrong codes).
//!
//! A boundary file comes from a user (`buurt` reads any GeoJSON a gemeente publishes), so no
//! input may panic: the reader loads a layer whose every polygon is valid with a finite,
//! positive area and whose codes are distinct and of the layer's level, or fails with an error
//! naming the file (and the feature or region code where it knows them).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use buurt_core::test_support::fuzz::{EDIT_KINDS, Edit, cases, mutate};
use buurt_core::{Indeling, Level};
use buurt_io::boundary_geojson::{GeoJsonLayerOptions, read_geojson_layer};
use buurt_io::geometry_check::check_polygons;
use buurt_io::{BoundaryLayer, IoError};
use geo::{Area, Validation};
use geo_types::Coord;
use proptest::prelude::*;

/// Cases per property: a few seconds each in a debug build.
const CASES: u32 = 256;

/// Two Utrecht buurten in RD New, one a MultiPolygon with a hole.
const RD: &str = r#"{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},
"features":[
{"type":"Feature","properties":{"statcode":"BU03440111","statnaam":"Welgelegen"},
 "geometry":{"type":"Polygon","coordinates":[[[134000,454500],[135000,454500],[135000,455500],[134000,455500],[134000,454500]]]}},
{"type":"Feature","properties":{"statcode":"BU03440112","statnaam":"Oog in Al"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[135000.5,454500],[135500,454500],[135500,455000],[135000.5,455000],[135000.5,454500]],
   [[135100,454600],[135100,454700],[135200,454700],[135200,454600],[135100,454600]]]]}}
]}"#;

/// Two buurten in WGS84 without `crs`, with local `KODE`s and an area in km².
const WGS84_KODE: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"KODE":"0111","NAAM":"Welgelegen","opp_km2":0.76},
 "geometry":{"type":"Polygon","coordinates":[[[5.10,52.09],[5.11,52.09],[5.11,52.10],[5.10,52.10],[5.10,52.09]]]}},
{"type":"Feature","properties":{"KODE":"0112","NAAM":"Oog in Al","opp_km2":"x"},
 "geometry":{"type":"Polygon","coordinates":[[[5.11,52.09],[5.12,52.09],[5.12,52.10]]]}}
]}"#;

fn options() -> GeoJsonLayerOptions {
    GeoJsonLayerOptions::new(Indeling::new(2024), Level::Buurt)
        .with_kode_gemeente("GM0344".parse().unwrap())
        .with_area_property("opp_km2", 1e6)
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..EDIT_KINDS, any::<usize>(), any::<u32>()), 1..5)
}

/// Write `bytes` in a fresh folder, read it as a buurt layer and check the outcome.
fn read_checked(bytes: &[u8]) -> Result<Option<BoundaryLayer>, TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buurten.geojson");
    std::fs::write(&path, bytes).unwrap();
    match read_geojson_layer(&path, &options()) {
        Ok(layer) => {
            check_layer(&layer, bytes)?;
            Ok(Some(layer))
        }
        Err(err) => {
            check_error(&path, &err)?;
            Ok(None)
        }
    }
}

fn check_error(path: &Path, err: &IoError) -> Result<(), TestCaseError> {
    let message = err.to_string();
    prop_assert!(
        message.contains(&path.display().to_string()),
        "the error does not name the file: {}",
        message
    );
    match err {
        IoError::FeatureCode { feature, .. } => {
            prop_assert!(
                message.contains(&format!("feature {feature}")),
                "{}",
                message
            );
        }
        IoError::Geometry { code, .. } => {
            prop_assert!(
                !code.is_empty() && message.contains(code.as_str()),
                "{}",
                message
            );
        }
        _ => {}
    }
    Ok(())
}

fn check_layer(layer: &BoundaryLayer, input: &[u8]) -> Result<(), TestCaseError> {
    let objects = input.split(|&b| b == b'{').count() - 1;
    prop_assert!(layer.features.len() <= objects);
    let mut seen = HashSet::new();
    for f in &layer.features {
        prop_assert_eq!(f.code.level(), Level::Buurt);
        prop_assert!(seen.insert(f.code), "{} twice", f.code);
        check_geometry(&f.geometry_rd, f.code.as_str())?;
    }
    Ok(())
}

/// What `check_polygons` promises: valid, finite, a positive area.
fn check_geometry(
    geometry: &geo_types::MultiPolygon<f64>,
    code: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(!geometry.0.is_empty(), "{}: no polygon", code);
    prop_assert!(
        geometry.is_valid(),
        "{}: invalid geometry {:?}",
        code,
        geometry
    );
    let area = geometry.unsigned_area();
    prop_assert!(area.is_finite() && area > 0.0, "{}: area {}", code, area);
    Ok(())
}

#[test]
fn both_fixtures_read_as_they_are() {
    for (text, features) in [(RD, 2), (WGS84_KODE, 1)] {
        let layer = read_checked(text.as_bytes()).unwrap().unwrap();
        // The WGS84 fixture's second buurt is a triangle left open: closed, not dropped.
        assert!(layer.features.len() >= features, "{:?}", layer.problems);
    }
}

/// A coordinate: mostly RD metres near Utrecht (some on a coarse grid), sometimes anything a
/// file can hold.
fn coordinate() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 130_000.0f64..140_000.0,
        // A coarse grid: repeated, collinear, touching and crossing edges.
        3 => (0u8..5).prop_map(|i| 130_000.0 + f64::from(i) * 100.0),
        2 => prop::sample::select(vec![
            0.0, -0.0, 1e-300, 130_000.000_000_1, 1e7, 1e8, -1e8, 100_000_000.1, 1e15, -1e15,
            1e300, -1e300, f64::MAX, f64::MIN_POSITIVE,
        ]),
        1 => any::<f64>().prop_filter("JSON holds finite numbers", |v| v.is_finite()),
        1 => 5.0f64..5.2,
    ]
}

/// Rings of 0 to 7 positions, some repeated or collinear.
fn raw_polygon() -> impl Strategy<Value = Vec<Vec<(f64, f64)>>> {
    let ring = prop::collection::vec((coordinate(), coordinate()), 0..8);
    prop::collection::vec(ring, 1..3)
}

fn feature_json(code: &str, polygons: &[Vec<Vec<(f64, f64)>>]) -> String {
    let mut coords = String::from("[");
    for (pi, polygon) in polygons.iter().enumerate() {
        coords.push_str(if pi == 0 { "[" } else { ",[" });
        for (ri, ring) in polygon.iter().enumerate() {
            coords.push_str(if ri == 0 { "[" } else { ",[" });
            for (i, (x, y)) in ring.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                // `{:?}` keeps every digit and the exponent, as JSON allows.
                write!(coords, "{sep}[{x:?},{y:?}]").unwrap();
            }
            coords.push(']');
        }
        coords.push(']');
    }
    coords.push(']');
    format!(
        r#"{{"type":"Feature","properties":{{"statcode":{code:?},"statnaam":"x"}},"geometry":{{"type":"MultiPolygon","coordinates":{coords}}}}}"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(CASES)))]

    #[test]
    fn rd_layer_survives_damage(edits in edits()) {
        read_checked(&mutate(RD.as_bytes(), &edits))?;
    }

    #[test]
    fn wgs84_kode_layer_survives_damage(edits in edits()) {
        read_checked(&mutate(WGS84_KODE.as_bytes(), &edits))?;
    }

    #[test]
    fn arbitrary_bytes_are_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        read_checked(&bytes)?;
    }

    /// Collections of arbitrary polygons under codes near the right shape.
    #[test]
    fn arbitrary_polygons_are_repaired_or_refused(
        features in prop::collection::vec(
            (
                prop_oneof![
                    "BU034401[0-9]{2}",
                    Just("WK034401".to_owned()),
                    "[A-Z]{0,2}[0-9]{0,9}",
                ],
                prop::collection::vec(raw_polygon(), 1..3),
            ),
            0..4,
        ),
        rd in any::<bool>(),
    ) {
        let crs = if rd {
            r#""crs":{"type":"name","properties":{"name":"EPSG:28992"}},"#
        } else {
            ""
        };
        let body: Vec<String> = features.iter().map(|(code, p)| feature_json(code, p)).collect();
        let text = format!(r#"{{"type":"FeatureCollection",{crs}"features":[{}]}}"#, body.join(","));
        read_checked(text.as_bytes())?;
    }

    /// The polygon check directly, with coordinates no JSON can carry too (NaN, infinities).
    #[test]
    fn check_polygons_never_panics(
        polygons in prop::collection::vec(raw_polygon(), 0..3),
        poison in prop::option::of((any::<usize>(), prop::sample::select(vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY]))),
    ) {
        let mut raw: Vec<Vec<Vec<Coord<f64>>>> = polygons
            .iter()
            .map(|p| p.iter().map(|r| r.iter().map(|&(x, y)| Coord { x, y }).collect()).collect())
            .collect();
        if let Some((at, v)) = poison {
            let all: Vec<&mut Coord<f64>> = raw.iter_mut().flatten().flatten().collect();
            let n = all.len();
            if let Some(c) = all.into_iter().nth(at % n.max(1)) {
                c.x = v;
            }
        }
        let path = Path::new("fuzz/buurten.geojson");
        match check_polygons(raw, path, "BU03440111") {
            Ok(checked) => check_geometry(&checked.geometry, "BU03440111")?,
            Err(err) => {
                let message = err.to_string();
                prop_assert!(
                    message.contains("fuzz/buurten.geojson") && message.contains("BU03440111"),
                    "{}",
                    message
                );
            }
        }
    }
}
