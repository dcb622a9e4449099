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
//!
//! Each answer is a ticket: the visitor is sent to its private page, `/feedback/<id>?key=…`,
//! where they follow its status and read the organisation's answer. The key is derived from
//! the identifier with the form key; without it the page does not say whether the ticket
//! exists. Those pages depend on the ticket, not the snapshot: never cached, here or by a
//! browser or proxy.

use std::net::{IpAddr, SocketAddr};

use agenda_core::ticket::TicketStatus;
use agenda_store::feedback::{COMMENT_MAX_CHARS, NewFeedback, TokenCheck};
use askama::Template;
use axum::extract::{ConnectInfo, Form, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::views::{Chrome, public, render};
use crate::AppState;
use crate::error::PageError;

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

/// Why a post of a public form is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Too many posts from this client within the hour.
    Rate,
    /// Posted from a page of another site.
    Origin,
    /// The form was signed too long ago.
    Expired,
    /// No token, or one this site did not sign.
    Token,
}

impl Refusal {
    /// The answer's status.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::Rate => StatusCode::TOO_MANY_REQUESTS,
            Self::Origin | Self::Expired | Self::Token => StatusCode::FORBIDDEN,
        }
    }

    /// The message saying why, among a form's own keys for the rate limit, an expired form
    /// and a missing token; the origin message is shared.
    pub(crate) fn key(self, [rate, expired, token]: [&'static str; 3]) -> &'static str {
        match self {
            Self::Rate => rate,
            Self::Origin => "feedback-refused-origin",
            Self::Expired => expired,
            Self::Token => token,
        }
    }
}

/// The checks every post of a public form (feedback, subscriptions, taking part) goes through,
/// in this order: the rate limit per client (which counts the post), the same-site check and
/// the token signed for `form`. `Ok(Err(_))` says why the post is refused.
pub(crate) async fn check_post(
    state: &AppState,
    addr: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    form: &str,
    token: &str,
) -> Result<Result<(), Refusal>, agenda_store::StoreError> {
    let key = state.store.form_key().await?;
    let refusal = if !state.store.note_form_post(&key.client(addr)).await? {
        Some(Refusal::Rate)
    } else if !same_site(headers) {
        Some(Refusal::Origin)
    } else {
        match key.check(form, token, now()) {
            TokenCheck::Valid => None,
            TokenCheck::Expired => Some(Refusal::Expired),
            TokenCheck::Invalid => Some(Refusal::Token),
        }
    };
    match refusal {
        None => Ok(Ok(())),
        Some(r) => {
            if r != Refusal::Expired {
                tracing::warn!(form, refusal = ?r, "public form post refused");
            }
            Ok(Err(r))
        }
    }
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
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(service) = s.services.get(&code) else {
        return Err(PageError::not_found("kind-service", &code));
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let failed = |e: agenda_store::StoreError| {
        tracing::error!(error = %e, "feedback could not be handled");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "feedback-failed")
    };
    let checked = check_post(
        &state,
        addr,
        &headers,
        &form_name(&code),
        field("token").unwrap_or(""),
    )
    .await;
    if let Err(why) = checked.map_err(failed)? {
        return Ok(refused(
            &state,
            lang,
            why.status(),
            &code,
            why.key([
                "feedback-refused-rate",
                "feedback-refused-expired",
                "feedback-refused-token",
            ]),
        ));
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
        return Ok(thanks.into_response());
    }
    let useful = match field("useful") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return Ok(refused(
                &state,
                lang,
                StatusCode::BAD_REQUEST,
                &code,
                "feedback-refused-useful",
            ));
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
            return Ok(answer(
                &state,
                lang,
                StatusCode::BAD_REQUEST,
                &code,
                "feedback-refused",
                msg,
            ));
        }
    };
    let key = state.store.form_key().await.map_err(failed)?;
    match state.store.add_feedback(&new).await {
        Ok(id) => Ok(Redirect::to(&format!(
            "{}/feedback/{id}?key={}",
            lang.prefix(),
            key.ticket_key(&id)
        ))
        .into_response()),
        Err(e) => Err(failed(e)),
    }
}

