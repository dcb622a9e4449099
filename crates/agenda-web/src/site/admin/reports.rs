//! The reporting workflow — draft → submitted → approved, or returned with comments and
//! resubmitted — and the dashboard of who owes what and who is late (the Digital Authority's,
//! or an organisation's own). Overdue is computed from the deadlines, never typed.

use agenda_core::model::{ProgressReport, ReportStatus};
use agenda_core::policy::may_review;
use agenda_core::reporting::{
    DueState, ReportingCycle, first_reporting_period, observations_due, reports_due,
};
use agenda_core::{Change, Code, Entity, Kind, Lang as TextLang, Period, Role, Text};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{SignedIn, encode};
use super::review_views::{action_line_name, kpi_name, org_name, quarter_of, render_admin};
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::Chrome;

fn state_word(lang: Lang, s: DueState) -> String {
    t(lang.0, &format!("report-{}", s.as_str().replace('_', "-")))
}

/// The organisation whose reports `user` writes, if bound to one.
pub(super) fn own_org(user: &SignedIn) -> Option<&Code> {
    match user.account().role {
        Role::Entity => user.account().organisation.as_ref(),
        _ => None,
    }
}

/// The page of the report of `al` for `period`.
pub(super) fn report_href(al: &Code, period: Period) -> String {
    format!("/admin/reports/{}", encode(&format!("{al}:{period}")))
}

/// A link in a trail of links above a page's heading.
pub(super) struct Crumb {
    pub href: String,
    pub label: String,
}

/// The trail of a reporting page: the entity's task list or the reviewer's list of reports.
fn crumbs(lang: Lang, user: &SignedIn) -> Vec<Crumb> {
    if own_org(user).is_some() {
        vec![Crumb {
            href: "/admin/tasks".into(),
            label: t(lang.0, "task-title"),
        }]
    } else {
        vec![Crumb {
            href: "/admin/reports".into(),
            label: t(lang.0, "admin-reports"),
        }]
    }
}

/// A report in a list.
struct ReportRow {
    href: String,
    line: String,
    period: String,
    org: String,
    deadline: String,
    due: String,
    status: String,
}

#[derive(Template)]
#[template(path = "admin/reports_list.html")]
struct ListPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    reviewer: bool,
    waiting: Vec<ReportRow>,
    mine: Vec<ReportRow>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let reviewer = may_review(&actor);
    let org = own_org(&user);
    if !reviewer && org.is_none() {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    let l = lang.0;
    let s = state.store.snapshot();
    let today = state.today();
    let due = reports_due(&s, first_reporting_period(&s), today);
    let row = |al: &Code, period: Period, org: &Code, deadline: String, due: String| {
        let status = s
            .progress_reports
            .get(&format!("{al}:{period}"))
            .map(|r| t(l, &format!("report-status-{}", r.status.as_str())))
            .unwrap_or_else(|| t(l, "admin-none"));
        ReportRow {
            href: report_href(al, period),
            line: action_line_name(&s, l, al),
            period: period.to_string(),
            org: org_name(&s, l, org),
            deadline,
            due,
            status,
        }
    };
    let mine = due
        .iter()
        .rev()
        .filter(|d| org.is_none_or(|o| *o == d.organisation))
        .take(200)
        .map(|d| {
            row(
                &d.action_line,
                d.period,
                &d.organisation,
                d.deadline.to_string(),
                state_word(lang, d.state),
            )
        })
        .collect();
    let waiting = if reviewer {
        s.progress_reports
            .values()
            .filter(|r| r.status == ReportStatus::Submitted)
            .map(|r| {
                row(
                    &r.action_line,
                    r.period,
                    &r.submitted_by_org,
                    r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
                    t(l, "report-status-submitted"),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = ListPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(&state, lang, "/admin/reports", t(l, "admin-reports")),
        reviewer,
        waiting,
        mine,
    };
    Ok(render_admin(StatusCode::OK, &page))
}

/// The action line and period of a report key (`AL-1.1:2026-Q3`).
fn parse_key(key: &str) -> Option<(Code, Period)> {
    let (al, p) = key.split_once(':')?;
    Some((Code::parse(al).ok()?, Period::parse(p).ok()?))
}

/// A message above a form, linked to the field it is about.
struct Notice {
    message: String,
    field: Option<&'static str>,
}

/// One language's narrative in the form.
struct Narrative {
    lang: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "admin/reports_form.html")]
struct FormPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    crumbs: Vec<Crumb>,
    org: String,
    line: String,
    line_href: String,
    period: String,
    status: String,
    notice: Option<Notice>,
    comment: Option<String>,
    action: String,
    csrf: String,
    version: u64,
    editable: bool,
    narratives: Vec<Narrative>,
    review: bool,
}

pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    render_form(&state, lang, &user, &key, StatusCode::OK, None).await
}

