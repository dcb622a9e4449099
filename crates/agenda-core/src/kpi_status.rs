//! Whether a KPI is on track: the path from its baseline to its final target, the value expected
//! on that path at a given day, and the status of its latest figure against it.
//!
//! Every threshold of the rule lives in this module as a documented constant; `docs/rules.md`
//! explains the rule in plain words.

use serde::Serialize;

use crate::growth::{
    GrowthAssessment, GrowthStatus, ProgressMeasure, Projection, growth_assessment, projected_reach,
};
use crate::model::{Direction, Kpi, Observation, ObservationStatus, Unit};
use crate::snapshot::Snapshot;
use crate::values::{Code, Date, Period, vocabulary};

/// Largest shortfall, in % of the expected value, at which a KPI is still on track.
pub const ON_TRACK_MAX_GAP_PCT: f64 = 5.0;

/// Largest shortfall, in % of the expected value, at which a KPI is at risk rather than off
/// track.
pub const AT_RISK_MAX_GAP_PCT: f64 = 15.0;

/// How many of the latest ended periods are looked at for a recent figure: a KPI with no
/// validated total in any of them has no recent data.
pub const RECENT_PERIODS: usize = 2;

/// Decimals a percentage figure is shown with when its KPI sets none.
pub const DEFAULT_DECIMALS_PERCENT: u8 = 1;

/// Decimals a count, a number of days or an amount of money is shown with when its KPI sets
/// none: whole numbers (no one counts 6.5 registries).
pub const DEFAULT_DECIMALS_OTHER: u8 = 0;

/// The most decimals a KPI may ask its figures to be shown with.
pub const MAX_DECIMALS: u8 = 4;

/// Slack, in percentage points, when comparing a gap with a threshold, so that a gap of exactly
/// 5 % computed from decimal figures (4.999999…, 5.000001…) counts as exactly 5 %.
pub const GAP_TOLERANCE_PCT: f64 = 1e-6;

vocabulary!(
    /// Where a KPI stands against its path to the target.
    KpiStatus {
        /// The latest figure is at most 5 % behind the expected value (or ahead of it).
        OnTrack = "on_track",
        /// The latest figure is more than 5 % and at most 15 % behind.
        AtRisk = "at_risk",
        /// The latest figure is more than 15 % behind.
        OffTrack = "off_track",
        /// Neither of the last two ended periods has a validated figure. When an older figure
        /// exists, the KPI still counts in roll-ups as what that figure says (see
        /// [`KpiAssessment::counted_status`]), marked stale.
        NoRecentData = "no_recent_data",
        /// No period after the baseline has ended yet: nothing is due.
        NotDueYet = "not_due_yet"
    }
);

/// The status of a KPI on a day, with the figures it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiAssessment {
    /// The status.
    pub status: KpiStatus,
    /// The latest validated total (not disaggregated) observation of an ended period.
    pub latest: Option<Observation>,
    /// The value expected on the path at the end of the latest observation's period.
    pub expected: Option<f64>,
    /// Signed shortfall of the latest value against the expected one, in % of the expected
    /// value: positive means behind the path, negative ahead of it.
    pub gap_pct: Option<f64>,
    /// The same shortfall in the KPI's own unit (percentage points for a percentage).
    pub gap_units: Option<f64>,
    /// What the latest figure says against the path (on track, at risk or off track), whether
    /// or not it is recent.
    pub figure_status: Option<KpiStatus>,
    /// The status is [`KpiStatus::NoRecentData`] although an older figure exists: the KPI
    /// counts as [`Self::figure_status`], marked stale.
    pub stale: bool,
    /// The measure that rated the latest figure.
    pub measure: ProgressMeasure,
    /// The growth-rate measure's rating, for a KPI rated by it that has a figure.
    pub growth: Option<GrowthAssessment>,
    /// When the final target is reached if the current pace holds.
    pub projection: Projection,
    /// The last ended periods that count (at most [`RECENT_PERIODS`], latest first, only those
    /// ending after the baseline date).
    pub due_periods: Vec<Period>,
}

