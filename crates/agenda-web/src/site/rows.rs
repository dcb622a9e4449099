//! The rows of KPIs and action lines that several pages list.

use agenda_core::kpi_status::{KpiStatus, assess};
use agenda_core::progress::{GroupProgress, action_line_progress};
use agenda_core::*;

use super::charts;
use super::svg::SvgImage;
use super::views::{Chrome, LocalText, OrgLink, org_name};

/// A KPI in a list.
pub struct KpiRow {
    pub code: String,
    pub title: LocalText,
    pub status: KpiStatus,
    pub status_label: String,
    /// It counts as its last figure, which is not recent.
    pub stale: bool,
    pub latest: String,
    pub latest_period: String,
    pub expected: String,
    pub target: String,
    pub spark: SvgImage,
}

pub(super) fn kpi_row(c: &Chrome, s: &Snapshot, k: &Kpi, today: Date) -> KpiRow {
    let a = assess(k, s.observations_of(k.code.as_str()), today);
    KpiRow {
        code: k.code.to_string(),
        title: c.tx(&k.title),
        status: a.counted_status(),
        status_label: c.status("kpi-status", a.counted_status().as_str()),
        stale: a.stale,
        latest: a
            .latest
            .as_ref()
            .map(|o| c.value(k, o.value))
            .unwrap_or_else(|| "—".to_owned()),
        latest_period: a
            .latest
            .as_ref()
            .map(|o| o.period.to_string())
            .unwrap_or_default(),
        expected: a
            .expected
            .map(|e| c.value(k, e))
            .unwrap_or_else(|| "—".to_owned()),
        target: format!("{} ({})", c.value(k, k.target_value), k.target_date.year()),
        spark: charts::sparkline(k, s.observations_of(k.code.as_str()), c.dir()),
    }
}

/// An action line in a list.
pub struct ActionLineRow {
    pub code: String,
    pub title: LocalText,
    pub lead: OrgLink,
    pub status: String,
    pub status_class: &'static str,
    pub progress: String,
    pub end: String,
}

pub(super) fn action_line_row(
    c: &Chrome,
    s: &Snapshot,
    a: &ActionLine,
    today: Date,
) -> ActionLineRow {
    let p = action_line_progress(s, a.code.as_str(), today);
    let pct = p.map(|p| p.progress_pct).unwrap_or(0.0);
    ActionLineRow {
        code: a.code.to_string(),
        title: c.tx(&a.title),
        lead: org_name(c, s, &a.lead_org),
        status: c.status("al-status", a.status.as_str()),
        status_class: a.status.as_str(),
        progress: format!("{}\u{a0}%", c.num(pct)),
        end: a.end.to_string(),
    }
}

/// Where a group of KPIs stands, in words: the counts by status (zeros left out) and their
/// mean progress.
pub struct GroupView {
    /// Status class, words and count, for each status with at least one KPI.
    pub counts: Vec<(&'static str, String, usize)>,
    /// Mean progress of those with a figure (`—` when none has).
    pub progress: String,
    /// How many count from a figure that is not recent, in words (empty when none).
    pub stale: String,
}

pub(super) fn group_view(c: &Chrome, g: &GroupProgress) -> GroupView {
    GroupView {
        counts: g
            .by_status
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(st, n)| (st.as_str(), c.status("kpi-status", st.as_str()), *n))
            .collect(),
        progress: g
            .progress_pct
            .map_or_else(|| "—".to_owned(), |p| format!("{}\u{a0}%", c.num(p))),
        stale: if g.stale > 0 {
            super::i18n::t_args(c.lang, "group-stale", &[("n", g.stale.to_string())])
        } else {
            String::new()
        },
    }
}
