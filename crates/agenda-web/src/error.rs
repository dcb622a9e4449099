//! The one error type of the web layer and its JSON envelope:
//! `{"error": {"code": "not_found", "message": "…"}}`, with a stable machine-readable `code`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every outcome a client can see, plus the internal ones (logged, never shown in detail).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that open nothing.
    #[error("{0}")]
    Unauthorized(String),
    /// Credentials that do not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// The record changed since the version the request started from.
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but invalid content.
    #[error("{0}")]
    Unprocessable(String),
    /// The storage layer failed.
    #[error("storage failure")]
    Store(#[from] agenda_store::StoreError),
}

impl ApiError {
    /// Not found, with a message for people.
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }

    /// Bad request, with a message for people.
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Self::Store(agenda_store::StoreError::Conflict { .. }) => {
                (StatusCode::CONFLICT, "conflict")
            }
            Self::Store(agenda_store::StoreError::Invalid(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
            }
            Self::Store(agenda_store::StoreError::Denied(_)) => {
                (StatusCode::FORBIDDEN, "forbidden")
            }
            Self::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// The error itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `not_found`, `bad_request`, `unauthorized`, `forbidden`,
    /// `conflict`, `invalid`, `internal`.
    pub code: String,
    /// Message for people.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Store(
                e @ (agenda_store::StoreError::Conflict { .. }
                | agenda_store::StoreError::Invalid(_)
                | agenda_store::StoreError::Denied(_)),
            ) => e.to_string(),
            Self::Store(e) => {
                tracing::error!(error = ?e, "request failed in the store");
                "an internal error occurred; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        (
            status,
            Json(ErrorEnvelope {
                error: ErrorBody {
                    code: code.to_owned(),
                    message,
                },
            }),
        )
            .into_response()
    }
}

/// Answers any unknown path with the envelope.
pub async fn fallback(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no resource at {}", uri.path()))
}
