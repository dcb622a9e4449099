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

/// What went wrong on a page, for the visitor: rendered as the error page in the visitor's
/// language by [`render_page_errors`], so a handler only says *what* went wrong (`?` or
/// `return Err(…)`) and never builds the page itself.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    /// Why the request was refused before a handler ran (`csrf`, `session`), sent as the
    /// `X-Agenda-Refused` header so that tests and logs can tell it from the handler's answers.
    refused: Option<&'static str>,
    message: Message,
}

/// The message of a [`PageError`]: interface keys, translated when the page is rendered.
#[derive(Debug, Clone)]
enum Message {
    Key(&'static str),
    KeyArgs(&'static str, Vec<(&'static str, Arg)>),
    /// A text that has no interface key: a refusal's reason given by the store.
    Text(String),
}

/// An argument of a message: a value shown as it is, or an interface key translated with it.
#[derive(Debug, Clone)]
enum Arg {
    Value(String),
    Key(String),
}

impl Arg {
    fn render(&self, lang: &str) -> String {
        match self {
            Self::Value(v) => v.clone(),
            Self::Key(k) => crate::site::t(lang, k),
        }
    }
}

/// The header naming the check that refused a request before its handler ran.
pub const REFUSED_HEADER: &str = "x-agenda-refused";

impl PageError {
    /// An error of `status` whose message is the interface string `key`.
    pub fn new(status: StatusCode, key: &'static str) -> Self {
        Self {
            status,
            refused: None,
            message: Message::Key(key),
        }
    }

    /// An error of `status` whose message is the interface string `key` with `args`.
    pub fn with_args(
        status: StatusCode,
        key: &'static str,
        args: Vec<(&'static str, String)>,
    ) -> Self {
        Self {
            status,
            refused: None,
            message: Message::KeyArgs(
                key,
                args.into_iter().map(|(k, v)| (k, Arg::Value(v))).collect(),
            ),
        }
    }

    /// 404: there is no `what` (an interface key, such as `kind-service`) with `code`.
    pub fn not_found(what: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            refused: None,
            message: Message::KeyArgs(
                "error-no-such",
                vec![
                    ("what", Arg::Key(what.into())),
                    ("code", Arg::Value(code.into())),
                ],
            ),
        }
    }

    /// 404 for a path that leads nowhere.
    pub fn no_page() -> Self {
        Self::new(StatusCode::NOT_FOUND, "error-not-found")
    }

    /// 400: the `what` (an interface key, such as `filter-status`) `value` does not exist.
    pub fn bad_value(what: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            refused: None,
            message: Message::KeyArgs(
                "error-bad-value",
                vec![
                    ("what", Arg::Key(what.into())),
                    ("value", Arg::Value(value.into())),
                ],
            ),
        }
    }

    /// 403, with the reason: the interface string `why`.
    pub fn forbidden(why: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, why)
    }

    /// 403, with the reason the store gave for refusing.
    pub fn denied(why: impl Into<String>) -> Self {
        Self::text(StatusCode::FORBIDDEN, why)
    }

    /// An error of `status` with a message that has no interface key (such as a check's
    /// finding about the catalogue).
    pub fn text(status: StatusCode, text: impl Into<String>) -> Self {
        Self {
            status,
            refused: None,
            message: Message::Text(text.into()),
        }
    }

    /// A form without this session's anti-forgery token: refused before its handler ran.
    pub fn forged_form() -> Self {
        Self {
            refused: Some("csrf"),
            ..Self::new(StatusCode::FORBIDDEN, "error-form-expired")
        }
    }

    /// A form sent without a live session: refused before its handler ran.
    pub fn not_signed_in() -> Self {
        Self {
            refused: Some("session"),
            ..Self::new(StatusCode::UNAUTHORIZED, "error-sign-in-first")
        }
    }

    /// A form that could not be read at all.
    pub fn unreadable_form() -> Self {
        Self {
            refused: Some("form"),
            ..Self::new(StatusCode::BAD_REQUEST, "error-form-unreadable")
        }
    }

    /// The store failed: logged, and the visitor told so without details.
    pub fn store(e: agenda_store::StoreError) -> Self {
        tracing::error!(error = %e, "page request failed in the store");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
    }

    /// The same error answered with `status`.
    pub fn with_status(self, status: StatusCode) -> Self {
        Self { status, ..self }
    }

    /// Its status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<agenda_store::StoreError> for PageError {
    /// A refusal of the store is the visitor's 403; anything else is a failure, logged.
    fn from(e: agenda_store::StoreError) -> Self {
        match e {
            agenda_store::StoreError::Denied(why) => Self::denied(why),
            e => Self::store(e),
        }
    }
}

/// A [`PageError`] on its way out, to be rendered by [`render_page_errors`].
#[derive(Debug, Clone)]
struct Pending(Message);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        if let Some(why) = self.refused {
            res.headers_mut()
                .insert(REFUSED_HEADER, axum::http::HeaderValue::from_static(why));
        }
        res.extensions_mut().insert(Pending(self.message));
        res
    }
}

/// Whether `res` is a [`PageError`] still to be rendered.
pub fn is_page_error(res: &Response) -> bool {
    res.extensions().get::<Pending>().is_some()
}

/// Renders the [`PageError`]s of the handlers inside as the error page in the visitor's
/// language (the page needs the state and the language, which an error alone does not have).
pub async fn render_page_errors(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let hint = crate::site::LangHint::of(&req);
    let res = next.run(req).await;
    let Some(Pending(message)) = res.extensions().get::<Pending>().cloned() else {
        return res;
    };
    let lang = hint.resolve(&state);
    let text = match &message {
        Message::Key(key) => crate::site::t(lang.0, key),
        Message::KeyArgs(key, args) => {
            let args: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (*k, v.render(lang.0))).collect();
            crate::site::t_args(lang.0, key, &args)
        }
        Message::Text(text) => text.clone(),
    };
    let (parts, _) = res.into_parts();
    let mut page = crate::site::error_page(&state, lang, parts.status, text);
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    page
}
