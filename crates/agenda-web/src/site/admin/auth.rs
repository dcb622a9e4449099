//! Who is asking: the session cookie of a signed-in person (forms) or an organisation's API
//! token (machines), and the anti-forgery check every form goes through.

use agenda_core::policy::Actor;
use agenda_store::accounts::same_secret;
use agenda_store::{Account, Session};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::{ApiError, AppState};

/// The cookie holding the session.
pub const SESSION_COOKIE: &str = "agenda_session";
/// The cookie holding the anti-forgery token of the sign-in form (before any session exists).
pub const LOGIN_CSRF_COOKIE: &str = "agenda_login_csrf";

/// The value of cookie `name` in the request, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A `Set-Cookie` value: HTTP-only, same-site, secure unless the settings say otherwise
/// (plain-HTTP development); `max_age` 0 deletes the cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// The actor a signed-in account is.
pub fn actor_of(account: &Account) -> Actor {
    Actor::User {
        role: account.role,
        organisation: account.organisation.clone(),
    }
}

/// A signed-in person, for the administration pages. Without a live session the request is
/// sent to the sign-in page (for a `GET`) or refused with 401.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Looked up already by the administration's context layer, when it ran.
        let seen = parts.extensions.get::<Session>().cloned();
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            _ if seen.is_some() => seen,
            Some(c) => state.store.session(c).await.map_err(|e| {
                tracing::error!(error = %e, "session lookup failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            })?,
            None => None,
        };
        match session {
            Some(s) => Ok(SignedIn(s)),
            None if parts.method == axum::http::Method::GET => {
                let back = parts.uri.path_and_query().map_or("/admin", |p| p.as_str());
                Err(Redirect::to(&format!("/login?next={}", encode(back))).into_response())
            }
            None => Err(crate::error::PageError::not_signed_in().into_response()),
        }
    }
}

impl SignedIn {
    /// The account.
    pub fn account(&self) -> &Account {
        &self.0.account
    }

    /// The actor the account is.
    pub fn actor(&self) -> Actor {
        actor_of(&self.0.account)
    }
}

/// Who calls a write endpoint of the JSON API: an organisation's token
/// (`Authorization: Bearer agt_…`) or a signed-in session that also sends its anti-forgery
/// token in `X-CSRF-Token` (so another site cannot make a browser write).
pub struct ApiCaller {
    /// Who, for the authorisation rule.
    pub actor: Actor,
    /// Who, for the audit trail: `token:<id>` or the username.
    pub name: String,
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let presented = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            return match state.store.token(presented.trim()).await? {
                Some(t) => Ok(ApiCaller {
                    name: format!("token:{}", t.id),
                    actor: Actor::Token {
                        organisation: t.organisation,
                    },
                }),
                None => Err(ApiError::Unauthorized(
                    "the API token is unknown or revoked".into(),
                )),
            };
        }
        let Some(session) = (match cookie(&parts.headers, SESSION_COOKIE) {
            Some(c) => state.store.session(c).await?,
            None => None,
        }) else {
            return Err(ApiError::Unauthorized(
                "send an API token as `Authorization: Bearer …`".into(),
            ));
        };
        let csrf = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        if !csrf.is_some_and(|c| same_secret(c, &session.csrf)) {
            return Err(ApiError::Forbidden(
                "a signed-in session must send its anti-forgery token in X-CSRF-Token".into(),
            ));
        }
        Ok(ApiCaller {
            actor: actor_of(&session.account),
            name: session.account.username,
        })
    }
}

/// Percent-encodes a URL component.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
