//! "Was this page useful?" at the end of every service information sheet: an anonymous form,
//! working without JavaScript, whose answers go to the service's owning organisation
//! (`/admin/feedback`) and are never shown publicly.
//!
//! The sheet is cached and shared by every visitor, so the form's anti-forgery token cannot be
//! a visitor's own: it is a time-stamped token signed with the database's form key, verified
//! without state by any server (see `agenda_store::feedback`). With it: the request must come
//! from this site (`Origin`, else `Referer`), a field hidden by the style sheet must stay empty
//! (bots fill it; such posts are dropped as if accepted), and each client may post
//! `agenda_store::feedback::RATE_LIMIT_POSTS` times an hour.

use std::net::{IpAddr, SocketAddr};

use agenda_store::feedback::{COMMENT_MAX_CHARS, NewFeedback, TokenCheck};
use askama::Template;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::i18n::{t, t_args};
use super::pages::{Chrome, error_page, not_found, public};
use super::{Lang, render};
use crate::AppState;

/// The name of the honeypot field: people never see it, form-filling robots do.
pub const HONEYPOT: &str = "website";

/// What a token of the feedback form of `service` is signed for.
fn form_name(service: &str) -> String {
    format!("feedback:{service}")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The token the feedback form of `service` carries, issued now; empty when the key cannot be
/// read (the form then refuses every post, and the failure is logged).
pub async fn token_for(state: &AppState, service: &str) -> String {
    match state.store.form_key().await {
        Ok(key) => key.token(&form_name(service), now()),
        Err(e) => {
            tracing::error!(error = %e, "the form key cannot be read");
            String::new()
        }
    }
}

/// The visitor's address: the connection's peer, or, when the peer is a reverse proxy on this
/// machine or the private network, the address that proxy appended last to `X-Forwarded-For`
/// (earlier entries are whatever the client claimed).
pub struct ClientAddr(pub Option<IpAddr>);

fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_loopback() || a.is_private(),
        IpAddr::V6(a) => {
            a.is_loopback()
                || a.is_unique_local()
                || a.to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = || {
            parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        };
        Ok(ClientAddr(match peer {
            Some(ip) if is_local(ip) => forwarded().or(Some(ip)),
            other => other,
        }))
    }
}

/// `host[:port]` of an absolute URL, lower-cased.
fn authority(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(rest[..end].to_ascii_lowercase()).filter(|a| !a.is_empty())
}

/// Whether the post comes from a page of this site: its `Origin` (else its `Referer`) names
/// the host the request was sent to. Browsers send `Origin` with every form post; a client
/// that sends neither is no browser another site could drive, and still needs a token.
pub(crate) fn same_site(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let hosts: Vec<String> = [
        text(header::HOST),
        text(header::HeaderName::from_static("x-forwarded-host")),
    ]
    .into_iter()
    .flatten()
    .map(|h| h.trim().to_ascii_lowercase())
    .collect();
    let from = match (text(header::ORIGIN), text(header::REFERER)) {
        (Some(origin), _) => origin,
        (None, Some(referer)) => referer,
        (None, None) => return true,
    };
    authority(from).is_some_and(|a| hosts.contains(&a))
}

/// The page that answers a post: thanks or a refusal, never cached.
#[derive(Template)]
#[template(path = "feedback.html")]
pub struct FeedbackPage {
    c: Chrome,
    message: String,
    back: String,
    back_label: String,
}

