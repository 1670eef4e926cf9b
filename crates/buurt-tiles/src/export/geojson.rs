//! GeoJSON FeatureCollections of region polygons.

use std::io::Write;

use geo_types::{Coord, LineString, MultiPolygon};
use serde_json::{Map, Value, json};

use crate::error::{Result, TileError};
use crate::mvt::PropValue;

/// One feature to write.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoJsonFeature<'a> {
    /// Feature `id` (the region code).
    pub id: &'a str,
    /// The polygons, in whatever CRS the caller chose (see [`write_geojson`]).
    pub geometry: &'a MultiPolygon<f64>,
    /// Properties in order.
    pub properties: Vec<(String, PropValue)>,
}

/// Write a FeatureCollection, one feature per line, and return the number of features.
///
/// Coordinates are written as given: RFC 7946 GeoJSON is WGS84 longitude/latitude, so project
/// first (the writer cannot tell), or document the CRS for the reader. `decimals` rounds
/// coordinates (6 ≈ 0.1 m in degrees, 1 ≈ 0.1 m in metres). Rings are oriented as RFC 7946 asks
/// (exterior counter-clockwise, holes clockwise, for a CRS with y north); a single polygon is
/// written as `Polygon`. Non-finite numbers become `null`.
///
/// ```
/// use buurt_tiles::{PropValue, export::{GeoJsonFeature, write_geojson}};
/// use geo_types::{LineString, MultiPolygon, Polygon};
/// let square = MultiPolygon(vec![Polygon::new(LineString::from(vec![(5.0, 52.0), (5.0, 52.1), (5.1, 52.1), (5.1, 52.0)]), vec![])]);
/// let mut out = Vec::new();
/// let n = write_geojson(&mut out, "memory", [GeoJsonFeature { id: "BU03440111", geometry: &square, properties: vec![("name".into(), PropValue::from("Welgelegen"))] }], Some(6))?;
/// assert_eq!(n, 1);
/// let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(json["features"][0]["geometry"]["type"], "Polygon");
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
pub fn write_geojson<'a, W: Write>(
    mut out: W,
    target: &str,
    features: impl IntoIterator<Item = GeoJsonFeature<'a>>,
    decimals: Option<u32>,
) -> Result<usize> {
    let io = |source| TileError::Io {
        target: target.to_owned(),
        source,
    };
    let factor = decimals.map(|d| 10f64.powi(d as i32));
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
        .map_err(io)?;
    let mut count = 0;
    for feature in features {
        if count > 0 {
            out.write_all(b",\n").map_err(io)?;
        }
        let value = feature_json(&feature, factor);
        serde_json::to_writer(&mut out, &value).map_err(|source| TileError::Json {
            target: target.to_owned(),
            source,
        })?;
        count += 1;
    }
    out.write_all(b"\n]}\n").map_err(io)?;
    out.flush().map_err(io)?;
    Ok(count)
}

fn feature_json(feature: &GeoJsonFeature<'_>, factor: Option<f64>) -> Value {
    let polygons: Vec<Value> = feature
        .geometry
        .0
        .iter()
        .map(|polygon| {
            let mut rings = vec![ring_json(polygon.exterior(), true, factor)];
            rings.extend(
                polygon
                    .interiors()
                    .iter()
                    .map(|r| ring_json(r, false, factor)),
            );
            Value::Array(rings)
        })
        .collect();
    let geometry = match <[Value; 1]>::try_from(polygons) {
        Ok([polygon]) => json!({ "type": "Polygon", "coordinates": polygon }),
        Err(polygons) => json!({ "type": "MultiPolygon", "coordinates": polygons }),
    };
    let properties: Map<String, Value> = feature
        .properties
        .iter()
        .map(|(k, v)| (k.clone(), prop_json(v)))
        .collect();
    json!({ "type": "Feature", "id": feature.id, "geometry": geometry, "properties": properties })
}

fn ring_json(ring: &LineString<f64>, exterior: bool, factor: Option<f64>) -> Value {
    let round = |v: f64| factor.map_or(v, |f| (v * f).round() / f);
    let mut points: Vec<Coord<f64>> = ring
        .0
        .iter()
        .map(|c| Coord {
            x: round(c.x),
            y: round(c.y),
        })
        .collect();
    if points.first() != points.last()
        && let Some(&first) = points.first()
    {
        points.push(first);
    }
    let area2: f64 = points
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum();
    if (area2 > 0.0) != exterior {
        points.reverse();
    }
    Value::Array(
        points
            .iter()
            .map(|c| json!([number(c.x), number(c.y)]))
            .collect(),
    )
}

fn number(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

fn prop_json(v: &PropValue) -> Value {
    match v {
        PropValue::String(s) => Value::String(s.clone()),
        PropValue::Float(f) => number(f64::from(*f)),
        PropValue::Double(d) => number(*d),
        PropValue::Int(i) => json!(i),
        PropValue::UInt(u) => json!(u),
        PropValue::Bool(b) => json!(b),
    }
}

#[cfg(test)]
mod tests {
    use geo_types::Polygon;

    use super::*;

    #[test]
    fn rings_follow_the_right_hand_rule_and_nan_is_null() {
        // Exterior given clockwise, hole counter-clockwise: both reversed on output.
        let g = MultiPolygon(vec![
            Polygon::new(
                LineString::from(vec![
                    (0.0, 0.0),
                    (0.0, 10.0),
                    (10.0, 10.0),
                    (10.0, 0.0),
                    (0.0, 0.0),
                ]),
                vec![LineString::from(vec![
                    (2.0, 2.0),
                    (4.0, 2.0),
                    (4.0, 4.0),
                    (2.0, 4.0),
                    (2.0, 2.0),
                ])],
            ),
            Polygon::new(
                LineString::from(vec![(20.0, 0.0), (21.0, 0.0), (21.0, 1.0)]),
                vec![],
            ),
        ]);
        let f = GeoJsonFeature {
            id: "X",
            geometry: &g,
            properties: vec![("v".into(), PropValue::Double(f64::NAN))],
        };
        let mut out = Vec::new();
        write_geojson(&mut out, "memory", [f], Some(3)).unwrap();
        let json: Value = serde_json::from_slice(&out).unwrap();
        let feature = &json["features"][0];
        assert_eq!(feature["geometry"]["type"], "MultiPolygon");
        assert_eq!(feature["properties"]["v"], Value::Null);
        let ring = |p: usize, r: usize| -> Vec<(f64, f64)> {
            feature["geometry"]["coordinates"][p][r]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap()))
                .collect()
        };
        let area2 = |r: &[(f64, f64)]| -> f64 {
            r.windows(2)
                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                .sum()
        };
        assert!(area2(&ring(0, 0)) > 0.0);
        assert!(area2(&ring(0, 1)) < 0.0);
        assert!(area2(&ring(1, 0)) > 0.0);
        assert_eq!(ring(1, 0).first(), ring(1, 0).last());
    }
}
