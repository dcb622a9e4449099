//! What the services catalogue means: pure analyses over a [`Snapshot`](crate::Snapshot) that
//! every interface (pages, API, command line) shows the same way.
//!
//! - [`once_only`]: evidence people are asked for although a base registry already holds it;
//! - [`reuse`]: which services and how many transactions depend on each building block;
//! - [`roadmap`]: releases planned before a building block they need is available, and what
//!   moves when a block slips;
//! - [`priorities`]: the GovStack playbook's impact × feasibility ranking, with weights a
//!   country can change;
//! - [`freshness`]: service sheets not reviewed within the governance period;
//! - [`standard`]: how far each service meets the digital service standard;
//! - [`systems`]: the systems organisations run, grouped by the building block whose work they
//!   do, and which could become or move onto a shared one.
//!
//! Every threshold and weight is a documented constant of its module. The functions never fail
//! on a catalogue with dangling references (integrity rules forbid them on write): a reference
//! to something unknown is simply not counted.

pub mod freshness;
pub mod once_only;
pub mod priorities;
pub mod reuse;
pub mod roadmap;
pub mod standard;
pub mod systems;

use crate::model::Service;

/// The transactions per year of a service, 0 when unknown.
pub fn annual_transactions(s: &Service) -> u64 {
    s.annual_transactions.unwrap_or(0)
}

/// The evidence a service asks the person for: its `evidence` items that are not also in
/// `evidence_fetched` (an item the service fetches is not asked for), each once, in the order
/// the service lists them.
pub fn evidence_asked(s: &Service) -> impl Iterator<Item = &crate::Code> {
    s.evidence
        .iter()
        .enumerate()
        .filter(move |(i, c)| !s.evidence_fetched.contains(c) && !s.evidence[..*i].contains(c))
        .map(|(_, c)| c)
}

/// Small hand-made catalogues for the analyses' tests.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::model::*;
    use crate::snapshot::Snapshot;
    use crate::values::{Code, Date, Maturity, Text};

    /// A code.
    pub fn c(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    /// A date.
    pub fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// Codes from a `;`-separated list.
    pub fn codes(s: &str) -> Vec<Code> {
        s.split(';').filter(|x| !x.is_empty()).map(c).collect()
    }

    /// A service owned by `ORG-A` at maturity 2, on the web, with the given transactions,
    /// evidence and building blocks.
    pub fn service(code: &str, tx: Option<u64>, evidence: &str, blocks: &str) -> Service {
        Service {
            code: c(code),
            title: Text::en(code).unwrap(),
            summary: None,
            audience: vec![Audience::Citizen],
            life_event: vec![],
            owner_code: c("ORG-A"),
            maturity: Maturity::parse("2").unwrap(),
            channels: vec![Channel::Web],
            annual_transactions: tx,
            digital_share_pct: None,
            satisfaction_pct: None,
            completion_rate_pct: None,
            cost_per_transaction: None,
            evidence: codes(evidence),
            evidence_fetched: vec![],
            building_blocks: codes(blocks),
            cross_border: false,
            last_reviewed: None,
            fee: None,
            processing_days: None,
            steps: None,
            outcome: None,
            online_link: None,
            contact_points: vec![],
            transactions_estimated: false,
            customers_per_year: None,
            request_volume: None,
            iterations: None,
            prerequisites: None,
            eligibility: None,
            contributing_orgs: vec![],
            in_operation: None,
            public_private_partnership: None,
            fdi_potential: None,
            regional_harmonisation: None,
            key_metrics: None,
            satisfaction_metrics: None,
            languages: None,
            challenges: None,
        }
    }

    /// A registry.
    pub fn registry(code: &str, items: &str, interop: bool) -> Registry {
        Registry {
            code: c(code),
            name: Text::en(code).unwrap(),
            owner_code: c("ORG-A"),
            data_items: codes(items),
            exposed_via_interop: interop,
        }
    }

    /// A building block.
    pub fn block(code: &str, status: BuildingBlockStatus, go_live: Option<&str>) -> BuildingBlock {
        BuildingBlock {
            code: c(code),
            name: Text::en(code).unwrap(),
            govstack_bb: "identity".into(),
            owner_code: c("ORG-A"),
            status,
            go_live: go_live.map(d),
            product: None,
            maintenance_org: None,
            product_version: None,
            availability_target_pct: None,
            support_hours: None,
            onboarding: None,
            policy_instrument: None,
        }
    }

    /// A planned release.
    pub fn release(code: &str, service: &str, date: &str) -> Release {
        Release {
            code: c(code),
            service: c(service),
            target_maturity: Maturity::parse("4").unwrap(),
            target_date: d(date),
            responsible_org: c("ORG-A"),
            status: ReleaseStatus::Planned,
        }
    }

    /// A snapshot holding the given entities.
    pub fn snapshot(entities: impl IntoIterator<Item = crate::Entity>) -> Snapshot {
        let mut s = Snapshot::default();
        for e in entities {
            s.upsert(e);
        }
        s
    }
}
