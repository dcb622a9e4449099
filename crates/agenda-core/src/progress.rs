//! How far the agenda has come: the progress and health of each action line, from its
//! milestones and KPIs, rolled up to the pillars, the lead organisations and the whole agenda.
//!
//! `docs/rules.md` explains the rules in plain words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::kpi_status::{KpiAssessment, KpiStatus, assess_in, progress_pct as kpi_progress_pct};
use crate::model::{ActionLine, ActionLineStatus, Kpi, Milestone, MilestoneStatus};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date, vocabulary};

vocabulary!(
    /// The health of an action line: the worst of its KPIs, its milestones and its status.
    ActionLineHealth {
        /// Its KPIs are on track and no milestone is late.
        OnTrack = "on_track",
        /// A KPI is at risk, a milestone is late or the action line is delayed.
        AtRisk = "at_risk",
        /// A KPI is off track.
        OffTrack = "off_track",
        /// Nothing tells: no KPI with a recent figure, no milestone, not delayed.
        NoData = "no_data"
    }
);

/// Where one action line stands on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionLineProgress {
    /// The action line.
    pub code: Code,
    /// Its execution status.
    pub status: ActionLineStatus,
    /// Milestones done.
    pub milestones_done: usize,
    /// Milestones, not counting cancelled ones.
    pub milestones_total: usize,
    /// Milestones past their due date and neither done nor cancelled.
    pub milestones_late: usize,
    /// The status each KPI measuring the action line counts as (a stale KPI as its last
    /// figure), in code order.
    pub kpi_statuses: Vec<(Code, KpiStatus)>,
    /// Share of its milestones done, 0–100, when it has milestones.
    pub milestone_share: Option<f64>,
    /// Each KPI with a figure and how far that figure has come (0–100), in code order: the
    /// parts of [`Self::kpi_share`], each with the same weight.
    pub kpi_parts: Vec<(Code, f64)>,
    /// Mean progress of its KPIs that have a figure, when one has.
    pub kpi_share: Option<f64>,
    /// Progress, 0–100: the mean of the share of milestones done and the mean progress of its
    /// KPIs that have a figure, using whichever of the two exist; 100 once completed.
    pub progress_pct: f64,
    /// Health.
    pub health: ActionLineHealth,
}

/// Where the whole agenda stands on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaProgress {
    /// Progress, 0–100: the mean progress of the action lines that count (every action line
    /// except `not_started` and `cancelled` ones).
    pub progress_pct: f64,
    /// Number of action lines in each status (every status, zeros included).
    pub action_lines_by_status: Vec<(ActionLineStatus, usize)>,
    /// Number of KPIs, agenda-level ones included, in each status they count as (every
    /// status, zeros included): a KPI with no recent figure but an older one counts as what
    /// that figure says.
    pub kpis_by_status: Vec<(KpiStatus, usize)>,
    /// How many of those KPIs count from a figure that is not recent (stale).
    pub kpis_stale: usize,
    /// The action lines the progress averages, each with the same weight (1 ÷ their
    /// number), in code order, with their progress: anyone can reproduce the figure.
    pub counted: Vec<(Code, f64)>,
    /// Action lines left out of the average because they have not started or were
    /// cancelled, in code order.
    pub left_out: Vec<(Code, ActionLineStatus)>,
    /// Mean progress of the action lines that count, per pillar (pillars with at least one).
    pub by_pillar: Vec<(Code, f64)>,
    /// Mean progress of the action lines that count, per lead organisation (organisations
    /// leading at least one).
    pub by_organisation: Vec<(Code, f64)>,
}

/// How much of a period from `start` to `end` has gone by on `today`, in %, 0–100 (by days;
/// a period of one day or less is all gone once it has begun).
pub fn elapsed_pct(start: Date, end: Date, today: Date) -> f64 {
    let span = (end.day_number() - start.day_number()) as f64;
    let gone = (today.day_number() - start.day_number()) as f64;
    if span <= 0.0 {
        return if gone >= 0.0 { 100.0 } else { 0.0 };
    }
    (gone * 100.0 / span).clamp(0.0, 100.0)
}

