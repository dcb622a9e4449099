//! The public record of the open and collaborative making of the agenda: consultations, what
//! each stakeholder said and what the authority did with it ("you said, we did"), and who is
//! acknowledged for taking part.

use std::collections::HashMap;

use agenda_core::consultation::{ConsultationStatus, acknowledgements, contributions_to, status};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::views::{Chrome, public};
use super::{Lang, render};
use crate::AppState;
use crate::error::PageError;

/// The CSS class of a consultation's status badge.
pub(crate) fn status_class(st: ConsultationStatus) -> &'static str {
    match st {
        ConsultationStatus::Open => "al-in_progress",
        ConsultationStatus::Upcoming => "al-not_started",
        ConsultationStatus::Closed => "al-completed",
    }
}

fn outcome_class(o: ResponseOutcome) -> &'static str {
    match o {
        ResponseOutcome::Accepted => "on_track",
        ResponseOutcome::Partly => "at_risk",
        ResponseOutcome::NotAccepted => "off_track",
    }
}

/// A record named in words: its code, its title in the page language (marked when only in
/// English) and its public page when it has one.
pub(crate) struct Named {
    prefix: Option<String>,
    text: Option<Text>,
    code: String,
    href: Option<String>,
}

/// What a consultation is about, or what a response changed: the kind in words, then the record.
pub(crate) struct SubjectLink {
    word: String,
    record: Named,
}

/// The public page of a record a consultation is about or a response changed, and its name.
pub(crate) fn subject_link(
    c: &Chrome,
    s: &Snapshot,
    kind: Subject,
    code: Option<&Code>,
) -> SubjectLink {
    let word = t(c.lang, &format!("subject-{}", kind.as_str()));
    let with_code = |k: &Code, text: &Text| (Some(k.to_string()), Some(text.clone()));
    let (href, (prefix, text)) = match (kind, code) {
        (Subject::Agenda, _) => (
            Some(c.href("/")),
            (None, s.the_agenda().map(|a| a.title.clone())),
        ),
        (Subject::ActionLine, Some(k)) => (
            Some(c.href(&format!("/action-lines/{k}"))),
            s.action_lines
                .get(k.as_str())
                .map_or((None, None), |a| with_code(k, &a.title)),
        ),
        (Subject::LegalInstrument, Some(k)) => (
            Some(c.href(&format!("/regulatory-plan#{k}"))),
            s.legal_instruments
                .get(k.as_str())
                .map_or((None, None), |a| with_code(k, &a.title)),
        ),
        (Subject::Kpi, Some(k)) => (
            Some(c.href(&format!("/kpis/{k}"))),
            s.kpis
                .get(k.as_str())
                .map_or((None, None), |a| with_code(k, &a.title)),
        ),
        (Subject::Milestone, Some(k)) => match s.milestones.get(k.as_str()) {
            Some(m) => (
                Some(c.href(&format!("/action-lines/{}", m.action_line))),
                with_code(k, &m.title),
            ),
            None => (None, (None, None)),
        },
        (Subject::Standard, k) => (
            Some(c.href("/analysis/standard")),
            k.and_then(|k| s.standard_criteria.get(k.as_str()))
                .map_or((None, None), |a| {
                    (Some(a.code.to_string()), Some(a.title.clone()))
                }),
        ),
        (_, None) => (None, (None, None)),
    };
    SubjectLink {
        word,
        record: Named {
            prefix,
            text,
            code: code.map(Code::as_str).unwrap_or("").to_owned(),
            href,
        },
    }
}

/// Who wrote a contribution: its organisation, or "in their own name" for a person.
fn author_ref(c: &Chrome, s: &Snapshot, org: Option<&Code>) -> Named {
    match org {
        Some(o) => org_ref(c, s, o),
        None => Named {
            prefix: None,
            text: None,
            code: c.t("cons-own-name"),
            href: None,
        },
    }
}

/// The names people taking part in their own name chose to be shown, by contribution (`None`:
/// anonymous), and the person behind each, never their address.
async fn people(state: &AppState) -> Result<HashMap<String, (String, Option<String>)>, PageError> {
    Ok(state
        .store
        .contributors()
        .await
        .map_err(PageError::store)?
        .into_iter()
        .map(|(code, who, name)| (code, (who, name)))
        .collect())
}

