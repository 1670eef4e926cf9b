//! Tile addresses (XYZ, y down, as MapLibre asks for them) and their bounds in Web Mercator.

use std::fmt;
use std::str::FromStr;

use geo_types::{Coord, Rect};

use crate::error::{Result, TileError};

/// The deepest zoom this crate renders. Buurten are a few hundred metres across, so z22
/// (tiles of ~10 m) is far beyond any use, and the per-zoom caches stay small.
pub const MAX_ZOOM: u8 = 22;

/// Half the width of the Web Mercator square, in metres (π × 6 378 137).
pub const HALF_WORLD_WEB_MERCATOR_M: f64 = 20_037_508.342_789_244;

/// Earth radius of the spherical Web Mercator projection, in metres.
const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// An error for a zoom above [`MAX_ZOOM`], naming the tile `z/x/y` asked for.
pub(crate) fn check_zoom(z: u8, x: u32, y: u32) -> Result<()> {
    if z > MAX_ZOOM {
        return Err(TileError::InvalidTile {
            z: u32::from(z),
            x,
            y,
            problem: format!("zoom is above the maximum {MAX_ZOOM}"),
        });
    }
    Ok(())
}

/// One tile of the XYZ pyramid: zoom `z`, column `x` from the west, row `y` from the north.
///
/// ```
/// use buurt_tiles::TileId;
/// let tile = TileId::new(14, 8418, 5401)?;
/// assert_eq!(tile.to_string(), "14/8418/5401");
/// assert!(TileId::new(3, 8, 0).is_err()); // only 8 columns at z3
/// assert_eq!("14/8418/5401".parse::<TileId>()?, tile);
/// # Ok::<(), buurt_tiles::TileError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    z: u8,
    x: u32,
    y: u32,
}

impl TileId {
    /// A tile, checked: `z <= MAX_ZOOM` and `x, y < 2^z`.
    pub fn new(z: u8, x: u32, y: u32) -> Result<Self> {
        check_zoom(z, x, y)?;
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(TileError::InvalidTile {
                z: u32::from(z),
                x,
                y,
                problem: format!("x and y must be below 2^{z} = {n}"),
            });
        }
        Ok(Self { z, x, y })
    }

    /// Zoom level.
    #[must_use]
    pub const fn z(&self) -> u8 {
        self.z
    }

    /// Column, counted from the antimeridian eastwards.
    #[must_use]
    pub const fn x(&self) -> u32 {
        self.x
    }

    /// Row, counted from the north (XYZ scheme).
    #[must_use]
    pub const fn y(&self) -> u32 {
        self.y
    }

    /// The row in the TMS scheme (counted from the south), as MBTiles stores it.
    ///
    /// ```
    /// use buurt_tiles::TileId;
    /// assert_eq!(TileId::new(1, 0, 0)?.y_tms(), 1);
    /// # Ok::<(), buurt_tiles::TileError>(())
    /// ```
    #[must_use]
    pub const fn y_tms(&self) -> u32 {
        (1u32 << self.z) - 1 - self.y
    }

    /// The tile's square in EPSG:3857 metres.
    ///
    /// ```
    /// use buurt_tiles::TileId;
    /// let world = TileId::new(0, 0, 0)?.bounds_web_mercator();
    /// assert!((world.max().x - 20_037_508.342_789_244).abs() < 1e-6);
    /// # Ok::<(), buurt_tiles::TileError>(())
    /// ```
    #[must_use]
    pub fn bounds_web_mercator(&self) -> Rect<f64> {
        let size = tile_size_web_mercator_m(self.z);
        let min_x = -HALF_WORLD_WEB_MERCATOR_M + f64::from(self.x) * size;
        let max_y = HALF_WORLD_WEB_MERCATOR_M - f64::from(self.y) * size;
        Rect::new(
            Coord {
                x: min_x,
                y: max_y - size,
            },
            Coord {
                x: min_x + size,
                y: max_y,
            },
        )
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

impl FromStr for TileId {
    type Err = TileError;

    fn from_str(text: &str) -> Result<Self> {
        let syntax = || TileError::TileSyntax {
            text: text.to_owned(),
        };
        let mut parts = text.trim().split('/');
        let mut next = || parts.next().ok_or_else(syntax);
        let z: u32 = next()?.parse().map_err(|_| syntax())?;
        let x: u32 = next()?.parse().map_err(|_| syntax())?;
        let y: u32 = next()?.parse().map_err(|_| syntax())?;
        if parts.next().is_some() {
            return Err(syntax());
        }
        let z = u8::try_from(z).map_err(|_| TileError::InvalidTile {
            z,
            x,
            y,
            problem: format!("zoom is above the maximum {MAX_ZOOM}"),
        })?;
        Self::new(z, x, y)
    }
}

/// The side of a tile at zoom `z`, in Web Mercator metres.
///
/// ```
/// assert!((buurt_tiles::tile::tile_size_web_mercator_m(16) - 611.496).abs() < 1e-3);
/// ```
#[must_use]
pub fn tile_size_web_mercator_m(z: u8) -> f64 {
    2.0 * HALF_WORLD_WEB_MERCATOR_M / f64::from(1u32 << z.min(31))
}

/// A block of tiles at one zoom: columns `min_x..=max_x`, rows `min_y..=max_y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRange {
    /// Zoom level.
    pub z: u8,
    /// First column.
    pub min_x: u32,
    /// Last column (inclusive).
    pub max_x: u32,
    /// First row (north).
    pub min_y: u32,
    /// Last row (inclusive, south).
    pub max_y: u32,
}

