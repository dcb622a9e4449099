//! Following the agenda, a pillar, an action line, a KPI or an organisation by e-mail.
//!
//! `/subscribe` is a public anonymous form, protected like the feedback form (signed token,
//! same-site check, honeypot, rate limit per client). Every outcome of a post gets the same
//! answer, so that the form never tells whether an address is subscribed. The confirmation,
//! unsubscribe and manage pages under `/subscriptions/` are reached from the links in the
//! mails and authenticated by the token in them; they are never cached, and their buttons
//! post (a link that mail scanners open changes nothing).

use agenda_store::subscriptions::{EMAIL_MAX_CHARS, check_email};
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::feedback::{ClientAddr, HONEYPOT, check_post};
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::views::{Chrome, public, render};
use crate::AppState;
use crate::error::PageError;
use agenda_jobs::digests::send_request_mail;
use agenda_jobs::{Scope, link_token, token_subscription};

/// What the form's tokens are signed for.
const FORM: &str = "subscribe";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `?scope=` of the form, `?token=` of the links.
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    scope: Option<String>,
    token: Option<String>,
}

/// The form.
#[derive(Template)]
#[template(path = "subscribe.html")]
pub struct SubscribePage {
    c: Chrome,
    intro: String,
    available: bool,
    token: String,
    scope: String,
    email: String,
    error: Option<String>,
    feed: String,
}

/// A message, with a link back.
#[derive(Template)]
#[template(path = "feedback.html")]
pub struct MessagePage {
    c: Chrome,
    message: String,
    back: String,
    back_label: String,
}

/// A page with one button that posts.
#[derive(Template)]
#[template(path = "subscription_action.html")]
pub struct ActionPage {
    c: Chrome,
    message: String,
    action: String,
    token: String,
    button: String,
}

/// A page with one button that posts `token` to `action`: what a link in a mail opens, so
/// that a mail scanner opening it changes nothing.
pub(super) fn action_page(
    state: &AppState,
    lang: Lang,
    title: &str,
    message: String,
    action: String,
    token: String,
    button: String,
) -> Response {
    let page = ActionPage {
        c: Chrome::new(state, lang, "/subscribe", t(lang.0, title)),
        message,
        action,
        token,
        button,
    };
    private(render(StatusCode::OK, &page))
}

/// One subscription on the manage page.
pub struct Row {
    scope: String,
    state: String,
    since: String,
    unsubscribe: String,
}

/// Everything held about a subscriber.
#[derive(Template)]
#[template(path = "subscription_manage.html")]
pub struct ManagePage {
    c: Chrome,
    email: String,
    rows: Vec<Row>,
    export: String,
    delete: String,
}

/// Responses about one person are never stored by caches, and their URLs (which carry the
/// token) are not sent on as referrers.
pub(super) fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

pub(super) fn message(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    title: &str,
    text: String,
) -> Response {
    let page = MessagePage {
        c: Chrome::new(state, lang, "/subscribe", t(lang.0, title)),
        message: text,
        back: lang.prefix().to_owned() + "/",
        back_label: t(lang.0, "sub-back-home"),
    };
    private(render(status, &page))
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "subscriptions: a request could not be handled");
    // Rendered like every page error; the headers of a private page are kept.
    private(PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "sub-failed").into_response())
}

async fn form_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    scope: &Scope,
    email: &str,
    error: Option<String>,
) -> Response {
    let s = public(state);
    let token = match state.store.form_key().await {
        Ok(key) => key.token(FORM, now()),
        Err(e) => {
            tracing::error!(error = %e, "the form key cannot be read");
            String::new()
        }
    };
    let page = SubscribePage {
        c: Chrome::new(state, lang, "/subscribe", t(lang.0, "sub-title")),
        intro: t_args(lang.0, "sub-intro", &[("scope", scope.name(&s, lang.0))]),
        available: state.settings.subscriptions.is_some(),
        token,
        scope: scope.key(),
        email: email.to_owned(),
        error,
        feed: scope.feed(),
    };
    let res = render(status, &page);
    if status == StatusCode::OK {
        res
    } else {
        private(res)
    }
}

/// The scope asked for, if it names something public.
fn scope_of(state: &AppState, given: Option<&str>) -> Option<Scope> {
    Scope::parse(given.unwrap_or("agenda")).filter(|s| s.exists(&public(state)))
}

/// `GET /subscribe?scope=…`: the form.
pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Result<Response, PageError> {
    let Some(scope) = scope_of(&state, p.scope.as_deref()) else {
        return Err(
            PageError::bad_value("sub-scope", p.scope.unwrap_or_default())
                .with_status(StatusCode::NOT_FOUND),
        );
    };
    Ok(form_page(&state, lang, StatusCode::OK, &scope, "", None).await)
}