/// Whether an action line counts in the roll-ups: it has begun and was not abandoned.
pub fn counts_in_rollup(status: ActionLineStatus) -> bool {
    !matches!(
        status,
        ActionLineStatus::NotStarted | ActionLineStatus::Cancelled
    )
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn health_of(status: KpiStatus) -> Option<ActionLineHealth> {
    match status {
        KpiStatus::OnTrack => Some(ActionLineHealth::OnTrack),
        KpiStatus::AtRisk => Some(ActionLineHealth::AtRisk),
        KpiStatus::OffTrack => Some(ActionLineHealth::OffTrack),
        KpiStatus::NoRecentData | KpiStatus::NotDueYet => None,
    }
}

/// The progress of an action line from its milestones and its assessed KPIs.
fn line_progress(
    al: &ActionLine,
    milestones: &[&Milestone],
    kpis: &[(&Kpi, KpiAssessment)],
    today: Date,
) -> ActionLineProgress {
    let live = milestones
        .iter()
        .filter(|m| m.status != MilestoneStatus::Cancelled);
    let milestones_total = live.clone().count();
    let milestones_done = live
        .clone()
        .filter(|m| m.status == MilestoneStatus::Done)
        .count();
    let milestones_late = live
        .filter(|m| m.status != MilestoneStatus::Done && m.due < today)
        .count();

    let milestone_share =
        (milestones_total > 0).then(|| milestones_done as f64 * 100.0 / milestones_total as f64);
    let kpi_parts: Vec<(Code, f64)> = kpis
        .iter()
        .filter_map(|(k, a)| {
            a.latest
                .as_ref()
                .map(|o| (k.code.clone(), kpi_progress_pct(k, o.value)))
        })
        .collect();
    let kpi_share = mean(kpi_parts.iter().map(|(_, p)| *p));
    let progress_pct = if al.status == ActionLineStatus::Completed {
        100.0
    } else {
        mean(milestone_share.into_iter().chain(kpi_share)).unwrap_or(0.0)
    };

    // A stale KPI counts as what its last figure says: silence must not hide bad news.
    let mut health = kpis
        .iter()
        .filter_map(|(_, a)| health_of(a.counted_status()))
        .max();
    if milestones_late > 0 || al.status == ActionLineStatus::Delayed {
        health = health.max(Some(ActionLineHealth::AtRisk));
    } else if health.is_none() && milestones_total > 0 {
        // Milestones all on schedule say the line is on track.
        health = Some(ActionLineHealth::OnTrack);
    }
    let health = match al.status {
        ActionLineStatus::Cancelled => ActionLineHealth::NoData,
        _ => health.unwrap_or(ActionLineHealth::NoData),
    };

    ActionLineProgress {
        code: al.code.clone(),
        status: al.status,
        milestones_done,
        milestones_total,
        milestones_late,
        kpi_statuses: kpis
            .iter()
            .map(|(k, a)| (k.code.clone(), a.counted_status()))
            .collect(),
        milestone_share,
        kpi_parts,
        kpi_share,
        progress_pct,
        health,
    }
}

/// The progress of the action line `code` on `today`, if it exists.
///
/// Milestones count by their status: `done` is done, `cancelled` is left out, any other is
/// late once its due date is before `today`. Health is the worst status of its KPIs among on
/// track, at risk and off track (KPIs without recent data or not due yet do not count), raised
/// to at least at risk when a milestone is late or the action line is `delayed`. With no such
/// KPI, milestones all on schedule make it on track; with nothing at all (or when cancelled) it
/// has no data.
pub fn action_line_progress(s: &Snapshot, code: &str, today: Date) -> Option<ActionLineProgress> {
    let al = s.action_lines.get(code)?;
    let milestones: Vec<&Milestone> = s
        .milestones
        .values()
        .filter(|m| m.action_line.as_str() == code)
        .collect();
    let kpis: Vec<(&Kpi, KpiAssessment)> = s
        .kpis
        .values()
        .filter(|k| k.action_line.as_ref().is_some_and(|a| a.as_str() == code))
        .map(|k| (k, assess_in(s, k, today)))
        .collect();
    Some(line_progress(al, &milestones, &kpis, today))
}

/// The progress of every action line on `today`, in code order.
pub fn action_lines_progress(s: &Snapshot, today: Date) -> Vec<ActionLineProgress> {
    let mut milestones: BTreeMap<&str, Vec<&Milestone>> = BTreeMap::new();
    for m in s.milestones.values() {
        milestones
            .entry(m.action_line.as_str())
            .or_default()
            .push(m);
    }
    let mut kpis: BTreeMap<&str, Vec<(&Kpi, KpiAssessment)>> = BTreeMap::new();
    for k in s.kpis.values() {
        if let Some(al) = &k.action_line {
            kpis.entry(al.as_str())
                .or_default()
                .push((k, assess_in(s, k, today)));
        }
    }
    s.action_lines
        .values()
        .map(|al| {
            let code = al.code.as_str();
            line_progress(
                al,
                milestones.get(code).map_or(&[], Vec::as_slice),
                kpis.get(code).map_or(&[], Vec::as_slice),
                today,
            )
        })
        .collect()
}

/// The progress of the whole agenda on `today`.
pub fn agenda_progress(s: &Snapshot, today: Date) -> AgendaProgress {
    let lines = action_lines_progress(s, today);

    let mut by_pillar: BTreeMap<Code, Vec<f64>> = BTreeMap::new();
    let mut by_organisation: BTreeMap<Code, Vec<f64>> = BTreeMap::new();
    let mut counted = Vec::new();
    for p in lines.iter().filter(|p| counts_in_rollup(p.status)) {
        counted.push((p.code.clone(), p.progress_pct));
        if let Some(al) = s.action_lines.get(p.code.as_str()) {
            by_pillar
                .entry(al.pillar_code.clone())
                .or_default()
                .push(p.progress_pct);
            by_organisation
                .entry(al.lead_org.clone())
                .or_default()
                .push(p.progress_pct);
        }
    }
    let means = |m: BTreeMap<Code, Vec<f64>>| -> Vec<(Code, f64)> {
        m.into_iter()
            .map(|(c, v)| (c, mean(v).unwrap_or(0.0)))
            .collect()
    };

    let assessed: Vec<KpiAssessment> = s.kpis.values().map(|k| assess_in(s, k, today)).collect();
    let kpi_statuses: Vec<KpiStatus> = assessed.iter().map(|a| a.counted_status()).collect();

    AgendaProgress {
        progress_pct: mean(counted.iter().map(|(_, p)| *p)).unwrap_or(0.0),
        kpis_stale: assessed.iter().filter(|a| a.stale).count(),
        left_out: lines
            .iter()
            .filter(|p| !counts_in_rollup(p.status))
            .map(|p| (p.code.clone(), p.status))
            .collect(),
        counted,
        action_lines_by_status: ActionLineStatus::ALL
            .iter()
            .map(|&st| (st, lines.iter().filter(|p| p.status == st).count()))
            .collect(),
        kpis_by_status: KpiStatus::ALL
            .iter()
            .map(|&st| (st, kpi_statuses.iter().filter(|&&k| k == st).count()))
            .collect(),
        by_pillar: means(by_pillar),
        by_organisation: means(by_organisation),
    }
}

/// Where a group of KPIs stands — those of an SDG goal or of a framework's indicator — counted
/// as everywhere else (a stale KPI as its last figure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupProgress {
    /// How many KPIs the group has.
    pub kpis: usize,
    /// How many count in each status (every status, zeros included).
    pub by_status: Vec<(KpiStatus, usize)>,
    /// How many of them count from a figure that is not recent.
    pub stale: usize,
    /// The mean progress (0–100) of those with a figure, each with the same weight, when one
    /// has.
    pub progress_pct: Option<f64>,
}

