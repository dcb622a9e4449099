//! Governance in the open: the bodies that steer the agenda, their members and meetings, and
//! the decision register that follows every decision up until it is done.

use agenda_core::governance::{DecisionState, state as decision_state};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::pager::Pager;
use super::views::{Chrome, LocalText, Opt, OrgLink, opts, org_name, public, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// A decision as the register, a body's page and an action line's page show it.
pub struct DecisionRow {
    pub(crate) code: String,
    pub(crate) decided_on: String,
    pub(crate) body: LocalText,
    pub(crate) body_code: String,
    pub(crate) title: LocalText,
    pub(crate) lines: Vec<String>,
    pub(crate) acting: Option<OrgLink>,
    pub(crate) due: String,
    /// `open`, `in_progress`, `overdue` or `done`: the badge's class.
    pub(crate) state: &'static str,
    pub(crate) state_label: String,
    pub(crate) done_on: String,
    pub(crate) follow_up: String,
    pub(crate) url: Option<String>,
}

/// `d` as a row, its state as on `today`.
pub(crate) fn decision_row(c: &Chrome, s: &Snapshot, d: &Decision, today: Date) -> DecisionRow {
    let st = decision_state(d, today);
    DecisionRow {
        code: d.code.to_string(),
        decided_on: d.decided_on.to_string(),
        body: s
            .governance_bodies
            .get(d.body.as_str())
            .map_or_else(|| LocalText::plain(d.body.as_str()), |b| c.tx(&b.name)),
        body_code: d.body.to_string(),
        title: c.tx(&d.title),
        lines: d.action_lines.iter().map(ToString::to_string).collect(),
        acting: d.acting_org.as_ref().map(|o| org_name(c, s, o)),
        due: d.due.map(|d| d.to_string()).unwrap_or_default(),
        state: st.as_str(),
        state_label: c.status("decision-status", st.as_str()),
        done_on: d.done_on.map(|d| d.to_string()).unwrap_or_default(),
        follow_up: d.follow_up.clone().unwrap_or_default(),
        url: d.url.clone(),
    }
}

/// A governance body on the index.
pub struct BodyRow {
    code: String,
    name: LocalText,
    kind: String,
    chair: OrgLink,
    members: usize,
    last_meeting: String,
    next_meeting: String,
    pending: usize,
}

/// `/governance`.
#[derive(Template)]
#[template(path = "governance.html")]
pub struct GovernancePage {
    c: Chrome,
    bodies: Vec<BodyRow>,
    /// Decisions pending, overdue ones among them, done.
    counts: Vec<(&'static str, String, usize)>,
}

/// `GET /governance`: the bodies and where their decisions stand.
pub async fn governance(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/governance", t(lang.0, "gov-title"));
    let bodies = s
        .governance_bodies
        .values()
        .map(|b| {
            let meetings: Vec<&Meeting> =
                s.meetings.values().filter(|m| m.body == b.code).collect();
            BodyRow {
                code: b.code.to_string(),
                name: c.tx(&b.name),
                kind: c.status("admin-body-kind", b.kind.as_str()),
                chair: org_name(&c, &s, &b.chair_org),
                members: 1 + b.members.iter().filter(|m| **m != b.chair_org).count(),
                last_meeting: meetings
                    .iter()
                    .filter(|m| m.held_on <= today)
                    .map(|m| m.held_on)
                    .max()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                next_meeting: meetings
                    .iter()
                    .filter(|m| m.held_on > today)
                    .map(|m| m.held_on)
                    .min()
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                pending: s
                    .decisions
                    .values()
                    .filter(|d| d.body == b.code && d.acting_org.is_some())
                    .filter(|d| agenda_core::governance::state(d, today).pending())
                    .count(),
            }
        })
        .collect();
    let mut counts: Vec<(&'static str, String, usize)> = DecisionState::ALL
        .iter()
        .map(|st| (st.as_str(), c.status("decision-status", st.as_str()), 0))
        .collect();
    for d in s.decisions.values() {
        let st = decision_state(d, today);
        if let Some(n) = counts.iter_mut().find(|x| x.0 == st.as_str()) {
            n.2 += 1;
        }
    }
    counts.retain(|x| x.2 > 0);
    render(StatusCode::OK, &GovernancePage { c, bodies, counts })
}

/// A seat on a body's page.
pub struct SeatRow {
    org: OrgLink,
    role: String,
    position: LocalText,
}

/// A meeting on a body's page.
pub struct MeetingRow {
    code: String,
    held_on: String,
    upcoming: bool,
    summary: LocalText,
    minutes: Option<String>,
    decisions: usize,
}

/// `/governance/<code>`.
#[derive(Template)]
#[template(path = "governance_body.html")]
pub struct BodyPage {
    c: Chrome,
    code: String,
    name: LocalText,
    kind: String,
    mandate: LocalText,
    seats: Vec<SeatRow>,
    meetings: Vec<MeetingRow>,
    decisions: Vec<DecisionRow>,
}

/// `GET /governance/<code>`: a body's mandate, members, meetings and decisions.
pub async fn body(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let Some(b) = s.governance_bodies.get(&code) else {
        return Err(PageError::not_found("kind-governance_body", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/governance/{code}"),
        b.name.get(lang.0).to_owned(),
    );
    // The chair first, then the members in the order given; a member without a seat record
    // sits as a plain member.
    let mut orgs = vec![&b.chair_org];
    orgs.extend(b.members.iter().filter(|m| **m != b.chair_org));
    let seats = orgs
        .into_iter()
        .map(|o| {
            let seat = s.seats.get(&format!("{}:{o}", b.code));
            let role = seat.map_or(
                if *o == b.chair_org {
                    SeatRole::Chair
                } else {
                    SeatRole::Member
                },
                |x| x.role,
            );
            SeatRow {
                org: org_name(&c, &s, o),
                role: c.status("seat-role", role.as_str()),
                position: seat.map_or_else(|| LocalText::plain(""), |x| c.tx(&x.position)),
            }
        })
        .collect();
    let mut meetings: Vec<&Meeting> = s.meetings.values().filter(|m| m.body == b.code).collect();
    meetings.sort_by_key(|m| std::cmp::Reverse(m.held_on));
    let meetings = meetings
        .into_iter()
        .map(|m| MeetingRow {
            code: m.code.to_string(),
            held_on: m.held_on.to_string(),
            upcoming: m.held_on > today,
            summary: c.otx(&m.summary),
            minutes: m.minutes_url.clone(),
            decisions: s
                .decisions
                .values()
                .filter(|d| d.meeting.as_ref() == Some(&m.code))
                .count(),
        })
        .collect();
    let mut decisions: Vec<&Decision> = s.decisions.values().filter(|d| d.body == b.code).collect();
    decisions.sort_by_key(|d| (std::cmp::Reverse(d.decided_on), d.code.clone()));
    let decisions = decisions
        .into_iter()
        .map(|d| decision_row(&c, &s, d, today))
        .collect();
    let page = BodyPage {
        code: b.code.to_string(),
        name: c.tx(&b.name),
        kind: c.status("admin-body-kind", b.kind.as_str()),
        mandate: c.otx(&b.mandate),
        seats,
        meetings,
        decisions,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The register's filters.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RegisterQuery {
    /// `open`, `in_progress`, `overdue`, `done`, or `pending` (any but done).
    state: Option<String>,
    /// The acting organisation.
    org: Option<String>,
    /// The body.
    body: Option<String>,
    page: Option<usize>,
}

/// `/governance/decisions`.
#[derive(Template)]
#[template(path = "decisions.html")]
pub struct RegisterPage {
    c: Chrome,
    states: Vec<Opt>,
    orgs: Vec<Opt>,
    bodies: Vec<Opt>,
    rows: Vec<DecisionRow>,
    pager: Pager,
}

/// `GET /governance/decisions`: every decision, the latest first, filtered by state, acting
/// organisation and body, a page at a time.
pub async fn register(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(
        &state,
        lang,
        "/governance/decisions",
        t(lang.0, "gov-register"),
    );
    let none = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let (want_state, want_org, want_body) = (none(&q.state), none(&q.org), none(&q.body));
    if let Some(v) = &want_state
        && v != "pending"
        && DecisionState::parse(v).is_err()
    {
        return Err(PageError::bad_value("filter-status", v));
    }
    let mut found: Vec<&Decision> = s
        .decisions
        .values()
        .filter(|d| match want_state.as_deref() {
            None => true,
            Some("pending") => decision_state(d, today).pending(),
            Some(v) => decision_state(d, today).as_str() == v,
        })
        .filter(|d| {
            want_org
                .as_deref()
                .is_none_or(|o| d.acting_org.as_ref().is_some_and(|a| a.as_str() == o))
        })
        .filter(|d| want_body.as_deref().is_none_or(|b| d.body.as_str() == b))
        .collect();
    found.sort_by_key(|d| (std::cmp::Reverse(d.decided_on), d.code.clone()));
    let pager = Pager::new(
        &c,
        "/governance/decisions",
        &[
            ("state", want_state.as_deref()),
            ("org", want_org.as_deref()),
            ("body", want_body.as_deref()),
        ],
        q.page,
        found.len(),
        "pager-decisions",
    )?;
    let rows = pager
        .slice(&found)
        .map(|d| decision_row(&c, &s, d, today))
        .collect();
    let mut state_values: Vec<(String, String)> = vec![("pending".into(), c.t("gov-pending"))];
    state_values.extend(DecisionState::ALL.iter().map(|v| {
        (
            v.as_str().to_owned(),
            c.status("decision-status", v.as_str()),
        )
    }));
    let acting: std::collections::BTreeSet<&Code> = s
        .decisions
        .values()
        .filter_map(|d| d.acting_org.as_ref())
        .collect();
    let org_values = acting.into_iter().map(|o| {
        let name = s
            .organisations
            .get(o.as_str())
            .map_or_else(|| o.to_string(), |x| x.name.get(lang.0).to_owned());
        (o.to_string(), name)
    });
    let body_values = s
        .governance_bodies
        .values()
        .map(|b| (b.code.to_string(), b.name.get(lang.0).to_owned()));
    let page = RegisterPage {
        states: opts(state_values.into_iter(), &want_state),
        orgs: opts(org_values, &want_org),
        bodies: opts(body_values, &want_body),
        rows,
        pager,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
