//! An organisation's home: the task list of what it owes this reporting cycle, and "report
//! this quarter" as one flow — the report form (in `reports`), then one page of the KPI figures
//! that go with it, then a confirmation of what was submitted. The reporting rules are
//! agenda-core's; every write goes through the store's write path, whose policy decides.

use std::collections::BTreeMap;

use agenda_core::model::{Observation, ObservationStatus, ReportStatus};
use agenda_core::reporting::{
    DueState, ObservationDue, ReportingCycle, first_reporting_period, observations_due,
    observations_due_with, reports_due,
};
use agenda_core::{Change, Code, Date, Entity, Frequency, Kind, Period, Snapshot};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::reports::{Crumb, own_org, report_href};
use super::review_views::{
    action_line_name, kpi_name, org_name, quarter_of, render_admin, unit_word,
};
use super::write_refused;
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::{Chrome, fmt_num};

/// Where one thing owed stands, in words for the person who owes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TaskState {
    ToDo,
    Draft,
    Submitted,
    Returned,
    Accepted,
    Overdue,
}

impl TaskState {
    fn key(self) -> &'static str {
        match self {
            Self::ToDo => "task-to-do",
            Self::Draft => "task-draft",
            Self::Submitted => "task-submitted",
            Self::Returned => "task-returned",
            Self::Accepted => "task-accepted",
            Self::Overdue => "task-overdue",
        }
    }

    /// Still to be done by the organisation.
    fn open(self) -> bool {
        matches!(
            self,
            Self::ToDo | Self::Draft | Self::Returned | Self::Overdue
        )
    }
}

fn report_state(s: &Snapshot, al: &Code, period: Period, due: DueState) -> TaskState {
    match s
        .progress_reports
        .get(&format!("{al}:{period}"))
        .map(|r| r.status)
    {
        Some(ReportStatus::Returned) => TaskState::Returned,
        Some(ReportStatus::Submitted) => TaskState::Submitted,
        Some(ReportStatus::Approved | ReportStatus::Published) => TaskState::Accepted,
        _ if due == DueState::Overdue => TaskState::Overdue,
        Some(ReportStatus::Draft) => TaskState::Draft,
        None => TaskState::ToDo,
    }
}

fn figure_state(s: &Snapshot, o: &ObservationDue) -> TaskState {
    match s
        .observations
        .get(&format!("{}:{}", o.kpi, o.period))
        .filter(|x| x.disaggregation.is_none())
        .map(|x| x.status)
    {
        Some(ObservationStatus::Validated) => TaskState::Accepted,
        Some(ObservationStatus::Submitted) => TaskState::Submitted,
        _ if o.state == DueState::Overdue => TaskState::Overdue,
        Some(ObservationStatus::Draft) => TaskState::Draft,
        None => TaskState::ToDo,
    }
}

/// One line of the task list.
#[derive(Template)]
#[template(path = "admin/task_item.html")]
struct Task {
    what: String,
    href: String,
    period: String,
    /// "due 2026-10-15".
    due: String,
    state: String,
    overdue: bool,
    /// Still to be done by the organisation.
    open: bool,
}

impl askama::filters::HtmlSafe for Task {}

impl Task {
    fn new(
        l: &str,
        what: String,
        href: String,
        period: Period,
        deadline: Date,
        st: TaskState,
    ) -> Self {
        Self {
            what,
            href,
            period: period.to_string(),
            due: t_args(l, "task-due", &[("date", deadline.to_string())]),
            state: t(l, st.key()),
            overdue: st == TaskState::Overdue,
            open: st.open(),
        }
    }
}

/// The tasks of one quarter: those still to do, then those done, folded away so that a long
/// list stays short on a phone.
struct TaskGroup {
    quarter: String,
    /// "3 to do, 2 done".
    counts: String,
    open: Vec<Task>,
    done: Vec<Task>,
}

