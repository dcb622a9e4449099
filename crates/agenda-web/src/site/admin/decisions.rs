//! The follow-up of a governance body's decision by the organisation that must act on it: it
//! moves the decision from open to in progress to done, with the day and what it did. The
//! decision itself (what, by whom, for whom, by when) is edited in the data forms by the
//! secretariat (editors); the store's policy holds both apart whatever route a write takes.

use agenda_core::governance::state as decision_state;
use agenda_core::policy::may_review;
use agenda_core::{Change, Date, Decision, DecisionStatus, Entity, Kind};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::reports::own_org;
use super::review_views::{org_name, render_admin};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageQuery, SignedForm};
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::{Chrome, link};

/// The admin page of decision `code`'s follow-up.
pub(super) fn follow_up_href(code: &str) -> String {
    format!("/admin/decisions/{code}")
}

#[derive(Template)]
#[template(path = "admin/decision_form.html")]
struct FormPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    code: String,
    decision: String,
    body: String,
    decided_on: String,
    acting: String,
    due: String,
    state: String,
    state_class: &'static str,
    register: String,
    /// A problem with what was sent, and the field it concerns.
    notice: Option<(String, Option<&'static str>)>,
    statuses: Vec<(&'static str, String, bool)>,
    done_on: String,
    follow_up: String,
    action: String,
    csrf: String,
    version: u64,
    tasks: bool,
    /// Just saved: the confirmation is shown.
    saved: bool,
}

/// `?saved=1` after a save.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct Saved {
    saved: Option<String>,
}

/// What the form holds when it is shown again after a problem.
#[derive(Default)]
struct Entered {
    status: Option<String>,
    done_on: Option<String>,
    follow_up: Option<String>,
    saved: bool,
}

/// `GET /admin/decisions/<code>`.
pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(code): Path<String>,
    PageQuery(q): PageQuery<Saved>,
) -> Result<Response, PageError> {
    let entered = Entered {
        saved: q.saved.is_some(),
        ..Entered::default()
    };
    render_form(&state, lang, &user, &code, StatusCode::OK, None, entered).await
}

/// The decision `code`, if `user` may report its follow-up.
fn allowed(s: &agenda_core::Snapshot, user: &SignedIn, code: &str) -> Result<Decision, PageError> {
    let Some(d) = s.decisions.get(code) else {
        return Err(PageError::not_found("kind-decision", code));
    };
    let acting = d.acting_org.as_ref();
    if acting.is_none() || !(may_review(&user.actor()) || own_org(user) == acting) {
        return Err(PageError::forbidden("admin-not-yours"));
    }
    Ok(d.clone())
}

async fn render_form(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    code: &str,
    status: StatusCode,
    notice: Option<(String, Option<&'static str>)>,
    entered: Entered,
) -> Result<Response, PageError> {
    let l = lang.0;
    let s = state.store.snapshot();
    allowed(&s, user, code)?;
    let (d, version) = match state.store.versioned(Kind::Decision, code).await {
        Ok((Some(Entity::Decision(d)), v)) => (d, v),
        Ok(_) => return Err(PageError::not_found("kind-decision", code)),
        Err(e) => return Err(PageError::store(e)),
    };
    let today = state.today();
    let st = decision_state(&d, today);
    let chosen = entered
        .status
        .unwrap_or_else(|| d.status.as_str().to_owned());
    let page = FormPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(
            state,
            lang,
            &follow_up_href(code),
            t_args(l, "gov-follow-up-title", &[("code", code.to_owned())]),
        ),
        code: code.to_owned(),
        decision: d.title.get(l).to_owned(),
        body: s
            .governance_bodies
            .get(d.body.as_str())
            .map_or_else(|| d.body.to_string(), |b| b.name.get(l).to_owned()),
        decided_on: d.decided_on.to_string(),
        acting: d
            .acting_org
            .as_ref()
            .map(|o| org_name(&s, l, o))
            .unwrap_or_default(),
        due: d.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
        state: t(l, &format!("decision-status-{}", st.as_str())),
        state_class: st.as_str(),
        register: link(lang, &format!("/governance/decisions#{code}")),
        notice,
        statuses: DecisionStatus::ALL
            .iter()
            .map(|v| {
                (
                    v.as_str(),
                    t(l, &format!("decision-status-{}", v.as_str())),
                    v.as_str() == chosen,
                )
            })
            .collect(),
        done_on: entered
            .done_on
            .unwrap_or_else(|| d.done_on.map(|d| d.to_string()).unwrap_or_default()),
        follow_up: entered
            .follow_up
            .unwrap_or_else(|| d.follow_up.clone().unwrap_or_default()),
        action: follow_up_href(code),
        csrf: user.0.csrf.clone(),
        version,
        tasks: own_org(user).is_some(),
        saved: entered.saved,
    };
    Ok(render_admin(status, &page))
}

/// `POST /admin/decisions/<code>`: the follow-up reported, checked against the version shown.
pub(super) async fn save(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let l = lang.0;
    let s = state.store.snapshot();
    let mut d = allowed(&s, &user, &code)?;
    let entered = || Entered {
        status: f.get("status").cloned(),
        done_on: f.get("done_on").cloned(),
        follow_up: f.get("follow_up").cloned(),
        saved: false,
    };
    let refuse = |msg: String, field: Option<&'static str>, status: StatusCode| {
        render_form(
            &state,
            lang,
            &user,
            &code,
            status,
            Some((msg, field)),
            entered(),
        )
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(status) = f.get("status").and_then(|v| DecisionStatus::parse(v).ok()) else {
        return refuse(t(l, "gov-follow-up-status"), Some("status"), unprocessable).await;
    };
    let today = state.today();
    let done_on = match f.get("done_on").map(|v| v.trim()).unwrap_or("") {
        "" if status == DecisionStatus::Done => Some(today),
        "" => None,
        v => match Date::parse(v) {
            Ok(day) if status == DecisionStatus::Done && day <= today => Some(day),
            Ok(_) if status == DecisionStatus::Done => {
                return refuse(t(l, "gov-follow-up-future"), Some("done_on"), unprocessable).await;
            }
            // A day typed for a decision not done is left out rather than refused.
            Ok(_) => None,
            Err(_) => {
                return refuse(t(l, "gov-follow-up-day"), Some("done_on"), unprocessable).await;
            }
        },
    };
    d.status = status;
    d.done_on = done_on;
    d.follow_up = f
        .get("follow_up")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let version = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    let written = state
        .store
        .apply_as(
            Writer::actor(&user.account().username, user.actor(), Some(today)),
            vec![Change::Upsert(Entity::Decision(d))],
            vec![(Kind::Decision, code.clone(), version)],
        )
        .await;
    match written {
        Ok(_) => Ok(Redirect::to(&format!("{}?saved=1", follow_up_href(&code))).into_response()),
        Err(StoreError::Conflict { .. }) => {
            refuse(t(l, "gov-follow-up-conflict"), None, StatusCode::CONFLICT).await
        }
        Err(StoreError::Denied(why)) => Err(PageError::denied(why)),
        Err(StoreError::Invalid(p)) => {
            let msg = p
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            refuse(msg, None, unprocessable).await
        }
        Err(e) => Err(PageError::store(e)),
    }
}
