//! `buurt fetch` end to end: fetch the made-up gemeente GM9901 from a loopback server that
//! answers like StatLine, the third-party catalogue and PDOK (a second page, a 500, a slow
//! answer and a truncated body on the way), then open the atlas of the fetched folder and check
//! that its regions, values and polygons came through.

use buurt_core::{Catalogue, Indeling, Level, MissingReason, RegionCode, RegionKey};
use buurt_diagnose::Atlas;
use buurt_diagnose::atlas::CacheStatus;
use buurt_fetch::fixture::{Fault, FixtureServer, kwb_inwoners};
use buurt_io::registry::NoProgress;

fn code(s: &str) -> RegionCode {
    s.parse().expect("a valid code")
}

/// The value of `indicator` for `region` in `year` (from any dataset), or its missing reason.
fn value(atlas: &Atlas, region: &str, indicator: &str, year: u16) -> Result<f64, MissingReason> {
    let ix = atlas
        .catalogue()
        .position(indicator)
        .unwrap_or_else(|| panic!("{indicator} is in the catalogue"));
    let cells = atlas.cells().cells_of(code(region), ix as u16);
    let (_, cell) = cells
        .iter()
        .find(|(g, _)| g.year == year)
        .unwrap_or_else(|| panic!("{region} has {indicator} for {year}: {cells:?}"));
    match atlas.cells().cell_value(*cell) {
        (v, None) => Ok(v),
        (_, Some(reason)) => Err(reason),
    }
}

