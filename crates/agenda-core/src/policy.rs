//! Who may change what: the one authorisation rule every write goes through, whatever route
//! (form, JSON API, token) it arrives by. Pure, so each case is tested here.
//!
//! - `admin` and `editor` may change every entity (accounts are not entities: only `admin`
//!   manages them, outside this rule).
//! - `legal` may change only legal instruments (the regulatory plan).
//! - `entity` users, and API tokens, act for one organisation: they may change only that
//!   organisation's services and their figures, the progress reports, milestones and budget
//!   lines of the action lines it leads, and the observations of its KPIs — both the
//!   record as it is and as it would become must belong to it — and may not decide a review:
//!   a report they touch stays in draft or submitted, an observation or a budget line is at
//!   most submitted, and an approved or published report, or a validated observation or
//!   budget line, is no longer theirs to change. Tokens may only submit observations and their
//!   services' figures.
//! - `stakeholder` users speak for one organisation in consultations: while a consultation is
//!   open they may submit a contribution in their organisation's name, dated that day, and add
//!   their organisation's endorsement to another organisation's contribution — nothing else
//!   (moderating, responding and opening consultations are for `admin` and `editor`). Whether
//!   a consultation is open depends on the day, so these writes are allowed only through
//!   [`may_change_on`] / [`may_apply_on`], which are told the day.
//! - Feedback tickets left on a service sheet are seen and handled only by the organisation
//!   owning the service (its `entity` users) and by `admin` and `editor` ([`may_handle_ticket`]).

use crate::consultation::{ConsultationStatus, status};
use crate::model::{Contribution, ObservationStatus, ReportStatus, Role};
use crate::snapshot::{Change, Entity, Kind, Snapshot};
use crate::values::{Code, Date};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person.
    User {
        /// Their role.
        role: Role,
        /// The organisation an `entity` user acts for.
        organisation: Option<Code>,
    },
    /// A machine with an organisation's API token.
    Token {
        /// The organisation it acts for.
        organisation: Code,
    },
    /// A person taking part in a consultation in their own name, signed in by a mailed link.
    Participant,
}

/// Why a change was refused, in words for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied(pub String);

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The organisation an entity belongs to, for the kinds an organisation may edit itself.
///
/// A progress report, like a milestone or a budget line, belongs to its action line's lead:
/// whoever is named as having submitted it, only the lead may create or change it, so no other
/// organisation can take a period's report and lock the lead out of it.
pub fn owner_of(s: &Snapshot, e: &Entity) -> Option<Code> {
    match e {
        Entity::Service(x) => Some(x.owner_code.clone()),
        Entity::ProgressReport(x) => s
            .action_lines
            .get(x.action_line.as_str())
            .map(|al| al.lead_org.clone()),
        Entity::Observation(x) => s.kpis.get(x.kpi.as_str()).map(|k| k.owner_org.clone()),
        Entity::ServiceFigure(f) => s
            .services
            .get(f.service.as_str())
            .map(|v| v.owner_code.clone()),
        Entity::Milestone(x) => s
            .action_lines
            .get(x.action_line.as_str())
            .map(|al| al.lead_org.clone()),
        Entity::Budget(b) => s
            .action_lines
            .get(b.action_line.as_str())
            .map(|al| al.lead_org.clone()),
        Entity::Decision(d) => d.acting_org.clone(),
        _ => None,
    }
}

/// Whether `actor` may change the entity of `kind` and `key` in `s` (absent: a create) into
/// `after` (`None`: a delete), without knowing the day: stakeholders' contributions are
/// refused (see [`may_change_on`]).
pub fn may_change(
    actor: &Actor,
    s: &Snapshot,
    kind: Kind,
    key: &str,
    after: Option<&Entity>,
) -> Result<(), Denied> {
    may_change_on(actor, s, None, kind, key, after)
}

