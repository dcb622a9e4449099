//! Pillars, the list of action lines with its filters, and an action line's page.

use agenda_core::progress::{action_line_progress, agenda_progress};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::i18n::t;
use super::lang::Lang;
use super::rows::{ActionLineRow, KpiRow, action_line_row, kpi_row};
use super::views::{Chrome, LocalText, Opt, OrgLink, opts, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// A pillar with its action lines.
pub struct PillarView {
    code: String,
    title: LocalText,
    description: LocalText,
    progress: String,
    progress_value: f64,
    lines: Vec<ActionLineRow>,
}

/// `/pillars`.
#[derive(Template)]
#[template(path = "pillars.html")]
pub struct PillarsPage {
    c: Chrome,
    pillars: Vec<PillarView>,
}

/// `GET /pillars`.
pub async fn pillars(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/pillars", t(lang.0, "nav-pillars"));
    let p = agenda_progress(&s, today);
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
            PillarView {
                code: pl.code.to_string(),
                title: c.tx(&pl.title),
                description: c.otx(&pl.description),
                progress: format!("{}\u{a0}%", c.num(pct)),
                progress_value: pct.round(),
                lines: s
                    .action_lines
                    .values()
                    .filter(|a| a.pillar_code == pl.code)
                    .map(|a| action_line_row(&c, &s, a, today))
                    .collect(),
            }
        })
        .collect();
    render(StatusCode::OK, &PillarsPage { c, pillars })
}

/// Filters of the action-line list, as given in the query.
#[derive(Debug, Default, Deserialize)]
pub struct AlFilter {
    pillar: Option<String>,
    status: Option<String>,
    lead: Option<String>,
    sdg: Option<String>,
}

/// `/action-lines`.
#[derive(Template)]
#[template(path = "action_lines.html")]
pub struct ActionLinesPage {
    c: Chrome,
    rows: Vec<ActionLineRow>,
    pillars: Vec<Opt>,
    statuses: Vec<Opt>,
    leads: Vec<Opt>,
    goals: Vec<Opt>,
    total: usize,
}

