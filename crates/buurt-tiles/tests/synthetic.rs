//! Rendering synthetic layers and decoding the tiles back.

mod common;

use std::collections::{HashMap, HashSet};

use buurt_core::{MissingReason, Value};
use buurt_tiles::mvt::{DecodedGeometry, decode_tile};
use buurt_tiles::tile::TileRange;
use buurt_tiles::{
    LABEL_LAYER, PropValue, PyramidSpec, SourceFeature, SourceLayer, TileError, TileId, TileSet,
    TileSetOptions,
};
use common::{
    CELL_M, GRID_COLUMNS, GRID_ROWS, buurt_pyramid, check_shared_borders, check_tile, grid_bounds,
    grid_layer, render_decoded, shapes_layer, vertex_count,
};
use geo::{Centroid, Contains};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};

fn tile_set() -> TileSet {
    TileSet::new(
        vec![grid_layer(), shapes_layer()],
        TileSetOptions::default(),
    )
    .expect("tile set")
}

#[test]
fn every_overlapping_buurt_appears_once_within_extent_and_wound_right() {
    let tiles = tile_set();
    for layer in [grid_layer(), shapes_layer()] {
        for z in [8, 11, 12, 13, 14, 15, 16] {
            let mut appearances = 0;
            for tile in tiles.pyramid_tiles(&[&layer.name], z, z).unwrap() {
                let decoded = render_decoded(&tiles, tile, &[&layer.name]);
                appearances += check_tile(&tiles, &layer, tile, &decoded);
            }
            assert!(
                appearances >= layer.features.len(),
                "z{z} {}: {appearances} appearances",
                layer.name
            );
        }
    }
}

#[test]
fn hole_survives_and_is_wound_opposite() {
    let tiles = tile_set();
    let donut_center = Coord {
        x: common::GRID_ORIGIN.x + 4500.0,
        y: common::GRID_ORIGIN.y + 500.0,
    };
    for z in [13, 14, 15] {
        let range =
            TileRange::covering(geo_types::Rect::new(donut_center, donut_center), z).unwrap();
        let tile = range.iter().next().unwrap();
        let decoded = render_decoded(&tiles, tile, &["wijk"]);
        let wijk = |id: u64| {
            decoded
                .layer("wijk")
                .unwrap()
                .features
                .iter()
                .find(|f| f.id == Some(id))
                .unwrap()
        };
        let donut = wijk(1);
        let polygons = donut.geometry.polygons();
        assert_eq!(polygons.len(), 1, "z{z}");
        assert_eq!(polygons[0].len(), 2, "z{z}: exterior and one hole");
        let island = wijk(2);
        // The island's ring is the donut's hole, point for point, walked the other way.
        let DecodedGeometry::Polygons(island_rings) = &island.geometry else {
            panic!()
        };
        let hole: HashSet<[i32; 2]> = polygons[0][1].iter().copied().collect();
        let island_points: HashSet<[i32; 2]> = island_rings[0].iter().copied().collect();
        assert_eq!(hole, island_points, "z{z}");
    }
}

#[test]
fn shared_borders_stay_shared_at_every_zoom() {
    let tiles = tile_set();
    for layer in [grid_layer(), shapes_layer()] {
        let original: Vec<MultiPolygon<f64>> = layer
            .features
            .iter()
            .map(|f| f.geometry_web_mercator.clone())
            .collect();
        for z in [6, 9, 11, 12, 13, 14, 15, 16] {
            let simplified = tiles.simplified_web_mercator(&layer.name, z).unwrap();
            assert_eq!(simplified.len(), original.len());
            check_shared_borders(simplified, &original);
        }
    }
    // Simplification did something: at z10 one unit is 9.6 m and the tolerance (4 units) 38 m,
    // more than the borders' ±20 m jags, so a 60-vertex border needs only a few.
    let grid: Vec<MultiPolygon<f64>> = grid_layer()
        .features
        .into_iter()
        .map(|f| f.geometry_web_mercator)
        .collect();
    let before = vertex_count(&grid);
    let at_10 = vertex_count(tiles.simplified_web_mercator("buurt", 10).unwrap());
    assert!(at_10 * 5 < before, "z10 kept {at_10} of {before} vertices");
    let at_13 = vertex_count(tiles.simplified_web_mercator("buurt", 13).unwrap());
    let at_16 = vertex_count(tiles.simplified_web_mercator("buurt", 16).unwrap());
    assert!(
        at_10 < at_13 && at_13 < at_16,
        "detail grows with zoom: {at_10}, {at_13}, {at_16}"
    );
}

