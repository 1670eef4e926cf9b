//! Archives written here, read back with readers written elsewhere (the `pmtiles` crate, SQLite,
//! the `geojson` crate).

mod common;

use std::io::Read;

use buurt_tiles::export::{
    ArchiveInfo, GeoJsonFeature, MbTilesArchive, PmTilesArchive, write_geojson,
};
use buurt_tiles::test_support::{block_on, metadata, read_pmtiles, vector_layer_ids};
use buurt_tiles::{
    LABEL_LAYER, PropValue, PyramidSpec, PyramidSummary, SourceFeature, TileId, TileSet,
    TileSetOptions,
};
use common::{grid_layer, shapes_layer};
use pmtiles::{Compression, TileCoord, TileType};

fn props(layer: &str, f: &SourceFeature) -> Vec<(String, PropValue)> {
    if layer == "buurt" {
        vec![("waarde".into(), PropValue::Double(f.id as f64 * 0.25))]
    } else {
        Vec::new()
    }
}

/// The pyramid of both layers and their labels, z0–15.
const SPEC: PyramidSpec<'static> = PyramidSpec {
    min_zoom: 0,
    max_zoom: 15,
    layers: &["buurt", "wijk", LABEL_LAYER],
    threads: 2,
};

fn pyramid() -> (Vec<(TileId, Vec<u8>)>, PyramidSummary, TileSet) {
    let tiles = TileSet::new(
        vec![grid_layer(), shapes_layer()],
        TileSetOptions::default(),
    )
    .expect("tile set");
    let mut memory: Vec<(TileId, Vec<u8>)> = Vec::new();
    let summary = tiles
        .build_pyramid(&SPEC, &props, &mut memory)
        .expect("pyramid");
    (memory, summary, tiles)
}

fn info() -> ArchiveInfo {
    ArchiveInfo {
        name: "synthetic".into(),
        description: "test grid".into(),
        attribution: "buurt tests".into(),
    }
}

#[test]
fn pmtiles_round_trips_through_the_pmtiles_crate_reader() {
    let (memory, summary, tiles) = pyramid();
    assert_eq!(memory.len(), summary.tiles_written);
    assert!(memory.len() > 30, "{} tiles", memory.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.pmtiles");
    let mut archive = PmTilesArchive::create(&path).unwrap();
    let written = tiles.build_pyramid(&SPEC, &props, &mut archive).unwrap();
    assert_eq!(written, summary);
    archive.finish(&written, &info()).unwrap();

    let reader = read_pmtiles(&path);
    let header = reader.get_header();
    assert_eq!(header.tile_type, TileType::Mvt);
    assert_eq!(header.tile_compression, Compression::Gzip);
    assert_eq!((header.min_zoom, header.max_zoom), (0, 15));
    assert_eq!(
        header.n_addressed_tiles().map(std::num::NonZero::get),
        Some(memory.len() as u64)
    );
    let [w, s, e, n] = summary.bounds_wgs84().unwrap();
    // Utrecht; the header stores degrees × 10⁷.
    assert!((header.min_longitude - w).abs() < 1e-6 && (header.max_latitude - n).abs() < 1e-6);
    assert!(
        w > 5.0 && e < 5.2 && s > 52.0 && n < 52.1,
        "{w} {s} {e} {n}"
    );

    let metadata = metadata(&reader);
    assert_eq!(vector_layer_ids(&metadata), ["buurt", "wijk", LABEL_LAYER]);
    assert_eq!(metadata["vector_layers"][0]["fields"]["waarde"], "Number");
    assert_eq!(metadata["name"], "synthetic");

    for (tile, expected) in &memory {
        let coord = TileCoord::new(tile.z(), tile.x(), tile.y()).unwrap();
        let raw = block_on(reader.get_tile(coord)).unwrap().unwrap();
        assert_eq!(&raw[..2], &[0x1f, 0x8b], "{tile}: stored gzipped");
        let tile_bytes = block_on(reader.get_tile_decompressed(coord))
            .unwrap()
            .unwrap();
        assert_eq!(&tile_bytes[..], &expected[..], "{tile}");
    }
    // A tile outside the data is not in the archive.
    let absent = block_on(reader.get_tile(TileCoord::new(15, 0, 0).unwrap())).unwrap();
    assert!(absent.is_none());
}

#[test]
fn mbtiles_round_trips_through_sqlite() {
    let (memory, summary, _) = pyramid();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.mbtiles");
    // A stale file is replaced, not appended to.
    std::fs::write(&path, b"not sqlite").unwrap();
    let mut archive = MbTilesArchive::create(&path).unwrap();
    for (tile, bytes) in &memory {
        buurt_tiles::TileSink::put(&mut archive, *tile, bytes).unwrap();
    }
    archive.finish(&summary, &info()).unwrap();

    let db = rusqlite::Connection::open(&path).unwrap();
    let meta = |name: &str| -> String {
        db.query_row("SELECT value FROM metadata WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(meta("format"), "pbf");
    assert_eq!(meta("minzoom"), "0");
    assert_eq!(meta("maxzoom"), "15");
    let json: serde_json::Value = serde_json::from_str(&meta("json")).unwrap();
    assert_eq!(json["vector_layers"][1]["id"], "wijk");
    let bounds: Vec<f64> = meta("bounds")
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(bounds.len(), 4);
    let count: usize = db
        .query_row("SELECT count(*) FROM tiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, memory.len());
    for (tile, expected) in &memory {
        // MBTiles rows count from the south (TMS).
        let tms_row = (1u32 << tile.z()) - 1 - tile.y();
        let data: Vec<u8> = db
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                [u32::from(tile.z()), tile.x(), tms_row],
                |r| r.get(0),
            )
            .unwrap();
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&data[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(&unzipped, expected, "{tile}");
    }
}

#[test]
fn geojson_is_read_by_the_geojson_crate() {
    let layer = grid_layer();
    let features = layer.features.iter().map(|f| GeoJsonFeature {
        id: &f.code,
        geometry: &f.geometry_web_mercator,
        properties: vec![
            ("name".into(), PropValue::from(f.name.as_str())),
            ("id".into(), PropValue::UInt(f.id)),
        ],
    });
    let mut out = Vec::new();
    let n = write_geojson(&mut out, "memory", features, Some(2)).unwrap();
    assert_eq!(n, layer.features.len());
    let text = String::from_utf8(out).unwrap();
    let collection: geojson::FeatureCollection = text.parse().unwrap();
    assert_eq!(collection.features.len(), layer.features.len());
    for (ours, theirs) in layer.features.iter().zip(&collection.features) {
        assert_eq!(
            theirs.id,
            Some(geojson::feature::Id::String(ours.code.clone()))
        );
        assert_eq!(
            theirs.property("name").and_then(|v| v.as_str()),
            Some(ours.name.as_str())
        );
        let polygon: geo_types::Polygon<f64> = theirs.geometry.clone().unwrap().try_into().unwrap();
        let area = geo::Area::unsigned_area(&polygon);
        let expected = geo::Area::unsigned_area(&ours.geometry_web_mercator);
        // Coordinates were rounded to centimetres along ~2.5 km of jagged border.
        assert!(
            (area - expected).abs() < 1e-4 * expected,
            "{}: {area} vs {expected}",
            ours.code
        );
    }
}
