//! The reporting workflow — draft → submitted → approved, or returned with comments and
//! resubmitted — and the Digital Authority's dashboard of who owes what and who is late.
//! Overdue is computed from the deadlines, never typed.

use agenda_core::model::{ProgressReport, ReportStatus};
use agenda_core::policy::may_review;
use agenda_core::reporting::{
    DueState, ReportingCycle, first_reporting_period, observations_due, reports_due,
};
use agenda_core::{Change, Code, Entity, Kind, Lang as TextLang, Period, Role, Text};
use agenda_store::{StoreError, Writer};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{SignedIn, encode};
use super::{csrf_input, fields_of, forbidden, page, store_failure};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::t;
use crate::site::pages::esc;

fn state_word(lang: Lang, s: DueState) -> String {
    t(lang.0, &format!("report-{}", s.as_str().replace('_', "-")))
}

/// The organisation whose reports `user` writes, if bound to one.
fn own_org(user: &SignedIn) -> Option<&Code> {
    match user.account().role {
        Role::Entity => user.account().organisation.as_ref(),
        _ => None,
    }
}

pub(super) async fn list(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let actor = user.actor();
    let reviewer = may_review(&actor);
    let org = own_org(&user);
    if !reviewer && org.is_none() {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    }
    let s = state.store.snapshot();
    let today = state.today();
    let due = reports_due(&s, first_reporting_period(&s), today);
    let row = |al: &Code, period: Period, org: &Code, deadline: String, st: String| {
        let key = format!("{al}:{period}");
        let status = s
            .progress_reports
            .get(&key)
            .map(|r| t(lang.0, &format!("report-status-{}", r.status.as_str())))
            .unwrap_or_else(|| t(lang.0, "admin-none"));
        format!(
            r#"<tr><td><a href="/admin/reports/{}">{} {}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            encode(&key),
            esc(al.as_str()),
            period,
            esc(org.as_str()),
            deadline,
            esc(&st),
            esc(&status)
        )
    };
    let mine: String = due
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
    let waiting: String = if reviewer {
        s.progress_reports
            .values()
            .filter(|r| r.status == ReportStatus::Submitted)
            .map(|r| {
                row(
                    &r.action_line,
                    r.period,
                    &r.submitted_by_org,
                    r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
                    t(lang.0, "report-status-submitted"),
                )
            })
            .collect()
    } else {
        String::new()
    };
    let head = format!(
        r#"<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>"#,
        esc(&t(lang.0, "admin-report")),
        esc(&t(lang.0, "admin-organisation")),
        esc(&t(lang.0, "admin-deadline")),
        esc(&t(lang.0, "admin-due-state")),
        esc(&t(lang.0, "admin-status")),
    );
    let mut body = String::new();
    if reviewer {
        body.push_str(&format!(
            "<h2>{}</h2><table>{head}<tbody>{waiting}</tbody></table>",
            esc(&t(lang.0, "admin-awaiting-review"))
        ));
    }
    body.push_str(&format!(
        "<h2>{}</h2><table>{head}<tbody>{mine}</tbody></table>",
        esc(&t(lang.0, "admin-reports-due"))
    ));
    page(
        &state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-reports"),
        body,
    )
}

/// The action line and period of a report key (`AL-1.1:2026-Q3`).
fn parse_key(key: &str) -> Option<(Code, Period)> {
    let (al, p) = key.split_once(':')?;
    Some((Code::parse(al).ok()?, Period::parse(p).ok()?))
}

pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(key): Path<String>,
) -> Response {
    render_form(&state, lang, &user, &key, StatusCode::OK, None).await
}

