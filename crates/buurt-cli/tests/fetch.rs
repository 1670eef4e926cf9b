//! `buurt fetch` and then `buurt validate --data DIR`, run as a user would, against the loopback
//! server that answers like StatLine, the third-party catalogue and PDOK.

use std::path::Path;
use std::process::{Command, Output};

use buurt_fetch::fixture::{Fault, FixtureServer};

fn buurt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_buurt"))
        .env_remove("BUURT_CBS_URL")
        .env_remove("BUURT_RIVM_URL")
        .env_remove("BUURT_PDOK_URL")
        .env_remove("BUURT_CACHE")
        .arg("--quiet")
        .args(args)
        .output()
        .expect("buurt runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// `buurt fetch` of the fixture's gemeente into `out`.
fn fetch(server: &FixtureServer, out: &Path) -> Output {
    let (cbs, rivm, pdok) = (server.cbs_url(), server.rivm_url(), server.pdok_url());
    buurt(&[
        "fetch",
        "--gemeente",
        "GM9901",
        "--out",
        arg(out),
        "--years",
        "2022,2023",
        "--cbs-url",
        &cbs,
        "--rivm-url",
        &rivm,
        "--pdok-url",
        &pdok,
        "--timeout",
        "1",
        "--retries",
        "2",
    ])
}

#[test]
fn fetch_then_validate_a_gemeente_from_nothing() {
    let server = FixtureServer::start();
    server.inject("/collections/wijken/", [Fault::Status(502)]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("data-proefstad");
    let run = fetch(&server, &out);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains("12 files fetched")
            && stdout.contains("0 already complete")
            && stdout.contains(&format!("buurt serve --data {}", out.display())),
        "{stdout}"
    );
    assert!(out.join("fetch-manifest.json").is_file());

    let validate = buurt(&["validate", "--data", arg(&out), "--format", "json"]);
    assert!(validate.status.success(), "{}", text(&validate.stdout));
    let report: serde_json::Value = serde_json::from_slice(&validate.stdout).unwrap();
    let datasets = report["datasets"].as_array().unwrap();
    let ok: Vec<&str> = datasets
        .iter()
        .filter(|d| d["status"] == "ok")
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ok.len(), 9, "{ok:?}");
    assert!(ok.contains(&"rivm_50090_gm9901") && ok.contains(&"pdok_gm9901_buurt_2023"));
    assert!(
        datasets
            .iter()
            .all(|d| d["status"] == "ok" || d["status"] == "absent")
    );
    let kwb = datasets
        .iter()
        .find(|d| d["id"] == "cbs_kwb_gm9901_2023")
        .unwrap();
    assert_eq!(kwb["regions"]["buurt"], 3);
    assert_eq!(kwb["regions"]["wijk"], 2);

    // The text report names the absent built-in datasets in one line.
    let validate = buurt(&["validate", "--data", arg(&out)]);
    let stdout = text(&validate.stdout);
    assert!(validate.status.success(), "{stdout}");
    assert!(
        stdout.contains("[ok    ] cbs_kwb_gm9901_2022 (table)")
            && stdout.contains("built-in datasets are not in this data directory (skipped)")
            && stdout.contains("all datasets valid"),
        "{stdout}"
    );

    // A second fetch keeps everything.
    server.clear_requests();
    let again = fetch(&server, &out);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("0 files fetched (0 pages), 12 already complete"),
        "{}",
        text(&again.stdout)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn fetch_names_the_url_when_a_server_refuses_and_checks_the_gemeente_code() {
    let server = FixtureServer::start();
    server.inject("/collections/buurten/", [Fault::Problem(400)]);
    let dir = tempfile::tempdir().unwrap();
    let run = fetch(&server, dir.path());
    assert!(!run.status.success());
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("fetching GM9901 into")
            && stderr.contains(&format!(
                "{}/wijken-en-buurten-2022/ogc/v1/collections/buurten/items?f=json",
                server.pdok_url()
            ))
            && stderr.contains("HTTP 400 Bad Request: Bad Request — injected for"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let run = buurt(&[
        "fetch",
        "--gemeente",
        "Amersfoort",
        "--out",
        arg(dir.path()),
    ]);
    assert!(!run.status.success());
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("'Amersfoort' is not a CBS region code") && stderr.contains("GM0307"),
        "{stderr}"
    );
    let run = buurt(&["fetch", "--gemeente", "WK030701", "--out", arg(dir.path())]);
    assert!(
        text(&run.stderr).contains("expected a gemeente code"),
        "{}",
        text(&run.stderr)
    );
}

#[test]
fn a_folder_without_data_or_manifest_says_how_to_get_data() {
    let dir = tempfile::tempdir().unwrap();
    let run = buurt(&["validate", "--data", arg(dir.path())]);
    assert!(!run.status.success());
    let stdout = text(&run.stdout);
    assert!(
        stdout.contains("holds none of buurt's datasets and no fetch-manifest.json")
            && stdout.contains("buurt fetch --gemeente GM0307 --out DIR"),
        "{stdout}"
    );
    let run = buurt(&[
        "regions",
        "--data",
        arg(dir.path()),
        "--cache",
        arg(&dir.path().join("c")),
    ]);
    let stderr = text(&run.stderr);
    assert!(
        !run.status.success() && stderr.contains("buurt fetch --gemeente"),
        "{stderr}"
    );
}
