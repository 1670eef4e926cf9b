//! Reading a vector tile back: layers, features, properties and geometry in tile units.

use super::wire::{FIXED32, FIXED64, LEN, Reader, VARINT, unzigzag32, unzigzag64};
use super::{PropValue, TileRing, ring_area_doubled};
use crate::error::Result;

/// A decoded tile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DecodedTile {
    /// Layers in tile order.
    pub layers: Vec<DecodedLayer>,
}

impl DecodedTile {
    /// The layer with this name.
    #[must_use]
    pub fn layer(&self, name: &str) -> Option<&DecodedLayer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

/// A decoded layer.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedLayer {
    /// Layer name.
    pub name: String,
    /// Format version (2 for tiles written here).
    pub version: u32,
    /// Tile extent (4096 by default).
    pub extent: u32,
    /// Features in layer order.
    pub features: Vec<DecodedFeature>,
}

/// A decoded feature.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedFeature {
    /// Feature id, if set.
    pub id: Option<u64>,
    /// Properties in tag order.
    pub properties: Vec<(String, PropValue)>,
    /// Geometry in tile units.
    pub geometry: DecodedGeometry,
}

impl DecodedFeature {
    /// The value of a property.
    #[must_use]
    pub fn property(&self, key: &str) -> Option<&PropValue> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Geometry in tile units (x right, y down).
#[derive(Debug, Clone, PartialEq)]
pub enum DecodedGeometry {
    /// Points (MoveTo positions).
    Points(Vec<[i32; 2]>),
    /// Lines.
    LineStrings(Vec<Vec<[i32; 2]>>),
    /// Polygon rings in order, without closing point; rings with positive
    /// [`ring_area_doubled`](super::ring_area_doubled) start a polygon, negative ones are its holes.
    Polygons(Vec<TileRing>),
    /// A geometry type this decoder does not know, or none.
    Unknown,
}

impl DecodedGeometry {
    /// Polygon rings grouped per polygon (exterior first), by the spec's winding rule. Empty for
    /// other geometry types.
    #[must_use]
    pub fn polygons(&self) -> Vec<Vec<&TileRing>> {
        let DecodedGeometry::Polygons(rings) = self else {
            return Vec::new();
        };
        let mut out: Vec<Vec<&TileRing>> = Vec::new();
        for ring in rings {
            match out.last_mut() {
                Some(polygon) if ring_area_doubled(ring) < 0 => polygon.push(ring),
                _ => out.push(vec![ring]),
            }
        }
        out
    }

    /// Every vertex.
    #[must_use]
    pub fn points(&self) -> Box<dyn Iterator<Item = [i32; 2]> + '_> {
        match self {
            DecodedGeometry::Points(p) => Box::new(p.iter().copied()),
            DecodedGeometry::LineStrings(l) | DecodedGeometry::Polygons(l) => {
                Box::new(l.iter().flatten().copied())
            }
            DecodedGeometry::Unknown => Box::new(std::iter::empty()),
        }
    }
}

/// Decode an uncompressed vector tile.
///
/// ```
/// // An empty tile is a valid tile.
/// assert!(buurt_tiles::mvt::decode_tile(&[])?.layers.is_empty());
/// assert!(buurt_tiles::mvt::decode_tile(&[0x1a, 0x05]).is_err()); // a layer cut short
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
pub fn decode_tile(bytes: &[u8]) -> Result<DecodedTile> {
    let mut reader = Reader::new(bytes, 0);
    let mut tile = DecodedTile::default();
    while !reader.at_end() {
        let (field, wire) = reader.key()?;
        if field == 3 && wire == LEN {
            let (layer, base) = reader.bytes()?;
            tile.layers.push(decode_layer(layer, base)?);
        } else {
            reader.skip(wire)?;
        }
    }
    Ok(tile)
}

struct RawFeature {
    id: Option<u64>,
    tags: Vec<u32>,
    geom_type: u64,
    geometry: Vec<u32>,
    offset: usize,
}

