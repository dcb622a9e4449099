//! The reporting record: which progress reports and KPI figures are due, by when, whether each
//! came in on time, late, or not at all, and which reminders are due about them.
//!
//! `docs/rules.md` explains the rules in plain words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{ActionLine, ActionLineStatus, Kpi, ObservationStatus, ReportStatus};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date, Frequency, Period, vocabulary};

/// Days after the end of a period by which its progress report is due, by default.
pub const REPORT_DEADLINE_DAYS: i64 = 15;

/// How often progress is reported and how long after each period the deadline falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportingCycle {
    /// The periods action lines report on (KPIs keep their own frequency).
    pub frequency: Frequency,
    /// Days after the end of a period by which what is owed for it is due.
    pub deadline_days: u32,
}

impl Default for ReportingCycle {
    /// Quarterly, due 15 days after the quarter ends.
    fn default() -> Self {
        Self {
            frequency: Frequency::Quarterly,
            deadline_days: REPORT_DEADLINE_DAYS as u32,
        }
    }
}

impl ReportingCycle {
    /// The deadline of what is owed for `period`: `deadline_days` after the period ends.
    pub fn deadline(&self, period: Period) -> Date {
        period.end().add_days(i64::from(self.deadline_days))
    }

    /// The periods of this cycle an action line must report on by `today`, oldest first: those
    /// that have ended on or before `today` since the action line started, from the period
    /// `first` begins in. None unless the action line is in one of the
    /// [`REPORTING_STATUSES`]. A line still open after its planned end keeps reporting until it
    /// is completed or cancelled.
    pub fn periods_due(&self, al: &ActionLine, first: Period, today: Date) -> Vec<Period> {
        if !REPORTING_STATUSES.contains(&al.status) {
            return Vec::new();
        }
        let first = period_of_start(first, self.frequency);
        let mut out = Vec::new();
        let mut q = Period::last_ended(self.frequency, today);
        while q >= first && q.end() >= al.start {
            out.push(q);
            q = q.previous();
        }
        out.reverse();
        out
    }
}

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

/// The deadline of the report for `period` in the default cycle: [`REPORT_DEADLINE_DAYS`] after
/// the period ends.
pub fn deadline(period: Period) -> Date {
    ReportingCycle::default().deadline(period)
}

/// The period of `frequency` in which `period` begins (a year begins in its first quarter and
/// its first month).
fn period_of_start(period: Period, frequency: Frequency) -> Period {
    let (y, first_month) = match period {
        Period::Year(y) => (y, 1),
        Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
        Period::Month(y, m) => (y, m),
    };
    match frequency {
        Frequency::Yearly => Period::Year(y),
        Frequency::Quarterly => Period::Quarter(y, (first_month - 1) / 3 + 1),
        Frequency::Monthly => Period::Month(y, first_month),
    }
}

/// The quarters an action line must report on by `today` in the default cycle (see
/// [`ReportingCycle::periods_due`]).
pub fn quarters_due(al: &ActionLine, first: Period, today: Date) -> Vec<Period> {
    ReportingCycle::default().periods_due(al, first, today)
}

/// The first period of reporting: the earliest period any progress report exists for, else the
/// quarter ending within three months of the agenda's start, else 2000-Q1.
pub fn first_reporting_period(s: &Snapshot) -> Period {
    s.progress_reports
        .values()
        .map(|r| r.period)
        .min()
        .or_else(|| {
            s.the_agenda()
                .map(|a| Period::last_ended(Frequency::Quarterly, a.start.add_days(92)))
        })
        .unwrap_or(Period::Quarter(2000, 1))
}

/// Where the report of `al` for `period` stands on `today`.
fn state_of(
    s: &Snapshot,
    cycle: &ReportingCycle,
    al: &ActionLine,
    period: Period,
    today: Date,
) -> ReportDue {
    let deadline = cycle.deadline(period);
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

/// Every progress report due on `today` from quarter `first` on in the default cycle, by action
/// line then quarter (see [`reports_due_in`]).
pub fn reports_due(s: &Snapshot, first: Period, today: Date) -> Vec<ReportDue> {
    reports_due_in(s, &ReportingCycle::default(), first, today)
}

/// Every progress report due on `today` in `cycle` from period `first` on, by action line then
/// period.
///
/// A report is due for each action line `in_progress` or `delayed`, for each period that has
/// ended within the action line's time frame (see [`ReportingCycle::periods_due`]). It is on
/// time when received by the deadline, late when received after it, overdue when not received
/// (no report, or only a draft) and the deadline has passed, and pending otherwise.
pub fn reports_due_in(
    s: &Snapshot,
    cycle: &ReportingCycle,
    first: Period,
    today: Date,
) -> Vec<ReportDue> {
    s.action_lines
        .values()
        .flat_map(|al| {
            cycle
                .periods_due(al, first, today)
                .into_iter()
                .map(move |q| state_of(s, cycle, al, q, today))
        })
        .collect()
}

/// One KPI figure that is (or was) owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationDue {
    /// The KPI measured.
    pub kpi: Code,
    /// The period of the figure, at the KPI's own frequency.
    pub period: Period,
    /// The organisation that must send it: the KPI's owner.
    pub organisation: Code,
    /// The last day to send it.
    pub deadline: Date,
    /// Where it stands. A figure records no date of arrival, so one that has arrived is counted
    /// on time: [`DueState::Late`] never occurs here.
    pub state: DueState,
}