/// Where the KPIs `kpis` stand on `today`.
pub fn group_progress<'a>(
    s: &Snapshot,
    kpis: impl Iterator<Item = &'a Kpi>,
    today: Date,
) -> GroupProgress {
    let assessed: Vec<(&Kpi, KpiAssessment)> = kpis.map(|k| (k, assess_in(s, k, today))).collect();
    GroupProgress {
        kpis: assessed.len(),
        by_status: KpiStatus::ALL
            .iter()
            .map(|&st| {
                let n = assessed
                    .iter()
                    .filter(|(_, a)| a.counted_status() == st)
                    .count();
                (st, n)
            })
            .collect(),
        stale: assessed.iter().filter(|(_, a)| a.stale).count(),
        progress_pct: mean(
            assessed
                .iter()
                .filter_map(|(k, a)| a.latest.as_ref().map(|o| kpi_progress_pct(k, o.value))),
        ),
    }
}

/// An action line's progress with the weight it has in the agenda's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightedLine {
    /// Its weight in the agenda's progress: 1 ÷ the number of action lines that count, or 0
    /// when it is left out (not started or cancelled).
    pub weight: f64,
    /// Its progress and the parts it is computed from.
    #[serde(flatten)]
    pub progress: ActionLineProgress,
}

/// The agenda's progress on a day with everything needed to recompute it: each action line's
/// parts and weight. Published as open data, so that anyone can reproduce the headline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedProgress {
    /// The day it was computed for.
    pub date: Date,
    /// The agenda's progress, 0–100: Σ weight × progress over the action lines.
    pub progress_pct: f64,
    /// How much of the agenda period has gone by, 0–100, when the agenda has a period.
    pub period_elapsed_pct: Option<f64>,
    /// Every action line, in code order.
    pub action_lines: Vec<WeightedLine>,
}

