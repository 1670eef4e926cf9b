//! Extractors whose rejections are [`ApiError`]s, so that a malformed query, path or body gets
//! the same JSON error as everything else.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest accepted request body (an area of a few hundred buurt codes fits easily).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// [`Query`] with a JSON 400 on rejection.
#[derive(Debug, Clone)]
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Q(t))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// [`Path`] with a JSON 400 on rejection.
#[derive(Debug, Clone)]
pub struct P<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for P<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| P(t))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// [`Json`] body with JSON errors: 413 when over the body limit, 415 without a JSON content
/// type, 400 for anything malformed.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(t)) => Ok(JsonBody(t)),
            Err(e) => Err(match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(format!(
                    "request body is larger than the limit of {BODY_LIMIT_BYTES} bytes"
                )),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(
                    "request body must be JSON (Content-Type: application/json)".into(),
                ),
                _ => ApiError::BadRequest(format!("malformed JSON body: {}", e.body_text())),
            }),
        }
    }
}
