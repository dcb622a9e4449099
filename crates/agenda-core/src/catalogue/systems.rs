//! The systems government organisations run today, grouped by the GovStack building block whose
//! work they do: where several organisations each run their own system for the same work, a
//! shared building block could replace them; where a shared block already runs, the others could
//! move onto it.
//!
//! A group's **verdict**:
//! - `move_onto_shared`: a building block of that kind is in production, and some systems are not
//!   that block (they could move onto it);
//! - `candidate`: no block of that kind is in production and the systems belong to
//!   [`CANDIDATE_ORGANISATIONS`] or more organisations (or serve services of that many): a
//!   candidate for a shared building block;
//! - `single`: one organisation's system, or only the shared block itself.
//!
//! Systems without a building block kind are listed apart, as not yet classified.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::annual_transactions;
use super::reuse::in_production;
use crate::model::System;
use crate::snapshot::Snapshot;
use crate::values::Code;

/// How many organisations running systems for the same work make a candidate for a shared
/// building block.
pub const CANDIDATE_ORGANISATIONS: usize = 2;

/// What a group of systems suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A shared block of this kind runs; the other systems could move onto it.
    MoveOntoShared,
    /// Several organisations do this work each on their own: a shared block could serve them.
    Candidate,
    /// One organisation's system, or only the shared block itself.
    Single,
}

/// The systems doing one building block's work.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Group<'a> {
    /// The GovStack building block (`identity`, `payments`, …).
    pub govstack_bb: &'a str,
    /// The shared building blocks of this kind in production, in code order.
    pub shared: Vec<&'a Code>,
    /// The systems, in code order.
    pub systems: Vec<&'a System>,
    /// The systems that are not a shared block of this kind.
    pub separate: usize,
    /// Distinct organisations running them or owning the services they serve.
    pub organisations: usize,
    /// Distinct services they serve.
    pub services: usize,
    /// Those services' transactions a year (unknown counts 0).
    pub annual_transactions: u64,
    /// What the group suggests.
    pub verdict: Verdict,
}

/// The systems analysis.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Systems<'a> {
    /// One group per building block kind: candidates first, then those that could move onto a
    /// shared block, then the rest; within each, by organisations, then transactions, then kind.
    pub groups: Vec<Group<'a>>,
    /// Systems whose building block kind is not known, in code order.
    pub unclassified: Vec<&'a System>,
}

/// The kind of work a system does: its own, else that of the shared block it is.
fn kind_of<'a>(s: &'a Snapshot, y: &'a System) -> Option<&'a str> {
    y.govstack_bb.as_deref().or_else(|| {
        y.building_block
            .as_ref()
            .and_then(|b| s.building_blocks.get(b.as_str()))
            .map(|b| b.govstack_bb.as_str())
    })
}

/// Runs the systems analysis.
pub fn systems(s: &Snapshot) -> Systems<'_> {
    let mut by_kind: BTreeMap<&str, Vec<&System>> = BTreeMap::new();
    let mut unclassified = Vec::new();
    for y in s.systems.values() {
        match kind_of(s, y) {
            Some(k) => by_kind.entry(k).or_default().push(y),
            None => unclassified.push(y),
        }
    }
    let mut groups: Vec<Group> = by_kind
        .into_iter()
        .map(|(kind, systems)| {
            let shared: Vec<&Code> = s
                .building_blocks
                .values()
                .filter(|b| b.govstack_bb == kind && in_production(b))
                .map(|b| &b.code)
                .collect();
            let separate = systems
                .iter()
                .filter(|y| {
                    y.building_block
                        .as_ref()
                        .is_none_or(|b| !shared.contains(&b))
                })
                .count();
            let mut orgs = BTreeSet::new();
            let mut services = BTreeSet::new();
            for y in &systems {
                orgs.extend(y.owner_code.as_ref().map(Code::as_str));
                for v in y.services.iter().filter_map(|c| s.services.get(c.as_str())) {
                    orgs.insert(v.owner_code.as_str());
                    services.insert(v.code.as_str());
                }
            }
            let annual_transactions = services
                .iter()
                .filter_map(|c| s.services.get(*c))
                .map(annual_transactions)
                .sum();
            let verdict = if !shared.is_empty() && separate > 0 {
                Verdict::MoveOntoShared
            } else if shared.is_empty() && orgs.len() >= CANDIDATE_ORGANISATIONS {
                Verdict::Candidate
            } else {
                Verdict::Single
            };
            Group {
                govstack_bb: kind,
                shared,
                systems,
                separate,
                organisations: orgs.len(),
                services: services.len(),
                annual_transactions,
                verdict,
            }
        })
        .collect();
    let rank = |v: Verdict| match v {
        Verdict::Candidate => 0,
        Verdict::MoveOntoShared => 1,
        Verdict::Single => 2,
    };
    groups.sort_by(|a, b| {
        rank(a.verdict)
            .cmp(&rank(b.verdict))
            .then(b.organisations.cmp(&a.organisations))
            .then(b.annual_transactions.cmp(&a.annual_transactions))
            .then(a.govstack_bb.cmp(b.govstack_bb))
    });
    Systems {
        groups,
        unclassified,
    }
}

