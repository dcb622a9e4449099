//! The once-only principle: people should not be asked for information the state already
//! holds. This module lists every (service, data item) where a service still asks for an item
//! that a base registry holds, and what that costs the country each year.
//!
//! The rule:
//! - a service **asks** for an item when the item is in its `evidence` and not in its
//!   `evidence_fetched` (see [`evidence_asked`](super::evidence_asked));
//! - the item is **already held** when at least one registry lists it in its `data_items`;
//! - it is **fixable now** when at least one of those registries is reachable through the
//!   interoperability layer (`exposed_via_interop`): only the service's connection is missing.
//!   Otherwise it is **blocked** until a holding registry is connected;
//! - each transaction of the service is one request for each item it asks for, so an item's
//!   **annual requests** are the service's annual transactions (0 when unknown).

use std::sync::Arc;

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use super::{annual_transactions, evidence_asked};
use crate::snapshot::Snapshot;
use crate::values::Code;

/// A service asking for a data item that a registry already holds. Borrows its codes from the
/// snapshot analysed: a national catalogue has hundreds of thousands of such pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OnceOnlyItem<'a> {
    /// The service that asks.
    pub service: &'a Code,
    /// The data item it asks for.
    pub data_item: &'a Code,
    /// The registries that hold the item, in code order.
    #[serde(serialize_with = "serialize_codes")]
    #[schema(value_type = Vec<Code>)]
    pub registries: Arc<[&'a Code]>,
    /// At least one of those registries is reachable through the interoperability layer today.
    pub fixable_now: bool,
    /// Requests per year: the service's annual transactions (0 when unknown).
    pub annual_requests: u64,
}

/// The holders of an item, shared by every pair that asks for it.
fn serialize_codes<S: Serializer>(codes: &Arc<[&Code]>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(codes.iter())
}

/// The national figures of the once-only analysis.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OnceOnlySummary {
    /// Number of (service, data item) pairs found.
    pub total: usize,
    /// Services with at least one such pair.
    pub services: usize,
    /// Requests per year for data the state already holds.
    pub annual_requests: u64,
    /// Of these, requests for items a reachable registry holds: fixable now.
    pub fixable_now_requests: u64,
    /// Of these, requests for items no reachable registry holds: blocked until one is connected.
    pub blocked_requests: u64,
    /// Share of all evidence (asked or fetched) that services already fetch, weighted by their
    /// annual transactions, in %; `None` when no service with transactions needs evidence.
    pub fetched_share_pct: Option<f64>,
}

/// The once-only analysis: the pairs and the national figures.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OnceOnly<'a> {
    /// Every (service, data item) pair, in service code order, then in the order the service
    /// lists its evidence.
    pub items: Vec<OnceOnlyItem<'a>>,
    /// The national figures.
    pub summary: OnceOnlySummary,
}

/// Where a data item is held: its registries (in code order) and whether one is reachable.
struct Held<'a> {
    item: &'a str,
    registries: Arc<[&'a Code]>,
    reachable: bool,
}

/// Where each data item is held, by item code (for a binary search: a registry lists a few
/// dozen items, a catalogue asks for them hundreds of thousands of times).
fn holders(s: &Snapshot) -> Vec<Held<'_>> {
    let mut pairs: Vec<(&str, &Code, bool)> = s
        .registries
        .values()
        .flat_map(|r| {
            r.data_items
                .iter()
                .map(move |i| (i.as_str(), &r.code, r.exposed_via_interop))
        })
        .collect();
    // By item, then registry code: registries come in code order already (stable sort).
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| Held {
            item: group[0].0,
            registries: group.iter().map(|p| p.1).collect(),
            reachable: group.iter().any(|p| p.2),
        })
        .collect()
}

