//! Paging: OData v3 by `odata.nextLink`, OGC API Features by the `links` entry with
//! `rel: "next"`. Each page is parsed whole before its records count; the pages of one file are
//! merged into one document.

use buurt_core::{GemeenteCode, RegionCode};
use serde_json::{Map, Value};

use crate::error::FetchError;
use crate::http::{Answer, Client};
use crate::plan::RD_CRS_URI;

/// More pages than this is a server that never stops.
const MAX_PAGES: usize = 10_000;

/// A file's records from all its pages.
#[derive(Debug)]
pub(crate) struct Collected {
    /// The merged document, ready to write.
    pub document: Value,
    /// Every URL fetched, in order.
    pub urls: Vec<String>,
    /// Records kept.
    pub records: usize,
}

/// One OData page.
struct ODataPage {
    metadata: Option<Value>,
    values: Vec<Value>,
    next: Option<String>,
}

fn json_object(answer: &Answer) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err("the body is JSON but not an object".into()),
        Err(e) => Err(format!(
            "the body ({} bytes, {}) is not whole JSON: {e}",
            answer.body.len(),
            answer.content_type.as_deref().unwrap_or("no Content-Type")
        )),
    }
}

fn odata_page(answer: &Answer) -> Result<ODataPage, String> {
    let mut root = json_object(answer)?;
    let Some(Value::Array(values)) = root.remove("value") else {
        return Err("no \"value\" array (not an OData feed)".into());
    };
    let next = ["odata.nextLink", "@odata.nextLink"]
        .iter()
        .find_map(|k| root.get(*k).and_then(Value::as_str))
        .map(str::to_owned);
    Ok(ODataPage {
        metadata: root.remove("odata.metadata"),
        values,
        next,
    })
}

/// Whether an OData row belongs to `gemeente` (and is the estimate, when asked): the server's
/// filter is trusted, but not blindly.
fn row_of(row: &Value, gemeente: GemeenteCode, estimate_only: bool) -> bool {
    let in_gemeente = row
        .get("WijkenEnBuurten")
        .and_then(Value::as_str)
        .and_then(|k| k.parse::<RegionCode>().ok())
        .is_some_and(|code| code.gemeente() == Some(gemeente));
    let estimate = !estimate_only
        || row
            .get("Marges")
            .and_then(Value::as_str)
            .is_none_or(|m| m.trim() == "MW00000");
    in_gemeente && estimate
}

/// Which rows of an OData feed to keep.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keep {
    /// Every row (DataProperties).
    All,
    /// The rows of a gemeente, the estimate only if asked.
    Gemeente {
        gemeente: GemeenteCode,
        estimate_only: bool,
    },
}

/// Every page of an OData feed from `url`, as one `{"odata.metadata", "value"}` document.
pub(crate) fn odata(client: &Client, url: &str, keep: Keep) -> Result<Collected, FetchError> {
    let mut urls: Vec<String> = Vec::new();
    let mut values = Vec::new();
    let mut metadata = None;
    let mut dropped = 0usize;
    let mut next = Some(url.to_owned());
    while let Some(url) = next.take() {
        check_next(&urls, &url)?;
        let page = client.get(&url, "application/json", odata_page)?;
        tracing::debug!(url, rows = page.values.len(), "OData page");
        if metadata.is_none() {
            metadata = page.metadata;
        }
        for row in page.values {
            let kept = match keep {
                Keep::All => true,
                Keep::Gemeente {
                    gemeente,
                    estimate_only,
                } => row_of(&row, gemeente, estimate_only),
            };
            if kept {
                values.push(row);
            } else {
                dropped += 1;
            }
        }
        next = page.next.map(|n| resolve(&url, &n));
        urls.push(url);
    }
    if dropped > 0 {
        tracing::warn!(
            url,
            dropped,
            "rows of other regions or margins in the answer, left out"
        );
    }
    let records = values.len();
    let mut document = Map::new();
    if let Some(m) = metadata {
        document.insert("odata.metadata".into(), m);
    }
    document.insert("value".into(), Value::Array(values));
    Ok(Collected {
        document: Value::Object(document),
        urls,
        records,
    })
}

/// One page of OGC API Features items.
struct FeaturesPage {
    features: Vec<Value>,
    next: Option<String>,
    crs: Option<String>,
}

