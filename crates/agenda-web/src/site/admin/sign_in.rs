//! Signing in and out (`/login`, `/logout`, `/logout-everywhere`).

use agenda_store::LoginRefused;
use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, set_cookie};
use super::common::{AdminBar, admin_render, chrome, fields_of, store_failure};
use crate::AppState;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::Chrome;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only paths of this site: never another origin (`//host`, `https://…`).
fn local(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/admin".into(),
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    c: Chrome,
    a: AdminBar,
    token: String,
    next: String,
    error: Option<String>,
}

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    next: &str,
    error: Option<String>,
) -> Response {
    let token = agenda_store::accounts::random_hex(32);
    let mut a = AdminBar::now(state, lang);
    a.sign_in_page = true;
    let mut res = admin_render(
        status,
        &LoginPage {
            c: chrome(state, lang, t(lang.0, "admin-sign-in")),
            a,
            token: token.clone(),
            next: next.to_owned(),
            error,
        },
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600),
    );
    res
}

pub async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<Next>,
) -> Response {
    login_page(
        &state,
        lang,
        StatusCode::OK,
        &local(q.next.as_deref()),
        None,
    )
}

pub async fn login(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    client: crate::site::feedback::ClientAddr,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    let next = local(f.get("next").map(String::as_str));
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    let presented = f.get("csrf").map(String::as_str);
    if !matches!((expected, presented), (Some(a), Some(b)) if agenda_store::accounts::same_secret(a, b))
    {
        return login_page(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            &next,
            Some(t(lang.0, "admin-form-expired")),
        );
    }
    let user = f.get("username").map(|s| s.trim()).unwrap_or("");
    let password = f.get("password").map(String::as_str).unwrap_or("");
    // Failures are counted per account and client, the client known by a keyed hash of its
    // address.
    let client = match state.store.form_key().await {
        Ok(key) => key.client(client.0),
        Err(e) => return store_failure(&state, lang, e),
    };
    match state.store.login(user, password, &client).await {
        Ok(Ok(session)) => {
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &session.cookie, 12 * 3600),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0),
            );
            res
        }
        Ok(Err(LoginRefused::Invalid)) => login_page(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            &next,
            Some(t(lang.0, "admin-login-invalid")),
        ),
        Ok(Err(LoginRefused::Throttled { retry_after })) => {
            let msg = t_args(
                lang.0,
                "admin-login-throttled",
                &[("seconds", retry_after.to_string())],
            );
            let mut res = login_page(
                &state,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &next,
                Some(msg),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            res
        }
        Err(e) => store_failure(&state, lang, e),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    SignedForm { user: _, .. }: SignedForm,
) -> Response {
    if let Some(c) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.store.end_session(c).await
    {
        tracing::error!(error = %e, "sign-out failed");
    }
    signed_out(&state)
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    SignedForm {
        user, fields: _f, ..
    }: SignedForm,
) -> Response {
    if let Err(e) = state.store.end_all_sessions(&user.account().username).await {
        tracing::error!(error = %e, "sign-out everywhere failed");
    }
    signed_out(&state)
}

fn signed_out(state: &AppState) -> Response {
    let mut res = Redirect::to("/").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    res
}
