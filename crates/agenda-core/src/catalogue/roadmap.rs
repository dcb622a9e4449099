//! The digitalisation roadmap: which planned releases are scheduled before something they need
//! is available, and which releases move when a building block slips.
//!
//! The rule:
//! - only **planned** releases count (released and cancelled ones are history);
//! - a release **needs** the building blocks of its service. Legal instruments are not linked to
//!   services, releases or building blocks in the model (only to action lines), so they are not
//!   needs here;
//! - a block's **availability** (see [`availability`]) is its go-live date whatever its status
//!   (production, pilot or planned), since `go_live` is the date it went or goes live; a block in
//!   production without a date has always been available; a pilot or planned block without a
//!   date, and a retired block, have no known availability;
//! - a **conflict** is a (release, block) where the release's target date is strictly before the
//!   block's availability, or the block's availability is unknown. A release on the very day a
//!   block goes live is not in conflict;
//! - a **slip** of a block by some days moves its go-live date; every planned release needing the
//!   block whose date falls before the new availability moves to that availability. Releases
//!   already on or after it do not move and are not listed.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::{BuildingBlock, BuildingBlockStatus, Release, ReleaseStatus, Service};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date, Maturity};

/// When a building block is available to the services that need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// In production with no go-live date: available, as far as anyone can tell, forever.
    Live,
    /// Available from this day on.
    From(Date),
    /// Not known: a pilot or planned block without a date, or a retired block.
    Unknown,
}

/// The availability of a building block (see the module's rule).
pub fn availability(b: &BuildingBlock) -> Availability {
    match (b.status, b.go_live) {
        (BuildingBlockStatus::Retired, _) => Availability::Unknown,
        (_, Some(d)) => Availability::From(d),
        (BuildingBlockStatus::Production, None) => Availability::Live,
        (_, None) => Availability::Unknown,
    }
}

/// A planned release scheduled before a building block it needs is available (codes borrowed
/// from the snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Conflict<'a> {
    /// The service released.
    pub service: &'a Code,
    /// The release.
    pub release: &'a Code,
    /// Its planned date.
    pub release_date: Date,
    /// The maturity level it should reach.
    pub target_maturity: Maturity,
    /// The organisation responsible for it.
    pub responsible_org: &'a Code,
    /// The building block it needs.
    pub needs: &'a Code,
    /// That block's status.
    pub needs_status: BuildingBlockStatus,
    /// The day the block is available; `None` when not known.
    pub available_on: Option<Date>,
    /// Days between the release date and the block's availability; `None` when not known.
    pub days_short: Option<i64>,
}

/// Services in code order, found by code with a hint: releases are usually coded after their
/// service (`SVC-042-R1`), so they come in nearly the services' order, and the service after
/// the last one found is usually the next one asked for. Walking the catalogue in order this
/// way also touches memory in order, which a hash table of a national catalogue does not.
struct ServiceIndex<'a> {
    services: Vec<&'a Service>,
    next: usize,
}

impl<'a> ServiceIndex<'a> {
    fn new(services: impl Iterator<Item = &'a Service>) -> Self {
        Self {
            services: services.collect(),
            next: 0,
        }
    }

    fn find(&mut self, code: &str) -> Option<&'a Service> {
        let at = match self.services.get(self.next) {
            Some(v) if v.code.as_str() == code => self.next,
            _ => self
                .services
                .binary_search_by(|v| v.code.as_str().cmp(code))
                .ok()?,
        };
        self.next = at + 1;
        Some(self.services[at])
    }
}

/// The planned releases of a catalogue, in code order.
fn planned(s: &Snapshot) -> impl Iterator<Item = &Release> {
    s.releases
        .values()
        .filter(|r| r.status == ReleaseStatus::Planned)
}

/// Every conflict of the roadmap, by release date, then release code, then block code.
pub fn conflicts(s: &Snapshot) -> Vec<Conflict<'_>> {
    // Each block with its availability, in code order for a binary search.
    let blocks: Vec<(&BuildingBlock, Availability)> = s
        .building_blocks
        .values()
        .map(|b| (b, availability(b)))
        .collect();
    let mut services = ServiceIndex::new(s.services.values());
    let mut out = Vec::new();
    for r in planned(s) {
        // Releases of unknown services are left out.
        let Some(v) = services.find(r.service.as_str()) else {
            continue;
        };
        let first = out.len();
        // The blocks the service needs, each once, unknown ones left out.
        for (i, c) in v.building_blocks.iter().enumerate() {
            if v.building_blocks[..i].contains(c) {
                continue;
            }
            let Ok(at) = blocks.binary_search_by(|(b, _)| b.code.as_str().cmp(c.as_str())) else {
                continue;
            };
            let (b, availability) = blocks[at];
            let available_on = match availability {
                Availability::Live => continue,
                Availability::From(d) if d <= r.target_date => continue,
                Availability::From(d) => Some(d),
                Availability::Unknown => None,
            };
            out.push(Conflict {
                service: &v.code,
                release: &r.code,
                release_date: r.target_date,
                target_maturity: r.target_maturity,
                responsible_org: &r.responsible_org,
                needs: &b.code,
                needs_status: b.status,
                available_on,
                days_short: available_on.map(|d| d.day_number() - r.target_date.day_number()),
            });
        }
        out[first..].sort_unstable_by(|a, b| a.needs.cmp(b.needs));
    }
    // Releases come in code order and each one's blocks in code order: ordering by date, then
    // by position, gives date, release, block. The small keys are sorted rather than the rows,
    // which are then placed once.
    let mut order: Vec<(Date, u32)> = out
        .iter()
        .enumerate()
        .map(|(i, c)| (c.release_date, i as u32))
        .collect();
    order.sort_unstable();
    order
        .iter()
        .map(|&(_, i)| out[i as usize].clone())
        .collect()
}

