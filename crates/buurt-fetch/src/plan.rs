//! The files one run fetches: per year the kwb table's rows and DataProperties and the three
//! PDOK collections, and once the RIVM 50090NED rows and DataProperties.
//!
//! Layout of the folder (one gemeente per subfolder, so several gemeenten can share a folder):
//!
//! ```text
//! DIR/fetch-manifest.json
//! DIR/GM0307/cbs_kwb_2023_85618NED/TypedDataSet.json
//! DIR/GM0307/cbs_kwb_2023_85618NED/DataProperties.json
//! DIR/GM0307/rivm_50090NED/UntypedDataSet.json
//! DIR/GM0307/rivm_50090NED/DataProperties.json
//! DIR/GM0307/pdok_wijken_en_buurten_2023/{buurten,wijken,gemeenten}.geojson
//! ```

use std::fmt::Write as _;

use buurt_core::GemeenteCode;
use buurt_io::fetched::{FetchedKind, FetchedPart};

use crate::settings::{RIVM_TABLE, Settings, kwb_table};

/// The CRS asked of PDOK: RD New, the CRS buurt works in.
pub(crate) const RD_CRS_URI: &str = "http://www.opengis.net/def/crs/EPSG/0/28992";

/// How a file's pages are fetched and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// OData v3 rows of the gemeente, paged by `odata.nextLink`.
    ODataRows {
        /// Keep only the estimate (`Marges` `MW00000`).
        estimate_only: bool,
    },
    /// An OData v3 list kept whole (DataProperties).
    ODataAll,
    /// OGC API Features items, paged by the `next` link.
    Features,
}

/// One file to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    /// Relative to the output folder.
    pub path: String,
    /// The dataset it belongs to.
    pub dataset: String,
    pub kind: FetchedKind,
    pub part: FetchedPart,
    pub table: Option<String>,
    pub collection: Option<String>,
    pub year: Option<u16>,
    /// The first page.
    pub url: String,
    pub source: Source,
    /// For the progress bar.
    pub label: String,
}

/// Every file of a run, in the order fetched.
pub(crate) fn jobs(settings: &Settings) -> Vec<Job> {
    let gm = settings.gemeente;
    let lower = gm.as_str().to_ascii_lowercase();
    let mut years = settings.years.clone();
    years.sort_unstable();
    years.dedup();
    let mut out = Vec::new();
    for &year in &years {
        let Some(table) = kwb_table(year) else {
            continue;
        };
        let dataset = format!("cbs_kwb_{lower}_{year}");
        let folder = format!("{gm}/cbs_kwb_{year}_{table}");
        let base = format!("{}/{table}", trim(&settings.cbs_url));
        out.push(Job {
            path: format!("{folder}/TypedDataSet.json"),
            dataset: dataset.clone(),
            kind: FetchedKind::CbsKwb,
            part: FetchedPart::Rows,
            table: Some(table.into()),
            collection: None,
            year: Some(year),
            url: format!("{base}/TypedDataSet?$filter={}", encode(&region_filter(gm))),
            source: Source::ODataRows {
                estimate_only: false,
            },
            label: format!("kwb {year} ({table}) rows"),
        });
        out.push(Job {
            path: format!("{folder}/DataProperties.json"),
            dataset,
            kind: FetchedKind::CbsKwb,
            part: FetchedPart::DataProperties,
            table: Some(table.into()),
            collection: None,
            year: Some(year),
            url: format!("{base}/DataProperties"),
            source: Source::ODataAll,
            label: format!("kwb {year} ({table}) DataProperties"),
        });
    }
    let dataset = format!("rivm_50090_{lower}");
    let folder = format!("{gm}/rivm_{RIVM_TABLE}");
    let base = format!("{}/{RIVM_TABLE}", trim(&settings.rivm_url));
    out.push(Job {
        path: format!("{folder}/UntypedDataSet.json"),
        dataset: dataset.clone(),
        kind: FetchedKind::Rivm50090,
        part: FetchedPart::Rows,
        table: Some(RIVM_TABLE.into()),
        collection: None,
        year: None,
        url: format!(
            "{base}/UntypedDataSet?$filter={}",
            encode(&format!(
                "({}) and substringof('MW00000',Marges)",
                region_filter(gm)
            ))
        ),
        source: Source::ODataRows {
            estimate_only: true,
        },
        label: format!("RIVM {RIVM_TABLE} rows"),
    });
    out.push(Job {
        path: format!("{folder}/DataProperties.json"),
        dataset,
        kind: FetchedKind::Rivm50090,
        part: FetchedPart::DataProperties,
        table: Some(RIVM_TABLE.into()),
        collection: None,
        year: None,
        url: format!("{base}/DataProperties"),
        source: Source::ODataAll,
        label: format!("RIVM {RIVM_TABLE} DataProperties"),
    });
    for &year in &years {
        for (collection, level) in [
            ("buurten", "buurt"),
            ("wijken", "wijk"),
            ("gemeenten", "gemeente"),
        ] {
            out.push(Job {
                path: format!("{gm}/pdok_wijken_en_buurten_{year}/{collection}.geojson"),
                dataset: format!("pdok_{lower}_{level}_{year}"),
                kind: FetchedKind::PdokBoundaries,
                part: FetchedPart::Features,
                table: None,
                collection: Some(collection.into()),
                year: Some(year),
                url: format!(
                    "{}/wijken-en-buurten-{year}/ogc/v1/collections/{collection}/items?f=json&gemeentecode={gm}&crs={RD_CRS_URI}&limit={}",
                    trim(&settings.pdok_url),
                    settings.page_limit
                ),
                source: Source::Features,
                label: format!("PDOK {collection} {year}"),
            });
        }
    }
    out
}