/// The periods a KPI owes a figure for by `today`, oldest first: every period of the KPI's
/// frequency that ends after its baseline date and has ended on or before `today`.
pub fn observation_periods_due(kpi: &Kpi, today: Date) -> Vec<Period> {
    let mut out = Vec::new();
    let mut p = Period::last_ended(kpi.frequency, today);
    while p.end() > kpi.baseline_date {
        out.push(p);
        p = p.previous();
    }
    out.reverse();
    out
}

/// Every KPI figure owed on `today`, by KPI then period. The total figure for the period counts
/// as received when it is submitted or validated; a draft does not. A computed KPI's figures are
/// owed by no one: the catalogue gives them.
pub fn observations_due(s: &Snapshot, cycle: &ReportingCycle, today: Date) -> Vec<ObservationDue> {
    s.kpis
        .values()
        .filter(|kpi| kpi.computed.is_none())
        .flat_map(|kpi| {
            observation_periods_due(kpi, today)
                .into_iter()
                .map(move |period| {
                    let deadline = cycle.deadline(period);
                    let received = s
                        .observations
                        .get(&format!("{}:{}", kpi.code, period))
                        .is_some_and(|o| {
                            o.disaggregation.is_none() && o.status != ObservationStatus::Draft
                        });
                    let state = if received {
                        DueState::OnTime
                    } else if today > deadline {
                        DueState::Overdue
                    } else {
                        DueState::Pending
                    };
                    ObservationDue {
                        kpi: kpi.code.clone(),
                        period,
                        organisation: kpi.owner_org.clone(),
                        deadline,
                        state,
                    }
                })
        })
        .collect()
}

/// Each KPI's figure for its latest ended period on `today` — "this period" of each KPI, at its
/// own frequency — and where it stands: who has sent what. By KPI code; KPIs that owe nothing
/// yet (no period after the baseline has ended) are left out.
pub fn latest_figures_due(
    s: &Snapshot,
    cycle: &ReportingCycle,
    today: Date,
) -> Vec<ObservationDue> {
    let mut latest: BTreeMap<Code, ObservationDue> = BTreeMap::new();
    for d in observations_due(s, cycle, today) {
        // Periods come oldest first: the last one of each KPI stays.
        latest.insert(d.kpi.clone(), d);
    }
    latest.into_values().collect()
}

/// The KPI figures `org` owes on `today` that go with its report for `period`: those of the
/// KPIs it owns whose period ends within `period`, by KPI then period. A quarter's report goes
/// with the quarter's figure of a quarterly KPI, the three figures of a monthly one, and, in the
/// year's last quarter, the year's figure of a yearly one.
pub fn observations_due_with(
    s: &Snapshot,
    cycle: &ReportingCycle,
    org: &Code,
    period: Period,
    today: Date,
) -> Vec<ObservationDue> {
    let after = period.previous().end();
    observations_due(s, cycle, today)
        .into_iter()
        .filter(|o| {
            &o.organisation == org && o.period.end() > after && o.period.end() <= period.end()
        })
        .collect()
}

vocabulary!(
    /// What an organisation owes.
    Owed {
        /// An action line's progress report.
        ProgressReport = "progress_report",
        /// A KPI's figure for a period.
        Observation = "observation",
        /// The follow-up of a governance body's decision.
        Decision = "decision"
    }
);

vocabulary!(
    /// When a reminder is sent, relative to the deadline.
    ReminderKind {
        /// The deadline is near and nothing has been received.
        Before = "before",
        /// The deadline has passed and nothing has been received.
        After = "after"
    }
);

