//! Boundary layers from GeoJSON: cartomap/PDOK (`statcode`, `statnaam`), PDOK's OGC API
//! Features for CBS wijken en buurten (`buurtcode`/`wijkcode`/`gemeentecode` and `buurtnaam`/…,
//! the property of the layer's level) and the Gemeente Utrecht 2013 files (`KODE`, `NAAM`), in
//! RD New or WGS84, always returned in RD New.
//!
//! The CRS is read from the `crs` member (`urn:ogc:def:crs:EPSG::28992`, `…OGC:1.3:CRS84`,
//! `EPSG:4326`, `EPSG:3857`) and checked against the coordinates. Without a `crs` member the file
//! is WGS84 (RFC 7946) when its coordinates are degrees, and RD New (noted as a problem) when
//! they are RD metres; anything else, or a declared CRS the coordinates contradict, is an error.
//!
//! ```
//! use buurt_core::{Indeling, Level};
//! use buurt_io::boundary_geojson::{read_geojson_layer, GeoJsonLayerOptions};
//! # let data = buurt_io::paths::test_data_dir();
//! let options = GeoJsonLayerOptions::new(Indeling::new(2013), Level::Buurt)
//!     .with_kode_gemeente("GM0344".parse()?);
//! let layer = read_geojson_layer(&data.join("gemeente_utrecht_2013_bartvde/buurt.geojson"), &options)?;
//! assert_eq!(layer.features.len(), 111);
//! assert_eq!(layer.features[0].code.as_str(), "BU03440111"); // 'BU0344' + KODE '0111'
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::path::Path;

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode};
use geo_types::Coord;
use geojson::{Feature, GeoJson, GeometryValue, JsonObject, JsonValue, Position};

use crate::area_check::AreaCheck;
use crate::crs::{Crs, RD_DOMAIN_RD};
use crate::dataset::{BoundaryLayer, Problem, RegionShape};
use crate::error::{IoError, Result};
use crate::geometry_check::{RawPolygon, check_polygons};

/// How to read a GeoJSON boundary file.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoJsonLayerOptions {
    /// The indeling of the codes in the file.
    pub indeling: Indeling,
    /// The level every feature must have.
    pub level: Level,
    /// For files that carry a gemeente-local `KODE` (`0111`) instead of a CBS code: the gemeente
    /// whose digits go in front (`BU0344` + `0111`).
    pub kode_gemeente: Option<GemeenteCode>,
    /// The layer id; the file stem when absent.
    pub id: Option<String>,
    /// A property holding each region's area as the publisher measured it, and square metres
    /// per unit of it (`("area", 1e6)` for km²): polygons are checked against it.
    pub area_property: Option<(String, f64)>,
}

impl GeoJsonLayerOptions {
    /// Options for a file with CBS codes in `statcode`.
    #[must_use]
    pub fn new(indeling: Indeling, level: Level) -> Self {
        Self {
            indeling,
            level,
            kode_gemeente: None,
            id: None,
            area_property: None,
        }
    }

    /// Check polygon areas against `property`, in units of `m2_per_unit` square metres.
    #[must_use]
    pub fn with_area_property(mut self, property: impl Into<String>, m2_per_unit: f64) -> Self {
        self.area_property = Some((property.into(), m2_per_unit));
        self
    }

    /// Build codes from `KODE` with this gemeente in front.
    #[must_use]
    pub fn with_kode_gemeente(mut self, gemeente: GemeenteCode) -> Self {
        self.kode_gemeente = Some(gemeente);
        self
    }