fn features_page(answer: &Answer) -> Result<FeaturesPage, String> {
    let mut root = json_object(answer)?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err("not a GeoJSON FeatureCollection".into());
    }
    let Some(Value::Array(features)) = root.remove("features") else {
        return Err("no \"features\" array".into());
    };
    let next = root
        .get("links")
        .and_then(Value::as_array)
        .and_then(|links| {
            links
                .iter()
                .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
        })
        .and_then(|l| l.get("href"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    // `Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/28992>`.
    let crs = answer.content_crs.as_deref().map(|c| {
        c.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned()
    });
    Ok(FeaturesPage {
        features,
        next,
        crs,
    })
}

/// Every page of a PDOK collection's items from `url`, as one FeatureCollection with a `crs`
/// member from the `Content-Crs` header. Features of another gemeente and features seen on an
/// earlier page (by `id`) are left out.
pub(crate) fn features(
    client: &Client,
    url: &str,
    gemeente: GemeenteCode,
) -> Result<Collected, FetchError> {
    let mut urls: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    let mut ids = std::collections::HashSet::new();
    let mut crs: Option<String> = None;
    let mut dropped = 0usize;
    let mut next = Some(url.to_owned());
    while let Some(url) = next.take() {
        check_next(&urls, &url)?;
        let page = client.get(
            &url,
            "application/geo+json, application/json",
            features_page,
        )?;
        tracing::debug!(url, features = page.features.len(), "features page");
        match (&crs, page.crs) {
            (None, Some(c)) => crs = Some(c),
            (Some(a), Some(b)) if *a != b => {
                return Err(FetchError::Paging {
                    url,
                    message: format!("Content-Crs {b} differs from the first page's {a}"),
                });
            }
            _ => {}
        }
        for feature in page.features {
            let code = feature
                .get("properties")
                .and_then(|p| p.get("gemeentecode"))
                .and_then(Value::as_str);
            let id = feature.get("id").map(Value::to_string);
            let other_gemeente = code.is_some_and(|c| c.trim() != gemeente.as_str());
            let repeated = id.is_some_and(|id| !ids.insert(id));
            if other_gemeente || repeated {
                dropped += 1;
            } else {
                kept.push(feature);
            }
        }
        next = page.next.map(|n| resolve(&url, &n));
        urls.push(url);
    }
    if dropped > 0 {
        tracing::warn!(
            url,
            dropped,
            "features of other gemeenten or repeated, left out"
        );
    }
    let crs = crs.unwrap_or_else(|| {
        tracing::warn!(
            url,
            "no Content-Crs header; the coordinates are taken to be in the CRS asked for"
        );
        RD_CRS_URI.to_owned()
    });
    let records = kept.len();
    let document = serde_json::json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": crs}},
        "features": kept,
    });
    Ok(Collected {
        document,
        urls,
        records,
    })
}

/// A next link must lead somewhere new, and paging must end.
fn check_next(seen: &[String], url: &str) -> Result<(), FetchError> {
    let last = seen.last().map_or(url, String::as_str);
    if seen.iter().any(|u| u == url) {
        return Err(FetchError::Paging {
            url: last.to_owned(),
            message: format!("the next link leads back to a page already fetched ({url})"),
        });
    }
    if seen.len() >= MAX_PAGES {
        return Err(FetchError::Paging {
            url: last.to_owned(),
            message: format!("more than {MAX_PAGES} pages; giving up"),
        });
    }
    Ok(())
}

/// A link as an absolute URL: as given when absolute (the services send absolute links), else
/// against the page it came from.
fn resolve(base: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        return link.to_owned();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    if link.starts_with('/') {
        return format!("{}{link}", &base[..host_end]);
    }
    let path = base.split(['?', '#']).next().unwrap_or(base);
    let dir_end = path
        .rfind('/')
        .filter(|&i| i >= host_end)
        .map_or(path.len(), |i| i + 1);
    let mut out = path[..dir_end].to_owned();
    if !out.ends_with('/') {
        out.push('/');
    }
    out.push_str(link);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_their_page() {
        let base = "http://127.0.0.1:9/odata/85618NED/TypedDataSet?$filter=x";
        assert_eq!(resolve(base, "https://a.b/c?d"), "https://a.b/c?d");
        assert_eq!(resolve(base, "/x?y"), "http://127.0.0.1:9/x?y");
        assert_eq!(
            resolve(base, "TypedDataSet?$skip=2"),
            "http://127.0.0.1:9/odata/85618NED/TypedDataSet?$skip=2"
        );
    }

    #[test]
    fn rows_of_other_gemeenten_and_margins_are_left_out() {
        let gm: GemeenteCode = "GM0307".parse().unwrap();
        let row = |code: &str, margin: &str| serde_json::json!({"WijkenEnBuurten": code, "Marges": margin});
        assert!(row_of(&row("BU03070101", "MW00000"), gm, true));
        assert!(row_of(&row("GM0307    ", "MW00000"), gm, true));
        assert!(!row_of(&row("BU03440307", "MW00000"), gm, true));
        assert!(!row_of(&row("WK030701  ", "MOG0095"), gm, true));
        assert!(row_of(&row("WK030701  ", "MOG0095"), gm, false));
        assert!(!row_of(&serde_json::json!({"Key": "x"}), gm, false));
    }

    #[test]
    fn next_links_must_not_loop() {
        let seen = vec!["http://h/a".to_owned(), "http://h/b".to_owned()];
        let err = check_next(&seen, "http://h/a").unwrap_err().to_string();
        assert!(
            err.starts_with("http://h/b: ") && err.contains("already fetched"),
            "{err}"
        );
        assert!(check_next(&seen, "http://h/c").is_ok());
    }
}
