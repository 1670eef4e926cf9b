//! buurt-fetch: download one gemeente's open data into a folder that `buurt validate` and
//! `buurt serve` read (`--data DIR`), for users whose gemeente has no files of its own.
//!
//! - CBS Kerncijfers wijken en buurten: per year the StatLine OData v3 `TypedDataSet` rows of
//!   the gemeente, its wijken and buurten, and the table's `DataProperties`
//!   ([`Settings::cbs_url`], tables in [`KWB_TABLES`]);
//! - RIVM Gezondheid per wijk en buurt 50090NED from CBS's third-party catalogue: the
//!   gemeente's `UntypedDataSet` rows (it keeps `.` for suppressed apart from empty for not
//!   measured), the estimate `MW00000` only ([`Settings::rivm_url`]);
//! - buurt, wijk and gemeente polygons per year from PDOK's OGC API Features, in RD New
//!   ([`Settings::pdok_url`]).
//!
//! Pages are followed to the end (`odata.nextLink`, the `next` link), each kept only when it
//! parsed whole; connection errors, timeouts, 5xx, 429 and truncated bodies are retried with
//! exponential backoff ([`Settings::retries`], [`Settings::backoff`], [`Settings::timeout`]).
//! Each file is written whole and listed in `fetch-manifest.json`
//! ([`buurt_io::fetched::FetchManifest`]: URLs, time, size, sha256). A second run keeps the files
//! the manifest vouches for and fetches the rest, so an interrupted fetch resumes.
//!
//! ```no_run
//! let settings = buurt_fetch::Settings::new("GM0307".parse()?, "data-amersfoort");
//! let summary = buurt_fetch::fetch(&settings, &buurt_io::registry::NoProgress)?;
//! println!("{} files fetched, {} kept", summary.fetched.len(), summary.kept.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Progress goes to a [`buurt_io::registry::Progress`] (one step per file); what happens on the
//! way, retries included, to `tracing`.

mod error;
#[cfg(feature = "test-support")]
pub mod fixture;
mod http;
mod pages;
mod plan;
mod settings;

use std::path::{Path, PathBuf};

use buurt_io::fetched::{self, FetchManifest, FetchedFile};
use buurt_io::registry::Progress;

pub use error::FetchError;
pub use settings::{
    DEFAULT_CBS_URL, DEFAULT_PDOK_URL, DEFAULT_RIVM_URL, DEFAULT_YEARS, KWB_TABLES, RIVM_TABLE,
    Settings, kwb_table,
};

use crate::http::{Client, Policy};
use crate::pages::Keep;
use crate::plan::{Job, Source};

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The folder filled.
    pub out: PathBuf,
    /// Files fetched in this run, relative to the folder.
    pub fetched: Vec<String>,
    /// Files already complete (per the manifest and their sha256), kept as they were.
    pub kept: Vec<String>,
    /// Requests that returned a page, over all files.
    pub pages: usize,
}

/// Fetch everything `settings` asks for into `settings.out`. Stops at the first file that
/// cannot be fetched; the files completed before it stay, listed in the manifest, for the next
/// run to keep.
pub fn fetch(settings: &Settings, progress: &dyn Progress) -> Result<Summary, FetchError> {
    settings.check()?;
    let out = &settings.out;
    std::fs::create_dir_all(out).map_err(|source| FetchError::Write {
        path: out.clone(),
        source,
    })?;
    let mut manifest = match FetchManifest::read(out) {
        Ok(m) => m.unwrap_or_default(),
        Err(e) => {
            tracing::warn!(error = %e, "the manifest cannot be read; every file is fetched anew");
            FetchManifest::new()
        }
    };
    let client = Client::new(Policy {
        timeout: settings.timeout,
        retries: settings.retries,
        backoff: settings.backoff,
    });
    let jobs = plan::jobs(settings);
    let mut summary = Summary {
        out: out.clone(),
        fetched: Vec::new(),
        kept: Vec::new(),
        pages: 0,
    };
    progress.start(jobs.len());
    let result = jobs.iter().try_for_each(|job| {
        progress.step(&job.label);
        if is_complete(out, &manifest, job) {
            tracing::info!(path = job.path, "complete per the manifest; kept");
            summary.kept.push(job.path.clone());
            return Ok(());
        }
        let file = fetch_one(&client, settings, job)?;
        summary.pages += file.urls.len();
        manifest.upsert(file);
        manifest.write(out)?;
        summary.fetched.push(job.path.clone());
        Ok(())
    });
    progress.finish();
    // A run that kept everything leaves the manifest as it was; otherwise it is written above
    // after every file, so an interrupted run loses at most the file it was on.
    result.map(|()| summary)
}

/// Whether the file of `job` is in the manifest, fetched from the same first URL, and still
/// has the size and sha256 the manifest gives.
fn is_complete(out: &Path, manifest: &FetchManifest, job: &Job) -> bool {
    let Some(entry) = manifest.file(&job.path) else {
        return false;
    };
    let path = out.join(&job.path);
    entry.dataset == job.dataset
        && entry.urls.first() == Some(&job.url)
        && std::fs::metadata(&path).is_ok_and(|m| m.len() == entry.bytes)
        && fetched::sha256_file(&path).is_ok_and(|sha| sha == entry.sha256)
}

/// Fetch every page of one file and write it whole.
fn fetch_one(client: &Client, settings: &Settings, job: &Job) -> Result<FetchedFile, FetchError> {
    tracing::info!(path = job.path, url = job.url, "fetching");
    let collected = match job.source {
        Source::ODataRows { estimate_only } => pages::odata(
            client,
            &job.url,
            Keep::Gemeente {
                gemeente: settings.gemeente,
                estimate_only,
            },
        )?,
        Source::ODataAll => pages::odata(client, &job.url, Keep::All)?,
        Source::Features => pages::features(client, &job.url, settings.gemeente)?,
    };
    if collected.records == 0 && job.part != fetched::FetchedPart::DataProperties {
        tracing::warn!(
            url = job.url,
            "no rows or features for this gemeente (is the code right for this year?)"
        );
    }
    let fetched_at = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let bytes = serde_json::to_vec(&collected.document).map_err(|e| FetchError::Request {
        url: job.url.clone(),
        message: format!("cannot serialise the merged pages: {e}"),
    })?;
    let path = settings.out.join(&job.path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| FetchError::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    fetched::write_atomically(&path, &bytes)?;
    tracing::info!(
        path = job.path,
        pages = collected.urls.len(),
        records = collected.records,
        bytes = bytes.len(),
        "fetched"
    );
    Ok(FetchedFile {
        path: job.path.clone(),
        dataset: job.dataset.clone(),
        kind: job.kind,
        part: job.part,
        gemeente: settings.gemeente,
        table: job.table.clone(),
        collection: job.collection.clone(),
        year: job.year,
        urls: collected.urls,
        fetched_at,
        bytes: bytes.len() as u64,
        sha256: fetched::sha256_hex(&bytes),
        records: collected.records,
    })
}