/// An organisation by name, linked to its page (its code when it is not known).
fn org_ref(c: &Chrome, s: &Snapshot, code: &Code) -> Named {
    match s.organisations.get(code.as_str()) {
        Some(o) => Named {
            prefix: None,
            text: Some(o.name.clone()),
            code: code.to_string(),
            href: Some(c.href(&format!("/organisations/{}", o.code))),
        },
        None => Named {
            prefix: None,
            text: None,
            code: code.to_string(),
            href: None,
        },
    }
}

/// A consultation in the list.
struct Row {
    href: String,
    title: Text,
    subject: SubjectLink,
    opens: Date,
    closes: Date,
    class: &'static str,
    status: String,
    contributions: usize,
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
}

/// `GET /consultations`.
pub async fn consultations(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let today = state.today();
    let c = Chrome::new(&state, lang, "/consultations", t(lang.0, "cons-title"));
    let rows = s
        .consultations
        .values()
        .rev()
        .map(|k| {
            let st = status(k, today);
            Row {
                href: c.href(&format!("/consultations/{}", k.code)),
                title: k.title.clone(),
                subject: subject_link(&c, &s, k.subject_kind, k.subject_code.as_ref()),
                opens: k.opens,
                closes: k.closes,
                class: status_class(st),
                status: c.status("cons-status", st.as_str()),
                contributions: contributions_to(&s, k.code.as_str()).count(),
            }
        })
        .collect();
    render(StatusCode::OK, &ListPage { c, rows })
}

/// The authority's response to a contribution, as the public sees it.
struct ResponseView {
    class: &'static str,
    outcome: String,
    reason: Text,
    changed: Option<SubjectLink>,
}

/// One contribution, as the public sees it.
struct ContributionView {
    id: String,
    /// The moderators' reason when it is hidden (nothing else is shown then).
    hidden: Option<String>,
    kind: String,
    author_name: Option<String>,
    org: Named,
    sector: String,
    on: Date,
    endorsed: Vec<Named>,
    text: String,
    response: Option<ResponseView>,
}

fn contribution_view(
    c: &Chrome,
    s: &Snapshot,
    x: &Contribution,
    people: &HashMap<String, (String, Option<String>)>,
) -> ContributionView {
    ContributionView {
        id: x.code.to_string(),
        hidden: x.hidden.then(|| {
            t_args(
                c.lang,
                "cons-hidden",
                &[("reason", x.hidden_reason.clone().unwrap_or_default())],
            )
        }),
        kind: c.status("cons-kind", x.kind.as_str()),
        author_name: x.author_name.clone().or_else(|| {
            people
                .get(x.code.as_str())
                .and_then(|(_, name)| name.clone())
        }),
        org: author_ref(c, s, x.author_org.as_ref()),
        sector: c.status("cons-sector", x.sector.as_str()),
        on: x.submitted_on,
        endorsed: x.endorsements.iter().map(|o| org_ref(c, s, o)).collect(),
        text: x.text.clone(),
        response: s.responses.get(x.code.as_str()).map(|r| ResponseView {
            class: outcome_class(r.outcome),
            outcome: c.status("cons-outcome", r.outcome.as_str()),
            reason: r.reason.clone(),
            changed: r
                .changed_kind
                .map(|kind| subject_link(c, s, kind, r.changed_code.as_ref())),
        }),
    }
}

#[derive(Template)]
#[template(path = "consultations_one.html")]
struct OnePage {
    c: Chrome,
    title: Text,
    subject: SubjectLink,
    opens: Date,
    closes: Date,
    class: &'static str,
    status: String,
    take_part: Option<String>,
    contributions: Vec<ContributionView>,
    /// Contributions taken into the record, by sector: (sector, how many).
    by_sector: Vec<(String, usize)>,
    /// People who took part in their own name.
    persons: usize,
}

