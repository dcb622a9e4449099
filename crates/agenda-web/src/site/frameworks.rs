//! The indicator frameworks beside the SDGs (EU Digital Decade, GovTech Maturity Index, UN
//! E-Government Survey): how much of each the agenda measures, and what it does not measure.
//! The frameworks exist in English only, so their words are marked `lang="en"` on other pages.

use std::collections::BTreeMap;

use agenda_core::frameworks::{Framework, FrameworkIndicator, kpis_by_indicator};
use agenda_core::{Kpi, Snapshot};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::rows::{GroupView as RowsGroupView, group_view};
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;
use crate::error::PageError;

/// A framework in the list, with how many of its indicators the agenda measures.
pub struct FrameworkRow {
    id: String,
    name: String,
    edition: String,
    publisher: String,
    covered: String,
    progress: RowsGroupView,
}

/// `/frameworks`.
#[derive(Template)]
#[template(path = "frameworks.html")]
pub struct FrameworksPage {
    c: Chrome,
    /// Whether the page is not in English, so the frameworks' words are marked as English.
    foreign: bool,
    rows: Vec<FrameworkRow>,
}

/// Where the KPIs serving `f` stand, each counted once however many indicators it serves.
fn framework_progress(
    c: &Chrome,
    s: &Snapshot,
    f: &Framework,
    today: agenda_core::Date,
) -> RowsGroupView {
    let mut kpis: Vec<&Kpi> = kpis_by_indicator(s, f).into_values().flatten().collect();
    kpis.sort_by(|a, b| a.code.cmp(&b.code));
    kpis.dedup_by(|a, b| a.code == b.code);
    group_view(
        c,
        &agenda_core::progress::group_progress(s, kpis.into_iter(), today),
    )
}

/// "4 of 18" in the page's language.
fn covered_of(c: &Chrome, covered: usize, total: usize) -> String {
    t_args(
        c.lang,
        "fw-covered",
        &[
            ("covered", c.num(covered as f64)),
            ("total", c.num(total as f64)),
        ],
    )
}

/// `GET /frameworks`.
pub async fn frameworks(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/frameworks", t(lang.0, "fw-title"));
    let rows = s
        .frameworks
        .iter()
        .map(|f| FrameworkRow {
            id: f.id.clone(),
            name: f.name.clone(),
            edition: f.edition.clone(),
            publisher: f.publisher.clone(),
            covered: covered_of(&c, kpis_by_indicator(&s, f).len(), f.indicators.len()),
            progress: framework_progress(&c, &s, f, state.today()),
        })
        .collect();
    let page = FrameworksPage {
        foreign: c.lang != "en",
        rows,
        c,
    };
    render(StatusCode::OK, &page)
}

/// An indicator of a framework, with what serves it.
pub struct IndicatorRow {
    code: String,
    name: String,
    definition: String,
    unit: String,
    target: Option<String>,
    /// The KPIs that measure it: code and name.
    kpis: Vec<(String, LocalText)>,
    /// The action lines of those KPIs: code and title.
    lines: Vec<(String, LocalText)>,
}

/// A group of indicators as the page shows it.
pub struct GroupView {
    /// Its heading's id.
    id: String,
    name: String,
    /// Whether its name is the framework's (English), not an interface string.
    english: bool,
    rows: Vec<IndicatorRow>,
}

/// An indicator the agenda does not measure.
pub struct GapRow {
    code: String,
    name: String,
    group: String,
    english_group: bool,
    target: Option<String>,
}

/// `/frameworks/<id>`.
#[derive(Template)]
#[template(path = "framework.html")]
pub struct FrameworkPage {
    progress: RowsGroupView,
    c: Chrome,
    foreign: bool,
    name: String,
    publisher: String,
    edition: String,
    url: String,
    description: String,
    summary: String,
    has_targets: bool,
    groups: Vec<GroupView>,
    gap: Vec<GapRow>,
    gap_intro: String,
}

/// "80 by 2030", when the framework sets a target.
fn target_of(c: &Chrome, i: &FrameworkIndicator) -> Option<String> {
    let (value, year) = (i.target?, i.target_year?);
    Some(t_args(
        c.lang,
        "fw-target",
        &[("value", c.num(value)), ("year", year.to_string())],
    ))
}

