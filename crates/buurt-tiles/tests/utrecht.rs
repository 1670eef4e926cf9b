//! The real Utrecht buurten (CBS 2024 via cartomap, 111 polygons that tile the gemeente).

mod common;

use buurt_tiles::{SourceFeature, SourceLayer, TileSet, TileSetOptions};
use common::{
    buurt_pyramid, check_shared_borders, check_tile, render_decoded, web_mercator_from_lon_lat,
};
use geo::{Contains, MapCoords};
use geo_types::{MultiPolygon, Point};

fn utrecht_buurten() -> SourceLayer {
    let path = buurt_io::paths::test_data_dir()
        .join("cartomap_utrecht_2024/buurt_2024_GM0344_wgs84.geojson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let collection: geojson::FeatureCollection = text.parse().expect("GeoJSON FeatureCollection");
    let features = collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let code = f
                .property("statcode")
                .and_then(|v| v.as_str())
                .expect("statcode")
                .to_owned();
            let name = f
                .property("statnaam")
                .and_then(|v| v.as_str())
                .expect("statnaam")
                .to_owned();
            let geometry: geo_types::Geometry<f64> = f
                .geometry
                .expect("geometry")
                .try_into()
                .expect("geo-types geometry");
            let lon_lat: MultiPolygon<f64> = match geometry {
                geo_types::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo_types::Geometry::MultiPolygon(mp) => mp,
                other => panic!("{code}: {other:?}"),
            };
            let geometry_web_mercator = lon_lat.map_coords(|c| web_mercator_from_lon_lat(c.x, c.y));
            SourceFeature {
                id: i as u64 + 1,
                code,
                name,
                geometry_web_mercator,
            }
        })
        .collect();
    SourceLayer {
        name: "buurt".into(),
        features,
    }
}

#[test]
fn utrecht_borders_stay_shared_and_every_buurt_is_in_its_tiles() {
    let layer = utrecht_buurten();
    assert_eq!(layer.features.len(), 111);
    let tiles = TileSet::new(vec![layer.clone()], TileSetOptions::default()).unwrap();
    let original: Vec<MultiPolygon<f64>> = layer
        .features
        .iter()
        .map(|f| f.geometry_web_mercator.clone())
        .collect();
    for z in 12..=16 {
        check_shared_borders(
            tiles.simplified_web_mercator("buurt", z).unwrap(),
            &original,
        );
        let mut appearances = 0;
        for tile in tiles.pyramid_tiles(&["buurt"], z, z).unwrap() {
            let decoded = render_decoded(&tiles, tile, &["buurt"]);
            appearances += check_tile(&tiles, &layer, tile, &decoded);
        }
        assert!(appearances >= 111, "z{z}: {appearances}");
    }
}

#[test]
fn utrecht_labels_are_inside_their_buurt() {
    let layer = utrecht_buurten();
    let tiles = TileSet::new(vec![layer.clone()], TileSetOptions::default()).unwrap();
    for (i, f) in layer.features.iter().enumerate() {
        let p = tiles.label_point_web_mercator("buurt", i).unwrap();
        assert!(
            f.geometry_web_mercator.contains(&Point(p)),
            "{} {}",
            f.code,
            f.name
        );
    }
}

/// The whole z0–16 pyramid of Utrecht's buurten, with labels, is written tile for tile (its
/// timing is `benches/run_tiles_bench.sh`'s, not a test's).
#[test]
fn utrecht_pyramid_z0_16_is_complete() {
    let layer = utrecht_buurten();
    let tiles = TileSet::new(vec![layer], TileSetOptions::default()).unwrap();
    let (out, summary) = buurt_pyramid(&tiles, 16);
    assert_eq!(summary.tiles_written, out.len());
    assert!(summary.tiles_written > 1000);
    assert!(summary.tiles_written <= summary.tiles_rendered);
    assert!(out.iter().all(|(_, mvt)| !mvt.is_empty()));
}