impl TileRange {
    /// The tiles at zoom `z` that intersect `bounds` (EPSG:3857 metres, clamped to the world).
    ///
    /// ```
    /// use buurt_tiles::{TileId, tile::TileRange};
    /// let tile = TileId::new(10, 525, 336)?;
    /// let range = TileRange::covering(tile.bounds_web_mercator(), 11)?;
    /// assert_eq!(range.len(), 9); // its four children, plus neighbours touched by the shared edges
    /// # Ok::<(), buurt_tiles::TileError>(())
    /// ```
    pub fn covering(bounds: Rect<f64>, z: u8) -> Result<Self> {
        check_zoom(z, 0, 0)?;
        let size = tile_size_web_mercator_m(z);
        let last = (1u32 << z) - 1;
        let column = |x: f64| -> u32 {
            let c = ((x + HALF_WORLD_WEB_MERCATOR_M) / size).floor();
            c.clamp(0.0, f64::from(last)) as u32
        };
        let row = |y: f64| -> u32 {
            let r = ((HALF_WORLD_WEB_MERCATOR_M - y) / size).floor();
            r.clamp(0.0, f64::from(last)) as u32
        };
        Ok(Self {
            z,
            min_x: column(bounds.min().x),
            max_x: column(bounds.max().x),
            min_y: row(bounds.max().y),
            max_y: row(bounds.min().y),
        })
    }

    /// Number of tiles in the block.
    #[must_use]
    pub fn len(&self) -> usize {
        (self.max_x - self.min_x + 1) as usize * (self.max_y - self.min_y + 1) as usize
    }

    /// Never true: a range holds at least one tile.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The tiles, row by row.
    pub fn iter(&self) -> impl Iterator<Item = TileId> + '_ {
        (self.min_y..=self.max_y)
            .flat_map(move |y| (self.min_x..=self.max_x).map(move |x| TileId { z: self.z, x, y }))
    }
}

/// The tile at zoom `z` that holds a point, counting a point on a shared edge to the tile east
/// or south of it, so that every point belongs to exactly one tile.
pub(crate) fn tile_of_point_web_mercator(point: Coord<f64>, z: u8) -> (u32, u32) {
    let size = tile_size_web_mercator_m(z);
    let last = f64::from((1u32 << z) - 1);
    let x = ((point.x + HALF_WORLD_WEB_MERCATOR_M) / size)
        .floor()
        .clamp(0.0, last);
    let y = ((HALF_WORLD_WEB_MERCATOR_M - point.y) / size)
        .floor()
        .clamp(0.0, last);
    (x as u32, y as u32)
}

/// Spherical Web Mercator metres to WGS84 degrees (x = longitude, y = latitude), for archive
/// headers that want lon/lat bounds.
pub(crate) fn lon_lat_from_web_mercator(point: Coord<f64>) -> Coord<f64> {
    Coord {
        x: (point.x / EARTH_RADIUS_M).to_degrees(),
        y: (point.y / EARTH_RADIUS_M).sinh().atan().to_degrees(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_addresses() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert!(TileId::new(0, 1, 0).is_err());
        assert!(TileId::new(MAX_ZOOM, (1 << MAX_ZOOM) - 1, 0).is_ok());
        assert!(TileId::new(MAX_ZOOM + 1, 0, 0).is_err());
        let err = TileId::new(2, 1, 4).unwrap_err().to_string();
        assert!(err.contains("2/1/4"), "{err}");
        assert!("3/1".parse::<TileId>().is_err());
        assert!("3/1/1/1".parse::<TileId>().is_err());
        assert!("a/1/1".parse::<TileId>().is_err());
        assert!("300/1/1".parse::<TileId>().is_err());
    }

    #[test]
    fn children_tile_their_parent() {
        let parent = TileId::new(5, 16, 10).unwrap();
        let b = parent.bounds_web_mercator();
        let nw = TileId::new(6, 32, 20).unwrap().bounds_web_mercator();
        let se = TileId::new(6, 33, 21).unwrap().bounds_web_mercator();
        assert!((nw.min().x - b.min().x).abs() < 1e-6);
        assert!((nw.max().y - b.max().y).abs() < 1e-6);
        assert!((se.max().x - b.max().x).abs() < 1e-6);
        assert!((se.min().y - b.min().y).abs() < 1e-6);
    }

    #[test]
    fn covering_a_tile_interior_gives_that_tile() {
        let tile = TileId::new(12, 2100, 1350).unwrap();
        let b = tile.bounds_web_mercator();
        let inner = Rect::new(
            Coord {
                x: b.min().x + 1.0,
                y: b.min().y + 1.0,
            },
            Coord {
                x: b.max().x - 1.0,
                y: b.max().y - 1.0,
            },
        );
        let range = TileRange::covering(inner, 12).unwrap();
        assert_eq!(range.iter().collect::<Vec<_>>(), vec![tile]);
        let center = Coord {
            x: f64::midpoint(b.min().x, b.max().x),
            y: f64::midpoint(b.min().y, b.max().y),
        };
        assert_eq!(tile_of_point_web_mercator(center, 12), (2100, 1350));
    }

    #[test]
    fn inverse_projection_of_utrecht() {
        // Domtoren, 5.1214 E 52.0907 N, projected with the spherical formula.
        let p = lon_lat_from_web_mercator(Coord {
            x: 570_111.64,
            y: 6_816_541.82,
        });
        assert!((p.x - 5.1214).abs() < 1e-6, "{p:?}");
        assert!((p.y - 52.0907).abs() < 1e-6, "{p:?}");
    }
}
