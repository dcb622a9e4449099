//! The regulatory plan: the legal instruments the agenda needs and where each stands, and the
//! regulatory gaps: action lines that need an instrument no one has started.

use agenda_core::*;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, LocalText, OrgLink, org_name, public, render};
use crate::AppState;

/// A legal instrument row.
pub struct LegalRow {
    code: String,
    title: LocalText,
    kind: String,
    status: String,
    org: OrgLink,
    target: String,
    adopted: String,
    overdue: bool,
    lines: Vec<String>,
}

/// `/regulatory-plan`.
#[derive(Template)]
#[template(path = "regulatory_plan.html")]
pub struct RegulatoryPage {
    c: Chrome,
    rows: Vec<LegalRow>,
    /// Action lines that need a legal instrument and have none: code, title, lead.
    gaps: Vec<(String, LocalText, OrgLink)>,
    /// How many instruments are past their target date.
    late: usize,
}

/// `GET /regulatory-plan`.
pub async fn regulatory_plan(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(
        &state,
        lang,
        "/regulatory-plan",
        t(lang.0, "nav-regulatory-plan"),
    );
    let rows = s
        .legal_instruments
        .values()
        .map(|l| LegalRow {
            code: l.code.to_string(),
            title: c.tx(&l.title),
            kind: c.status("legal-kind", l.kind.as_str()),
            status: c.status("legal-status", l.status.as_str()),
            org: org_name(&c, &s, &l.responsible_org),
            target: l.target_date.map(|d| d.to_string()).unwrap_or_default(),
            adopted: l.adopted_on.map(|d| d.to_string()).unwrap_or_default(),
            overdue: l.status != LegalStatus::Adopted && l.target_date.is_some_and(|d| d < today),
            lines: l.action_lines.iter().map(ToString::to_string).collect(),
        })
        .collect::<Vec<LegalRow>>();
    let gaps = agenda_core::governance::regulatory_gaps(&s)
        .into_iter()
        .map(|a| {
            (
                a.code.to_string(),
                c.tx(&a.title),
                org_name(&c, &s, &a.lead_org),
            )
        })
        .collect();
    let late = rows.iter().filter(|r| r.overdue).count();
    render(
        StatusCode::OK,
        &RegulatoryPage {
            c,
            rows,
            gaps,
            late,
        },
    )
}