async fn render_form(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    key: &str,
    status: StatusCode,
    notice: Option<Notice>,
) -> Result<Response, PageError> {
    let l = lang.0;
    let s = state.store.snapshot();
    let Some((al, period)) = parse_key(key) else {
        return Err(PageError::not_found("kind-progress_report", key));
    };
    let Some(line) = s.action_lines.get(al.as_str()) else {
        return Err(PageError::not_found("kind-action_line", al.to_string()));
    };
    let actor = user.actor();
    let reviewer = may_review(&actor);
    if !reviewer && own_org(user) != Some(&line.lead_org) {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    let (report, version) = match state.store.versioned(Kind::ProgressReport, key).await {
        Ok((Some(Entity::ProgressReport(r)), v)) => (Some(r), v),
        Ok((_, v)) => (None, v),
        Err(e) => return Err(PageError::store(e)),
    };
    let st = report.as_ref().map_or(ReportStatus::Draft, |r| r.status);
    let narratives = ["en", "fr", "es"]
        .into_iter()
        .map(|code| Narrative {
            lang: code,
            label: t_args(
                l,
                "field-in-lang",
                &[
                    ("field", t(l, "admin-narrative")),
                    ("lang", t(code, "language-name")),
                ],
            ),
            value: report
                .as_ref()
                .and_then(|r| r.narrative.as_ref())
                .and_then(|n| {
                    TextLang::parse(code)
                        .ok()
                        .and_then(|x| n.exact(&x).map(str::to_owned))
                })
                .unwrap_or_default(),
        })
        .collect();
    let line_name = line.title.get(l).to_owned();
    let title = t_args(
        l,
        "task-report-title",
        &[("line", line_name.clone()), ("period", period.to_string())],
    );
    let path = report_href(&al, period);
    let page = FormPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(state, lang, &path, title),
        crumbs: crumbs(lang, user),
        org: org_name(&s, l, &line.lead_org),
        line: line_name,
        line_href: crate::site::views::link(lang, &format!("/action-lines/{al}")),
        period: period.to_string(),
        status: t(l, &format!("report-status-{}", st.as_str())),
        notice,
        comment: report.as_ref().and_then(|r| r.review_comment.clone()),
        action: path,
        csrf: user.0.csrf.clone(),
        version,
        editable: matches!(st, ReportStatus::Draft | ReportStatus::Returned),
        narratives,
        review: reviewer && st == ReportStatus::Submitted,
    };
    Ok(render_admin(status, &page))
}

