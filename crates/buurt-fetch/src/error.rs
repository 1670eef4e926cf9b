//! The errors of `buurt fetch`. Every variant names the URL or the file, so a user can try the
//! request in a browser or look at the file.

use std::path::PathBuf;

/// A fetch that did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The server answered with a client error (4xx other than 429): retrying cannot help.
    /// `detail` is the problem+json `title` and `detail` when the server sent them, else an
    /// excerpt of the body.
    #[error("{url}: the server answered HTTP {}: {detail}", status_text(*.status))]
    Refused {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What the server said.
        detail: String,
    },
    /// Every attempt failed with something worth retrying (connection errors, timeouts, 5xx,
    /// 429, a truncated or unparseable body); `last` says what the last attempt met.
    #[error("{url}: gave up after {attempts} attempts; the last one: {last}")]
    GaveUp {
        /// The URL requested.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// What went wrong the last time.
        last: String,
    },
    /// A request that cannot be made at all (a malformed base URL, https refused by TLS).
    #[error("{url}: {message}")]
    Request {
        /// The URL.
        url: String,
        /// What the HTTP client reported.
        message: String,
    },
    /// Paging went wrong: a next link back to a page already fetched, or too many pages.
    #[error("{url}: {message}")]
    Paging {
        /// The URL of the page with the bad link.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// A setting that cannot work (an unknown year, a base URL that is not http(s)).
    #[error("{setting}: {message}")]
    Setting {
        /// The setting (`--years`, `--cbs-url`).
        setting: &'static str,
        /// What is wrong and what would be right.
        message: String,
    },
    /// The output folder or a file in it could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest could not be read or written, or a kept file could not be checked.
    #[error(transparent)]
    Io(#[from] buurt_io::IoError),
}

/// `404 Not Found`.
pub(crate) fn status_text(status: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason());
    match reason {
        Some(r) => format!("{status} {r}"),
        None => status.to_string(),
    }
}
