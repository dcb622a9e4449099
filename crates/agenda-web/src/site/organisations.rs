//! The organisations and an organisation's page: what it leads, its KPIs and its reporting.

use agenda_core::reporting::{DueState, reports_due};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::pager::{PageNumber, Pager};
use super::rows::{ActionLineRow, KpiRow, action_line_row, kpi_row};
use super::views::{Chrome, LocalText, OrgLink, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// `/organisations`.
#[derive(Template)]
#[template(path = "organisations.html")]
pub struct OrganisationsPage {
    c: Chrome,
    rows: Vec<(String, LocalText, String, usize)>,
    pager: Pager,
}

/// `GET /organisations`.
pub async fn organisations(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<PageNumber>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(
        &state,
        lang,
        "/organisations",
        t(lang.0, "nav-organisations"),
    );
    let pager = Pager::new(
        &c,
        "/organisations",
        &[],
        q.page,
        s.organisations.len(),
        "pager-organisations",
    )?;
    let rows = pager
        .slice(s.organisations.values())
        .map(|o| {
            let leads = s
                .action_lines
                .values()
                .filter(|a| a.lead_org == o.code)
                .count();
            (
                o.code.to_string(),
                c.tx(&o.name),
                c.status("org-kind", o.kind.as_str()),
                leads,
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &OrganisationsPage { c, rows, pager },
    ))
}

/// `/organisations/<code>`.
#[derive(Template)]
#[template(path = "organisation.html")]
pub struct OrganisationPage {
    c: Chrome,
    o: Organisation,
    name: LocalText,
    kind: String,
    parent: Option<OrgLink>,
    leads: Vec<ActionLineRow>,
    contributes: Vec<ActionLineRow>,
    kpis: Vec<KpiRow>,
    on_time: usize,
    late: usize,
    overdue: usize,
    pending: usize,
    overdue_list: Vec<(String, String, String)>,
    services: usize,
    /// Its services' latest figures, side by side: (code, title, figures), the busiest first.
    perf: Vec<(String, LocalText, super::catalogue_pages::PerfRow)>,
    /// Services with figures beyond those shown.
    perf_more: usize,
}

/// Services shown side by side on an organisation's page; the rest are counted.
const PERF_SHOWN: usize = 50;

/// `GET /organisations/<code>`.
pub async fn organisation(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let Some(o) = s.organisations.get(&code).cloned() else {
        return Err(PageError::not_found("kind-organisation", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/organisations/{code}"),
        o.name.get(lang.0).to_owned(),
    )
    .following(&agenda_jobs::Scope::Organisation(code.clone()));
    // Reports are judged on everything received, drafts and returns included.
    let all = state.store.snapshot();
    let due: Vec<_> = reports_due(
        &all,
        agenda_core::reporting::first_reporting_period(&all),
        today,
    )
    .into_iter()
    .filter(|d| d.organisation == o.code)
    .collect();
    let count = |st: DueState| due.iter().filter(|d| d.state == st).count();
    let mut latest: Vec<(&Service, &ServiceFigure)> = s
        .services
        .values()
        .filter(|v| v.owner_code == o.code)
        .filter_map(|v| {
            super::catalogue_pages::figures_of(&s, v.code.as_str())
                .last()
                .copied()
                .map(|f| (v, f))
        })
        .collect();
    latest.sort_by(|a, b| {
        b.1.transactions
            .cmp(&a.1.transactions)
            .then(a.0.code.cmp(&b.0.code))
    });
    let perf_more = latest.len().saturating_sub(PERF_SHOWN);
    let perf = latest
        .into_iter()
        .take(PERF_SHOWN)
        .map(|(v, f)| {
            (
                v.code.to_string(),
                c.tx(&v.title),
                super::catalogue_pages::perf_row(lang.0, f),
            )
        })
        .collect();
    let page = OrganisationPage {
        perf,
        perf_more,
        name: c.tx(&o.name),
        kind: c.status("org-kind", o.kind.as_str()),
        parent: o.parent_code.as_ref().map(|p| org_name(&c, &s, p)),
        leads: s
            .action_lines
            .values()
            .filter(|a| a.lead_org == o.code)
            .map(|a| action_line_row(&c, &s, a, today))
            .collect(),
        contributes: s
            .action_lines
            .values()
            .filter(|a| a.contributing_orgs.contains(&o.code))
            .map(|a| action_line_row(&c, &s, a, today))
            .collect(),
        kpis: s
            .kpis
            .values()
            .filter(|k| k.owner_org == o.code)
            .map(|k| kpi_row(&c, &s, k, today))
            .collect(),
        on_time: count(DueState::OnTime),
        late: count(DueState::Late),
        overdue: count(DueState::Overdue),
        pending: count(DueState::Pending),
        overdue_list: due
            .iter()
            .filter(|d| d.state == DueState::Overdue)
            .map(|d| {
                (
                    d.action_line.to_string(),
                    d.period.to_string(),
                    d.deadline.to_string(),
                )
            })
            .collect(),
        services: s
            .services
            .values()
            .filter(|v| v.owner_code == o.code)
            .count(),
        o,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