impl KpiAssessment {
    /// The status a KPI counts as in every roll-up and count: its own status, except that a
    /// KPI with no recent figure but an older one counts as what that older figure says. Not
    /// reporting must never look better than reporting bad news.
    pub fn counted_status(&self) -> KpiStatus {
        match (self.stale, self.figure_status) {
            (true, Some(st)) => st,
            _ => self.status,
        }
    }
}

/// The number of decimals a KPI's figures are shown with: its own setting (at most
/// [`MAX_DECIMALS`]), else [`DEFAULT_DECIMALS_PERCENT`] for a percentage and
/// [`DEFAULT_DECIMALS_OTHER`] for anything else.
pub fn decimals(kpi: &Kpi) -> u8 {
    match kpi.decimals {
        Some(d) => u8::try_from(d).unwrap_or(MAX_DECIMALS).min(MAX_DECIMALS),
        None if kpi.unit == Unit::Percent => DEFAULT_DECIMALS_PERCENT,
        None => DEFAULT_DECIMALS_OTHER,
    }
}

/// The 31st of December of `year`.
fn end_of_year(year: i32) -> Option<Date> {
    Date::from_ymd(year, 12, 31)
}

/// The points of a KPI's path, sorted by date, one per date: the baseline, each interim target
/// at 31 December of its year (only those after the baseline date and not after the target
/// date, since the final target holds from its date on), and the final target.
///
/// On the same date a later source wins: an interim target over the baseline, the final target
/// over an interim target.
pub fn trajectory(kpi: &Kpi) -> Vec<(Date, f64)> {
    let mut points = Vec::with_capacity(kpi.targets.len() + 2);
    points.push((kpi.baseline_date, kpi.baseline_value));
    for t in &kpi.targets {
        if let Some(d) = end_of_year(t.year)
            && d > kpi.baseline_date
            && d <= kpi.target_date
        {
            points.push((d, t.target_value));
        }
    }
    points.push((kpi.target_date, kpi.target_value));
    // Stable sort keeps the source order on equal dates; keep the last of each date.
    points.sort_by_key(|&(d, _)| d);
    let mut out: Vec<(Date, f64)> = Vec::with_capacity(points.len());
    for p in points {
        match out.last_mut() {
            Some(last) if last.0 == p.0 => *last = p,
            _ => out.push(p),
        }
    }
    out
}

/// The value expected on the KPI's path on `date`: linear by day between the points of
/// [`trajectory`]; the baseline value before the baseline, the final target after it.
pub fn expected_at(kpi: &Kpi, date: Date) -> f64 {
    interpolate(&trajectory(kpi), date)
}

/// Linear interpolation along sorted points, flat before the first and after the last.
fn interpolate(points: &[(Date, f64)], date: Date) -> f64 {
    let Some(&(first_date, first_value)) = points.first() else {
        return 0.0;
    };
    if date <= first_date {
        return first_value;
    }
    for w in points.windows(2) {
        let ((d0, v0), (d1, v1)) = (w[0], w[1]);
        if date <= d1 {
            let span = (d1.day_number() - d0.day_number()) as f64;
            let t = (date.day_number() - d0.day_number()) as f64 / span;
            return v0 + (v1 - v0) * t;
        }
    }
    points.last().map_or(first_value, |&(_, v)| v)
}

/// Signed shortfall of `value` against `expected` in the KPI's own unit: positive = behind
/// the path (below it for a KPI that should increase, above it for one that should decrease).
pub fn gap_units(kpi: &Kpi, value: f64, expected: f64) -> f64 {
    match kpi.direction {
        Direction::Increase => expected - value,
        Direction::Decrease => value - expected,
    }
}

