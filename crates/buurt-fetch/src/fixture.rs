//! A loopback HTTP server that answers like the three services `buurt fetch` talks to, with
//! small hand-written data of a made-up gemeente, and faults to inject (a 5xx, a slow answer, a
//! truncated or unparseable body, a problem+json error). For tests only: `test-support` feature.
//!
//! The made-up gemeente GM9901 *Proefstad* has two wijken and three buurten, squares of 1 km in
//! RD New east of (150 000, 450 000):
//!
//! | code | name | wijk | inwoners 2022 | 2023 | polygon x (m) |
//! |---|---|---|---|---|---|
//! | BU99010101 | Binnenstad | WK990101 Centrum | 1000 | 1010 | 150 000–151 000 |
//! | BU99010102 | Haven | WK990101 Centrum | 2000 | 2020 | 151 000–152 000 |
//! | BU99010201 | Noorderpark | WK990102 Noord | 1500 | 1490 | 152 000–153 000 |
//!
//! The answers follow the services' documented shapes (see `shared/design/DATA-SOURCES.md`):
//! StatLine OData v3 `TypedDataSet`/`UntypedDataSet` pages of 4 rows with an absolute
//! `odata.nextLink` (`$skip`), space-padded keys, `DataProperties`; OGC API Features items of at
//! most 2 features (`limit` is clamped) with a `rel: next` link carrying an opaque `cursor`,
//! `application/geo+json`, `Content-Crs`, snake_case properties, `-99997` for a secret count,
//! and RFC 7807 problems for unknown query parameters and paths. The OData `$filter` is
//! evaluated as far as buurt uses it: `startswith` and `substringof` on quoted keys.
//!
//! ```
//! use buurt_fetch::fixture::{Fault, FixtureServer};
//! let server = FixtureServer::start();
//! server.inject("/TypedDataSet", [Fault::Status(503)]);
//! let out = tempfile::tempdir()?;
//! let summary = buurt_fetch::fetch(&server.settings(out.path()), &buurt_io::registry::NoProgress)?;
//! assert_eq!(summary.fetched.len(), 12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

use crate::plan::RD_CRS_URI;
use crate::settings::Settings;

/// The made-up gemeente.
pub const GEMEENTE: &str = "GM9901";
/// Its name.
pub const GEMEENTE_NAME: &str = "Proefstad";
/// The years with kwb tables and boundaries on the server.
pub const YEARS: [u16; 2] = [2022, 2023];
/// Rows per OData page.
pub const ODATA_PAGE_ROWS: usize = 4;
/// Features per OGC API page at most, whatever `limit` asks.
pub const FEATURES_PAGE_MAX: usize = 2;

/// Something to go wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (500, 503, 429, …) and a short HTML body.
    Status(u16),
    /// Wait this long, then answer normally (beyond the client's timeout, it has gone).
    Slow(Duration),
    /// Announce the whole body in `Content-Length`, send half of it, close.
    Truncated,
    /// Answer 200 with a body that is not whole JSON.
    Garbage,
    /// Answer with this status and an RFC 7807 problem+json body.
    Problem(u16),
}

#[derive(Debug, Default)]
struct State {
    faults: Vec<(String, Fault)>,
    requests: Vec<String>,
}

