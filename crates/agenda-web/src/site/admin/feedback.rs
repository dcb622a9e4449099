//! `/admin/feedback`: the ticket queue of what visitors answered to "Was this page useful?" on
//! the service sheets, and `/admin/feedback/<id>`, where a ticket is moved on and answered.
//! An organisation sees and handles the tickets on its own services; editors and
//! administrators all of them (`agenda_core::policy::may_handle_ticket`). Comments may hold
//! personal data, so they are shown here only, never on a public page; the person who left one
//! sees only the status and the answer, never who handled it.

use agenda_core::policy::may_handle_ticket;
use agenda_core::ticket::{ANSWER_MAX_CHARS, MoveRefused, TicketStatus, next_statuses};
use agenda_core::{Code, Role};
use agenda_store::feedback::{Feedback, TicketRefusal};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{SignedIn, encode};
use super::review_views::render_admin;
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::feedback::{day_of, status_key};
use crate::site::i18n::{t, t_args};
use crate::site::views::{Chrome, fmt_num};

/// Tickets listed in the queue (the counts cover every answer).
const LATEST: usize = 1000;
/// Services listed in the table of counts.
const SERVICES_SHOWN: usize = 500;
/// Characters of a comment shown in the queue.
const EXCERPT_CHARS: usize = 200;

#[derive(Deserialize)]
pub(super) struct QueueQuery {
    status: Option<String>,
}

/// The reference of a ticket people use between them: the start of its identifier.
fn reference(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// A service by name, linked to its public sheet.
struct ServiceRef {
    href: String,
    name: String,
}

fn service_ref(s: &agenda_core::Snapshot, lang: Lang, code: &str) -> ServiceRef {
    ServiceRef {
        href: format!("{}/services/{}", lang.prefix(), encode(code)),
        name: s
            .services
            .get(code)
            .map(|v| v.title.get(lang.0).to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| code.to_owned()),
    }
}

/// A service's answers in the table of counts.
struct CountRow {
    service: ServiceRef,
    share: String,
    latest: String,
    day: String,
}

/// A choice of the queue's status filter.
struct FilterOption {
    value: &'static str,
    label: String,
    selected: bool,
}

/// A ticket in the queue.
struct TicketRow {
    href: String,
    reference: String,
    at: String,
    day: String,
    service: ServiceRef,
    useful: String,
    status: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "admin/feedback_list.html")]
struct ListPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    any: bool,
    action: String,
    options: Vec<FilterOption>,
    caption: String,
    tickets: Vec<TicketRow>,
    truncated: Option<String>,
    counts: Vec<CountRow>,
}