/// Signed shortfall of `value` against `expected`, in %: `(expected − value) / expected × 100`
/// for a KPI that should increase, `(value − expected) / expected × 100` for one that should
/// decrease. Positive = behind the path.
///
/// When the expected value is 0 the shortfall is taken relative to the whole way from baseline
/// to target instead; when that is 0 too, any shortfall counts as 100 %.
pub fn gap_pct(kpi: &Kpi, value: f64, expected: f64) -> f64 {
    let shortfall = gap_units(kpi, value, expected);
    let scale = if expected != 0.0 {
        expected.abs()
    } else {
        (kpi.target_value - kpi.baseline_value).abs()
    };
    if scale != 0.0 {
        shortfall * 100.0 / scale
    } else if shortfall > 0.0 {
        100.0
    } else {
        0.0
    }
}

/// The status a gap gives: on track up to [`ON_TRACK_MAX_GAP_PCT`] (ahead of the path
/// included), at risk up to [`AT_RISK_MAX_GAP_PCT`], off track beyond.
pub fn status_of_gap(gap_pct: f64) -> KpiStatus {
    if gap_pct <= ON_TRACK_MAX_GAP_PCT + GAP_TOLERANCE_PCT {
        KpiStatus::OnTrack
    } else if gap_pct <= AT_RISK_MAX_GAP_PCT + GAP_TOLERANCE_PCT {
        KpiStatus::AtRisk
    } else {
        KpiStatus::OffTrack
    }
}

/// The status an Open SDG growth-rate rating counts as beside the path rule's: target achieved
/// and substantial progress are on track, moderate progress at risk, limited progress and
/// deterioration off track; no rating gives none.
pub fn status_of_growth(g: GrowthStatus) -> Option<KpiStatus> {
    match g {
        GrowthStatus::TargetAchieved | GrowthStatus::SubstantialProgress => {
            Some(KpiStatus::OnTrack)
        }
        GrowthStatus::ModerateProgress => Some(KpiStatus::AtRisk),
        GrowthStatus::LimitedProgress | GrowthStatus::Deterioration => Some(KpiStatus::OffTrack),
        GrowthStatus::NotAvailable => None,
    }
}

/// The last ended periods of the KPI's frequency that count on `today`: at most
/// [`RECENT_PERIODS`], latest first, leaving out those ending on or before the baseline date.
pub fn due_periods(kpi: &Kpi, today: Date) -> Vec<Period> {
    let mut periods = Vec::with_capacity(RECENT_PERIODS);
    let mut p = Period::last_ended(kpi.frequency, today);
    for _ in 0..RECENT_PERIODS {
        if p.end() > kpi.baseline_date {
            periods.push(p);
        }
        p = p.previous();
    }
    periods
}

/// Assesses a KPI on `today` from its observations (observations of other KPIs are ignored).
///
/// Only validated totals of ended periods count: drafts, submitted figures awaiting
/// validation and disaggregated rows do not. In order:
/// 1. no period after the baseline has ended → [`KpiStatus::NotDueYet`];
/// 2. none of the [`due_periods`] has a validated total → [`KpiStatus::NoRecentData`];
/// 3. otherwise the latest validated total is compared with the value expected at the end of
///    its period, and [`status_of_gap`] decides.
///
/// The latest figure, expected value, gaps and the figure's own status are filled whenever a
/// validated total exists, whatever the status; with no recent data they make the assessment
/// stale rather than neutral.
pub fn assess<'a>(
    kpi: &Kpi,
    observations: impl Iterator<Item = &'a Observation>,
    today: Date,
) -> KpiAssessment {
    let observations: Vec<&Observation> = observations.collect();
    let due = due_periods(kpi, today);
    let mut latest: Option<&Observation> = None;
    let mut recent = false;
    for &o in &observations {
        let counts = o.kpi == kpi.code
            && o.status == ObservationStatus::Validated
            && o.disaggregation.is_none()
            && o.period.end() <= today;
        if !counts {
            continue;
        }
        recent |= due.contains(&o.period);
        if latest.is_none_or(|l| o.period.end() > l.period.end()) {
            latest = Some(o);
        }
    }
    let expected = latest.map(|o| expected_at(kpi, o.period.end()));
    let gap = latest.zip(expected).map(|(o, e)| gap_pct(kpi, o.value, e));
    let gap_units = latest
        .zip(expected)
        .map(|(o, e)| self::gap_units(kpi, o.value, e));
    let measure = kpi.progress_measure.unwrap_or(ProgressMeasure::Path);
    let growth = match measure {
        ProgressMeasure::GrowthRate => growth_assessment(kpi, observations.iter().copied(), today),
        ProgressMeasure::Path => None,
    };
    // A rating by growth rate where there is one; the path rule until then (less than a year
    // of data, or values a growth rate is undefined for).
    let figure_status = match growth.as_ref().and_then(|g| status_of_growth(g.status)) {
        Some(st) => Some(st),
        None => gap.map(status_of_gap),
    };
    let projection = projected_reach(kpi, observations.iter().copied(), measure, today);
    let status = if due.is_empty() {
        KpiStatus::NotDueYet
    } else if !recent {
        KpiStatus::NoRecentData
    } else {
        // `recent` implies a latest figure, hence a rating.
        figure_status.unwrap_or(KpiStatus::OnTrack)
    };
    KpiAssessment {
        status,
        latest: latest.cloned(),
        expected,
        gap_pct: gap,
        gap_units,
        figure_status,
        stale: status == KpiStatus::NoRecentData && latest.is_some(),
        measure,
        growth,
        projection,
        due_periods: due,
    }
}