/// The OData filter for a gemeente's own row, its wijken and its buurten. Keys are matched by
/// prefix: `substringof('0307', …)` would also match buurt `BU03440307` of another gemeente.
pub(crate) fn region_filter(gm: GemeenteCode) -> String {
    let digits = gm.digits();
    ["GM", "WK", "BU"]
        .iter()
        .map(|prefix| format!("startswith(WijkenEnBuurten,'{prefix}{digits}')"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

/// A query value with everything but RFC 3986's unreserved characters and the OData syntax
/// `'(),$:` percent-encoded.
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~'(),$:".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_fetches_kwb_and_pdok_per_year_and_rivm_once() {
        let mut settings = Settings::new("GM0307".parse().unwrap(), "out");
        settings.years = vec![2023, 2022, 2023];
        settings.cbs_url = "https://cbs.example/odata/".into();
        let jobs = jobs(&settings);
        assert_eq!(jobs.len(), 2 * 2 + 2 + 2 * 3);
        assert_eq!(
            jobs[0].url,
            "https://cbs.example/odata/85318NED/TypedDataSet?$filter=startswith(WijkenEnBuurten,'GM0307')%20or%20startswith(WijkenEnBuurten,'WK0307')%20or%20startswith(WijkenEnBuurten,'BU0307')"
        );
        assert_eq!(
            jobs[0].path,
            "GM0307/cbs_kwb_2022_85318NED/TypedDataSet.json"
        );
        assert_eq!(
            jobs[1].url,
            "https://cbs.example/odata/85318NED/DataProperties"
        );
        let rivm = &jobs[4];
        assert!(
            rivm.url.starts_with(
                "https://dataderden.cbs.nl/ODataApi/odata/50090NED/UntypedDataSet?$filter=(startswith("
            ) && rivm.url.ends_with("%20and%20substringof('MW00000',Marges)"),
            "{}",
            rivm.url
        );
        assert_eq!(rivm.dataset, "rivm_50090_gm0307");
        let pdok = &jobs[6];
        assert_eq!(
            pdok.url,
            "https://api.pdok.nl/cbs/wijken-en-buurten-2022/ogc/v1/collections/buurten/items?f=json&gemeentecode=GM0307&crs=http://www.opengis.net/def/crs/EPSG/0/28992&limit=1000"
        );
        assert_eq!(pdok.dataset, "pdok_gm0307_buurt_2022");
        assert_eq!(
            pdok.path,
            "GM0307/pdok_wijken_en_buurten_2022/buurten.geojson"
        );
    }
}