#[test]
fn keep_shapes_no_polygon_disappears_at_low_zoom() {
    let tiles = tile_set();
    for z in 0..=8 {
        for layer in ["buurt", "wijk"] {
            for (i, mp) in tiles
                .simplified_web_mercator(layer, z)
                .unwrap()
                .iter()
                .enumerate()
            {
                let area = geo::Area::unsigned_area(mp);
                assert!(area > 0.0, "z{z} {layer} feature {i} collapsed");
            }
        }
        // At z0..8 a 500 m cell is under 2 units: it survives rounding as a one-unit square.
        for tile in tiles.pyramid_tiles(&["buurt"], z, z).unwrap() {
            let decoded = render_decoded(&tiles, tile, &["buurt"]);
            check_tile(&tiles, &grid_layer(), tile, &decoded);
        }
    }
}

#[test]
fn tile_borders_match_between_neighbours_after_rounding() {
    // In every tile, each segment of a feature either is walked backwards by exactly one other
    // feature (a shared border), or lies on the grid's straight outer edge or on the clip box.
    let tiles = tile_set();
    let layer = grid_layer();
    let b = grid_bounds();
    for z in [12, 13, 14, 15, 16] {
        for tile in tiles.pyramid_tiles(&["buurt"], z, z).unwrap() {
            let decoded = render_decoded(&tiles, tile, &["buurt"]);
            let Some(l) = decoded.layer("buurt") else {
                continue;
            };
            let tb = tile.bounds_web_mercator();
            let scale = 4096.0 / tb.width();
            let outer_x = [
                (b.min().x - tb.min().x) * scale,
                (b.max().x - tb.min().x) * scale,
            ];
            let outer_y = [
                (tb.max().y - b.min().y) * scale,
                (tb.max().y - b.max().y) * scale,
            ];
            let mut owner: HashMap<([i32; 2], [i32; 2]), u64> = HashMap::new();
            for f in &l.features {
                let DecodedGeometry::Polygons(rings) = &f.geometry else {
                    panic!()
                };
                for ring in rings {
                    for k in 0..ring.len() {
                        owner.insert((ring[k], ring[(k + 1) % ring.len()]), f.id.unwrap());
                    }
                }
            }
            for (&(p, q), &id) in &owner {
                let on_clip_edge = |a: [i32; 2], c: [i32; 2]| {
                    (a[0] == c[0] && (a[0] == -64 || a[0] == 4160))
                        || (a[1] == c[1] && (a[1] == -64 || a[1] == 4160))
                };
                let near = |v: i32, targets: [f64; 2]| {
                    targets.iter().any(|t| (f64::from(v) - t).abs() <= 1.0)
                };
                let on_outer_edge = (near(p[0], outer_x) && near(q[0], outer_x))
                    || (near(p[1], outer_y) && near(q[1], outer_y));
                if on_clip_edge(p, q) || on_outer_edge {
                    continue;
                }
                let other = owner.get(&(q, p));
                assert!(
                    other.is_some_and(|&o| o != id),
                    "{tile}: segment {p:?}→{q:?} of feature {id} has no neighbour walking it back"
                );
            }
        }
    }
    assert_eq!(layer.features.len(), (GRID_COLUMNS * GRID_ROWS) as usize);
}

#[test]
fn label_points_lie_inside_even_for_a_u_shape() {
    let tiles = tile_set();
    for layer in [grid_layer(), shapes_layer()] {
        for (i, f) in layer.features.iter().enumerate() {
            let p = tiles.label_point_web_mercator(&layer.name, i).unwrap();
            assert!(
                f.geometry_web_mercator.contains(&Point(p)),
                "{}: label {p:?} outside",
                f.code
            );
        }
    }
    let shapes = shapes_layer();
    let u = &shapes.features[2].geometry_web_mercator;
    let centroid = u.centroid().unwrap();
    assert!(
        !u.contains(&centroid),
        "fixture: the U's centroid should fall in its notch"
    );
    // The donut's label is in the ring, not in the island.
    let donut_label = tiles.label_point_web_mercator("wijk", 0).unwrap();
    assert!(
        !shapes.features[1]
            .geometry_web_mercator
            .contains(&Point(donut_label))
    );
}

