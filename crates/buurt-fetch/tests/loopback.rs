//! `buurt fetch` against a loopback server that answers like StatLine, the third-party
//! catalogue and PDOK (buurt_fetch::fixture): paging, retries, timeouts, truncated bodies, client
//! errors and resuming.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use buurt_fetch::fixture::{Fault, FixtureServer};
use buurt_fetch::{FetchError, Summary, fetch};
use buurt_io::fetched::{FetchManifest, FetchedKind, FetchedPart, sha256_file};
use buurt_io::registry::{NoProgress, Progress};

/// Every file of a run against the fixture: 2 years × (kwb rows + DataProperties + 3 PDOK
/// collections) + RIVM rows and DataProperties.
const FILES: usize = 12;

fn run(server: &FixtureServer, out: &Path) -> Result<Summary, FetchError> {
    fetch(&server.settings(out), &NoProgress)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("a fetched file")).expect("JSON")
}

/// Requests whose path and query contain `pattern`.
fn hits(server: &FixtureServer, pattern: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.contains(pattern))
        .count()
}

#[derive(Default)]
struct Recorded(Mutex<Vec<String>>);

impl Progress for Recorded {
    fn start(&self, total: usize) {
        self.0
            .lock()
            .expect("not poisoned")
            .push(format!("start {total}"));
    }
    fn step(&self, name: &str) {
        self.0.lock().expect("not poisoned").push(name.to_owned());
    }
    fn finish(&self) {
        self.0.lock().expect("not poisoned").push("finish".into());
    }
}

#[test]
fn every_page_of_every_file_is_fetched_and_listed_in_the_manifest() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    let progress = Recorded::default();
    let summary = fetch(&server.settings(out.path()), &progress).unwrap();
    assert_eq!(summary.fetched.len(), FILES);
    assert!(summary.kept.is_empty());
    let steps = progress.0.lock().unwrap().clone();
    assert_eq!(steps.len(), FILES + 2);
    assert_eq!(steps[0], format!("start {FILES}"));
    assert_eq!(steps[1], "kwb 2022 (85318NED) rows");
    assert_eq!(steps.last().unwrap(), "finish");

    let manifest = FetchManifest::read(out.path()).unwrap().unwrap();
    assert_eq!(manifest.files.len(), FILES);
    for file in &manifest.files {
        let path = out.path().join(&file.path);
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            file.bytes,
            "{}",
            file.path
        );
        assert_eq!(sha256_file(&path).unwrap(), file.sha256, "{}", file.path);
        assert_eq!(file.gemeente.as_str(), "GM9901");
        assert!(file.fetched_at.ends_with('Z'), "{}", file.fetched_at);
    }

    // kwb: 6 rows of the gemeente on two pages of 4 (the decoy BU99029901 filtered out).
    let kwb = manifest
        .file("GM9901/cbs_kwb_2022_85318NED/TypedDataSet.json")
        .unwrap();
    assert_eq!(
        (kwb.kind, kwb.part),
        (FetchedKind::CbsKwb, FetchedPart::Rows)
    );
    assert_eq!(
        (kwb.table.as_deref(), kwb.year, kwb.records),
        (Some("85318NED"), Some(2022), 6)
    );
    assert_eq!(kwb.urls.len(), 2);
    assert!(
        kwb.urls[0].starts_with(&format!(
            "{}/85318NED/TypedDataSet?$filter=startswith(WijkenEnBuurten,'GM9901')",
            server.cbs_url()
        )),
        "{}",
        kwb.urls[0]
    );
    assert!(kwb.urls[1].ends_with("$skip=4"), "{}", kwb.urls[1]);
    let rows = json(&out.path().join(&kwb.path));
    let codes: Vec<&str> = rows["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["WijkenEnBuurten"].as_str().unwrap().trim())
        .collect();
    assert_eq!(
        codes,
        [
            "GM9901",
            "WK990101",
            "WK990102",
            "BU99010101",
            "BU99010102",
            "BU99010201"
        ]
    );
    assert!(
        rows["odata.metadata"]
            .as_str()
            .unwrap()
            .ends_with("TypedDataSet")
    );
    assert!(rows.get("odata.nextLink").is_none());
    let properties = manifest
        .file("GM9901/cbs_kwb_2022_85318NED/DataProperties.json")
        .unwrap();
    assert_eq!(properties.part, FetchedPart::DataProperties);
    assert_eq!(
        properties.urls,
        [format!("{}/85318NED/DataProperties", server.cbs_url())]
    );

    // RIVM: only the estimate, 6 regions × 2 ages × 2 years, from the third-party catalogue.
    let rivm = manifest
        .file("GM9901/rivm_50090NED/UntypedDataSet.json")
        .unwrap();
    assert_eq!(rivm.records, 24);
    assert_eq!(rivm.urls.len(), 6);
    assert!(rivm.urls.iter().all(|u| u.starts_with(&server.rivm_url())));
    assert_eq!(rivm.year, None);
    let margins = json(&out.path().join(&rivm.path));
    assert!(
        margins["value"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["Marges"] == "MW00000")
    );

    // PDOK: three buurten on two pages (the server clamps limit to 2), cursor from the next link.
    let buurten = manifest
        .file("GM9901/pdok_wijken_en_buurten_2023/buurten.geojson")
        .unwrap();
    assert_eq!(buurten.collection.as_deref(), Some("buurten"));
    assert_eq!((buurten.records, buurten.urls.len()), (3, 2));
    assert!(buurten.urls[0].ends_with(
        "/wijken-en-buurten-2023/ogc/v1/collections/buurten/items?f=json&gemeentecode=GM9901&crs=http://www.opengis.net/def/crs/EPSG/0/28992&limit=1000"
    ));
    assert!(buurten.urls[1].contains("cursor="), "{}", buurten.urls[1]);
    let collection = json(&out.path().join(&buurten.path));
    assert_eq!(collection["type"], "FeatureCollection");
    assert_eq!(
        collection["crs"]["properties"]["name"],
        "http://www.opengis.net/def/crs/EPSG/0/28992"
    );
    assert_eq!(collection["features"].as_array().unwrap().len(), 3);
    // The gemeenten collection holds only the gemeente asked for.
    let gemeenten = manifest
        .file("GM9901/pdok_wijken_en_buurten_2022/gemeenten.geojson")
        .unwrap();
    assert_eq!(gemeenten.records, 1);
}

