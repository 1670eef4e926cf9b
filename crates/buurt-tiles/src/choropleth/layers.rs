//! The tile layers built from the atlas: per level the newest boundaries of each gemeente, in
//! Web Mercator.

use std::collections::{BTreeSet, HashMap};

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_io::RegionShape;
use buurt_io::crs::geometry_rd_to_web_mercator;
use geo::{BoundingRect, Contains, InteriorPoint};
use geo_types::Rect;

use crate::error::TileError;
use crate::tileset::{SourceFeature, SourceLayer};

/// The features of `level` of each gemeente from its drawing layer
/// ([`Atlas::drawing_layers`]: the newest boundaries, or a comparable, clearly more detailed
/// drawing of the same regions), named as in the newest layer, in code order: what the tiles
/// show and `/api/v1/locate` finds.
///
/// A region known only from an older indeling is left out where a region of a newer one
/// covers it: the gemeenten Brielle, Hellevoetsluis and Westvoorne of 2022 lie inside Voorne
/// aan Zee of 2024, and drawing both would stack two polygons on one place.
#[must_use]
pub fn newest_shapes(atlas: &Atlas, level: Level) -> Vec<RegionShape> {
    let gemeenten: BTreeSet<GemeenteCode> = atlas
        .layers()
        .iter()
        .filter(|l| l.level == level)
        .flat_map(|l| l.features.iter().filter_map(|f| f.code.gemeente()))
        .collect();
    let mut shapes: Vec<(RegionShape, Indeling)> = Vec::new();
    for g in gemeenten {
        let Some((drawing, newest)) = atlas.drawing_layers(g, level) else {
            continue;
        };
        let of_g = |f: &&RegionShape| f.code.gemeente() == Some(g) && f.code.level() == level;
        // An older, detailed file may shorten names (Utrecht 2013 cuts them at 20 characters).
        let names: HashMap<RegionCode, &str> = newest
            .features
            .iter()
            .filter(of_g)
            .map(|f| (f.code, f.name.as_str()))
            .collect();
        for f in drawing.features.iter().filter(of_g) {
            let mut shape = f.clone();
            if let Some(name) = names.get(&f.code) {
                (*name).clone_into(&mut shape.name);
            }
            shapes.push((shape, newest.indeling));
        }
    }
    shapes.sort_by_key(|(s, _)| s.code);
    shapes.dedup_by_key(|(s, _)| s.code);
    drop_superseded(shapes)
}

/// The shapes without those of an older indeling whose interior point lies in a shape of a
/// newer one.
fn drop_superseded(shapes: Vec<(RegionShape, Indeling)>) -> Vec<RegionShape> {
    let Some(newest) = shapes.iter().map(|(_, i)| *i).max() else {
        return Vec::new();
    };
    let newer: Vec<(&RegionShape, Indeling, Option<Rect<f64>>)> = shapes
        .iter()
        .map(|(s, i)| (s, *i, s.geometry_rd.bounding_rect()))
        .collect();
    let superseded: BTreeSet<RegionCode> = shapes
        .iter()
        .zip(&newer)
        .filter(|((_, i), _)| *i < newest)
        // The interior point lies within the shape's own bounds: where no newer shape's bounds
        // meet those, no newer shape can hold it, and the point (the costly part: thousands of
        // wijken of an older indeling) need not be found.
        .filter(|((_, i), (_, _, own))| {
            own.is_some_and(|own| {
                newer.iter().any(|(_, j, bbox)| {
                    j > i
                        && bbox.is_some_and(|b| {
                            b.min().x <= own.max().x
                                && own.min().x <= b.max().x
                                && b.min().y <= own.max().y
                                && own.min().y <= b.max().y
                        })
                })
            })
        })
        .filter_map(|((s, i), _)| {
            let p = s.geometry_rd.interior_point()?;
            newer
                .iter()
                .any(|(other, j, bbox)| {
                    j > i
                        && bbox.is_some_and(|b| {
                            b.min().x <= p.x()
                                && p.x() <= b.max().x
                                && b.min().y <= p.y()
                                && p.y() <= b.max().y
                        })
                        && other.geometry_rd.contains(&p)
                })
                .then_some(s.code)
        })
        .collect();
    if !superseded.is_empty() {
        tracing::debug!(
            ?superseded,
            "regions of an older indeling covered by newer ones; not drawn"
        );
    }
    shapes
        .into_iter()
        .filter(|(s, _)| !superseded.contains(&s.code))
        .map(|(s, _)| s)
        .collect()
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
