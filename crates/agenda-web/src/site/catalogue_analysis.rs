//! The catalogue analyses: once-only, the release roadmap, priorities, the digital service
//! standard and the freshness of the information sheets.

use std::fmt::Write as _;

use agenda_core::catalogue::{freshness, once_only, priorities, reuse, roadmap, standard};
use agenda_core::*;
use askama::Template;
use askama::filters::Safe;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::catalogue_pages::{maturity_label, service_title};
use super::charts;
use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, error_page, esc, fmt_num, org_name, public, render, tx_html};
use crate::AppState;

/// A row of the once-only analysis.
pub struct OnceOnlyRow {
    service: String,
    title: Safe<String>,
    item: Safe<String>,
    registries: String,
    fixable: bool,
    requests: String,
}

/// `/analysis/once-only`.
#[derive(Template)]
#[template(path = "analysis_once_only.html")]
pub struct OnceOnlyPage {
    c: Chrome,
    total: String,
    fixable: String,
    blocked: String,
    fetched: String,
    rows: Vec<OnceOnlyRow>,
    blocks: Vec<(String, Safe<String>, String, usize, String)>,
}

/// `GET /analysis/once-only`: data the state already holds but still asks for, and the
/// building blocks services reuse.
pub async fn analysis_once_only(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/once-only",
        t(lang.0, "analysis-once-only"),
    );
    let o = once_only::once_only(&s);
    let r = reuse::reuse(&s);
    let rows = o
        .items
        .iter()
        .map(|i| OnceOnlyRow {
            service: i.service.to_string(),
            title: service_title(&c, &s, i.service),
            item: s
                .data_items
                .get(i.data_item.as_str())
                .map(|d| Safe(tx_html(lang.0, &d.name)))
                .unwrap_or_else(|| Safe(esc(i.data_item.as_str()))),
            registries: i
                .registries
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            fixable: i.fixable_now,
            requests: fmt_num(lang.0, i.annual_requests as f64),
        })
        .collect();
    let blocks = r
        .blocks
        .iter()
        .map(|b| {
            let name = s
                .building_blocks
                .get(b.building_block.as_str())
                .map(|x| c.tx(&x.name))
                .unwrap_or_else(|| Safe(String::new()));
            (
                b.building_block.to_string(),
                name,
                c.status("bb-status", b.status.as_str()),
                b.service_count,
                fmt_num(lang.0, b.annual_transactions as f64),
            )
        })
        .collect();
    let page = OnceOnlyPage {
        total: fmt_num(lang.0, o.summary.annual_requests as f64),
        fixable: fmt_num(lang.0, o.summary.fixable_now_requests as f64),
        blocked: fmt_num(lang.0, o.summary.blocked_requests as f64),
        fetched: o
            .summary
            .fetched_share_pct
            .map(|p| format!("{}\u{a0}%", fmt_num(lang.0, p)))
            .unwrap_or_else(|| "—".to_owned()),
        rows,
        blocks,
        c,
    };
    render(StatusCode::OK, &page)
}

/// A planned release in the roadmap analysis.
pub struct ReleaseRow {
    date: String,
    service: String,
    title: Safe<String>,
    level: String,
    org: Safe<String>,
    status: String,
}

/// `/analysis/roadmap`.
#[derive(Template)]
#[template(path = "analysis_roadmap.html")]
pub struct RoadmapAnalysisPage {
    c: Chrome,
    timeline: Safe<String>,
    releases: Vec<ReleaseRow>,
    conflicts: Vec<(String, String, String, String)>,
}

/// `GET /analysis/roadmap`: the planned releases and the conflicts with the building blocks
/// they need.
pub async fn analysis_roadmap(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/roadmap",
        t(lang.0, "analysis-roadmap"),
    );
    let mut rel: Vec<&Release> = s.releases.values().collect();
    rel.sort_by_key(|r| (r.target_date, r.code.clone()));
    let found = roadmap::conflicts(&s);
    let timeline = Safe(charts::release_timeline(
        &rel,
        &found,
        state.today(),
        lang.0,
    ));
    let releases = rel
        .into_iter()
        .map(|r| ReleaseRow {
            date: r.target_date.to_string(),
            service: r.service.to_string(),
            title: service_title(&c, &s, &r.service),
            level: format!(
                "{} — {}",
                r.target_maturity.level(),
                maturity_label(lang.0, r.target_maturity)
            ),
            org: org_name(&c, &s, &r.responsible_org),
            status: c.status("release-status", r.status.as_str()),
        })
        .collect();
    let conflicts = found
        .into_iter()
        .map(|x| {
            (
                x.service.to_string(),
                x.release_date.to_string(),
                x.needs.to_string(),
                x.available_on
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| t(lang.0, "date-unknown")),
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &RoadmapAnalysisPage {
            c,
            timeline,
            releases,
            conflicts,
        },
    )
}

/// A ranked service.
pub struct PriorityRow {
    rank: usize,
    service: String,
    title: Safe<String>,
    impact: String,
    feasibility: String,
    score: String,
    quadrant: String,
}

/// `/analysis/priorities`.
#[derive(Template)]
#[template(path = "analysis_priorities.html")]
pub struct PrioritiesPage {
    c: Chrome,
    chart: Safe<String>,
    rows: Vec<PriorityRow>,
}

