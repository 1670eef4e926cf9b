//! Writing layers and features as protobuf, with keys and values shared per layer.

use std::collections::{BTreeMap, HashMap};

use super::wire::{
    FIXED32, FIXED64, LEN, put_key, put_len_field, put_varint, put_varint_field, zigzag32, zigzag64,
};
use super::{PropValue, TileRing, VERSION};

/// Geometry types of the spec (`GeomType` enum).
pub(crate) const POINT: u64 = 1;
pub(crate) const POLYGON: u64 = 3;

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

/// A value as a hash key (floats by their bits) for the layer's value table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ValueKey {
    String(String),
    Float(u32),
    Double(u64),
    Int(i64),
    UInt(u64),
    Bool(bool),
}

impl From<&PropValue> for ValueKey {
    fn from(v: &PropValue) -> Self {
        match v {
            PropValue::String(s) => ValueKey::String(s.clone()),
            PropValue::Float(f) => ValueKey::Float(f.to_bits()),
            PropValue::Double(d) => ValueKey::Double(d.to_bits()),
            PropValue::Int(i) => ValueKey::Int(*i),
            PropValue::UInt(u) => ValueKey::UInt(*u),
            PropValue::Bool(b) => ValueKey::Bool(*b),
        }
    }
}

/// A feature's geometry in tile units.
pub(crate) enum FeatureGeometry<'a> {
    /// Polygons: exterior ring (positive area) then holes, each already on the grid.
    Polygons(&'a [Vec<TileRing>]),
    /// One point.
    Point([i32; 2]),
}

/// One layer being written.
pub(crate) struct LayerEncoder {
    name: String,
    extent: u32,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    values: Vec<PropValue>,
    value_index: HashMap<ValueKey, u32>,
    features: Vec<u8>,
    count: usize,
    /// Property names and their TileJSON types, for archive metadata.
    fields: BTreeMap<String, &'static str>,
}

