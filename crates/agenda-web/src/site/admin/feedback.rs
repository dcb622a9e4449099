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
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{SignedIn, encode};
use super::{csrf_input, fields_of, forbidden, page, store_failure};
use crate::AppState;
use crate::site::Lang;
use crate::site::feedback::{day_of, status_key};
use crate::site::i18n::{t, t_args};
use crate::site::pages::{esc, fmt_num};

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

/// `GET /admin/feedback[?status=…]`: the tickets on the services the account answers for.
pub(super) async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Query(q): Query<QueueQuery>,
) -> Response {
    let s = state.store.snapshot();
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
        _ => return forbidden(&state, lang, &t(lang.0, "admin-not-yours")),
    };
    let (counts, latest, per_status) = match (
        state.store.feedback_counts(scope.as_deref()).await,
        state.store.feedback(scope.as_deref(), filter, LATEST).await,
        state.store.ticket_counts(scope.as_deref()).await,
    ) {
        (Ok(c), Ok(l), Ok(p)) => (c, l, p),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return store_failure(&state, lang, e);
        }
    };
    let title = |code: &str| {
        s.services
            .get(code)
            .map(|v| v.title.get(lang.0).to_owned())
            .unwrap_or_default()
    };
    let service_link = |code: &str| {
        format!(
            r#"<a href="{}/services/{}">{}</a> — {}"#,
            lang.prefix(),
            encode(code),
            esc(code),
            esc(&title(code))
        )
    };
    let t_ = |key: &str| esc(&t(lang.0, key));

    let mut body = format!("<p>{}</p>", t_("admin-feedback-intro"));
    if counts.is_empty() {
        body.push_str(&format!("<p>{}</p>", t_("admin-feedback-none")));
        return page(
            &state,
            lang,
            StatusCode::OK,
            &t(lang.0, "admin-feedback"),
            body,
        );
    }
    let rows: String = counts
        .iter()
        .take(SERVICES_SHOWN)
        .map(|c| {
            let pct = c.useful as f64 * 100.0 / c.total.max(1) as f64;
            let share = t_args(
                lang.0,
                "admin-feedback-share",
                &[
                    ("useful", fmt_num(lang.0, c.useful as f64)),
                    ("total", fmt_num(lang.0, c.total as f64)),
                    ("pct", format!("{}\u{a0}%", fmt_num(lang.0, pct))),
                ],
            );
            format!(
                r#"<tr><td>{}</td><td>{}</td><td><time datetime="{}">{}</time></td></tr>"#,
                service_link(&c.service),
                esc(&share),
                esc(&c.latest),
                esc(c.latest.get(..10).unwrap_or(&c.latest)),
            )
        })
        .collect();
    let summary = format!(
        r#"<h2>{cap}</h2><table><caption>{cap}</caption><thead><tr><th scope="col">{svc}</th><th scope="col">{useful}</th><th scope="col">{latest}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        cap = t_("admin-feedback-answers"),
        svc = t_("admin-feedback-service"),
        useful = t_("admin-feedback-useful"),
        latest = t_("admin-feedback-latest"),
    );
    body.push_str(&queue(lang, filter, &latest, &per_status, &service_link));
    if latest.len() >= LATEST {
        body.push_str(&format!(
            "<p>{}</p>",
            esc(&t_args(
                lang.0,
                "admin-feedback-truncated",
                &[("n", fmt_num(lang.0, LATEST as f64))]
            ))
        ));
    }
    body.push_str(&summary);
    page(
        &state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-feedback"),
        body,
    )
}