/// The server; it stops when dropped.
#[derive(Debug)]
pub struct FixtureServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FixtureServer {
    /// Listen on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no loopback port can be had.
    #[must_use]
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let state = Arc::clone(&state);
                    std::thread::spawn(move || serve(stream, addr, &state));
                }
            })
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The StatLine base (`--cbs-url`).
    #[must_use]
    pub fn cbs_url(&self) -> String {
        format!("{}/ODataApi/odata", self.url())
    }

    /// The third-party catalogue's base (`--rivm-url`).
    #[must_use]
    pub fn rivm_url(&self) -> String {
        format!("{}/dataderden/ODataApi/odata", self.url())
    }

    /// PDOK's base (`--pdok-url`).
    #[must_use]
    pub fn pdok_url(&self) -> String {
        format!("{}/pdok/cbs", self.url())
    }

    /// Settings for GM9901 and [`YEARS`] against this server into `out`: a 1 s timeout, 3
    /// retries from 20 ms.
    ///
    /// # Panics
    /// Never: the code is valid.
    #[must_use]
    pub fn settings(&self, out: &Path) -> Settings {
        let mut s = Settings::new(GEMEENTE.parse().expect("a valid code"), out);
        s.years = YEARS.to_vec();
        s.cbs_url = self.cbs_url();
        s.rivm_url = self.rivm_url();
        s.pdok_url = self.pdok_url();
        s.timeout = Duration::from_secs(1);
        s.retries = 3;
        s.backoff = Duration::from_millis(20);
        s
    }

    /// The next requests whose path and query contain `pattern` meet `faults`, one each, in
    /// order.
    pub fn inject(&self, pattern: &str, faults: impl IntoIterator<Item = Fault>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state
            .faults
            .extend(faults.into_iter().map(|f| (pattern.to_owned(), f)));
    }

    /// Every request's path and query so far, in the order they came.
    #[must_use]
    pub fn requests(&self) -> Vec<String> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.requests.clone()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.requests.clear();
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An answer to send.
struct Reply {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, content_type: &'static str, body: &Value) -> Self {
        Self {
            status,
            content_type,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    fn problem(status: u16, detail: &str) -> Self {
        let title = match status {
            400 => "Bad Request",
            404 => "Not Found",
            _ => "Error",
        };
        Self::json(
            status,
            "application/problem+json",
            &json!({"type": "about:blank", "title": title, "status": status, "detail": detail, "timeStamp": "2025-01-01T00:00:00Z"}),
        )
    }

    fn odata_not_found(segment: &str) -> Self {
        Self::json(
            404,
            "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
            &json!({"odata.error": {"code": "", "message": {"lang": "en-US", "value": format!("Resource not found for the segment '{segment}'.")}}}),
        )
    }
}

fn serve(stream: TcpStream, addr: SocketAddr, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // The headers, up to the blank line; a GET has no body.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let fault = {
        let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
        s.requests.push(target.clone());
        let hit = s
            .faults
            .iter()
            .position(|(p, _)| target.contains(p.as_str()));
        hit.map(|i| s.faults.remove(i).1)
    };
    let reply = match &fault {
        Some(Fault::Status(status)) => Reply {
            status: *status,
            content_type: "text/html",
            headers: vec![("Retry-After", "0".into())],
            body: format!("<html><body><h1>{status}</h1> the server is busy</body></html>")
                .into_bytes(),
        },
        Some(Fault::Problem(status)) => Reply::problem(*status, &format!("injected for {target}")),
        Some(Fault::Garbage) => Reply {
            status: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body: b"{\"value\": [{\"ID\": 0,".to_vec(),
        },
        Some(Fault::Slow(wait)) => {
            std::thread::sleep(*wait);
            route(&target, addr)
        }
        Some(Fault::Truncated) | None => route(&target, addr),
    };
    let _ = write_reply(stream, &reply, fault == Some(Fault::Truncated));
}

fn write_reply(mut stream: TcpStream, reply: &Reply, truncate: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        if reply.status < 400 { "OK" } else { "Error" },
        reply.content_type,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let body = if truncate {
        &reply.body[..reply.body.len() / 2]
    } else {
        &reply.body[..]
    };
    stream.write_all(body)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Both)
}

/// The parsed query: key → decoded value, in order.
fn query(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(target: &str, addr: SocketAddr) -> Reply {
    let (path, params) = query(target);
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["ODataApi", "odata", table, entity] => odata(addr, &path, &params, table, entity, false),
        ["dataderden", "ODataApi", "odata", table, entity] => {
            odata(addr, &path, &params, table, entity, true)
        }
        [
            "pdok",
            "cbs",
            api,
            "ogc",
            "v1",
            "collections",
            collection,
            "items",
        ] => pdok(addr, &path, &params, api, collection),
        _ => Reply::problem(404, &format!("no such resource: {path}")),
    }
}