/// `GET /admin/feedback[?status=…]`: the tickets on the services the account answers for.
pub(super) async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let s = state.store.snapshot();
    let l = lang.0;
    let filter = q.status.as_deref().and_then(TicketStatus::parse);
    // `None`: every service.
    let scope: Option<Vec<Code>> = match (user.account().role, &user.account().organisation) {
        (Role::Admin | Role::Editor, _) => None,
        (Role::Entity, Some(org)) => Some(
            s.services
                .values()
                .filter(|v| v.owner_code == *org)
                .map(|v| v.code.clone())
                .collect(),
        ),
        _ => return Err(PageError::forbidden("admin-not-yours")),
    };
    let (counts, latest, per_status) = match (
        state.store.feedback_counts(scope.as_deref()).await,
        state.store.feedback(scope.as_deref(), filter, LATEST).await,
        state.store.ticket_counts(scope.as_deref()).await,
    ) {
        (Ok(c), Ok(l), Ok(p)) => (c, l, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Err(PageError::store(e)),
    };
    let count = |st: Option<TicketStatus>| -> u64 {
        per_status
            .iter()
            .filter(|(s, _)| st.is_none_or(|x| x == *s))
            .map(|(_, n)| n)
            .sum()
    };
    let option = |value: &'static str, label: String, st: Option<TicketStatus>| FilterOption {
        value,
        label: format!("{label} ({})", fmt_num(l, count(st) as f64)),
        selected: st == filter,
    };
    let options = std::iter::once(option("", t(l, "ticket-all"), None))
        .chain(
            TicketStatus::ALL
                .into_iter()
                .map(|st| option(st.as_str(), t(l, status_key(st)), Some(st))),
        )
        .collect();
    let shown = match filter {
        Some(st) => t(l, status_key(st)),
        None => t(l, "ticket-all"),
    };
    let tickets = latest
        .iter()
        .map(|f| {
            let comment = f.comment.as_deref().unwrap_or_default();
            let mut excerpt: String = comment.chars().take(EXCERPT_CHARS).collect();
            if excerpt.len() < comment.len() {
                excerpt.push('…');
            }
            TicketRow {
                href: format!("{}/admin/feedback/{}", lang.prefix(), encode(&f.id)),
                reference: t_args(l, "ticket-ref", &[("ref", reference(&f.id).to_owned())]),
                at: f.created_at.clone(),
                day: day_of(&f.created_at).to_owned(),
                service: service_ref(&s, lang, &f.service),
                useful: t(
                    l,
                    if f.useful {
                        "admin-feedback-yes"
                    } else {
                        "admin-feedback-no"
                    },
                ),
                status: t(l, status_key(f.status)),
                excerpt,
            }
        })
        .collect();
    let rows = counts
        .iter()
        .take(SERVICES_SHOWN)
        .map(|c| {
            let pct = c.useful as f64 * 100.0 / c.total.max(1) as f64;
            CountRow {
                service: service_ref(&s, lang, &c.service),
                share: t_args(
                    l,
                    "admin-feedback-share",
                    &[
                        ("useful", fmt_num(l, c.useful as f64)),
                        ("total", fmt_num(l, c.total as f64)),
                        ("pct", format!("{}\u{a0}%", fmt_num(l, pct))),
                    ],
                ),
                latest: c.latest.clone(),
                day: c.latest.get(..10).unwrap_or(&c.latest).to_owned(),
            }
        })
        .collect();
    let page = ListPage {
        a: super::common::AdminBar::now(&state, lang),
        c: Chrome::new(&state, lang, "/admin/feedback", t(l, "admin-feedback")),
        any: !counts.is_empty(),
        action: format!("{}/admin/feedback", lang.prefix()),
        options,
        caption: format!("{} — {shown}", t(l, "ticket-queue")),
        tickets,
        truncated: (latest.len() >= LATEST).then(|| {
            t_args(
                l,
                "admin-feedback-truncated",
                &[("n", fmt_num(l, LATEST as f64))],
            )
        }),
        counts: rows,
    };
    Ok(render_admin(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(super) struct SavedQuery {
    saved: Option<String>,
}

/// What the ticket's page says besides the ticket: a refused move's errors, next to their
/// fields, or that the last move was saved.
#[derive(Default)]
struct Errors {
    status: Option<String>,
    answer: Option<String>,
    notice: Option<String>,
    saved: bool,
}

/// The ticket `id`, if `user` may handle it; else the page to answer with (404 when there
/// is no such ticket, 403 when it is another organisation's).
async fn ticket_for(state: &AppState, user: &SignedIn, id: &str) -> Result<Feedback, PageError> {
    let f = match state.store.ticket(id).await {
        Ok(Some(f)) => f,
        Ok(None) => return Err(PageError::not_found("kind-ticket", id)),
        Err(e) => return Err(PageError::store(e)),
    };
    if let Err(denied) = may_handle_ticket(&user.actor(), &state.store.snapshot(), &f.service) {
        tracing::warn!(ticket = id, user = user.account().username, %denied, "ticket refused");
        return Err(PageError::forbidden("admin-not-yours"));
    }
    Ok(f)
}

/// A move in a ticket's history.
struct EventRow {
    at: String,
    day: String,
    who: String,
    from: String,
    to: String,
    answered: bool,
}

/// A status the ticket may go to.
struct NextStatus {
    value: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "admin/feedback_ticket.html")]
struct TicketPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    errors: Errors,
    back: String,
    service: Option<ServiceRef>,
    service_code: String,
    at: String,
    day: String,
    useful: String,
    lang_of: String,
    status: String,
    comment: Option<String>,
    answer_given: Option<String>,
    events: Vec<EventRow>,
    action: String,
    csrf: String,
    seen: &'static str,
    first_next: &'static str,
    next: Vec<NextStatus>,
    max: usize,
    answer: String,
}

