//! The health of a database: counts, integrity errors and the warnings a digital authority
//! acts on (stale KPIs, unreviewed services, late milestones, overdue action lines).

use serde::Serialize;

use crate::integrity::{Problem, integrity};
use crate::model::*;
use crate::snapshot::{Kind, Snapshot};
use crate::values::{Date, Period};

/// Something to look at, not an inconsistency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Which rule raised it (stable, for machines).
    pub rule: &'static str,
    /// Kind of the entity concerned.
    pub kind: Kind,
    /// Its key.
    pub key: String,
    /// What is wrong, for people.
    pub message: String,
}

/// Counts, errors and warnings at a given day.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// The day the warnings were computed for.
    pub today: String,
    /// Entities per kind.
    pub counts: Vec<(String, usize)>,
    /// Integrity errors (dangling references, inconsistent values).
    pub errors: Vec<Problem>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// How long a catalogue entry may go without review before it is stale.
pub const REVIEW_PERIOD_MONTHS: u32 = 12;

/// Computes the health of `s` on `today`.
pub fn health(s: &Snapshot, today: Date) -> Health {
    let mut warnings = Vec::new();
    let mut warn = |rule, kind, key: String, message: String| {
        warnings.push(Warning {
            rule,
            kind,
            key,
            message,
        })
    };

    for k in s.kpis.values() {
        let last = Period::last_ended(k.frequency, today);
        let due: Vec<Period> = [last, last.previous()]
            .into_iter()
            .filter(|p| p.end() > k.baseline_date)
            .collect();
        if due.is_empty() {
            continue;
        }
        let has_value = |p: &Period| {
            s.observations_of(k.code.as_str()).any(|o| {
                o.period == *p
                    && o.disaggregation.is_none()
                    && o.status == ObservationStatus::Validated
            })
        };
        if !due.iter().any(has_value) {
            let periods: Vec<String> = due.iter().map(|p| p.to_string()).collect();
            warn(
                "kpi_no_recent_data",
                Kind::Kpi,
                k.code.to_string(),
                format!(
                    "no validated observation for {} (last periods ended: {})",
                    k.code,
                    periods.join(", ")
                ),
            );
        }
    }

    let stale_before = today.months_before(REVIEW_PERIOD_MONTHS);
    for v in s.services.values() {
        match v.last_reviewed {
            Some(d) if d >= stale_before => {}
            Some(d) => warn(
                "service_not_reviewed",
                Kind::Service,
                v.code.to_string(),
                format!("last reviewed {d}, more than {REVIEW_PERIOD_MONTHS} months ago"),
            ),
            None => warn(
                "service_not_reviewed",
                Kind::Service,
                v.code.to_string(),
                "never reviewed".to_owned(),
            ),
        }
    }

    for m in s.milestones.values() {
        let open = !matches!(m.status, MilestoneStatus::Done | MilestoneStatus::Cancelled);
        if open && m.due < today {
            warn(
                "milestone_past_due",
                Kind::Milestone,
                m.code.to_string(),
                format!("due {} and not done", m.due),
            );
        }
    }

    for a in s.action_lines.values() {
        let open = !matches!(
            a.status,
            ActionLineStatus::Completed | ActionLineStatus::Cancelled
        );
        if open && a.end < today {
            warn(
                "action_line_past_end",
                Kind::ActionLine,
                a.code.to_string(),
                format!("ended {} and is {}", a.end, a.status),
            );
        }
    }

    Health {
        today: today.to_string(),
        counts: s
            .counts()
            .into_iter()
            .map(|(k, n)| (k.as_str().to_owned(), n))
            .collect(),
        errors: integrity(s),
        warnings,
    }
}
