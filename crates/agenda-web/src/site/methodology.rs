//! `/methodology`: how progress is judged, written from the rules' own constants so that the
//! page can never disagree with the figures it explains.

use agenda_core::growth::{
    GROWTH_MODERATE, GROWTH_SUBSTANTIAL, PROJECTION_HORIZON_YEARS, ProgressMeasure, RATIO_MODERATE,
    RATIO_SUBSTANTIAL,
};
use agenda_core::kpi_status::{self, AT_RISK_MAX_GAP_PCT, ON_TRACK_MAX_GAP_PCT, RECENT_PERIODS};
use agenda_core::methodology::constants;
use agenda_core::reporting::ReportingCycle;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::{t, t_args};
use super::lang::Lang;
use super::views::{Chrome, LocalText, public, render};
use crate::AppState;

/// A constant of the rules as the page shows it.
pub struct ConstantRow {
    id: &'static str,
    value: String,
    meaning: String,
}

/// How one KPI's figures are judged and shown.
pub struct KpiMethod {
    code: String,
    title: LocalText,
    measure: String,
    decimals: String,
}

/// `/methodology`.
#[derive(Template)]
#[template(path = "methodology.html")]
pub struct MethodologyPage {
    c: Chrome,
    status_rules: Vec<(String, String, String)>,
    stale: String,
    gaps: String,
    rounding: String,
    growth: String,
    projection: String,
    deadline: String,
    constants: Vec<ConstantRow>,
    kpis: Vec<KpiMethod>,
}

/// `GET /methodology`.
pub async fn methodology(State(state): State<AppState>, lang: Lang) -> Response {
    let s = public(&state);
    let l = lang.0;
    let c = Chrome::new(&state, lang, "/methodology", t(l, "meth-title"));
    let pct = |v: f64| format!("{}\u{a0}%", c.num(v));
    let status_rules = [
        ("not_due_yet", t(l, "meth-not-due")),
        (
            "no_recent_data",
            t_args(l, "meth-no-recent", &[("n", RECENT_PERIODS.to_string())]),
        ),
        (
            "on_track",
            t_args(l, "meth-on-track", &[("max", pct(ON_TRACK_MAX_GAP_PCT))]),
        ),
        (
            "at_risk",
            t_args(
                l,
                "meth-at-risk",
                &[
                    ("min", pct(ON_TRACK_MAX_GAP_PCT)),
                    ("max", pct(AT_RISK_MAX_GAP_PCT)),
                ],
            ),
        ),
        (
            "off_track",
            t_args(l, "meth-off-track", &[("max", pct(AT_RISK_MAX_GAP_PCT))]),
        ),
    ]
    .into_iter()
    .map(|(st, when)| (st.to_owned(), c.status("kpi-status", st), when))
    .collect();
    let constants = constants()
        .into_iter()
        .map(|k| ConstantRow {
            id: k.id,
            value: format!(
                "{}\u{a0}{}",
                c.num(k.value),
                t(l, &format!("meth-unit-{}", unit_key(k.unit)))
            ),
            meaning: t(l, &format!("meth-const-{}", k.id)),
        })
        .collect();
    let kpis = s
        .kpis
        .values()
        .map(|k| KpiMethod {
            code: k.code.to_string(),
            title: c.tx(&k.title),
            measure: t(
                l,
                &format!(
                    "meth-measure-{}",
                    k.progress_measure.unwrap_or(ProgressMeasure::Path).as_str()
                ),
            ),
            decimals: kpi_status::decimals(k).to_string(),
        })
        .collect();
    let page = MethodologyPage {
        status_rules,
        stale: t(l, "meth-stale"),
        gaps: t(l, "meth-gaps"),
        rounding: t_args(
            l,
            "meth-rounding",
            &[
                ("pct", kpi_status::DEFAULT_DECIMALS_PERCENT.to_string()),
                ("other", kpi_status::DEFAULT_DECIMALS_OTHER.to_string()),
                ("max", kpi_status::MAX_DECIMALS.to_string()),
            ],
        ),
        growth: t_args(
            l,
            "meth-growth",
            &[
                ("substantial", c.num(RATIO_SUBSTANTIAL * 100.0)),
                ("moderate", c.num(RATIO_MODERATE * 100.0)),
                ("raw_substantial", c.num(GROWTH_SUBSTANTIAL * 100.0)),
                ("raw_moderate", c.num(GROWTH_MODERATE * 100.0)),
            ],
        ),
        projection: t_args(
            l,
            "meth-projection",
            &[("years", c.num(PROJECTION_HORIZON_YEARS))],
        ),
        deadline: t_args(
            l,
            "meth-deadline",
            &[("days", ReportingCycle::default().deadline_days.to_string())],
        ),
        constants,
        kpis,
        c,
    };
    render(StatusCode::OK, &page)
}

/// The words' key of a constant's unit (`%` has no letters of its own).
fn unit_key(unit: &str) -> &str {
    match unit {
        "%" => "percent",
        "% a year" => "percent-year",
        u => u,
    }
}
