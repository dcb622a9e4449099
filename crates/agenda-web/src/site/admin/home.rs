//! The administration's home (`/admin`): what the signed-in person may work on.

use agenda_core::Role;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::common::{AdminBar, MenuItem, admin_render, chrome, link};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::t;
use crate::site::views::Chrome;

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    c: Chrome,
    a: AdminBar,
    work: Vec<MenuItem>,
}

pub async fn home(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    // An entity's home is the list of what it owes this cycle.
    if user.account().role == Role::Entity {
        return Redirect::to(&link(lang, "/admin/tasks")).into_response();
    }
    let a = AdminBar::now(&state, lang);
    // The work links are the menu's, without the home itself.
    let work = a
        .menu
        .iter()
        .skip(1)
        .map(|m| MenuItem {
            href: m.href.clone(),
            label: m.label.clone(),
            current: false,
        })
        .collect();
    admin_render(
        StatusCode::OK,
        &HomePage {
            c: chrome(&state, lang, t(lang.0, "admin-title")),
            a,
            work,
        },
    )
}