/// `tasks`, each with its quarter, by quarter (the earliest first), each in the given order.
fn by_quarter(l: &str, tasks: impl IntoIterator<Item = (Period, Task)>) -> Vec<TaskGroup> {
    let mut groups: BTreeMap<Period, (Vec<Task>, Vec<Task>)> = BTreeMap::new();
    for (q, task) in tasks {
        let (open, done) = groups.entry(q).or_default();
        if task.open { open } else { done }.push(task);
    }
    groups
        .into_iter()
        .map(|(q, (open, done))| TaskGroup {
            quarter: q.to_string(),
            counts: t_args(
                l,
                "task-group-counts",
                &[
                    ("open", open.len().to_string()),
                    ("done", done.len().to_string()),
                ],
            ),
            open,
            done,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/reports_tasks.html")]
struct TasksPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    org: String,
    cycle: String,
    start: Option<String>,
    reports: Vec<TaskGroup>,
    figures: Vec<TaskGroup>,
    /// The governance bodies' decisions the organisation must still act on.
    decisions: Vec<Task>,
}

/// The decisions `org` must still act on, overdue ones first, as tasks.
fn decision_tasks(s: &Snapshot, l: &str, org: &Code, today: Date) -> Vec<Task> {
    agenda_core::governance::pending_for(s, org, today)
        .into_iter()
        .map(|d| {
            let st = agenda_core::governance::state(d, today);
            Task {
                what: format!("{} — {}", d.code, d.title.get(l)),
                href: super::decisions::follow_up_href(d.code.as_str()),
                period: s
                    .governance_bodies
                    .get(d.body.as_str())
                    .map_or_else(|| d.body.to_string(), |b| b.name.get(l).to_owned()),
                due: d
                    .due
                    .map(|due| t_args(l, "task-due", &[("date", due.to_string())]))
                    .unwrap_or_else(|| t(l, "gov-no-due")),
                state: t(l, &format!("decision-status-{}", st.as_str())),
                overdue: st == agenda_core::governance::DecisionState::Overdue,
                open: true,
            }
        })
        .collect()
}

/// The quarter of the current reporting cycle: the last one that has ended.
fn current_quarter(today: agenda_core::Date) -> Period {
    Period::last_ended(Frequency::Quarterly, today)
}

/// `GET /admin/tasks`: what the user's organisation owes this cycle, and what is still open
/// from earlier ones.
pub(super) async fn list(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let Some(org) = own_org(&user) else {
        return Redirect::to("/admin/dashboard").into_response();
    };
    let l = lang.0;
    let s = state.store.snapshot();
    let today = state.today();
    let current = current_quarter(today);
    let mut reports: Vec<(Date, Period, Task, bool)> =
        reports_due(&s, first_reporting_period(&s), today)
            .into_iter()
            .filter(|r| &r.organisation == org)
            .filter_map(|r| {
                let st = report_state(&s, &r.action_line, r.period, r.state);
                (r.period == current || st.open()).then(|| {
                    let task = Task::new(
                        l,
                        action_line_name(&s, l, &r.action_line),
                        report_href(&r.action_line, r.period),
                        r.period,
                        r.deadline,
                        st,
                    );
                    (
                        r.deadline,
                        quarter_of(r.period),
                        task,
                        r.period == current && st.open(),
                    )
                })
            })
            .collect();
    reports.sort_by_key(|(d, _, _, _)| *d);
    let mut figures: Vec<(Date, Period, Task)> =
        observations_due(&s, &ReportingCycle::default(), today)
            .into_iter()
            .filter(|o| &o.organisation == org)
            .filter_map(|o| {
                let st = figure_state(&s, &o);
                let q = quarter_of(o.period);
                (q == current || st.open()).then(|| {
                    let task = Task::new(
                        l,
                        kpi_name(&s, l, &o.kpi),
                        format!("/admin/tasks/{q}/figures#f-{}-{}", o.kpi, o.period),
                        o.period,
                        o.deadline,
                        st,
                    );
                    (o.deadline, q, task)
                })
            })
            .collect();
    figures.sort_by_key(|(d, _, _)| *d);
    // "Report this quarter" starts at the first open report of the cycle, else at its figures.
    let start = reports
        .iter()
        .find(|(_, _, _, open_now)| *open_now)
        .map(|(_, _, task, _)| task.href.clone())
        .or_else(|| {
            figures
                .iter()
                .any(|(_, q, _)| *q == current)
                .then(|| format!("/admin/tasks/{current}/figures"))
        });
    let page = TasksPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(&state, lang, "/admin/tasks", t(l, "task-title")),
        org: org_name(&s, l, org),
        cycle: t_args(l, "task-cycle", &[("period", current.to_string())]),
        start,
        decisions: decision_tasks(&s, l, org, today),
        reports: by_quarter(l, reports.into_iter().map(|(_, q, task, _)| (q, task))),
        figures: by_quarter(l, figures.into_iter().map(|(_, q, f)| (q, f))),
    };
    render_admin(StatusCode::OK, &page)
}

/// One figure owed, as a field of the figures page.
struct FigureField {
    id: String,
    name: String,
    version_name: String,
    kpi: String,
    kpi_href: String,
    period: String,
    unit: String,
    last: String,
    target: String,
    deadline: String,
    state: String,
    value: String,
    /// The stored figure as people read it.
    shown: String,
    version: u64,
    editable: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/reports_figures.html")]
struct FiguresPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    crumbs: Vec<Crumb>,
    org: String,
    period: String,
    csrf: String,
    action: String,
    fields: Vec<FigureField>,
    errors: Vec<(String, String)>,
    notice: Option<String>,
}

fn quarter_param(period: &str) -> Option<Period> {
    Period::parse(period)
        .ok()
        .filter(|p| matches!(p, Period::Quarter(..)))
}

/// The last figure of `kpi` before `period`, with its period, in words.
fn last_value(s: &Snapshot, lang: &str, kpi: &agenda_core::Kpi, before: Period) -> String {
    s.observations
        .values()
        .filter(|o| {
            o.kpi == kpi.code && o.disaggregation.is_none() && o.period.end() < before.end()
        })
        .max_by_key(|o| o.period.end())
        .map_or_else(
            || t(lang, "task-no-value"),
            |o| format!("{} ({})", fmt_num(lang, o.value), o.period),
        )
}

/// What the figures form was sent with, when it is shown again.
#[derive(Default)]
struct Sent {
    /// The fields as typed.
    entered: BTreeMap<String, String>,
    /// Field name → what is wrong with it.
    problems: BTreeMap<String, String>,
    notice: Option<String>,
}

/// The figures page of `user`'s organisation for `quarter`.
async fn figures_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    quarter: Period,
    status: StatusCode,
    sent: Sent,
) -> Result<Response, PageError> {
    let l = lang.0;
    let Some(org) = own_org(user) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let Sent {
        entered,
        problems,
        notice,
    } = sent;
    let s = state.store.snapshot();
    let owed = observations_due_with(&s, &ReportingCycle::default(), org, quarter, state.today());
    let mut fields = Vec::new();
    for o in &owed {
        let Some(kpi) = s.kpis.get(o.kpi.as_str()) else {
            continue;
        };
        let key = format!("{}:{}", o.kpi, o.period);
        let (existing, version) = match state.store.versioned(Kind::Observation, &key).await {
            Ok((Some(Entity::Observation(x)), v)) => (Some(x), v),
            Ok((_, v)) => (None, v),
            Err(e) => return Err(PageError::store(e)),
        };
        let st = figure_state(&s, o);
        let name = format!("figure:{key}");
        fields.push(FigureField {
            id: format!("f-{}-{}", o.kpi, o.period),
            value: entered
                .get(&name)
                .cloned()
                .or_else(|| existing.as_ref().map(|x| x.value.to_string()))
                .unwrap_or_default(),
            shown: existing
                .as_ref()
                .map(|x| fmt_num(l, x.value))
                .unwrap_or_default(),
            error: problems.get(&name).cloned(),
            version_name: format!("version:{key}"),
            name,
            kpi: kpi.title.get(l).to_owned(),
            kpi_href: crate::site::views::link(lang, &format!("/kpis/{}", kpi.code)),
            period: o.period.to_string(),
            unit: unit_word(l, kpi.unit),
            last: last_value(&s, l, kpi, o.period),
            target: format!("{} ({})", fmt_num(l, kpi.target_value), kpi.target_date),
            deadline: o.deadline.to_string(),
            state: t(l, st.key()),
            version,
            editable: st != TaskState::Accepted,
        });
    }
    let errors = fields
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| (f.id.clone(), format!("{} ({}): {e}", f.kpi, f.period)))
        })
        .collect();
    let action = format!("/admin/tasks/{quarter}/figures");
    let page = FiguresPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(
            state,
            lang,
            &action,
            t_args(l, "task-figures-title", &[("period", quarter.to_string())]),
        ),
        crumbs: vec![Crumb {
            href: "/admin/tasks".into(),
            label: t(l, "task-title"),
        }],
        org: org_name(&s, l, org),
        period: quarter.to_string(),
        csrf: user.0.csrf.clone(),
        action,
        fields,
        errors,
        notice,
    };
    Ok(render_admin(status, &page))
}