/// The private page of a ticket, for the person who left the feedback.
#[derive(Template)]
#[template(path = "ticket.html")]
pub struct TicketPage {
    c: Chrome,
    intro: String,
    link: String,
    service_href: String,
    service_label: String,
    sent_on: String,
    sent_at: String,
    useful: String,
    comment: Option<String>,
    status_label: String,
    status_text: String,
    answer_title: String,
    answer: Option<String>,
    answered_on: String,
}

#[derive(serde::Deserialize)]
pub struct KeyQuery {
    key: Option<String>,
}

/// The key of a ticket's status in the interface strings.
pub fn status_key(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::New => "ticket-status-new",
        TicketStatus::InProgress => "ticket-status-in-progress",
        TicketStatus::Answered => "ticket-status-answered",
        TicketStatus::Closed => "ticket-status-closed",
    }
}

/// The day (ISO 8601, as every date of the site) of an RFC 3339 time stamp.
pub fn day_of(stamp: &str) -> &str {
    stamp.get(..10).unwrap_or(stamp)
}

/// `GET /feedback/<id>?key=<key>`: where the person's feedback stands, and the answer.
pub async fn ticket(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<KeyQuery>,
) -> Response {
    // Its errors too: whether a ticket exists is nobody's business but its key holder's.
    let mut res = ticket_page(&state, lang, &id, &q).await.into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    res
}

async fn ticket_page(
    state: &AppState,
    lang: Lang,
    id: &str,
    q: &KeyQuery,
) -> Result<Response, PageError> {
    // Nothing is read before the key is checked: a wrong key cannot tell a ticket exists.
    let key = match state.store.form_key().await {
        Ok(k) => k,
        Err(e) => {
            tracing::error!(error = %e, "the form key cannot be read");
            return Err(PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "feedback-failed",
            ));
        }
    };
    let gone = || PageError::new(StatusCode::NOT_FOUND, "ticket-not-found");
    if !q.key.as_deref().is_some_and(|k| key.opens_ticket(id, k)) {
        return Err(gone());
    }
    let f = match state.store.ticket(id).await {
        Ok(Some(f)) => f,
        Ok(None) => return Err(gone()),
        Err(e) => {
            tracing::error!(error = %e, "a ticket could not be read");
            return Err(PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "feedback-failed",
            ));
        }
    };
    let s = public(state);
    let service = s.services.get(&f.service);
    let org = service
        .and_then(|v| s.organisations.get(v.owner_code.as_str()))
        .map(|o| o.name.get(lang.0).to_owned());
    let path = format!("/feedback/{id}?key={}", key.ticket_key(id));
    let answer_title = match &org {
        Some(o) => t_args(lang.0, "ticket-answer-from", &[("org", o.clone())]),
        None => t(lang.0, "ticket-answer"),
    };
    let page = TicketPage {
        c: Chrome::new(state, lang, &path, t(lang.0, "ticket-title")),
        intro: t(lang.0, "ticket-intro"),
        link: format!("{}{path}", lang.prefix()),
        service_href: format!("{}/services/{}", lang.prefix(), f.service),
        service_label: match service {
            Some(v) => format!("{} — {}", f.service, v.title.get(lang.0)),
            None => f.service.clone(),
        },
        sent_on: day_of(&f.created_at).to_owned(),
        sent_at: f.created_at.clone(),
        useful: t(
            lang.0,
            if f.useful {
                "feedback-yes"
            } else {
                "feedback-no"
            },
        ),
        comment: f.comment.clone(),
        status_label: t(lang.0, status_key(f.status)),
        status_text: t(lang.0, &format!("{}-text", status_key(f.status))),
        answer_title,
        answered_on: f
            .answered_at
            .as_deref()
            .map(|a| day_of(a).to_owned())
            .unwrap_or_default(),
        answer: f.answer,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /services/<code>/feedback/thanks`.
pub async fn thanks(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    if !public(&state).services.contains_key(&code) {
        return Err(PageError::not_found("kind-service", &code));
    }
    Ok(answer(
        &state,
        lang,
        StatusCode::OK,
        &code,
        "feedback-thanks",
        t(lang.0, "feedback-thanks-text"),
    ))
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