/// `GET /consultations/<code>`: "you said, we did".
pub async fn consultation(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(k) = s.consultations.get(&code) else {
        return Err(PageError::not_found("cons-one", &code));
    };
    let today = state.today();
    let path = format!("/consultations/{code}");
    let c = Chrome::new(&state, lang, &path, k.title.get(lang.0).to_owned());
    let st = status(k, today);
    let people = people(&state).await?;
    let shown: Vec<&Contribution> = contributions_to(&s, &code).filter(|x| !x.hidden).collect();
    let by_sector = Sector::ALL
        .iter()
        .map(|x| {
            (
                c.status("cons-sector", x.as_str()),
                shown.iter().filter(|y| y.sector == *x).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let persons = shown
        .iter()
        .filter_map(|x| people.get(x.code.as_str()).map(|(who, _)| who))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let page = OnePage {
        by_sector,
        persons,
        title: k.title.clone(),
        subject: subject_link(&c, &s, k.subject_kind, k.subject_code.as_ref()),
        opens: k.opens,
        closes: k.closes,
        class: status_class(st),
        status: c.status("cons-status", st.as_str()),
        take_part: (st == ConsultationStatus::Open)
            .then(|| c.href(&format!("/consultations/{code}/take-part"))),
        contributions: contributions_to(&s, &code)
            .map(|x| contribution_view(&c, &s, x, &people))
            .collect(),
        c,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Where a consultation or co-design event an organisation took part in is recorded.
struct TookPart {
    href: Option<String>,
    title: Option<Text>,
    code: String,
}

struct EventRow {
    code: String,
    date: Date,
    title: Text,
    kind: String,
    participants: usize,
}

#[derive(Template)]
#[template(path = "consultations_ack.html")]
struct AckPage {
    c: Chrome,
    orgs: Vec<(Named, Vec<TookPart>)>,
    people: Vec<(String, Named)>,
    /// People who took part in their own name, by sector: (sector, how many).
    persons: Vec<(String, usize)>,
    events: Vec<EventRow>,
}

/// `GET /acknowledgements`: every organisation and named person who took part.
pub async fn acknowledgements_page(
    State(state): State<AppState>,
    lang: Lang,
) -> Result<Response, PageError> {
    let s = public(&state);
    let c = Chrome::new(&state, lang, "/acknowledgements", t(lang.0, "ack-title"));
    let a = acknowledgements(&s);
    let what = |code: &Code| -> TookPart {
        if let Some(k) = s.consultations.get(code.as_str()) {
            TookPart {
                href: Some(c.href(&format!("/consultations/{code}"))),
                title: Some(k.title.clone()),
                code: code.to_string(),
            }
        } else if let Some(e) = s.codesign_events.get(code.as_str()) {
            TookPart {
                href: Some(format!("{}#{code}", c.href("/acknowledgements"))),
                title: Some(e.title.clone()),
                code: code.to_string(),
            }
        } else {
            TookPart {
                href: None,
                title: None,
                code: code.to_string(),
            }
        }
    };
    let orgs = a
        .organisations
        .iter()
        .map(|(org, took)| (org_ref(&c, &s, org), took.iter().map(&what).collect()))
        .collect();
    let who = people(&state).await?;
    // Named people in their own name are thanked like those named by their organisation;
    // everyone in their own name is counted by sector, once however often they wrote.
    let mut named: Vec<(String, Named)> = a
        .people
        .iter()
        .map(|(name, org)| (name.clone(), author_ref(&c, &s, org.as_ref())))
        .collect();
    let mut counted: HashMap<Sector, std::collections::HashSet<&String>> = HashMap::new();
    let mut thanked = std::collections::HashSet::new();
    for x in s.contributions.values().filter(|x| !x.hidden) {
        if let Some((person, name)) = who.get(x.code.as_str()) {
            counted.entry(x.sector).or_default().insert(person);
            if let Some(n) = name
                && thanked.insert(person)
            {
                named.push((n.clone(), author_ref(&c, &s, None)));
            }
        }
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let persons = Sector::ALL
        .iter()
        .filter_map(|x| {
            counted
                .get(x)
                .map(|p| (c.status("cons-sector", x.as_str()), p.len()))
        })
        .collect();
    let events = s
        .codesign_events
        .values()
        .map(|e| EventRow {
            code: e.code.to_string(),
            date: e.date,
            title: e.title.clone(),
            kind: c.status("codesign-kind", e.kind.as_str()),
            participants: e.participants.len(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &AckPage {
            c,
            orgs,
            people: named,
            persons,
            events,
        },
    ))
}
