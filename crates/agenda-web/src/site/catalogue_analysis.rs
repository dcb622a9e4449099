//! The catalogue analyses: once-only, the release roadmap, priorities, the digital service
//! standard and the freshness of the information sheets.

use agenda_core::catalogue::{freshness, once_only, priorities, reuse, roadmap, standard};
use agenda_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::catalogue_pages::{maturity_label, service_title};
use super::charts;
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::pager::{PageNumber, Pager};
use super::svg::SvgImage;
use super::views::{Chrome, LocalText, OrgLink, fmt_num, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// A row of the once-only analysis.
pub struct OnceOnlyRow {
    service: String,
    title: LocalText,
    item: LocalText,
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
    pager: Pager,
    blocks: Vec<(String, LocalText, String, usize, String)>,
}

/// `GET /analysis/once-only`: data the state already holds but still asks for, and the
/// building blocks services reuse.
pub async fn analysis_once_only(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/once-only",
        t(lang.0, "analysis-once-only"),
    );
    let o = once_only::once_only(&s);
    let r = reuse::reuse(&s);
    let pager = Pager::new(
        &c,
        "/analysis/once-only",
        &[],
        q.page,
        o.items.len(),
        "pager-once-only",
    )?;
    let rows = pager
        .slice(&o.items)
        .map(|i| OnceOnlyRow {
            service: i.service.to_string(),
            title: service_title(&c, &s, i.service),
            item: s
                .data_items
                .get(i.data_item.as_str())
                .map(|d| LocalText::of(lang.0, &d.name))
                .unwrap_or_else(|| LocalText::plain(i.data_item.as_str())),
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
                .unwrap_or_else(|| LocalText::plain(""));
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
        pager,
        blocks,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A planned release in the roadmap analysis.
pub struct ReleaseRow {
    date: String,
    service: String,
    title: LocalText,
    level: String,
    org: OrgLink,
    status: String,
}

/// `/analysis/roadmap`.
#[derive(Template)]
#[template(path = "analysis_roadmap.html")]
pub struct RoadmapAnalysisPage {
    c: Chrome,
    timeline: SvgImage,
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
    let timeline = charts::release_timeline(&rel, &found, state.today(), lang.0);
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
    title: LocalText,
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
    chart: SvgImage,
    /// Says how many of the services the chart draws, when not all.
    drawn: Option<String>,
    rows: Vec<PriorityRow>,
    pager: Pager,
}

/// The most services the priorities chart draws (the highest ranked): past a few hundred
/// points the chart says no more and only weighs the page down.
const PRIORITY_POINTS: usize = 400;

/// `GET /analysis/priorities`: the impact × feasibility ranking with the country's weights.
pub async fn analysis_priorities(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/priorities",
        t(lang.0, "analysis-priorities"),
    );
    let p = match priorities::priorities(&s, state.settings.priority_weights) {
        Ok(p) => p,
        // The weights are the configuration's: their fault is stated as the check found it.
        Err(e) => return Err(PageError::text(StatusCode::BAD_REQUEST, e.to_string())),
    };
    let pager = Pager::new(
        &c,
        "/analysis/priorities",
        &[],
        q.page,
        p.items.len(),
        "pager-rows",
    )?;
    let svg = charts::quadrant(
        p.items
            .iter()
            .take(PRIORITY_POINTS)
            .map(|i| (i.feasibility, i.impact)),
        &charts::QuadrantLabels {
            title: t(lang.0, "analysis-priorities"),
            feasibility: t(lang.0, "feasibility"),
            impact: t(lang.0, "impact"),
        },
        agenda_core::languages::direction(lang.0),
    );
    let drawn = (p.items.len() > PRIORITY_POINTS).then(|| {
        t_args(
            lang.0,
            "priorities-drawn",
            &[
                ("shown", fmt_num(lang.0, PRIORITY_POINTS as f64)),
                ("total", fmt_num(lang.0, p.items.len() as f64)),
            ],
        )
    });
    let rows = pager
        .slice(&p.items)
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
    Ok(render(
        StatusCode::OK,
        &PrioritiesPage {
            c,
            chart: svg,
            drawn,
            rows,
            pager,
        },
    ))
}

/// A criterion of the standard with how many services meet it.
pub struct CriterionRow {
    code: String,
    title: LocalText,
    met: usize,
    partly: usize,
    not_met: usize,
}

/// A service assessed against the standard.
pub struct AssessedRow {
    code: String,
    title: LocalText,
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
                .unwrap_or_else(|| LocalText::plain("")),
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
    title: LocalText,
    owner: OrgLink,
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
    pager: Pager,
}

/// `GET /analysis/freshness`: the information sheets not reviewed within the governance
/// period, the oldest first.
pub async fn analysis_freshness(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/analysis/freshness",
        t(lang.0, "analysis-freshness"),
    );
    let f = freshness::freshness(&s, state.today(), freshness::DEFAULT_MONTHS);
    let pager = Pager::new(
        &c,
        "/analysis/freshness",
        &[],
        q.page,
        f.items.len(),
        "pager-rows",
    )?;
    let rows = pager
        .slice(&f.items)
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
        pager,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
