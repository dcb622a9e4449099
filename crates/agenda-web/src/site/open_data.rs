//! The open data page: what can be downloaded, and each KPI's CSV.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;

/// `/open-data`.
#[derive(Template)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    c: Chrome,
    kpis: Vec<(String, LocalText)>,
}

/// `GET /open-data`.
pub async fn open_data(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/open-data", t(lang.0, "nav-open-data"));
    let kpis = s
        .kpis
        .values()
        .map(|k| (k.code.to_string(), c.tx(&k.title)))
        .collect();
    render(StatusCode::OK, &OpenDataPage { c, kpis })
}
