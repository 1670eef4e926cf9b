//! The tile layers built from the atlas: per level the newest boundaries of each gemeente, in
//! Web Mercator.

use std::collections::HashMap;

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_io::RegionShape;
use buurt_io::crs::geometry_rd_to_web_mercator;

use crate::error::TileError;
use crate::tileset::{SourceFeature, SourceLayer};

/// The features of `level` from the newest boundary layer of each gemeente, in code order: what
/// the tiles show and `/api/v1/locate` finds.
#[must_use]
pub fn newest_shapes(atlas: &Atlas, level: Level) -> Vec<RegionShape> {
    let layers: Vec<_> = atlas.layers().iter().filter(|l| l.level == level).collect();
    let mut newest: HashMap<GemeenteCode, (Indeling, usize)> = HashMap::new();
    for (i, layer) in layers.iter().enumerate() {
        for f in &layer.features {
            if let Some(g) = f.code.gemeente() {
                let entry = newest.entry(g).or_insert((layer.indeling, i));
                if (layer.indeling, i) > *entry {
                    *entry = (layer.indeling, i);
                }
            }
        }
    }
    let mut shapes: Vec<RegionShape> = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        for f in &layer.features {
            let chosen = f
                .code
                .gemeente()
                .and_then(|g| newest.get(&g))
                .is_some_and(|(_, li)| *li == i);
            if chosen && f.code.level() == level {
                shapes.push(f.clone());
            }
        }
    }
    shapes.sort_by_key(|s| s.code);
    shapes.dedup_by_key(|s| s.code);
    shapes
}

/// The tile layer of `level` (named as the level) from its shapes, projected RD → Web Mercator.
/// Feature ids are positions in `shapes`.
#[must_use]
pub fn source_layer(level: Level, shapes: &[RegionShape]) -> SourceLayer {
    SourceLayer {
        name: level.as_str().to_owned(),
        features: shapes
            .iter()
            .enumerate()
            .map(|(i, s)| SourceFeature {
                id: i as u64,
                code: s.code.to_string(),
                name: s.name.clone(),
                geometry_web_mercator: geometry_rd_to_web_mercator(&s.geometry_rd),
            })
            .collect(),
    }
}

/// The newest shapes of `level` within `within` ([`RegionCode::Nederland`] for all).
///
/// # Errors
///
/// [`TileError::NoLayer`] when the atlas has no boundaries of `level`,
/// [`TileError::NothingWithin`] when none of them lies within `within`.
pub fn shapes_within(
    atlas: &Atlas,
    level: Level,
    within: &RegionCode,
) -> Result<Vec<RegionShape>, TileError> {
    let mut shapes = newest_shapes(atlas, level);
    if shapes.is_empty() {
        return Err(TileError::NoLayer { level });
    }
    shapes.retain(|s| s.code.is_within(within));
    if shapes.is_empty() {
        return Err(TileError::NothingWithin {
            level,
            within: *within,
        });
    }
    Ok(shapes)
}