/// [`may_change`] on the day `today`, which decides whether a consultation is open.
pub fn may_change_on(
    actor: &Actor,
    s: &Snapshot,
    today: Option<Date>,
    kind: Kind,
    key: &str,
    after: Option<&Entity>,
) -> Result<(), Denied> {
    let before = s.get(kind, key);
    let (org, tokens_only_observations) = match actor {
        Actor::User {
            role: Role::Admin | Role::Editor,
            ..
        } => return Ok(()),
        Actor::User {
            role: Role::Legal, ..
        } => {
            return if kind == Kind::LegalInstrument {
                Ok(())
            } else {
                Err(Denied(
                    "legal advisors may change only the regulatory plan (legal instruments)".into(),
                ))
            };
        }
        Actor::User {
            role: Role::Stakeholder,
            organisation,
        } => {
            return stakeholder(
                s,
                today,
                organisation.as_ref(),
                kind,
                before.as_ref(),
                after,
            );
        }
        Actor::User {
            role: Role::Entity,
            organisation: Some(org),
        } => (org, false),
        Actor::User {
            role: Role::Entity,
            organisation: None,
        } => {
            return Err(Denied(
                "this account is not bound to an organisation".into(),
            ));
        }
        Actor::Token { organisation } => (organisation, true),
        Actor::Participant => return participant(s, today, kind, before.as_ref(), after),
    };
    if tokens_only_observations && !matches!(kind, Kind::Observation | Kind::ServiceFigure) {
        return Err(Denied(
            "API tokens may only submit KPI observations and service figures".into(),
        ));
    }
    if !matches!(
        kind,
        Kind::Service
            | Kind::ServiceFigure
            | Kind::ProgressReport
            | Kind::Observation
            | Kind::Milestone
            | Kind::Budget
            | Kind::Decision
    ) {
        return Err(Denied(format!(
            "an organisation may change only its services and their figures, progress reports, \
             observations, milestones, budget lines and the follow-up of decisions it must act \
             on, not a {}",
            kind.as_str().replace('_', " ")
        )));
    }
    for e in before.iter().chain(after) {
        if owner_of(s, e).as_ref() != Some(org) {
            return Err(Denied(format!(
                "{} {} belongs to another organisation than {org}",
                kind.as_str().replace('_', " "),
                e.key()
            )));
        }
    }
    if kind == Kind::Decision {
        return follow_up(before.as_ref(), after);
    }
    let decided = |e: &Entity| match e {
        Entity::ProgressReport(r) => !matches!(
            r.status,
            ReportStatus::Draft | ReportStatus::Submitted | ReportStatus::Returned
        ),
        Entity::Observation(o) => o.status == ObservationStatus::Validated,
        Entity::Budget(b) => b.status == ObservationStatus::Validated,
        _ => false,
    };
    if before.as_ref().is_some_and(decided) {
        return Err(Denied(
            "this record has been reviewed; only a reviewer may change it now".into(),
        ));
    }
    if let Some(a) = after {
        if decided(a) {
            return Err(Denied(
                "only a reviewer may approve, publish or validate".into(),
            ));
        }
        if let (Entity::ProgressReport(r), Some(Entity::ProgressReport(b))) = (a, &before)
            && r.status == ReportStatus::Returned
            && b.status != ReportStatus::Returned
        {
            return Err(Denied("only a reviewer may return a report".into()));
        }
    }
    Ok(())
}

/// What a stakeholder of `org` may do on `today`: contribute, and endorse others.
/// An organisation reports on a decision it must act on: the status, the day it was done and
/// what it did. What was decided, by whom, for whom and by when stays the body's.
fn follow_up(before: Option<&Entity>, after: Option<&Entity>) -> Result<(), Denied> {
    match (before, after) {
        (Some(Entity::Decision(b)), Some(Entity::Decision(a))) => {
            let mut reported = b.clone();
            reported.status = a.status;
            reported.done_on = a.done_on;
            reported.follow_up = a.follow_up.clone();
            if *a == reported {
                Ok(())
            } else {
                Err(Denied(
                    "an organisation reports only the follow-up of a decision (status, day done, \
                     what was done); the decision itself is the governance body's"
                        .into(),
                ))
            }
        }
        _ => Err(Denied(
            "decisions are recorded and removed by the governance body's secretariat".into(),
        )),
    }
}

/// Whether `a`'s consultation takes contributions on `today`.
fn taking(s: &Snapshot, today: Date, a: &Contribution) -> Result<(), Denied> {
    match s.consultations.get(a.consultation.as_str()) {
        Some(c) if status(c, today) == ConsultationStatus::Open => Ok(()),
        Some(c) => Err(Denied(format!(
            "consultation {} is not open: it takes contributions from {} to {}",
            c.code, c.opens, c.closes
        ))),
        None => Err(Denied(format!(
            "there is no consultation {}",
            a.consultation
        ))),
    }
}

/// What every new contribution is: dated the day it is made, not hidden, not yet endorsed.
fn new_contribution(a: &Contribution, today: Date) -> Result<(), Denied> {
    let deny = |why: &str| Err(Denied(why.to_owned()));
    if a.submitted_on != today {
        return deny("a contribution is dated the day it is submitted");
    }
    if a.hidden || a.hidden_reason.is_some() {
        return deny("only the moderators may hide a contribution");
    }
    if !a.endorsements.is_empty() {
        return deny("endorsements are given by the other organisations themselves");
    }
    Ok(())
}