#[test]
fn each_label_is_in_exactly_one_tile_per_zoom() {
    let tiles = tile_set();
    for z in [10, 13, 15] {
        let mut seen: HashMap<(String, u64), usize> = HashMap::new();
        for tile in tiles.pyramid_tiles(&["buurt", "wijk"], z, z).unwrap() {
            let decoded = render_decoded(&tiles, tile, &["buurt", "wijk", LABEL_LAYER]);
            let Some(labels) = decoded.layer(LABEL_LAYER) else {
                continue;
            };
            for f in &labels.features {
                let DecodedGeometry::Points(points) = &f.geometry else {
                    panic!("label is not a point")
                };
                assert_eq!(points.len(), 1);
                assert!(
                    (0..=4096).contains(&points[0][0]) && (0..=4096).contains(&points[0][1]),
                    "{points:?}"
                );
                let layer = f
                    .property("layer")
                    .and_then(PropValue::as_str)
                    .unwrap()
                    .to_owned();
                assert!(f.property("code").is_some() && f.property("name").is_some());
                *seen.entry((layer, f.id.unwrap())).or_default() += 1;
            }
        }
        assert_eq!(seen.len(), 30 + 3, "z{z}: every feature labelled");
        assert!(seen.values().all(|&n| n == 1), "z{z}: {seen:?}");
    }
    // Labels follow the polygon layers asked for.
    let tile = tiles.pyramid_tiles(&["buurt"], 8, 8).unwrap()[0];
    let decoded = render_decoded(&tiles, tile, &["wijk", LABEL_LAYER]);
    let layers: HashSet<&str> = decoded
        .layer(LABEL_LAYER)
        .unwrap()
        .features
        .iter()
        .map(|f| f.property("layer").and_then(PropValue::as_str).unwrap())
        .collect();
    assert_eq!(layers, HashSet::from(["wijk"]));
}

/// What a server's property callback does: values per region, suppressed ones left out with the
/// reason instead.
#[test]
fn suppressed_values_are_absent_and_carry_a_reason() {
    let tiles = tile_set();
    let value_of = |f: &SourceFeature| -> Value {
        if f.id.is_multiple_of(4) {
            Value::Missing(MissingReason::Suppressed)
        } else {
            Value::Number(f.id as f64 * 1.5)
        }
    };
    let props = |layer: &str, f: &SourceFeature| -> Vec<(String, PropValue)> {
        if layer != "buurt" {
            return Vec::new();
        }
        match value_of(f) {
            Value::Number(v) => vec![("ervaren_gezondheid".into(), PropValue::Double(v))],
            Value::Missing(reason) => vec![(
                "ervaren_gezondheid_missing".into(),
                PropValue::from(reason.as_str()),
            )],
            Value::Invalid => vec![(
                "ervaren_gezondheid_missing".into(),
                PropValue::from("invalid"),
            )],
        }
    };
    let grid = grid_layer();
    let mut checked = HashSet::new();
    for tile in tiles.pyramid_tiles(&["buurt"], 13, 13).unwrap() {
        let bytes = tiles.render(tile, &["buurt", LABEL_LAYER], &props).unwrap();
        let decoded = decode_tile(&bytes).unwrap();
        for layer in ["buurt", LABEL_LAYER] {
            let Some(l) = decoded.layer(layer) else {
                continue;
            };
            for f in &l.features {
                let source = grid.features.iter().find(|s| Some(s.id) == f.id).unwrap();
                match value_of(source) {
                    Value::Missing(reason) => {
                        assert_eq!(
                            f.property("ervaren_gezondheid"),
                            None,
                            "{}: suppressed value in tile",
                            source.code
                        );
                        assert_eq!(
                            f.property("ervaren_gezondheid_missing"),
                            Some(&PropValue::from(reason.as_str()))
                        );
                    }
                    Value::Number(v) => {
                        assert_eq!(
                            f.property("ervaren_gezondheid"),
                            Some(&PropValue::Double(v))
                        );
                        assert_eq!(f.property("ervaren_gezondheid_missing"), None);
                    }
                    Value::Invalid => unreachable!(),
                }
                checked.insert(source.id);
            }
        }
        // The suppressed number itself is nowhere in the bytes' value table.
        for f in &grid.features {
            if f.id.is_multiple_of(4) {
                let needle = (f.id as f64 * 1.5).to_le_bytes();
                assert!(
                    !bytes.windows(8).any(|w| w == needle),
                    "{tile}: bytes of a suppressed value present"
                );
            }
        }
    }
    assert_eq!(checked.len(), 30);
}