/// `GET /action-lines`, with optional filters `pillar`, `status`, `lead`, `sdg`.
pub async fn action_lines(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(f): PageQuery<AlFilter>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let f = AlFilter {
        pillar: f.pillar.filter(|v| !v.is_empty()),
        status: f.status.filter(|v| !v.is_empty()),
        lead: f.lead.filter(|v| !v.is_empty()),
        sdg: f.sdg.filter(|v| !v.is_empty()),
    };
    let bad = |what: &'static str, v: &str| PageError::bad_value(what, v);
    if let Some(p) = &f.pillar
        && !s.pillars.contains_key(p)
    {
        return Err(bad("filter-pillar", p));
    }
    let status = match &f.status {
        Some(v) => match ActionLineStatus::parse(v) {
            Ok(st) => Some(st),
            Err(_) => return Err(bad("filter-status", v)),
        },
        None => None,
    };
    if let Some(o) = &f.lead
        && !s.organisations.contains_key(o)
    {
        return Err(bad("filter-lead", o));
    }
    let goal = match &f.sdg {
        Some(v) => match v.parse::<u8>() {
            Ok(g) if s.sdg.goals.contains_key(&g) => Some(g),
            _ => return Err(bad("filter-sdg", v)),
        },
        None => None,
    };
    let c = Chrome::new(&state, lang, "/action-lines", t(lang.0, "nav-action-lines"));
    let rows: Vec<ActionLineRow> = s
        .action_lines
        .values()
        .filter(|a| {
            f.pillar
                .as_deref()
                .is_none_or(|p| a.pillar_code.as_str() == p)
        })
        .filter(|a| status.is_none_or(|st| a.status == st))
        .filter(|a| f.lead.as_deref().is_none_or(|o| a.lead_org.as_str() == o))
        .filter(|a| {
            goal.is_none_or(|g| {
                a.sdg_targets
                    .iter()
                    .any(|t| t.split('.').next() == Some(&g.to_string()))
            })
        })
        .map(|a| action_line_row(&c, &s, a, today))
        .collect();
    let mut leads: Vec<&Code> = s.action_lines.values().map(|a| &a.lead_org).collect();
    leads.sort();
    leads.dedup();
    let page = ActionLinesPage {
        total: s.action_lines.len(),
        pillars: opts(
            s.pillars.values().map(|p| {
                (
                    p.code.to_string(),
                    format!("{} — {}", p.code, p.title.get(lang.0)),
                )
            }),
            &f.pillar,
        ),
        statuses: opts(
            ActionLineStatus::ALL
                .iter()
                .map(|st| (st.as_str().to_owned(), c.status("al-status", st.as_str()))),
            &f.status,
        ),
        leads: opts(
            leads.into_iter().map(|o| {
                let name = s
                    .organisations
                    .get(o.as_str())
                    .map(|org| org.name.get(lang.0).to_owned())
                    .unwrap_or_default();
                (o.to_string(), format!("{o} — {name}"))
            }),
            &f.lead,
        ),
        goals: opts(
            s.sdg.goals.values().map(|g| {
                (
                    g.goal.to_string(),
                    format!("{} — {}", g.goal, g.short.get(lang.0)),
                )
            }),
            &f.sdg,
        ),
        rows,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A milestone on the timeline.
pub struct MilestoneView {
    code: String,
    title: LocalText,
    due: String,
    completed_on: String,
    status: String,
    class: &'static str,
}

/// A published progress report.
pub struct ReportView {
    period: String,
    org: OrgLink,
    narrative: LocalText,
    submitted_on: String,
}

/// A history entry. Who made the change is not shown: accounts are people, and their names
/// are not published.
pub struct HistoryRow {
    at: String,
    action: String,
    what: String,
}

/// An SDG target aligned to something.
pub struct TargetView {
    code: String,
    goal: u8,
    title: String,
}

/// An objective of an action line with the KPIs that measure it.
pub struct ObjectiveView {
    code: String,
    title: LocalText,
    /// (KPI code, title).
    kpis: Vec<(String, LocalText)>,
}

/// `/action-lines/<code>`.
#[derive(Template)]
#[template(path = "action_line.html")]
pub struct ActionLinePage {
    c: Chrome,
    a: ActionLine,
    title: LocalText,
    pillar: Option<(String, LocalText)>,
    description: LocalText,
    lead: OrgLink,
    contributors: Vec<OrgLink>,
    status: String,
    progress: String,
    progress_value: f64,
    milestones: Vec<MilestoneView>,
    kpis: Vec<KpiRow>,
    targets: Vec<TargetView>,
    legal: Vec<(String, LocalText, String)>,
    decisions: Vec<super::governance::DecisionRow>,
    objectives: Vec<ObjectiveView>,
    /// It needs a legal instrument and none names it.
    gap: bool,
    reports: Vec<ReportView>,
    /// Its validated budget lines, by year, and their total.
    budgets: Vec<super::funding::BudgetRow>,
    budget_total: super::funding::AmountsView,
    history: Vec<HistoryRow>,
}

fn sdg_target_view(s: &Snapshot, lang: &str, code: &str) -> TargetView {
    let t = s.sdg.targets.get(code);
    TargetView {
        code: code.to_owned(),
        goal: t.map(|t| t.goal).unwrap_or(0),
        title: t.map(|t| t.title.get(lang).to_owned()).unwrap_or_default(),
    }
}

/// `GET /action-lines/<code>`.
pub async fn action_line(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let Some(a) = s.action_lines.get(&code).cloned() else {
        return Err(PageError::not_found("kind-action_line", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/action-lines/{code}"),
        format!("{} {}", a.code, a.title.get(lang.0)),
    )
    .following(&agenda_jobs::Scope::ActionLine(code.clone()));
    let p = action_line_progress(&s, &code, today);
    let pct = p.as_ref().map(|p| p.progress_pct).unwrap_or(0.0);
    let mut milestones: Vec<&Milestone> = s
        .milestones
        .values()
        .filter(|m| m.action_line == a.code)
        .collect();
    milestones.sort_by_key(|m| (m.due, m.code.clone()));
    let milestones = milestones
        .into_iter()
        .map(|m| {
            let late = !matches!(m.status, MilestoneStatus::Done | MilestoneStatus::Cancelled)
                && m.due < today;
            let key = if late { "late" } else { m.status.as_str() };
            MilestoneView {
                code: m.code.to_string(),
                title: c.tx(&m.title),
                due: m.due.to_string(),
                completed_on: m.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                status: c.status("ms-status", key),
                class: if late { "late" } else { m.status.as_str() },
            }
        })
        .collect();
    let kpis = s
        .kpis
        .values()
        .filter(|k| k.action_line.as_ref() == Some(&a.code))
        .map(|k| kpi_row(&c, &s, k, today))
        .collect();
    let targets = a
        .sdg_targets
        .iter()
        .map(|t| sdg_target_view(&s, lang.0, t))
        .collect();
    let legal = s
        .legal_instruments
        .values()
        .filter(|l| l.action_lines.contains(&a.code))
        .map(|l| {
            (
                l.code.to_string(),
                c.tx(&l.title),
                c.status("legal-status", l.status.as_str()),
            )
        })
        .collect::<Vec<_>>();
    let mut decisions: Vec<&Decision> = s
        .decisions
        .values()
        .filter(|d| d.action_lines.contains(&a.code))
        .collect();
    decisions.sort_by_key(|d| (std::cmp::Reverse(d.decided_on), d.code.clone()));
    let decisions = decisions
        .into_iter()
        .map(|d| super::governance::decision_row(&c, &s, d, today))
        .collect();
    let objectives = s
        .objectives
        .values()
        .filter(|o| o.action_line == a.code)
        .map(|o| {
            let kpis = o
                .kpis
                .iter()
                .map(|k| {
                    let title = s
                        .kpis
                        .get(k.as_str())
                        .map_or_else(|| LocalText::plain(k.as_str()), |x| c.tx(&x.title));
                    (k.to_string(), title)
                })
                .collect();
            ObjectiveView {
                code: o.code.to_string(),
                title: c.tx(&o.title),
                kpis,
            }
        })
        .collect();
    let gap = a.needs_legal_instrument && legal.is_empty();
    let mut reports: Vec<&ProgressReport> = s
        .progress_reports
        .values()
        .filter(|r| r.action_line == a.code)
        .collect();
    reports.sort_by_key(|r| std::cmp::Reverse(r.period));
    let reports = reports
        .into_iter()
        .take(4)
        .map(|r| ReportView {
            period: r.period.to_string(),
            org: org_name(&c, &s, &r.submitted_by_org),
            narrative: c.otx(&r.narrative),
            submitted_on: r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let budgets = s
        .budgets_of(&code)
        .map(|b| super::funding::budget_row(&c, &s, b))
        .collect();
    let budget_total = super::funding::totals_view(&c, s.budgets_of(&code));
    let history = state
        .store
        .audit_records(Some(Kind::ActionLine), Some(&code), 20)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| HistoryRow {
            at: r.at.get(..10).unwrap_or(&r.at).to_owned(),
            action: c.t(&format!("action-{}", r.action.as_str())),
            what: changed_fields(r.before.as_deref(), r.after.as_deref()),
        })
        .collect();
    let page = ActionLinePage {
        title: c.tx(&a.title),
        pillar: s
            .pillars
            .get(a.pillar_code.as_str())
            .map(|p| (p.code.to_string(), c.tx(&p.title))),
        description: c.otx(&a.description),
        lead: org_name(&c, &s, &a.lead_org),
        contributors: a
            .contributing_orgs
            .iter()
            .map(|o| org_name(&c, &s, o))
            .collect(),
        status: c.status("al-status", a.status.as_str()),
        progress: format!("{}\u{a0}%", c.num(pct)),
        progress_value: pct.round(),
        milestones,
        kpis,
        targets,
        legal,
        decisions,
        objectives,
        gap,
        reports,
        budgets,
        budget_total,
        history,
        a,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The names of the top-level fields that differ between two JSON bodies.
fn changed_fields(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
    };
    match (parse(before), parse(after)) {
        (Some(b), Some(a)) => a
            .iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}
