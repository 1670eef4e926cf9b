//! Fuzzing what a client sends the service, through the router in-process over the real atlas:
//! arbitrary path segments for `{code}`, `{id}`, `{layer}` and the tile `z/x/y`, arbitrary
//! (percent-encoded, repeated, invalid UTF-8) query strings on every GET route, and arbitrary
//! or damaged JSON bodies for `POST /api/v1/areas/diagnose`.
//!
//! Whatever the request, the service must answer below 500 (a 5xx is a bug: a panic caught by
//! the panic layer, or an error the request caused but the server did not name), and every 4xx
//! must carry the JSON body `{"error": "..."}` the documentation promises.
//!
//! Valid requests whose cost grows with a parameter (tiles at low zoom, many permutations) are
//! drawn from the cheap end of the range, so that the run stays in seconds; their invalid
//! values are drawn from the whole range.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use buurt_core::Catalogue;
use buurt_core::test_support::fuzz::{EDIT_KINDS, Edit, cases, mutate};
use buurt_server::{AppState, router};
use proptest::prelude::*;
use tower::ServiceExt;

/// Cases per property: a few seconds each in a debug build.
const CASES: u32 = 128;

/// The router over the real atlas (built once per test binary, cached as `api.rs` does) and a
/// runtime to drive it.
fn service() -> &'static (tokio::runtime::Runtime, Router) {
    static SERVICE: OnceLock<(tokio::runtime::Runtime, Router)> = OnceLock::new();
    SERVICE.get_or_init(|| {
        let state = AppState::new(support::loaded());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        (runtime, router(state))
    })
}

/// Send a request; check the status and the error body.
fn check(request: Request<Body>) -> Result<(), TestCaseError> {
    let what = format!("{} {}", request.method(), request.uri());
    let is_head = request.method() == Method::HEAD;
    let (runtime, router) = service();
    let (status, body): (StatusCode, Bytes) = runtime.block_on(async {
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, body)
    });
    let text = String::from_utf8_lossy(&body);
    prop_assert!(status.as_u16() < 500, "{}: {} {}", what, status, text);
    if status.is_client_error() && !is_head {
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
            TestCaseError::fail(format!("{what}: {status}, not JSON ({e}): {text}"))
        })?;
        let error = json.get("error").and_then(serde_json::Value::as_str);
        prop_assert!(
            error.is_some_and(|e| !e.trim().is_empty()),
            "{}: {} without an error message: {}",
            what,
            status,
            text
        );
    }
    Ok(())
}

fn get(uri: &str) -> Result<(), TestCaseError> {
    // Only URIs that `http` accepts can reach the router at all.
    let Ok(request) = Request::get(uri).body(Body::empty()) else {
        return Ok(());
    };
    check(request)
}

/// Percent-encode everything but the unreserved characters.
fn encode(text: &[u8]) -> String {
    let mut out = String::new();
    for &b in text {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            write!(out, "%{b:02X}").unwrap();
        }
    }
    out
}

/// Indicator ids of the builtin catalogue, and a few that are not.
fn indicator_id() -> impl Strategy<Value = String> {
    static IDS: OnceLock<Vec<String>> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let catalogue = Catalogue::builtin().unwrap();
        let mut ids: Vec<String> = catalogue
            .indicators()
            .iter()
            .map(|i| i.id.clone())
            .collect();
        ids.extend(["onbekend", "", " ", "inwoners_", "INWONERS"].map(str::to_owned));
        ids
    });
    prop::sample::select(ids.clone())
}

/// A region code of the data, near one, or text.
fn code_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "GM0344", "GM0034", "GM0307", "WK034401", "WK003401", "BU03440111", "BU00340101",
            "NL01", "NL00", "GM9999", "BU99999999", "gm0344", " GM0344 ", "2024BU03440111",
            "BU0344011", "WK0363MA", "03440111", "XX0344", "",
        ])
        .prop_map(str::to_owned),
        1 => "(GM|WK|BU|NL)?[0-9]{0,10}",
        1 => any::<String>(),
    ]
}

