//! The Sustainable Development Goals and what the agenda aligns to each.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::rows::{GroupView, group_view};
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;
use crate::error::PageError;
use agenda_core::progress::group_progress;

/// A goal tile.
pub struct GoalView {
    goal: u8,
    short: LocalText,
    lines: usize,
    kpis: usize,
    progress: GroupView,
}

/// `/sdgs`.
#[derive(Template)]
#[template(path = "sdgs.html")]
pub struct SdgsPage {
    c: Chrome,
    goals: Vec<GoalView>,
}

fn goal_of_target(t: &str) -> Option<u8> {
    t.split('.').next()?.parse().ok()
}

/// `GET /sdgs`.
pub async fn sdgs(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/sdgs", t(lang.0, "nav-sdgs"));
    let today = state.today();
    let goals = s
        .sdg
        .goals
        .values()
        .map(|g| GoalView {
            goal: g.goal,
            short: c.tx(&g.short),
            lines: s
                .action_lines
                .values()
                .filter(|a| {
                    a.sdg_targets
                        .iter()
                        .any(|t| goal_of_target(t) == Some(g.goal))
                })
                .count(),
            kpis: s
                .kpis
                .values()
                .filter(|k| k.sdg_indicator.as_deref().and_then(goal_of_target) == Some(g.goal))
                .count(),
            progress: group_view(
                &c,
                &group_progress(
                    &s,
                    s.kpis.values().filter(|k| {
                        k.sdg_indicator.as_deref().and_then(goal_of_target) == Some(g.goal)
                    }),
                    today,
                ),
            ),
        })
        .collect();
    render(StatusCode::OK, &SdgsPage { c, goals })
}

/// A target of a goal and what is aligned to it.
pub struct GoalTarget {
    code: String,
    title: LocalText,
    lines: Vec<(String, LocalText)>,
    kpis: Vec<(String, LocalText, String)>,
}

/// `/sdgs/<goal>`.
#[derive(Template)]
#[template(path = "sdg.html")]
pub struct SdgPage {
    c: Chrome,
    goal: u8,
    short: LocalText,
    title: LocalText,
    aligned: Vec<GoalTarget>,
    others: Vec<(String, LocalText)>,
    progress: GroupView,
}

/// `GET /sdgs/<goal>`.
pub async fn sdg(
    State(state): State<AppState>,
    lang: Lang,
    Path(goal): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(g) = goal
        .parse::<u8>()
        .ok()
        .and_then(|n| s.sdg.goals.get(&n))
        .cloned()
    else {
        return Err(PageError::not_found("kind-sdg_goal", &goal));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/sdgs/{goal}"),
        format!(
            "{} {} — {}",
            t(lang.0, "sdg-goal"),
            g.goal,
            g.short.get(lang.0)
        ),
    );
    let mut aligned = Vec::new();
    let mut others = Vec::new();
    for tg in s.sdg.targets.values().filter(|t| t.goal == g.goal) {
        let lines: Vec<(String, LocalText)> = s
            .action_lines
            .values()
            .filter(|a| a.sdg_targets.contains(&tg.code))
            .map(|a| (a.code.to_string(), c.tx(&a.title)))
            .collect();
        let kpis: Vec<(String, LocalText, String)> = s
            .kpis
            .values()
            .filter(|k| {
                k.sdg_indicator
                    .as_ref()
                    .and_then(|i| s.sdg.indicators.get(i))
                    .is_some_and(|i| i.target == tg.code)
            })
            .map(|k| {
                (
                    k.code.to_string(),
                    c.tx(&k.title),
                    k.sdg_indicator.clone().unwrap_or_default(),
                )
            })
            .collect();
        if lines.is_empty() && kpis.is_empty() {
            others.push((tg.code.clone(), c.tx(&tg.title)));
        } else {
            aligned.push(GoalTarget {
                code: tg.code.clone(),
                title: c.tx(&tg.title),
                lines,
                kpis,
            });
        }
    }
    let progress = group_view(
        &c,
        &group_progress(
            &s,
            s.kpis
                .values()
                .filter(|k| k.sdg_indicator.as_deref().and_then(goal_of_target) == Some(g.goal)),
            state.today(),
        ),
    );
    let page = SdgPage {
        progress,
        goal: g.goal,
        short: c.tx(&g.short),
        title: c.tx(&g.title),
        aligned,
        others,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