#[test]
fn a_5xx_a_slow_answer_a_truncated_and_an_unparseable_body_are_retried() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    server.inject("/85318NED/TypedDataSet", [Fault::Status(500)]);
    server.inject("$skip=4", [Fault::Truncated]);
    server.inject("/85618NED/DataProperties", [Fault::Garbage]);
    server.inject(
        "/collections/wijken/",
        [Fault::Slow(Duration::from_millis(1500))],
    );
    server.inject("/50090NED/UntypedDataSet", [Fault::Status(429)]);
    let summary = run(&server, out.path()).unwrap();
    assert_eq!(summary.fetched.len(), FILES);
    // Each failed page was asked again, and only it.
    let kwb_2022 = |page_2: bool| {
        server
            .requests()
            .iter()
            .filter(|r| r.contains("/85318NED/TypedDataSet?") && r.contains("$skip=4") == page_2)
            .count()
    };
    assert_eq!(
        (kwb_2022(false), kwb_2022(true)),
        (2, 2),
        "{:?}",
        server.requests()
    );
    assert_eq!(hits(&server, "/50090NED/UntypedDataSet?$filter="), 6 + 1);
    assert_eq!(hits(&server, "/85618NED/DataProperties"), 2);
    assert_eq!(
        hits(
            &server,
            "/wijken-en-buurten-2022/ogc/v1/collections/wijken/"
        ),
        2
    );
    // Kept only whole: the truncated page is in the file once, complete.
    let manifest = FetchManifest::read(out.path()).unwrap().unwrap();
    let kwb = manifest
        .file("GM9901/cbs_kwb_2022_85318NED/TypedDataSet.json")
        .unwrap();
    assert_eq!((kwb.records, kwb.urls.len()), (6, 2));
    let properties = json(
        &out.path()
            .join("GM9901/cbs_kwb_2023_85618NED/DataProperties.json"),
    );
    assert!(properties["value"].as_array().unwrap().len() > 5);
}

