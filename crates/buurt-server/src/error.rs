//! Errors: [`ServerError`] when the state cannot be built, [`ApiError`] for what a client gets.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Building the server state failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The tile source could not be prepared from the atlas.
    #[error("preparing the tile layers")]
    Tiles(#[from] buurt_tiles::TileError),
    /// `--public-url` is not a base URL.
    #[error("--public-url '{url}': {reason}")]
    PublicUrl {
        /// The text given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What was wrong, naming the parameter or code (4xx); a fixed summary for 5xx.
    pub error: String,
}

/// What a client reads for a 500; the cause goes to the log only.
pub const INTERNAL_SUMMARY: &str = "internal error";

/// What a client reads for a 503; the cause goes to the log only.
pub const UNAVAILABLE_SUMMARY: &str = "service unavailable, try again later";

/// What a request can do wrong, or (never the client's fault) what failed inside.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A parameter is malformed or out of range (400).
    #[error("{0}")]
    BadRequest(String),
    /// A code, layer, indicator or route does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// The request body is too large (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body has the wrong content type (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The method is not allowed on this path (405).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The request took longer than the server allows (503); the detail is logged, the client
    /// sees [`UNAVAILABLE_SUMMARY`].
    #[error("{0}")]
    Unavailable(String),
    /// A pool of expensive work is full (503 with `Retry-After`); the message, saying what
    /// waits, is shown to the client.
    #[error("{message}")]
    Busy {
        /// What is busy and when to try again.
        message: String,
        /// Seconds for `Retry-After`.
        retry_after_secs: u64,
    },
    /// Something failed inside the server (500); the cause is logged, the client sees
    /// [`INTERNAL_SUMMARY`].
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable(_) | ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The text a client may read: the message for 4xx, a fixed summary for 5xx (whose message
    /// can name files, SQL or other internals).
    #[must_use]
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(_) => INTERNAL_SUMMARY.to_owned(),
            ApiError::Unavailable(_) => UNAVAILABLE_SUMMARY.to_owned(),
            ApiError::BadRequest(m)
            | ApiError::NotFound(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::Busy { message: m, .. } => m.clone(),
        }
    }

    /// A 400 naming the parameter.
    pub fn bad(name: &str, problem: impl std::fmt::Display) -> Self {
        ApiError::BadRequest(format!("parameter '{name}': {problem}"))
    }
}

impl From<buurt_diagnose::DiagnoseError> for ApiError {
    fn from(e: buurt_diagnose::DiagnoseError) -> Self {
        use buurt_diagnose::DiagnoseError as D;
        match e {
            D::UnknownRegion { code } => {
                ApiError::NotFound(format!("unknown region code '{code}'"))
            }
            D::Parameter { name, message } => ApiError::bad(name, message),
            e @ (D::NoValues { .. } | D::NoYear { .. } | D::NoGeometry { .. }) => {
                ApiError::NotFound(e.to_string())
            }
            e @ D::Undefined { .. } => ApiError::BadRequest(e.to_string()),
            // Logged (with the cause) when it becomes a response.
            other => ApiError::Internal(format!("the diagnose failed: {other}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && !matches!(self, ApiError::Busy { .. }) {
            tracing::error!(%status, error = %self, "request failed");
        }
        let body = Json(ErrorBody {
            error: self.public_message(),
        });
        match self {
            ApiError::Busy {
                retry_after_secs, ..
            } => (
                status,
                [(
                    axum::http::header::RETRY_AFTER,
                    retry_after_secs.to_string(),
                )],
                body,
            )
                .into_response(),
            _ => (status, body).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: ApiError) -> (StatusCode, String) {
        let response = error.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
    }

    #[tokio::test]
    async fn internal_detail_stays_in_the_log() {
        let detail = "/srv/buurt/cache/atlas/buurten.parquet: permission denied";
        let (status, body) = body_of(ApiError::Internal(format!("reading {detail}"))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body, r#"{"error":"internal error"}"#);
        assert!(!body.contains("/srv/buurt") && !body.contains("permission"));

        let (status, body) = body_of(ApiError::Unavailable(format!("{detail} took 31 s"))).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(!body.contains("/srv/buurt"), "{body}");
        assert!(body.contains(UNAVAILABLE_SUMMARY), "{body}");
    }

    #[tokio::test]
    async fn client_errors_keep_their_message() {
        let (status, body) = body_of(ApiError::bad("zoom", "must be 0..=16")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body, r#"{"error":"parameter 'zoom': must be 0..=16"}"#);
        let (status, body) =
            body_of(ApiError::NotFound("unknown region code 'GM9999'".into())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("GM9999"), "{body}");
    }
}