/// The systems that do a building block's kind of work and are not that block: what could move
/// onto it, in code order.
pub fn could_move_onto<'a>(s: &'a Snapshot, block: &Code) -> Vec<&'a System> {
    let Some(b) = s.building_blocks.get(block.as_str()) else {
        return Vec::new();
    };
    s.systems
        .values()
        .filter(|y| y.building_block.as_ref() != Some(block))
        .filter(|y| kind_of(s, y) == Some(b.govstack_bb.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::{BuildingBlockStatus, OrgKind, Organisation};
    use crate::values::Text;

    fn system(code: &str, owner: Option<&str>, bb: Option<&str>, services: &str) -> System {
        System {
            code: c(code),
            name: Text::en(code).unwrap(),
            owner_code: owner.map(c),
            hosting: None,
            database: None,
            monitoring: None,
            govstack_bb: bb.map(str::to_owned),
            building_block: None,
            services: codes(services),
        }
    }

    fn catalogue() -> Snapshot {
        let mut s = Snapshot::default();
        for o in ["ORG-A", "ORG-B", "ORG-C"] {
            s.upsert(
                Organisation {
                    code: c(o),
                    name: Text::en(o).unwrap(),
                    kind: OrgKind::Ministry,
                    parent_code: None,
                    website: None,
                }
                .into(),
            );
        }
        let mut b_service = service("SVC-2", Some(500), "", "");
        b_service.owner_code = c("ORG-B");
        s.upsert(service("SVC-1", Some(1_000), "", "").into());
        s.upsert(b_service.into());
        // A production identity block, one system that is that block and one that is not.
        s.upsert(block("BB-ID", BuildingBlockStatus::Production, Some("2024-01-01")).into());
        let mut national = system("SYS-NID", Some("ORG-A"), None, "SVC-1");
        national.building_block = Some(c("BB-ID"));
        s.upsert(national.into());
        s.upsert(system("SYS-OLD-ID", Some("ORG-C"), Some("identity"), "").into());
        // Two ministries each run a payment system; no payments block exists.
        s.upsert(system("SYS-PAY-A", Some("ORG-A"), Some("payments"), "SVC-1").into());
        s.upsert(system("SYS-PAY-B", None, Some("payments"), "SVC-2").into());
        // One organisation's scheduler, and a system nobody classified.
        s.upsert(system("SYS-SCHED", Some("ORG-C"), Some("scheduler"), "").into());
        s.upsert(system("SYS-X", Some("ORG-C"), None, "").into());
        s
    }

    #[test]
    fn systems_group_by_the_work_they_do_and_say_what_could_be_shared() {
        let s = catalogue();
        let r = systems(&s);
        let got: Vec<(&str, Verdict, usize, usize, u64)> = r
            .groups
            .iter()
            .map(|g| {
                (
                    g.govstack_bb,
                    g.verdict,
                    g.organisations,
                    g.separate,
                    g.annual_transactions,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // Owner unknown, but the service it serves is ORG-B's: two organisations.
                ("payments", Verdict::Candidate, 2, 2, 1_500),
                // The national block's own system counts as the block, the other could move.
                ("identity", Verdict::MoveOntoShared, 2, 1, 1_000),
                ("scheduler", Verdict::Single, 1, 1, 0),
            ]
        );
        assert_eq!(r.groups[1].shared, vec![&c("BB-ID")]);
        let unclassified: Vec<&str> = r.unclassified.iter().map(|y| y.code.as_str()).collect();
        assert_eq!(unclassified, vec!["SYS-X"]);
        let movers: Vec<&str> = could_move_onto(&s, &c("BB-ID"))
            .iter()
            .map(|y| y.code.as_str())
            .collect();
        assert_eq!(movers, vec!["SYS-OLD-ID"]);
    }

    #[test]
    fn a_block_that_is_not_in_production_leaves_its_kind_a_candidate() {
        let mut s = catalogue();
        s.upsert(block("BB-ID", BuildingBlockStatus::Pilot, None).into());
        let r = systems(&s);
        let id = r
            .groups
            .iter()
            .find(|g| g.govstack_bb == "identity")
            .unwrap();
        assert!(id.shared.is_empty());
        assert_eq!(id.separate, 2);
        assert_eq!(id.verdict, Verdict::Candidate);
    }
}
