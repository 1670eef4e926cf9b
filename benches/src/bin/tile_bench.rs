//! The tile side of the map-service benchmark (`benches/run_tiles_bench.sh`), for any GeoJSON
//! polygon layer in WGS84 — a layer exported from the atlas, or the synthetic national layer:
//!
//! ```text
//! tile_bench pyramid IN.geojson OUT.mbtiles [--minzoom 0] [--maxzoom 16] [--layer buurt]
//! tile_bench serve IN.geojson [--addr 127.0.0.1:8091] [--layer buurt]
//! ```
//!
//! `pyramid` builds the same topology-preserving pyramid as `buurt tiles export` (shared arcs,
//! per-zoom simplification, clipping, label points are not included) and writes MBTiles, to be
//! timed against `ogr2ogr -f MBTiles` on the same file. `serve` renders every request anew, with
//! the feature properties picked per request (`?indicators=a,b`), as `buurt serve` does without
//! its tile cache: the dynamic-attribute path, at any scale.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use buurt_io::crs::{PointWgs84, wgs84_to_web_mercator};
use buurt_tiles::export::ArchiveInfo;
use buurt_tiles::export::MbTilesArchive;
use buurt_tiles::{
    PropValue, PyramidSpec, SourceFeature, SourceLayer, TileId, TileSet, TileSetOptions,
};
use geo_types::{Coord, MultiPolygon};
use serde::Deserialize;

type Props = HashMap<String, Vec<(String, PropValue)>>;

struct Layer {
    tiles: TileSet,
    props: Props,
    name: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("tile_bench: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let layer_name = flag("--layer", "buurt");
    match args.first().map(String::as_str) {
        Some("pyramid") => {
            let (input, out) = match (args.get(1), args.get(2)) {
                (Some(i), Some(o)) => (PathBuf::from(i), PathBuf::from(o)),
                _ => return Err("usage: tile_bench pyramid IN.geojson OUT.mbtiles".into()),
            };
            let min_zoom: u8 = flag("--minzoom", "0")
                .parse()
                .map_err(|e| format!("--minzoom: {e}"))?;
            let max_zoom: u8 = flag("--maxzoom", "16")
                .parse()
                .map_err(|e| format!("--maxzoom: {e}"))?;
            let started = Instant::now();
            let layer = read_layer(&input, &layer_name)?;
            let read_s = started.elapsed().as_secs_f64();
            let mut archive = MbTilesArchive::create(&out).map_err(|e| e.to_string())?;
            let spec = PyramidSpec {
                min_zoom,
                max_zoom,
                layers: &[layer.name.as_str()],
                threads: 0,
            };
            let props =
                |_: &str, f: &SourceFeature| layer.props.get(&f.code).cloned().unwrap_or_default();
            let summary = layer
                .tiles
                .build_pyramid(&spec, &props, &mut archive)
                .map_err(|e| e.to_string())?;
            archive
                .finish(&summary, &ArchiveInfo::default())
                .map_err(|e| e.to_string())?;
            println!(
                "PYRAMID tiles_rendered={} tiles_written={} bytes_uncompressed={} read_s={read_s:.3} total_s={:.3}",
                summary.tiles_rendered,
                summary.tiles_written,
                summary.bytes_written,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some("serve") => {
            let input = args
                .get(1)
                .map(PathBuf::from)
                .ok_or("usage: tile_bench serve IN.geojson")?;
            let addr = flag("--addr", "127.0.0.1:8091");
            let layer = Arc::new(read_layer(&input, &layer_name)?);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&addr)
                    .await
                    .map_err(|e| format!("{addr}: {e}"))?;
                eprintln!("tile_bench serving {} on http://{addr}", input.display());
                let app = Router::new()
                    .route("/tiles/{layer}/{z}/{x}/{y}", get(tile))
                    .with_state(layer);
                axum::serve(listener, app).await.map_err(|e| e.to_string())
            })
        }
        _ => Err("usage: tile_bench pyramid|serve IN.geojson ...".into()),
    }
}

#[derive(Deserialize)]
struct TileQuery {
    indicators: Option<String>,
}

async fn tile(
    State(layer): State<Arc<Layer>>,
    UrlPath((name, z, x, y)): UrlPath<(String, u8, u32, String)>,
    Query(query): Query<TileQuery>,
) -> Response {
    let Some(y) = y.strip_suffix(".mvt").and_then(|y| y.parse::<u32>().ok()) else {
        return (StatusCode::NOT_FOUND, "not a tile").into_response();
    };
    let Ok(tile_id) = TileId::new(z, x, y) else {
        return (StatusCode::BAD_REQUEST, "tile out of range").into_response();
    };
    if name != layer.name {
        return (StatusCode::NOT_FOUND, "unknown layer").into_response();
    }
    let wanted: Option<Vec<String>> = query
        .indicators
        .map(|l| l.split(',').map(str::to_owned).collect());
    let rendered = tokio::task::spawn_blocking(move || {
        let props = |_: &str, f: &SourceFeature| {
            let all = layer.props.get(&f.code).cloned().unwrap_or_default();
            match &wanted {
                None => all,
                Some(w) => all
                    .into_iter()
                    .filter(|(k, _)| {
                        w.iter()
                            .any(|id| k == id || k.starts_with(&format!("{id}_")))
                    })
                    .collect(),
            }
        };
        layer.tiles.render(tile_id, &[layer.name.as_str()], &props)
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => (
            [(header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile")],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// A GeoJSON FeatureCollection of (multi)polygons in WGS84 with `code` and `name` properties;
/// every other number or string property becomes a tile attribute.
fn read_layer(path: &Path, name: &str) -> Result<Layer, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let collection: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .try_into()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut features = Vec::with_capacity(collection.features.len());
    let mut props = Props::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        let row = || format!("{} feature {i}", path.display());
        let geometry = feature
            .geometry
            .as_ref()
            .ok_or_else(|| format!("{}: no geometry", row()))?;
        let geometry: geo_types::Geometry<f64> = geometry
            .clone()
            .try_into()
            .map_err(|e| format!("{}: {e}", row()))?;
        let multi = match geometry {
            geo_types::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo_types::Geometry::MultiPolygon(m) => m,
            _ => return Err(format!("{}: not a polygon", row())),
        };
        let web_mercator = geo::MapCoords::map_coords(&multi, |c: Coord<f64>| {
            let p = wgs84_to_web_mercator(PointWgs84 { lon: c.x, lat: c.y });
            Coord { x: p.x, y: p.y }
        });
        let text_prop = |key: &str| {
            feature
                .property(key)
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let code = text_prop("code").ok_or_else(|| format!("{}: no code", row()))?;
        let name_prop = text_prop("name").unwrap_or_default();
        let mut attributes = Vec::new();
        for (key, value) in feature.properties_iter() {
            if key == "code" || key == "name" || key == "layer" {
                continue;
            }
            match value {
                serde_json::Value::Number(n) => {
                    if let Some(v) = n.as_f64() {
                        attributes.push((key.clone(), PropValue::Double(v)));
                    }
                }
                serde_json::Value::String(s) => {
                    attributes.push((key.clone(), PropValue::from(s.as_str())));
                }
                _ => {}
            }
        }
        props.insert(code.clone(), attributes);
        features.push(SourceFeature {
            id: i as u64 + 1,
            code,
            name: name_prop,
            geometry_web_mercator: web_mercator,
        });
    }
    let tiles = TileSet::new(
        vec![SourceLayer {
            name: name.to_owned(),
            features,
        }],
        TileSetOptions::default(),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Layer {
        tiles,
        props,
        name: name.to_owned(),
    })
}
