//! What `load_all` makes of data directories that are not the full real data: an empty one, one
//! with part of a built-in dataset, and one made by `buurt fetch` (hand-written files).

use std::path::Path;

use buurt_core::{Catalogue, Level, Value};
use buurt_io::fetched::{FetchManifest, FetchedFile, FetchedKind, FetchedPart, sha256_hex};
use buurt_io::registry::{LoadedSources, NoProgress, load_all};

fn load(dir: &Path) -> LoadedSources {
    load_all(dir, &Catalogue::builtin().expect("catalogue"), &NoProgress)
}

#[test]
fn an_empty_directory_is_one_clear_failure() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = load(dir.path());
    assert!(!loaded.all_ok());
    assert!(loaded.layers.is_empty());
    assert_eq!(loaded.tables.len(), 1);
    let err = loaded.tables[0].result.as_ref().unwrap_err().to_string();
    assert!(
        err.contains(&dir.path().display().to_string())
            && err.contains("fetch-manifest.json")
            && err.contains("buurt fetch --gemeente"),
        "{err}"
    );
    // Every built-in dataset is listed as absent.
    assert!(
        loaded
            .absent
            .iter()
            .any(|a| a.id == "rivm_50090" && !a.layer)
    );
    assert!(
        loaded
            .absent
            .iter()
            .any(|a| a.id == "pdok_gemeenten_2024" && a.layer)
    );
}

#[test]
fn a_built_in_dataset_with_some_of_its_files_fails_and_the_others_are_absent() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("rivm_gezondheid_wijk_buurt_50090NED");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("2012_18+.xlsx"), b"not a workbook").unwrap();
    let loaded = load(dir.path());
    assert_eq!(loaded.tables.len(), 1, "{:?}", loaded.tables);
    let rivm = &loaded.tables[0];
    assert_eq!(rivm.id, "rivm_50090");
    assert!(rivm.result.is_err());
    assert!(loaded.layers.is_empty());
    assert!(!loaded.absent.iter().any(|a| a.id == "rivm_50090"));
    assert!(loaded.absent.iter().any(|a| a.id == "cbs_kwb_utrecht_2024"));
}

fn entry(
    path: &str,
    dataset: &str,
    kind: FetchedKind,
    part: FetchedPart,
    bytes: &[u8],
) -> FetchedFile {
    FetchedFile {
        path: path.into(),
        dataset: dataset.into(),
        kind,
        part,
        gemeente: "GM0307".parse().expect("code"),
        table: None,
        collection: None,
        year: None,
        urls: vec![format!("http://127.0.0.1:1/{path}")],
        fetched_at: "2025-01-01T00:00:00Z".into(),
        bytes: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        records: 1,
    }
}

const KWB_ROWS: &str = r#"{"odata.metadata": "x", "value": [
  {"ID": 0, "WijkenEnBuurten": "GM0307    ", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Gemeente  ", "AantalInwoners_5": 160000},
  {"ID": 1, "WijkenEnBuurten": "BU03070101", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Buurt     ", "AantalInwoners_5": null}
]}"#;
const KWB_PROPERTIES: &str = r#"{"value": [{"Key": "WijkenEnBuurten"}, {"Key": "Gemeentenaam_1"}, {"Key": "SoortRegio_2"}, {"Key": "AantalInwoners_5"}]}"#;
const BUURTEN: &str = r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "http://www.opengis.net/def/crs/EPSG/0/28992"}},
  "features": [{"type": "Feature", "id": "1", "properties": {"buurtcode": "BU03070101", "buurtnaam": "Binnenstad", "wijkcode": "WK030701", "gemeentecode": "GM0307"},
  "geometry": {"type": "Polygon", "coordinates": [[[155000, 463000], [156000, 463000], [156000, 464000], [155000, 464000], [155000, 463000]]]}}]}"#;

