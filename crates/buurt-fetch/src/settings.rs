//! What to fetch and from where: the gemeente, the years, the base URLs of the three services,
//! and how patient to be with them.

use std::path::PathBuf;
use std::time::Duration;

use buurt_core::GemeenteCode;

use crate::error::FetchError;

/// CBS StatLine OData v3, the kwb tables.
pub const DEFAULT_CBS_URL: &str = "https://opendata.cbs.nl/ODataApi/odata";
/// CBS's catalogue of third-party tables, where RIVM publishes 50090NED.
pub const DEFAULT_RIVM_URL: &str = "https://dataderden.cbs.nl/ODataApi/odata";
/// PDOK's CBS APIs; the OGC API Features of each year lie below it
/// (`{pdok}/wijken-en-buurten-2024/ogc/v1`).
pub const DEFAULT_PDOK_URL: &str = "https://api.pdok.nl/cbs";
/// The years fetched when none are given: complete kwb releases with PDOK boundaries.
pub const DEFAULT_YEARS: &[u16] = &[2022, 2023, 2024];

/// The StatLine table of the Kerncijfers wijken en buurten of each year (2025 is CBS's
/// preliminary release: demography only).
pub const KWB_TABLES: &[(u16, &str)] = &[
    (2018, "84286NED"),
    (2019, "84583NED"),
    (2020, "84799NED"),
    (2021, "85039NED"),
    (2022, "85318NED"),
    (2023, "85618NED"),
    (2024, "85984NED"),
    (2025, "86165NED"),
];

/// RIVM Gezondheid per wijk en buurt (2012, 2016, 2020 on indeling 2020).
pub const RIVM_TABLE: &str = "50090NED";

/// The kwb table of `year`.
///
/// ```
/// assert_eq!(buurt_fetch::kwb_table(2023), Some("85618NED"));
/// assert_eq!(buurt_fetch::kwb_table(2017), None);
/// ```
#[must_use]
pub fn kwb_table(year: u16) -> Option<&'static str> {
    KWB_TABLES.iter().find(|(y, _)| *y == year).map(|(_, t)| *t)
}

/// Everything `buurt fetch` is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The gemeente whose rows and boundaries are fetched.
    pub gemeente: GemeenteCode,
    /// The folder to fill (created when missing; files already complete are kept).
    pub out: PathBuf,
    /// kwb tables and boundary years.
    pub years: Vec<u16>,
    /// Base of the CBS StatLine OData v3 API.
    pub cbs_url: String,
    /// Base of the third-party OData catalogue with RIVM 50090NED.
    pub rivm_url: String,
    /// Base of PDOK's CBS APIs.
    pub pdok_url: String,
    /// For one request, from connecting to the last byte of its body.
    pub timeout: Duration,
    /// Attempts after the first, for what may pass on another try.
    pub retries: u32,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub backoff: Duration,
    /// Features asked per PDOK page (the server may give fewer; paging follows `next` links).
    pub page_limit: u32,
}

impl Settings {
    /// The defaults for `gemeente` into `out`: the default years and services, a 60 s timeout,
    /// 4 retries starting at 1 s.
    ///
    /// ```
    /// let s = buurt_fetch::Settings::new("GM0307".parse()?, "data-amersfoort");
    /// assert_eq!(s.years, [2022, 2023, 2024]);
    /// assert!(s.cbs_url.starts_with("https://opendata.cbs.nl/"));
    /// # Ok::<(), buurt_core::CodeError>(())
    /// ```
    #[must_use]
    pub fn new(gemeente: GemeenteCode, out: impl Into<PathBuf>) -> Self {
        Self {
            gemeente,
            out: out.into(),
            years: DEFAULT_YEARS.to_vec(),
            cbs_url: DEFAULT_CBS_URL.into(),
            rivm_url: DEFAULT_RIVM_URL.into(),
            pdok_url: DEFAULT_PDOK_URL.into(),
            timeout: Duration::from_mins(1),
            retries: 4,
            backoff: Duration::from_secs(1),
            page_limit: 1000,
        }
    }

    /// Check the settings before any request: known years, http(s) base URLs.
    pub(crate) fn check(&self) -> Result<(), FetchError> {
        if self.years.is_empty() {
            return Err(FetchError::Setting {
                setting: "--years",
                message: "no year given".into(),
            });
        }
        if let Some(year) = self.years.iter().find(|y| kwb_table(**y).is_none()) {
            let known: Vec<String> = KWB_TABLES.iter().map(|(y, _)| y.to_string()).collect();
            return Err(FetchError::Setting {
                setting: "--years",
                message: format!(
                    "no kwb table is known for {year}; known years: {}",
                    known.join(", ")
                ),
            });
        }
        for (setting, url) in [
            ("--cbs-url", &self.cbs_url),
            ("--rivm-url", &self.rivm_url),
            ("--pdok-url", &self.pdok_url),
        ] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(FetchError::Setting {
                    setting,
                    message: format!("'{url}' is not an http(s) URL"),
                });
            }
        }
        Ok(())
    }
}
