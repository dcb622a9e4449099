//! The reporting record: which quarterly progress reports are due, by when, and whether each
//! came in on time, late, or not at all.
//!
//! `docs/rules.md` explains the rule in plain words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{ActionLine, ActionLineStatus, ReportStatus};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date, Frequency, Period, vocabulary};

/// Days after the end of a quarter by which its progress report is due.
pub const REPORT_DEADLINE_DAYS: i64 = 15;

/// The statuses of the action lines that report every quarter.
pub const REPORTING_STATUSES: &[ActionLineStatus] =
    &[ActionLineStatus::InProgress, ActionLineStatus::Delayed];

vocabulary!(
    /// Where a due progress report stands.
    DueState {
        /// Received by the deadline.
        OnTime = "on_time",
        /// Received after the deadline.
        Late = "late",
        /// Not received (or only a draft) and the deadline has passed.
        Overdue = "overdue",
        /// Not received yet, and the deadline has not passed.
        Pending = "pending"
    }
);

/// One progress report that is (or was) due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDue {
    /// The action line reported on.
    pub action_line: Code,
    /// The quarter reported on.
    pub period: Period,
    /// The organisation that must report: the action line's lead.
    pub organisation: Code,
    /// The last day to submit it.
    pub deadline: Date,
    /// The day it was received, if it was (drafts are not received).
    pub submitted_on: Option<Date>,
    /// Where it stands.
    pub state: DueState,
}

/// The reporting record of one organisation: how many of its due reports are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    /// Received by the deadline.
    pub on_time: usize,
    /// Received after the deadline.
    pub late: usize,
    /// Not received and past the deadline.
    pub overdue: usize,
    /// Not received, deadline not passed.
    pub pending: usize,
}

impl RecordCounts {
    /// All the reports counted.
    pub fn total(&self) -> usize {
        self.on_time + self.late + self.overdue + self.pending
    }

    fn add(&mut self, state: DueState) {
        match state {
            DueState::OnTime => self.on_time += 1,
            DueState::Late => self.late += 1,
            DueState::Overdue => self.overdue += 1,
            DueState::Pending => self.pending += 1,
        }
    }
}

/// The deadline of the report for `period`: [`REPORT_DEADLINE_DAYS`] after the period ends.
pub fn deadline(period: Period) -> Date {
    period.end().add_days(REPORT_DEADLINE_DAYS)
}

/// The quarter in which `period` begins (a year begins in its first quarter).
fn quarter_of_start(period: Period) -> Period {
    match period {
        Period::Year(y) => Period::Quarter(y, 1),
        Period::Quarter(..) => period,
        Period::Month(y, m) => Period::Quarter(y, (m - 1) / 3 + 1),
    }
}

/// The quarters an action line must report on by `today`, oldest first: those that have ended
/// on or before `today` since the action line started, from the quarter `first` begins in.
/// None unless the action line is in one of the [`REPORTING_STATUSES`]. A line still open
/// after its planned end keeps reporting until it is completed or cancelled.
pub fn quarters_due(al: &ActionLine, first: Period, today: Date) -> Vec<Period> {
    if !REPORTING_STATUSES.contains(&al.status) {
        return Vec::new();
    }
    let first = quarter_of_start(first);
    let mut out = Vec::new();
    let mut q = Period::last_ended(Frequency::Quarterly, today);
    while q >= first && q.end() >= al.start {
        out.push(q);
        q = q.previous();
    }
    out.reverse();
    out
}

/// Where the report of `al` for `period` stands on `today`.
fn state_of(s: &Snapshot, al: &ActionLine, period: Period, today: Date) -> ReportDue {
    let deadline = deadline(period);
    let submitted_on = s
        .progress_reports
        .get(&format!("{}:{}", al.code, period))
        .filter(|r| r.status != ReportStatus::Draft)
        .and_then(|r| r.submitted_on);
    let state = match submitted_on {
        Some(d) if d <= deadline => DueState::OnTime,
        Some(_) => DueState::Late,
        None if today > deadline => DueState::Overdue,
        None => DueState::Pending,
    };
    ReportDue {
        action_line: al.code.clone(),
        period,
        organisation: al.lead_org.clone(),
        deadline,
        submitted_on,
        state,
    }
}

