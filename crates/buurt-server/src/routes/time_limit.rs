//! The limit on how long a request may take: past it, 503 with a JSON error.

use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Longest a request may take before it is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answer 503 with a JSON error when a request runs longer than [`REQUEST_TIMEOUT`].
pub(super) async fn time_limit(req: Request, next: Next) -> Response {
    // A Uri clone shares its bytes: no copy on the common path.
    let uri = req.uri().clone();
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable(format!(
            "{} took longer than {} s",
            uri.path(),
            REQUEST_TIMEOUT.as_secs()
        ))
        .into_response(),
    }
}
