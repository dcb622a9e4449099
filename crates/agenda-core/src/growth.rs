//! A second progress measure for KPIs, the growth-rate measure of Open SDG, and a projection of
//! when a KPI reaches its target at its current pace.
//!
//! # The growth-rate measure
//!
//! Open SDG (the platform many statistics offices publish their SDG data with) rates progress
//! by growth rate, after the progress measurement methodology of Statistics Canada (itself
//! inspired by Eurostat and UN ESCAP). Its rules, as implemented in `sdg/ProgressMeasure.py`
//! of `open-sdg/sdg-build` and described in `docs/progress-methodology.md` of
//! `open-sdg/open-sdg`, are followed here:
//!
//! * the observed compound annual growth rate from the base to the latest figure,
//!   `CAGR = (latest / base)^(1 / years) − 1`;
//! * with a target, the growth rate that would reach the target on time,
//!   `CAGR_T = (target / base)^(1 / years to target) − 1`, and the ratio
//!   `R = s × d × CAGR / |CAGR_T|`, where `d` is +1 for a KPI that should increase and −1 for
//!   one that should decrease, and `s` is −1 when the values are negative (+1 otherwise);
//!   `R` is rated against [`RATIO_SUBSTANTIAL`], [`RATIO_MODERATE`] and [`RATIO_LIMITED`];
//! * without a target, `s × d × CAGR` itself is rated against [`GROWTH_SUBSTANTIAL`],
//!   [`GROWTH_MODERATE`] and [`GROWTH_LIMITED`], scaled down near a natural limit (see
//!   [`limit_coefficient`]);
//! * a latest figure that meets the target is [`GrowthStatus::TargetAchieved`], whatever the
//!   trend and however little data there is;
//! * a zero base value or target is replaced by [`ZERO_REPLACEMENT`]; a base and latest figure
//!   of opposite signs, or less than [`MIN_YEARS`] between them, cannot be rated
//!   ([`GrowthStatus::NotAvailable`]).
//!
//! Where the agenda's model differs from Open SDG's:
//!
//! * Open SDG reads the base value from the data for a configured base year (2015 by default),
//!   or the first later year with data, and ignores earlier data. A KPI carries its baseline
//!   (value and date), which is that configured base with its figure: the base is always the
//!   baseline, and figures of periods ending on or before the baseline date are ignored. The
//!   baseline counts as one of the two data points the measure needs.
//! * Open SDG counts time in whole years (`current year − base year`). Here time runs from the
//!   baseline date to the end of the latest figure's period (see [`years_between`]), which is
//!   the same whole number of years for yearly figures measured from a 31 December baseline.
//! * The target and its date are the KPI's final target; interim targets play no part.
//! * Where Open SDG cannot compute the required growth (the target equals the base, lies on the
//!   other side of zero, or the target date is not after the baseline) its build fails; here
//!   the observed growth is then rated on its own, as without a target.
//! * Thresholds are compared with a slack of [`GROWTH_TOLERANCE`], so that a value computed as
//!   0.9499999999 from decimal figures counts as 0.95.
//!
//! # The projection
//!
//! [`projected_reach`] tells when the latest pace, kept up, reaches the final target: linearly
//! from the baseline for the path measure, at the observed compound growth rate for the
//! growth-rate measure.

use serde::Serialize;

use crate::model::{Direction, Kpi, Observation, ObservationStatus};
use crate::values::{Date, Period, vocabulary};

/// Ratio of observed to required growth from which a KPI with a target makes substantial
/// progress (Open SDG's "On track"): `R ≥ 0.95`.
pub const RATIO_SUBSTANTIAL: f64 = 0.95;

/// Ratio of observed to required growth from which a KPI with a target makes moderate progress
/// (Open SDG's "Progress made but acceleration needed"): `0.60 ≤ R < 0.95`.
pub const RATIO_MODERATE: f64 = 0.60;

/// Ratio of observed to required growth from which a KPI with a target makes limited progress:
/// `0 ≤ R < 0.60`; below it, the KPI deteriorates.
pub const RATIO_LIMITED: f64 = 0.0;

/// Yearly growth in the desired direction, as a fraction (0.015 = 1.5 % a year), from which a
/// series without a target makes substantial progress (Open SDG's "On track").
pub const GROWTH_SUBSTANTIAL: f64 = 0.015;

/// Yearly growth in the desired direction, as a fraction (0.005 = 0.5 % a year), from which a
/// series without a target makes moderate progress.
pub const GROWTH_MODERATE: f64 = 0.005;

/// Yearly growth in the desired direction from which a series without a target makes limited
/// progress; below it (moving the wrong way), it deteriorates.
pub const GROWTH_LIMITED: f64 = 0.0;

/// Exponent of the scaling factor that lowers the no-target thresholds of a series whose base
/// value is close to a natural limit (such as 100 %): `C = 1 − (base / limit)^4.44`.
pub const LIMIT_SCALING_EXPONENT: f64 = 4.44;

/// The value a base or target of zero is replaced by, since a growth rate from or to zero is
/// undefined.
pub const ZERO_REPLACEMENT: f64 = 0.001;

/// Fewest years between the base and the latest figure for a growth rate (Open SDG: at least
/// two years of data).
pub const MIN_YEARS: f64 = 1.0;

/// Slack when comparing a value with a threshold, so that values computed from decimal figures
/// land on the threshold they are meant to equal.
pub const GROWTH_TOLERANCE: f64 = 1e-9;

/// Highest progress score: a series at or beyond the top cut-off, or one that achieved its
/// target. The lowest is its opposite.
pub const SCORE_MAX: f64 = 5.0;

/// Ratio at and below which a series with a target scores −5.
pub const RATIO_SCORE_FLOOR: f64 = -0.60;

/// Ratio at and above which a series with a target scores +5.
pub const RATIO_SCORE_CEILING: f64 = 1.30;

/// Yearly growth in the desired direction at and below which a series without a target scores
/// −5 (−2 % a year).
pub const GROWTH_SCORE_FLOOR: f64 = -0.02;

/// Yearly growth in the desired direction at and above which a series without a target scores
/// +5 (2 % a year, scaled like the thresholds near a limit).
pub const GROWTH_SCORE_CEILING: f64 = 0.02;

/// Average length of a year in days, to turn spans of days into years and back.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Furthest a projection looks ahead, in years from the latest figure: a target further away
/// than that is not reached at this pace.
pub const PROJECTION_HORIZON_YEARS: f64 = 100.0;

vocabulary!(
    /// Which measure rates a KPI's progress.
    ProgressMeasure {
        /// The path rule: the latest figure against the linear path from the baseline through
        /// the interim targets to the final target (`kpi_status`).
        Path = "path",
        /// Open SDG's growth-rate measure: the observed compound annual growth against the
        /// growth needed to reach the target on time (this module).
        GrowthRate = "growth_rate"
    }
);

vocabulary!(
    /// Where a KPI stands by the growth-rate measure; Open SDG's progress statuses.
    GrowthStatus {
        /// The latest figure meets the target.
        TargetAchieved = "target_achieved",
        /// At least 95 % of the required growth (without a target: at least 1.5 % a year the
        /// right way). Open SDG shows it as "On track".
        SubstantialProgress = "substantial_progress",
        /// 60 % to 95 % of the required growth (without a target: 0.5 % to 1.5 % a year). Open
        /// SDG shows it as "Progress made but acceleration needed".
        ModerateProgress = "moderate_progress",
        /// 0 % to 60 % of the required growth (without a target: under 0.5 % a year).
        LimitedProgress = "limited_progress",
        /// Moving away from the target (without a target: the wrong way).
        Deterioration = "deterioration",
        /// No rating: less than a year of data, or values the growth rate is undefined for.
        NotAvailable = "not_available"
    }
);