/// Why a slip cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlipError {
    /// No building block has this code.
    #[error("no building block with code {0}")]
    UnknownBlock(String),
    /// The block has no go-live date to move.
    #[error("building block {0} has no go-live date to move")]
    NoGoLive(Code),
    /// The block is retired: it will not go live again.
    #[error("building block {0} is retired")]
    Retired(Code),
}

/// A release that moves because a block slips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlipMove<'a> {
    /// The release.
    pub release: &'a Code,
    /// The service released.
    pub service: &'a Code,
    /// Its planned date today.
    pub from: Date,
    /// Its date once the block has slipped.
    pub to: Date,
    /// How many days it moves.
    pub days: i64,
}

/// What a slip of a building block does to the roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Slip<'a> {
    /// The block that slips.
    pub building_block: &'a Code,
    /// By how many days (negative: earlier).
    pub days: i64,
    /// Its go-live date today.
    pub available_before: Date,
    /// Its go-live date after the slip.
    pub available_after: Date,
    /// The releases that move, by their current date then code.
    pub moves: Vec<SlipMove<'a>>,
}

/// What happens to the roadmap if building block `bb_code` goes live `days` days later.
///
/// Fails when there is no such block, or when it is retired or has no go-live date.
pub fn slip<'a>(s: &'a Snapshot, bb_code: &str, days: i64) -> Result<Slip<'a>, SlipError> {
    let b = s
        .building_blocks
        .get(bb_code)
        .ok_or_else(|| SlipError::UnknownBlock(bb_code.to_owned()))?;
    if b.status == BuildingBlockStatus::Retired {
        return Err(SlipError::Retired(b.code.clone()));
    }
    let before = b
        .go_live
        .ok_or_else(|| SlipError::NoGoLive(b.code.clone()))?;
    let after = before.add_days(days);
    // The services needing the block, found once rather than once per release.
    let mut needing = ServiceIndex::new(
        s.services
            .values()
            .filter(|v| v.building_blocks.contains(&b.code)),
    );
    let mut moves: Vec<SlipMove> = planned(s)
        .filter(|r| r.target_date < after)
        .filter_map(|r| needing.find(r.service.as_str()).map(|v| (r, v)))
        .map(|(r, v)| SlipMove {
            release: &r.code,
            service: &v.code,
            from: r.target_date,
            to: after,
            days: after.day_number() - r.target_date.day_number(),
        })
        .collect();
    // Releases come in code order: a stable sort by date alone gives date, then code.
    moves.sort_by_key(|m| m.from);
    Ok(Slip {
        building_block: &b.code,
        days,
        available_before: before,
        available_after: after,
        moves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;
    use crate::model::BuildingBlockStatus::*;

    /// BB-ID in production since 2024 (no constraint after that), BB-SIGN a pilot going live
    /// 2027-03-01, BB-WF planned with no date, BB-OLD retired, BB-LIVE in production with no
    /// date.
    fn catalogue() -> Snapshot {
        let mut done = release("SVC-1-R0", "SVC-1", "2020-01-01");
        done.status = ReleaseStatus::Released;
        snapshot([
            block("BB-ID", Production, Some("2024-06-01")).into(),
            block("BB-SIGN", Pilot, Some("2027-03-01")).into(),
            block("BB-WF", Planned, None).into(),
            block("BB-OLD", Retired, Some("2020-01-01")).into(),
            block("BB-LIVE", Production, None).into(),
            service("SVC-1", Some(10), "", "BB-ID;BB-SIGN").into(),
            service("SVC-2", Some(10), "", "BB-SIGN;BB-LIVE").into(),
            service("SVC-3", Some(10), "", "BB-WF;BB-OLD").into(),
            service("SVC-4", Some(10), "", "BB-SIGN").into(),
            // Before BB-ID's go-live, but released: history, not a conflict.
            done.into(),
            release("SVC-1-R1", "SVC-1", "2027-01-15").into(),
            release("SVC-2-R1", "SVC-2", "2027-03-01").into(),
            release("SVC-3-R1", "SVC-3", "2030-01-01").into(),
            release("SVC-4-R1", "SVC-4", "2027-05-30").into(),
            release("SVC-4-R2", "SVC-4", "2028-01-01").into(),
        ])
    }

    #[test]
    fn availability_follows_the_go_live_date_and_status() {
        let s = catalogue();
        let a = |c: &str| availability(&s.building_blocks[c]);
        assert_eq!(a("BB-ID"), Availability::From(d("2024-06-01")));
        assert_eq!(a("BB-SIGN"), Availability::From(d("2027-03-01")));
        assert_eq!(a("BB-WF"), Availability::Unknown);
        assert_eq!(a("BB-OLD"), Availability::Unknown);
        assert_eq!(a("BB-LIVE"), Availability::Live);
    }

    #[test]
    fn a_release_before_its_block_goes_live_is_a_conflict() {
        let snapshot = catalogue();
        let c = conflicts(&snapshot);
        let found: Vec<(&str, &str, Option<Date>, Option<i64>)> = c
            .iter()
            .map(|x| {
                (
                    x.release.as_str(),
                    x.needs.as_str(),
                    x.available_on,
                    x.days_short,
                )
            })
            .collect();
        // SVC-1-R1 on 2027-01-15 needs BB-SIGN from 2027-03-01: 45 days short (16 + 28 + 1).
        // SVC-2-R1 is on BB-SIGN's go-live day: fine. SVC-3-R1 needs BB-OLD (retired) and
        // BB-WF (no date): both unknown. SVC-4's releases are after 2027-03-01.
        assert_eq!(
            found,
            [
                ("SVC-1-R1", "BB-SIGN", Some(d("2027-03-01")), Some(45)),
                ("SVC-3-R1", "BB-OLD", None, None),
                ("SVC-3-R1", "BB-WF", None, None),
            ]
        );
        assert_eq!(c[0].service.as_str(), "SVC-1");
        assert_eq!(c[0].release_date, d("2027-01-15"));
        assert_eq!(c[0].needs_status, Pilot);
    }

    #[test]
    fn a_slip_moves_the_releases_that_would_fall_before_the_new_date() {
        // BB-SIGN slips 90 days: 2027-03-01 + 90 = 2027-05-30.
        let snapshot = catalogue();
        let sl = slip(&snapshot, "BB-SIGN", 90).unwrap();
        assert_eq!(sl.available_before, d("2027-03-01"));
        assert_eq!(sl.available_after, d("2027-05-30"));
        let moves: Vec<(&str, Date, Date, i64)> = sl
            .moves
            .iter()
            .map(|m| (m.release.as_str(), m.from, m.to, m.days))
            .collect();
        // SVC-1-R1 (2027-01-15, already in conflict) moves 135 days; SVC-2-R1 (2027-03-01)
        // moves 90; SVC-4-R1 is on the new date and SVC-4-R2 after it: neither moves. The
        // released SVC-1-R0 never moves.
        assert_eq!(
            moves,
            [
                ("SVC-1-R1", d("2027-01-15"), d("2027-05-30"), 135),
                ("SVC-2-R1", d("2027-03-01"), d("2027-05-30"), 90),
            ]
        );
        assert_eq!(sl.moves[0].service.as_str(), "SVC-1");
    }

    #[test]
    fn coming_earlier_moves_only_releases_still_before_the_block() {
        // BB-SIGN 30 days early: 2027-01-30. SVC-1-R1 (2027-01-15) is still before it and
        // waits for it, 15 days; SVC-2-R1 (2027-03-01) stays where it is.
        let snapshot = catalogue();
        let early = slip(&snapshot, "BB-SIGN", -30).unwrap();
        assert_eq!(early.available_after, d("2027-01-30"));
        let moves: Vec<(&str, i64)> = early
            .moves
            .iter()
            .map(|m| (m.release.as_str(), m.days))
            .collect();
        assert_eq!(moves, [("SVC-1-R1", 15)]);
        // Nobody plans a release before 2024-07-01: slipping BB-ID 30 days moves nothing.
        assert!(slip(&catalogue(), "BB-ID", 30).unwrap().moves.is_empty());
    }

    #[test]
    fn a_slip_names_what_it_cannot_move() {
        let s = catalogue();
        assert_eq!(
            slip(&s, "BB-NOPE", 90),
            Err(SlipError::UnknownBlock("BB-NOPE".into()))
        );
        assert_eq!(slip(&s, "BB-WF", 90), Err(SlipError::NoGoLive(c("BB-WF"))));
        assert_eq!(slip(&s, "BB-OLD", 90), Err(SlipError::Retired(c("BB-OLD"))));
        assert_eq!(
            slip(&s, "BB-NOPE", 1).unwrap_err().to_string(),
            "no building block with code BB-NOPE"
        );
    }
}