/// The agenda's progress on `today` with its weights and parts (see [`PublishedProgress`]).
pub fn published(s: &Snapshot, today: Date) -> PublishedProgress {
    let lines = action_lines_progress(s, today);
    let n = lines.iter().filter(|p| counts_in_rollup(p.status)).count();
    let action_lines: Vec<WeightedLine> = lines
        .into_iter()
        .map(|p| WeightedLine {
            weight: if counts_in_rollup(p.status) {
                1.0 / n as f64
            } else {
                0.0
            },
            progress: p,
        })
        .collect();
    // The same mean as `agenda_progress`, from the lines already computed.
    let progress_pct = action_lines
        .iter()
        .map(|l| l.weight * l.progress.progress_pct)
        .sum();
    PublishedProgress {
        date: today,
        progress_pct,
        period_elapsed_pct: s.the_agenda().map(|a| elapsed_pct(a.start, a.end, today)),
        action_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi_status::tests::{d, kpi, obs};
    use crate::model::Direction;
    use crate::snapshot::Entity;
    use crate::values::{Priority, Text};

    const TODAY: &str = "2026-11-26";

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn line(c: &str, pillar: &str, lead: &str, status: ActionLineStatus) -> ActionLine {
        ActionLine {
            code: code(c),
            pillar_code: code(pillar),
            title: Text::en("A line").unwrap(),
            description: None,
            lead_org: code(lead),
            contributing_orgs: Vec::new(),
            start: d("2024-01-01"),
            end: d("2028-12-31"),
            priority: Priority::parse("1").unwrap(),
            status,
            sdg_targets: Vec::new(),
            needs_legal_instrument: false,
        }
    }

    fn milestone(al: &str, n: u32, due: &str, status: MilestoneStatus) -> Milestone {
        Milestone {
            code: code(&format!("{al}-M{n}")),
            action_line: code(al),
            title: Text::en("A milestone").unwrap(),
            due: d(due),
            completed_on: (status == MilestoneStatus::Done).then(|| d(due)),
            status,
        }
    }

    /// A quarterly KPI of `al` going from 0 (2023) to 100 (2028): a figure of `v` is `v` % of the
    /// way, and about 55 is expected for 2026-Q3.
    fn line_kpi(c: &str, al: &str) -> Kpi {
        let mut k = kpi(c, Direction::Increase, 0.0, 100.0);
        k.action_line = Some(code(al));
        k
    }

    fn snapshot(entities: impl IntoIterator<Item = Entity>) -> Snapshot {
        let mut s = Snapshot::default();
        for e in entities {
            s.upsert(e);
        }
        s
    }

    fn progress(s: &Snapshot, al: &str) -> ActionLineProgress {
        action_line_progress(s, al, d(TODAY)).unwrap()
    }

    #[test]
    fn progress_is_the_mean_of_milestones_and_kpis() {
        let mut e: Vec<Entity> = vec![
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            milestone("AL-1.1", 1, "2025-01-01", MilestoneStatus::Done).into(),
            milestone("AL-1.1", 2, "2027-01-01", MilestoneStatus::Planned).into(),
            milestone("AL-1.1", 3, "2027-01-01", MilestoneStatus::Cancelled).into(),
            line_kpi("KPI-05", "AL-1.1").into(),
            line_kpi("KPI-06", "AL-1.1").into(),
        ];
        // KPI-05 is 60 % of the way (ahead of its path); KPI-06 has no figure and does not
        // count in the progress.
        e.push(obs("KPI-05", "2026-Q3", 60.0).into());
        let s = snapshot(e);
        let p = progress(&s, "AL-1.1");
        assert_eq!(
            (p.milestones_done, p.milestones_total, p.milestones_late),
            (1, 2, 0)
        );
        assert_eq!(p.progress_pct, (50.0 + 60.0) / 2.0);
        assert_eq!(
            p.kpi_statuses,
            vec![
                (code("KPI-05"), KpiStatus::OnTrack),
                (code("KPI-06"), KpiStatus::NoRecentData)
            ]
        );
        assert_eq!(p.health, ActionLineHealth::OnTrack);
        assert!(action_line_progress(&s, "AL-9.9", d(TODAY)).is_none());
    }

    #[test]
    fn either_part_alone_gives_the_progress_and_completion_gives_100() {
        let s = snapshot([
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            milestone("AL-1.1", 1, "2025-01-01", MilestoneStatus::Done).into(),
            milestone("AL-1.1", 2, "2027-01-01", MilestoneStatus::Planned).into(),
            milestone("AL-1.1", 3, "2027-01-01", MilestoneStatus::Planned).into(),
            milestone("AL-1.1", 4, "2027-01-01", MilestoneStatus::Planned).into(),
            line("AL-1.2", "P1", "DGA", ActionLineStatus::InProgress).into(),
            line_kpi("KPI-07", "AL-1.2").into(),
            Entity::from(obs("KPI-07", "2026-Q3", 40.0)),
            line("AL-1.3", "P1", "DGA", ActionLineStatus::Completed).into(),
            line("AL-1.4", "P1", "DGA", ActionLineStatus::InProgress).into(),
        ]);
        assert_eq!(progress(&s, "AL-1.1").progress_pct, 25.0);
        assert_eq!(progress(&s, "AL-1.2").progress_pct, 40.0);
        assert_eq!(progress(&s, "AL-1.3").progress_pct, 100.0);
        let empty = progress(&s, "AL-1.4");
        assert_eq!(empty.progress_pct, 0.0);
        assert_eq!(empty.health, ActionLineHealth::NoData);
    }

    #[test]
    fn health_is_the_worst_kpi_raised_by_late_milestones_and_delay() {
        let kpi_at = |c: &str, al: &str, v: f64| -> [Entity; 2] {
            [line_kpi(c, al).into(), obs(c, "2026-Q3", v).into()]
        };
        let mut e: Vec<Entity> = vec![
            // An on-track KPI and an off-track one: off track.
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            // On track, but a milestone is late: at risk.
            line("AL-1.2", "P1", "DGA", ActionLineStatus::InProgress).into(),
            milestone("AL-1.2", 1, "2026-11-25", MilestoneStatus::Planned).into(),
            milestone("AL-1.2", 2, "2026-01-01", MilestoneStatus::Done).into(),
            // Delayed with an on-track KPI: at risk.
            line("AL-1.3", "P1", "DGA", ActionLineStatus::Delayed).into(),
            // Only milestones, none late (due today is not late): on track.
            line("AL-1.4", "P1", "DGA", ActionLineStatus::InProgress).into(),
            milestone("AL-1.4", 1, TODAY, MilestoneStatus::Planned).into(),
            // Only a KPI without recent data: no data.
            line("AL-1.5", "P1", "DGA", ActionLineStatus::InProgress).into(),
            line_kpi("KPI-20", "AL-1.5").into(),
            // Off track and delayed stays off track.
            line("AL-1.6", "P1", "DGA", ActionLineStatus::Delayed).into(),
        ];
        e.extend(kpi_at("KPI-01", "AL-1.1", 58.0));
        e.extend(kpi_at("KPI-02", "AL-1.1", 20.0));
        e.extend(kpi_at("KPI-03", "AL-1.2", 58.0));
        e.extend(kpi_at("KPI-04", "AL-1.3", 58.0));
        e.extend(kpi_at("KPI-06", "AL-1.6", 20.0));
        let s = snapshot(e);
        let h = |al: &str| progress(&s, al).health;
        assert_eq!(h("AL-1.1"), ActionLineHealth::OffTrack);
        assert_eq!(h("AL-1.2"), ActionLineHealth::AtRisk);
        assert_eq!(progress(&s, "AL-1.2").milestones_late, 1);
        assert_eq!(h("AL-1.3"), ActionLineHealth::AtRisk);
        assert_eq!(h("AL-1.4"), ActionLineHealth::OnTrack);
        assert_eq!(h("AL-1.5"), ActionLineHealth::NoData);
        assert_eq!(h("AL-1.6"), ActionLineHealth::OffTrack);
    }

    #[test]
    fn a_stale_kpi_counts_as_its_last_figure_in_health_and_counts() {
        // KPI-30's last figure is 2025-Q2, far below its path: no recent data, yet off track.
        let s = snapshot([
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            line_kpi("KPI-30", "AL-1.1").into(),
            Entity::from(obs("KPI-30", "2025-Q2", 1.0)),
            line_kpi("KPI-31", "AL-1.1").into(),
        ]);
        let p = progress(&s, "AL-1.1");
        assert_eq!(p.health, ActionLineHealth::OffTrack);
        assert_eq!(
            p.kpi_statuses,
            vec![
                (code("KPI-30"), KpiStatus::OffTrack),
                (code("KPI-31"), KpiStatus::NoRecentData)
            ]
        );
        let a = agenda_progress(&s, d(TODAY));
        assert_eq!(a.kpis_stale, 1);
        assert_eq!(a.kpis_by_status[2], (KpiStatus::OffTrack, 1));
        assert_eq!(a.kpis_by_status[3], (KpiStatus::NoRecentData, 1));
    }

    #[test]
    fn the_agenda_rolls_up_the_lines_that_have_begun() {
        let s = snapshot([
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            milestone("AL-1.1", 1, "2025-01-01", MilestoneStatus::Done).into(),
            milestone("AL-1.1", 2, "2027-01-01", MilestoneStatus::Planned).into(),
            line("AL-1.2", "P1", "MOI", ActionLineStatus::Completed).into(),
            line("AL-2.1", "P2", "MOI", ActionLineStatus::Delayed).into(),
            line("AL-2.2", "P2", "MOI", ActionLineStatus::NotStarted).into(),
            line("AL-2.3", "P2", "MOF", ActionLineStatus::Cancelled).into(),
            line_kpi("KPI-01", "AL-1.1").into(),
            Entity::from(obs("KPI-01", "2026-Q3", 90.0)),
            kpi("KPI-02", Direction::Increase, 0.0, 100.0).into(),
        ]);
        let a = agenda_progress(&s, d(TODAY));
        // AL-1.1: (50 + 90) / 2 = 70; AL-1.2: 100; AL-2.1: 0.
        assert!((a.progress_pct - 170.0 / 3.0).abs() < 1e-9);
        // The weights are public: each counted line weighs the same.
        let counted: Vec<&str> = a.counted.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(counted, ["AL-1.1", "AL-1.2", "AL-2.1"]);
        assert_eq!(
            a.left_out,
            vec![
                (code("AL-2.2"), ActionLineStatus::NotStarted),
                (code("AL-2.3"), ActionLineStatus::Cancelled)
            ]
        );
        assert_eq!(a.by_pillar, vec![(code("P1"), 85.0), (code("P2"), 0.0)]);
        assert_eq!(
            a.by_organisation,
            vec![(code("DGA"), 70.0), (code("MOI"), 50.0)]
        );
        assert_eq!(
            a.action_lines_by_status,
            vec![
                (ActionLineStatus::NotStarted, 1),
                (ActionLineStatus::InProgress, 1),
                (ActionLineStatus::Completed, 1),
                (ActionLineStatus::Delayed, 1),
                (ActionLineStatus::Cancelled, 1),
            ]
        );
        assert_eq!(
            a.kpis_by_status,
            vec![
                (KpiStatus::OnTrack, 1),
                (KpiStatus::AtRisk, 0),
                (KpiStatus::OffTrack, 0),
                (KpiStatus::NoRecentData, 1),
                (KpiStatus::NotDueYet, 0),
            ]
        );
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json["kpis_by_status"][0],
            serde_json::json!(["on_track", 1])
        );
        let published = published(&s, d(TODAY));
        let sum: f64 = published
            .action_lines
            .iter()
            .map(|l| l.weight * l.progress.progress_pct)
            .sum();
        assert!((sum - a.progress_pct).abs() < 1e-9);
        assert_eq!(published.action_lines[3].weight, 0.0);
        let all = action_lines_progress(&s, d(TODAY));
        assert_eq!(all.len(), 5);
        assert_eq!(all[0], progress(&s, "AL-1.1"));
    }

    #[test]
    fn an_empty_agenda_has_no_progress() {
        let a = agenda_progress(&Snapshot::default(), d(TODAY));
        assert_eq!(a.progress_pct, 0.0);
        assert!(a.by_pillar.is_empty());
        assert_eq!(
            elapsed_pct(d("2025-01-01"), d("2025-01-01"), d(TODAY)),
            100.0
        );
    }

    #[test]
    fn a_group_of_kpis_counts_and_averages_like_the_agenda() {
        let s = snapshot([
            line("AL-1.1", "P1", "DGA", ActionLineStatus::InProgress).into(),
            line_kpi("KPI-40", "AL-1.1").into(),
            Entity::from(obs("KPI-40", "2026-Q3", 60.0)),
            line_kpi("KPI-41", "AL-1.1").into(),
            Entity::from(obs("KPI-41", "2025-Q2", 10.0)),
            line_kpi("KPI-42", "AL-1.1").into(),
        ]);
        let g = group_progress(&s, s.kpis.values(), d(TODAY));
        assert_eq!(g.kpis, 3);
        assert_eq!(g.stale, 1);
        assert_eq!(g.by_status[0], (KpiStatus::OnTrack, 1));
        assert_eq!(g.by_status[2], (KpiStatus::OffTrack, 1));
        assert_eq!(g.by_status[3], (KpiStatus::NoRecentData, 1));
        assert_eq!(g.progress_pct, Some(35.0));
        let none = group_progress(&s, std::iter::empty(), d(TODAY));
        assert_eq!((none.kpis, none.progress_pct), (0, None));
    }
}