/// Region rows of the made-up gemeente and one decoy of another gemeente whose key holds
/// `9901` (`BU99029901`): (code, level, name index).
const REGIONS: [(&str, &str); 7] = [
    ("GM9901", "Gemeente"),
    ("WK990101", "Wijk"),
    ("WK990102", "Wijk"),
    ("BU99010101", "Buurt"),
    ("BU99010102", "Buurt"),
    ("BU99010201", "Buurt"),
    ("BU99029901", "Buurt"),
];

/// Inwoners, mannen and 65-plussers per region (in [`REGIONS`] order) and year.
fn kwb_counts(year: u16) -> [(u32, u32, u32); 7] {
    if year == 2022 {
        [
            (4500, 2210, 900),
            (3000, 1470, 450),
            (1500, 740, 450),
            (1000, 490, 150),
            (2000, 980, 300),
            (1500, 740, 450),
            (800, 400, 100),
        ]
    } else {
        [
            (4520, 2220, 920),
            (3030, 1485, 460),
            (1490, 735, 460),
            (1010, 495, 155),
            (2020, 990, 305),
            (1490, 735, 460),
            (810, 405, 100),
        ]
    }
}

fn kwb_rows(year: u16) -> Vec<Value> {
    // The key suffixes of the later columns differ between the two tables, as StatLine's do.
    let (jeugd, wmo) = if year == 2022 {
        ("JongerenMetJeugdzorgInNatura_87", "WmoClienten_89")
    } else {
        ("JongerenMetJeugdzorgInNatura_91", "WmoClienten_93")
    };
    REGIONS
        .iter()
        .zip(kwb_counts(year))
        .enumerate()
        .map(|(i, ((code, level), (inwoners, mannen, plus65)))| {
            let gemeente = if code.contains("9902") {
                "Elders"
            } else {
                GEMEENTE_NAME
            };
            // A secret count in one buurt: null in TypedDataSet.
            let jeugdzorg = if *code == "BU99010201" {
                Value::Null
            } else {
                json!(inwoners / 50)
            };
            json!({
                "ID": i,
                "WijkenEnBuurten": format!("{code:<10}"),
                "Gemeentenaam_1": format!("{gemeente:<40}"),
                "SoortRegio_2": format!("{level:<10}"),
                "Codering_3": format!("{code:<10}"),
                "IndelingswijzigingWijkenEnBuurten_4": "1",
                "AantalInwoners_5": inwoners,
                "Mannen_6": mannen,
                "Vrouwen_7": inwoners - mannen,
                "k_65JaarOfOuder_12": plus65,
                jeugd: jeugdzorg,
                wmo: inwoners / 25,
            })
        })
        .collect()
}

fn kwb_properties(year: u16) -> Vec<Value> {
    let row = kwb_rows(year).swap_remove(0);
    let keys: Vec<&String> = row
        .as_object()
        .map(|o| o.keys().filter(|k| *k != "ID").collect())
        .unwrap_or_default();
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            if key.as_str() == "WijkenEnBuurten" {
                json!({"odata.type": "Cbs.OData.GeoDimension", "ID": i, "Position": i, "ParentID": null, "Type": "GeoDimension", "Key": key, "Title": "Wijken en buurten", "Description": "", "MapYear": year.to_string(), "ReleasePolicy": true})
            } else {
                json!({"odata.type": "Cbs.OData.Topic", "ID": i, "Position": i, "ParentID": null, "Type": "Topic", "Key": key, "Title": key, "Description": "", "Datatype": "Long", "Unit": "aantal", "Decimals": 0, "Default": "Impossible", "PresentationType": "Absolute"})
            }
        })
        .collect()
}

