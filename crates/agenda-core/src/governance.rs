//! Governance that follows up: where each decision of a governance body stands, which action
//! lines lack the legal instrument they need, and which services are onboarded onto a shared
//! building block.

use std::collections::HashSet;

use crate::model::*;
use crate::snapshot::Snapshot;
use crate::values::{Code, Date};

crate::values::vocabulary!(
    /// Where a decision stands on a day: as the acting organisation reported it, or overdue when
    /// its due date has passed before it was done.
    DecisionState { Open = "open", InProgress = "in_progress", Overdue = "overdue", Done = "done" }
);

impl DecisionState {
    /// Still to be done by the acting organisation.
    pub fn pending(self) -> bool {
        self != Self::Done
    }
}

/// Where `d` stands on `today`: overdue from the day after its due date until it is done.
pub fn state(d: &Decision, today: Date) -> DecisionState {
    match (d.status, d.due) {
        (DecisionStatus::Done, _) => DecisionState::Done,
        (_, Some(due)) if today > due => DecisionState::Overdue,
        (DecisionStatus::InProgress, _) => DecisionState::InProgress,
        (DecisionStatus::Open, _) => DecisionState::Open,
    }
}

/// The decisions `org` must still act on, on `today`: overdue ones first, then by due date
/// (those without one last), then by code.
pub fn pending_for<'s>(s: &'s Snapshot, org: &Code, today: Date) -> Vec<&'s Decision> {
    let mut out: Vec<&Decision> = s
        .decisions
        .values()
        .filter(|d| d.acting_org.as_ref() == Some(org) && state(d, today).pending())
        .collect();
    out.sort_by_key(|d| {
        (
            state(d, today) != DecisionState::Overdue,
            d.due.is_none(),
            d.due,
            d.code.clone(),
        )
    });
    out
}

/// Every decision overdue on `today`, in code order.
pub fn overdue(s: &Snapshot, today: Date) -> Vec<&Decision> {
    s.decisions
        .values()
        .filter(|d| state(d, today) == DecisionState::Overdue)
        .collect()
}

/// The action lines that need a legal instrument and that no instrument of the regulatory plan
/// names: the regulatory gaps, in code order.
pub fn regulatory_gaps(s: &Snapshot) -> Vec<&ActionLine> {
    s.action_lines
        .values()
        .filter(|a| a.needs_legal_instrument)
        .filter(|a| {
            !s.legal_instruments
                .values()
                .any(|l| l.action_lines.contains(&a.code))
        })
        .collect()
}

/// The legal instruments not adopted by their target date, on `today`, in code order.
pub fn instruments_past_target(s: &Snapshot, today: Date) -> Vec<&LegalInstrument> {
    s.legal_instruments
        .values()
        .filter(|l| l.status != LegalStatus::Adopted && l.target_date.is_some_and(|t| t < today))
        .collect()
}

crate::values::vocabulary!(
    /// Where a service that needs a shared building block stands with it.
    Onboarding { Onboarded = "onboarded", Planned = "planned", Waiting = "waiting" }
);

/// Where `service` stands with `block`: *onboarded* when the block is live (pilot or
/// production) and the service is transactional online (level 3 or 4), so it uses the block
/// today; *planned* when a release of the service is on the roadmap (`planned`, from
/// [`services_with_planned_release`]); *waiting* otherwise (the block is not live, or the
/// service is not online and no release is planned).
pub fn onboarding(block: &BuildingBlock, service: &Service, planned: bool) -> Onboarding {
    let live = matches!(
        block.status,
        BuildingBlockStatus::Pilot | BuildingBlockStatus::Production
    );
    if live && service.maturity.level() >= 3 {
        Onboarding::Onboarded
    } else if planned {
        Onboarding::Planned
    } else {
        Onboarding::Waiting
    }
}

/// The services with a release still planned on the roadmap, read once for a whole page.
pub fn services_with_planned_release(s: &Snapshot) -> HashSet<&Code> {
    s.releases
        .values()
        .filter(|r| r.status == ReleaseStatus::Planned)
        .map(|r| &r.service)
        .collect()
}

/// The planned releases of the services that need `block`, by date then code: the roadmap
/// that depends on it.
pub fn releases_depending_on<'s>(s: &'s Snapshot, block: &Code) -> Vec<&'s Release> {
    let mut out: Vec<&Release> = s
        .releases
        .values()
        .filter(|r| r.status == ReleaseStatus::Planned)
        .filter(|r| {
            s.services
                .get(r.service.as_str())
                .is_some_and(|v| v.building_blocks.contains(block))
        })
        .collect();
    out.sort_by_key(|r| (r.target_date, r.code.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decision(status: &str, due: Option<&str>, done_on: Option<&str>) -> Decision {
        serde_json::from_value(json!({
            "code": "DEC-1", "body": "GOV-SC", "decided_on": "2026-03-10",
            "title": {"en": "Publish the open data policy"}, "action_lines": [], "url": null,
            "acting_org": "MOJ", "due": due, "status": status, "done_on": done_on,
        }))
        .unwrap()
    }

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_decision_is_overdue_from_the_day_after_its_due_date_until_done() {
        let d = decision("open", Some("2026-06-30"), None);
        assert_eq!(state(&d, day("2026-06-30")), DecisionState::Open);
        assert_eq!(state(&d, day("2026-07-01")), DecisionState::Overdue);
        let d = decision("in_progress", Some("2026-06-30"), None);
        assert_eq!(state(&d, day("2026-05-01")), DecisionState::InProgress);
        assert_eq!(state(&d, day("2026-07-01")), DecisionState::Overdue);
        let d = decision("done", Some("2026-06-30"), Some("2026-08-01"));
        assert_eq!(state(&d, day("2027-01-01")), DecisionState::Done);
        let d = decision("open", None, None);
        assert_eq!(state(&d, day("2030-01-01")), DecisionState::Open);
    }

    #[test]
    fn old_records_without_follow_up_read_as_open_decisions() {
        let d: Decision = serde_json::from_value(json!({
            "code": "DEC-1", "body": "GOV-SC", "decided_on": "2026-03-10",
            "title": {"en": "x"}, "action_lines": [], "url": null,
        }))
        .unwrap();
        assert_eq!(d.status, DecisionStatus::Open);
        assert_eq!((d.acting_org, d.due, d.meeting), (None, None, None));
    }
}
