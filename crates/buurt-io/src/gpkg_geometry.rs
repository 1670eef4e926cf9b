//! GeoPackage geometry blobs: the `GP` header followed by WKB, decoded for (Multi)Polygons.
//!
//! Header (GeoPackage 1.x, § 2.1.3): magic `GP`, version byte, flags byte (bit 0 byte order of the
//! header, bits 1–3 envelope kind, bit 4 empty geometry, bit 5 extended type), `srs_id` (int32),
//! an envelope of 0, 32, 48 or 64 bytes, then standard WKB. Polygons and MultiPolygons are read
//! in ISO (`1003`, `2003`, `3003`) and EWKB (high-bit flags) Z/M variants; Z and M are dropped.

use std::fmt;

use geo_types::Coord;

use crate::geometry_check::RawPolygon;

/// A decoded geometry blob.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GpkgGeometry {
    /// The `srs_id` in the header (refers to `gpkg_spatial_ref_sys`).
    pub(crate) srs_id: i32,
    /// The polygons (empty for an empty geometry), coordinates as stored.
    pub(crate) polygons: Vec<RawPolygon>,
}

/// Why a blob could not be decoded: a sentence, completed with file, layer and row by the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlobError(pub String);

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BlobError {}

fn err<T>(message: impl Into<String>) -> Result<T, BlobError> {
    Err(BlobError(message.into()))
}

/// A cursor over bytes with an explicit byte order.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BlobError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return err(format!(
                "blob ends after {} bytes, {n} more needed at offset {}",
                self.bytes.len(),
                self.pos
            ));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, BlobError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self, little: bool) -> Result<u32, BlobError> {
        let b: [u8; 4] = self
            .take(4)?
            .try_into()
            .map_err(|_| BlobError("short read".into()))?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, BlobError> {
        let b: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| BlobError("short read".into()))?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// A count followed by at least `min_item_bytes` per item; guards against absurd counts.
    fn count(
        &mut self,
        little: bool,
        min_item_bytes: usize,
        what: &str,
    ) -> Result<usize, BlobError> {
        let n = self.u32(little)? as usize;
        if n.saturating_mul(min_item_bytes) > self.remaining() {
            return err(format!(
                "{what} count {n} does not fit in the {} bytes left",
                self.remaining()
            ));
        }
        Ok(n)
    }
}

/// Decode a GeoPackage geometry blob holding a Polygon or MultiPolygon.
pub(crate) fn parse_gpkg_geometry(blob: &[u8]) -> Result<GpkgGeometry, BlobError> {
    let mut r = Reader {
        bytes: blob,
        pos: 0,
    };
    if r.take(2).ok() != Some(b"GP".as_slice()) {
        return err("not a GeoPackage geometry blob (no 'GP' magic)");
    }
    let version = r.u8()?;
    if version != 0 {
        return err(format!("unsupported GeoPackage blob version {version}"));
    }
    let flags = r.u8()?;
    let little = flags & 0b1 == 1;
    let envelope_bytes = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => return err(format!("invalid envelope indicator {other}")),
    };
    let empty = flags & 0b1_0000 != 0;
    let srs_id = r.u32(little)? as i32;
    r.take(envelope_bytes)?;
    if empty {
        return Ok(GpkgGeometry {
            srs_id,
            polygons: Vec::new(),
        });
    }
    let polygons = match read_wkb_header(&mut r)? {
        (3, little, dims) => vec![read_polygon_body(&mut r, little, dims)?],
        (6, little, _) => {
            let n = r.count(little, 9, "polygon")?;
            let mut polygons = Vec::with_capacity(n);
            for _ in 0..n {
                match read_wkb_header(&mut r)? {
                    (3, little, dims) => polygons.push(read_polygon_body(&mut r, little, dims)?),
                    (other, _, _) => {
                        return err(format!(
                            "a MultiPolygon holds WKB type {other}, not a Polygon"
                        ));
                    }
                }
            }
            polygons
        }
        (other, _, _) => {
            return err(format!(
                "WKB type {} is not a Polygon or MultiPolygon",
                wkb_type_name(other)
            ));
        }
    };
    Ok(GpkgGeometry { srs_id, polygons })
}

/// Byte order, base type (1–7) and number of ordinates per point.
fn read_wkb_header(r: &mut Reader<'_>) -> Result<(u32, bool, usize), BlobError> {
    let little = match r.u8()? {
        0 => false,
        1 => true,
        other => return err(format!("invalid WKB byte order {other}")),
    };
    let raw = r.u32(little)?;
    // EWKB: flags in the high bits, an SRID after the type when bit 29 is set.
    let (ewkb_z, ewkb_m, has_srid) = (
        raw & 0x8000_0000 != 0,
        raw & 0x4000_0000 != 0,
        raw & 0x2000_0000 != 0,
    );
    let iso = raw & 0x0FFF_FFFF;
    let (base, iso_z, iso_m) = (
        iso % 1000,
        matches!(iso / 1000, 1 | 3),
        matches!(iso / 1000, 2 | 3),
    );
    if has_srid {
        r.take(4)?;
    }
    let dims = 2 + usize::from(ewkb_z || iso_z) + usize::from(ewkb_m || iso_m);
    Ok((base, little, dims))
}

