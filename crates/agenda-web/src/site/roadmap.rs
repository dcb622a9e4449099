//! The roadmap: every action line over the agenda's period with its milestones.

use std::collections::BTreeMap;

use agenda_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::charts;
use super::i18n::t;
use super::lang::Lang;
use super::svg::SvgImage;
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;

/// A row of the roadmap's table.
pub struct RoadmapRow {
    code: String,
    title: LocalText,
    start: String,
    end: String,
    status: String,
    milestones: Vec<(String, String, String)>,
}

/// `/roadmap`.
#[derive(Template)]
#[template(path = "roadmap.html")]
pub struct RoadmapPage {
    c: Chrome,
    chart: SvgImage,
    rows: Vec<RoadmapRow>,
    years: Vec<(i32, Vec<YearItem>)>,
    today: String,
}

/// A milestone in the list by year that phones show instead of the chart and the table.
pub struct YearItem {
    due: String,
    line: String,
    title: LocalText,
    status: String,
    class: &'static str,
}

/// `GET /roadmap`.
pub async fn roadmap(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/roadmap", t(lang.0, "nav-roadmap"));
    let mut by_line: BTreeMap<&str, Vec<&Milestone>> = BTreeMap::new();
    for m in s.milestones.values() {
        by_line.entry(m.action_line.as_str()).or_default().push(m);
    }
    let rows = s
        .action_lines
        .values()
        .map(|a| RoadmapRow {
            code: a.code.to_string(),
            title: c.tx(&a.title),
            start: a.start.to_string(),
            end: a.end.to_string(),
            status: c.status("al-status", a.status.as_str()),
            milestones: by_line
                .get(a.code.as_str())
                .map(|ms| {
                    ms.iter()
                        .map(|m| {
                            (
                                m.due.to_string(),
                                m.title.get(lang.0).to_owned(),
                                c.status("ms-status", m.status.as_str()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let mut by_year: BTreeMap<i32, Vec<&Milestone>> = BTreeMap::new();
    for m in s.milestones.values() {
        by_year.entry(m.due.year()).or_default().push(m);
    }
    let years = by_year
        .into_iter()
        .map(|(year, mut ms)| {
            ms.sort_by_key(|m| (m.due, m.code.clone()));
            let items = ms
                .into_iter()
                .map(|m| {
                    let late =
                        !matches!(m.status, MilestoneStatus::Done | MilestoneStatus::Cancelled)
                            && m.due < today;
                    let key = if late { "late" } else { m.status.as_str() };
                    YearItem {
                        due: m.due.to_string(),
                        line: m.action_line.to_string(),
                        title: c.tx(&m.title),
                        status: c.status("ms-status", key),
                        class: if late { "late" } else { m.status.as_str() },
                    }
                })
                .collect();
            (year, items)
        })
        .collect();
    let chart = charts::roadmap_chart(
        &s,
        today,
        &t(lang.0, "chart-today"),
        &t(lang.0, "roadmap-chart-title"),
        agenda_core::languages::direction(lang.0),
    );
    render(
        StatusCode::OK,
        &RoadmapPage {
            c,
            chart,
            rows,
            years,
            today: today.to_string(),
        },
    )
}
