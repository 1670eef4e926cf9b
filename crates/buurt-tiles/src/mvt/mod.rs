//! Mapbox Vector Tile 2.1: a hand-written encoder (crate-internal) and a decoder for tests and
//! tools. <https://github.com/mapbox/vector-tile-spec/tree/master/2.1>

mod decode;
pub(crate) mod encode;
mod wire;

pub use decode::{DecodedFeature, DecodedGeometry, DecodedLayer, DecodedTile, decode_tile};

/// The spec's default extent: tile coordinates run from 0 to 4096.
pub const DEFAULT_EXTENT: u32 = 4096;

/// The vector tile format version written.
pub const VERSION: u32 = 2;

/// A ring in tile units (x right, y down), without closing point.
pub type TileRing = Vec<[i32; 2]>;

/// A feature property value. Integers are written as `sint_value` ([`PropValue::Int`]) or
/// `uint_value` ([`PropValue::UInt`]), so that a decoded tile gives back what was written.
///
/// ```
/// use buurt_tiles::PropValue;
/// assert_eq!(PropValue::from(12.5), PropValue::Double(12.5));
/// assert_eq!(PropValue::from("Zuilen"), PropValue::String("Zuilen".into()));
/// assert_eq!(PropValue::from(true).json_type(), "Boolean");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// Text.
    String(String),
    /// 32-bit float.
    Float(f32),
    /// 64-bit float (indicator values).
    Double(f64),
    /// Signed integer.
    Int(i64),
    /// Unsigned integer.
    UInt(u64),
    /// Boolean.
    Bool(bool),
}

impl PropValue {
    /// The TileJSON `vector_layers` field type: `String`, `Number` or `Boolean`.
    #[must_use]
    pub fn json_type(&self) -> &'static str {
        match self {
            PropValue::String(_) => "String",
            PropValue::Float(_) | PropValue::Double(_) | PropValue::Int(_) | PropValue::UInt(_) => {
                "Number"
            }
            PropValue::Bool(_) => "Boolean",
        }
    }

    /// The value as a float, if it is a number.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            PropValue::Float(v) => Some(f64::from(v)),
            PropValue::Double(v) => Some(v),
            PropValue::Int(v) => Some(v as f64),
            PropValue::UInt(v) => Some(v as f64),
            PropValue::String(_) | PropValue::Bool(_) => None,
        }
    }

    /// The value as text, if it is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropValue::String(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for PropValue {
    fn from(v: &str) -> Self {
        PropValue::String(v.to_owned())
    }
}

impl From<String> for PropValue {
    fn from(v: String) -> Self {
        PropValue::String(v)
    }
}

impl From<f64> for PropValue {
    fn from(v: f64) -> Self {
        PropValue::Double(v)
    }
}

impl From<i64> for PropValue {
    fn from(v: i64) -> Self {
        PropValue::Int(v)
    }
}

impl From<u64> for PropValue {
    fn from(v: u64) -> Self {
        PropValue::UInt(v)
    }
}

impl From<bool> for PropValue {
    fn from(v: bool) -> Self {
        PropValue::Bool(v)
    }
}

/// The spec's shoelace sum of a ring (twice its area): positive for an exterior ring, negative
/// for a hole.
///
/// ```
/// // Clockwise on screen (y down): an exterior ring.
/// assert_eq!(buurt_tiles::mvt::ring_area_doubled(&[[0, 0], [10, 0], [10, 10], [0, 10]]), 200);
/// ```
#[must_use]
pub fn ring_area_doubled(ring: &[[i32; 2]]) -> i64 {
    let n = ring.len();
    let mut sum = 0i64;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        sum += i64::from(a[0]) * i64::from(b[1]) - i64::from(b[0]) * i64::from(a[1]);
    }
    sum
}