    /// Set the layer id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// Read a GeoJSON FeatureCollection of region polygons.
pub fn read_geojson_layer(path: &Path, options: &GeoJsonLayerOptions) -> Result<BoundaryLayer> {
    let text = std::fs::read_to_string(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_geojson_layer(&text, path, options)
}

/// Parse GeoJSON text; `path` is only used in messages and as the default id.
pub fn parse_geojson_layer(
    text: &str,
    path: &Path,
    options: &GeoJsonLayerOptions,
) -> Result<BoundaryLayer> {
    let json_error = |message: String| IoError::Json {
        path: path.to_path_buf(),
        message,
    };
    let collection = match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => fc,
        Ok(other) => {
            return Err(json_error(format!(
                "expected a FeatureCollection, found a {}",
                type_name(&other)
            )));
        }
        Err(source) => {
            return Err(IoError::GeoJsonSyntax {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut problems = Vec::new();
    let crs = detect_crs(
        collection.foreign_members.as_ref(),
        &collection.features,
        path,
        &mut problems,
    )?;
    let mut features = Vec::with_capacity(collection.features.len());
    let mut stated_areas = Vec::new();
    let mut seen = HashSet::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let properties = feature.properties.as_ref();
        let code = feature_code(properties, options, path, i)?;
        if code.level() != options.level {
            return Err(IoError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "feature {i}: {code} is a {} code, but this layer holds {} regions",
                    code.level(),
                    options.level
                ),
            });
        }
        if !seen.insert(code) {
            return Err(IoError::Invalid {
                path: path.to_path_buf(),
                message: format!("feature {i}: {code} occurs more than once"),
            });
        }
        let location = format!("{}, feature {i} ({code})", path.display());
        let name = text_property(
            properties,
            &[
                "statnaam",
                level_property(options.level, "naam"),
                "NAAM",
                "naam",
                "name",
            ],
        )
        .unwrap_or_else(|| {
            problems.push(Problem {
                location: location.clone(),
                message: "no name (statnaam/NAAM); left empty".into(),
            });
            String::new()
        });
        let Some(polygons) = feature_polygons(feature, crs, path, &code)? else {
            problems.push(Problem {
                location,
                message: "feature has no geometry; skipped".into(),
            });
            continue;
        };
        let checked = check_polygons(polygons, path, code.as_str())?;
        problems.extend(checked.fixes.into_iter().map(|message| Problem {
            location: location.clone(),
            message,
        }));
        let shape = RegionShape {
            code,
            name,
            geometry_rd: checked.geometry,
        };
        if let Some((property, m2_per_unit)) = &options.area_property
            && let Some(stated) = properties
                .and_then(|p| p.get(property))
                .and_then(JsonValue::as_f64)
        {
            stated_areas.push((code, shape.area_m2(), stated * m2_per_unit));
        }
        features.push(shape);
    }
    let area_check = options.area_property.as_ref().and_then(|(property, m2)| {
        let unit = if (*m2 - 1e6).abs() < 1.0 {
            "km²"
        } else if (*m2 - 1e4).abs() < 1.0 {
            "ha"
        } else {
            "m²"
        };
        AreaCheck::compare(&format!("{property} ({unit})"), stated_areas)
    });
    let id = options.id.clone().unwrap_or_else(|| file_stem(path));
    tracing::debug!(path = %path.display(), features = features.len(), problems = problems.len(), ?crs, "read GeoJSON boundary layer");
    Ok(BoundaryLayer {
        id,
        paths: vec![path.to_path_buf()],
        indeling: options.indeling,
        level: options.level,
        features,
        problems,
        area_check,
    })
}

fn type_name(g: &GeoJson) -> &'static str {
    match g {
        GeoJson::Geometry(_) => "Geometry",
        GeoJson::Feature(_) => "Feature",
        GeoJson::FeatureCollection(_) => "FeatureCollection",
    }
}

pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
}