/// Every progress report due on `today` from quarter `first` on, by action line then quarter.
///
/// A report is due for each action line `in_progress` or `delayed`, for each quarter that has
/// ended within the action line's time frame (see [`quarters_due`]). It is on time when
/// received by the deadline, late when received after it, overdue when not received (no report,
/// or only a draft) and the deadline has passed, and pending otherwise.
pub fn reports_due(s: &Snapshot, first: Period, today: Date) -> Vec<ReportDue> {
    s.action_lines
        .values()
        .flat_map(|al| {
            quarters_due(al, first, today)
                .into_iter()
                .map(move |q| state_of(s, al, q, today))
        })
        .collect()
}

/// The reporting record of each lead organisation with a report due, in code order.
pub fn reporting_record(s: &Snapshot, first: Period, today: Date) -> Vec<(Code, RecordCounts)> {
    let mut record: BTreeMap<Code, RecordCounts> = BTreeMap::new();
    for r in reports_due(s, first, today) {
        record.entry(r.organisation).or_default().add(r.state);
    }
    record.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProgressReport;
    use crate::values::{Priority, Text};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn line(c: &str, lead: &str, start: &str, end: &str, status: ActionLineStatus) -> ActionLine {
        ActionLine {
            code: code(c),
            pillar_code: code("P1"),
            title: Text::en("A line").unwrap(),
            description: None,
            lead_org: code(lead),
            contributing_orgs: Vec::new(),
            start: d(start),
            end: d(end),
            priority: Priority::parse("2").unwrap(),
            status,
            sdg_targets: Vec::new(),
        }
    }

    fn report(al: &str, period: &str, status: ReportStatus, on: Option<&str>) -> ProgressReport {
        ProgressReport {
            action_line: code(al),
            period: p(period),
            submitted_by_org: code("DGA"),
            status,
            narrative: None,
            submitted_on: on.map(d),
        }
    }

    fn states(s: &Snapshot, today: &str) -> Vec<(String, String, DueState)> {
        reports_due(s, p("2026-Q1"), d(today))
            .into_iter()
            .map(|r| (r.action_line.to_string(), r.period.to_string(), r.state))
            .collect()
    }

    fn row(al: &str, q: &str, st: DueState) -> (String, String, DueState) {
        (al.to_owned(), q.to_owned(), st)
    }

    #[test]
    fn the_deadline_is_15_days_after_the_quarter() {
        assert_eq!(deadline(p("2026-Q1")), d("2026-04-15"));
        assert_eq!(deadline(p("2026-Q3")), d("2026-10-15"));
        assert_eq!(deadline(p("2026-Q4")), d("2027-01-15"));
    }

    #[test]
    fn reports_are_due_for_running_lines_from_their_start() {
        let today = d("2026-11-26");
        let running = line(
            "AL-1.1",
            "DGA",
            "2024-01-01",
            "2028-12-31",
            ActionLineStatus::InProgress,
        );
        assert_eq!(
            quarters_due(&running, p("2026-Q1"), today),
            vec![p("2026-Q1"), p("2026-Q2"), p("2026-Q3")]
        );
        // A year or a month as the first period means the quarter it begins in.
        assert_eq!(quarters_due(&running, p("2026"), today).len(), 3);
        assert_eq!(quarters_due(&running, p("2026-05"), today).len(), 2);
        let late_start = line(
            "AL-1.2",
            "DGA",
            "2026-05-10",
            "2028-12-31",
            ActionLineStatus::Delayed,
        );
        assert_eq!(
            quarters_due(&late_start, p("2026-Q1"), today),
            vec![p("2026-Q2"), p("2026-Q3")]
        );
        let ended = line(
            "AL-1.3",
            "DGA",
            "2024-01-01",
            "2026-09-30",
            ActionLineStatus::Delayed,
        );
        assert_eq!(quarters_due(&ended, p("2026-Q1"), today).len(), 3);
        let ended = line(
            "AL-1.3",
            "DGA",
            "2024-01-01",
            "2026-09-29",
            ActionLineStatus::Delayed,
        );
        // Still open after its planned end: it keeps reporting.
        assert_eq!(quarters_due(&ended, p("2026-Q1"), today).len(), 3);
        for status in [
            ActionLineStatus::NotStarted,
            ActionLineStatus::Completed,
            ActionLineStatus::Cancelled,
        ] {
            let l = line("AL-1.4", "DGA", "2024-01-01", "2028-12-31", status);
            assert!(quarters_due(&l, p("2026-Q1"), today).is_empty());
        }
    }

    #[test]
    fn each_report_is_on_time_late_overdue_or_pending() {
        let mut s = Snapshot::default();
        s.upsert(
            line(
                "AL-1.1",
                "DGA",
                "2024-01-01",
                "2028-12-31",
                ActionLineStatus::InProgress,
            )
            .into(),
        );
        s.upsert(
            line(
                "AL-2.1",
                "MOI",
                "2024-01-01",
                "2028-12-31",
                ActionLineStatus::Delayed,
            )
            .into(),
        );
        s.upsert(
            line(
                "AL-3.1",
                "MOI",
                "2024-01-01",
                "2028-12-31",
                ActionLineStatus::Completed,
            )
            .into(),
        );
        for r in [
            report(
                "AL-1.1",
                "2026-Q1",
                ReportStatus::Approved,
                Some("2026-04-15"),
            ),
            report(
                "AL-1.1",
                "2026-Q2",
                ReportStatus::Returned,
                Some("2026-07-16"),
            ),
            report("AL-1.1", "2026-Q3", ReportStatus::Draft, None),
            report(
                "AL-2.1",
                "2026-Q1",
                ReportStatus::Submitted,
                Some("2026-03-30"),
            ),
            report(
                "AL-3.1",
                "2026-Q1",
                ReportStatus::Approved,
                Some("2026-04-01"),
            ),
        ] {
            s.upsert(r.into());
        }
        use DueState::*;
        assert_eq!(
            states(&s, "2026-10-15"),
            vec![
                row("AL-1.1", "2026-Q1", OnTime),
                row("AL-1.1", "2026-Q2", Late),
                row("AL-1.1", "2026-Q3", Pending), // deadline day: not passed yet
                row("AL-2.1", "2026-Q1", OnTime),
                row("AL-2.1", "2026-Q2", Overdue),
                row("AL-2.1", "2026-Q3", Pending),
            ]
        );
        let later = states(&s, "2026-10-16");
        assert_eq!(later[2], row("AL-1.1", "2026-Q3", Overdue)); // a draft is not a report
        assert_eq!(later[5], row("AL-2.1", "2026-Q3", Overdue));

        let record = reporting_record(&s, p("2026-Q1"), d("2026-10-16"));
        assert_eq!(
            record,
            vec![
                (
                    code("DGA"),
                    RecordCounts {
                        on_time: 1,
                        late: 1,
                        overdue: 1,
                        pending: 0
                    }
                ),
                (
                    code("MOI"),
                    RecordCounts {
                        on_time: 1,
                        late: 0,
                        overdue: 2,
                        pending: 0
                    }
                ),
            ]
        );
        assert_eq!(record[1].1.total(), 3);
        let due = &reports_due(&s, p("2026-Q1"), d("2026-10-16"))[1];
        assert_eq!(due.organisation, code("DGA"));
        assert_eq!(due.deadline, d("2026-07-15"));
        assert_eq!(due.submitted_on, Some(d("2026-07-16")));
        let json = serde_json::to_value(due).unwrap();
        assert_eq!(json["state"], "late");
        assert_eq!(json["period"], "2026-Q2");
    }
}