/// The target side of a series: its value and how many years after the base it is due.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthTarget {
    /// The target value.
    pub value: f64,
    /// Years from the base to the target date.
    pub years: f64,
}

/// A series as the growth-rate measure sees it: a base figure, a latest figure some years
/// later, the desired direction, and a target or a natural limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthSeries {
    /// Which way is good.
    pub direction: Direction,
    /// The figure progress is measured from.
    pub base_value: f64,
    /// The latest figure.
    pub latest_value: f64,
    /// Years from the base to the latest figure.
    pub years: f64,
    /// The target, if the series has one.
    pub target: Option<GrowthTarget>,
    /// A natural limit in the desired direction (a ceiling such as 100 % for a series that
    /// should increase, a floor for one that should decrease). Only used without a target.
    pub limit: Option<f64>,
}

/// The thresholds a progress value is rated against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthThresholds {
    /// From here on: substantial progress.
    pub substantial: f64,
    /// From here on: moderate progress.
    pub moderate: f64,
    /// From here on: limited progress; below: deterioration.
    pub limited: f64,
    /// Factor, 0–1, the no-target thresholds were scaled by near a natural limit (1 when there
    /// is no limit, and always 1 with a target).
    pub coefficient: f64,
}

impl GrowthThresholds {
    /// The thresholds for a ratio to the required growth (series with a target).
    pub const RATIO: Self = Self {
        substantial: RATIO_SUBSTANTIAL,
        moderate: RATIO_MODERATE,
        limited: RATIO_LIMITED,
        coefficient: 1.0,
    };

    /// The thresholds for a yearly growth rate (series without a target), before any scaling.
    pub const GROWTH: Self = Self {
        substantial: GROWTH_SUBSTANTIAL,
        moderate: GROWTH_MODERATE,
        limited: GROWTH_LIMITED,
        coefficient: 1.0,
    };

    /// The growth thresholds scaled by `coefficient` (see [`limit_coefficient`]).
    pub fn growth_scaled(coefficient: f64) -> Self {
        Self {
            substantial: GROWTH_SUBSTANTIAL * coefficient,
            moderate: GROWTH_MODERATE * coefficient,
            limited: GROWTH_LIMITED * coefficient,
            coefficient,
        }
    }

    /// The status a progress value earns: each threshold is inclusive from below.
    pub fn status_of(&self, value: f64) -> GrowthStatus {
        if value.is_nan() {
            GrowthStatus::NotAvailable
        } else if value >= self.substantial - GROWTH_TOLERANCE {
            GrowthStatus::SubstantialProgress
        } else if value >= self.moderate - GROWTH_TOLERANCE {
            GrowthStatus::ModerateProgress
        } else if value >= self.limited - GROWTH_TOLERANCE {
            GrowthStatus::LimitedProgress
        } else {
            GrowthStatus::Deterioration
        }
    }
}

/// The outcome of the growth-rate measure for a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthMeasure {
    /// The status.
    pub status: GrowthStatus,
    /// Observed compound annual growth from the base to the latest figure, as a fraction a
    /// year (0.02 = 2 % a year); `None` when undefined.
    pub observed_growth: Option<f64>,
    /// Compound annual growth that would reach the target on time; `None` without a target or
    /// when undefined.
    pub required_growth: Option<f64>,
    /// `s × d × observed / |required|`: the share of the required growth achieved, negative when
    /// moving away; `None` when there is no required growth.
    pub ratio: Option<f64>,
    /// The value rated against the thresholds: the ratio, or without one `s × d × observed`.
    pub progress_value: Option<f64>,
    /// The thresholds the progress value was rated against.
    pub thresholds: GrowthThresholds,
    /// Progress score from −5 to +5, for averaging several KPIs into one status (see
    /// [`status_of_score`]); 5 when the target is achieved.
    pub score: Option<f64>,
}

/// Compound annual growth from `base` to `latest` over `years`: `(latest / base)^(1 / years) − 1`.
/// `None` when undefined: no time, a zero base, or values of opposite signs.
pub fn compound_growth(base: f64, latest: f64, years: f64) -> Option<f64> {
    let ratio = latest / base;
    if years == 0.0 || !ratio.is_finite() || ratio < 0.0 {
        return None;
    }
    let g = ratio.powf(1.0 / years) - 1.0;
    g.is_finite().then_some(g)
}

/// The factor, 0–1, that lowers the no-target thresholds when the base value is close to a
/// natural limit, so that substantial progress stays possible without passing the limit:
/// with `b = |base|` and `l = |limit|`, `1 − (b / l)^4.44` when `b ≤ l`,
/// `1 − ((2l − b) / l)^4.44` when `l < b < 2l`, and 1 from `2l` on.
pub fn limit_coefficient(base: f64, limit: f64) -> f64 {
    let (b, l) = (base.abs(), limit.abs());
    // Checked first so that a base and limit both at zero leave the thresholds as they are.
    if b >= 2.0 * l {
        1.0
    } else if b <= l {
        1.0 - (b / l).powf(LIMIT_SCALING_EXPONENT)
    } else {
        1.0 - ((2.0 * l - b) / l).powf(LIMIT_SCALING_EXPONENT)
    }
}

/// Whether `value` meets `target` for a KPI going in `direction`.
fn meets(direction: Direction, value: f64, target: f64) -> bool {
    match direction {
        Direction::Increase => value >= target,
        Direction::Decrease => value <= target,
    }
}

/// +1 for a KPI that should increase, −1 for one that should decrease.
fn direction_sign(direction: Direction) -> f64 {
    match direction {
        Direction::Increase => 1.0,
        Direction::Decrease => -1.0,
    }
}