/// RIVM 50090NED `UntypedDataSet` rows: every region, 18+ and 65+, 2016 and 2020, the
/// estimate and its upper bound. Values are padded text; `.` is suppressed, empty not measured.
fn rivm_rows() -> Vec<Value> {
    let mut rows = Vec::new();
    for (age, older) in [("20300", false), ("80200", true)] {
        for (margin, bound) in [("MW00000", 0.0), ("MBG0095", 3.0)] {
            for (period, later) in [("2016JJ00", false), ("2020JJ00", true)] {
                for (idx, (code, level)) in REGIONS.iter().enumerate() {
                    let i = idx as f64;
                    let value = |v: f64| format!("{:>8.1}", v + bound);
                    let gezond = value(
                        70.0 + i - if older { 5.0 } else { 0.0 } + f64::from(u8::from(later)),
                    );
                    let eenzaam = if *code == "BU99010201" && older {
                        "       .".to_owned()
                    } else {
                        value(
                            40.0 + 2.0 * i
                                + if older { 5.0 } else { 0.0 }
                                + if later { 0.5 } else { 0.0 },
                        )
                    };
                    let mantelzorger = if later {
                        value(13.0 + i)
                    } else {
                        String::new()
                    };
                    let gemeente = if code.contains("9902") {
                        "Elders"
                    } else {
                        GEMEENTE_NAME
                    };
                    rows.push(json!({
                        "ID": rows.len(),
                        "Leeftijd": age,
                        "Marges": margin,
                        "WijkenEnBuurten": format!("{code:<10}"),
                        "Perioden": period,
                        "Gemeentenaam_1": format!("{gemeente:<40}"),
                        "SoortRegio_2": format!("{level:<10}"),
                        "Codering_3": format!("{code:<20}"),
                        "ErvarenGezondheidGoedZeerGoed_4": gezond,
                        "Eenzaam_28": eenzaam,
                        "Mantelzorger_32": mantelzorger,
                    }));
                }
            }
        }
    }
    rows
}

fn rivm_properties() -> Vec<Value> {
    let row = rivm_rows().swap_remove(0);
    row.as_object()
        .map(|o| {
            o.keys()
                .filter(|k| *k != "ID")
                .enumerate()
                .map(|(i, key)| json!({"ID": i, "Position": i, "Key": key, "Title": key, "Type": if key.ends_with(|c: char| c.is_ascii_digit()) { "Topic" } else { "Dimension" }, "Unit": "%", "Decimals": 1}))
                .collect()
        })
        .unwrap_or_default()
}

/// The quoted literals of a filter and whether each was a `startswith` (else `substringof`).
fn filter_terms(filter: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    for (i, _) in filter.match_indices('\'').step_by(2) {
        let rest = &filter[i + 1..];
        let Some(end) = rest.find('\'') else { break };
        let before = &filter[..i];
        let prefix =
            before.rfind("startswith").unwrap_or(0) > before.rfind("substringof").unwrap_or(0);
        out.push((prefix, rest[..end].to_owned()));
    }
    out
}

fn matches_filter(row: &Value, filter: Option<&str>) -> bool {
    let Some(filter) = filter else { return true };
    let key = row
        .get("WijkenEnBuurten")
        .and_then(Value::as_str)
        .unwrap_or("");
    let margin = row.get("Marges").and_then(Value::as_str);
    let terms = filter_terms(filter);
    let region_terms: Vec<&(bool, String)> =
        terms.iter().filter(|(_, t)| !t.starts_with('M')).collect();
    let region_ok = region_terms.is_empty()
        || region_terms.iter().any(|(prefix, t)| {
            if *prefix {
                key.starts_with(t.as_str())
            } else {
                key.contains(t.as_str())
            }
        });
    let margin_ok = terms
        .iter()
        .filter(|(_, t)| t.starts_with('M'))
        .all(|(_, t)| margin.is_none_or(|m| m.contains(t.as_str())));
    region_ok && margin_ok
}

