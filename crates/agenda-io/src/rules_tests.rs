//! The status, progress and reporting rules on the demo country, on the day its data describes
//! (2026-11-26): the figures `data/demo/agenda-tables.md` says the data is built to show.

use std::sync::Arc;

use agenda_core::kpi_status::{KpiStatus, assess, assess_all, assess_in};
use agenda_core::progress::{ActionLineHealth, action_line_progress, agenda_progress};
use agenda_core::reporting::{DueState, reporting_record, reports_due};
use agenda_core::{ActionLineStatus, Date, ObservationStatus, Period};

use super::*;
use crate::embedded::{demo_tables, sdg};

fn demo() -> Snapshot {
    let base = Snapshot::empty(Arc::new(sdg().unwrap()));
    let plan = plan_import(&base, &demo_tables().unwrap()).unwrap();
    apply_in_memory(&base, &plan)
}

fn today() -> Date {
    Date::parse("2026-11-26").unwrap()
}

fn kpis(numbers: &[u8]) -> Vec<String> {
    numbers.iter().map(|n| format!("KPI-{n:02}")).collect()
}

/// The KPI statuses table of `data/demo/agenda-tables.md`.
fn documented_statuses() -> Vec<(KpiStatus, Vec<String>)> {
    vec![
        (
            KpiStatus::OnTrack,
            kpis(&[
                2, 3, 4, 5, 8, 9, 10, 12, 13, 14, 16, 22, 23, 24, 25, 26, 27, 29,
            ]),
        ),
        (KpiStatus::AtRisk, kpis(&[6, 11, 17, 18, 21])),
        (KpiStatus::OffTrack, kpis(&[1, 7, 28])),
        (KpiStatus::NoRecentData, kpis(&[15, 20])),
        (KpiStatus::NotDueYet, kpis(&[19])),
    ]
}

#[test]
fn every_kpi_has_the_status_the_demo_data_documents() {
    let s = demo();
    let assessed = assess_all(&s, today());
    assert_eq!(assessed.len(), 29);
    for (status, expected) in documented_statuses() {
        let got: Vec<String> = assessed
            .iter()
            .filter(|(_, a)| a.status == status)
            .map(|(c, _)| c.to_string())
            .collect();
        assert_eq!(got, expected, "KPIs {status}");
    }
    let counts: Vec<usize> = documented_statuses().iter().map(|(_, k)| k.len()).collect();
    assert_eq!(counts, [18, 5, 3, 2, 1]);
}

#[test]
fn the_documented_gaps_come_out_rounded_to_the_percent() {
    let s = demo();
    // The table gives the gap as a change against the path: −10 % is 10 % behind.
    for (kpi, behind) in [
        ("KPI-06", 10.0),
        ("KPI-11", 11.0),
        ("KPI-17", 9.0),
        ("KPI-18", 8.0),
        ("KPI-21", 7.0),
        ("KPI-01", 45.0),
        ("KPI-07", 29.0),
        ("KPI-28", 56.0),
    ] {
        let k = &s.kpis[kpi];
        let gap = assess_in(&s, k, today()).gap_pct.unwrap();
        assert_eq!(gap.round(), behind, "{kpi}: {gap}");
    }
}

#[test]
fn statuses_hold_without_interim_targets_and_with_unvalidated_figures() {
    let s = demo();
    for (code, a) in assess_all(&s, today()) {
        let mut k = s.kpis[code.as_str()].clone();
        k.targets.clear();
        let straight = assess(&k, s.observations_of(code.as_str()), today());
        assert_eq!(straight.status, a.status, "{code} without interim targets");

        // The latest observation whatever its validation state.
        let all_validated: Vec<_> = s
            .observations_of(code.as_str())
            .cloned()
            .map(|mut o| {
                o.status = ObservationStatus::Validated;
                o
            })
            .collect();
        let latest = assess(&s.kpis[code.as_str()], all_validated.iter(), today());
        assert_eq!(latest.status, a.status, "{code} with its latest figure");
    }
}