/// Linear interpolation through points sorted by `x`, flat outside them.
fn piecewise(points: &[(f64, f64)], x: f64) -> f64 {
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return first.1;
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x <= x1 {
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    last.1
}

/// The progress score of a ratio: linear from −5 at [`RATIO_SCORE_FLOOR`] through 0 at
/// [`RATIO_MODERATE`] to +5 at [`RATIO_SCORE_CEILING`], so that each status spans a quarter
/// of the range (Open SDG writes these lines with slopes rounded to four decimals).
pub fn ratio_score(ratio: f64) -> f64 {
    piecewise(
        &[
            (RATIO_SCORE_FLOOR, -SCORE_MAX),
            (RATIO_MODERATE, 0.0),
            (RATIO_SCORE_CEILING, SCORE_MAX),
        ],
        ratio,
    )
}

/// The progress score of a yearly growth without a target, rated with `coefficient`-scaled
/// thresholds: linear through −5 at [`GROWTH_SCORE_FLOOR`], −2.5 at 0, 0 at the moderate
/// threshold, 2.5 at the substantial one and 5 at [`GROWTH_SCORE_CEILING`] (the positive
/// cut-offs scaled). A coefficient of 0 (base at the limit) scores 5 for any growth that is not
/// negative.
pub fn growth_score(growth: f64, coefficient: f64) -> f64 {
    if growth < GROWTH_LIMITED {
        return piecewise(
            &[
                (GROWTH_SCORE_FLOOR, -SCORE_MAX),
                (GROWTH_LIMITED, -SCORE_MAX / 2.0),
            ],
            growth,
        );
    }
    if coefficient == 0.0 {
        return SCORE_MAX;
    }
    piecewise(
        &[
            (GROWTH_LIMITED, -SCORE_MAX / 2.0),
            (GROWTH_MODERATE, 0.0),
            (GROWTH_SUBSTANTIAL, SCORE_MAX / 2.0),
            (GROWTH_SCORE_CEILING, SCORE_MAX),
        ],
        growth / coefficient,
    )
}

/// The status of a score, such as the mean score of several series: +2.5 to +5 substantial,
/// 0 to 2.5 moderate, −2.5 to 0 limited, below −2.5 deterioration; target achieved only when
/// every series achieved its target.
pub fn status_of_score(score: f64, all_targets_achieved: bool) -> GrowthStatus {
    if all_targets_achieved {
        return GrowthStatus::TargetAchieved;
    }
    let quarter = SCORE_MAX / 2.0;
    if score.is_nan() {
        GrowthStatus::NotAvailable
    } else if score >= quarter - GROWTH_TOLERANCE {
        GrowthStatus::SubstantialProgress
    } else if score >= -GROWTH_TOLERANCE {
        GrowthStatus::ModerateProgress
    } else if score >= -quarter - GROWTH_TOLERANCE {
        GrowthStatus::LimitedProgress
    } else {
        GrowthStatus::Deterioration
    }
}

/// Rates a series by the growth-rate measure.
///
/// In order: a zero target or base is replaced by [`ZERO_REPLACEMENT`]; a latest figure meeting
/// the target is [`GrowthStatus::TargetAchieved`] whatever follows; a base and latest figure of
/// opposite signs, or less than [`MIN_YEARS`] between them, give no progress value
/// ([`GrowthStatus::NotAvailable`]); otherwise the ratio to the required growth is rated with a
/// target, the signed observed growth without one (or when the required growth is undefined).
pub fn measure_growth(series: &GrowthSeries) -> GrowthMeasure {
    let target = series.target.map(|t| GrowthTarget {
        value: if t.value == 0.0 {
            ZERO_REPLACEMENT
        } else {
            t.value
        },
        ..t
    });
    let base = if series.base_value == 0.0 {
        ZERO_REPLACEMENT
    } else {
        series.base_value
    };
    let latest = series.latest_value;
    // With negative values a smaller magnitude is a larger value: the sign flips the growth.
    let sign = if base < 0.0 { -1.0 } else { 1.0 };
    let d = direction_sign(series.direction);
    let achieved = target.is_some_and(|t| meets(series.direction, latest, t.value));

    let usable = !(base > 0.0 && latest < 0.0 || base < 0.0 && latest > 0.0)
        && series.years >= MIN_YEARS - GROWTH_TOLERANCE;
    let observed = usable
        .then(|| compound_growth(base, latest, series.years))
        .flatten();
    let required = target
        .filter(|t| t.years > 0.0)
        .and_then(|t| compound_growth(base, t.value, t.years))
        .filter(|&r| r != 0.0);
    let ratio = observed.zip(required).map(|(o, r)| sign * d * o / r.abs());

    let (progress_value, thresholds) = match ratio {
        Some(r) => (Some(r), GrowthThresholds::RATIO),
        None => {
            let coefficient = match (target, series.limit) {
                // The limit stands in for a target only when there is none; Open SDG scales
                // from the base as recorded, before a zero is replaced.
                (None, Some(limit)) => limit_coefficient(series.base_value, limit),
                _ => 1.0,
            };
            (
                observed.map(|o| sign * d * o),
                GrowthThresholds::growth_scaled(coefficient),
            )
        }
    };
    let status = if achieved {
        GrowthStatus::TargetAchieved
    } else {
        progress_value.map_or(GrowthStatus::NotAvailable, |v| thresholds.status_of(v))
    };
    let score = if achieved {
        Some(SCORE_MAX)
    } else if ratio.is_some() {
        progress_value.map(ratio_score)
    } else {
        progress_value.map(|v| growth_score(v, thresholds.coefficient))
    };
    GrowthMeasure {
        status,
        observed_growth: observed,
        required_growth: required,
        ratio,
        progress_value,
        thresholds,
        score,
    }
}

/// Years from `from` to `to`. Between two last days of a month (every period ends on one, and
/// baselines are usually 31 December) it is the number of months over 12, so yearly figures are
/// whole years apart as in Open SDG; otherwise days over [`DAYS_PER_YEAR`].
pub fn years_between(from: Date, to: Date) -> f64 {
    let month_end = |d: Date| d.add_days(1).month() != d.month();
    if month_end(from) && month_end(to) {
        let months = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
            - i64::from(from.month());
        months as f64 / 12.0
    } else {
        (to.day_number() - from.day_number()) as f64 / DAYS_PER_YEAR
    }
}

/// The validated totals of ended periods after the KPI's baseline date, sorted by period end.
fn counted<'a>(
    kpi: &Kpi,
    observations: impl Iterator<Item = &'a Observation>,
    today: Date,
) -> Vec<&'a Observation> {
    let mut out: Vec<&Observation> = observations
        .filter(|o| {
            o.kpi == kpi.code
                && o.status == ObservationStatus::Validated
                && o.disaggregation.is_none()
                && o.period.end() <= today
                && o.period.end() > kpi.baseline_date
        })
        .collect();
    out.sort_by_key(|o| o.period.end());
    out
}

/// A KPI rated by the growth-rate measure, with the figures it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrowthAssessment {
    /// The status.
    pub status: GrowthStatus,
    /// The base: the KPI's baseline date.
    pub base_date: Date,
    /// The base value: the KPI's baseline value (a zero is computed as [`ZERO_REPLACEMENT`]).
    pub base_value: f64,
    /// The period of the latest validated total.
    pub latest_period: Period,
    /// The latest validated total.
    pub latest_value: f64,
    /// Years from the baseline date to the end of the latest period.
    pub years: f64,
    /// The final target (a zero is computed as [`ZERO_REPLACEMENT`]).
    pub target_value: f64,
    /// Years from the baseline date to the target date.
    pub target_years: f64,
    /// Observed compound annual growth, as a fraction a year.
    pub observed_growth: Option<f64>,
    /// Compound annual growth needed to reach the target on time.
    pub required_growth: Option<f64>,
    /// Share of the required growth achieved (`s × d × observed / |required|`).
    pub ratio: Option<f64>,
    /// The value rated: the ratio, or the signed observed growth when there is no ratio.
    pub progress_value: Option<f64>,
    /// The thresholds it was rated against.
    pub thresholds: GrowthThresholds,
    /// Progress score, −5 to +5.
    pub score: Option<f64>,
}

/// Rates a KPI on `today` by the growth-rate measure, from its baseline to its latest validated
/// total (observations of other KPIs, drafts, submitted figures, disaggregated rows, periods
/// not yet ended and periods ending on or before the baseline date are ignored, as in
/// [`crate::kpi_status::assess`]).
///
/// `None` when no figure counts. The target is the KPI's final target, due on its target date.
pub fn growth_assessment<'a>(
    kpi: &Kpi,
    observations: impl Iterator<Item = &'a Observation>,
    today: Date,
) -> Option<GrowthAssessment> {
    let latest = *counted(kpi, observations, today).last()?;
    let years = years_between(kpi.baseline_date, latest.period.end());
    let target_years = years_between(kpi.baseline_date, kpi.target_date);
    let m = measure_growth(&GrowthSeries {
        direction: kpi.direction,
        base_value: kpi.baseline_value,
        latest_value: latest.value,
        years,
        target: Some(GrowthTarget {
            value: kpi.target_value,
            years: target_years,
        }),
        limit: None,
    });
    Some(GrowthAssessment {
        status: m.status,
        base_date: kpi.baseline_date,
        base_value: kpi.baseline_value,
        latest_period: latest.period,
        latest_value: latest.value,
        years,
        target_value: kpi.target_value,
        target_years,
        observed_growth: m.observed_growth,
        required_growth: m.required_growth,
        ratio: m.ratio,
        progress_value: m.progress_value,
        thresholds: m.thresholds,
        score: m.score,
    })
}

