//! `/reporting`: who has sent the figures of which KPIs for this period — each KPI's latest
//! ended period, at its own frequency — by organisation.

use agenda_core::reporting::{DueState, ReportingCycle, latest_figures_due};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, LocalText, OrgLink, org_name, public, render};
use crate::AppState;

/// One organisation's figures for this period.
pub struct OrgReporting {
    code: String,
    org: OrgLink,
    sent: usize,
    overdue: usize,
    pending: usize,
    share: String,
    figures: Vec<FigureRow>,
}

/// One KPI's figure for its latest ended period.
pub struct FigureRow {
    code: String,
    title: LocalText,
    period: String,
    deadline: String,
    state: &'static str,
    state_label: String,
    class: &'static str,
}

/// `/reporting`.
#[derive(Template)]
#[template(path = "reporting.html")]
pub struct ReportingPage {
    c: Chrome,
    orgs: Vec<OrgReporting>,
}

/// `GET /reporting`.
pub async fn reporting(State(state): State<AppState>, lang: Lang) -> Response {
    let public_view = public(&state);
    // Whether a figure has arrived is public; the figure itself is not until validated, so
    // arrival is read from every figure while only public KPIs and organisations are listed.
    let all = state.store.snapshot();
    let c = Chrome::new(&state, lang, "/reporting", t(lang.0, "rep-title"));
    let due = latest_figures_due(&all, &ReportingCycle::default(), state.today());
    let mut orgs: Vec<OrgReporting> = Vec::new();
    for d in due {
        let Some(k) = public_view.kpis.get(d.kpi.as_str()) else {
            continue;
        };
        let (class, key) = match d.state {
            DueState::OnTime | DueState::Late => ("on_track", "rep-sent"),
            DueState::Overdue => ("off_track", "report-overdue"),
            DueState::Pending => ("no_recent_data", "report-pending"),
        };
        let row = FigureRow {
            code: k.code.to_string(),
            title: c.tx(&k.title),
            period: d.period.to_string(),
            deadline: d.deadline.to_string(),
            state: d.state.as_str(),
            state_label: t(lang.0, key),
            class,
        };
        let at = match orgs.iter().position(|o| o.code == d.organisation.as_str()) {
            Some(i) => i,
            None => {
                orgs.push(OrgReporting {
                    code: d.organisation.to_string(),
                    org: org_name(&c, &public_view, &d.organisation),
                    sent: 0,
                    overdue: 0,
                    pending: 0,
                    share: String::new(),
                    figures: Vec::new(),
                });
                orgs.len() - 1
            }
        };
        let o = &mut orgs[at];
        match d.state {
            DueState::OnTime | DueState::Late => o.sent += 1,
            DueState::Overdue => o.overdue += 1,
            DueState::Pending => o.pending += 1,
        }
        o.figures.push(row);
    }
    for o in &mut orgs {
        let n = o.figures.len().max(1) as f64;
        o.share = format!("{}\u{a0}%", c.num((o.sent as f64 * 100.0 / n).round()));
    }
    orgs.sort_by(|a, b| a.code.cmp(&b.code));
    render(StatusCode::OK, &ReportingPage { c, orgs })
}
