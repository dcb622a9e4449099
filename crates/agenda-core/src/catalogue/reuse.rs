//! Reuse of the shared building blocks: for each block, the services that need it and the
//! transactions a year that depend on it; and the services waiting for a block that is not in
//! production yet.
//!
//! A block is **in production** when its status is `production`; `pilot`, `planned` and
//! `retired` blocks are not, whatever their go-live date. A service referring to a block the
//! catalogue does not know is not counted for it.

use serde::Serialize;
use utoipa::ToSchema;

use super::annual_transactions;
use crate::model::{BuildingBlock, BuildingBlockStatus};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date};

/// Whether a building block is in production.
pub fn in_production(b: &BuildingBlock) -> bool {
    b.status == BuildingBlockStatus::Production
}

/// One building block and the services that need it (codes borrowed from the snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BlockUse<'a> {
    /// The building block.
    pub building_block: &'a Code,
    /// The GovStack building block it implements.
    pub govstack_bb: &'a str,
    /// Its deployment status.
    pub status: BuildingBlockStatus,
    /// Its go-live date.
    pub go_live: Option<Date>,
    /// How many services need it.
    pub service_count: usize,
    /// The services that need it, in code order.
    pub services: Vec<&'a Code>,
    /// The sum of their annual transactions (unknown counts 0).
    pub annual_transactions: u64,
}

/// A service needing a building block that is not in production.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WaitingService<'a> {
    /// The service.
    pub service: &'a Code,
    /// The block it needs.
    pub building_block: &'a Code,
    /// The block's status.
    pub status: BuildingBlockStatus,
    /// The block's go-live date, if known.
    pub go_live: Option<Date>,
    /// The service's annual transactions (0 when unknown).
    pub annual_transactions: u64,
}

/// The building-block reuse analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reuse<'a> {
    /// Every building block, the most used first (by annual transactions, then by number of
    /// services, then by code).
    pub blocks: Vec<BlockUse<'a>>,
    /// Every (service, block) where the block is not in production, in service code order, then
    /// in the order the service lists its blocks.
    pub waiting: Vec<WaitingService<'a>>,
}

/// Runs the building-block reuse analysis.
pub fn reuse(s: &Snapshot) -> Reuse<'_> {
    // In code order (the map's), so a service's reference is found by binary search.
    let mut uses: Vec<BlockUse> = s
        .building_blocks
        .values()
        .map(|b| BlockUse {
            building_block: &b.code,
            govstack_bb: &b.govstack_bb,
            status: b.status,
            go_live: b.go_live,
            service_count: 0,
            services: Vec::new(),
            annual_transactions: 0,
        })
        .collect();
    let mut waiting = Vec::new();
    for v in s.services.values() {
        let tx = annual_transactions(v);
        for (i, code) in v.building_blocks.iter().enumerate() {
            if v.building_blocks[..i].contains(code) {
                continue;
            }
            let Ok(u) = uses.binary_search_by(|u| u.building_block.as_str().cmp(code.as_str()))
            else {
                continue;
            };
            let u = &mut uses[u];
            u.services.push(&v.code);
            u.service_count += 1;
            u.annual_transactions += tx;
            if u.status != BuildingBlockStatus::Production {
                waiting.push(WaitingService {
                    service: &v.code,
                    building_block: u.building_block,
                    status: u.status,
                    go_live: u.go_live,
                    annual_transactions: tx,
                });
            }
        }
    }
    uses.sort_by(|a, b| {
        b.annual_transactions
            .cmp(&a.annual_transactions)
            .then(b.service_count.cmp(&a.service_count))
            .then(a.building_block.cmp(b.building_block))
    });
    Reuse {
        blocks: uses,
        waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::BuildingBlockStatus::*;

    #[test]
    fn counts_services_and_transactions_per_block_and_lists_those_waiting() {
        let s = snapshot([
            block("BB-ID", Production, Some("2024-01-01")).into(),
            block("BB-SIGN", Pilot, Some("2027-03-01")).into(),
            block("BB-WF", Planned, None).into(),
            service("SVC-1", Some(100), "", "BB-ID;BB-SIGN").into(),
            // Listed twice, counted once; an unknown block is ignored.
            service("SVC-2", Some(50), "", "BB-ID;BB-ID;BB-NOPE").into(),
            service("SVC-3", None, "", "BB-SIGN").into(),
        ]);
        let r = reuse(&s);
        let summary: Vec<(&str, usize, u64)> = r
            .blocks
            .iter()
            .map(|b| {
                (
                    b.building_block.as_str(),
                    b.service_count,
                    b.annual_transactions,
                )
            })
            .collect();
        // BB-ID: SVC-1 + SVC-2 = 150; BB-SIGN: SVC-1 + SVC-3 (unknown = 0) = 100; BB-WF: none.
        assert_eq!(
            summary,
            [("BB-ID", 2, 150), ("BB-SIGN", 2, 100), ("BB-WF", 0, 0)]
        );
        assert_eq!(
            r.blocks[1].services,
            codes("SVC-1;SVC-3").iter().collect::<Vec<_>>()
        );
        let waiting: Vec<(&str, &str)> = r
            .waiting
            .iter()
            .map(|w| (w.service.as_str(), w.building_block.as_str()))
            .collect();
        assert_eq!(waiting, [("SVC-1", "BB-SIGN"), ("SVC-3", "BB-SIGN")]);
        assert_eq!(r.waiting[0].go_live, Some(d("2027-03-01")));
        assert_eq!(r.waiting[0].status, Pilot);
    }
}
