//! The `buurt` binary, run as a user would.

use std::process::{Command, Output};

fn buurt() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_buurt"));
    cmd.env("BUURT_DATA", buurt_io::paths::test_data_dir())
        .env_remove("BUURT_CACHE")
        .arg("--quiet");
    cmd
}

/// `buurt` with `args`, run to its end.
fn run(args: &[&str]) -> Output {
    buurt().args(args).output().expect("buurt runs")
}

/// A path as an argument.
fn arg(path: &std::path::Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The standard error of a run, as text.
fn stderr_of(out: Output) -> String {
    String::from_utf8(out.stderr).expect("UTF-8 on stderr")
}

/// A run that must succeed (its standard error is the message when it did not).
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The standard error of a run that must fail.
fn failure(out: Output) -> String {
    assert!(!out.status.success());
    stderr_of(out)
}

#[test]
fn a_missing_data_directory_is_one_clear_sentence() {
    let stderr = failure(run(&["validate", "--data", "/no/such/dir"]));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("/no/such/dir") && stderr.contains("BUURT_DATA"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    // The environment variable is used when --data is absent.
    let out = buurt()
        .env("BUURT_DATA", "/also/missing")
        .arg("validate")
        .output()
        .unwrap();
    assert!(stderr_of(out).contains("/also/missing"));
}

#[test]
fn validate_reports_every_dataset_as_json() {
    let out = run(&["validate", "--format", "json"]);
    assert_ok(&out);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let datasets = report["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 22);
    assert!(datasets.iter().all(|d| d["status"] == "ok"));
    let rivm = datasets.iter().find(|d| d["id"] == "rivm_50090").unwrap();
    assert_eq!(rivm["regions"]["buurt"], 13_808);
    assert!(rivm["missing"]["suppressed"].as_u64().unwrap() > 0);
    assert!(report["join_coverage"].as_array().unwrap().len() > 10);
}

#[test]
fn regions_lists_utrecht_buurten_with_area_and_centroid() {
    let cache = tempfile::tempdir().unwrap();
    let atlas = cache.path().join("atlas");
    let regions = |within: &str, format: &str| {
        run(&[
            "regions",
            "--within",
            within,
            "--level",
            "buurt",
            "--format",
            format,
            "--cache",
            arg(&atlas),
        ])
    };
    let out = regions("GM0344", "csv");
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,name,level,wijk,gemeente,indeling,area_m2,centroid_lon,centroid_lat"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 111);
    let first: Vec<&str> = rows[0].split(',').collect();
    assert_eq!(first[0], "BU03440111");
    assert!(
        rows[0].contains("WK034401") && rows[0].contains("GM0344") && rows[0].contains(",2024,")
    );
    let lat: f64 = first[first.len() - 1].parse().unwrap();
    assert!((52.0..52.2).contains(&lat), "{lat}");
    // The second run reads the cache that the first one wrote.
    assert!(cache.path().join("atlas/manifest.json").exists());
    let json = regions("WK034405", "json");
    let rows: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| r["wijk"] == "WK034405")
    );
    // A bad code is a clear error.
    let bad = run(&["regions", "--within", "GM34"]);
    assert!(failure(bad).contains("'GM34' is not a CBS region code"));
}

#[test]
fn diagnose_prints_a_profile_a_table_and_clear_errors() {
    let cache = tempfile::tempdir().unwrap();
    let atlas = cache.path().join("atlas");
    let diagnose = |args: &[&str]| run(&[&["diagnose"], args, &["--cache", arg(&atlas)]].concat());
    let json = diagnose(&["WK034405", "--format", "json"]);
    assert_ok(&json);
    let profile: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(profile["code"], "WK034405");
    let name = profile["name"].as_str().unwrap();
    assert!(!name.is_empty() && name != "WK034405", "{name}");

    let md = diagnose(&["WK034405", "--format", "md"]);
    assert_ok(&md);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with(&format!("# {name}")), "{md}");
    assert!(md.contains("Wat valt op"));

    let csv = diagnose(&["--within", "GM0344", "--level", "buurt", "--format", "csv"]);
    assert_ok(&csv);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "code");
    assert!(header.iter().any(|h| h == "benchmark_gemeente"));
    let mut codes: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert!(codes.len() > 111 * 50, "{}", codes.len());
    codes.dedup();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 111);
    assert!(codes.iter().all(|c| c.starts_with("BU0344")));

    // Dutch Excel's CSV, and the partner files written with --out.
    let nl = diagnose(&["WK034405", "--format", "csv", "--csv-dialect", "nl"]);
    assert_ok(&nl);
    assert!(nl.stdout.starts_with("\u{feff}code;name;level;".as_bytes()));
    for (format, magic) in [("pdf", &b"%PDF-"[..]), ("xlsx", &b"PK"[..])] {
        let out = cache.path().join(format!("oost.{format}"));
        assert_ok(&diagnose(&[
            "WK034405",
            "--format",
            format,
            "--out",
            arg(&out),
        ]));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
    }
    let stderr = failure(diagnose(&["--within", "GM0344", "--format", "pdf"]));
    assert!(stderr.contains("one region"), "{stderr}");

    let stderr = failure(diagnose(&["BU99999999"]));
    assert!(stderr.contains("BU99999999"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A year before all data: a non-zero exit naming the years there are (issue 15).
    let stderr = failure(diagnose(&["WK034405", "--year", "1990"]));
    assert!(stderr.contains("years with values: "), "{stderr}");
    // A buurt holds no wijken: said so, not "unknown region".
    let stderr = failure(diagnose(&["--within", "BU03440511", "--level", "wijk"]));
    assert!(stderr.contains("holds no wijk regions"), "{stderr}");
}

#[test]
fn tiles_export_writes_pmtiles_and_geojson_of_utrecht() {
    use std::io::Read as _;

    use buurt_tiles::test_support::{block_on, metadata, read_pmtiles, vector_layer_ids};

    let dir = tempfile::tempdir().unwrap();
    let atlas = dir.path().join("atlas");
    let export = |args: &[&str]| {
        let command = [
            "tiles",
            "export",
            "--within",
            "GM0344",
            "--cache",
            arg(&atlas),
        ];
        run(&[&command, args].concat())
    };

    let path = dir.path().join("utrecht.pmtiles");
    let out = export(&[
        "--out",
        arg(&path),
        "--minzoom",
        "10",
        "--maxzoom",
        "13",
        "--indicators",
        "inwoners,jeugdzorg",
    ]);
    assert_ok(&out);
    let reader = read_pmtiles(&path);
    let header = reader.get_header();
    assert_eq!(header.tile_type, pmtiles::TileType::Mvt);
    assert_eq!((header.min_zoom, header.max_zoom), (10, 13));
    // Utrecht, in degrees.
    assert!(
        header.min_longitude > 4.9
            && header.max_longitude < 5.3
            && header.min_latitude > 51.9
            && header.max_latitude < 52.2,
        "{header:?}"
    );
    let metadata = metadata(&reader);
    assert_eq!(vector_layer_ids(&metadata), ["gemeente", "wijk", "buurt"]);
    assert_eq!(metadata["vector_layers"][2]["fields"]["inwoners"], "Number");

    // The z13 tile over the Domtoren (5.1214 E, 52.0907 N).
    let coord = pmtiles::TileCoord::new(13, 4212, 2702).unwrap();
    let gzipped = block_on(reader.get_tile(coord)).unwrap().unwrap();
    let mut mvt = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_end(&mut mvt)
        .unwrap();
    let tile = buurt_tiles::mvt::decode_tile(&mvt).unwrap();
    let buurten = tile.layer("buurt").unwrap();
    assert!(buurten.features.len() > 3, "{}", buurten.features.len());
    for f in &buurten.features {
        let code = f.property("code").and_then(|c| c.as_str()).unwrap();
        assert!(code.starts_with("BU0344"), "{code}");
        // A value or the reason it is missing, never both.
        assert_ne!(
            f.property("jeugdzorg").is_some(),
            f.property("jeugdzorg_missing").is_some(),
            "{code}"
        );
    }

    let unknown = export(&[
        "--out",
        arg(&dir.path().join("x.pmtiles")),
        "--indicators",
        "inwoners,no_such_indicator",
    ]);
    let stderr = failure(unknown);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no_such_indicator"), "{stderr}");
    assert!(!dir.path().join("x.pmtiles").exists());
    let too_deep = export(&["--out", arg(&path), "--maxzoom", "17"]);
    assert!(failure(too_deep).contains("16"));

    let geojson = dir.path().join("utrecht.geojson");
    assert_ok(&export(&["--out", arg(&geojson)]));
    let collection: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&geojson).unwrap()).unwrap();
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().unwrap();
    let buurten: Vec<_> = features
        .iter()
        .filter(|f| f["properties"]["layer"] == "buurt")
        .collect();
    assert_eq!(buurten.len(), 111);
    assert!(
        features
            .iter()
            .any(|f| f["properties"]["layer"] == "gemeente" && f["id"] == "GM0344")
    );
    for f in &buurten {
        let ring = match f["geometry"]["type"].as_str().unwrap() {
            "Polygon" => &f["geometry"]["coordinates"][0],
            _ => &f["geometry"]["coordinates"][0][0],
        };
        for p in ring.as_array().unwrap() {
            let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            assert!(
                (4.9..5.3).contains(&lon) && (51.9..52.2).contains(&lat),
                "{p}"
            );
        }
    }

    // With --clusters: each buurt with a published 2020 value carries the label `buurt
    // hotspots` gives it within GM0344 (the same defaults), a buurt without one none.
    let hot = dir.path().join("hot.geojson");
    assert_ok(&export(&[
        "--out",
        arg(&hot),
        "--layers",
        "buurt",
        "--indicators",
        "eenzaam_65plus",
        "--year",
        "2020",
        "--clusters",
        "eenzaam_65plus",
    ]));
    let listed = run(&[
        "hotspots",
        "--within",
        "GM0344",
        "--level",
        "buurt",
        "--indicator",
        "eenzaam_65plus",
        "--year",
        "2020",
        "--format",
        "csv",
        "--cache",
        arg(&atlas),
    ]);
    assert_ok(&listed);
    let csv = String::from_utf8(listed.stdout).unwrap();
    let labels: std::collections::HashMap<&str, &str> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            (fields[0], fields[fields.len() - 1])
        })
        .collect();
    assert_eq!(labels.len(), 105);
    let collection: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&hot).unwrap()).unwrap();
    let features = collection["features"].as_array().unwrap();
    assert_eq!(features.len(), 111);
    for f in features {
        let p = &f["properties"];
        let code = p["code"].as_str().unwrap();
        assert_eq!(
            p["eenzaam_65plus_cluster"].as_str(),
            labels.get(code).copied(),
            "{code}"
        );
    }
    let unknown = failure(export(&[
        "--out",
        arg(&dir.path().join("y.geojson")),
        "--clusters",
        "nope",
    ]));
    assert!(
        unknown.contains("--clusters") && unknown.contains("nope"),
        "{unknown}"
    );
}