/// The ticket's page: what the person wrote, its history, and the form that moves it on.
async fn ticket_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    f: &Feedback,
    status: StatusCode,
    answer: &str,
    errors: Errors,
) -> Result<Response, PageError> {
    let events = state.store.ticket_events(&f.id).await?;
    let s = state.store.snapshot();
    let l = lang.0;
    let title = t_args(l, "ticket-ref", &[("ref", reference(&f.id).to_owned())]);
    let page = TicketPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(state, lang, "/admin/feedback", title),
        errors,
        back: format!("{}/admin/feedback", lang.prefix()),
        service: s
            .services
            .contains_key(&f.service)
            .then(|| service_ref(&s, lang, &f.service)),
        service_code: f.service.clone(),
        at: f.created_at.clone(),
        day: day_of(&f.created_at).to_owned(),
        useful: t(
            l,
            if f.useful {
                "admin-feedback-yes"
            } else {
                "admin-feedback-no"
            },
        ),
        lang_of: f.lang.clone(),
        status: t(l, status_key(f.status)),
        comment: f.comment.clone(),
        answer_given: f.answer.clone(),
        events: events
            .iter()
            .map(|e| EventRow {
                at: e.at.clone(),
                day: day_of(&e.at).to_owned(),
                who: e.actor.clone(),
                from: t(l, status_key(e.from)),
                to: t(l, status_key(e.to)),
                answered: e.answer.is_some(),
            })
            .collect(),
        action: format!("{}/admin/feedback/{}", lang.prefix(), encode(&f.id)),
        csrf: user.0.csrf.clone(),
        seen: f.status.as_str(),
        first_next: next_statuses(f.status).first().map_or("", |s| s.as_str()),
        next: next_statuses(f.status)
            .iter()
            .map(|st| NextStatus {
                value: st.as_str(),
                label: if *st == f.status {
                    t(l, "ticket-correct-answer")
                } else {
                    t(l, status_key(*st))
                },
            })
            .collect(),
        max: ANSWER_MAX_CHARS,
        answer: answer.to_owned(),
    };
    Ok(render_admin(status, &page))
}

/// `GET /admin/feedback/<id>`.
pub(super) async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, PageError> {
    let f = ticket_for(&state, &user, &id).await?;
    let answer = f.answer.clone().unwrap_or_default();
    ticket_page(
        &state,
        lang,
        &user,
        &f,
        StatusCode::OK,
        &answer,
        Errors {
            saved: q.saved.is_some(),
            ..Errors::default()
        },
    )
    .await
}

/// `POST /admin/feedback/<id>`: moves the ticket on, with the answer.
pub(super) async fn act(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let fields = f;
    let ticket = ticket_for(&state, &user, &id).await?;
    let answer = fields
        .get("answer")
        .map(|a| a.replace("\r\n", "\n"))
        .unwrap_or_default();
    let again = |errors: Errors, status: StatusCode, ticket: Feedback| {
        let (state, user, answer) = (&state, &user, &answer);
        async move { ticket_page(state, lang, user, &ticket, status, answer, errors).await }
    };
    let Some(to) = fields.get("status").and_then(|s| TicketStatus::parse(s)) else {
        let errors = Errors {
            status: Some(t(lang.0, "ticket-status-required")),
            ..Errors::default()
        };
        return again(errors, StatusCode::UNPROCESSABLE_ENTITY, ticket).await;
    };
    // The status the form was shown in: a move decided on an outdated page is refused.
    let seen = fields
        .get("seen")
        .and_then(|s| TicketStatus::parse(s))
        .unwrap_or(ticket.status);
    let by = user.account().username.clone();
    match state
        .store
        .move_ticket(&id, seen, to, Some(&answer), &by)
        .await
    {
        Ok(Ok(_)) => {
            tracing::info!(ticket = id, user = by, status = %to, "ticket moved");
            Ok(Redirect::to(&format!(
                "{}/admin/feedback/{}?saved=1",
                lang.prefix(),
                encode(&id)
            ))
            .into_response())
        }
        Ok(Err(TicketRefusal::NotFound)) => Err(PageError::not_found("kind-ticket", id)),
        Ok(Err(TicketRefusal::Stale(now))) => {
            let notice = t_args(
                lang.0,
                "ticket-stale",
                &[("status", t(lang.0, status_key(now)))],
            );
            let fresh = match state.store.ticket(&id).await {
                Ok(Some(f)) => f,
                Ok(None) => ticket,
                Err(e) => return Err(PageError::store(e)),
            };
            let errors = Errors {
                notice: Some(notice),
                ..Errors::default()
            };
            again(errors, StatusCode::CONFLICT, fresh).await
        }
        Ok(Err(TicketRefusal::Refused(why))) => {
            let errors = match why {
                MoveRefused::NotAllowed { .. } => Errors {
                    status: Some(t(lang.0, "ticket-move-not-allowed")),
                    ..Errors::default()
                },
                MoveRefused::AnswerRequired => Errors {
                    answer: Some(t(lang.0, "ticket-answer-required")),
                    ..Errors::default()
                },
                MoveRefused::AnswerTooLong(n) => Errors {
                    answer: Some(t_args(
                        lang.0,
                        "ticket-answer-too-long",
                        &[
                            ("chars", fmt_num(lang.0, n as f64)),
                            ("max", fmt_num(lang.0, ANSWER_MAX_CHARS as f64)),
                        ],
                    )),
                    ..Errors::default()
                },
            };
            again(errors, StatusCode::UNPROCESSABLE_ENTITY, ticket).await
        }
        Err(e) => Err(PageError::store(e)),
    }
}