/// The trimmed text of the first of `keys` that is present and non-empty.
fn text_property(properties: Option<&JsonObject>, keys: &[&str]) -> Option<String> {
    let properties = properties?;
    keys.iter().find_map(|k| match properties.get(*k) {
        Some(JsonValue::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(JsonValue::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// PDOK's snake_case property of a level: `buurtcode`, `wijknaam`, `gemeentecode`. A buurt
/// feature also carries its wijk's and gemeente's codes, so the layer's level decides.
fn level_property(level: Level, what: &str) -> &'static str {
    match (level, what) {
        (Level::Buurt, "code") => "buurtcode",
        (Level::Buurt, _) => "buurtnaam",
        (Level::Wijk, "code") => "wijkcode",
        (Level::Wijk, _) => "wijknaam",
        (Level::Gemeente | Level::Land, "code") => "gemeentecode",
        (Level::Gemeente | Level::Land, _) => "gemeentenaam",
    }
}

fn feature_code(
    properties: Option<&JsonObject>,
    options: &GeoJsonLayerOptions,
    path: &Path,
    index: usize,
) -> Result<RegionCode> {
    let invalid = |message: String| IoError::Invalid {
        path: path.to_path_buf(),
        message: format!("feature {index}: {message}"),
    };
    let bad_code = |property: String, source| IoError::FeatureCode {
        path: path.to_path_buf(),
        feature: index,
        property,
        source,
    };
    let own_code = level_property(options.level, "code");
    for key in ["statcode", "STATCODE", "code", own_code] {
        if let Some(code) = text_property(properties, &[key]) {
            return code.parse().map_err(|e| bad_code(format!("'{key}'"), e));
        }
    }
    let Some(kode) = text_property(properties, &["KODE", "kode"]) else {
        return Err(invalid(format!(
            "no 'statcode', '{own_code}' or 'KODE' property to take the region code from"
        )));
    };
    let full_length = match options.level {
        Level::Buurt => 8,
        Level::Wijk => 6,
        Level::Gemeente | Level::Land => 4,
    };
    let text = if kode.len() == full_length || options.level == Level::Gemeente {
        kode.clone()
    } else {
        let Some(gemeente) = options.kode_gemeente else {
            return Err(invalid(format!(
                "'KODE' {kode} is local to a gemeente; say which one (GeoJsonLayerOptions::with_kode_gemeente)"
            )));
        };
        format!("{}{kode}", gemeente.digits())
    };
    text.parse()
        .map_err(|e| bad_code(format!("'KODE' {kode}"), e))
}

/// The feature's polygons in RD, or `None` without geometry.
fn feature_polygons(
    feature: &Feature,
    crs: Crs,
    path: &Path,
    code: &RegionCode,
) -> Result<Option<Vec<RawPolygon>>> {
    let geometry_error = |problem: String| IoError::Geometry {
        path: path.to_path_buf(),
        code: code.to_string(),
        problem,
    };
    let Some(geometry) = &feature.geometry else {
        return Ok(None);
    };
    let to_rd = |p: &Position| -> Result<Coord<f64>> {
        let s = p.as_slice();
        if s.len() < 2 {
            return Err(geometry_error(format!(
                "position with {} coordinates",
                s.len()
            )));
        }
        Ok(crs.coord_to_rd(Coord { x: s[0], y: s[1] }))
    };
    let polygon = |rings: &Vec<Vec<Position>>| -> Result<RawPolygon> {
        rings
            .iter()
            .map(|ring| ring.iter().map(to_rd).collect())
            .collect()
    };
    let polygons = match &geometry.value {
        GeometryValue::Polygon { coordinates } => vec![polygon(coordinates)?],
        GeometryValue::MultiPolygon { coordinates } => {
            coordinates.iter().map(polygon).collect::<Result<_>>()?
        }
        other => {
            return Err(geometry_error(format!(
                "a {} is not an area",
                other.type_name()
            )));
        }
    };
    Ok(Some(polygons))
}

/// The CRS named in the `crs` member, if any.
fn declared_crs(foreign: Option<&JsonObject>, path: &Path) -> Result<Option<Crs>> {
    let Some(crs) = foreign.and_then(|f| f.get("crs")) else {
        return Ok(None);
    };
    if crs.is_null() {
        return Ok(None);
    }
    let properties = crs.get("properties");
    let name = properties
        .and_then(|p| p.get("name"))
        .and_then(JsonValue::as_str)
        .map(str::to_owned)
        .or_else(|| {
            // The 2008 spec's `{"type": "EPSG", "properties": {"code": 28992}}`.
            properties
                .and_then(|p| p.get("code"))
                .map(|c| format!("EPSG:{}", c.to_string().trim_matches('"')))
        });
    let Some(name) = name else {
        return Err(IoError::Json {
            path: path.to_path_buf(),
            message: format!("'crs' member without a name: {crs}"),
        });
    };
    Crs::from_name(&name)
        .map(Some)
        .ok_or_else(|| IoError::Json {
            path: path.to_path_buf(),
            message: format!(
                "unknown CRS '{name}'; buurt reads EPSG:28992 (RD New), WGS84/CRS84 and EPSG:3857"
            ),
        })
}

/// Decide the CRS from the `crs` member and the coordinate ranges.
fn detect_crs(
    foreign: Option<&JsonObject>,
    features: &[Feature],
    path: &Path,
    problems: &mut Vec<Problem>,
) -> Result<Crs> {
    let declared = declared_crs(foreign, path)?;
    let Some(bounds) = coordinate_bounds(features) else {
        return Ok(declared.unwrap_or(Crs::Wgs84));
    };
    let [min_x, min_y, max_x, max_y] = bounds;
    let degrees = min_x >= -180.0 && max_x <= 180.0 && min_y >= -90.0 && max_y <= 90.0;
    // Generous: RD files may reach a little beyond the official area of use (offshore, borders).
    let margin = 50_000.0;
    let rd_metres = min_x >= RD_DOMAIN_RD.min.x - margin
        && max_x <= RD_DOMAIN_RD.max.x + margin
        && min_y >= RD_DOMAIN_RD.min.y - margin
        && max_y <= RD_DOMAIN_RD.max.y + margin;
    let web_mercator_nl =
        min_x >= 200_000.0 && max_x <= 1_000_000.0 && min_y >= 6_400_000.0 && max_y <= 7_200_000.0;
    let range = format!("x {min_x}…{max_x}, y {min_y}…{max_y}");
    let mismatch = |crs: &str| IoError::Json {
        path: path.to_path_buf(),
        message: format!("the crs member says {crs}, but the coordinates ({range}) do not fit it"),
    };
    match declared {
        Some(Crs::Rd) if rd_metres => Ok(Crs::Rd),
        Some(Crs::Rd) => Err(mismatch("EPSG:28992 (RD New)")),
        Some(Crs::Wgs84) if degrees && min_x >= 50.0 && max_y <= 10.0 => Err(IoError::Json {
            path: path.to_path_buf(),
            message: format!(
                "coordinates ({range}) look like latitude, longitude; GeoJSON needs longitude first"
            ),
        }),
        // RFC 7946: without a crs member, GeoJSON is WGS84.
        Some(Crs::Wgs84) | None if degrees => Ok(Crs::Wgs84),
        Some(Crs::Wgs84) => Err(mismatch("WGS84")),
        Some(Crs::WebMercator) if web_mercator_nl => Ok(Crs::WebMercator),
        Some(Crs::WebMercator) => Err(mismatch("EPSG:3857")),
        None if rd_metres => {
            problems.push(Problem {
                location: path.display().to_string(),
                message: format!(
                    "no 'crs' member; the coordinates ({range}) are RD metres, read as EPSG:28992"
                ),
            });
            Ok(Crs::Rd)
        }
        None => Err(IoError::Json {
            path: path.to_path_buf(),
            message: format!(
                "no 'crs' member and the coordinates ({range}) are neither WGS84 degrees nor RD metres; add a crs member"
            ),
        }),
    }
}

/// `[min_x, min_y, max_x, max_y]` over every position of every feature.
fn coordinate_bounds(features: &[Feature]) -> Option<[f64; 4]> {
    let mut bounds: Option<[f64; 4]> = None;
    let mut add = |p: &Position| {
        let s = p.as_slice();
        if s.len() >= 2 && s[0].is_finite() && s[1].is_finite() {
            let b = bounds.get_or_insert([s[0], s[1], s[0], s[1]]);
            b[0] = b[0].min(s[0]);
            b[1] = b[1].min(s[1]);
            b[2] = b[2].max(s[0]);
            b[3] = b[3].max(s[1]);
        }
    };
    for feature in features {
        match feature.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Polygon { coordinates }) => {
                coordinates.iter().flatten().for_each(&mut add);
            }
            Some(GeometryValue::MultiPolygon { coordinates }) => {
                coordinates.iter().flatten().flatten().for_each(&mut add);
            }
            _ => {}
        }
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> GeoJsonLayerOptions {
        GeoJsonLayerOptions::new(Indeling::new(2024), Level::Buurt)
    }

    fn collection(crs: &str, coordinates: &str, properties: &str) -> String {
        format!(
            r#"{{"type": "FeatureCollection", {crs} "features": [{{"type": "Feature", "properties": {properties},
            "geometry": {{"type": "Polygon", "coordinates": {coordinates}}}}}]}}"#
        )
    }

    const RD_SQUARE: &str = "[[[136000, 455000], [137000, 455000], [137000, 456000], [136000, 456000], [136000, 455000]]]";
    const WGS84_SQUARE: &str =
        "[[[5.10, 52.09], [5.11, 52.09], [5.11, 52.10], [5.10, 52.10], [5.10, 52.09]]]";
    const BU: &str = r#"{"statcode": "BU03440111", "statnaam": " Welgelegen "}"#;
    const RD_CRS: &str =
        r#""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},"#;

    fn parse(text: &str, options: &GeoJsonLayerOptions) -> Result<BoundaryLayer> {
        parse_geojson_layer(text, Path::new("inline.geojson"), options)
    }

    #[test]
    fn rd_and_wgs84_inputs_end_in_rd() {
        let rd = parse(&collection(RD_CRS, RD_SQUARE, BU), &options()).unwrap();
        assert_eq!(rd.features[0].name, "Welgelegen");
        assert!((rd.features[0].area_m2() - 1_000_000.0).abs() < 1e-6);
        assert!(rd.problems.is_empty(), "{:?}", rd.problems);
        let wgs = parse(&collection("", WGS84_SQUARE, BU), &options()).unwrap();
        let area = wgs.features[0].area_m2();
        // 0.01° × 0.01° at 52.095° N ≈ 684 m × 1 112 m.
        assert!((area - 760_600.0).abs() < 3_000.0, "{area}");
        let centre = crate::crs::wgs84_to_rd(crate::crs::PointWgs84::new(5.105, 52.095));
        assert!(wgs.features[0].centroid_rd().unwrap().distance_m(centre) < 5.0);
    }

    #[test]
    fn crs_is_detected_or_refused_clearly() {
        let undeclared_rd = parse(&collection("", RD_SQUARE, BU), &options()).unwrap();
        assert_eq!(undeclared_rd.problems.len(), 1);
        assert!(undeclared_rd.problems[0].message.contains("RD metres"));
        let unknown =
            r#""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},"#;
        let err = parse(&collection(unknown, RD_SQUARE, BU), &options())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("inline.geojson") && err.contains("unknown CRS") && err.contains("31370"),
            "{err}"
        );
        let err = parse(&collection(RD_CRS, WGS84_SQUARE, BU), &options())
            .unwrap_err()
            .to_string();
        assert!(err.contains("do not fit"), "{err}");
        let swapped = "[[[52.09, 5.10], [52.09, 5.11], [52.10, 5.11], [52.09, 5.10]]]";
        let crs84 =
            r#""crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},"#;
        let err = parse(&collection(crs84, swapped, BU), &options())
            .unwrap_err()
            .to_string();
        assert!(err.contains("latitude, longitude"), "{err}");
        let far =
            "[[[1000000, 9000000], [1000001, 9000000], [1000001, 9000001], [1000000, 9000000]]]";
        let err = parse(&collection("", far, BU), &options())
            .unwrap_err()
            .to_string();
        assert!(err.contains("neither WGS84 degrees nor RD metres"), "{err}");
    }

    #[test]
    fn kode_needs_a_gemeente_and_levels_must_match() {
        let kode = r#"{"KODE": "0111", "NAAM": "Welgelegen, Den Homm"}"#;
        let err = parse(&collection("", WGS84_SQUARE, kode), &options())
            .unwrap_err()
            .to_string();
        assert!(err.contains("with_kode_gemeente"), "{err}");
        let with = options().with_kode_gemeente("GM0344".parse().unwrap());
        let layer = parse(&collection("", WGS84_SQUARE, kode), &with).unwrap();
        assert_eq!(layer.features[0].code.as_str(), "BU03440111");
        let wijk = GeoJsonLayerOptions::new(Indeling::new(2024), Level::Wijk);
        let err = parse(&collection(RD_CRS, RD_SQUARE, BU), &wijk)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("feature 0") && err.contains("buurt code"),
            "{err}"
        );
        let gemeente = GeoJsonLayerOptions::new(Indeling::new(2013), Level::Gemeente);
        let gm = parse(
            &collection("", WGS84_SQUARE, r#"{"KODE": "0344", "NAAM": "Utrecht"}"#),
            &gemeente,
        )
        .unwrap();
        assert_eq!(gm.features[0].code.as_str(), "GM0344");
    }

    #[test]
    fn pdok_snake_case_properties_are_read_by_the_layers_level() {
        // An OGC API Features buurt carries its wijk's and gemeente's code and name too.
        let buurt = r#"{"buurtcode": "BU03070101", "buurtnaam": "Binnenstad", "wijkcode": "WK030701",
            "wijknaam": "Centrum", "gemeentecode": "GM0307", "gemeentenaam": "Amersfoort",
            "aantal_inwoners": -99997}"#;
        let options = GeoJsonLayerOptions::new(Indeling::new(2024), Level::Buurt);
        let layer = parse(&collection(RD_CRS, RD_SQUARE, buurt), &options).unwrap();
        assert_eq!(layer.features[0].code.as_str(), "BU03070101");
        assert_eq!(layer.features[0].name, "Binnenstad");
        let wijk = GeoJsonLayerOptions::new(Indeling::new(2024), Level::Wijk);
        let wijk_props =
            r#"{"wijkcode": "WK030701", "wijknaam": "Centrum", "gemeentecode": "GM0307"}"#;
        let layer = parse(&collection(RD_CRS, RD_SQUARE, wijk_props), &wijk).unwrap();
        assert_eq!(layer.features[0].code.as_str(), "WK030701");
        assert_eq!(layer.features[0].name, "Centrum");
        let gemeente = GeoJsonLayerOptions::new(Indeling::new(2024), Level::Gemeente);
        let gm = r#"{"gemeentecode": "GM0307", "gemeentenaam": "Amersfoort"}"#;
        let layer = parse(&collection(RD_CRS, RD_SQUARE, gm), &gemeente).unwrap();
        assert_eq!(layer.features[0].name, "Amersfoort");
        // The OGC API's CRS URI, as `buurt fetch` writes it from the Content-Crs header.
        let uri = r#""crs": {"type": "name", "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/28992"}},"#;
        let layer = parse(&collection(uri, RD_SQUARE, gm), &gemeente).unwrap();
        assert!(layer.problems.is_empty(), "{:?}", layer.problems);
    }

    #[test]
    fn bad_features_name_file_and_feature() {
        let no_code = parse(
            &collection(RD_CRS, RD_SQUARE, r#"{"naam": "x"}"#),
            &options(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            no_code.contains("inline.geojson")
                && no_code.contains("feature 0")
                && no_code.contains("statcode"),
            "{no_code}"
        );
        let bad_code = parse(
            &collection(RD_CRS, RD_SQUARE, r#"{"statcode": "BU344"}"#),
            &options(),
        )
        .unwrap_err()
        .to_string();
        assert!(bad_code.contains("BU344"), "{bad_code}");
        let bow_tie = "[[[136000, 455000], [137000, 456000], [137000, 455000], [136000, 456000], [136000, 455000]]]";
        let err = parse(&collection(RD_CRS, bow_tie, BU), &options()).unwrap_err();
        assert!(
            matches!(err, IoError::Geometry { ref code, .. } if code == "BU03440111"),
            "{err}"
        );
        let line = r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"statcode": "BU03440111"},
            "geometry": {"type": "LineString", "coordinates": [[5.1, 52.1], [5.2, 52.2]]}}]}"#;
        let err = parse(line, &options()).unwrap_err().to_string();
        assert!(err.contains("LineString is not an area"), "{err}");
        let err = parse(
            "{\"type\": \"Point\", \"coordinates\": [5.1, 52.1]}",
            &options(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected a FeatureCollection"), "{err}");
        let err = parse("{not json", &options()).unwrap_err().to_string();
        assert!(err.contains("not valid GeoJSON"), "{err}");
        let twice = format!(
            r#"{{"type": "FeatureCollection", "features": [{f}, {f}]}}"#,
            f = format!(
                r#"{{"type": "Feature", "properties": {BU}, "geometry": {{"type": "Polygon", "coordinates": {WGS84_SQUARE}}}}}"#
            )
        );
        let err = parse(&twice, &options()).unwrap_err().to_string();
        assert!(
            err.contains("feature 1") && err.contains("more than once"),
            "{err}"
        );
    }
}