#[test]
fn the_overdue_reports_are_the_documented_missing_ones_plus_the_drafts() {
    let s = demo();
    let first = Period::parse("2026-Q1").unwrap();
    let due = reports_due(&s, first, today());
    // 20 action lines in progress or delayed, 3 quarters each.
    assert_eq!(due.len(), 60);
    let overdue = |with_draft: bool| -> Vec<String> {
        due.iter()
            .filter(|r| r.state == DueState::Overdue)
            .filter(|r| {
                let key = format!("{}:{}", r.action_line, r.period);
                s.progress_reports.contains_key(&key) == with_draft
            })
            .map(|r| format!("{} {}", r.action_line, r.period))
            .collect()
    };
    // No report at all: the overdue reports the demo tables list.
    assert_eq!(
        overdue(false),
        [
            "AL-2.4 2026-Q2",
            "AL-2.4 2026-Q3",
            "AL-3.4 2026-Q3",
            "AL-5.3 2026-Q3"
        ]
    );
    // Only a draft on the day: not received, so overdue as well.
    assert_eq!(overdue(true), ["AL-1.3 2026-Q3", "AL-6.2 2026-Q3"]);
    for al in ["AL-3.3", "AL-4.3"] {
        assert!(
            due.iter().all(|r| r.action_line.as_str() != al),
            "{al} reports nothing"
        );
    }
    assert!(due.iter().all(|r| r.state != DueState::Pending));

    // KPI-23 (reports received on time): 15, 16 and 14 of 20.
    for (q, on_time) in [("2026-Q1", 15), ("2026-Q2", 16), ("2026-Q3", 14)] {
        let q = Period::parse(q).unwrap();
        let n = due
            .iter()
            .filter(|r| r.period == q && r.state == DueState::OnTime)
            .count();
        assert_eq!(n, on_time, "{q}");
    }

    let record = reporting_record(&s, first, today());
    let total: usize = record.iter().map(|(_, c)| c.total()).sum();
    assert_eq!(total, 60);
    let overdue: usize = record.iter().map(|(_, c)| c.overdue).sum();
    assert_eq!(overdue, 6);
}

#[test]
fn the_agenda_is_under_way_and_troubled_lines_show_it() {
    let s = demo();
    let a = agenda_progress(&s, today());
    assert!(
        a.progress_pct > 0.0 && a.progress_pct < 100.0,
        "{}",
        a.progress_pct
    );
    let n_lines: usize = a.action_lines_by_status.iter().map(|(_, n)| n).sum();
    assert_eq!(n_lines, 22);
    assert!(
        a.action_lines_by_status
            .contains(&(ActionLineStatus::InProgress, 18))
    );
    assert!(
        a.action_lines_by_status
            .contains(&(ActionLineStatus::Delayed, 2))
    );
    let kpis: Vec<usize> = a.kpis_by_status.iter().map(|(_, n)| *n).collect();
    // The two KPIs with no recent figure count as what their last figure says.
    assert_eq!(kpis, [18, 6, 4, 0, 1]);
    assert_eq!(a.kpis_stale, 2);
    assert_eq!(a.by_pillar.len(), 6);
    assert!(a.by_pillar.iter().all(|(_, p)| *p > 0.0 && *p < 100.0));

    let late: usize = s
        .action_lines
        .keys()
        .map(|c| {
            action_line_progress(&s, c, today())
                .unwrap()
                .milestones_late
        })
        .sum();
    assert_eq!(late, 11);
    let digital_teams = action_line_progress(&s, "AL-5.3", today()).unwrap();
    assert_eq!(digital_teams.health, ActionLineHealth::OffTrack);
    let roadmap = action_line_progress(&s, "AL-4.3", today()).unwrap();
    assert_eq!(roadmap.progress_pct, 100.0);
}

#[test]
fn the_kpis_without_recent_data_count_as_their_last_figure() {
    let s = demo();
    let mut got = Vec::new();
    for code in ["KPI-15", "KPI-20"] {
        let a = assess_in(&s, &s.kpis[code], today());
        assert_eq!(a.status, KpiStatus::NoRecentData, "{code}");
        assert!(a.stale, "{code}");
        got.push((
            code,
            a.latest.as_ref().unwrap().period.to_string(),
            a.counted_status(),
            a.gap_pct.unwrap().round(),
        ));
    }
    // Last figures for 2026-Q1: e-signatures far behind, assessments a little behind.
    assert_eq!(
        got,
        [
            ("KPI-15", "2026-Q1".to_owned(), KpiStatus::OffTrack, 89.0),
            ("KPI-20", "2026-Q1".to_owned(), KpiStatus::AtRisk, 14.0)
        ]
    );
}

#[test]
fn the_demo_rates_two_survey_kpis_by_growth_rate() {
    use agenda_core::growth::{GrowthStatus, ProgressMeasure};
    let s = demo();
    let mut got = Vec::new();
    for code in ["KPI-24", "KPI-26"] {
        let a = assess_in(&s, &s.kpis[code], today());
        assert_eq!(a.measure, ProgressMeasure::GrowthRate, "{code}");
        let g = a.growth.unwrap();
        got.push((code, g.status, a.status));
    }
    // Both grow fast enough to reach their targets on time: on track, as the path says too.
    assert_eq!(
        got,
        [
            (
                "KPI-24",
                GrowthStatus::SubstantialProgress,
                KpiStatus::OnTrack
            ),
            (
                "KPI-26",
                GrowthStatus::SubstantialProgress,
                KpiStatus::OnTrack
            )
        ]
    );
}