/// Runs the once-only analysis on a catalogue.
pub fn once_only(s: &Snapshot) -> OnceOnly<'_> {
    let held = holders(s);
    let mut items = Vec::new();
    let mut services = 0;
    let (mut annual_requests, mut fixable_now_requests) = (0u64, 0u64);
    let (mut asked_weight, mut fetched_weight) = (0u128, 0u128);
    for v in s.services.values() {
        let tx = annual_transactions(v);
        let before = items.len();
        let mut asked = 0u128;
        for item in evidence_asked(v) {
            asked += 1;
            if let Ok(h) = held.binary_search_by(|h| h.item.cmp(item.as_str())) {
                let h = &held[h];
                annual_requests += tx;
                if h.reachable {
                    fixable_now_requests += tx;
                }
                items.push(OnceOnlyItem {
                    service: &v.code,
                    data_item: item,
                    registries: Arc::clone(&h.registries),
                    fixable_now: h.reachable,
                    annual_requests: tx,
                });
            }
        }
        if items.len() > before {
            services += 1;
        }
        let mut fetched = 0u128;
        for (i, f) in v.evidence_fetched.iter().enumerate() {
            if !v.evidence_fetched[..i].contains(f) {
                fetched += 1;
            }
        }
        asked_weight += asked * u128::from(tx);
        fetched_weight += fetched * u128::from(tx);
    }
    let all = asked_weight + fetched_weight;
    let fetched_share_pct = (all > 0).then(|| fetched_weight as f64 * 100.0 / all as f64);
    OnceOnly {
        summary: OnceOnlySummary {
            total: items.len(),
            services,
            annual_requests,
            fixable_now_requests,
            blocked_requests: annual_requests - fixable_now_requests,
            fetched_share_pct,
        },
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;

    /// Two registries: POP (reachable) holds NAME and DOB; LAND (not reachable) holds TITLE and
    /// DOB. ADDR is held by nobody.
    fn catalogue() -> Snapshot {
        let mut a = service("SVC-A", Some(1000), "DI-NAME;DI-ADDR;DI-TITLE", "");
        a.evidence_fetched = codes("DI-DOB");
        let mut b = service("SVC-B", None, "DI-DOB;DI-DOB", "");
        b.evidence_fetched = vec![];
        // Asks for nothing: NAME is both listed and fetched, so it is not asked.
        let mut c_ = service("SVC-C", Some(500), "DI-NAME", "");
        c_.evidence_fetched = codes("DI-NAME");
        snapshot([
            registry("REG-POP", "DI-NAME;DI-DOB", true).into(),
            registry("REG-LAND", "DI-TITLE;DI-DOB", false).into(),
            a.into(),
            b.into(),
            c_.into(),
        ])
    }

    #[test]
    fn lists_each_held_item_a_service_still_asks_for() {
        let snapshot = catalogue();
        let o = once_only(&snapshot);
        let pairs: Vec<(&str, &str, bool, u64)> = o
            .items
            .iter()
            .map(|i| {
                (
                    i.service.as_str(),
                    i.data_item.as_str(),
                    i.fixable_now,
                    i.annual_requests,
                )
            })
            .collect();
        // SVC-A: NAME (POP, reachable), ADDR (held by nobody: not listed), TITLE (LAND only:
        // blocked). SVC-B: DOB once although listed twice; unknown transactions count 0.
        assert_eq!(
            pairs,
            [
                ("SVC-A", "DI-NAME", true, 1000),
                ("SVC-A", "DI-TITLE", false, 1000),
                ("SVC-B", "DI-DOB", true, 0),
            ]
        );
        // DOB is held by both registries, listed in code order.
        assert_eq!(
            o.items[2].registries[..],
            codes("REG-LAND;REG-POP").iter().collect::<Vec<_>>()
        );
        assert_eq!(o.items[1].registries[..], [&c("REG-LAND")]);
    }

    #[test]
    fn national_figures_split_fixable_and_blocked() {
        let snapshot = catalogue();
        let o = once_only(&snapshot);
        assert_eq!(o.summary.total, 3);
        assert_eq!(o.summary.services, 2);
        assert_eq!(o.summary.annual_requests, 2000);
        assert_eq!(o.summary.fixable_now_requests, 1000);
        assert_eq!(o.summary.blocked_requests, 1000);
        // Weighted by transactions: SVC-A asks 3 and fetches 1 (× 1000), SVC-B weighs 0,
        // SVC-C fetches 1 (× 500) and asks none: fetched 1500 of 4500 → 33.33 %.
        let share = o.summary.fetched_share_pct.unwrap();
        assert!((share - 100.0 / 3.0).abs() < 1e-9, "{share}");
    }

    #[test]
    fn an_empty_catalogue_has_nothing_to_fix_and_no_share() {
        let snapshot = Snapshot::default();
        let o = once_only(&snapshot);
        assert!(o.items.is_empty());
        assert_eq!(o.summary.annual_requests, 0);
        assert_eq!(o.summary.fetched_share_pct, None);
    }
}