fn read_polygon_body(
    r: &mut Reader<'_>,
    little: bool,
    dims: usize,
) -> Result<RawPolygon, BlobError> {
    let rings = r.count(little, 4, "ring")?;
    let mut polygon = Vec::with_capacity(rings);
    for _ in 0..rings {
        let points = r.count(little, 8 * dims, "point")?;
        let mut ring = Vec::with_capacity(points);
        for _ in 0..points {
            let x = r.f64(little)?;
            let y = r.f64(little)?;
            for _ in 2..dims {
                r.f64(little)?;
            }
            ring.push(Coord { x, y });
        }
        polygon.push(ring);
    }
    Ok(polygon)
}

fn wkb_type_name(base: u32) -> String {
    match base {
        1 => "1 (Point)".into(),
        2 => "2 (LineString)".into(),
        4 => "4 (MultiPoint)".into(),
        5 => "5 (MultiLineString)".into(),
        7 => "7 (GeometryCollection)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Encode polygons as a GeoPackage blob: with a 2D envelope, in the given byte order, as a
    /// MultiPolygon when there is more than one. Used by the GeoPackage reader's tests too.
    pub(crate) fn encode(srs_id: i32, polygons: &[Vec<Vec<(f64, f64)>>], little: bool) -> Vec<u8> {
        let u32b = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let f64b = |v: f64| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut out = vec![b'G', b'P', 0, 0b0000_0010 | u8::from(little)];
        out.extend(u32b(srs_id as u32));
        let all = polygons.iter().flatten().flatten();
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in all {
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
        for v in [min_x, max_x, min_y, max_y] {
            out.extend(f64b(v));
        }
        let polygon = |out: &mut Vec<u8>, rings: &Vec<Vec<(f64, f64)>>| {
            out.push(u8::from(little));
            out.extend(u32b(3));
            out.extend(u32b(rings.len() as u32));
            for ring in rings {
                out.extend(u32b(ring.len() as u32));
                for &(x, y) in ring {
                    out.extend(f64b(x));
                    out.extend(f64b(y));
                }
            }
        };
        if polygons.len() == 1 {
            polygon(&mut out, &polygons[0]);
        } else {
            out.push(u8::from(little));
            out.extend(u32b(6));
            out.extend(u32b(polygons.len() as u32));
            for p in polygons {
                polygon(&mut out, p);
            }
        }
        out
    }

    fn square(x0: f64) -> Vec<Vec<(f64, f64)>> {
        vec![vec![
            (x0, 0.0),
            (x0 + 10.0, 0.0),
            (x0 + 10.0, 10.0),
            (x0, 10.0),
            (x0, 0.0),
        ]]
    }

    #[test]
    fn both_byte_orders_and_multipolygons() {
        for little in [true, false] {
            let blob = encode(28992, &[square(0.0), square(20.0)], little);
            let g = parse_gpkg_geometry(&blob).unwrap();
            assert_eq!(g.srs_id, 28992);
            assert_eq!(g.polygons.len(), 2);
            assert_eq!(g.polygons[1][0][1], Coord { x: 30.0, y: 0.0 });
        }
    }

    #[test]
    fn z_coordinates_are_skipped() {
        let mut blob = vec![b'G', b'P', 0, 1];
        blob.extend(28992i32.to_le_bytes());
        blob.push(1);
        blob.extend(1003u32.to_le_bytes());
        blob.extend(1u32.to_le_bytes());
        blob.extend(4u32.to_le_bytes());
        for (x, y) in [(0.0f64, 0.0f64), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)] {
            for v in [x, y, 7.0] {
                blob.extend(v.to_le_bytes());
            }
        }
        let g = parse_gpkg_geometry(&blob).unwrap();
        assert_eq!(g.polygons[0][0][2], Coord { x: 0.0, y: 1.0 });
    }

    #[test]
    fn malformed_blobs_are_refused() {
        assert!(
            parse_gpkg_geometry(b"XX\0\x01")
                .unwrap_err()
                .0
                .contains("magic")
        );
        let mut truncated = encode(28992, &[square(0.0)], true);
        truncated.truncate(truncated.len() - 5);
        assert!(
            parse_gpkg_geometry(&truncated)
                .unwrap_err()
                .0
                .contains("does not fit"),
            "truncated"
        );
        let mut point = vec![b'G', b'P', 0, 1];
        point.extend(28992i32.to_le_bytes());
        point.push(1);
        point.extend(1u32.to_le_bytes());
        point.extend(0f64.to_le_bytes());
        point.extend(0f64.to_le_bytes());
        assert!(parse_gpkg_geometry(&point).unwrap_err().0.contains("Point"));
        let mut bad_envelope = encode(28992, &[square(0.0)], true);
        bad_envelope[3] = 0b0000_1011;
        assert!(
            parse_gpkg_geometry(&bad_envelope)
                .unwrap_err()
                .0
                .contains("envelope")
        );
    }

    #[test]
    fn empty_flag_gives_no_polygons() {
        let mut blob = vec![b'G', b'P', 0, 0b0001_0001];
        blob.extend(28992i32.to_le_bytes());
        let g = parse_gpkg_geometry(&blob).unwrap();
        assert!(g.polygons.is_empty());
    }
}
