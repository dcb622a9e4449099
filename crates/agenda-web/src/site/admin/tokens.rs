//! API tokens (`/admin/tokens`): an organisation's machines write with them.

use agenda_core::{Code, Kind, Role};
use agenda_store::StoreError;
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

/// The organisation whose tokens `user` manages: their own, or (admin) any chosen one.
fn token_scope(user: &SignedIn) -> Result<Option<Code>, ()> {
    match (user.account().role, &user.account().organisation) {
        (Role::Admin, _) => Ok(None),
        (Role::Entity, Some(org)) => Ok(Some(org.clone())),
        _ => Err(()),
    }
}

struct TokenRow {
    id: String,
    id_path: String,
    organisation: String,
    name: String,
    created_by: String,
    created_at: String,
    revoked_at: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct TokensPage {
    c: Chrome,
    a: AdminBar,
    shown: Option<String>,
    /// The field in error and what is wrong.
    error: Option<(String, String)>,
    rows: Vec<TokenRow>,
    csrf: String,
    own_org: Option<String>,
    orgs: Vec<Opt>,
}

pub async fn tokens(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    tokens_page(&state, lang, &user, None, None, StatusCode::OK).await
}

async fn tokens_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    shown: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let Ok(scope) = token_scope(user) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let list = match state.store.tokens(scope.as_ref()).await {
        Ok(l) => l,
        Err(e) => return Err(PageError::store(e)),
    };
    let s = state.store.snapshot();
    let l = lang.0;
    let rows = list
        .iter()
        .map(|tk| TokenRow {
            id: tk.id.clone(),
            id_path: encode(&tk.id),
            organisation: name_in(&s, Kind::Organisation, tk.organisation.as_str(), l),
            name: tk.name.clone(),
            created_by: tk.created_by.clone(),
            created_at: tk.created_at.clone(),
            revoked_at: tk.revoked_at.clone(),
        })
        .collect();
    let orgs = super::controls::organisation_options(&s, l);
    Ok(admin_render(
        status,
        &TokensPage {
            c: chrome(state, lang, t(l, "admin-tokens")),
            a: AdminBar::now(state, lang),
            shown,
            error: error.map(|e| {
                let field = if scope.is_some() {
                    "name"
                } else {
                    "organisation"
                };
                (field.to_owned(), e)
            }),
            rows,
            csrf: user.0.csrf.clone(),
            own_org: scope.map(|o| o.to_string()),
            orgs,
        },
    ))
}

pub async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let Ok(scope) = token_scope(&user) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let asked = f.get("organisation").map(|s| s.trim()).unwrap_or("");
    let org = match (&scope, Code::parse(asked)) {
        (Some(own), _) => own.clone(),
        (None, Ok(c)) => c,
        (None, Err(e)) => {
            let msg = format!(
                "{}: {}",
                t(lang.0, "admin-organisation"),
                super::forms::expected_in(lang.0, e.kind)
            );
            return tokens_page(
                &state,
                lang,
                &user,
                None,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let name = f.get("name").map(String::as_str).unwrap_or("");
    match state
        .store
        .create_token(&org, name, &user.account().username)
        .await
    {
        Ok((_, token)) => tokens_page(&state, lang, &user, Some(token), None, StatusCode::OK).await,
        Err(StoreError::Account(msg)) => {
            tokens_page(
                &state,
                lang,
                &user,
                None,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::store(e)),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    SignedForm {
        user, fields: _f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let Ok(scope) = token_scope(&user) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let owned = match state.store.tokens(scope.as_ref()).await {
        Ok(l) => l.iter().any(|tk| tk.id == id),
        Err(e) => return Err(PageError::store(e)),
    };
    if !owned {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    match state
        .store
        .revoke_token(&user.account().username, &id)
        .await
    {
        Ok(_) => Ok(Redirect::to(&link(lang, "/admin/tokens")).into_response()),
        Err(e) => Err(PageError::store(e)),
    }
}