/// The KPIs serving an indicator and, once each, their action lines.
fn served(c: &Chrome, s: &Snapshot, kpis: &[&Kpi]) -> IndicatorServed {
    let mut lines: BTreeMap<String, LocalText> = BTreeMap::new();
    for k in kpis {
        if let Some(a) = k
            .action_line
            .as_ref()
            .and_then(|al| s.action_lines.get(al.as_str()))
        {
            lines.insert(a.code.to_string(), c.tx(&a.title));
        }
    }
    IndicatorServed {
        kpis: kpis
            .iter()
            .map(|k| (k.code.to_string(), c.tx(&k.title)))
            .collect(),
        lines: lines.into_iter().collect(),
    }
}

struct IndicatorServed {
    kpis: Vec<(String, LocalText)>,
    lines: Vec<(String, LocalText)>,
}

/// The heading of a group: the framework's name for it, or "headline indicators".
fn group_name(c: &Chrome, f: &Framework, group: Option<&str>) -> (String, bool) {
    match group.and_then(|g| f.group(g)) {
        Some(g) => (g.name.clone(), true),
        None => (c.t("fw-group-none"), false),
    }
}

/// `GET /frameworks/<id>`.
pub async fn framework(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(f) = s.frameworks.get(&id) else {
        return Err(PageError::not_found("kind-framework", &id));
    };
    let c = Chrome::new(&state, lang, &format!("/frameworks/{id}"), f.name.clone());
    let by_indicator = kpis_by_indicator(&s, f);
    // Headline indicators first, then the groups in the framework's order.
    let order: Vec<Option<&str>> = std::iter::once(None)
        .chain(f.groups.iter().map(|g| Some(g.code.as_str())))
        .collect();
    let mut groups = Vec::new();
    let mut gap = Vec::new();
    for g in order {
        let mut rows = Vec::new();
        for i in f.indicators.iter().filter(|i| i.group.as_deref() == g) {
            let kpis = by_indicator.get(&i.code).map_or(&[][..], Vec::as_slice);
            let IndicatorServed { kpis, lines } = served(&c, &s, kpis);
            if kpis.is_empty() {
                let (group, english_group) = group_name(&c, f, g);
                gap.push(GapRow {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    group,
                    english_group,
                    target: target_of(&c, i),
                });
            }
            rows.push(IndicatorRow {
                code: i.code.clone(),
                name: i.name.clone(),
                definition: i.definition.clone(),
                unit: i.unit.clone(),
                target: target_of(&c, i),
                kpis,
                lines,
            });
        }
        if !rows.is_empty() {
            let (name, english) = group_name(&c, f, g);
            groups.push(GroupView {
                id: format!("g-{}", g.unwrap_or("headline")),
                name,
                english,
                rows,
            });
        }
    }
    let total = f.indicators.len();
    let progress = framework_progress(&c, &s, f, state.today());
    let page = FrameworkPage {
        progress,
        foreign: c.lang != "en",
        name: f.name.clone(),
        publisher: f.publisher.clone(),
        edition: f.edition.clone(),
        url: f.url.clone(),
        description: f.description.clone(),
        summary: t_args(
            c.lang,
            "fw-summary",
            &[
                ("covered", c.num(by_indicator.len() as f64)),
                ("total", c.num(total as f64)),
            ],
        ),
        has_targets: f.has_targets(),
        gap_intro: t_args(c.lang, "fw-gap-intro", &[("n", c.num(gap.len() as f64))]),
        groups,
        gap,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A framework indicator a KPI serves, as its page links to it.
pub struct ServedIndicator {
    /// The framework's id.
    pub framework: String,
    /// The framework's short name.
    pub short: String,
    /// The indicator's code.
    pub code: String,
    /// The indicator's name.
    pub name: String,
}

/// The framework indicators `k` serves, in the order it lists them (codes the frameworks do
/// not have are left out: the integrity rules refuse them anyway).
pub fn served_by(s: &Snapshot, k: &Kpi) -> Vec<ServedIndicator> {
    k.framework_indicators
        .iter()
        .filter_map(|key| s.frameworks.resolve(key).ok())
        .map(|(f, i)| ServedIndicator {
            framework: f.id.clone(),
            short: f.short.clone(),
            code: i.code.clone(),
            name: i.name.clone(),
        })
        .collect()
}
