//! The service finder on the website: `/search?q=…`, plain HTML, in the page's language.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    message: Option<String>,
    hits: Vec<HitView>,
    /// Looking among the services for government agencies.
    agencies: bool,
}

struct HitView {
    href: String,
    title: String,
    kind: String,
    why: String,
    /// For a service that can be done online now: where.
    online: Option<String>,
}

/// `?q=`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    /// `agencies`: the services for other government agencies instead of the public's.
    #[serde(rename = "for")]
    for_whom: Option<String>,
}

/// `/search`.
pub async fn search(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<SearchQuery>,
) -> Response {
    let scope = agenda_search::Scope::parse(q.for_whom.as_deref().unwrap_or_default());
    let agencies = scope == agenda_search::Scope::Agencies;
    let q: String = q.q.unwrap_or_default().chars().take(200).collect();
    let c = Chrome::new(&state, lang, "/search", t(lang.0, "search-title"));
    let (hits, message) = if q.trim().is_empty() {
        (Vec::new(), Some(t(lang.0, "search-empty")))
    } else {
        let answer = state.finder().find_in(&q, lang.0, 10, scope);
        let snapshot = state.public_snapshot();
        let hits = answer
            .hits
            .into_iter()
            .map(|h| {
                let section = match h.kind {
                    agenda_search::HitKind::Service => "services",
                    agenda_search::HitKind::LifeEvent => "life-events",
                    agenda_search::HitKind::Organisation => "organisations",
                };
                HitView {
                    online: crate::finder_api::online_link(&snapshot, &h),
                    href: c.href(&format!("/{section}/{}", h.code)),
                    kind: t(lang.0, &format!("search-kind-{}", h.kind.as_str())),
                    title: h.title,
                    why: h.why,
                }
            })
            .collect::<Vec<_>>();
        let message = match (&answer.message, hits.is_empty()) {
            (Some(m), _) => Some(m.clone()),
            (None, true) => Some(t(lang.0, "search-nothing")),
            (None, false) => None,
        };
        (hits, message)
    };
    render(
        StatusCode::OK,
        &SearchPage {
            c,
            q,
            message,
            hits,
            agencies,
        },
    )
    .into_response()
}