fn odata(
    addr: SocketAddr,
    path: &str,
    params: &[(String, String)],
    table: &str,
    entity: &str,
    dataderden: bool,
) -> Reply {
    let kwb_year = YEARS
        .iter()
        .copied()
        .find(|y| crate::settings::kwb_table(*y) == Some(table));
    let (rows, properties) = match (dataderden, table, kwb_year) {
        (true, "50090NED", _) => (rivm_rows(), rivm_properties()),
        (false, _, Some(year)) => (kwb_rows(year), kwb_properties(year)),
        _ => return Reply::odata_not_found(table),
    };
    let metadata = |set: &str| {
        format!(
            "http://{addr}{}/$metadata#Cbs.OData.WebAPI.{set}",
            path.rsplit_once('/').map_or(path, |(p, _)| p)
        )
    };
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let content_type = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
    match entity {
        "DataProperties" => Reply::json(
            200,
            content_type,
            &json!({"odata.metadata": metadata("DataProperties"), "value": properties}),
        ),
        "TypedDataSet" | "UntypedDataSet" => {
            page(addr, path, params, rows, get("$filter"), &metadata(entity))
        }
        _ => Reply::odata_not_found(entity),
    }
}

/// One page of `rows` after `$filter`, from `$skip`, with a next link while rows remain.
fn page(
    addr: SocketAddr,
    path: &str,
    params: &[(String, String)],
    rows: Vec<Value>,
    filter: Option<&str>,
    metadata: &str,
) -> Reply {
    let skip: usize = params
        .iter()
        .find(|(k, _)| k == "$skip")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let matching: Vec<Value> = rows
        .into_iter()
        .filter(|r| matches_filter(r, filter))
        .collect();
    let mut body = json!({
        "odata.metadata": metadata,
        "value": matching.iter().skip(skip).take(ODATA_PAGE_ROWS).collect::<Vec<_>>(),
    });
    if skip + ODATA_PAGE_ROWS < matching.len() {
        let query: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "$skip")
            .map(|(k, v)| format!("{k}={}", crate::plan::encode(v)))
            .chain([format!("$skip={}", skip + ODATA_PAGE_ROWS)])
            .collect();
        body["odata.nextLink"] = json!(format!("http://{addr}{path}?{}", query.join("&")));
    }
    Reply::json(
        200,
        "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
        &body,
    )
}

/// A square or rectangle in RD from x0 to x1 (km from 150 000), y 450 000–451 000.
fn rectangle(x0: u32, x1: u32) -> Value {
    let (x0, x1) = (150_000 + 1000 * x0, 150_000 + 1000 * x1);
    json!({"type": "Polygon", "coordinates": [[[x0, 450_000], [x1, 450_000], [x1, 451_000], [x0, 451_000], [x0, 450_000]]]})
}

