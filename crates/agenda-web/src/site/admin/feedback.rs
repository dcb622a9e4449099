//! `/admin/feedback`: what visitors answered to "Was this page useful?" on the service sheets.
//! An organisation sees the answers on its own services; editors and administrators see all.
//! Comments may hold personal data, so they are shown here only, never on a public page.

use std::collections::BTreeMap;

use agenda_core::{Code, Role};
use agenda_store::feedback::Feedback;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::auth::{SignedIn, encode};
use super::{forbidden, page, store_failure};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::pages::{esc, fmt_num};

/// Answers read for the comments (the counts cover every answer).
const LATEST: usize = 2000;
/// Services listed in the table of counts.
const SERVICES_SHOWN: usize = 500;

pub(super) async fn list(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let s = state.store.snapshot();
    // `None`: every service.
    let scope: Option<Vec<Code>> = match (user.account().role, &user.account().organisation) {
        (Role::Admin | Role::Editor, _) => None,
        (Role::Entity, Some(org)) => Some(
            s.services
                .values()
                .filter(|v| v.owner_code == *org)
                .map(|v| v.code.clone())
                .collect(),
        ),
        _ => return forbidden(&state, lang, &t(lang.0, "admin-not-yours")),
    };
    let (counts, latest) = match (
        state.store.feedback_counts(scope.as_deref()).await,
        state.store.feedback(scope.as_deref(), None, LATEST).await,
    ) {
        (Ok(c), Ok(l)) => (c, l),
        (Err(e), _) | (_, Err(e)) => return store_failure(&state, lang, e),
    };
    let title = |code: &str| {
        s.services
            .get(code)
            .map(|v| v.title.get(lang.0).to_owned())
            .unwrap_or_default()
    };
    let service_link = |code: &str| {
        format!(
            r#"<a href="{}/services/{}">{}</a> — {}"#,
            lang.prefix(),
            encode(code),
            esc(code),
            esc(&title(code))
        )
    };
    let t_ = |key: &str| esc(&t(lang.0, key));

    let mut body = format!("<p>{}</p>", t_("admin-feedback-intro"));
    if counts.is_empty() {
        body.push_str(&format!("<p>{}</p>", t_("admin-feedback-none")));
        return page(
            &state,
            lang,
            StatusCode::OK,
            &t(lang.0, "admin-feedback"),
            body,
        );
    }
    let rows: String = counts
        .iter()
        .take(SERVICES_SHOWN)
        .map(|c| {
            let pct = c.useful as f64 * 100.0 / c.total.max(1) as f64;
            let share = t_args(
                lang.0,
                "admin-feedback-share",
                &[
                    ("useful", fmt_num(lang.0, c.useful as f64)),
                    ("total", fmt_num(lang.0, c.total as f64)),
                    ("pct", format!("{}\u{a0}%", fmt_num(lang.0, pct))),
                ],
            );
            format!(
                r#"<tr><td>{}</td><td>{}</td><td><time datetime="{}">{}</time></td></tr>"#,
                service_link(&c.service),
                esc(&share),
                esc(&c.latest),
                esc(c.latest.get(..10).unwrap_or(&c.latest)),
            )
        })
        .collect();
    body.push_str(&format!(
        r#"<table><caption>{cap}</caption><thead><tr><th scope="col">{svc}</th><th scope="col">{useful}</th><th scope="col">{latest}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        cap = t_("admin-feedback-answers"),
        svc = t_("admin-feedback-service"),
        useful = t_("admin-feedback-useful"),
        latest = t_("admin-feedback-latest"),
    ));

    // The comments, grouped by service in the order of the table (latest answered first),
    // each group newest first.
    let mut by_service: BTreeMap<&str, Vec<&Feedback>> = BTreeMap::new();
    for f in latest.iter().filter(|f| f.comment.is_some()) {
        by_service.entry(f.service.as_str()).or_default().push(f);
    }
    if !by_service.is_empty() {
        body.push_str(&format!("<h2>{}</h2>", t_("admin-feedback-comments")));
    }
    for c in &counts {
        let Some(items) = by_service.get(c.service.as_str()) else {
            continue;
        };
        let rows: String = items
            .iter()
            .map(|f| {
                let answer = if f.useful {
                    "admin-feedback-yes"
                } else {
                    "admin-feedback-no"
                };
                format!(
                    r#"<tr><td><time datetime="{at}">{day}</time></td><td>{answer}</td><td>{lang}</td><td class="comment">{comment}</td></tr>"#,
                    at = esc(&f.created_at),
                    day = esc(f.created_at.get(..10).unwrap_or(&f.created_at)),
                    answer = t_(answer),
                    lang = esc(&f.lang),
                    comment = esc(f.comment.as_deref().unwrap_or_default()),
                )
            })
            .collect();
        body.push_str(&format!(
            r#"<table><caption>{cap}</caption><thead><tr><th scope="col">{date}</th><th scope="col">{useful}</th><th scope="col">{lang}</th><th scope="col">{comment}</th></tr></thead><tbody>{rows}</tbody></table>"#,
            cap = service_link(&c.service),
            date = t_("admin-feedback-date"),
            useful = t_("admin-feedback-answer"),
            lang = t_("admin-feedback-lang"),
            comment = t_("admin-feedback-comment"),
        ));
    }
    if latest.len() >= LATEST {
        body.push_str(&format!(
            "<p>{}</p>",
            esc(&t_args(
                lang.0,
                "admin-feedback-truncated",
                &[("n", fmt_num(lang.0, LATEST as f64))]
            ))
        ));
    }
    page(
        &state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-feedback"),
        body,
    )
}