#[test]
fn a_timeout_that_lasts_gives_up_naming_the_url() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    let mut settings = server.settings(out.path());
    settings.retries = 1;
    settings.timeout = Duration::from_millis(300);
    server.inject(
        "/collections/buurten/",
        [
            Fault::Slow(Duration::from_millis(800)),
            Fault::Slow(Duration::from_millis(800)),
        ],
    );
    let err = fetch(&settings, &NoProgress).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, FetchError::GaveUp { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(
        text.contains(&format!(
            "{}/wijken-en-buurten-2022/ogc/v1/collections/buurten/items?",
            server.pdok_url()
        )) && text.contains("0.3 s"),
        "{text}"
    );
}

#[test]
fn a_client_error_fails_at_once_with_the_url_and_what_the_server_said() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    server.inject("/collections/gemeenten/", [Fault::Problem(404)]);
    let err = run(&server, out.path()).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, FetchError::Refused { status: 404, .. }),
        "{err:?}"
    );
    assert!(
        text.contains("/wijken-en-buurten-2022/ogc/v1/collections/gemeenten/items?f=json")
            && text.contains("HTTP 404 Not Found: Not Found — injected for"),
        "{text}"
    );
    assert_eq!(
        hits(&server, "/collections/gemeenten/"),
        1,
        "no retry for a 404"
    );

    // A table StatLine does not have: the OData error message is shown.
    let mut settings = server.settings(out.path());
    settings.years = vec![2024];
    let text = fetch(&settings, &NoProgress).unwrap_err().to_string();
    assert!(
        text.starts_with(&format!(
            "{}/85984NED/TypedDataSet?$filter=",
            server.cbs_url()
        )) && text.contains("Resource not found for the segment '85984NED'."),
        "{text}"
    );
    // Settings are checked before any request.
    settings.years = vec![2017];
    let text = fetch(&settings, &NoProgress).unwrap_err().to_string();
    assert!(text.contains("--years") && text.contains("2017"), "{text}");
}

#[test]
fn a_second_run_keeps_complete_files_and_fetches_changed_or_missing_ones_anew() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    run(&server, out.path()).unwrap();
    let first = FetchManifest::read(out.path()).unwrap().unwrap();
    server.clear_requests();

    let again = run(&server, out.path()).unwrap();
    assert!(again.fetched.is_empty(), "{again:?}");
    assert_eq!(again.kept.len(), FILES);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(FetchManifest::read(out.path()).unwrap().unwrap(), first);

    // A damaged file and a lost one are fetched again; nothing else is.
    let damaged = "GM9901/pdok_wijken_en_buurten_2022/wijken.geojson";
    let lost = "GM9901/rivm_50090NED/DataProperties.json";
    let mut bytes = std::fs::read(out.path().join(damaged)).unwrap();
    bytes[20] ^= 1;
    std::fs::write(out.path().join(damaged), bytes).unwrap();
    std::fs::remove_file(out.path().join(lost)).unwrap();
    let repaired = run(&server, out.path()).unwrap();
    assert_eq!(repaired.fetched, [lost, damaged]);
    assert_eq!(repaired.kept.len(), FILES - 2);
    assert_eq!(hits(&server, "/collections/wijken/"), 1);
    assert_eq!(hits(&server, "/DataProperties"), 1);
    assert_eq!(server.requests().len(), 2);
    let manifest = FetchManifest::read(out.path()).unwrap().unwrap();
    assert_eq!(
        sha256_file(&out.path().join(damaged)).unwrap(),
        manifest.file(damaged).unwrap().sha256
    );
}

#[test]
fn an_interrupted_run_keeps_what_it_finished_and_the_next_run_completes_it() {
    let server = FixtureServer::start();
    let out = tempfile::tempdir().unwrap();
    // RIVM comes after the kwb files; four 503s exhaust 1 + 3 attempts.
    server.inject("/50090NED/UntypedDataSet", vec![Fault::Status(503); 4]);
    let err = run(&server, out.path()).unwrap_err().to_string();
    assert!(
        err.contains("/dataderden/ODataApi/odata/50090NED/UntypedDataSet?")
            && err.contains("gave up after 4 attempts")
            && err.contains("HTTP 503 Service Unavailable"),
        "{err}"
    );
    let partial = FetchManifest::read(out.path()).unwrap().unwrap();
    assert_eq!(partial.files.len(), 4, "the kwb files of both years");
    server.clear_requests();
    let rest = run(&server, out.path()).unwrap();
    assert_eq!(rest.kept.len(), 4);
    assert_eq!(rest.fetched.len(), FILES - 4);
    assert_eq!(hits(&server, "TypedDataSet"), 0);
}