/// A parameter value: codes, numbers of every size, id lists, words, anything.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => code_text(),
        2 => "-?[0-9]{0,12}(\\.[0-9]{0,4})?(e-?[0-9]{1,3})?",
        1 => prop::sample::select(vec![
            "NaN", "inf", "-inf", "1e309", "0x10", "65536", "4294967296", "-1", "0", "1", "2",
            "12", "13", "50", "51", "9999", "10000", "0.05", "1.5", "true", "false",
        ])
        .prop_map(str::to_owned),
        2 => prop::collection::vec(indicator_id(), 0..20).prop_map(|ids| ids.join(",")),
        1 => prop::sample::select(vec![
            "buurt", "wijk", "gemeente", "land", "Buurt", "quantile", "jenks", "equal", "value",
            "index", "json", "csv", "nl", "rfc4180", "",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// Parameter names of every route, and some that are none.
const KEYS: &[&str] = &[
    "level",
    "within",
    "year",
    "classes",
    "method",
    "mode",
    "format",
    "dialect",
    "lon",
    "lat",
    "indicator",
    "indicators",
    "clusters",
    "k",
    "from",
    "to",
    "alpha",
    "fdr",
    "seed",
    "x",
    "",
];

/// A query string: known and unknown keys, repeated keys, values encoded or left raw, and now
/// and then a broken escape or bytes that are not UTF-8.
fn query() -> impl Strategy<Value = String> {
    let pair = (
        prop_oneof![4 => prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned), 1 => "[a-z%=&]{0,4}"],
        value(),
        0u8..10,
    );
    prop::collection::vec(pair, 0..5).prop_map(|pairs| {
        let mut parts = Vec::new();
        for (key, value, style) in pairs {
            let value = match style {
                0 => value.replace(' ', "+"),
                1 => format!("{}%{}", encode(value.as_bytes()), "zz"),
                2 => format!("{}%C3%28", encode(value.as_bytes())),
                _ => encode(value.as_bytes()),
            };
            parts.push(format!("{}={value}", encode(key.as_bytes())));
        }
        parts.join("&")
    })
}

/// A hotspot query: [`query`] with `permutations` cheap when valid (below 20) or out of range.
fn cheap_query() -> impl Strategy<Value = String> {
    (
        query(),
        prop::option::of(prop_oneof![0u32..20, 10_000u32..u32::MAX]),
    )
        .prop_map(|(q, permutations)| match permutations {
            Some(p) => format!("{q}&permutations={p}"),
            None => format!("{q}&permutations=9"),
        })
}

/// A path segment: a code or an id (percent-encoded), arbitrary bytes (percent-encoded), a
/// broken escape, or `..`.
fn path_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => code_text().prop_map(|c| encode(c.as_bytes())),
        1 => indicator_id().prop_map(|c| encode(c.as_bytes())),
        1 => prop::collection::vec(any::<u8>(), 0..24).prop_map(|b| encode(&b)),
        1 => Just("%ZZ".to_owned()),
        1 => Just("%C3%28".to_owned()),
        1 => Just("..".to_owned()),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..EDIT_KINDS, any::<usize>(), any::<u32>()), 1..5)
}

/// A valid area body.
const AREA: &str = r#"{"name":"Wijkpact","buurten":["BU03440511","BU03440512"],"year":2024}"#;

/// The area request, if `http` accepts the query.
fn area_request(query: &str, content_type: Option<&str>, body: Vec<u8>) -> Option<Request<Body>> {
    let mut builder = Request::post(format!("/api/v1/areas/diagnose?{query}"));
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(Body::from(body)).ok()
}

/// Send the area request if it can be sent at all.
fn post_area(query: &str, content_type: Option<&str>, body: Vec<u8>) -> Result<(), TestCaseError> {
    area_request(query, content_type, body).map_or(Ok(()), check)
}

/// Content types a client may send (JSON, JSON with a charset, none, another).
fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        6 => Just(Some("application/json")),
        1 => Just(Some("application/json; charset=utf-8")),
        1 => Just(None),
        1 => Just(Some("text/plain")),
        1 => Just(Some("application/problem+json")),
    ]
}