/// Assesses a KPI of a snapshot from the snapshot's observations.
pub fn assess_in(s: &Snapshot, kpi: &Kpi, today: Date) -> KpiAssessment {
    assess(kpi, s.observations_of(kpi.code.as_str()), today)
}

/// Assesses every KPI of a snapshot, in code order.
pub fn assess_all(s: &Snapshot, today: Date) -> Vec<(Code, KpiAssessment)> {
    s.kpis
        .values()
        .map(|k| (k.code.clone(), assess_in(s, k, today)))
        .collect()
}

/// How far `value` has come from the baseline towards the final target, in %, clamped to
/// 0–100. Works both ways (a KPI that should decrease progresses as it falls). When baseline
/// and target are equal: 100 if the target is reached, else 0.
pub fn progress_pct(kpi: &Kpi, value: f64) -> f64 {
    let span = kpi.target_value - kpi.baseline_value;
    if span == 0.0 {
        let reached = match kpi.direction {
            Direction::Increase => value >= kpi.target_value,
            Direction::Decrease => value <= kpi.target_value,
        };
        return if reached { 100.0 } else { 0.0 };
    }
    ((value - kpi.baseline_value) / span * 100.0).clamp(0.0, 100.0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Disaggregation, InterimTarget, Unit};
    use crate::values::{Frequency, Text};

    pub(crate) fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    /// A quarterly KPI from `baseline` on 2023-12-31 to `target` on 2028-12-31.
    pub(crate) fn kpi(code: &str, direction: Direction, baseline: f64, target: f64) -> Kpi {
        Kpi {
            code: Code::parse(code).unwrap(),
            action_line: None,
            title: Text::en("A KPI").unwrap(),
            unit: Unit::Count,
            direction,
            baseline_value: baseline,
            baseline_date: d("2023-12-31"),
            target_value: target,
            target_date: d("2028-12-31"),
            frequency: Frequency::Quarterly,
            owner_org: Code::parse("DGA").unwrap(),
            method: None,
            sdg_indicator: None,
            framework_indicators: Vec::new(),
            targets: Vec::new(),
            revision_note: None,
            decimals: None,
            progress_measure: None,
            computed: None,
        }
    }

    pub(crate) fn obs(kpi: &str, period: &str, value: f64) -> Observation {
        Observation {
            kpi: Code::parse(kpi).unwrap(),
            period: p(period),
            value,
            status: ObservationStatus::Validated,
            disaggregation: None,
            note: None,
            flag: None,
        }
    }

    /// A KPI whose path is flat at 100 from 2025-12-31 (so the expected value is exactly 100).
    fn flat(direction: Direction) -> Kpi {
        let mut k = kpi("KPI-01", direction, 100.0, 100.0);
        k.baseline_date = d("2025-12-31");
        k
    }

    const TODAY: &str = "2026-11-26";

    fn status_of(k: &Kpi, o: &[Observation]) -> KpiStatus {
        assess(k, o.iter(), d(TODAY)).status
    }

    #[test]
    fn the_path_runs_from_baseline_through_interim_targets_to_the_final_target() {
        let mut k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        k.targets = vec![
            InterimTarget {
                year: 2023,
                target_value: 5.0,
            }, // on the baseline date: left out
            InterimTarget {
                year: 2025,
                target_value: 80.0,
            },
            InterimTarget {
                year: 2028,
                target_value: 90.0,
            }, // final target wins on its day
            InterimTarget {
                year: 2029,
                target_value: 70.0,
            }, // after the target date: the target holds
        ];
        assert_eq!(
            trajectory(&k),
            vec![
                (d("2023-12-31"), 0.0),
                (d("2025-12-31"), 80.0),
                (d("2028-12-31"), 100.0)
            ]
        );
    }

    #[test]
    fn interim_targets_bend_the_path() {
        let mut k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        let straight = expected_at(&k, d("2025-12-31"));
        assert!((straight - 40.0).abs() < 0.1, "{straight}");
        k.targets = vec![InterimTarget {
            year: 2025,
            target_value: 80.0,
        }];
        assert_eq!(expected_at(&k, d("2025-12-31")), 80.0);
        // 366 of the 731 days between 2023-12-31 and 2025-12-31.
        let mid = expected_at(&k, d("2024-12-31"));
        assert_eq!(mid, 80.0 * 366.0 / 731.0);
        // After the interim target the path runs from 80 to 100.
        let e = expected_at(&k, d("2027-06-30"));
        assert!(e > 80.0 && e < 100.0, "{e}");
    }

    #[test]
    fn the_path_is_flat_before_the_baseline_and_after_the_target() {
        let k = kpi("KPI-01", Direction::Decrease, 24.0, 6.0);
        assert_eq!(expected_at(&k, d("2020-01-01")), 24.0);
        assert_eq!(expected_at(&k, d("2023-12-31")), 24.0);
        assert_eq!(expected_at(&k, d("2028-12-31")), 6.0);
        assert_eq!(expected_at(&k, d("2031-06-30")), 6.0);
        let e = expected_at(&k, d("2026-06-30"));
        assert!(e < 24.0 && e > 6.0, "{e}");
    }

    #[test]
    fn thresholds_are_inclusive_at_exactly_5_and_15_percent() {
        let k = flat(Direction::Increase);
        let at = |v: f64| status_of(&k, &[obs("KPI-01", "2026-Q3", v)]);
        assert_eq!(at(120.0), KpiStatus::OnTrack); // ahead
        assert_eq!(at(100.0), KpiStatus::OnTrack);
        assert_eq!(at(95.0), KpiStatus::OnTrack); // exactly 5 %
        assert_eq!(at(94.9), KpiStatus::AtRisk);
        assert_eq!(at(85.0), KpiStatus::AtRisk); // exactly 15 %
        assert_eq!(at(84.9), KpiStatus::OffTrack);
        assert_eq!(at(10.0), KpiStatus::OffTrack);
        assert_eq!(status_of_gap(5.0), KpiStatus::OnTrack);
        assert_eq!(status_of_gap(15.0), KpiStatus::AtRisk);
        assert_eq!(status_of_gap(-30.0), KpiStatus::OnTrack);
    }

    #[test]
    fn a_decrease_kpi_is_behind_when_above_its_path() {
        let k = flat(Direction::Decrease);
        let at = |v: f64| {
            let a = assess(&k, [obs("KPI-01", "2026-Q3", v)].iter(), d(TODAY));
            (a.status, a.gap_pct.unwrap())
        };
        assert_eq!(at(80.0), (KpiStatus::OnTrack, -20.0));
        assert_eq!(at(105.0), (KpiStatus::OnTrack, 5.0));
        assert_eq!(at(115.0), (KpiStatus::AtRisk, 15.0));
        assert_eq!(at(130.0), (KpiStatus::OffTrack, 30.0));
    }

    #[test]
    fn the_gap_of_an_increase_kpi_is_its_shortfall_at_the_end_of_the_period() {
        let mut k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        k.targets = vec![InterimTarget {
            year: 2025,
            target_value: 40.0,
        }];
        let a = assess(
            &k,
            [
                obs("KPI-01", "2025-Q3", 1.0),
                obs("KPI-01", "2025-Q4", 30.0),
            ]
            .iter(),
            d("2026-02-01"),
        );
        assert_eq!(a.latest.unwrap().period, p("2025-Q4"));
        assert_eq!(a.expected, Some(40.0));
        assert_eq!(a.gap_pct, Some(25.0));
        assert_eq!(a.status, KpiStatus::OffTrack);
        assert_eq!(a.due_periods, vec![p("2025-Q4"), p("2025-Q3")]);
    }

    #[test]
    fn only_validated_totals_count() {
        let k = flat(Direction::Increase);
        let mut draft = obs("KPI-01", "2026-Q3", 50.0);
        draft.status = ObservationStatus::Draft;
        let mut submitted = obs("KPI-01", "2026-Q3", 50.0);
        submitted.status = ObservationStatus::Submitted;
        let mut female = obs("KPI-01", "2026-Q3", 50.0);
        female.disaggregation = Some(Disaggregation::parse("sex=female").unwrap());
        let other_kpi = obs("KPI-02", "2026-Q3", 50.0);
        let good = obs("KPI-01", "2026-Q2", 99.0);
        for noise in [&draft, &submitted, &female, &other_kpi] {
            let a = assess(&k, [good.clone(), noise.clone()].iter(), d(TODAY));
            assert_eq!(a.status, KpiStatus::OnTrack, "{noise:?}");
            assert_eq!(a.latest.as_ref(), Some(&good));
            // Alone, the noise is no data at all.
            assert_eq!(
                status_of(&k, std::slice::from_ref(noise)),
                KpiStatus::NoRecentData
            );
        }
    }

    #[test]
    fn a_kpi_without_a_figure_for_its_last_two_periods_has_no_recent_data() {
        let k = flat(Direction::Increase);
        assert_eq!(status_of(&k, &[]), KpiStatus::NoRecentData);
        let a = assess(&k, [obs("KPI-01", "2026-Q1", 100.0)].iter(), d(TODAY));
        assert_eq!(a.status, KpiStatus::NoRecentData);
        assert_eq!(a.due_periods, vec![p("2026-Q3"), p("2026-Q2")]);
        // The old figure is still shown.
        assert_eq!(a.gap_pct, Some(0.0));
        // One of the two periods is enough.
        assert_eq!(
            status_of(&k, &[obs("KPI-01", "2026-Q2", 100.0)]),
            KpiStatus::OnTrack
        );
    }

    #[test]
    fn periods_ending_on_or_before_the_baseline_do_not_count() {
        let mut k = kpi("KPI-19", Direction::Increase, 40.0, 500.0);
        k.baseline_date = d("2025-12-31");
        k.frequency = Frequency::Yearly;
        let a = assess(&k, [obs("KPI-19", "2025", 40.0)].iter(), d(TODAY));
        assert_eq!(a.status, KpiStatus::NotDueYet);
        assert!(a.due_periods.is_empty());
        // A year later 2026 is due, and 2025 still does not count.
        let a = assess(&k, [obs("KPI-19", "2025", 40.0)].iter(), d("2027-01-02"));
        assert_eq!(a.status, KpiStatus::NoRecentData);
        assert_eq!(a.due_periods, vec![p("2026")]);
    }

    #[test]
    fn figures_for_periods_not_ended_are_provisional_and_ignored() {
        let k = flat(Direction::Increase);
        let a = assess(
            &k,
            [
                obs("KPI-01", "2026-Q3", 100.0),
                obs("KPI-01", "2026-Q4", 10.0),
            ]
            .iter(),
            d(TODAY),
        );
        assert_eq!(a.status, KpiStatus::OnTrack);
        assert_eq!(a.latest.unwrap().period, p("2026-Q3"));
    }

    #[test]
    fn an_expected_value_of_zero_does_not_divide_by_zero() {
        // Down to 0 incidents: the gap is measured against the whole way (24).
        let mut k = kpi("KPI-29", Direction::Decrease, 24.0, 0.0);
        k.target_date = d("2026-06-30");
        let a = assess(&k, [obs("KPI-29", "2026-Q3", 0.0)].iter(), d(TODAY));
        assert_eq!((a.expected, a.gap_pct), (Some(0.0), Some(0.0)));
        assert_eq!(a.status, KpiStatus::OnTrack);
        let a = assess(&k, [obs("KPI-29", "2026-Q3", 6.0)].iter(), d(TODAY));
        assert_eq!(a.gap_pct, Some(25.0));
        assert_eq!(a.status, KpiStatus::OffTrack);
        // Nothing to scale by: any shortfall is 100 %, none is 0 %.
        let mut z = kpi("KPI-30", Direction::Decrease, 0.0, 0.0);
        z.baseline_date = d("2025-12-31");
        let at = |v: f64| assess(&z, [obs("KPI-30", "2026-Q3", v)].iter(), d(TODAY));
        assert_eq!(at(0.0).gap_pct, Some(0.0));
        assert_eq!(at(0.0).status, KpiStatus::OnTrack);
        assert_eq!(at(1.0).gap_pct, Some(100.0));
        assert_eq!(at(1.0).status, KpiStatus::OffTrack);
        assert!(at(1.0).gap_pct.unwrap().is_finite());
    }

    #[test]
    fn progress_is_the_share_of_the_way_covered() {
        let up = kpi("KPI-01", Direction::Increase, 20.0, 60.0);
        assert_eq!(progress_pct(&up, 40.0), 50.0);
        assert_eq!(progress_pct(&up, 10.0), 0.0);
        assert_eq!(progress_pct(&up, 70.0), 100.0);
        let down = kpi("KPI-29", Direction::Decrease, 24.0, 6.0);
        assert_eq!(progress_pct(&down, 15.0), 50.0);
        assert_eq!(progress_pct(&down, 30.0), 0.0);
        assert_eq!(progress_pct(&down, 0.0), 100.0);
        let same = kpi("KPI-02", Direction::Increase, 5.0, 5.0);
        assert_eq!(progress_pct(&same, 5.0), 100.0);
        assert_eq!(progress_pct(&same, 4.0), 0.0);
        let same_down = kpi("KPI-03", Direction::Decrease, 5.0, 5.0);
        assert_eq!(progress_pct(&same_down, 4.0), 100.0);
        assert_eq!(progress_pct(&same_down, 6.0), 0.0);
    }

    #[test]
    fn statuses_read_and_write_as_snake_case() {
        assert_eq!(KpiStatus::NoRecentData.as_str(), "no_recent_data");
        assert_eq!(
            serde_json::to_string(&KpiStatus::NotDueYet).unwrap(),
            "\"not_due_yet\""
        );
        assert_eq!(KpiStatus::parse("at_risk").unwrap(), KpiStatus::AtRisk);
        let names: Vec<&str> = KpiStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "on_track",
                "at_risk",
                "off_track",
                "no_recent_data",
                "not_due_yet"
            ]
        );
    }

    #[test]
    fn an_old_figure_off_its_path_counts_as_off_track_marked_stale() {
        // Flat at 100: the last figure, 2025-Q2 (11 at 89 % below), is older than the two
        // periods due on 2026-11-26 (2026-Q3, 2026-Q2).
        let mut k = flat(Direction::Increase);
        k.baseline_date = d("2024-12-31");
        let a = assess(&k, [obs("KPI-01", "2025-Q2", 11.0)].iter(), d(TODAY));
        assert_eq!(a.status, KpiStatus::NoRecentData);
        assert!(a.stale);
        assert_eq!(a.figure_status, Some(KpiStatus::OffTrack));
        assert_eq!(a.counted_status(), KpiStatus::OffTrack);
        assert_eq!(a.gap_pct, Some(89.0));
        assert_eq!(a.gap_units, Some(89.0));
        // With no figure at all there is nothing to count it as.
        let none = assess(&k, [].iter(), d(TODAY));
        assert!(!none.stale);
        assert_eq!(none.figure_status, None);
        assert_eq!(none.counted_status(), KpiStatus::NoRecentData);
        // A recent figure is never stale.
        let fresh = assess(&k, [obs("KPI-01", "2026-Q3", 99.0)].iter(), d(TODAY));
        assert!(!fresh.stale);
        assert_eq!(fresh.counted_status(), KpiStatus::OnTrack);
    }

    #[test]
    fn the_gap_is_also_given_in_the_units_own_terms() {
        // A percentage expected at 47.6 and observed at 51.5 is 3.9 points ahead (8.2 %).
        let mut k = flat(Direction::Increase);
        k.unit = Unit::Percent;
        k.baseline_value = 47.6;
        k.target_value = 47.6;
        let a = assess(&k, [obs("KPI-01", "2026-Q3", 51.5)].iter(), d(TODAY));
        assert!((a.gap_units.unwrap() + 3.9).abs() < 1e-9);
        assert!((a.gap_pct.unwrap() + 8.193_277).abs() < 1e-5);
        // For a KPI that should fall, being above the path is being behind it.
        let down = flat(Direction::Decrease);
        let a = assess(&down, [obs("KPI-01", "2026-Q3", 112.0)].iter(), d(TODAY));
        assert_eq!(a.gap_units, Some(12.0));
    }

    #[test]
    fn figures_are_shown_with_the_decimals_their_unit_deserves() {
        let mut k = flat(Direction::Increase);
        assert_eq!(decimals(&k), DEFAULT_DECIMALS_OTHER);
        k.unit = Unit::Percent;
        assert_eq!(decimals(&k), DEFAULT_DECIMALS_PERCENT);
        k.decimals = Some(2);
        assert_eq!(decimals(&k), 2);
        k.decimals = Some(99);
        assert_eq!(decimals(&k), MAX_DECIMALS);
    }

    #[test]
    fn a_kpi_rated_by_growth_rate_takes_open_sdgs_status_and_projects_its_pace() {
        // 10 → 20 from 2023 to 2028: 14.9 % a year needed; 13 by 2026-Q3 is 10 % a year, about
        // two thirds of it: moderate progress (at risk), where the path rule says off track.
        let mut k = kpi("KPI-01", Direction::Increase, 10.0, 20.0);
        let figures = [obs("KPI-01", "2026-Q3", 13.0)];
        let path = assess(&k, figures.iter(), d(TODAY));
        assert_eq!(path.status, KpiStatus::OffTrack);
        assert_eq!(path.measure, ProgressMeasure::Path);
        assert!(path.growth.is_none());
        k.progress_measure = Some(ProgressMeasure::GrowthRate);
        let a = assess(&k, figures.iter(), d(TODAY));
        let g = a.growth.as_ref().unwrap();
        assert_eq!(g.status, GrowthStatus::ModerateProgress);
        assert_eq!(a.status, KpiStatus::AtRisk);
        // The path gap is still given, for the chart and the table.
        assert_eq!(a.gap_pct, path.gap_pct);
        // At 10 % a year, 13 becomes 20 some 4.5 years after 2026-09-30: in 2031.
        match a.projection {
            Projection::ReachedIn(day) => assert_eq!(day.year(), 2031),
            other => panic!("{other:?}"),
        }
        // Less than a year of figures: no growth rating yet, the path rule rates it.
        k.baseline_date = d("2026-03-31");
        let young = assess(&k, figures.iter(), d(TODAY));
        assert_eq!(
            young.growth.as_ref().unwrap().status,
            GrowthStatus::NotAvailable
        );
        assert_eq!(
            young.figure_status,
            Some(status_of_gap(young.gap_pct.unwrap()))
        );
    }
}