fn answer(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    code: &str,
    title_key: &str,
    message: String,
) -> Response {
    let path = format!("/services/{code}");
    let page = FeedbackPage {
        c: Chrome::new(state, lang, &path, t(lang.0, title_key)),
        message,
        back: format!("{}{path}", lang.prefix()),
        back_label: t(lang.0, "feedback-back"),
    };
    let mut res = render(status, &page);
    if status != StatusCode::OK {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

fn refused(state: &AppState, lang: Lang, status: StatusCode, code: &str, why: &str) -> Response {
    answer(
        state,
        lang,
        status,
        code,
        "feedback-refused",
        t(lang.0, why),
    )
}

/// `POST /services/<code>/feedback`: checks, stores, and sends the visitor to the thanks page.
pub async fn post(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let s = public(&state);
    let Some(service) = s.services.get(&code) else {
        return not_found(&state, lang, "kind-service", &code);
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let failed = |e: agenda_store::StoreError| {
        tracing::error!(error = %e, "feedback could not be handled");
        error_page(
            &state,
            lang,
            StatusCode::INTERNAL_SERVER_ERROR,
            t(lang.0, "feedback-failed"),
        )
    };
    let key = match state.store.form_key().await {
        Ok(k) => k,
        Err(e) => return failed(e),
    };
    match state.store.note_form_post(&key.client(addr)).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(service = code, "feedback refused: rate limit");
            return refused(
                &state,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &code,
                "feedback-refused-rate",
            );
        }
        Err(e) => return failed(e),
    }
    if !same_site(&headers) {
        tracing::warn!(service = code, "feedback refused: posted from another site");
        return refused(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            &code,
            "feedback-refused-origin",
        );
    }
    match key.check(&form_name(&code), field("token").unwrap_or(""), now()) {
        TokenCheck::Valid => {}
        TokenCheck::Expired => {
            return refused(
                &state,
                lang,
                StatusCode::FORBIDDEN,
                &code,
                "feedback-refused-expired",
            );
        }
        TokenCheck::Invalid => {
            tracing::warn!(service = code, "feedback refused: no valid token");
            return refused(
                &state,
                lang,
                StatusCode::FORBIDDEN,
                &code,
                "feedback-refused-token",
            );
        }
    }
    let thanks = Redirect::to(&format!(
        "{}/services/{code}/feedback/thanks",
        lang.prefix()
    ));
    if field(HONEYPOT).is_some_and(|v| !v.is_empty()) {
        tracing::info!(
            service = code,
            "feedback dropped: the hidden field was filled"
        );
        return thanks.into_response();
    }
    let useful = match field("useful") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return refused(
                &state,
                lang,
                StatusCode::BAD_REQUEST,
                &code,
                "feedback-refused-useful",
            );
        }
    };
    let new = match NewFeedback::new(service.code.clone(), useful, field("comment"), lang.0) {
        Ok(n) => n,
        Err(chars) => {
            let msg = t_args(
                lang.0,
                "feedback-refused-long",
                &[
                    ("max", COMMENT_MAX_CHARS.to_string()),
                    ("chars", chars.to_string()),
                ],
            );
            return answer(
                &state,
                lang,
                StatusCode::BAD_REQUEST,
                &code,
                "feedback-refused",
                msg,
            );
        }
    };
    match state.store.add_feedback(&new).await {
        Ok(_) => thanks.into_response(),
        Err(e) => failed(e),
    }
}

/// `GET /services/<code>/feedback/thanks`.
pub async fn thanks(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Response {
    if !public(&state).services.contains_key(&code) {
        return not_found(&state, lang, "kind-service", &code);
    }
    answer(
        &state,
        lang,
        StatusCode::OK,
        &code,
        "feedback-thanks",
        t(lang.0, "feedback-thanks-text"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn a_post_is_same_site_when_its_origin_or_referer_names_the_host() {
        let host = ("host", "agenda.gov.example");
        for (extra, ok) in [
            (vec![("origin", "https://agenda.gov.example")], true),
            (vec![("origin", "https://AGENDA.gov.example")], true),
            (vec![("origin", "https://evil.example")], false),
            (vec![("origin", "null")], false),
            (
                vec![("referer", "https://agenda.gov.example/fr/services/SVC-001")],
                true,
            ),
            (
                vec![("referer", "https://agenda.gov.example.evil/x")],
                false,
            ),
            // Origin decides when both are sent.
            (
                vec![
                    ("origin", "https://evil.example"),
                    ("referer", "https://agenda.gov.example/"),
                ],
                false,
            ),
            (vec![], true),
        ] {
            let mut all = vec![host];
            all.extend(extra.iter().copied());
            assert_eq!(same_site(&headers(&all)), ok, "{extra:?}");
        }
        // Behind a proxy that rewrites Host.
        assert!(same_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "agenda.gov.example"),
            ("origin", "https://agenda.gov.example"),
        ])));
    }
}