#[test]
fn pyramid_covers_the_bounds_in_pmtiles_order_and_threads_agree() {
    let tiles = tile_set();
    let layers = ["buurt"];
    let expected: usize = (0..=14)
        .map(|z| TileRange::covering(grid_bounds(), z).unwrap().len())
        .sum();
    let listed = tiles.pyramid_tiles(&layers, 0, 14).unwrap();
    assert_eq!(listed.len(), expected);
    let keys: Vec<u64> = listed
        .iter()
        .map(|t| {
            pmtiles::TileId::from(pmtiles::TileCoord::new(t.z(), t.x(), t.y()).unwrap()).value()
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "tiles not in PMTiles order"
    );

    let spec = PyramidSpec {
        min_zoom: 0,
        max_zoom: 14,
        layers: &layers,
        threads: 2,
    };
    let mut two: Vec<(TileId, Vec<u8>)> = Vec::new();
    let summary = tiles
        .build_pyramid(&spec, &|_, _| Vec::new(), &mut two)
        .unwrap();
    // The grid is a full rectangle, so every tile touching its bounds has a feature.
    assert_eq!(summary.tiles_rendered, expected);
    assert_eq!(summary.tiles_written, expected);
    assert_eq!(two.iter().map(|(t, _)| *t).collect::<Vec<_>>(), listed);
    assert_eq!(summary.vector_layers.len(), 1);
    assert_eq!(summary.vector_layers[0].id, "buurt");
    assert_eq!(
        summary.vector_layers[0]
            .fields
            .get("code")
            .map(String::as_str),
        Some("String")
    );
    assert_eq!(
        (
            summary.vector_layers[0].minzoom,
            summary.vector_layers[0].maxzoom
        ),
        (0, 14)
    );

    let mut one: Vec<(TileId, Vec<u8>)> = Vec::new();
    tiles
        .build_pyramid(
            &PyramidSpec { threads: 1, ..spec },
            &|_, _| Vec::new(),
            &mut one,
        )
        .unwrap();
    assert_eq!(one, two);
    // Each tile equals a direct render.
    for (tile, bytes) in two.iter().step_by(7) {
        assert_eq!(
            &tiles.render(*tile, &layers, &|_, _| Vec::new()).unwrap(),
            bytes
        );
    }
}

#[test]
fn empty_tiles_are_empty_and_skipped() {
    let tiles = tile_set();
    let far = TileId::new(14, 0, 0).unwrap();
    assert!(
        tiles
            .render(far, &["buurt", "wijk", LABEL_LAYER], &|_, _| Vec::new())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_independent_decoder_reads_the_same_tiles() {
    let tiles = tile_set();
    let props = |_: &str, f: &SourceFeature| {
        vec![("waarde".to_owned(), PropValue::Double(f.id as f64 / 3.0))]
    };
    for tile in tiles.pyramid_tiles(&["buurt", "wijk"], 14, 14).unwrap() {
        let bytes = tiles
            .render(tile, &["buurt", "wijk", LABEL_LAYER], &props)
            .unwrap();
        if bytes.is_empty() {
            continue;
        }
        let ours = decode_tile(&bytes).unwrap();
        let reader = mvt_reader::Reader::new(bytes).unwrap();
        let names = reader.get_layer_names().unwrap();
        assert_eq!(
            names,
            ours.layers
                .iter()
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
        );
        for (index, layer) in ours.layers.iter().enumerate() {
            let theirs = reader.get_features_as::<i32>(index).unwrap();
            assert_eq!(theirs.len(), layer.features.len(), "{tile} {}", layer.name);
            for (a, b) in layer.features.iter().zip(&theirs) {
                assert_eq!(a.id, b.id);
                let props = b.properties.as_ref().unwrap();
                match props.get("waarde") {
                    Some(mvt_reader::feature::Value::Double(v)) => {
                        assert_eq!(Some(&PropValue::Double(*v)), a.property("waarde"));
                    }
                    other => panic!("{tile}: waarde is {other:?}"),
                }
                match (&a.geometry, &b.geometry) {
                    (DecodedGeometry::Polygons(_), geo_types::Geometry::MultiPolygon(mp)) => {
                        let ours = a.geometry.polygons();
                        assert_eq!(
                            mp.0.len(),
                            ours.len(),
                            "{tile}: polygon grouping by winding"
                        );
                        for (polygon, rings) in mp.0.iter().zip(&ours) {
                            let theirs: Vec<Vec<[i32; 2]>> = std::iter::once(polygon.exterior())
                                .chain(polygon.interiors())
                                .map(|r| r.0[..r.0.len() - 1].iter().map(|c| [c.x, c.y]).collect())
                                .collect();
                            let ours: Vec<Vec<[i32; 2]>> =
                                rings.iter().map(|r| (*r).clone()).collect();
                            assert_eq!(theirs, ours, "{tile}: ring vertices");
                        }
                    }
                    (DecodedGeometry::Points(p), geo_types::Geometry::MultiPoint(q)) => {
                        assert_eq!(
                            p.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>(),
                            q.0.iter().map(|q| (q.x(), q.y())).collect::<Vec<_>>()
                        );
                    }
                    (ours, theirs) => panic!("{tile}: {ours:?} vs {theirs:?}"),
                }
            }
        }
    }
}

#[test]
fn bad_input_is_rejected_with_context() {
    let square = |x: f64| {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)]),
            vec![],
        )])
    };
    let feature = |code: &str, g| SourceFeature {
        id: 1,
        code: code.into(),
        name: "x".into(),
        geometry_web_mercator: g,
    };
    let layer = |name: &str, features| SourceLayer {
        name: name.into(),
        features,
    };
    let err = TileSet::new(
        vec![layer("buurt", vec![]), layer("buurt", vec![])],
        TileSetOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TileError::LayerName { .. }), "{err}");
    let err =
        TileSet::new(vec![layer(LABEL_LAYER, vec![])], TileSetOptions::default()).unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
    let err = TileSet::new(
        vec![layer(
            "buurt",
            vec![feature("BU00010001", square(f64::NAN))],
        )],
        TileSetOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("BU00010001") && err.to_string().contains("not finite"),
        "{err}"
    );
    let err = TileSet::new(
        vec![layer(
            "buurt",
            vec![feature("BU00010002", MultiPolygon(vec![]))],
        )],
        TileSetOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("BU00010002"), "{err}");
    let err = TileSet::new(
        vec![layer("buurt", vec![feature("BU00010003", square(1.0e8))])],
        TileSetOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("EPSG:3857"), "{err}");
    let options = TileSetOptions {
        buffer: 5000,
        ..TileSetOptions::default()
    };
    assert!(TileSet::new(vec![], options).is_err());

    let tiles = tile_set();
    let err = tiles
        .render(TileId::new(1, 1, 0).unwrap(), &["gemeente"], &|_, _| {
            Vec::new()
        })
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("gemeente") && text.contains("buurt, wijk, label"),
        "{text}"
    );
    assert!(tiles.simplified_web_mercator("buurt", 23).is_err());
    assert!(tiles.pyramid_tiles(&["buurt"], 5, 4).is_err());
    let _ = CELL_M;
}

/// A country-sized layer: 120 × 120 = 14 400 cells (about as many as the Dutch buurten), 30
/// vertices per border. Its z0–14 pyramid is complete and borders stay shared at z12. (Its
/// timing is `benches/run_tiles_bench.sh`'s, on the synthetic national layer.)
#[test]
fn country_sized_grid_pyramid_is_complete_and_borders_stay_shared() {
    let grid = common::Grid {
        columns: 120,
        rows: 120,
        border_vertices: 30,
    };
    let layer = grid.layer();
    let original: Vec<MultiPolygon<f64>> = layer
        .features
        .iter()
        .map(|f| f.geometry_web_mercator.clone())
        .collect();
    let tiles = TileSet::new(vec![layer], TileSetOptions::default()).unwrap();
    let (out, summary) = buurt_pyramid(&tiles, 14);
    assert_eq!(summary.tiles_written, summary.tiles_rendered);
    assert_eq!(summary.tiles_written, out.len());
    check_shared_borders(
        tiles.simplified_web_mercator("buurt", 12).unwrap(),
        &original,
    );
}