fn decode_layer(bytes: &[u8], base: usize) -> Result<DecodedLayer> {
    let mut reader = Reader::new(bytes, base);
    let (mut name, mut version, mut extent) = (None, 1u32, 4096u32);
    let mut keys = Vec::new();
    let mut values = Vec::new();
    let mut raw = Vec::new();
    while !reader.at_end() {
        let (field, wire) = reader.key()?;
        match (field, wire) {
            (1, LEN) => name = Some(string(&mut reader)?),
            (2, LEN) => {
                let (feature, offset) = reader.bytes()?;
                raw.push(decode_feature(feature, offset)?);
            }
            (3, LEN) => keys.push(string(&mut reader)?),
            (4, LEN) => {
                let (value, offset) = reader.bytes()?;
                values.push(decode_value(value, offset)?);
            }
            (5, VARINT) => {
                extent = u32::try_from(reader.varint()?)
                    .map_err(|_| reader.error("extent exceeds 32 bits"))?;
            }
            (15, VARINT) => {
                version = u32::try_from(reader.varint()?)
                    .map_err(|_| reader.error("version exceeds 32 bits"))?;
            }
            _ => reader.skip(wire)?,
        }
    }
    let name = name.ok_or_else(|| reader.error("layer without a name"))?;
    let features = raw
        .into_iter()
        .map(|f| {
            let error = |problem: String| crate::TileError::Decode {
                offset: f.offset,
                problem,
            };
            if f.tags.len() % 2 != 0 {
                return Err(error("odd number of tags".into()));
            }
            let properties = f
                .tags
                .chunks_exact(2)
                .map(|kv| {
                    let key = keys
                        .get(kv[0] as usize)
                        .ok_or_else(|| error(format!("key index {} out of range", kv[0])))?;
                    let value = values
                        .get(kv[1] as usize)
                        .ok_or_else(|| error(format!("value index {} out of range", kv[1])))?;
                    Ok((key.clone(), value.clone()))
                })
                .collect::<Result<Vec<_>>>()?;
            let geometry = decode_geometry(f.geom_type, &f.geometry).map_err(error)?;
            Ok(DecodedFeature {
                id: f.id,
                properties,
                geometry,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DecodedLayer {
        name,
        version,
        extent,
        features,
    })
}

fn string(reader: &mut Reader<'_>) -> Result<String> {
    let (bytes, offset) = reader.bytes()?;
    String::from_utf8(bytes.to_vec()).map_err(|_| crate::TileError::Decode {
        offset,
        problem: "string is not UTF-8".into(),
    })
}

fn decode_feature(bytes: &[u8], base: usize) -> Result<RawFeature> {
    let mut reader = Reader::new(bytes, base);
    let mut feature = RawFeature {
        id: None,
        tags: Vec::new(),
        geom_type: 0,
        geometry: Vec::new(),
        offset: base,
    };
    while !reader.at_end() {
        let (field, wire) = reader.key()?;
        match (field, wire) {
            (1, VARINT) => feature.id = Some(reader.varint()?),
            (2, _) => reader.packed_u32(wire, &mut feature.tags)?,
            (3, VARINT) => feature.geom_type = reader.varint()?,
            (4, _) => reader.packed_u32(wire, &mut feature.geometry)?,
            _ => reader.skip(wire)?,
        }
    }
    Ok(feature)
}

fn decode_value(bytes: &[u8], base: usize) -> Result<PropValue> {
    let mut reader = Reader::new(bytes, base);
    let mut value = None;
    while !reader.at_end() {
        let (field, wire) = reader.key()?;
        value = Some(match (field, wire) {
            (1, LEN) => PropValue::String(string(&mut reader)?),
            (2, FIXED32) => PropValue::Float(f32::from_le_bytes(reader.fixed32()?)),
            (3, FIXED64) => PropValue::Double(f64::from_le_bytes(reader.fixed64()?)),
            (4, VARINT) => PropValue::Int(reader.varint()? as i64),
            (5, VARINT) => PropValue::UInt(reader.varint()?),
            (6, VARINT) => PropValue::Int(unzigzag64(reader.varint()?)),
            (7, VARINT) => PropValue::Bool(reader.varint()? != 0),
            _ => {
                reader.skip(wire)?;
                continue;
            }
        });
    }
    value.ok_or_else(|| reader.error("value message without a value"))
}

fn decode_geometry(geom_type: u64, commands: &[u32]) -> Result<DecodedGeometry, String> {
    let mut cursor = [0i32, 0i32];
    let mut points: Vec<[i32; 2]> = Vec::new();
    let mut parts: Vec<Vec<[i32; 2]>> = Vec::new();
    let mut rings: Vec<TileRing> = Vec::new();
    let mut open = false;
    let mut i = 0;
    while i < commands.len() {
        let (id, count) = (commands[i] & 0x7, commands[i] >> 3);
        i += 1;
        match id {
            1 | 2 => {
                for _ in 0..count {
                    let delta = commands
                        .get(i..i + 2)
                        .ok_or("geometry ends inside a command")?;
                    i += 2;
                    cursor[0] += unzigzag32(delta[0]);
                    cursor[1] += unzigzag32(delta[1]);
                    match (id, geom_type) {
                        (1, 1) => points.push(cursor),
                        (1, _) => {
                            if open && geom_type == 3 {
                                return Err("MoveTo inside an open polygon ring".into());
                            }
                            parts.push(vec![cursor]);
                            open = true;
                        }
                        (_, 1) => return Err("LineTo in a point geometry".into()),
                        _ => parts
                            .last_mut()
                            .filter(|_| open)
                            .ok_or("LineTo before MoveTo")?
                            .push(cursor),
                    }
                }
            }
            7 => {
                if geom_type != 3 || !open {
                    return Err("ClosePath outside an open polygon ring".into());
                }
                rings.extend(parts.pop());
                open = false;
            }
            other => return Err(format!("unknown command {other}")),
        }
    }
    Ok(match geom_type {
        1 => DecodedGeometry::Points(points),
        2 => DecodedGeometry::LineStrings(parts),
        3 if open => return Err("polygon ring without ClosePath".into()),
        3 => DecodedGeometry::Polygons(rings),
        _ => DecodedGeometry::Unknown,
    })
}