/// One HTTP/1.1 GET on a fresh connection; the whole response, or `None` when nobody answers.
fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serve_logs_every_request_at_once_and_stops_cleanly_on_sigterm() {
    use std::io::BufRead as _;
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = buurt()
        .env_remove("BUURT_LOG")
        .args([
            "serve",
            "--workers",
            "3",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .arg("--cache")
        .arg(dir.path().join("atlas"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let mut seen = Vec::new();
    // Wait for `wanted` among the log lines, for at most `limit`.
    let mut wait_for = |wanted: &dyn Fn(&str) -> bool, limit: Duration| -> bool {
        let until = Instant::now() + limit;
        loop {
            if seen.iter().any(|l: &String| wanted(l)) {
                return true;
            }
            let left = until.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => seen.push(line),
                Err(_) => return false,
            }
        }
    };

    // The first start builds the atlas from the real data.
    let until = Instant::now() + Duration::from_mins(10);
    let health = loop {
        if let Some(r) = http_get(port, "/health") {
            break r;
        }
        assert!(Instant::now() < until, "no answer on port {port}");
        assert!(child.try_wait().unwrap().is_none(), "buurt serve exited");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    // An idle server writes a request's line at once, not when a batch fills.
    let access = |path: &'static str, status: u16| {
        move |l: &str| {
            l.contains("buurt_server::access")
                && l.contains(&format!("uri={path} "))
                && l.contains(&format!("status={status}"))
        }
    };
    assert!(wait_for(&access("/health", 200), Duration::from_secs(10)));

    let paths: Vec<String> = (0..40).map(|i| format!("/health?n={i}")).collect();
    for path in &paths {
        assert!(http_get(port, path).is_some_and(|r| r.starts_with("HTTP/1.1 200")));
    }
    let missing = http_get(port, "/no/such/route").unwrap();
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");

    // SIGTERM right after the requests: a clean exit, and no line lost on the way out.
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let until = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < until,
            "buurt serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    reader.join().unwrap();
    seen.extend(lines.try_iter());
    for path in &paths {
        let line = format!("uri={path} ");
        assert!(
            seen.iter()
                .any(|l| l.contains(&line) && l.contains("status=200")),
            "no log line for {path}"
        );
    }
    assert!(
        seen.iter()
            .any(|l| l.contains("uri=/no/such/route ") && l.contains("status=404"))
    );
}

#[test]
fn hotspots_of_utrecht_buurten_as_csv_and_json() {
    let cache = tempfile::tempdir().unwrap();
    let atlas = cache.path().join("atlas");
    let hotspots = |format: &str, extra: &[&str]| {
        let mut args = vec![
            "hotspots",
            "--within",
            "GM0344",
            "--level",
            "buurt",
            "--indicator",
            "eenzaam_65plus",
            "--year",
            "2020",
            "--format",
            format,
            "--cache",
            arg(&atlas),
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let out = hotspots("csv", &[]);
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,value,local_i,z,p_value,cluster"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // 111 buurten, 6 without a published value.
    assert_eq!(rows.len(), 105);
    assert_eq!(rows[0][0], "BU03440111");
    let labels = [
        "high-high",
        "low-low",
        "high-low",
        "low-high",
        "not-significant",
    ];
    assert!(rows.iter().all(|r| labels.contains(&r[5])));
    assert!(rows.iter().any(|r| r[5] == "high-high"));
    // The same seed reproduces the p-values; the JSON has the global I (esda: 0.36950344…).
    let again = hotspots("csv", &["--seed", "1"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    let json = hotspots("json", &["--fdr", "--permutations", "499"]);
    assert_ok(&json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let i = v["global"]["moran_i"].as_f64().unwrap();
    assert!((i - 0.369_503_440_269_708_66).abs() < 1e-12, "{i}");
    assert!(v["global"]["p_value"].as_f64().unwrap() <= 0.002);
    assert_eq!(v["left_out"].as_array().unwrap().len(), 6);
    assert_eq!(v["regions"].as_array().unwrap().len(), 105);
    assert!(v["p_threshold"].as_f64().unwrap() < 0.05);
    // An unknown indicator is a clear error naming it.
    let err = failure(run(&[
        "hotspots",
        "--within",
        "GM0344",
        "--indicator",
        "nope",
        "--year",
        "2020",
        "--cache",
        arg(&atlas),
    ]));
    assert!(err.contains("unknown indicator 'nope'"), "{err}");
}

#[test]
fn peers_of_a_wijk_as_csv_and_json() {
    let cache = tempfile::tempdir().unwrap();
    let atlas = cache.path().join("atlas");
    let out = run(&["peers", "WK034405", "--k", "3", "--cache", arg(&atlas)]);
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,name,gemeente,distance,shared,missing,largest_difference"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(rows.iter().all(|r| r.starts_with("WK")));
    let json = run(&[
        "peers",
        "WK034405",
        "--format",
        "json",
        "--within",
        "GM0344",
        "--indicators",
        "eenzaam_18plus, aandeel_65plus",
        "--cache",
        arg(&atlas),
    ]);
    assert_ok(&json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["within"], "GM0344");
    assert_eq!(v["peers"].as_array().unwrap().len(), 5);
    assert!(v["peers"][0]["contributions"].as_array().unwrap().len() == 2);
    let err = failure(run(&[
        "peers",
        "WK034405",
        "--k",
        "0",
        "--cache",
        arg(&atlas),
    ]));
    assert!(err.contains("invalid parameter k"), "{err}");
}

#[test]
fn harmonise_carries_almere_2021_wijken_to_2022_as_csv_and_json() {
    let cache = tempfile::tempdir().unwrap();
    let atlas = cache.path().join("atlas");
    let harmonise = |extra: &[&str]| {
        let mut args = vec![
            "harmonise",
            "--from",
            "2021",
            "--to",
            "2022",
            "--within",
            "GM0034",
            "--level",
            "wijk",
            "--cache",
        ];
        args.push(arg(&atlas));
        args.extend_from_slice(extra);
        run(&args)
    };
    let out = harmonise(&["--indicator", "jeugdzorg", "--format", "csv"]);
    assert_ok(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,name,indicator,year,value,missing_reason,method,weight,coverage,missing_share,sources,dataset"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // The 71 wijken of 2022, for 2021: the kwb rows of 2018–2020 name other buurt codes than
    // 2021's, so they are on other indelingen, without polygons.
    assert_eq!(rows.len(), 71);
    assert!(rows.iter().all(|r| r[3] == "2021" && r[2] == "jeugdzorg"));
    let wk40 = rows
        .iter()
        .find(|r| r[0] == "WK003440" && r[3] == "2021")
        .unwrap();
    assert_eq!((wk40[6], wk40[7]), ("population-weighted", "inwoners_0_14"));
    // tobler 0.13 on the same polygons and values (tests/tests/harmonise.rs).
    let value: f64 = wk40[4].parse().unwrap();
    assert!((value - 7.027_306_229_341_534_5).abs() < 1e-5, "{value}");
    assert!(wk40[10].starts_with("WK0034"), "{}", wk40[10]);

    let json = harmonise(&[
        "--indicator",
        "inwoners",
        "--year",
        "2021",
        "--format",
        "json",
    ]);
    assert_ok(&json);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let total: f64 = v["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_f64().unwrap())
        .sum();
    assert!((total - 214_685.0).abs() < 1e-6, "{total}");
    assert_eq!(v["target_layers"][0], "tmap_nl_wijk_2022");

    // Without 2020 polygons (RIVM's indeling) outside Almere: a clear error naming it.
    let err = failure(run(&[
        "harmonise",
        "--from",
        "2020",
        "--to",
        "2022",
        "--within",
        "GM0307",
        "--cache",
        arg(&atlas),
    ]));
    assert!(err.contains("no polygons") && err.contains("2020"), "{err}");
}
