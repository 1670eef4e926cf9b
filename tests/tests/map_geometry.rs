//! The map draws each gemeente with the best boundaries the data holds (issue 12): Utrecht's own
//! detailed 2013 polygons, whose 111 buurt codes and areas are those of CBS 2024, instead of
//! CBS's generalised 2024 polygons; the gemeente outline from the same drawing, so that the
//! buurten and the outline share their borders; CBS's names, not the 2013 file's truncated ones.

use buurt_core::{Indeling, Level, RegionCode, RegionKey};
use buurt_tests::real_atlas;
use buurt_tiles::choropleth::shapes_within;
use geo::{Area, BoundingRect, Contains};
use geo_types::{MultiPolygon, Point};

fn vertices(mp: &MultiPolygon<f64>) -> usize {
    mp.0.iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}

#[test]
fn utrecht_is_drawn_with_its_detailed_polygons_and_shared_borders() {
    let atlas = real_atlas();
    let utrecht: RegionCode = "GM0344".parse().expect("code");
    let buurten = shapes_within(atlas, Level::Buurt, &utrecht).expect("buurten");
    assert_eq!(buurten.len(), 111);
    // The 2013 file has 9 301 vertices; CBS's generalised 2024 buurten some 300.
    let total: usize = buurten.iter().map(|s| vertices(&s.geometry_rd)).sum();
    assert!(total > 9_000, "{total} vertices");
    // Names as CBS publishes them (the 2013 file cuts them at 20 characters).
    assert!(
        buurten.iter().any(|s| s.name.chars().count() > 20),
        "no name longer than 20 characters"
    );

    // The gemeente outline is the same drawing: the buurten fill it without gap or overhang.
    let gemeente = shapes_within(atlas, Level::Gemeente, &utrecht).expect("gemeente");
    let outline = &gemeente
        .iter()
        .find(|s| s.code == utrecht)
        .expect("GM0344")
        .geometry_rd;
    let buurt_area: f64 = buurten.iter().map(|s| s.geometry_rd.unsigned_area()).sum();
    let gemeente_area = outline.unsigned_area();
    let gap = (buurt_area - gemeente_area).abs() / gemeente_area;
    assert!(
        gap < 0.002,
        "buurten {buurt_area:.0} m² against gemeente {gemeente_area:.0} m²"
    );
    // Every buurt vertex lies inside the outline or on it (within a metre).
    let bounds = outline.bounding_rect().expect("bounds");
    let mut outside = 0;
    for s in &buurten {
        for p in &s.geometry_rd.0 {
            for c in p.exterior().coords() {
                let near = [(0.0, 0.0), (1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)]
                    .iter()
                    .any(|(dx, dy)| outline.contains(&Point::new(c.x + dx, c.y + dy)));
                if !near {
                    outside += 1;
                }
                assert!(bounds.min().x - 1.0 <= c.x && c.x <= bounds.max().x + 1.0);
            }
        }
    }
    assert!(
        outside * 1000 < total,
        "{outside} of {total} buurt vertices outside the outline"
    );

    // Profiles, the API and the PDF draw the same polygons as the tiles.
    let key = RegionKey::new("BU03440211".parse().expect("code"), Indeling::new(2024));
    let drawn = buurten
        .iter()
        .find(|s| s.code == key.code)
        .expect("in the tiles");
    assert_eq!(atlas.geometry_rd(&key), Some(&drawn.geometry_rd));

    // Almere has no second drawing of its wijken: the newest layer stays.
    let almere: RegionCode = "GM0034".parse().expect("code");
    let wijken = shapes_within(atlas, Level::Wijk, &almere).expect("wijken");
    assert_eq!(wijken.len(), 71);
}
