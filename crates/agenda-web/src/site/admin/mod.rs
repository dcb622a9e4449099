//! Administration: signing in and out, forms for every entity, the reporting workflow, the
//! reporting dashboard, API tokens and accounts. Server-rendered forms that work without
//! JavaScript; every form carries the session's anti-forgery token; every write goes through
//! the one authorisation rule of `agenda_core::policy` and the store's version check.
//!
//! One module per URL tree; `common` (layout, refusals) is shared by all and imports none.

pub mod auth;
mod common;
mod consultations;
mod controls;
mod decisions;
mod feedback;
pub mod forms;
mod home;
mod record_pages;
mod records;
mod reports;
mod review_views;
mod sign_in;
mod tasks;
mod tokens;
mod translations;
mod users;
mod versions;

#[cfg(test)]
mod tests;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

// The shared helpers, where the modules of this tree have always found them.
pub(crate) use self::common::write_refused;
use crate::AppState;

/// The routes of the administration (the language prefix is stripped before them).
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/login", get(sign_in::login_form).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/logout-everywhere", post(sign_in::logout_everywhere))
        .route("/admin", get(home::home))
        .route("/admin/data/{collection}", get(records::list))
        .route(
            "/admin/data/{collection}/new",
            get(records::new_form).post(records::create),
        )
        .route(
            "/admin/data/{collection}/{key}",
            get(records::edit_form).post(records::save),
        )
        .route("/admin/data/{collection}/{key}/saved", get(records::saved))
        .route(
            "/admin/data/{collection}/{key}/archive",
            get(records::archive_form).post(records::archive),
        )
        .route("/admin/reports", get(reports::list))
        .route(
            "/admin/reports/{key}",
            get(reports::form).post(reports::act),
        )
        .route("/admin/dashboard", get(reports::dashboard))
        .route(
            "/admin/decisions/{code}",
            get(decisions::form).post(decisions::save),
        )
        .route("/admin/tasks", get(tasks::list))
        .route(
            "/admin/tasks/{period}/figures",
            get(tasks::figures).post(tasks::save_figures),
        )
        .route("/admin/tasks/{period}/done", get(tasks::done))
        .route("/admin/consultations", get(consultations::list))
        .route("/admin/consultations/{code}", get(consultations::show))
        .route(
            "/admin/consultations/{code}/contribute",
            post(consultations::contribute),
        )
        .route(
            "/admin/contributions/{code}/endorse",
            post(consultations::endorse),
        )
        .route(
            "/admin/contributions/{code}/moderate",
            post(consultations::moderate),
        )
        .route(
            "/admin/contributions/{code}/respond",
            post(consultations::respond),
        )
        .route(
            "/admin/versions",
            get(versions::form).post(versions::publish),
        )
        .route("/admin/translations", get(translations::overview))
        .route("/admin/translations/download", get(translations::download))
        .route(
            "/admin/translations/upload",
            post(translations::upload).layer(axum::extract::DefaultBodyLimit::max(
                translations::UPLOAD_LIMIT,
            )),
        )
        .route(
            "/admin/translations/{lang}/{collection}",
            get(translations::list),
        )
        .route(
            "/admin/translations/{lang}/{collection}/{key}",
            get(translations::form).post(translations::save),
        )
        .route("/admin/feedback", get(feedback::list))
        .route(
            "/admin/feedback/{id}",
            get(feedback::show).post(feedback::act),
        )
        .route(
            "/admin/tokens",
            get(tokens::tokens).post(tokens::create_token),
        )
        .route("/admin/tokens/{id}/revoke", post(tokens::revoke_token))
        .route("/admin/users", get(users::users).post(users::add_user))
        .route("/admin/users/{name}/disable", post(users::disable_user))
        .route_layer(axum::middleware::from_fn_with_state(state, common::context))
        .route("/assets/admin.css", get(admin_css))
        .route("/assets/admin.js", get(admin_js))
}

/// The filter of long lists of choices; the forms work without it.
async fn admin_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../../assets/admin.js"),
    )
}

async fn admin_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../assets/admin.css"),
    )
}