/// `POST /subscribe`: checks, records the request and mails the confirmation link.
pub async fn post(
    State(state): State<AppState>,
    lang: Lang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let refused = |status, why: &str| message(&state, lang, status, "sub-refused", t(lang.0, why));
    match check_post(&state, addr, &headers, FORM, field("token").unwrap_or("")).await {
        Ok(Ok(())) => {}
        Ok(Err(why)) => {
            let keys = [
                "sub-refused-rate",
                "sub-refused-expired",
                "sub-refused-token",
            ];
            return refused(why.status(), why.key(keys));
        }
        Err(e) => return failed(e),
    }
    let Some(scope) = scope_of(&state, field("scope")) else {
        return refused(StatusCode::BAD_REQUEST, "sub-refused-scope");
    };
    let sent = Redirect::to(&format!(
        "{}/subscribe/sent?scope={}",
        lang.prefix(),
        scope.key()
    ));
    if field(HONEYPOT).is_some_and(|v| !v.is_empty()) {
        tracing::info!("subscription dropped: the hidden field was filled");
        return sent.into_response();
    }
    let Some(settings) = &state.settings.subscriptions else {
        return refused(StatusCode::SERVICE_UNAVAILABLE, "sub-unavailable");
    };
    let given = field("email").unwrap_or("");
    let Some(email) = check_email(given) else {
        let why = t_args(
            lang.0,
            "sub-error-email",
            &[("max", EMAIL_MAX_CHARS.to_string())],
        );
        let shown: String = given.chars().take(EMAIL_MAX_CHARS + 1).collect();
        return form_page(
            &state,
            lang,
            StatusCode::BAD_REQUEST,
            &scope,
            &shown,
            Some(why),
        )
        .await;
    };
    let requested = match state
        .store
        .request_subscription(&email, &scope.key(), lang.0, chrono::Utc::now())
        .await
    {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let s = public(&state);
    if let Err(e) = send_request_mail(
        &state.store,
        settings,
        &s,
        &requested,
        &email,
        &scope,
        lang.0,
    )
    .await
    {
        tracing::warn!(error = %e, "subscriptions: the request mail was not sent");
        return message(
            &state,
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            "sub-refused",
            t(lang.0, "sub-mail-failed"),
        );
    }
    sent.into_response()
}

/// `GET /subscribe/sent`: the one answer to every accepted post.
pub async fn sent(State(state): State<AppState>, lang: Lang, Query(p): Query<Params>) -> Response {
    let s = public(&state);
    let scope = scope_of(&state, p.scope.as_deref()).unwrap_or(Scope::Agenda);
    let text = t_args(
        lang.0,
        "sub-sent-text",
        &[
            ("scope", scope.name(&s, lang.0)),
            (
                "hours",
                agenda_store::subscriptions::CONFIRM_MAX_AGE_HOURS.to_string(),
            ),
        ],
    );
    message(&state, lang, StatusCode::OK, "sub-sent", text)
}

/// `GET /subscriptions/confirm?token=…`: a button, so that a link opened by a mail scanner
/// confirms nothing.
pub async fn confirm_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let page = ActionPage {
        c: Chrome::new(&state, lang, "/subscribe", t(lang.0, "sub-confirm-title")),
        message: t(lang.0, "sub-confirm-text"),
        action: format!("{}/subscriptions/confirm", lang.prefix()),
        token: p.token.unwrap_or_default(),
        button: t(lang.0, "sub-confirm-button"),
    };
    private(render(StatusCode::OK, &page))
}

/// `POST /subscriptions/confirm` (the token in the form).
pub async fn confirm(State(state): State<AppState>, lang: Lang, Form(p): Form<Params>) -> Response {
    let token = p.token.unwrap_or_default();
    match state
        .store
        .confirm_subscription(&token, chrono::Utc::now())
        .await
    {
        Ok(Some(sub)) => {
            tracing::info!(subscription = %sub.id, "subscriptions: confirmed");
            let s = public(&state);
            let name = Scope::parse(&sub.scope)
                .map(|sc| sc.name(&s, lang.0))
                .unwrap_or(sub.scope);
            message(
                &state,
                lang,
                StatusCode::OK,
                "sub-confirmed",
                t_args(lang.0, "sub-confirmed-text", &[("scope", name)]),
            )
        }
        Ok(None) => message(
            &state,
            lang,
            StatusCode::NOT_FOUND,
            "sub-link-invalid",
            t(lang.0, "sub-confirm-invalid"),
        ),
        Err(e) => failed(e),
    }
}

/// The subscription a link's token names, or the answer to give.
async fn linked(state: &AppState, lang: Lang, token: Option<&str>) -> Result<String, Response> {
    let key = state.store.form_key().await.map_err(failed)?;
    token
        .and_then(|t| token_subscription(&key, t))
        .ok_or_else(|| {
            message(
                state,
                lang,
                StatusCode::NOT_FOUND,
                "sub-link-invalid",
                t(lang.0, "sub-link-invalid-text"),
            )
        })
}