/// `GET /admin/tasks/<quarter>/figures`: one field per KPI figure the organisation owes with
/// its report for the quarter.
pub(super) async fn figures(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(period): Path<String>,
) -> Result<Response, PageError> {
    let Some(quarter) = quarter_param(&period) else {
        return Err(PageError::not_found("kind-quarter", period));
    };
    figures_page(
        &state,
        lang,
        &user,
        quarter,
        StatusCode::OK,
        Sent::default(),
    )
    .await
}

/// A number as people type it: `1234.5`, `1 234,5` or `1234,5`.
fn parse_figure(v: &str) -> Option<f64> {
    let v: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let v = if v.contains('.') {
        v
    } else {
        v.replace(',', ".")
    };
    agenda_core::values::parse_number(&v).ok()
}

/// `POST /admin/tasks/<quarter>/figures`: every figure entered, saved in one write as
/// submitted; then the confirmation.
pub(super) async fn save_figures(
    State(state): State<AppState>,
    lang: Lang,
    Path(period): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let l = lang.0;
    let Some(quarter) = quarter_param(&period) else {
        return Err(PageError::not_found("kind-quarter", period));
    };
    let s = state.store.snapshot();
    let mut changes = Vec::new();
    let mut expected = Vec::new();
    let mut problems = BTreeMap::new();
    for (name, raw) in f.iter().filter(|(n, _)| n.starts_with("figure:")) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let key = &name["figure:".len()..];
        let Some((kpi, p)) = key
            .split_once(':')
            .and_then(|(k, p)| Some((Code::parse(k).ok()?, Period::parse(p).ok()?)))
        else {
            problems.insert(name.clone(), t(l, "task-not-a-figure"));
            continue;
        };
        let Some(value) = parse_figure(raw) else {
            problems.insert(name.clone(), t(l, "task-not-a-number"));
            continue;
        };
        let before = s
            .observations
            .get(key)
            .filter(|o| o.disaggregation.is_none());
        // A figure sent again unchanged is not written again.
        if before.is_some_and(|o| o.value == value && o.status != ObservationStatus::Draft) {
            continue;
        }
        changes.push(Change::Upsert(Entity::Observation(Observation {
            kpi,
            period: p,
            value,
            status: ObservationStatus::Submitted,
            disaggregation: None,
            note: before.and_then(|o| o.note.clone()),
            flag: before.and_then(|o| o.flag),
        })));
        let version = f
            .get(&format!("version:{key}"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        expected.push((Kind::Observation, key.to_owned(), version));
    }
    if !problems.is_empty() {
        let sent = Sent {
            entered: f,
            problems,
            notice: None,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return figures_page(&state, lang, &user, quarter, status, sent).await;
    }
    if !changes.is_empty() {
        let written = state
            .store
            .apply_as(
                Writer::actor(&user.account().username, user.actor(), Some(state.today())),
                changes,
                expected,
            )
            .await;
        match written {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => {
                let sent = Sent {
                    entered: f,
                    problems: BTreeMap::new(),
                    notice: Some(t(l, "task-figures-conflict")),
                };
                return figures_page(&state, lang, &user, quarter, StatusCode::CONFLICT, sent)
                    .await;
            }
            Err(e) => return Ok(write_refused(&state, lang, &t(l, "task-figures"), e)),
        }
    }
    Ok(Redirect::to(&format!("/admin/tasks/{quarter}/done")).into_response())
}

/// Something submitted, on the confirmation page.
struct SentItem {
    what: String,
    href: String,
    period: String,
    detail: String,
    state: String,
}

#[derive(Template)]
#[template(path = "admin/reports_done.html")]
struct DonePage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    crumbs: Vec<Crumb>,
    org: String,
    reports: Vec<SentItem>,
    figures: Vec<SentItem>,
    open: usize,
}

/// `GET /admin/tasks/<quarter>/done`: what the organisation has submitted for the quarter.
pub(super) async fn done(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(period): Path<String>,
) -> Result<Response, PageError> {
    let Some(org) = own_org(&user).cloned() else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let Some(quarter) = quarter_param(&period) else {
        return Err(PageError::not_found("kind-quarter", period));
    };
    let l = lang.0;
    let s = state.store.snapshot();
    let today = state.today();
    let due = reports_due(&s, first_reporting_period(&s), today);
    let mine = due
        .iter()
        .filter(|r| r.organisation == org && r.period == quarter);
    let mut open = 0;
    let mut reports = Vec::new();
    for r in mine {
        let st = report_state(&s, &r.action_line, r.period, r.state);
        if st.open() {
            open += 1;
        }
        reports.push(SentItem {
            what: action_line_name(&s, l, &r.action_line),
            href: report_href(&r.action_line, r.period),
            period: r.period.to_string(),
            detail: r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
            state: t(l, st.key()),
        });
    }
    let mut figures = Vec::new();
    for o in observations_due_with(&s, &ReportingCycle::default(), &org, quarter, today) {
        let st = figure_state(&s, &o);
        if st.open() {
            open += 1;
        }
        let value = s
            .observations
            .get(&format!("{}:{}", o.kpi, o.period))
            .filter(|x| x.disaggregation.is_none());
        let unit = s.kpis.get(o.kpi.as_str()).map(|k| unit_word(l, k.unit));
        figures.push(SentItem {
            what: kpi_name(&s, l, &o.kpi),
            href: format!("/admin/tasks/{quarter}/figures#f-{}-{}", o.kpi, o.period),
            period: o.period.to_string(),
            detail: value
                .map(|x| format!("{} {}", fmt_num(l, x.value), unit.unwrap_or_default()))
                .unwrap_or_default(),
            state: t(l, st.key()),
        });
    }
    let page = DonePage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(
            &state,
            lang,
            &format!("/admin/tasks/{quarter}/done"),
            t_args(l, "task-done-title", &[("period", quarter.to_string())]),
        ),
        crumbs: vec![Crumb {
            href: "/admin/tasks".into(),
            label: t(l, "task-title"),
        }],
        org: org_name(&s, l, &org),
        reports,
        figures,
        open,
    };
    Ok(render_admin(StatusCode::OK, &page))
}