/// A person in their own name may add a contribution to an open consultation, and nothing
/// else: no organisation's name, no endorsement, no change once made.
fn participant(
    s: &Snapshot,
    today: Option<Date>,
    kind: Kind,
    before: Option<&Entity>,
    after: Option<&Entity>,
) -> Result<(), Denied> {
    let deny = |why: &str| Err(Denied(why.to_owned()));
    let (Kind::Contribution, None, Some(Entity::Contribution(a)), Some(today)) =
        (kind, before, after, today)
    else {
        return deny("a person taking part may only add a contribution to an open consultation");
    };
    if a.author_org.is_some() {
        return deny("a person takes part in their own name, not an organisation's");
    }
    taking(s, today, a)?;
    new_contribution(a, today)
}

fn stakeholder(
    s: &Snapshot,
    today: Option<Date>,
    org: Option<&Code>,
    kind: Kind,
    before: Option<&Entity>,
    after: Option<&Entity>,
) -> Result<(), Denied> {
    let deny = |why: &str| Err(Denied(why.to_owned()));
    if kind != Kind::Contribution {
        return deny(
            "stakeholders take part through consultations and may not change the agenda, \
             moderate or respond",
        );
    }
    let Some(org) = org else {
        return deny("this account speaks for no organisation, so it cannot contribute");
    };
    let Some(today) = today else {
        return deny("contributions and endorsements are made on the consultation's page");
    };
    let Some(Entity::Contribution(a)) = after else {
        return deny("a contribution is not withdrawn once submitted");
    };
    taking(s, today, a)?;
    match before {
        None => {
            if a.author_org.as_ref() != Some(org) {
                return deny("a contribution is made in the name of your own organisation");
            }
            new_contribution(a, today)
        }
        Some(Entity::Contribution(b)) => {
            if b.author_org.as_ref() == Some(org) {
                return deny("a contribution cannot be changed once submitted, nor self-endorsed");
            }
            if b.hidden {
                return deny("a hidden contribution cannot be endorsed");
            }
            let mut endorsed: Contribution = b.clone();
            if !endorsed.endorsements.contains(org) {
                endorsed.endorsements.push(org.clone());
            }
            if *a != endorsed {
                return deny(
                    "a stakeholder may only add their organisation's endorsement to another's \
                     contribution",
                );
            }
            Ok(())
        }
        Some(_) => deny("not a contribution"),
    }
}

/// Checks every change of a write, without knowing the day; the first refusal wins.
pub fn may_apply(actor: &Actor, s: &Snapshot, changes: &[Change]) -> Result<(), Denied> {
    may_apply_on(actor, s, None, changes)
}

/// [`may_apply`] on the day `today`.
pub fn may_apply_on(
    actor: &Actor,
    s: &Snapshot,
    today: Option<Date>,
    changes: &[Change],
) -> Result<(), Denied> {
    for c in changes {
        match c {
            Change::Upsert(e) => may_change_on(actor, s, today, e.kind(), &e.key(), Some(e))?,
            Change::Delete(kind, key) => may_change_on(actor, s, today, *kind, key, None)?,
        }
    }
    Ok(())
}

/// Whether `actor` may review (approve, return, publish) progress reports and validate
/// observations and budget lines.
pub fn may_review(actor: &Actor) -> bool {
    matches!(
        actor,
        Actor::User {
            role: Role::Admin | Role::Editor,
            ..
        }
    )
}

/// Whether `actor` may see and handle a feedback ticket on the service `service` of `s`
/// (see [`crate::ticket`]). The ticket follows the service: its owning organisation now.
pub fn may_handle_ticket(actor: &Actor, s: &Snapshot, service: &str) -> Result<(), Denied> {
    match actor {
        Actor::User {
            role: Role::Admin | Role::Editor,
            ..
        } => Ok(()),
        Actor::User {
            role: Role::Entity,
            organisation: Some(org),
        } => match s.services.get(service) {
            Some(v) if v.owner_code == *org => Ok(()),
            _ => Err(Denied(format!(
                "this feedback is on a service of another organisation than {org}"
            ))),
        },
        Actor::Token { .. } => Err(Denied("API tokens may only submit KPI observations".into())),
        Actor::User { .. } | Actor::Participant => Err(Denied(
            "feedback is handled by the service's organisation and the editors".into(),
        )),
    }
}

#[cfg(test)]
mod tests;