/// When a KPI reaches its final target at its current pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum Projection {
    /// The latest figure meets the target; the period is the first of the unbroken run of
    /// figures meeting it that ends with the latest.
    AlreadyReached(Period),
    /// The day the target is reached if the pace holds (shown by its year).
    ReachedIn(Date),
    /// Flat, moving away from the target, or reaching it only after
    /// [`PROJECTION_HORIZON_YEARS`].
    NotAtThisPace,
    /// No figure after the baseline, or (growth rate) less than [`MIN_YEARS`] of data.
    NotEnoughData,
}

/// When the KPI reaches its final target if its pace holds, by `measure`, from the same
/// figures as [`growth_assessment`] on `today`.
///
/// * [`ProgressMeasure::Path`]: the pace is linear, from the baseline (date and value) to the
///   latest figure.
/// * [`ProgressMeasure::GrowthRate`]: the pace is the observed compound annual growth from the
///   baseline to the latest figure, which needs [`MIN_YEARS`] of data. A compound rate cannot
///   reach or leave zero, nor cross it: when the baseline, the latest figure and the target are
///   not all of one sign (a zero included), the linear pace is used instead.
///
/// The target counts as reached as the path rule has it: at or above it for a KPI that should
/// increase, at or below for one that should decrease.
pub fn projected_reach<'a>(
    kpi: &Kpi,
    observations: impl Iterator<Item = &'a Observation>,
    measure: ProgressMeasure,
    today: Date,
) -> Projection {
    let figures = counted(kpi, observations, today);
    let Some(&latest) = figures.last() else {
        return Projection::NotEnoughData;
    };
    let target = kpi.target_value;
    if meets(kpi.direction, latest.value, target) {
        let first = figures
            .iter()
            .rev()
            .take_while(|o| meets(kpi.direction, o.value, target))
            .last()
            .map_or(latest.period, |o| o.period);
        return Projection::AlreadyReached(first);
    }
    let from = latest.period.end();
    if measure == ProgressMeasure::GrowthRate
        && years_between(kpi.baseline_date, from) < MIN_YEARS - GROWTH_TOLERANCE
    {
        return Projection::NotEnoughData;
    }
    let base = kpi.baseline_value;
    let same_sign = |v: f64| v != 0.0 && (v > 0.0) == (base > 0.0);
    let compound = measure == ProgressMeasure::GrowthRate
        && [base, latest.value, target].into_iter().all(same_sign);
    let years_to_target = if compound {
        let years = years_between(kpi.baseline_date, from);
        match compound_growth(base, latest.value, years) {
            Some(g) if g != 0.0 => (target / latest.value).ln() / g.ln_1p(),
            _ => return Projection::NotAtThisPace,
        }
    } else {
        let days = (from.day_number() - kpi.baseline_date.day_number()) as f64;
        let per_day = (latest.value - base) / days;
        if per_day == 0.0 || !per_day.is_finite() {
            return Projection::NotAtThisPace;
        }
        (target - latest.value) / per_day / DAYS_PER_YEAR
    };
    // Negative: moving away from the target.
    if !(years_to_target > 0.0 && years_to_target <= PROJECTION_HORIZON_YEARS) {
        return Projection::NotAtThisPace;
    }
    Projection::ReachedIn(from.add_days((years_to_target * DAYS_PER_YEAR).ceil() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi_status::tests::{d, kpi, obs};
    use crate::model::Disaggregation;
    use crate::values::Frequency;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    /// A yearly KPI with a 31 December baseline and target, as Open SDG's base and target years.
    fn yearly(direction: Direction, base: (i32, f64), target: (i32, f64)) -> Kpi {
        let mut k = kpi("KPI-01", direction, base.1, target.1);
        k.frequency = Frequency::Yearly;
        k.baseline_date = Date::from_ymd(base.0, 12, 31).unwrap();
        k.target_date = Date::from_ymd(target.0, 12, 31).unwrap();
        k
    }

    fn yearly_obs(figures: &[(i32, f64)]) -> Vec<Observation> {
        figures
            .iter()
            .map(|&(y, v)| obs("KPI-01", &y.to_string(), v))
            .collect()
    }

    const TODAY: &str = "2026-11-26";

    fn assess(k: &Kpi, o: &[Observation]) -> Option<GrowthAssessment> {
        growth_assessment(k, o.iter(), d(TODAY))
    }

    /// A series without a target, `years` apart.
    fn untargeted(direction: Direction, base: f64, latest: f64, years: f64) -> GrowthSeries {
        GrowthSeries {
            direction,
            base_value: base,
            latest_value: latest,
            years,
            target: None,
            limit: None,
        }
    }

    #[test]
    fn thresholds_are_open_sdgs() {
        // open-sdg/sdg-build, sdg/ProgressMeasure.py (commit 139fede7),
        // SeriesProgress.get_progress_thresholds: quantitative {'high': 0.95, 'med': 0.6,
        // 'low': 0}, qualitative {'high': 0.015, 'med': 0.005, 'low': 0}, scaling exponent
        // a = 4.44; the tables of open-sdg/open-sdg docs/progress-methodology.md say the same
        // (R ≥ 95 %, 60 % ≤ R < 95 %, 0 % ≤ R < 60 %, R < 0 %; CAGR ≥ 1.5 %, 0.5 %, 0 %).
        assert_eq!(
            (RATIO_SUBSTANTIAL, RATIO_MODERATE, RATIO_LIMITED),
            (0.95, 0.6, 0.0)
        );
        assert_eq!(
            (GROWTH_SUBSTANTIAL, GROWTH_MODERATE, GROWTH_LIMITED),
            (0.015, 0.005, 0.0)
        );
        assert_eq!(LIMIT_SCALING_EXPONENT, 4.44);
        // "If the target value is zero, it is replaced by 0.001"; likewise the base value.
        assert_eq!(ZERO_REPLACEMENT, 0.001);
        // Score cut-offs of docs/progress-methodology.md: R of 130 % for +5 and −60 % for −5;
        // CAGR of 2 % for +5 and −2 % for −5.
        assert_eq!((RATIO_SCORE_FLOOR, RATIO_SCORE_CEILING), (-0.6, 1.3));
        assert_eq!((GROWTH_SCORE_FLOOR, GROWTH_SCORE_CEILING), (-0.02, 0.02));
    }

    #[test]
    fn each_threshold_is_inclusive_from_below() {
        // get_progress_status: value >= high; med <= value < high; low <= value < med.
        let r = GrowthThresholds::RATIO;
        assert_eq!(r.status_of(2.0), GrowthStatus::SubstantialProgress);
        assert_eq!(r.status_of(0.95), GrowthStatus::SubstantialProgress);
        assert_eq!(r.status_of(0.9499), GrowthStatus::ModerateProgress);
        assert_eq!(r.status_of(0.6), GrowthStatus::ModerateProgress);
        assert_eq!(r.status_of(0.5999), GrowthStatus::LimitedProgress);
        assert_eq!(r.status_of(0.0), GrowthStatus::LimitedProgress);
        assert_eq!(r.status_of(-0.0001), GrowthStatus::Deterioration);
        assert_eq!(r.status_of(f64::NAN), GrowthStatus::NotAvailable);
        let g = GrowthThresholds::GROWTH;
        assert_eq!(g.status_of(0.015), GrowthStatus::SubstantialProgress);
        assert_eq!(g.status_of(0.0149), GrowthStatus::ModerateProgress);
        assert_eq!(g.status_of(0.005), GrowthStatus::ModerateProgress);
        assert_eq!(g.status_of(0.0049), GrowthStatus::LimitedProgress);
        assert_eq!(g.status_of(0.0), GrowthStatus::LimitedProgress);
        assert_eq!(g.status_of(-0.0001), GrowthStatus::Deterioration);
        // A ratio computed as 0.9499999999 from decimal figures is 0.95.
        assert_eq!(r.status_of(0.95 - 1e-12), GrowthStatus::SubstantialProgress);
    }

    #[test]
    fn a_decreasing_kpi_on_course_for_its_target_makes_substantial_progress() {
        // Inputs of open-sdg/sdg-build, commit 44027ae: tests/assets/progress-calculation/
        // data/temp/indicator_1-2-1.csv (headline 2015–2019: 14.5, 12.8, 11.7, 11, 10.1) and
        // indicator-config/temp/1-2-1.yml (direction negative, target 7.25; target year 2030
        // by default). Expected values worked out by the rules of sdg/ProgressMeasure.py at
        // 139fede7: CAGR = (10.1/14.5)^(1/4) − 1, CAGR_T = (7.25/14.5)^(1/15) − 1,
        // R = −CAGR / |CAGR_T| ≈ 1.914 ≥ 0.95.
        let k = yearly(Direction::Decrease, (2015, 14.5), (2030, 7.25));
        let o = yearly_obs(&[(2016, 12.8), (2017, 11.7), (2018, 11.0), (2019, 10.1)]);
        let a = assess(&k, &o).unwrap();
        assert_eq!(a.status, GrowthStatus::SubstantialProgress);
        assert_eq!((a.latest_period, a.latest_value), (p("2019"), 10.1));
        assert_eq!((a.years, a.target_years), (4.0, 15.0));
        assert!(close(a.observed_growth.unwrap(), -0.086_437_334_7));
        assert!(close(a.required_growth.unwrap(), -0.045_158_396_1));
        assert!(close(a.ratio.unwrap(), 1.914_092_221_8));
        assert_eq!(a.progress_value, a.ratio);
        assert_eq!(a.thresholds, GrowthThresholds::RATIO);
        assert_eq!(a.score, Some(5.0));
    }

    #[test]
    fn a_decreasing_kpi_moving_up_towards_a_zero_target_deteriorates() {
        // Inputs of open-sdg/sdg-build, commit 5135477: tests/assets/progress-calculation/
        // data/indicator_3-3-3.csv (headline 2010–2019; 2015: 1.55, 2019: 1.82) and
        // indicator-config/3-3-3.yml (direction negative, target 0, replaced by 0.001).
        // Figures before the base year are left out. Worked out by the rules of
        // sdg/ProgressMeasure.py at 139fede7: R ≈ −0.106 < 0.
        let k = yearly(Direction::Decrease, (2015, 1.55), (2030, 0.0));
        let o = yearly_obs(&[
            (2010, 1.51),
            (2011, 1.51),
            (2012, 1.38),
            (2013, 1.4),
            (2014, 1.27),
            (2015, 1.55),
            (2016, 1.69),
            (2017, 1.65),
            (2018, 1.62),
            (2019, 1.82),
        ]);
        let a = assess(&k, &o).unwrap();
        assert_eq!(a.status, GrowthStatus::Deterioration);
        assert!(close(a.observed_growth.unwrap(), 0.040_962_111_3));
        assert!(close(a.required_growth.unwrap(), -0.387_210_634_1));
        assert!(close(a.ratio.unwrap(), -0.105_787_671_4));
        // Open SDG's score line 4.1667·R − 2.5, drawn through (−0.6, −5) and (0.6, 0).
        assert!(close(a.score.unwrap(), 5.0 / 1.2 * a.ratio.unwrap() - 2.5));
    }

    #[test]
    fn a_target_already_met_is_achieved_whatever_the_trend() {
        // Inputs of open-sdg/sdg-build, commit 44027ae: tests/assets/progress-calculation/
        // data/temp/indicator_3-1-1.csv (2015: 7.06…, 2019: 7.53…) and
        // indicator-config/temp/3-1-1.yml (direction negative, target 70). The latest figure is
        // below 70: is_target_achieved, so "target_achieved" and a score of 5, though the
        // figure rose.
        let k = yearly(
            Direction::Decrease,
            (2015, 7.060_817_171_907_362),
            (2030, 70.0),
        );
        let o = yearly_obs(&[
            (2016, 6.264_650_145_392_089),
            (2017, 6.625_886_543_619_536),
            (2018, 8.555_028_886_589_724),
            (2019, 7.526_112_923_948_628),
        ]);
        let a = assess(&k, &o).unwrap();
        assert_eq!(a.status, GrowthStatus::TargetAchieved);
        assert_eq!(a.score, Some(SCORE_MAX));
        // The growth is still reported.
        assert!(a.observed_growth.unwrap() > 0.0);
        assert!(a.ratio.unwrap() < 0.0);
        // The same holds for a KPI that should increase, at the target exactly.
        let up = yearly(Direction::Increase, (2023, 40.0), (2028, 80.0));
        let a = assess(&up, &yearly_obs(&[(2025, 80.0)])).unwrap();
        assert_eq!(a.status, GrowthStatus::TargetAchieved);
    }

    #[test]
    fn without_a_target_the_growth_itself_is_rated() {
        // Inputs of open-sdg/sdg-build, commit 44027ae: tests/assets/progress-calculation/
        // data/temp/indicator_17-8-1.csv (headline 2018: 91.3, 2020: 92.3; 2015 absent, so the
        // base year becomes 2018) and indicator-config/17-8-1.yml (direction positive, no
        // target). CAGR = (92.3/91.3)^(1/2) − 1 ≈ 0.546 %: 0.5 % ≤ CAGR < 1.5 %.
        let s = untargeted(Direction::Increase, 91.3, 92.3, 2.0);
        let m = measure_growth(&s);
        assert_eq!(m.status, GrowthStatus::ModerateProgress);
        assert!(close(m.observed_growth.unwrap(), 0.005_461_537_1));
        assert_eq!(m.progress_value, m.observed_growth);
        assert_eq!((m.required_growth, m.ratio), (None, None));
        assert_eq!(m.thresholds, GrowthThresholds::GROWTH);
        // score 250·CAGR − 1.25 between the 0.5 % and 1.5 % thresholds.
        assert!(close(
            m.score.unwrap(),
            250.0 * m.observed_growth.unwrap() - 1.25
        ));

        // Inputs of open-sdg/sdg-build, refs/pull/318/head: tests/assets/progress-calculation/
        // data/indicator_1-1-1.csv (headline 2020: 100, 2021: 120) with no options, so the
        // default direction "negative": a 20 % rise is −20 % progress, a deterioration scoring
        // −5.
        let m = measure_growth(&untargeted(Direction::Decrease, 100.0, 120.0, 1.0));
        assert_eq!(m.status, GrowthStatus::Deterioration);
        assert!(close(m.progress_value.unwrap(), -0.2));
        assert_eq!(m.score, Some(-SCORE_MAX));

        // The published cut-offs: 1.5 %, 0.5 % and 0 % a year, the desired way.
        let at = |growth: f64, direction| {
            let latest = 100.0 * (1.0 + growth).powi(3);
            measure_growth(&untargeted(direction, 100.0, latest, 3.0)).status
        };
        assert_eq!(
            at(0.015, Direction::Increase),
            GrowthStatus::SubstantialProgress
        );
        assert_eq!(
            at(0.010, Direction::Increase),
            GrowthStatus::ModerateProgress
        );
        assert_eq!(
            at(0.005, Direction::Increase),
            GrowthStatus::ModerateProgress
        );
        assert_eq!(
            at(0.002, Direction::Increase),
            GrowthStatus::LimitedProgress
        );
        assert_eq!(at(0.0, Direction::Increase), GrowthStatus::LimitedProgress);
        assert_eq!(at(-0.002, Direction::Increase), GrowthStatus::Deterioration);
        assert_eq!(
            at(-0.015, Direction::Decrease),
            GrowthStatus::SubstantialProgress
        );
        assert_eq!(at(0.002, Direction::Decrease), GrowthStatus::Deterioration);
    }

    #[test]
    fn near_a_natural_limit_the_no_target_thresholds_shrink() {
        // 17-8-1 (internet users, %) again, with the natural ceiling of 100 % that
        // docs/progress-methodology.md gives for proportions: C = 1 − 0.913^4.44 ≈ 0.332, so
        // the 1.5 % threshold becomes ≈ 0.499 % and the same growth is substantial progress.
        let mut s = untargeted(Direction::Increase, 91.3, 92.3, 2.0);
        s.limit = Some(100.0);
        let m = measure_growth(&s);
        assert!(close(m.thresholds.coefficient, 0.332_440_082_6));
        assert!(close(m.thresholds.substantial, 0.004_986_601_2));
        assert_eq!(m.thresholds.limited, 0.0);
        assert_eq!(m.status, GrowthStatus::SubstantialProgress);
        // Open SDG: min(500·CAGR/C − 5, 5).
        let expected =
            (500.0 * m.progress_value.unwrap() / m.thresholds.coefficient - 5.0).min(5.0);
        assert!(close(m.score.unwrap(), expected));

        // Beyond the limit the factor mirrors; from twice the limit it is 1.
        assert!(close(
            limit_coefficient(150.0, 100.0),
            1.0 - 0.5_f64.powf(4.44)
        ));
        assert_eq!(limit_coefficient(250.0, 100.0), 1.0);
        assert_eq!(limit_coefficient(0.0, 0.0), 1.0);
        // At the limit the thresholds are all 0: holding the limit is substantial progress,
        // scoring 5; falling from it is still a deterioration.
        assert_eq!(limit_coefficient(100.0, 100.0), 0.0);
        let mut at_limit = untargeted(Direction::Increase, 100.0, 100.0, 2.0);
        at_limit.limit = Some(100.0);
        let m = measure_growth(&at_limit);
        assert_eq!(
            (m.status, m.score),
            (GrowthStatus::SubstantialProgress, Some(5.0))
        );
        at_limit.latest_value = 99.0;
        assert_eq!(
            measure_growth(&at_limit).status,
            GrowthStatus::Deterioration
        );
        // With a target the limit is ignored.
        let mut with_target = s;
        with_target.target = Some(GrowthTarget {
            value: 99.0,
            years: 12.0,
        });
        assert_eq!(
            measure_growth(&with_target).thresholds,
            GrowthThresholds::RATIO
        );
    }

    #[test]
    fn a_kpi_moving_away_from_its_target_deteriorates() {
        let k = yearly(Direction::Increase, (2023, 40.0), (2028, 80.0));
        let a = assess(&k, &yearly_obs(&[(2024, 42.0), (2025, 36.0)])).unwrap();
        assert_eq!(a.status, GrowthStatus::Deterioration);
        assert!(a.observed_growth.unwrap() < 0.0);
        assert!(a.ratio.unwrap() < 0.0);
        assert!(a.score.unwrap() < -2.5);
        // A decreasing KPI that rises likewise.
        let k = yearly(Direction::Decrease, (2023, 24.0), (2028, 6.0));
        let a = assess(&k, &yearly_obs(&[(2025, 30.0)])).unwrap();
        assert_eq!(a.status, GrowthStatus::Deterioration);
        assert!(a.observed_growth.unwrap() > 0.0);
    }

    #[test]
    fn an_increasing_kpi_is_rated_by_its_share_of_the_required_growth() {
        // 40 → 80 in 5 years needs 2^(1/5) − 1 ≈ 14.9 % a year.
        let k = yearly(Direction::Increase, (2023, 40.0), (2028, 80.0));
        let required = 2_f64.powf(0.2) - 1.0;
        let at = |share: f64| {
            let latest = 40.0 * (1.0 + share * required).powi(2);
            assess(&k, &yearly_obs(&[(2025, latest)])).unwrap()
        };
        assert!(close(at(0.95).ratio.unwrap(), 0.95));
        assert_eq!(at(0.95).status, GrowthStatus::SubstantialProgress);
        assert!(close(at(0.95).score.unwrap(), 2.5));
        assert_eq!(at(0.80).status, GrowthStatus::ModerateProgress);
        assert_eq!(at(0.60).status, GrowthStatus::ModerateProgress);
        assert_eq!(at(0.30).status, GrowthStatus::LimitedProgress);
        assert_eq!(at(1.50).score, Some(5.0));
    }

    #[test]
    fn too_little_time_cannot_be_rated_unless_the_target_is_met() {
        // Open SDG: "At least two years of data is required"; here the baseline is the first
        // of them, so one figure a year or more after it is enough.
        let k = kpi("KPI-01", Direction::Increase, 40.0, 80.0);
        let a = assess(&k, &[obs("KPI-01", "2024-Q2", 44.0)]).unwrap();
        assert_eq!(a.status, GrowthStatus::NotAvailable);
        assert_eq!(a.years, 0.5);
        assert_eq!((a.observed_growth, a.ratio, a.score), (None, None, None));
        // The required growth is known all the same.
        assert!(a.required_growth.unwrap() > 0.0);
        let a = assess(&k, &[obs("KPI-01", "2024-Q4", 44.0)]).unwrap();
        assert_eq!(a.years, 1.0);
        assert!(close(a.observed_growth.unwrap(), 0.1));
        assert_ne!(a.status, GrowthStatus::NotAvailable);
        // A figure meeting the target is achieved even after a quarter.
        let a = assess(&k, &[obs("KPI-01", "2024-Q1", 81.0)]).unwrap();
        assert_eq!(a.status, GrowthStatus::TargetAchieved);
        // No figure after the baseline: nothing to rate.
        assert_eq!(assess(&k, &[]), None);
        assert_eq!(assess(&k, &[obs("KPI-01", "2023-Q4", 44.0)]), None);
    }

    #[test]
    fn a_zero_base_is_computed_as_a_thousandth() {
        // From 0 to 10 in 2 years, target 100 in 5: CAGR = (10/0.001)^(1/2) − 1 = 99,
        // CAGR_T = (100/0.001)^(1/5) − 1 = 9, R = 11.
        let k = yearly(Direction::Increase, (2023, 0.0), (2028, 100.0));
        let a = assess(&k, &yearly_obs(&[(2025, 10.0)])).unwrap();
        assert_eq!(a.base_value, 0.0);
        assert!(close(a.observed_growth.unwrap(), 99.0));
        assert!(close(a.required_growth.unwrap(), 9.0));
        assert!(close(a.ratio.unwrap(), 11.0));
        assert_eq!(a.status, GrowthStatus::SubstantialProgress);
        // Down to zero incidents: the target 0 is 0.001, and reaching 0 achieves it.
        let k = yearly(Direction::Decrease, (2023, 24.0), (2028, 0.0));
        let a = assess(&k, &yearly_obs(&[(2025, 0.0)])).unwrap();
        assert_eq!(a.status, GrowthStatus::TargetAchieved);
        let a = assess(&k, &yearly_obs(&[(2025, 12.0)])).unwrap();
        assert!(a.observed_growth.unwrap() < 0.0);
        assert!(a.ratio.unwrap() > 0.0);
    }

    #[test]
    fn values_on_both_sides_of_zero_cannot_be_rated() {
        let m = measure_growth(&untargeted(Direction::Increase, 5.0, -1.0, 3.0));
        assert_eq!(m.status, GrowthStatus::NotAvailable);
        assert_eq!(m.progress_value, None);
        // All negative: the sign flips, so −10 → −8 is growth for a KPI that should increase.
        let m = measure_growth(&untargeted(Direction::Increase, -10.0, -8.0, 2.0));
        assert!(m.observed_growth.unwrap() < 0.0);
        assert!(m.progress_value.unwrap() > 0.015);
        assert_eq!(m.status, GrowthStatus::SubstantialProgress);
    }

    #[test]
    fn without_a_required_growth_the_observed_growth_is_rated_alone() {
        // A target equal to the baseline ("hold at 50") needs no growth; Open SDG divides by
        // zero there. Falling from it is a deterioration.
        let k = yearly(Direction::Increase, (2023, 50.0), (2028, 50.0));
        let a = assess(&k, &yearly_obs(&[(2025, 45.0)])).unwrap();
        assert_eq!(a.required_growth, None);
        assert_eq!(a.ratio, None);
        assert_eq!(a.thresholds, GrowthThresholds::GROWTH);
        assert_eq!(a.status, GrowthStatus::Deterioration);
        let a = assess(&k, &yearly_obs(&[(2025, 50.0)])).unwrap();
        assert_eq!(a.status, GrowthStatus::TargetAchieved);
    }

    #[test]
    fn only_validated_totals_of_ended_periods_count() {
        let k = yearly(Direction::Increase, (2023, 40.0), (2028, 80.0));
        let good = obs("KPI-01", "2025", 50.0);
        let mut draft = obs("KPI-01", "2025", 10.0);
        draft.status = ObservationStatus::Draft;
        let mut submitted = obs("KPI-01", "2025", 10.0);
        submitted.status = ObservationStatus::Submitted;
        let mut female = obs("KPI-01", "2025", 10.0);
        female.disaggregation = Some(Disaggregation::parse("sex=female").unwrap());
        let other = obs("KPI-02", "2025", 10.0);
        let not_ended = obs("KPI-01", "2026", 10.0);
        let all = [good.clone(), draft, submitted, female, other, not_ended];
        let a = assess(&k, &all).unwrap();
        assert_eq!((a.latest_period, a.latest_value), (good.period, 50.0));
        assert_eq!(assess(&k, &all[1..]), None);
    }

    #[test]
    fn years_are_whole_for_yearly_figures() {
        assert_eq!(years_between(d("2015-12-31"), d("2019-12-31")), 4.0);
        assert_eq!(years_between(d("2023-12-31"), d("2024-06-30")), 0.5);
        assert_eq!(years_between(d("2023-12-31"), d("2026-09-30")), 2.75);
        assert_eq!(years_between(d("2024-02-29"), d("2025-02-28")), 1.0);
        assert_eq!(
            years_between(d("2024-01-15"), d("2025-01-15")),
            366.0 / DAYS_PER_YEAR
        );
    }

    #[test]
    fn scores_average_into_a_status() {
        // get_progress_status_from_score: [2.5, 5] substantial, [0, 2.5[ moderate,
        // [−2.5, 0[ limited, [−5, −2.5[ deterioration; target achieved only if all are.
        assert_eq!(
            status_of_score(2.5, false),
            GrowthStatus::SubstantialProgress
        );
        assert_eq!(status_of_score(2.4, false), GrowthStatus::ModerateProgress);
        assert_eq!(status_of_score(0.0, false), GrowthStatus::ModerateProgress);
        assert_eq!(status_of_score(-0.1, false), GrowthStatus::LimitedProgress);
        assert_eq!(status_of_score(-2.5, false), GrowthStatus::LimitedProgress);
        assert_eq!(status_of_score(-2.6, false), GrowthStatus::Deterioration);
        assert_eq!(status_of_score(-5.0, true), GrowthStatus::TargetAchieved);
        // The score lines meet the thresholds at the status boundaries.
        assert!(close(ratio_score(RATIO_SUBSTANTIAL), 2.5));
        assert!(close(ratio_score(RATIO_MODERATE), 0.0));
        assert!(close(ratio_score(RATIO_LIMITED), -2.5));
        assert_eq!((ratio_score(-3.0), ratio_score(9.0)), (-5.0, 5.0));
        assert!(close(growth_score(GROWTH_SUBSTANTIAL, 1.0), 2.5));
        assert!(close(growth_score(GROWTH_MODERATE, 1.0), 0.0));
        assert!(close(growth_score(GROWTH_LIMITED, 1.0), -2.5));
        assert!(close(growth_score(-0.01, 1.0), -3.75));
        assert_eq!(
            (growth_score(-1.0, 1.0), growth_score(1.0, 1.0)),
            (-5.0, 5.0)
        );
        // Open SDG's rounded lines agree to a thousandth.
        for r in [-0.5, 0.1, 0.7, 1.0, 1.2] {
            let open_sdg = if r >= 0.6 {
                7.1429 * r - 4.2857
            } else {
                4.1667 * r - 2.5
            };
            assert!((ratio_score(r) - open_sdg).abs() < 1e-3, "{r}");
        }
    }

    fn reached_in(p: Projection) -> Date {
        match p {
            Projection::ReachedIn(d) => d,
            other => panic!("{other:?}"),
        }
    }

    fn project(k: &Kpi, o: &[Observation], m: ProgressMeasure) -> Projection {
        projected_reach(k, o.iter(), m, d(TODAY))
    }

    #[test]
    fn the_path_pace_is_linear_from_the_baseline() {
        // 0 → 30 in 547 days: 70 more take 1276.3 days from 2025-06-30.
        let k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        let o = [obs("KPI-01", "2025-Q2", 30.0)];
        assert_eq!(
            reached_in(project(&k, &o, ProgressMeasure::Path)),
            d("2028-12-28")
        );
        // 24 → 20 in 547 days: 14 less take 1914.5 days.
        let k = kpi("KPI-01", Direction::Decrease, 24.0, 6.0);
        let o = [obs("KPI-01", "2025-Q2", 20.0)];
        assert_eq!(
            reached_in(project(&k, &o, ProgressMeasure::Path)),
            d("2030-09-27")
        );
        // A quarter of data is enough for a line.
        let k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        let o = [obs("KPI-01", "2024-Q1", 10.0)];
        assert!(matches!(
            project(&k, &o, ProgressMeasure::Path),
            Projection::ReachedIn(_)
        ));
    }

    #[test]
    fn the_growth_rate_pace_compounds() {
        // 100 → 121 in two years is 10 % a year: 200 is reached 5.27 years after 2017,
        // in 2023, where the straight line gets there only in 2025.
        let k = yearly(Direction::Increase, (2015, 100.0), (2030, 200.0));
        let o = yearly_obs(&[(2017, 121.0)]);
        assert_eq!(
            reached_in(project(&k, &o, ProgressMeasure::GrowthRate)),
            d("2023-04-10")
        );
        assert_eq!(
            reached_in(project(&k, &o, ProgressMeasure::Path)).year(),
            2025
        );
        // Falling 10 % a year, 81 reaches 50 4.58 years later.
        let k = yearly(Direction::Decrease, (2015, 100.0), (2030, 50.0));
        let o = yearly_obs(&[(2017, 81.0)]);
        assert_eq!(
            reached_in(project(&k, &o, ProgressMeasure::GrowthRate)),
            d("2022-07-31")
        );
    }

    #[test]
    fn a_flat_or_backward_pace_never_gets_there() {
        for m in ProgressMeasure::ALL.iter().copied() {
            let k = yearly(Direction::Increase, (2015, 100.0), (2030, 200.0));
            let flat = yearly_obs(&[(2017, 100.0)]);
            assert_eq!(project(&k, &flat, m), Projection::NotAtThisPace, "{m}");
            let back = yearly_obs(&[(2017, 90.0)]);
            assert_eq!(project(&k, &back, m), Projection::NotAtThisPace, "{m}");
            let k = yearly(Direction::Decrease, (2015, 100.0), (2030, 50.0));
            let up = yearly_obs(&[(2017, 110.0)]);
            assert_eq!(project(&k, &up, m), Projection::NotAtThisPace, "{m}");
            // 0.001 in two years: 100 more would take thousands of years at either pace.
            let k = yearly(Direction::Increase, (2023, 1.0), (2028, 101.0));
            let slow = yearly_obs(&[(2025, 1.001)]);
            assert_eq!(project(&k, &slow, m), Projection::NotAtThisPace, "{m}");
        }
    }

    #[test]
    fn the_projection_looks_a_hundred_years_ahead() {
        // 1 → 1.1 in two years: compounding reaches 101 in about 95 years, within the horizon;
        // the straight line would take about 2,000.
        let k = yearly(Direction::Increase, (2023, 1.0), (2028, 101.0));
        let o = yearly_obs(&[(2025, 1.1)]);
        let at = reached_in(project(&k, &o, ProgressMeasure::GrowthRate));
        assert!(at.year() > 2100 && at.year() <= 2025 + 100, "{at}");
        assert_eq!(
            project(&k, &o, ProgressMeasure::Path),
            Projection::NotAtThisPace
        );
    }

    #[test]
    fn a_target_already_met_says_since_when() {
        let k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        let o = [
            obs("KPI-01", "2025-Q1", 100.0),
            obs("KPI-01", "2025-Q2", 90.0),
            obs("KPI-01", "2025-Q4", 105.0),
            obs("KPI-01", "2025-Q3", 101.0),
        ];
        for m in ProgressMeasure::ALL.iter().copied() {
            assert_eq!(project(&k, &o, m), Projection::AlreadyReached(p("2025-Q3")));
            // Fallen back since: projected again.
            let mut fell = o.to_vec();
            fell.push(obs("KPI-01", "2026-Q1", 95.0));
            assert!(matches!(project(&k, &fell, m), Projection::ReachedIn(_)));
        }
        let down = kpi("KPI-01", Direction::Decrease, 24.0, 6.0);
        assert_eq!(
            project(
                &down,
                &[obs("KPI-01", "2024-Q2", 6.0)],
                ProgressMeasure::GrowthRate
            ),
            Projection::AlreadyReached(p("2024-Q2"))
        );
    }

    #[test]
    fn a_zero_falls_back_to_the_straight_line() {
        // Down to zero incidents: a compound rate never reaches 0, so the line is used.
        let k = kpi("KPI-01", Direction::Decrease, 24.0, 0.0);
        let o = [obs("KPI-01", "2025-Q2", 12.0)];
        let growth = project(&k, &o, ProgressMeasure::GrowthRate);
        assert_eq!(growth, project(&k, &o, ProgressMeasure::Path));
        assert_eq!(reached_in(growth), d("2026-12-29"));
        // Up from a zero baseline likewise.
        let k = kpi("KPI-01", Direction::Increase, 0.0, 100.0);
        let o = [obs("KPI-01", "2025-Q4", 50.0)];
        assert_eq!(
            project(&k, &o, ProgressMeasure::GrowthRate),
            project(&k, &o, ProgressMeasure::Path)
        );
    }

    #[test]
    fn too_little_data_projects_nothing() {
        let k = kpi("KPI-01", Direction::Increase, 10.0, 100.0);
        for m in ProgressMeasure::ALL.iter().copied() {
            assert_eq!(project(&k, &[], m), Projection::NotEnoughData);
            let before = [obs("KPI-01", "2023-Q4", 20.0)];
            assert_eq!(project(&k, &before, m), Projection::NotEnoughData);
        }
        // The growth rate needs a year, as its rating does.
        let o = [obs("KPI-01", "2024-Q2", 20.0)];
        assert_eq!(
            project(&k, &o, ProgressMeasure::GrowthRate),
            Projection::NotEnoughData
        );
        assert!(matches!(
            project(&k, &o, ProgressMeasure::Path),
            Projection::ReachedIn(_)
        ));
    }

    #[test]
    fn results_serialise_for_the_api() {
        let names: Vec<&str> = GrowthStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "target_achieved",
                "substantial_progress",
                "moderate_progress",
                "limited_progress",
                "deterioration",
                "not_available"
            ]
        );
        assert_eq!(
            ProgressMeasure::parse("growth-rate").unwrap(),
            ProgressMeasure::GrowthRate
        );
        assert_eq!(
            serde_json::to_string(&ProgressMeasure::Path).unwrap(),
            "\"path\""
        );
        assert_eq!(
            serde_json::to_value(Projection::ReachedIn(d("2031-03-31"))).unwrap(),
            serde_json::json!({"kind": "reached_in", "at": "2031-03-31"})
        );
        assert_eq!(
            serde_json::to_value(Projection::AlreadyReached(p("2025-Q3"))).unwrap(),
            serde_json::json!({"kind": "already_reached", "at": "2025-Q3"})
        );
        assert_eq!(
            serde_json::to_value(Projection::NotAtThisPace).unwrap(),
            serde_json::json!({"kind": "not_at_this_pace"})
        );
        let k = yearly(Direction::Decrease, (2015, 14.5), (2030, 7.25));
        let a = assess(&k, &yearly_obs(&[(2019, 10.1)])).unwrap();
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["status"], "substantial_progress");
        assert_eq!(v["latest_period"], "2019");
        assert_eq!(v["base_date"], "2015-12-31");
        assert_eq!(v["thresholds"]["substantial"], 0.95);
        let m = measure_growth(&untargeted(Direction::Increase, 5.0, -1.0, 3.0));
        assert_eq!(
            serde_json::to_value(m).unwrap()["ratio"],
            serde_json::Value::Null
        );
    }
}