async fn render_form(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    key: &str,
    status: StatusCode,
    notice: Option<String>,
) -> Response {
    let s = state.store.snapshot();
    let Some((al, period)) = parse_key(key) else {
        return crate::site::not_found_page(state, lang, key.to_owned()).await;
    };
    let Some(line) = s.action_lines.get(al.as_str()) else {
        return crate::site::not_found_page(state, lang, al.to_string()).await;
    };
    let actor = user.actor();
    let reviewer = may_review(&actor);
    if !reviewer && own_org(user) != Some(&line.lead_org) {
        return forbidden(state, lang, &t(lang.0, "admin-not-yours"));
    }
    let (report, version) = match state.store.versioned(Kind::ProgressReport, key).await {
        Ok((Some(Entity::ProgressReport(r)), v)) => (Some(r), v),
        Ok((_, v)) => (None, v),
        Err(e) => return store_failure(state, lang, e),
    };
    let st = report.as_ref().map_or(ReportStatus::Draft, |r| r.status);
    let editable = matches!(st, ReportStatus::Draft | ReportStatus::Returned);
    let csrf = csrf_input(&user.0.csrf);
    let narrative = |l: &str| {
        report
            .as_ref()
            .and_then(|r| r.narrative.as_ref())
            .and_then(|n| {
                TextLang::parse(l)
                    .ok()
                    .and_then(|x| n.exact(&x).map(str::to_owned))
            })
            .unwrap_or_default()
    };
    let mut body = format!(
        "<p>{}: <strong>{}</strong></p>",
        esc(&t(lang.0, "admin-status")),
        esc(&t(lang.0, &format!("report-status-{}", st.as_str())))
    );
    if let Some(n) = notice {
        body.push_str(&format!(
            r#"<div class="error" role="alert"><p>{}</p></div>"#,
            esc(&n)
        ));
    }
    if let Some(c) = report.as_ref().and_then(|r| r.review_comment.as_ref()) {
        body.push_str(&format!(
            "<h2>{}</h2><p>{}</p>",
            esc(&t(lang.0, "admin-review-comment")),
            esc(c)
        ));
    }
    let action = format!("/admin/reports/{}", encode(key));
    if editable {
        let areas: String = ["en", "fr", "es"]
            .iter()
            .map(|l| {
                format!(
                    r#"<p><label for="n-{l}">{} ({l})</label><br><textarea id="n-{l}" name="narrative_{l}" rows="8" lang="{l}">{}</textarea></p>"#,
                    esc(&t(lang.0, "admin-narrative")),
                    esc(&narrative(l))
                )
            })
            .collect();
        body.push_str(&format!(
            r#"<form method="post" action="{action}" class="admin">{csrf}<input type="hidden" name="version" value="{version}">{areas}
<p><button type="submit" name="action" value="save">{save}</button> <button type="submit" name="action" value="submit">{submit}</button></p></form>"#,
            save = esc(&t(lang.0, "admin-save-draft")),
            submit = esc(&t(lang.0, "admin-submit")),
        ));
    } else {
        for l in ["en", "fr", "es"] {
            let n = narrative(l);
            if !n.is_empty() {
                body.push_str(&format!(r#"<p lang="{l}">{}</p>"#, esc(&n)));
            }
        }
    }
    if reviewer && st == ReportStatus::Submitted {
        body.push_str(&format!(
            r#"<h2>{h}</h2><form method="post" action="{action}" class="admin">{csrf}<input type="hidden" name="version" value="{version}">
<p><label for="comment">{c}</label><br><textarea id="comment" name="comment" rows="4"></textarea></p>
<p><button type="submit" name="action" value="approve">{a}</button> <button type="submit" name="action" value="return">{r}</button></p></form>"#,
            h = esc(&t(lang.0, "admin-review")),
            c = esc(&t(lang.0, "admin-review-comment")),
            a = esc(&t(lang.0, "admin-approve")),
            r = esc(&t(lang.0, "admin-return")),
        ));
    }
    let title = format!("{} {al} {period}", t(lang.0, "admin-report"));
    page(state, lang, status, &title, body)
}

pub(super) async fn act(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(key): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let s = state.store.snapshot();
    let Some((al, period)) = parse_key(&key) else {
        return crate::site::not_found_page(&state, lang, key).await;
    };
    let Some(line) = s.action_lines.get(al.as_str()) else {
        return crate::site::not_found_page(&state, lang, al.to_string()).await;
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
        ($msg:expr) => {
            return render_form(
                &state,
                lang,
                &user,
                &key,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some($msg),
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
                    Err(e) => refuse!(format!("narrative: expected {}", e.expected)),
                }
            };
            if action == "submit" {
                if report.narrative.is_none() {
                    refuse!(t(lang.0, "admin-narrative-needed"));
                }
                report.status = ReportStatus::Submitted;
                report.submitted_on = Some(state.today());
            }
        }
        "approve" | "return" if from == ReportStatus::Submitted => {
            if !may_review(&actor) {
                return forbidden(&state, lang, &t(lang.0, "admin-reviewers-only"));
            }
            let comment = f.get("comment").map(|c| c.trim()).unwrap_or("");
            if action == "return" {
                if comment.is_empty() {
                    refuse!(t(lang.0, "admin-comment-needed"));
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
            refuse!(t(lang.0, "admin-not-now"));
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
        Err(StoreError::Denied(why)) => forbidden(&state, lang, &why),
        Ok(_) => Redirect::to(&format!("/admin/reports/{}", encode(&key))).into_response(),
        Err(StoreError::Conflict { .. }) => {
            render_form(
                &state,
                lang,
                &user,
                &key,
                StatusCode::CONFLICT,
                Some(t(lang.0, "admin-conflict")),
            )
            .await
        }
        Err(StoreError::Invalid(p)) => {
            let msg = p
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            render_form(
                &state,
                lang,
                &user,
                &key,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
            )
            .await
        }
        Err(e) => store_failure(&state, lang, e),
    }
}

pub(super) async fn dashboard(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Response {
    if !may_review(&user.actor()) {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    }
    let s = state.store.snapshot();
    let today = state.today();
    let reports = reports_due(&s, first_reporting_period(&s), today);
    let figures = observations_due(&s, &ReportingCycle::default(), today);
    #[derive(Default)]
    struct Counts {
        owed: usize,
        received: usize,
        late: usize,
        overdue: usize,
    }
    let mut per_org: std::collections::BTreeMap<&Code, Counts> = Default::default();
    let states = reports
        .iter()
        .map(|r| (&r.organisation, r.state))
        .chain(figures.iter().map(|o| (&o.organisation, o.state)));
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
    let rows: String = per_org
        .iter()
        .map(|(org, c)| {
            let rate = match (c.received * 100).checked_div(c.owed) {
                Some(r) => format!("{r}\u{a0}%"),
                None => "—".to_owned(),
            };
            format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{rate}</td></tr>",
                esc(org.as_str()),
                c.owed,
                c.received,
                c.late,
                c.overdue
            )
        })
        .collect();
    let overdue: String = reports
        .iter()
        .filter(|r| r.state == DueState::Overdue)
        .map(|r| {
            format!(
                "<li>{} — {} {} ({} {})</li>",
                esc(r.organisation.as_str()),
                esc(r.action_line.as_str()),
                r.period,
                esc(&t(lang.0, "admin-deadline")),
                r.deadline
            )
        })
        .chain(
            figures
                .iter()
                .filter(|o| o.state == DueState::Overdue)
                .map(|o| {
                    format!(
                        "<li>{} — {} {} ({} {})</li>",
                        esc(o.organisation.as_str()),
                        esc(o.kpi.as_str()),
                        o.period,
                        esc(&t(lang.0, "admin-deadline")),
                        o.deadline
                    )
                }),
        )
        .collect();
    let body = format!(
        r#"<p>{intro}</p><table><caption>{cap}</caption><thead><tr><th scope="col">{org}</th><th scope="col">{owed}</th><th scope="col">{rec}</th><th scope="col">{late}</th><th scope="col">{over}</th><th scope="col">{rate}</th></tr></thead><tbody>{rows}</tbody></table>
<h2>{who}</h2><ul>{overdue}</ul>"#,
        intro = esc(&t(lang.0, "admin-dashboard-intro")),
        cap = esc(&t(lang.0, "admin-reporting-rate")),
        org = esc(&t(lang.0, "admin-organisation")),
        owed = esc(&t(lang.0, "admin-owed")),
        rec = esc(&t(lang.0, "admin-received")),
        late = esc(&t(lang.0, "report-late")),
        over = esc(&t(lang.0, "report-overdue")),
        rate = esc(&t(lang.0, "admin-rate")),
        who = esc(&t(lang.0, "admin-who-is-late")),
    );
    page(
        &state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-dashboard"),
        body,
    )
}
