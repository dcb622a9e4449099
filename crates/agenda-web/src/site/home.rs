//! The home page: the agenda's progress, counts by status, pillars and recent changes.

use agenda_core::progress::agenda_progress;
use agenda_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::rows::{ActionLineRow, action_line_row};
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;

/// A count with its label.
pub struct Count {
    label: String,
    class: &'static str,
    n: usize,
    href: String,
}

/// A recent change.
pub struct ChangeRow {
    date: String,
    what: String,
    href: Option<String>,
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    c: Chrome,
    agenda: Option<Agenda>,
    progress: String,
    progress_value: f64,
    /// What the headline averages and leaves out.
    headline_note: String,
    /// How much of the agenda period has gone by: words and a value for the meter.
    elapsed: Option<(String, f64)>,
    /// How many KPIs count from a figure that is not recent, in words (empty when none).
    kpis_stale: String,
    action_lines: Vec<Count>,
    kpis: Vec<Count>,
    changes: Vec<ChangeRow>,
    /// The latest launches: services going live at a higher level, blocks going live.
    launches: Vec<ChangeRow>,
    pillars: Vec<(String, LocalText, String)>,
    lines: Vec<ActionLineRow>,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(
        &state,
        lang,
        "/",
        s.the_agenda()
            .map(|a| a.title.get(lang.0).to_owned())
            .unwrap_or_else(|| t(lang.0, "nav-home")),
    );
    let p = agenda_progress(&s, today);
    let action_lines = p
        .action_lines_by_status
        .iter()
        .map(|(st, n)| Count {
            label: c.status("al-status", st.as_str()),
            class: st.as_str(),
            n: *n,
            href: c.href(&format!("/action-lines?status={}", st.as_str())),
        })
        .collect();
    let kpis = p
        .kpis_by_status
        .iter()
        .map(|(st, n)| Count {
            label: c.status("kpi-status", st.as_str()),
            class: st.as_str(),
            n: *n,
            href: c.href(&format!("/kpis?status={}", st.as_str())),
        })
        .collect();
    let pillars = s
        .pillars
        .values()
        .map(|pl| {
            let pct = p
                .by_pillar
                .iter()
                .find(|(code, _)| code == &pl.code)
                .map(|(_, v)| *v)
                .unwrap_or(0.0);
            (
                pl.code.to_string(),
                c.tx(&pl.title),
                format!("{}\u{a0}%", c.num(pct)),
            )
        })
        .collect();
    let changes = recent_changes(&state, &c, &s).await;
    let launches = recent_launches(&state, &c, &s).await;
    // Priority first, then by code: what the agenda puts first comes first.
    let mut ordered: Vec<&ActionLine> = s.action_lines.values().collect();
    ordered.sort_by_key(|a| (a.priority, a.code.clone()));
    let lines = ordered
        .into_iter()
        .map(|a| action_line_row(&c, &s, a, today))
        .collect();
    let left_out = |st: ActionLineStatus| p.left_out.iter().filter(|(_, s)| *s == st).count();
    let headline_note = t_args(
        lang.0,
        "home-headline-note",
        &[
            ("n", p.counted.len().to_string()),
            (
                "not_started",
                left_out(ActionLineStatus::NotStarted).to_string(),
            ),
            (
                "cancelled",
                left_out(ActionLineStatus::Cancelled).to_string(),
            ),
        ],
    );
    let elapsed = s.the_agenda().map(|a| {
        let pct = agenda_core::progress::elapsed_pct(a.start, a.end, today);
        (
            t_args(
                lang.0,
                "home-elapsed",
                &[
                    ("pct", format!("{}\u{a0}%", c.num(pct.round()))),
                    ("start", a.start.to_string()),
                    ("end", a.end.to_string()),
                ],
            ),
            pct.round(),
        )
    });
    let kpis_stale = if p.kpis_stale > 0 {
        t_args(
            lang.0,
            "home-kpis-stale",
            &[("n", p.kpis_stale.to_string())],
        )
    } else {
        String::new()
    };
    let page = HomePage {
        headline_note,
        elapsed,
        kpis_stale,
        lines,
        progress: format!("{}\u{a0}%", c.num(p.progress_pct)),
        progress_value: p.progress_pct.round(),
        agenda: s.the_agenda().cloned(),
        c,
        action_lines,
        kpis,
        changes,
        launches,
        pillars,
    };
    render(StatusCode::OK, &page)
}

/// Launches shown on the home page.
const LAUNCHES_SHOWN: usize = 5;

async fn recent_launches(state: &AppState, c: &Chrome, s: &Snapshot) -> Vec<ChangeRow> {
    let scope = agenda_jobs::Scope::Launches;
    match agenda_jobs::changes(
        &state.store,
        s,
        &scope,
        0,
        s.version,
        LAUNCHES_SHOWN,
        Some(agenda_jobs::FEED_SCAN_MAX),
    )
    .await
    {
        Ok((entries, _)) => entries
            .into_iter()
            .map(|e| ChangeRow {
                date: e.at.get(..10).unwrap_or(&e.at).to_owned(),
                what: e.event.title(s, c.lang),
                href: Some(c.href(&e.event.page())),
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "home: could not read the launches");
            Vec::new()
        }
    }
}

async fn recent_changes(state: &AppState, c: &Chrome, s: &Snapshot) -> Vec<ChangeRow> {
    let Ok(records) = state.store.audit_records(None, None, 200).await else {
        return Vec::new();
    };
    records
        .into_iter()
        // Only what the public can see: the entity must be in the public snapshot.
        .filter(|r| s.get_ref(r.kind, &r.code).is_some())
        .filter(|r| !matches!(r.kind, Kind::Observation))
        .take(10)
        .map(|r| {
            let href = match r.kind {
                Kind::ActionLine => Some(c.href(&format!("/action-lines/{}", r.code))),
                Kind::Kpi => Some(c.href(&format!("/kpis/{}", r.code))),
                Kind::Organisation => Some(c.href(&format!("/organisations/{}", r.code))),
                Kind::Milestone => s
                    .milestones
                    .get(&r.code)
                    .map(|m| c.href(&format!("/action-lines/{}", m.action_line))),
                Kind::ProgressReport => r
                    .code
                    .split(':')
                    .next()
                    .map(|al| c.href(&format!("/action-lines/{al}"))),
                _ => None,
            };
            ChangeRow {
                date: r.at.get(..10).unwrap_or(&r.at).to_owned(),
                what: format!(
                    "{} {} — {}",
                    c.t(&format!("kind-{}", r.kind.as_str())),
                    r.code,
                    c.t(&format!("action-{}", r.action.as_str()))
                ),
                href,
            }
        })
        .collect()
}