#[test]
fn the_fixture_area_is_diagnosed() {
    // The mutations start from a body the service accepts.
    let request = area_request("", Some("application/json"), AREA.as_bytes().to_vec()).unwrap();
    let (runtime, router) = service();
    let status =
        runtime.block_on(async { router.clone().oneshot(request).await.unwrap().status() });
    assert_eq!(status, StatusCode::OK);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(CASES)))]

    /// `{code}` and `{id}` routes with arbitrary segments and queries.
    #[test]
    fn region_routes(segment in path_segment(), route in 0usize..6, query in query()) {
        let uri = match route {
            0 => format!("/api/v1/regions/{segment}?{query}"),
            1 => format!("/api/v1/regions/{segment}/profile?{query}"),
            2 => format!("/api/v1/regions/{segment}/peers?{query}"),
            3 => format!("/api/v1/regions/{segment}/profile.csv?{query}"),
            4 => format!("/api/v1/indicators/{segment}/values?{query}"),
            _ => format!("/tiles/{segment}.json?{query}"),
        };
        get(&uri)?;
    }

    /// The query-only routes.
    #[test]
    fn query_routes(route in 0usize..5, query in query(), cheap in cheap_query()) {
        let uri = match route {
            0 => format!("/api/v1/indicators?{query}"),
            1 => format!("/api/v1/regions?{query}"),
            2 => format!("/api/v1/locate?{query}"),
            3 => format!("/api/v1/harmonise?{query}"),
            _ => format!("/api/v1/hotspots?{cheap}"),
        };
        get(&uri)?;
    }

    /// Tiles: any layer, zoom, column and row text, in range or not (valid zooms from 10 up,
    /// where a tile holds a few regions), and any indicator lists.
    #[test]
    fn tile_requests(
        layer in prop_oneof![
            4 => prop::sample::select(vec!["buurt", "wijk", "gemeente", "label"]).prop_map(str::to_owned),
            1 => path_segment(),
        ],
        z in prop_oneof![
            3 => (10u32..=16).prop_map(|z| z.to_string()),
            1 => prop::sample::select(vec!["23", "255", "256", "-1", "a", "99999999999", "", "1.5"]).prop_map(str::to_owned),
        ],
        (x, y) in prop_oneof![
            // Around Utrecht at zoom 10 to 16, scaled below.
            3 => (0.0f64..1.0, 0.0f64..1.0).prop_map(|(a, b)| (a.to_string(), b.to_string())),
            1 => (any::<u64>(), any::<u64>()).prop_map(|(a, b)| (a.to_string(), b.to_string())),
            1 => (path_segment(), path_segment()),
        ],
        mvt in prop::sample::select(vec![".mvt", ".mvt", ".mvt", "", ".pbf", ".mvt.gz"]),
        query in query(),
    ) {
        // A fraction of the Utrecht tile at this zoom becomes a column and row near it.
        let (x, y) = match (z.parse::<u32>(), x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(z @ 10..=16), Ok(a), Ok(b)) if a < 1.0 && b < 1.0 => {
                let scale = f64::from(1u32 << (z - 10));
                let column = (525.0 + a * 2.0) * scale;
                let row = (336.0 + b * 2.0) * scale;
                ((column as u32).to_string(), (row as u32).to_string())
            }
            _ => (x, y),
        };
        get(&format!("/tiles/{layer}/{z}/{x}/{y}{mvt}?{query}"))?;
    }

    /// Arbitrary bytes as the area body, with any content type.
    #[test]
    fn area_bodies_of_arbitrary_bytes(
        body in prop::collection::vec(any::<u8>(), 0..300),
        content_type in content_type(),
        query in query(),
    ) {
        post_area(&query, content_type, body)?;
    }

    /// The valid area body damaged.
    #[test]
    fn damaged_area_bodies(edits in edits(), content_type in content_type()) {
        post_area("", content_type, mutate(AREA.as_bytes(), &edits))?;
    }

    /// Well-formed JSON with arbitrary members: names of any length, codes of any shape (and
    /// repeated), years and formats of any kind.
    #[test]
    fn structured_area_bodies(
        name in prop_oneof![Just(serde_json::json!("Gebied")), any::<String>().prop_map(serde_json::Value::from), Just(serde_json::Value::Null), Just(serde_json::json!(12))],
        buurten in prop::collection::vec(code_text(), 0..6),
        year in prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            (1990i64..2030).prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            Just(serde_json::json!("2023")),
        ],
        extra in prop::option::of(("[a-z]{1,6}", value())),
        query in prop_oneof![
            2 => Just(String::new()),
            1 => prop::sample::select(vec!["format=csv", "format=csv&dialect=nl", "format=xml", "dialect=x", "format="]).prop_map(str::to_owned),
            1 => query(),
        ],
    ) {
        let mut body = serde_json::json!({ "name": name, "buurten": buurten, "year": year });
        if let Some((key, value)) = extra {
            body[key] = serde_json::Value::from(value);
        }
        post_area(&query, Some("application/json"), serde_json::to_vec(&body).unwrap())?;
    }

    /// Any method on any route: 405 or 404, as JSON.
    #[test]
    fn methods_and_paths(
        method in prop::sample::select(vec![Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, Method::HEAD, Method::OPTIONS]),
        path in prop_oneof![
            prop::sample::select(vec!["/health", "/api/v1/indicators", "/api/v1/regions/GM0344", "/api/v1/areas/diagnose", "/tiles/buurt.json", "/", "/api", "/api/v1/", "/tiles/buurt/12/2101/1346.mvt"]).prop_map(str::to_owned),
            prop::collection::vec(path_segment(), 0..5).prop_map(|s| format!("/{}", s.join("/"))),
        ],
    ) {
        let Ok(request) = Request::builder().method(method).uri(path).body(Body::empty()) else {
            return Ok(());
        };
        check(request)?;
    }
}