/// The queue: a filter by status, then the tickets it keeps, newest first.
fn queue(
    lang: Lang,
    filter: Option<TicketStatus>,
    tickets: &[Feedback],
    per_status: &[(TicketStatus, u64)],
    service_link: &dyn Fn(&str) -> String,
) -> String {
    let t_ = |key: &str| esc(&t(lang.0, key));
    let count = |st: Option<TicketStatus>| -> u64 {
        per_status
            .iter()
            .filter(|(s, _)| st.is_none_or(|x| x == *s))
            .map(|(_, n)| n)
            .sum()
    };
    let option = |value: &str, label: String, st: Option<TicketStatus>| {
        format!(
            r#"<option value="{value}"{sel}>{label} ({n})</option>"#,
            sel = if st == filter { " selected" } else { "" },
            label = esc(&label),
            n = fmt_num(lang.0, count(st) as f64),
        )
    };
    let mut options = option("", t(lang.0, "ticket-all"), None);
    for st in TicketStatus::ALL {
        options.push_str(&option(st.as_str(), t(lang.0, status_key(st)), Some(st)));
    }
    let shown = match filter {
        Some(st) => t(lang.0, status_key(st)),
        None => t(lang.0, "ticket-all"),
    };
    let mut out = format!(
        r#"<h2>{h}</h2><form method="get" action="{p}/admin/feedback" class="admin"><p><label for="q-status">{l}</label> <select id="q-status" name="status">{options}</select> <button type="submit">{b}</button></p></form>"#,
        h = t_("ticket-queue"),
        p = lang.prefix(),
        l = t_("ticket-status"),
        b = t_("ticket-filter"),
    );
    if tickets.is_empty() {
        out.push_str(&format!("<p>{}</p>", t_("ticket-none")));
        return out;
    }
    let rows: String = tickets
        .iter()
        .map(|f| {
            let comment = f.comment.as_deref().unwrap_or_default();
            let mut excerpt: String = comment.chars().take(EXCERPT_CHARS).collect();
            if excerpt.len() < comment.len() {
                excerpt.push('…');
            }
            format!(
                r#"<tr><td><a href="{p}/admin/feedback/{id}">{r}</a></td><td><time datetime="{at}">{day}</time></td><td>{svc}</td><td>{useful}</td><td>{status}</td><td class="ticket-text">{excerpt}</td></tr>"#,
                p = lang.prefix(),
                id = encode(&f.id),
                r = esc(&t_args(lang.0, "ticket-ref", &[("ref", reference(&f.id).to_owned())])),
                at = esc(&f.created_at),
                day = esc(day_of(&f.created_at)),
                svc = service_link(&f.service),
                useful = t_(if f.useful { "admin-feedback-yes" } else { "admin-feedback-no" }),
                status = t_(status_key(f.status)),
                excerpt = esc(&excerpt),
            )
        })
        .collect();
    out.push_str(&format!(
        r#"<table><caption>{cap}</caption><thead><tr><th scope="col">{r}</th><th scope="col">{date}</th><th scope="col">{svc}</th><th scope="col">{useful}</th><th scope="col">{status}</th><th scope="col">{comment}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        cap = esc(&format!("{} — {shown}", t(lang.0, "ticket-queue"))),
        r = t_("ticket-reference"),
        date = t_("admin-feedback-date"),
        svc = t_("admin-feedback-service"),
        useful = t_("admin-feedback-answer"),
        status = t_("ticket-status"),
        comment = t_("admin-feedback-comment"),
    ));
    out
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

fn not_found(state: &AppState, lang: Lang) -> Response {
    page(
        state,
        lang,
        StatusCode::NOT_FOUND,
        &t(lang.0, "error-not-found"),
        format!("<p>{}</p>", esc(&t(lang.0, "ticket-not-found"))),
    )
}

/// The ticket `id`, if `user` may handle it; else the page to answer with (404 when there
/// is no such ticket, 403 when it is another organisation's).
async fn ticket_for(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    id: &str,
) -> Result<Feedback, Response> {
    let f = match state.store.ticket(id).await {
        Ok(Some(f)) => f,
        Ok(None) => return Err(not_found(state, lang)),
        Err(e) => return Err(store_failure(state, lang, e)),
    };
    if let Err(denied) = may_handle_ticket(&user.actor(), &state.store.snapshot(), &f.service) {
        tracing::warn!(ticket = id, user = user.account().username, %denied, "ticket refused");
        return Err(forbidden(state, lang, &t(lang.0, "admin-not-yours")));
    }
    Ok(f)
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
) -> Response {
    let events = match state.store.ticket_events(&f.id).await {
        Ok(e) => e,
        Err(e) => return store_failure(state, lang, e),
    };
    let s = state.store.snapshot();
    let t_ = |key: &str| esc(&t(lang.0, key));
    let service = match s.services.get(&f.service) {
        Some(v) => format!(
            r#"<a href="{}/services/{}">{}</a> — {}"#,
            lang.prefix(),
            encode(&f.service),
            esc(&f.service),
            esc(v.title.get(lang.0))
        ),
        None => esc(&f.service),
    };
    let mut body = String::new();
    if errors.saved {
        body.push_str(&format!(r#"<p role="status">{}</p>"#, t_("ticket-saved")));
    }
    if let Some(n) = &errors.notice {
        body.push_str(&format!(r#"<p class="error" role="alert">{}</p>"#, esc(n)));
    }
    body.push_str(&format!(
        r#"<p><a href="{p}/admin/feedback">{back}</a></p><dl class="facts"><dt>{svc_l}</dt><dd>{service}</dd><dt>{date_l}</dt><dd><time datetime="{at}">{day}</time></dd><dt>{useful_l}</dt><dd>{useful}</dd><dt>{lang_l}</dt><dd>{flang}</dd><dt>{status_l}</dt><dd>{status}</dd></dl>"#,
        p = lang.prefix(),
        back = t_("ticket-back"),
        svc_l = t_("admin-feedback-service"),
        date_l = t_("admin-feedback-date"),
        at = esc(&f.created_at),
        day = esc(day_of(&f.created_at)),
        useful_l = t_("admin-feedback-answer"),
        useful = t_(if f.useful { "admin-feedback-yes" } else { "admin-feedback-no" }),
        lang_l = t_("admin-feedback-lang"),
        flang = esc(&f.lang),
        status_l = t_("ticket-status"),
        status = t_(status_key(f.status)),
    ));
    body.push_str(&format!(
        r#"<h2>{}</h2><p class="ticket-text">{}</p>"#,
        t_("admin-feedback-comment"),
        match &f.comment {
            Some(c) => esc(c),
            None => t_("ticket-no-comment"),
        }
    ));
    if let Some(a) = &f.answer {
        body.push_str(&format!(
            r#"<h2>{}</h2><p class="ticket-text">{}</p>"#,
            t_("ticket-answer-given"),
            esc(a)
        ));
    }
    if !events.is_empty() {
        let rows: String = events
            .iter()
            .map(|e| {
                format!(
                    r#"<tr><td><time datetime="{at}">{day}</time></td><td>{who}</td><td>{from} → {to}</td><td>{ans}</td></tr>"#,
                    at = esc(&e.at),
                    day = esc(day_of(&e.at)),
                    who = esc(&e.actor),
                    from = t_(status_key(e.from)),
                    to = t_(status_key(e.to)),
                    ans = if e.answer.is_some() { t_("ticket-answer-written") } else { String::new() },
                )
            })
            .collect();
        body.push_str(&format!(
            r#"<table><caption>{cap}</caption><thead><tr><th scope="col">{date}</th><th scope="col">{who}</th><th scope="col">{st}</th><th scope="col">{ans}</th></tr></thead><tbody>{rows}</tbody></table>"#,
            cap = t_("ticket-history"),
            date = t_("admin-feedback-date"),
            who = t_("ticket-who"),
            st = t_("ticket-status"),
            ans = t_("ticket-answer"),
        ));
    }

    // The form: the statuses the ticket may go to, and the answer the person will read.
    let (st_invalid, st_err) = match &errors.status {
        Some(e) => (
            r#" aria-invalid="true" aria-describedby="t-status-error""#,
            format!(
                r#"<span class="error" id="t-status-error">{}</span><br>"#,
                esc(e)
            ),
        ),
        None => ("", String::new()),
    };
    let radios: String = next_statuses(f.status)
        .iter()
        .map(|st| {
            let label = if *st == f.status {
                t(lang.0, "ticket-correct-answer")
            } else {
                t(lang.0, status_key(*st))
            };
            format!(
                r#"<input type="radio" id="t-status-{v}" name="status" value="{v}"{st_invalid}> <label for="t-status-{v}">{l}</label><br>"#,
                v = st.as_str(),
                l = esc(&label),
            )
        })
        .collect();
    let (a_invalid, a_err, a_described) = match &errors.answer {
        Some(e) => (
            r#" aria-invalid="true""#,
            format!(
                r#"<span class="error" id="t-answer-error">{}</span><br>"#,
                esc(e)
            ),
            " t-answer-error",
        ),
        None => ("", String::new(), ""),
    };
    body.push_str(&format!(
        r#"<h2>{h}</h2><form method="post" action="{p}/admin/feedback/{id}" class="admin" id="ticket-form">{csrf}<input type="hidden" name="seen" value="{seen}">
<fieldset><legend>{legend}</legend>{st_err}{radios}</fieldset>
<p><label for="t-answer">{a_l}</label><br><span class="hint" id="t-answer-hint">{hint}</span><br>{a_err}<textarea id="t-answer" name="answer" rows="6" maxlength="{max}" aria-describedby="t-answer-hint{a_described}"{a_invalid}>{answer}</textarea></p>
<p><button type="submit">{save}</button></p></form>"#,
        h = t_("ticket-handle"),
        p = lang.prefix(),
        id = encode(&f.id),
        csrf = csrf_input(&user.0.csrf),
        seen = f.status.as_str(),
        legend = t_("ticket-new-status"),
        a_l = t_("ticket-answer"),
        hint = t_("ticket-answer-hint"),
        max = ANSWER_MAX_CHARS,
        answer = esc(answer),
        save = t_("ticket-save"),
    ));
    let title = t_args(
        lang.0,
        "ticket-ref",
        &[("ref", reference(&f.id).to_owned())],
    );
    page(state, lang, status, &title, body)
}

/// `GET /admin/feedback/<id>`.
pub(super) async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> Response {
    let f = match ticket_for(&state, lang, &user, &id).await {
        Ok(f) => f,
        Err(r) => return r,
    };
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
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let fields = fields_of(f);
    if let Some(r) = user.csrf_refusal(fields.get("csrf").map(String::as_str)) {
        return r;
    }
    let ticket = match ticket_for(&state, lang, &user, &id).await {
        Ok(f) => f,
        Err(r) => return r,
    };
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
            Redirect::to(&format!(
                "{}/admin/feedback/{}?saved=1",
                lang.prefix(),
                encode(&id)
            ))
            .into_response()
        }
        Ok(Err(TicketRefusal::NotFound)) => not_found(&state, lang),
        Ok(Err(TicketRefusal::Stale(now))) => {
            let notice = t_args(
                lang.0,
                "ticket-stale",
                &[("status", t(lang.0, status_key(now)))],
            );
            let fresh = match state.store.ticket(&id).await {
                Ok(Some(f)) => f,
                Ok(None) => ticket,
                Err(e) => return store_failure(&state, lang, e),
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
        Err(e) => store_failure(&state, lang, e),
    }
}
