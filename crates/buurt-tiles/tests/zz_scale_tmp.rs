#![allow(clippy::unwrap_used)]
use std::time::Instant;
use buurt_tiles::*;
use geo_types::{Coord, LineString, MultiPolygon, Polygon};

fn noise(a: i64, b: i64, k: i64) -> f64 {
    let mut z = (a.wrapping_mul(0x9E37_79B9) ^ b.wrapping_mul(0x85EB_CA6B) ^ k.wrapping_mul(0xC2B2_AE35)) as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}
const N: i64 = 120;
const C: f64 = 500.0;
fn border(i: i64, j: i64, h: bool) -> Vec<Coord<f64>> {
    let s = Coord { x: 400_000.0 + i as f64 * C, y: 6_600_000.0 + j as f64 * C };
    let outer = if h { j == 0 || j == N } else { i == 0 || i == N };
    let steps = if outer { 1 } else { 30 };
    (0..=steps).map(|k| {
        let along = k as f64 / steps as f64 * C;
        let across = if k == 0 || k == steps || outer { 0.0 } else { noise(i, j + if h { 100000 } else { 0 }, k) * C * 0.04 };
        if h { Coord { x: s.x + along, y: s.y + across } } else { Coord { x: s.x + across, y: s.y + along } }
    }).collect()
}
fn cell(i: i64, j: i64) -> Polygon<f64> {
    let mut r: Vec<Coord<f64>> = Vec::new();
    for pts in [border(i, j, true), border(i + 1, j, false), border(i, j + 1, true).into_iter().rev().collect(), border(i, j, false).into_iter().rev().collect()] {
        for p in pts { if r.last() != Some(&p) { r.push(p); } }
    }
    Polygon::new(LineString(r), vec![])
}
#[test]
#[ignore]
fn scale() {
    let mut features = Vec::new();
    for j in 0..N { for i in 0..N {
        features.push(SourceFeature { id: (j * N + i) as u64, code: format!("{i}_{j}"), name: String::new(), geometry_web_mercator: MultiPolygon(vec![cell(i, j)]) });
    }}
    let t = Instant::now();
    let ts = TileSet::new(vec![SourceLayer { name: "buurt".into(), features }], TileSetOptions::default()).unwrap();
    println!("prepare {:?}", t.elapsed());
    for z in [8u8, 12, 14] {
        let t = Instant::now();
        let _ = ts.simplified_web_mercator("buurt", z).unwrap();
        println!("simplify z{z} {:?}", t.elapsed());
    }
    let t = Instant::now();
    let mut out: Vec<(TileId, Vec<u8>)> = Vec::new();
    let s = ts.build_pyramid(&PyramidSpec { min_zoom: 0, max_zoom: 14, layers: &["buurt", "label"], threads: 2 }, &|_, _| Vec::new(), &mut out).unwrap();
    println!("pyramid z0-14 {:?}: {} tiles, {} bytes", t.elapsed(), s.tiles_written, s.bytes_written);
}