/// `GET /subscriptions/unsubscribe?token=…`: the page of the link in every mail.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let token = p.token.unwrap_or_default();
    if let Err(res) = linked(&state, lang, Some(&token)).await {
        return res;
    }
    let page = ActionPage {
        c: Chrome::new(
            &state,
            lang,
            "/subscribe",
            t(lang.0, "sub-unsubscribe-title"),
        ),
        message: t(lang.0, "sub-unsubscribe-text"),
        action: format!("{}/subscriptions/unsubscribe?token={token}", lang.prefix()),
        token: String::new(),
        button: t(lang.0, "sub-unsubscribe-button"),
    };
    private(render(StatusCode::OK, &page))
}

/// `POST /subscriptions/unsubscribe?token=…`: the button of that page, and the one-click
/// unsubscription of RFC 8058 (mail programs post `List-Unsubscribe=One-Click`). The token in
/// the URL is the authority: no other token is asked for.
pub async fn unsubscribe(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let id = match linked(&state, lang, p.token.as_deref()).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    match state.store.unsubscribe(&id).await {
        Ok(_) => {
            tracing::info!(subscription = %id, "subscriptions: unsubscribed");
            message(
                &state,
                lang,
                StatusCode::OK,
                "sub-unsubscribed",
                t(lang.0, "sub-unsubscribed-text"),
            )
        }
        Err(e) => failed(e),
    }
}

/// `GET /subscriptions/manage?token=…`: everything held about the subscriber.
pub async fn manage(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let id = match linked(&state, lang, p.token.as_deref()).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let (held, key) = match (
        state.store.subscriptions_of_address(&id).await,
        state.store.form_key().await,
    ) {
        (Ok(h), Ok(k)) => (h, k),
        (Err(e), _) | (_, Err(e)) => return failed(e),
    };
    if held.is_empty() {
        return message(
            &state,
            lang,
            StatusCode::NOT_FOUND,
            "sub-link-invalid",
            t(lang.0, "sub-nothing-held"),
        );
    }
    let s = public(&state);
    let token = p.token.unwrap_or_default();
    let rows = held
        .iter()
        .map(|sub| Row {
            scope: Scope::parse(&sub.scope)
                .map(|sc| sc.name(&s, lang.0))
                .unwrap_or_else(|| sub.scope.clone()),
            state: t(
                lang.0,
                if sub.confirmed_at.is_some() {
                    "sub-state-confirmed"
                } else {
                    "sub-state-unconfirmed"
                },
            ),
            since: sub
                .created_at
                .get(..10)
                .unwrap_or(&sub.created_at)
                .to_owned(),
            unsubscribe: format!(
                "{}/subscriptions/unsubscribe?token={}",
                lang.prefix(),
                link_token(&key, &sub.id)
            ),
        })
        .collect();
    let page = ManagePage {
        c: Chrome::new(&state, lang, "/subscribe", t(lang.0, "sub-manage-title")),
        email: held[0].email.clone(),
        rows,
        export: format!("{}/subscriptions/export?token={token}", lang.prefix()),
        delete: format!("{}/subscriptions/delete?token={token}", lang.prefix()),
    };
    private(render(StatusCode::OK, &page))
}

/// `GET /subscriptions/export?token=…`: everything held about the subscriber, as JSON.
pub async fn export(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let id = match linked(&state, lang, p.token.as_deref()).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let held = match state.store.subscriptions_of_address(&id).await {
        Ok(h) => h,
        Err(e) => return failed(e),
    };
    let body = serde_json::json!({
        "email": held.first().map(|s| s.email.clone()),
        "subscriptions": held.iter().map(|s| serde_json::json!({
            "scope": s.scope,
            "language": s.lang,
            "requested_at": s.created_at,
            "confirmed_at": s.confirmed_at,
            "last_digest_at": s.last_digest_at,
        })).collect::<Vec<_>>(),
    });
    private(
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"subscriptions.json\"",
                ),
            ],
            body.to_string(),
        )
            .into_response(),
    )
}

/// `POST /subscriptions/delete?token=…`: deletes everything held about the subscriber.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    Query(p): Query<Params>,
) -> Response {
    let id = match linked(&state, lang, p.token.as_deref()).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    match state.store.forget_address(&id).await {
        Ok(n) => {
            tracing::info!(
                subscriptions = n,
                "subscriptions: a subscriber's data was deleted"
            );
            message(
                &state,
                lang,
                StatusCode::OK,
                "sub-deleted",
                t(lang.0, "sub-deleted-text"),
            )
        }
        Err(e) => failed(e),
    }
}