impl LayerEncoder {
    pub fn new(name: &str, extent: u32) -> Self {
        Self {
            name: name.to_owned(),
            extent,
            keys: Vec::new(),
            key_index: HashMap::new(),
            values: Vec::new(),
            value_index: HashMap::new(),
            features: Vec::new(),
            count: 0,
            fields: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Add a feature. A property key given twice keeps its first value.
    pub fn add_feature(
        &mut self,
        id: u64,
        properties: &[(String, PropValue)],
        geometry: &FeatureGeometry<'_>,
    ) {
        let mut tags: Vec<u32> = Vec::with_capacity(properties.len() * 2);
        let mut used: Vec<u32> = Vec::with_capacity(properties.len());
        for (key, value) in properties {
            let k = self.key(key);
            if used.contains(&k) {
                continue;
            }
            used.push(k);
            let v = self.value(value);
            tags.push(k);
            tags.push(v);
            self.fields.entry(key.clone()).or_insert(value.json_type());
        }
        let (geom_type, commands) = match geometry {
            FeatureGeometry::Polygons(polygons) => (POLYGON, polygon_commands(polygons)),
            FeatureGeometry::Point(p) => (
                POINT,
                vec![command(MOVE_TO, 1), zigzag32(p[0]), zigzag32(p[1])],
            ),
        };
        let mut feature = Vec::with_capacity(16 + 2 * tags.len() + 2 * commands.len());
        put_varint_field(&mut feature, 1, id);
        put_packed(&mut feature, 2, &tags);
        put_varint_field(&mut feature, 3, geom_type);
        put_packed(&mut feature, 4, &commands);
        put_len_field(&mut self.features, 2, &feature);
        self.count += 1;
    }

    fn key(&mut self, key: &str) -> u32 {
        if let Some(&k) = self.key_index.get(key) {
            return k;
        }
        let k = self.keys.len() as u32;
        self.keys.push(key.to_owned());
        self.key_index.insert(key.to_owned(), k);
        k
    }

    fn value(&mut self, value: &PropValue) -> u32 {
        let lookup = ValueKey::from(value);
        if let Some(&v) = self.value_index.get(&lookup) {
            return v;
        }
        let v = self.values.len() as u32;
        self.values.push(value.clone());
        self.value_index.insert(lookup, v);
        v
    }

    /// Append the layer to a tile; returns the layer's property fields.
    pub fn finish(self, tile: &mut Vec<u8>) -> BTreeMap<String, &'static str> {
        let mut layer = Vec::with_capacity(self.features.len() + 64 * self.values.len());
        put_varint_field(&mut layer, 15, u64::from(VERSION));
        put_len_field(&mut layer, 1, self.name.as_bytes());
        layer.extend_from_slice(&self.features);
        for key in &self.keys {
            put_len_field(&mut layer, 3, key.as_bytes());
        }
        let mut value_buf = Vec::new();
        for value in &self.values {
            value_buf.clear();
            encode_value(&mut value_buf, value);
            put_len_field(&mut layer, 4, &value_buf);
        }
        put_varint_field(&mut layer, 5, u64::from(self.extent));
        put_len_field(tile, 3, &layer);
        self.fields
    }
}

fn encode_value(out: &mut Vec<u8>, value: &PropValue) {
    match value {
        PropValue::String(s) => put_len_field(out, 1, s.as_bytes()),
        PropValue::Float(f) => {
            put_key(out, 2, FIXED32);
            out.extend_from_slice(&f.to_le_bytes());
        }
        PropValue::Double(d) => {
            put_key(out, 3, FIXED64);
            out.extend_from_slice(&d.to_le_bytes());
        }
        PropValue::UInt(u) => put_varint_field(out, 5, *u),
        PropValue::Int(i) => put_varint_field(out, 6, zigzag64(*i)),
        PropValue::Bool(b) => put_varint_field(out, 7, u64::from(*b)),
    }
}

fn put_packed(out: &mut Vec<u8>, field: u32, values: &[u32]) {
    let mut packed = Vec::with_capacity(values.len() * 2);
    for &v in values {
        put_varint(&mut packed, u64::from(v));
    }
    put_key(out, field, LEN);
    put_varint(out, packed.len() as u64);
    out.extend_from_slice(&packed);
}

fn command(id: u32, count: u32) -> u32 {
    (id & 0x7) | (count << 3)
}

/// MoveTo, LineTo × (n − 1), ClosePath per ring, with deltas from a cursor that carries over
/// from ring to ring.
fn polygon_commands(polygons: &[Vec<TileRing>]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut cursor = [0i32, 0i32];
    for ring in polygons.iter().flatten() {
        let Some((first, rest)) = ring.split_first() else {
            continue;
        };
        out.push(command(MOVE_TO, 1));
        out.push(zigzag32(first[0] - cursor[0]));
        out.push(zigzag32(first[1] - cursor[1]));
        cursor = *first;
        out.push(command(LINE_TO, rest.len() as u32));
        for p in rest {
            out.push(zigzag32(p[0] - cursor[0]));
            out.push(zigzag32(p[1] - cursor[1]));
            cursor = *p;
        }
        out.push(command(CLOSE_PATH, 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_polygon_commands() {
        // The spec's example (4.3.5.3): a ring (3,6) (8,12) (20,34).
        let commands = polygon_commands(&[vec![vec![[3, 6], [8, 12], [20, 34]]]]);
        assert_eq!(commands, vec![9, 6, 12, 18, 10, 12, 24, 44, 15]);
    }

    #[test]
    fn keys_and_values_are_shared() {
        let mut layer = LayerEncoder::new("buurt", 4096);
        let ring: Vec<TileRing> = vec![vec![[0, 0], [10, 0], [10, 10]]];
        let props = vec![
            ("kind".to_owned(), PropValue::from("x")),
            ("kind".to_owned(), PropValue::from("ignored")),
        ];
        layer.add_feature(
            1,
            &props,
            &FeatureGeometry::Polygons(std::slice::from_ref(&ring)),
        );
        layer.add_feature(
            2,
            &props[..1],
            &FeatureGeometry::Polygons(std::slice::from_ref(&ring)),
        );
        assert_eq!(layer.keys.len(), 1);
        assert_eq!(layer.values.len(), 1);
    }
}