#[test]
fn a_fetched_gemeente_opens_as_an_atlas_with_its_regions_values_and_polygons() {
    let server = FixtureServer::start();
    server.inject("/85618NED/TypedDataSet", [Fault::Status(500)]);
    server.inject(
        "/collections/buurten/",
        [Fault::Slow(std::time::Duration::from_millis(1500))],
    );
    server.inject("/50090NED/UntypedDataSet", [Fault::Truncated]);
    let data = tempfile::tempdir().unwrap();
    let summary = buurt_fetch::fetch(&server.settings(data.path()), &NoProgress).unwrap();
    assert_eq!(summary.fetched.len(), 12);

    let cache = tempfile::tempdir().unwrap();
    let catalogue = Catalogue::builtin().unwrap();
    let (atlas, status) = buurt_diagnose::atlas::open(
        data.path(),
        Some(cache.path()),
        catalogue.clone(),
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("the fetched folder validates: {e}"));
    assert_eq!(status, CacheStatus::Missing);

    // The report: the fetched datasets loaded, the built-in ones are absent, nothing failed.
    let report = atlas.report();
    assert!(report.is_ok(), "{}", report.to_text());
    let status_of = |id: &str| {
        report
            .datasets
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.status.as_str())
    };
    for id in [
        "cbs_kwb_gm9901_2022",
        "cbs_kwb_gm9901_2023",
        "rivm_50090_gm9901",
        "pdok_gm9901_buurt_2022",
        "pdok_gm9901_wijk_2023",
        "pdok_gm9901_gemeente_2023",
    ] {
        assert_eq!(status_of(id), Some("ok"), "{id}");
    }
    assert_eq!(status_of("rivm_50090"), Some("absent"));
    assert_eq!(status_of("cartomap_utrecht_buurt_2024"), Some("absent"));
    let text = report.to_text();
    assert!(
        text.contains("[absent]") && text.contains("all datasets valid"),
        "{text}"
    );

    // Regions: the gemeente, its 2 wijken and 3 buurten, named from PDOK and the kwb rows.
    let within = atlas.regions_within(code("GM9901"), Level::Buurt, Indeling::new(2023));
    let names: Vec<(&str, &str)> = within
        .iter()
        .map(|r| (r.key.code.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("BU99010101", "Binnenstad"),
            ("BU99010102", "Haven"),
            ("BU99010201", "Noorderpark")
        ]
    );
    let region = |c: &str, year: u16| {
        atlas
            .region(&RegionKey::new(code(c), Indeling::new(year)))
            .unwrap_or_else(|| panic!("{c} in {year}"))
    };
    assert_eq!(region("WK990102", 2022).name, "Noord");
    assert_eq!(region("GM9901", 2023).name, "Proefstad");
    assert!(
        atlas
            .region(&RegionKey::new(code("BU99029901"), Indeling::new(2022)))
            .is_none()
    );

    // Polygons: 1 km squares in RD, from the PDOK layer of the year.
    for (c, km2) in [("BU99010102", 1.0), ("WK990101", 2.0), ("GM9901", 3.0)] {
        let r = region(c, 2023);
        let area = r.area_m2.unwrap();
        assert!((area - km2 * 1e6).abs() < 1.0, "{c}: {area}");
        assert_eq!(
            atlas.geometry_layer_for(&r.key).map(|l| l.id.as_str()),
            Some(format!("pdok_gm9901_{}_2023", r.level.as_str()).as_str())
        );
    }
    let centre = region("BU99010101", 2023).centroid_wgs84.unwrap();
    let expected = buurt_io::crs::rd_to_wgs84(buurt_io::crs::PointRd::new(150_500.0, 450_500.0));
    assert!((centre.lon - expected.lon).abs() < 1e-6 && (centre.lat - expected.lat).abs() < 1e-6);

    // Values: kwb counts per year (columns mapped by stem, suffixes differ), a secret count,
    // RIVM estimates (indeling 2020) with suppressed and not measured cells.
    for year in [2022, 2023] {
        for (c, inwoners) in kwb_inwoners(year) {
            assert_eq!(
                value(&atlas, c, "inwoners", year),
                Ok(f64::from(inwoners)),
                "{c} {year}"
            );
        }
    }
    assert_eq!(value(&atlas, "WK990101", "wmo_clienten", 2023), Ok(121.0));
    assert_eq!(
        value(&atlas, "BU99010102", "jeugdzorg_aantal", 2022),
        Ok(40.0)
    );
    assert_eq!(
        value(&atlas, "BU99010201", "jeugdzorg_aantal", 2022),
        Err(MissingReason::Empty)
    );
    assert_eq!(
        value(&atlas, "BU99010102", "eenzaam_65plus", 2020),
        Ok(53.5)
    );
    assert_eq!(value(&atlas, "GM9901", "eenzaam_18plus", 2016), Ok(40.0));
    assert_eq!(
        value(&atlas, "BU99010201", "eenzaam_65plus", 2020),
        Err(MissingReason::Suppressed)
    );
    assert_eq!(
        value(&atlas, "BU99010101", "mantelzorger_18plus", 2016),
        Err(MissingReason::NotMeasured)
    );

    // RIVM's indeling 2020 joins the PDOK buurten of 2023 on code.
    let join = report
        .join_coverage
        .iter()
        .find(|j| j.dataset == "rivm_50090_gm9901" && j.layer == "pdok_gm9901_buurt_2023")
        .expect("RIVM × PDOK buurten 2023");
    assert_eq!(join.joined, 3, "{join:?}");
    assert!(join.data_only.is_empty() && join.geometry_only.is_empty());

    // The second open comes from the cache; a refetched file makes it stale.
    let (_, status) = buurt_diagnose::atlas::open(
        data.path(),
        Some(cache.path()),
        catalogue.clone(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(status, CacheStatus::Fresh);
    std::fs::remove_file(
        data.path()
            .join("GM9901/pdok_wijken_en_buurten_2023/wijken.geojson"),
    )
    .unwrap();
    buurt_fetch::fetch(&server.settings(data.path()), &NoProgress).unwrap();
    assert!(matches!(
        Atlas::cache_status(cache.path(), data.path(), &catalogue),
        CacheStatus::Stale(_)
    ));
}
