//! Errors: [`ServerError`] when the state cannot be built, [`ApiError`] for what a client gets.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Building the server state failed.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The tile source could not be prepared from the atlas.
    #[error("preparing the tile layers")]
    Tiles(#[from] buurt_tiles::TileError),
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What was wrong, naming the parameter or code.
    pub error: String,
}

/// What a request can do wrong, or (never the client's fault) what failed inside.
#[derive(Debug, thiserror::Error)]
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
    /// The request took longer than the server allows (503).
    #[error("{0}")]
    Unavailable(String),
    /// Something failed inside the server (500); the cause is logged, the client sees a summary.
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
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            other => {
                tracing::error!(error = %other, "diagnose failed");
                ApiError::Internal(format!("the diagnose failed: {other}"))
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(%status, error = %self, "request failed");
        }
        (
            status,
            Json(ErrorBody {
                error: self.to_string(),
            }),
        )
            .into_response()
    }
}