fn pdok_features(collection: &str, year: u16) -> Option<Vec<Value>> {
    let inwoners = |i: usize| kwb_counts(year)[i].0;
    let features: Vec<Value> = match collection {
        "gemeenten" => vec![
            json!({"type": "Feature", "id": "1", "geometry": rectangle(0, 3), "properties": {"gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "jaarstatcode": format!("{year}{GEMEENTE}"), "aantal_inwoners": inwoners(0), "water": "NEE"}}),
            json!({"type": "Feature", "id": "2", "geometry": rectangle(5, 6), "properties": {"gemeentecode": "GM9902", "gemeentenaam": "Elders", "aantal_inwoners": 800, "water": "NEE"}}),
        ],
        "wijken" => vec![
            json!({"type": "Feature", "id": "11", "geometry": rectangle(0, 2), "properties": {"wijkcode": "WK990101", "wijknaam": "Centrum", "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "aantal_inwoners": inwoners(1), "water": "NEE"}}),
            json!({"type": "Feature", "id": "12", "geometry": rectangle(2, 3), "properties": {"wijkcode": "WK990102", "wijknaam": "Noord", "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "aantal_inwoners": inwoners(2), "water": "NEE"}}),
        ],
        "buurten" => vec![
            json!({"type": "Feature", "id": "101", "geometry": rectangle(0, 1), "properties": {"buurtcode": "BU99010101", "buurtnaam": "Binnenstad", "wijkcode": "WK990101", "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "aantal_inwoners": inwoners(3), "water": "NEE"}}),
            json!({"type": "Feature", "id": "102", "geometry": rectangle(1, 2), "properties": {"buurtcode": "BU99010102", "buurtnaam": "Haven", "wijkcode": "WK990101", "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "aantal_inwoners": inwoners(4), "water": "NEE"}}),
            // A secret count, as PDOK writes it.
            json!({"type": "Feature", "id": "103", "geometry": rectangle(2, 3), "properties": {"buurtcode": "BU99010201", "buurtnaam": "Noorderpark", "wijkcode": "WK990102", "gemeentecode": GEMEENTE, "gemeentenaam": GEMEENTE_NAME, "aantal_inwoners": -99_997, "water": "NEE"}}),
        ],
        _ => return None,
    };
    Some(features)
}

const PDOK_PARAMETERS: [&str; 9] = [
    "f",
    "limit",
    "crs",
    "cursor",
    "bbox",
    "bbox-crs",
    "gemeentecode",
    "wijkcode",
    "buurtcode",
];

fn pdok(
    addr: SocketAddr,
    path: &str,
    params: &[(String, String)],
    api: &str,
    collection: &str,
) -> Reply {
    let year = api
        .strip_prefix("wijken-en-buurten-")
        .and_then(|y| y.parse::<u16>().ok())
        .filter(|y| YEARS.contains(y));
    let Some(all) = year.and_then(|y| pdok_features(collection, y)) else {
        return Reply::problem(404, &format!("no collection {collection} in {api}"));
    };
    let unknown: Vec<String> = params
        .iter()
        .filter(|(k, _)| !PDOK_PARAMETERS.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !unknown.is_empty() {
        return Reply::problem(
            400,
            &format!("unknown query parameter(s) found: {}", unknown.join(", ")),
        );
    }
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if get("f").is_some_and(|f| f != "json") {
        return Reply::problem(400, "unsupported format");
    }
    let crs = get("crs").unwrap_or("http://www.opengis.net/def/crs/OGC/1.3/CRS84");
    if crs != RD_CRS_URI {
        return Reply::problem(400, &format!("this fixture serves RD New only, not {crs}"));
    }
    let limit = get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, FEATURES_PAGE_MAX);
    let offset = get("cursor").and_then(cursor_offset).unwrap_or(0);
    let matching: Vec<Value> = all
        .into_iter()
        .filter(|f| {
            ["gemeentecode", "wijkcode", "buurtcode"]
                .iter()
                .all(|p| get(p).is_none_or(|want| f["properties"][p].as_str() == Some(want)))
        })
        .collect();
    let features: Vec<Value> = matching.iter().skip(offset).take(limit).cloned().collect();
    let self_query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut links = vec![
        json!({"rel": "self", "type": "application/geo+json", "title": "This document as GeoJSON", "href": format!("http://{addr}{path}?{}", self_query.join("&"))}),
    ];
    if offset + limit < matching.len() {
        let next_query: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "cursor")
            .map(|(k, v)| format!("{k}={v}"))
            .chain([format!("cursor={}", cursor(offset + limit))])
            .collect();
        links.push(json!({"rel": "next", "type": "application/geo+json", "title": "Next page", "href": format!("http://{addr}{path}?{}", next_query.join("&"))}));
    }
    let mut reply = Reply::json(
        200,
        "application/geo+json",
        &json!({
            "type": "FeatureCollection",
            "timeStamp": "2025-01-01T00:00:00Z",
            "links": links,
            "features": features,
            "numberReturned": features.len(),
        }),
    );
    reply
        .headers
        .push(("Content-Crs", format!("<{RD_CRS_URI}>")));
    reply
}

/// An opaque cursor for an offset (the client must not build one).
fn cursor(offset: usize) -> String {
    format!("c{:x}", offset * 7919 + 4242)
}

fn cursor_offset(cursor: &str) -> Option<usize> {
    let n = usize::from_str_radix(cursor.strip_prefix('c')?, 16).ok()?;
    n.checked_sub(4242).map(|n| n / 7919)
}

/// The fixture's rows by key, for tests that check what came through.
#[must_use]
pub fn kwb_inwoners(year: u16) -> BTreeMap<&'static str, u32> {
    REGIONS
        .iter()
        .zip(kwb_counts(year))
        .filter(|((code, _), _)| !code.contains("9902"))
        .map(|((code, _), (inwoners, _, _))| (*code, inwoners))
        .collect()
}