pub(super) async fn act(
    State(state): State<AppState>,
    lang: Lang,
    Path(key): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let s = state.store.snapshot();
    let Some((al, period)) = parse_key(&key) else {
        return Err(PageError::not_found("kind-progress_report", key));
    };
    let Some(line) = s.action_lines.get(al.as_str()) else {
        return Err(PageError::not_found("kind-action_line", al.to_string()));
    };
    let actor = user.actor();
    let mut report = s
        .progress_reports
        .get(&key)
        .cloned()
        .unwrap_or(ProgressReport {
            action_line: al.clone(),
            period,
            submitted_by_org: line.lead_org.clone(),
            status: ReportStatus::Draft,
            narrative: None,
            submitted_on: None,
            review_comment: None,
        });
    let from = report.status;
    let action = f.get("action").map(String::as_str).unwrap_or("");
    macro_rules! refuse {
        ($msg:expr, $field:expr) => {
            return render_form(
                &state,
                lang,
                &user,
                &key,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Notice {
                    message: $msg,
                    field: $field,
                }),
            )
            .await
        };
    }
    let editable = matches!(from, ReportStatus::Draft | ReportStatus::Returned);
    match action {
        "save" | "submit" if editable => {
            let texts: Vec<(TextLang, String)> = ["en", "fr", "es"]
                .iter()
                .filter_map(|l| {
                    let v = f.get(&format!("narrative_{l}"))?.trim().to_owned();
                    (!v.is_empty()).then(|| TextLang::parse(l).ok().map(|x| (x, v)))?
                })
                .collect();
            report.narrative = if texts.is_empty() {
                None
            } else {
                match Text::new(texts) {
                    Ok(t) => Some(t),
                    Err(e) => refuse!(
                        format!(
                            "{}: {}",
                            t(lang.0, "admin-narrative"),
                            super::forms::expected_in(lang.0, e.kind)
                        ),
                        Some("n-en")
                    ),
                }
            };
            if action == "submit" {
                if report.narrative.is_none() {
                    refuse!(t(lang.0, "admin-narrative-needed"), Some("n-en"));
                }
                report.status = ReportStatus::Submitted;
                report.submitted_on = Some(state.today());
            }
        }
        "approve" | "return" if from == ReportStatus::Submitted => {
            if !may_review(&actor) {
                return Err(PageError::forbidden("admin-reviewers-only"));
            }
            let comment = f.get("comment").map(|c| c.trim()).unwrap_or("");
            if action == "return" {
                if comment.is_empty() {
                    refuse!(t(lang.0, "admin-comment-needed"), Some("comment"));
                }
                report.status = ReportStatus::Returned;
                report.review_comment = Some(comment.to_owned());
            } else {
                report.status = ReportStatus::Approved;
                if !comment.is_empty() {
                    report.review_comment = Some(comment.to_owned());
                }
            }
        }
        _ => {
            refuse!(t(lang.0, "admin-not-now"), None);
        }
    }
    let change = Change::Upsert(Entity::ProgressReport(report));
    let version = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, actor, Some(state.today())),
            vec![change],
            vec![(Kind::ProgressReport, key.clone(), version)],
        )
        .await
    {
        Err(StoreError::Denied(why)) => Err(PageError::denied(why)),
        // The organisation goes on to the figures that go with the report.
        Ok(_) if action == "submit" && own_org(&user).is_some() => {
            Ok(Redirect::to(&format!("/admin/tasks/{period}/figures")).into_response())
        }
        Ok(_) => Ok(Redirect::to(&report_href(&al, period)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            render_form(
                &state,
                lang,
                &user,
                &key,
                StatusCode::CONFLICT,
                Some(Notice {
                    message: t(lang.0, "admin-conflict"),
                    field: None,
                }),
            )
            .await
        }
        Err(StoreError::Invalid(p)) => {
            let msg = p
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            refuse!(msg, None)
        }
        Err(e) => Err(PageError::store(e)),
    }
}

/// One organisation's reporting record on the dashboard.
#[derive(Default)]
struct Counts {
    org: String,
    owed: usize,
    received: usize,
    late: usize,
    overdue: usize,
    rate: String,
}

/// Something overdue, as a link to it.
struct Overdue {
    org: String,
    what: String,
    period: String,
    deadline: String,
    href: String,
}

#[derive(Template)]
#[template(path = "admin/reports_dashboard.html")]
struct DashboardPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    intro: String,
    rows: Vec<Counts>,
    overdue: Vec<Overdue>,
    /// Decisions of the governance bodies: an organisation's pending ones, or every overdue
    /// one for reviewers.
    decisions: Vec<Overdue>,
    tasks: bool,
}

