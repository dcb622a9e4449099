//! Freshness of the catalogue: service information sheets not reviewed within the governance
//! period.
//!
//! A sheet is **stale** on a day when it was never reviewed, or when its last review is before
//! the same day `months` months earlier (the cut-off). A review exactly on the cut-off is still
//! fresh. The default period, [`DEFAULT_MONTHS`], is the one the health checks use.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::Service;
use crate::snapshot::Snapshot;
use crate::values::{Code, Date};

/// The governance period, in months, unless a country sets its own.
pub const DEFAULT_MONTHS: u32 = crate::health::REVIEW_PERIOD_MONTHS;

/// A service whose sheet is stale (codes borrowed from the snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StaleService<'a> {
    /// The service.
    pub service: &'a Code,
    /// The organisation responsible for its sheet.
    pub owner_code: &'a Code,
    /// Its last review; `None` when never reviewed.
    pub last_reviewed: Option<Date>,
    /// Days since that review; `None` when never reviewed.
    pub days_since: Option<i64>,
}

/// The freshness analysis on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Freshness<'a> {
    /// The day it was computed for.
    pub today: Date,
    /// The governance period, in months.
    pub months: u32,
    /// Reviews before this day are stale.
    pub cutoff: Date,
    /// Services in the catalogue.
    pub services: usize,
    /// Stale services: never reviewed first, then the longest unreviewed, then by code.
    pub items: Vec<StaleService<'a>>,
}

/// The services not reviewed within `months` months of `today`.
pub fn freshness<'a>(s: &'a Snapshot, today: Date, months: u32) -> Freshness<'a> {
    let cutoff = today.months_before(months);
    let stale = |v: &'a Service| StaleService {
        service: &v.code,
        owner_code: &v.owner_code,
        last_reviewed: v.last_reviewed,
        days_since: v.last_reviewed.map(|d| today.day_number() - d.day_number()),
    };
    // Never reviewed first, in code order (the map's); then the others by date, code order
    // breaking ties (a stable sort): only those need sorting, in one walk of the catalogue.
    let mut items: Vec<StaleService> = Vec::new();
    let mut reviewed: Vec<StaleService> = Vec::new();
    for v in s.services.values() {
        match v.last_reviewed {
            None => items.push(stale(v)),
            Some(d) if d < cutoff => reviewed.push(stale(v)),
            Some(_) => {}
        }
    }
    reviewed.sort_by_key(|i| i.last_reviewed);
    items.append(&mut reviewed);
    Freshness {
        today,
        months,
        cutoff,
        services: s.services.len(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fixture::*;

    #[test]
    fn never_reviewed_and_older_than_the_period_are_stale() {
        let reviewed = |code: &str, on: Option<&str>| {
            let mut v = service(code, None, "", "");
            v.last_reviewed = on.map(d);
            v.into()
        };
        let s = snapshot([
            reviewed("SVC-1", Some("2025-11-26")), // exactly 12 months: fresh
            reviewed("SVC-2", Some("2025-11-25")), // one day more: stale, 366 days
            reviewed("SVC-3", None),               // never: stale
            reviewed("SVC-4", Some("2026-06-01")), // recent: fresh
            reviewed("SVC-5", Some("2024-01-31")), // long ago: stale
        ]);
        let f = freshness(&s, d("2026-11-26"), DEFAULT_MONTHS);
        assert_eq!(f.cutoff, d("2025-11-26"));
        assert_eq!(f.services, 5);
        let stale: Vec<(&str, Option<i64>)> = f
            .items
            .iter()
            .map(|i| (i.service.as_str(), i.days_since))
            .collect();
        // 2024-01-31 → 2026-11-26: 366 (2024 is a leap year, from 31 Jan 2024 to 31 Jan 2025)
        // + 365 + 299 (31 Jan → 26 Nov 2026) = 1030.
        assert_eq!(
            stale,
            [("SVC-3", None), ("SVC-5", Some(1030)), ("SVC-2", Some(366))]
        );
        // A six-month period also catches SVC-1 (cut-off 2026-05-26) but not SVC-4.
        let f6 = freshness(&s, d("2026-11-26"), 6);
        assert_eq!(f6.items.len(), 4);
        assert!(f6.items.iter().all(|i| i.service.as_str() != "SVC-4"));
    }
}