fn write_fetched(dir: &Path) -> FetchManifest {
    let mut manifest = FetchManifest::new();
    for (path, dataset, kind, part, text, year, collection) in [
        (
            "GM0307/kwb/TypedDataSet.json",
            "cbs_kwb_gm0307_2024",
            FetchedKind::CbsKwb,
            FetchedPart::Rows,
            KWB_ROWS,
            2024,
            None,
        ),
        (
            "GM0307/kwb/DataProperties.json",
            "cbs_kwb_gm0307_2024",
            FetchedKind::CbsKwb,
            FetchedPart::DataProperties,
            KWB_PROPERTIES,
            2024,
            None,
        ),
        (
            "GM0307/pdok/buurten.geojson",
            "pdok_gm0307_buurt_2024",
            FetchedKind::PdokBoundaries,
            FetchedPart::Features,
            BUURTEN,
            2024,
            Some("buurten"),
        ),
    ] {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("a folder")).expect("created");
        std::fs::write(&full, text).expect("written");
        let mut file = entry(path, dataset, kind, part, text.as_bytes());
        file.year = Some(year);
        file.collection = collection.map(str::to_owned);
        manifest.upsert(file);
    }
    manifest.write(dir).expect("manifest written");
    manifest
}

#[test]
fn a_fetched_folder_loads_its_datasets_and_skips_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_fetched(dir.path());
    let loaded = load(dir.path());
    assert!(loaded.all_ok(), "{:?}", loaded.tables);
    assert_eq!(loaded.tables.len(), 1);
    let kwb = &loaded.tables[0];
    assert_eq!(kwb.id, "cbs_kwb_gm0307_2024");
    assert_eq!(
        kwb.paths,
        [
            Path::new("GM0307/kwb/TypedDataSet.json"),
            Path::new("GM0307/kwb/DataProperties.json"),
            Path::new("fetch-manifest.json")
        ]
    );
    let table = kwb.result.as_ref().unwrap();
    assert_eq!(table.id, "cbs_kwb_gm0307_2024");
    // Rows and DataProperties agree and the file is as fetched (catalogue columns the small
    // file lacks are a problem of their own).
    assert!(
        !table
            .problems
            .iter()
            .any(|p| p.message.contains("DataProperties") || p.message.contains("differs")),
        "{:?}",
        table.problems
    );
    let inwoners: Vec<Value> = table
        .observations
        .iter()
        .filter(|o| o.year == 2024)
        .map(|o| o.value)
        .collect();
    assert!(inwoners.contains(&Value::Number(160_000.0)));
    let layer = loaded.layers[0].result.as_ref().unwrap();
    assert_eq!(
        (layer.id.as_str(), layer.level, layer.indeling.year()),
        ("pdok_gm0307_buurt_2024", Level::Buurt, 2024)
    );
    assert_eq!(layer.features[0].name, "Binnenstad");
    assert!((layer.features[0].area_m2() - 1_000_000.0).abs() < 1.0);
    assert!(loaded.absent.iter().any(|a| a.id == "rivm_50090"));
}

#[test]
fn fetched_files_that_changed_or_went_missing_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_fetched(dir.path());
    // A changed file still loads, with a problem that says how to repair it.
    std::fs::write(
        dir.path().join("GM0307/kwb/TypedDataSet.json"),
        KWB_ROWS.replace("160000", "160001"),
    )
    .unwrap();
    let loaded = load(dir.path());
    let table = loaded.tables[0].result.as_ref().unwrap();
    assert!(
        table
            .problems
            .iter()
            .any(|p| p.message.contains("differs from what was fetched")
                && p.message.contains("buurt fetch")),
        "{:?}",
        table.problems
    );
    // A missing file fails its dataset, naming the file.
    std::fs::remove_file(dir.path().join("GM0307/pdok/buurten.geojson")).unwrap();
    let loaded = load(dir.path());
    let err = loaded.layers[0].result.as_ref().unwrap_err().to_string();
    assert!(err.contains("buurten.geojson"), "{err}");
    // A damaged manifest is one failure of its own.
    std::fs::write(dir.path().join("fetch-manifest.json"), "{").unwrap();
    let loaded = load(dir.path());
    let failed = loaded
        .tables
        .iter()
        .find(|a| a.id == "fetch_manifest")
        .unwrap();
    assert!(
        failed
            .result
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("fetch-manifest.json")
    );
}