/// A reminder to an organisation about one thing it owes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reminder {
    /// The organisation that owes it.
    pub organisation: Code,
    /// What is owed.
    pub owed: Owed,
    /// The action line (for a report) or KPI (for a figure).
    pub item: Code,
    /// The period it covers.
    pub period: Period,
    /// The last day to send it.
    pub deadline: Date,
    /// Before or after the deadline.
    pub kind: ReminderKind,
}

/// The reminders due on `today`, by organisation, then what is owed, item and period: one
/// [`ReminderKind::Before`] for each report or figure not received whose deadline is at most
/// `days_before` days away, one [`ReminderKind::After`] for each overdue one.
pub fn reminders_due(
    s: &Snapshot,
    cycle: &ReportingCycle,
    today: Date,
    days_before: u32,
) -> Vec<Reminder> {
    let kind = |state: DueState, deadline: Date| match state {
        DueState::Overdue => Some(ReminderKind::After),
        DueState::Pending
            if deadline.day_number() - today.day_number() <= i64::from(days_before) =>
        {
            Some(ReminderKind::Before)
        }
        _ => None,
    };
    let reports = reports_due_in(s, cycle, first_reporting_period(s), today)
        .into_iter()
        .filter_map(|r| {
            Some(Reminder {
                kind: kind(r.state, r.deadline)?,
                organisation: r.organisation,
                owed: Owed::ProgressReport,
                item: r.action_line,
                period: r.period,
                deadline: r.deadline,
            })
        });
    let figures = observations_due(s, cycle, today)
        .into_iter()
        .filter_map(|o| {
            Some(Reminder {
                kind: kind(o.state, o.deadline)?,
                organisation: o.organisation,
                owed: Owed::Observation,
                item: o.kpi,
                period: o.period,
                deadline: o.deadline,
            })
        });
    // A decision's "period" is the month it is due in: the reminder key stays one per
    // decision and kind.
    let decisions = s.decisions.values().filter_map(|d| {
        let (org, due) = (d.acting_org.clone()?, d.due?);
        let st = match crate::governance::state(d, today) {
            crate::governance::DecisionState::Done => return None,
            crate::governance::DecisionState::Overdue => DueState::Overdue,
            _ => DueState::Pending,
        };
        Some(Reminder {
            kind: kind(st, due)?,
            organisation: org,
            owed: Owed::Decision,
            item: d.code.clone(),
            period: Period::Month(due.year(), due.month() as u8),
            deadline: due,
        })
    });
    let mut out: Vec<Reminder> = reports.chain(figures).chain(decisions).collect();
    out.sort();
    out
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
            needs_legal_instrument: false,
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
            review_comment: None,
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

    fn kpi_owned(c: &str, owner: &str, baseline: &str, frequency: Frequency) -> Kpi {
        let mut k = crate::kpi_status::tests::kpi(c, crate::model::Direction::Increase, 0.0, 100.0);
        k.owner_org = code(owner);
        k.baseline_date = d(baseline);
        k.frequency = frequency;
        k
    }

    fn figure(kpi: &str, period: &str, status: ObservationStatus) -> crate::model::Observation {
        let mut o = crate::kpi_status::tests::obs(kpi, period, 1.0);
        o.status = status;
        o
    }

    #[test]
    fn the_default_cycle_is_quarterly_with_15_days() {
        let cycle = ReportingCycle::default();
        assert_eq!(cycle.frequency, Frequency::Quarterly);
        assert_eq!(cycle.deadline_days, 15);
        let monthly = ReportingCycle {
            frequency: Frequency::Monthly,
            deadline_days: 10,
        };
        assert_eq!(monthly.deadline(p("2026-02")), d("2026-03-10"));
        let running = line(
            "AL-1.1",
            "DGA",
            "2026-03-10",
            "2028-12-31",
            ActionLineStatus::InProgress,
        );
        // From the month the first quarter begins in, and only months ending after the start.
        assert_eq!(
            monthly.periods_due(&running, p("2026-Q1"), d("2026-05-31")),
            vec![p("2026-03"), p("2026-04"), p("2026-05")]
        );
        let yearly = ReportingCycle {
            frequency: Frequency::Yearly,
            deadline_days: 30,
        };
        assert_eq!(
            yearly.periods_due(&running, p("2025-Q3"), d("2027-01-30")),
            vec![p("2026")]
        );
        assert_eq!(yearly.deadline(p("2026")), d("2027-01-30"));
    }

    #[test]
    fn the_first_period_of_reporting_is_the_earliest_report() {
        let mut s = Snapshot::default();
        assert_eq!(first_reporting_period(&s), p("2000-Q1"));
        s.upsert(report("AL-1.1", "2026-Q2", ReportStatus::Draft, None).into());
        s.upsert(
            report(
                "AL-1.2",
                "2025-Q4",
                ReportStatus::Approved,
                Some("2026-01-02"),
            )
            .into(),
        );
        assert_eq!(first_reporting_period(&s), p("2025-Q4"));
    }

    #[test]
    fn each_kpi_owes_a_figure_per_period_of_its_frequency() {
        let quarterly = kpi_owned("KPI-01", "MOI", "2025-12-31", Frequency::Quarterly);
        assert_eq!(
            observation_periods_due(&quarterly, d("2026-09-30")),
            vec![p("2026-Q1"), p("2026-Q2"), p("2026-Q3")]
        );
        // A period ending after the baseline counts, even when the baseline falls within it.
        let monthly = kpi_owned("KPI-02", "MOI", "2026-04-10", Frequency::Monthly);
        assert_eq!(
            observation_periods_due(&monthly, d("2026-06-29")),
            vec![p("2026-04"), p("2026-05")]
        );
        let yearly = kpi_owned("KPI-03", "MOI", "2025-12-31", Frequency::Yearly);
        assert!(observation_periods_due(&yearly, d("2026-12-30")).is_empty());
        assert_eq!(
            observation_periods_due(&yearly, d("2026-12-31")),
            vec![p("2026")]
        );

        let mut s = Snapshot::default();
        s.upsert(quarterly.into());
        s.upsert(figure("KPI-01", "2026-Q1", ObservationStatus::Validated).into());
        s.upsert(figure("KPI-01", "2026-Q2", ObservationStatus::Submitted).into());
        s.upsert(figure("KPI-01", "2026-Q3", ObservationStatus::Draft).into());
        // Only a breakdown, no total: not received.
        let mut by_sex = figure("KPI-01", "2026-Q4", ObservationStatus::Validated);
        by_sex.disaggregation = Some(crate::model::Disaggregation::parse("sex=female").unwrap());
        s.upsert(by_sex.into());
        let states = |today: &str| -> Vec<(String, DueState)> {
            observations_due(&s, &ReportingCycle::default(), d(today))
                .into_iter()
                .map(|o| (o.period.to_string(), o.state))
                .collect()
        };
        use DueState::*;
        assert_eq!(
            states("2026-10-15"),
            vec![
                ("2026-Q1".into(), OnTime),
                ("2026-Q2".into(), OnTime),
                ("2026-Q3".into(), Pending), // a draft is not received
            ]
        );
        assert_eq!(states("2026-10-16")[2], ("2026-Q3".into(), Overdue));
        assert_eq!(states("2027-01-16")[3], ("2026-Q4".into(), Overdue));
        let due = &observations_due(&s, &ReportingCycle::default(), d("2026-10-16"))[2];
        assert_eq!(due.organisation, code("MOI"));
        assert_eq!(due.deadline, d("2026-10-15"));
    }

    #[test]
    fn the_figures_of_a_report_are_those_of_the_org_ending_within_its_period() {
        let mut s = Snapshot::default();
        s.upsert(kpi_owned("KPI-01", "MOI", "2025-12-31", Frequency::Quarterly).into());
        s.upsert(kpi_owned("KPI-02", "MOI", "2025-12-31", Frequency::Monthly).into());
        s.upsert(kpi_owned("KPI-03", "MOI", "2024-12-31", Frequency::Yearly).into());
        s.upsert(kpi_owned("KPI-04", "DGA", "2025-12-31", Frequency::Quarterly).into());
        s.upsert(figure("KPI-02", "2026-08", ObservationStatus::Submitted).into());
        let owed = |period: &str, today: &str| -> Vec<(String, String, DueState)> {
            observations_due_with(
                &s,
                &ReportingCycle::default(),
                &code("MOI"),
                p(period),
                d(today),
            )
            .into_iter()
            .map(|o| (o.kpi.to_string(), o.period.to_string(), o.state))
            .collect()
        };
        use DueState::*;
        let row = |k: &str, per: &str, st| (k.to_owned(), per.to_owned(), st);
        // Another organisation's KPI is not owed; the yearly figure waits for the year's end.
        assert_eq!(
            owed("2026-Q3", "2026-10-20"),
            vec![
                row("KPI-01", "2026-Q3", Overdue),
                row("KPI-02", "2026-07", Overdue),
                row("KPI-02", "2026-08", OnTime),
                row("KPI-02", "2026-09", Overdue),
            ]
        );
        assert_eq!(
            owed("2026-Q4", "2027-01-10"),
            vec![
                row("KPI-01", "2026-Q4", Pending),
                row("KPI-02", "2026-10", Overdue),
                row("KPI-02", "2026-11", Overdue),
                row("KPI-02", "2026-12", Pending),
                row("KPI-03", "2026", Pending),
            ]
        );
        // Nothing is owed for a period that has not ended.
        assert!(
            owed("2026-Q4", "2026-11-30")
                .iter()
                .all(|(_, per, _)| per != "2026-Q4")
        );
    }

    #[test]
    fn reminders_go_before_the_deadline_and_after_it() {
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
                Some("2026-07-20"),
            ),
            report(
                "AL-2.1",
                "2026-Q1",
                ReportStatus::Submitted,
                Some("2026-04-01"),
            ),
            report("AL-2.1", "2026-Q2", ReportStatus::Draft, None),
        ] {
            s.upsert(r.into());
        }
        s.upsert(kpi_owned("KPI-01", "MOI", "2026-06-30", Frequency::Quarterly).into());
        s.upsert(kpi_owned("KPI-02", "DGA", "2026-06-30", Frequency::Quarterly).into());
        s.upsert(figure("KPI-02", "2026-Q3", ObservationStatus::Submitted).into());
        let cycle = ReportingCycle::default();
        let rows = |today: &str, days_before: u32| -> Vec<String> {
            reminders_due(&s, &cycle, d(today), days_before)
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {} {} {} {}",
                        r.organisation, r.owed, r.item, r.period, r.deadline, r.kind
                    )
                })
                .collect()
        };
        // 2026-10-07: Q3 deadlines are 8 days away, outside 7 days; AL-2.1's Q2 is overdue.
        assert_eq!(
            rows("2026-10-07", 7),
            vec!["MOI progress_report AL-2.1 2026-Q2 2026-07-15 after"]
        );
        // 2026-10-08: 7 days away. Received things (AL-1.1's reports, KPI-02) get none.
        assert_eq!(
            rows("2026-10-08", 7),
            vec![
                "DGA progress_report AL-1.1 2026-Q3 2026-10-15 before",
                "MOI progress_report AL-2.1 2026-Q2 2026-07-15 after",
                "MOI progress_report AL-2.1 2026-Q3 2026-10-15 before",
                "MOI observation KPI-01 2026-Q3 2026-10-15 before",
            ]
        );
        // On the deadline day it is still "before"; the day after, "after".
        assert_eq!(rows("2026-10-15", 0).len(), 4);
        assert_eq!(
            rows("2026-10-16", 7),
            vec![
                "DGA progress_report AL-1.1 2026-Q3 2026-10-15 after",
                "MOI progress_report AL-2.1 2026-Q2 2026-07-15 after",
                "MOI progress_report AL-2.1 2026-Q3 2026-10-15 after",
                "MOI observation KPI-01 2026-Q3 2026-10-15 after",
            ]
        );
        assert_eq!(rows("2026-10-14", 0).len(), 1);
    }

    #[test]
    fn this_period_is_each_kpis_latest_ended_period() {
        use crate::snapshot::Entity;
        let mut s = Snapshot::default();
        s.upsert(Entity::Kpi(kpi_owned(
            "KPI-01",
            "DGA",
            "2025-12-31",
            Frequency::Quarterly,
        )));
        s.upsert(Entity::Kpi(kpi_owned(
            "KPI-02",
            "MOH",
            "2023-12-31",
            Frequency::Yearly,
        )));
        s.upsert(Entity::Kpi(kpi_owned(
            "KPI-03",
            "MOH",
            "2026-10-31",
            Frequency::Monthly,
        )));
        s.upsert(Entity::Observation(figure(
            "KPI-02",
            "2025",
            ObservationStatus::Submitted,
        )));
        let due = latest_figures_due(&s, &ReportingCycle::default(), d("2026-10-10"));
        let got: Vec<(&str, String, DueState)> = due
            .iter()
            .map(|d| (d.kpi.as_str(), d.period.to_string(), d.state))
            .collect();
        assert_eq!(
            got,
            [
                // 2026-Q3 ended on 30 September; due by 15 October.
                ("KPI-01", "2026-Q3".to_owned(), DueState::Pending),
                // The 2025 figure was sent (not yet validated): received.
                ("KPI-02", "2025".to_owned(), DueState::OnTime),
            ]
        );
        let later = latest_figures_due(&s, &ReportingCycle::default(), d("2026-10-16"));
        assert_eq!(later[0].state, DueState::Overdue);
    }
}
