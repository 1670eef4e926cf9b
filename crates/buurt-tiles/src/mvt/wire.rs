//! The few protobuf wire-format pieces a vector tile needs: varints, zig-zag, keys and
//! length-delimited fields.

use crate::error::{Result, TileError};

/// Wire type of varint fields.
pub(crate) const VARINT: u8 = 0;
/// Wire type of 64-bit fields (double).
pub(crate) const FIXED64: u8 = 1;
/// Wire type of length-delimited fields (strings, messages, packed repeated fields).
pub(crate) const LEN: u8 = 2;
/// Wire type of 32-bit fields (float).
pub(crate) const FIXED32: u8 = 5;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

pub(crate) fn put_len_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

pub(crate) fn put_varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    put_key(out, field, VARINT);
    put_varint(out, v);
}

/// Zig-zag: small magnitudes of either sign become small unsigned numbers.
pub(crate) fn zigzag32(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

pub(crate) fn unzigzag32(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

pub(crate) fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(crate) fn unzigzag64(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Reads one message; `base` is its offset in the whole tile, for error messages.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], base: usize) -> Self {
        Self { buf, pos: 0, base }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Offset of the next byte in the whole tile.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn error(&self, problem: impl Into<String>) -> TileError {
        TileError::Decode {
            offset: self.offset(),
            problem: problem.into(),
        }
    }

    pub fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(self.error("varint runs past the end"));
            };
            self.pos += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(v);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    /// Field number and wire type.
    pub fn key(&mut self) -> Result<(u32, u8)> {
        let k = self.varint()?;
        let field = u32::try_from(k >> 3).map_err(|_| self.error("field number out of range"))?;
        Ok((field, (k & 7) as u8))
    }

    /// A length-delimited payload and its offset in the tile.
    pub fn bytes(&mut self) -> Result<(&'a [u8], usize)> {
        let len = usize::try_from(self.varint()?).map_err(|_| self.error("length out of range"))?;
        let start = self.pos;
        let end = start
            .checked_add(len)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.error("field runs past the end"))?;
        self.pos = end;
        Ok((&self.buf[start..end], self.base + start))
    }

    pub fn fixed32(&mut self) -> Result<[u8; 4]> {
        let slice = self
            .buf
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("fixed32 runs past the end"))?;
        self.pos += 4;
        let mut out = [0u8; 4];
        out.copy_from_slice(slice);
        Ok(out)
    }

    pub fn fixed64(&mut self) -> Result<[u8; 8]> {
        let slice = self
            .buf
            .get(self.pos..self.pos + 8)
            .ok_or_else(|| self.error("fixed64 runs past the end"))?;
        self.pos += 8;
        let mut out = [0u8; 8];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// Skip a field of an unknown number.
    pub fn skip(&mut self, wire: u8) -> Result<()> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.fixed64().map(drop),
            LEN => self.bytes().map(drop),
            FIXED32 => self.fixed32().map(drop),
            other => Err(self.error(format!("unsupported wire type {other}"))),
        }
    }

    /// A packed repeated uint32 field, or a single unpacked element.
    pub fn packed_u32(&mut self, wire: u8, out: &mut Vec<u32>) -> Result<()> {
        match wire {
            LEN => {
                let (bytes, base) = self.bytes()?;
                let mut inner = Reader::new(bytes, base);
                while !inner.at_end() {
                    let v = inner.varint()?;
                    out.push(
                        u32::try_from(v)
                            .map_err(|_| inner.error("packed value exceeds 32 bits"))?,
                    );
                }
                Ok(())
            }
            VARINT => {
                let v = self.varint()?;
                out.push(u32::try_from(v).map_err(|_| self.error("value exceeds 32 bits"))?);
                Ok(())
            }
            other => Err(self.error(format!(
                "wire type {other} where packed uint32 was expected"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(Reader::new(&out, 0).varint().unwrap(), v);
        }
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, vec![0xac, 0x02]); // the protobuf documentation's example
        for v in [0, -1, 1, -2, 4096, -4160, i32::MAX, i32::MIN] {
            assert_eq!(unzigzag32(zigzag32(v)), v);
        }
        assert_eq!(zigzag32(-1), 1);
        assert_eq!(zigzag32(1), 2);
        for v in [0, -1, 1, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag64(zigzag64(v)), v);
        }
    }

    #[test]
    fn truncated_input_is_an_error_with_offset() {
        let err = Reader::new(&[0x80, 0x80], 7)
            .varint()
            .unwrap_err()
            .to_string();
        assert!(err.contains("byte 9"), "{err}");
    }
}