/// `GET /analysis/priorities`: the impact × feasibility ranking with the country's weights.
pub async fn analysis_priorities(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/priorities",
        t(lang.0, "analysis-priorities"),
    );
    let p = match priorities::priorities(&s, state.settings.priority_weights) {
        Ok(p) => p,
        Err(e) => return error_page(&state, lang, StatusCode::BAD_REQUEST, e.to_string()),
    };
    let mut svg = String::new();
    let (w, h, m) = (420.0, 420.0, 48.0);
    let _ = write!(
        svg,
        "<svg class=\"chart quadrant\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"q-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"q-title\">{}</title>\
         <rect x=\"{m}\" y=\"8\" width=\"{s}\" height=\"{s}\" fill=\"#f3f5f8\" stroke=\"#555\"/>\
         <line x1=\"{mid_x}\" x2=\"{mid_x}\" y1=\"8\" y2=\"{b}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\
         <line x1=\"{m}\" x2=\"{r}\" y1=\"{mid_y}\" y2=\"{mid_y}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\
         <text x=\"{mid_x}\" y=\"{lx}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">{}</text>\
         <text x=\"14\" y=\"{mid_y}\" transform=\"rotate(-90 14 {mid_y})\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222\">{}</text>",
        esc(&t(lang.0, "analysis-priorities")),
        esc(&t(lang.0, "feasibility")),
        esc(&t(lang.0, "impact")),
        s = w - m - 8.0,
        mid_x = m + (w - m - 8.0) / 2.0,
        mid_y = 8.0 + (w - m - 8.0) / 2.0,
        b = w - m,
        r = w - 8.0,
        lx = h - 14.0,
    );
    let side = w - m - 8.0;
    for i in &p.items {
        let x = m + i.feasibility / 100.0 * side;
        let y = 8.0 + (1.0 - i.impact / 100.0) * side;
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#005a9c\" fill-opacity=\"0.7\"/>"
        );
    }
    svg.push_str("</svg>");
    let rows = p
        .items
        .iter()
        .map(|i| PriorityRow {
            rank: i.rank,
            service: i.service.to_string(),
            title: service_title(&c, &s, i.service),
            impact: fmt_num(lang.0, i.impact),
            feasibility: fmt_num(lang.0, i.feasibility),
            score: fmt_num(lang.0, i.score),
            quadrant: c.status("quadrant", i.quadrant.as_str()),
        })
        .collect();
    render(
        StatusCode::OK,
        &PrioritiesPage {
            c,
            chart: Safe(svg),
            rows,
        },
    )
}

/// A criterion of the standard with how many services meet it.
pub struct CriterionRow {
    code: String,
    title: Safe<String>,
    met: usize,
    partly: usize,
    not_met: usize,
}

/// A service assessed against the standard.
pub struct AssessedRow {
    code: String,
    title: Safe<String>,
    met: usize,
    partly: usize,
    not_met: usize,
    passed: bool,
}

/// `/analysis/standard`.
#[derive(Template)]
#[template(path = "analysis_standard.html")]
pub struct StandardPage {
    c: Chrome,
    criteria: Vec<CriterionRow>,
    services: Vec<AssessedRow>,
    not_assessed: usize,
}

/// `GET /analysis/standard`: the digital service standard, how many services meet each
/// criterion, and the services assessed so far (a service passes when it meets every
/// criterion).
pub async fn analysis_standard(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/standard",
        t(lang.0, "analysis-standard"),
    );
    let cov = standard::standard(&s);
    let criteria = cov
        .criteria
        .iter()
        .map(|x| CriterionRow {
            code: x.criterion.to_string(),
            title: s
                .standard_criteria
                .get(x.criterion.as_str())
                .map(|k| c.tx(&k.title))
                .unwrap_or_else(|| Safe(String::new())),
            met: x.counts.met,
            partly: x.counts.partly_met,
            not_met: x.counts.not_met,
        })
        .collect();
    let assessed: Vec<_> = cov
        .services
        .iter()
        .filter(|x| x.counts.not_assessed < cov.criteria_count)
        .collect();
    let services = assessed
        .iter()
        .map(|x| AssessedRow {
            code: x.service.to_string(),
            title: service_title(&c, &s, x.service),
            met: x.counts.met,
            partly: x.counts.partly_met,
            not_met: x.counts.not_met,
            passed: x.counts.met == cov.criteria_count,
        })
        .collect();
    let page = StandardPage {
        not_assessed: cov.services.len() - assessed.len(),
        criteria,
        services,
        c,
    };
    render(StatusCode::OK, &page)
}

/// A service whose information sheet is overdue for review.
pub struct StaleRow {
    code: String,
    title: Safe<String>,
    owner: Safe<String>,
    last_reviewed: String,
    days: String,
}

/// `/analysis/freshness`.
#[derive(Template)]
#[template(path = "analysis_freshness.html")]
pub struct FreshnessPage {
    c: Chrome,
    months: u32,
    cutoff: String,
    stale: usize,
    total: usize,
    rows: Vec<StaleRow>,
}

/// `GET /analysis/freshness`: the information sheets not reviewed within the governance
/// period, the oldest first.
pub async fn analysis_freshness(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/freshness",
        t(lang.0, "analysis-freshness"),
    );
    let f = freshness::freshness(&s, state.today(), freshness::DEFAULT_MONTHS);
    let rows = f
        .items
        .iter()
        .map(|x| StaleRow {
            code: x.service.to_string(),
            title: service_title(&c, &s, x.service),
            owner: org_name(&c, &s, x.owner_code),
            last_reviewed: x
                .last_reviewed
                .map(|d| d.to_string())
                .unwrap_or_else(|| t(lang.0, "never")),
            days: x
                .days_since
                .map(|d| fmt_num(lang.0, d as f64))
                .unwrap_or_else(|| "—".to_owned()),
        })
        .collect();
    let page = FreshnessPage {
        months: f.months,
        cutoff: f.cutoff.to_string(),
        stale: f.items.len(),
        total: f.services,
        rows,
        c,
    };
    render(StatusCode::OK, &page)
}
