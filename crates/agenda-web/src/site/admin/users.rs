//! Accounts (`/admin/users`): administrators add and disable them.

use agenda_core::{Code, Kind, Role};
use agenda_store::{NewAccount, StoreError};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{SignedIn, encode};
use super::common::{AdminBar, admin_render, chrome, link, name_in};
use super::controls::Opt;
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::t;
use crate::site::views::Chrome;

struct UserRow {
    username: String,
    path: String,
    display_name: String,
    role: String,
    organisation: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    a: AdminBar,
    /// The field in error and what is wrong.
    error: Option<(String, String)>,
    rows: Vec<UserRow>,
    csrf: String,
    roles: Vec<Opt>,
    orgs: Vec<Opt>,
}

pub async fn users(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    users_page(&state, lang, &user, None, StatusCode::OK).await
}

async fn users_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    error: Option<(&str, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    if user.account().role != Role::Admin {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    let list = match state.store.accounts().await {
        Ok(l) => l,
        Err(e) => return Err(PageError::store(e)),
    };
    let s = state.store.snapshot();
    let l = lang.0;
    let rows = list
        .iter()
        .map(|a| UserRow {
            username: a.username.clone(),
            path: encode(&a.username),
            display_name: a.display_name.clone(),
            role: t(l, &format!("admin-role-{}", a.role.as_str())),
            organisation: a
                .organisation
                .as_ref()
                .map(|o| name_in(&s, Kind::Organisation, o.as_str(), l))
                .unwrap_or_default(),
            disabled: a.disabled,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| Opt {
            value: r.as_str().to_owned(),
            label: t(l, &format!("admin-role-{}", r.as_str())),
            selected: false,
            lang: None,
        })
        .collect();
    let orgs = super::controls::organisation_options(&s, l);
    Ok(admin_render(
        status,
        &UsersPage {
            c: chrome(state, lang, t(l, "admin-users")),
            a: AdminBar::now(state, lang),
            error: error.map(|(f, m)| (format!("u-{f}"), m)),
            rows,
            csrf: user.0.csrf.clone(),
            roles,
            orgs,
        },
    ))
}

pub async fn add_user(
    State(state): State<AppState>,
    lang: Lang,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    if user.account().role != Role::Admin {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    let l = lang.0;
    let get = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let role = match Role::parse(&get("role")) {
        Ok(r) => r,
        Err(e) => {
            let msg = format!(
                "{}: {}",
                t(l, "admin-role"),
                super::forms::expected_in(l, e.kind)
            );
            return users_page(
                &state,
                lang,
                &user,
                Some(("role", msg)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let org = get("organisation");
    let organisation = match (org.is_empty(), Code::parse(&org)) {
        (true, _) => None,
        (false, Ok(c)) => Some(c),
        (false, Err(e)) => {
            let msg = format!(
                "{}: {}",
                t(l, "admin-organisation"),
                super::forms::expected_in(l, e.kind)
            );
            return users_page(
                &state,
                lang,
                &user,
                Some(("organisation", msg)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let email = get("email");
    let new = NewAccount {
        username: get("username"),
        display_name: get("display_name"),
        email: (!email.is_empty()).then_some(email),
        role,
        organisation,
    };
    match state
        .store
        .add_account(
            &user.account().username,
            &new,
            f.get("password").map(String::as_str).unwrap_or(""),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&link(lang, "/admin/users")).into_response()),
        Err(StoreError::Account(msg)) => {
            users_page(
                &state,
                lang,
                &user,
                Some(("username", msg)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::store(e)),
    }
}

pub async fn disable_user(
    State(state): State<AppState>,
    lang: Lang,
    Path(name): Path<String>,
    SignedForm {
        user, fields: _f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    if user.account().role != Role::Admin {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    match state
        .store
        .set_account_disabled(&user.account().username, &name, true)
        .await
    {
        Ok(()) => Ok(Redirect::to(&link(lang, "/admin/users")).into_response()),
        Err(StoreError::Account(msg)) => {
            users_page(
                &state,
                lang,
                &user,
                Some(("username", msg)),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(e) => Err(PageError::store(e)),
    }
}
