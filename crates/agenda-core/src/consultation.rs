//! Consultations and co-design: when a consultation takes contributions, which sector an
//! organisation speaks for, and who is acknowledged for taking part.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::*;
use crate::snapshot::Snapshot;
use crate::values::{Code, Date};

crate::values::vocabulary!(
    /// Where a consultation is, computed from its dates.
    ConsultationStatus { Upcoming = "upcoming", Open = "open", Closed = "closed" }
);

/// Where a consultation is on `today`: upcoming before it opens, open from its first to its
/// last day (both included), closed after.
pub fn status(c: &Consultation, today: Date) -> ConsultationStatus {
    if today < c.opens {
        ConsultationStatus::Upcoming
    } else if today <= c.closes {
        ConsultationStatus::Open
    } else {
        ConsultationStatus::Closed
    }
}

/// The sector an organisation of `kind` speaks for.
pub fn sector_of(kind: OrgKind) -> Sector {
    match kind {
        OrgKind::Academia => Sector::Academia,
        OrgKind::Private => Sector::Private,
        OrgKind::CivilSociety => Sector::CivilSociety,
        OrgKind::International => Sector::International,
        OrgKind::Authority | OrgKind::Ministry | OrgKind::Agency | OrgKind::Municipality => {
            Sector::Public
        }
    }
}

/// The contributions to one consultation, in key order.
pub fn contributions_to<'a>(
    s: &'a Snapshot,
    consultation: &'a str,
) -> impl Iterator<Item = &'a Contribution> + 'a {
    s.contributions
        .values()
        .filter(move |c| c.consultation.as_str() == consultation)
}

/// A contribution code not yet taken: `<consultation>-C<n>` with the next free `n`.
pub fn next_contribution_code(s: &Snapshot, consultation: &Code) -> Option<Code> {
    let n = contributions_to(s, consultation.as_str()).count() + 1;
    (n..)
        .take(10_000)
        .map(|i| format!("{consultation}-C{i}"))
        .find(|c| !s.contributions.contains_key(c))
        .and_then(|c| Code::parse(&c).ok())
}

/// Who is thanked at the launch: every organisation that took part, and how, and every person
/// who agreed to be named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acknowledgements {
    /// Organisation code → the consultations and co-design events it took part in.
    pub organisations: BTreeMap<Code, BTreeSet<Code>>,
    /// Named contributors and their organisation (none for a person in their own name).
    pub people: BTreeSet<(String, Option<Code>)>,
}

/// Everyone who took part in a consultation (contributing or endorsing) or a co-design event.
/// A contribution hidden by the moderators does not count: it was not taken into the record.
pub fn acknowledgements(s: &Snapshot) -> Acknowledgements {
    let mut a = Acknowledgements::default();
    for c in s.contributions.values().filter(|c| !c.hidden) {
        for org in c.author_org.iter().chain(&c.endorsements) {
            a.organisations
                .entry(org.clone())
                .or_default()
                .insert(c.consultation.clone());
        }
        if let Some(name) = c.author_name.as_ref().filter(|n| !n.trim().is_empty()) {
            a.people
                .insert((name.trim().to_owned(), c.author_org.clone()));
        }
    }
    for e in s.codesign_events.values() {
        for org in &e.participants {
            a.organisations
                .entry(org.clone())
                .or_default()
                .insert(e.code.clone());
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consultation(opens: &str, closes: &str) -> Consultation {
        Consultation {
            code: Code::parse("CONS-1").unwrap(),
            title: crate::Text::en("Draft agenda").unwrap(),
            subject_kind: Subject::Agenda,
            subject_code: Some(Code::parse("NDA").unwrap()),
            opens: Date::parse(opens).unwrap(),
            closes: Date::parse(closes).unwrap(),
        }
    }

    #[test]
    fn the_status_follows_the_dates_with_both_ends_included() {
        let c = consultation("2026-10-01", "2026-10-31");
        let on = |d: &str| status(&c, Date::parse(d).unwrap());
        assert_eq!(on("2026-09-30"), ConsultationStatus::Upcoming);
        assert_eq!(on("2026-10-01"), ConsultationStatus::Open);
        assert_eq!(on("2026-10-15"), ConsultationStatus::Open);
        assert_eq!(on("2026-10-31"), ConsultationStatus::Open);
        assert_eq!(on("2026-11-01"), ConsultationStatus::Closed);
    }

    #[test]
    fn public_bodies_speak_for_the_public_sector() {
        assert_eq!(sector_of(OrgKind::Agency), Sector::Public);
        assert_eq!(sector_of(OrgKind::Academia), Sector::Academia);
        assert_eq!(sector_of(OrgKind::CivilSociety), Sector::CivilSociety);
    }
}