/// `GET /admin/dashboard`: every organisation's record for reviewers, its own for an entity.
pub(super) async fn dashboard(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    let l = lang.0;
    let reviewer = may_review(&user.actor());
    let mine = own_org(&user);
    if !reviewer && mine.is_none() {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    let ours = |org: &Code| reviewer || mine == Some(org);
    let s = state.store.snapshot();
    let today = state.today();
    let reports = reports_due(&s, first_reporting_period(&s), today);
    let figures = observations_due(&s, &ReportingCycle::default(), today);
    let mut per_org: std::collections::BTreeMap<&Code, Counts> = Default::default();
    let states = reports
        .iter()
        .map(|r| (&r.organisation, r.state))
        .chain(figures.iter().map(|o| (&o.organisation, o.state)))
        .filter(|(org, _)| ours(org));
    for (org, st) in states {
        let c = per_org.entry(org).or_default();
        if st != DueState::Pending {
            c.owed += 1;
        }
        match st {
            DueState::OnTime => c.received += 1,
            DueState::Late => {
                c.received += 1;
                c.late += 1;
            }
            DueState::Overdue => c.overdue += 1,
            DueState::Pending => {}
        }
    }
    let rows = per_org
        .into_iter()
        .map(|(org, mut c)| {
            c.org = org_name(&s, l, org);
            c.rate = match (c.received * 100).checked_div(c.owed) {
                Some(r) => format!("{r}\u{a0}%"),
                None => "—".to_owned(),
            };
            c
        })
        .collect();
    let overdue = reports
        .iter()
        .filter(|r| r.state == DueState::Overdue && ours(&r.organisation))
        .map(|r| Overdue {
            org: org_name(&s, l, &r.organisation),
            what: action_line_name(&s, l, &r.action_line),
            period: r.period.to_string(),
            deadline: r.deadline.to_string(),
            href: report_href(&r.action_line, r.period),
        })
        .chain(
            figures
                .iter()
                .filter(|o| o.state == DueState::Overdue && ours(&o.organisation))
                .map(|o| Overdue {
                    org: org_name(&s, l, &o.organisation),
                    what: kpi_name(&s, l, &o.kpi),
                    period: o.period.to_string(),
                    deadline: o.deadline.to_string(),
                    // The organisation enters it; others read the KPI.
                    href: if mine.is_some() {
                        format!(
                            "/admin/tasks/{}/figures#f-{}-{}",
                            quarter_of(o.period),
                            o.kpi,
                            o.period
                        )
                    } else {
                        crate::site::views::link(lang, &format!("/kpis/{}", o.kpi))
                    },
                }),
        )
        .collect();
    let decisions = s
        .decisions
        .values()
        .filter_map(|d| {
            let org = d.acting_org.as_ref().filter(|o| ours(o))?;
            let st = agenda_core::governance::state(d, today);
            let shown = if mine.is_some() && !reviewer {
                st.pending()
            } else {
                st == agenda_core::governance::DecisionState::Overdue
            };
            shown.then(|| Overdue {
                org: org_name(&s, l, org),
                what: format!("{} — {}", d.code, d.title.get(l)),
                period: t(l, &format!("decision-status-{}", st.as_str())),
                deadline: d.due.map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
                href: super::decisions::follow_up_href(d.code.as_str()),
            })
        })
        .collect();
    let intro = match mine {
        Some(org) if !reviewer => t_args(l, "task-dashboard-own", &[("org", org_name(&s, l, org))]),
        _ => t(l, "admin-dashboard-intro"),
    };
    let page = DashboardPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(&state, lang, "/admin/dashboard", t(l, "admin-dashboard")),
        intro,
        rows,
        overdue,
        decisions,
        tasks: mine.is_some(),
    };
    Ok(render_admin(StatusCode::OK, &page))
}
