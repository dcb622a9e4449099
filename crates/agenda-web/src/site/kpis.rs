//! The list of KPIs and a KPI's page with its chart, data and revisions.

use agenda_core::growth::{GrowthStatus, Projection};
use agenda_core::kpi_status::{self, KpiAssessment, KpiStatus, assess, expected_at};
use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::frameworks::{ServedIndicator, served_by};
use super::history::{Revision, revisions_of};
use super::i18n::{t, t_args};
use super::lang::Lang;
use super::rows::{KpiRow, kpi_row};
use super::svg::SvgImage;
use super::views::{Chrome, LocalText, Opt, OrgLink, opts, org_name, public, render};
use super::{charts, downloads};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageQuery;

/// KPI list filters.
#[derive(Debug, Default, Deserialize)]
pub struct KpiFilter {
    status: Option<String>,
}

/// `/kpis`.
#[derive(Template)]
#[template(path = "kpis.html")]
pub struct KpisPage {
    c: Chrome,
    rows: Vec<KpiRow>,
    statuses: Vec<Opt>,
}

/// `GET /kpis`, optionally `?status=on_track`.
pub async fn kpis(
    State(state): State<AppState>,
    lang: Lang,
    PageQuery(f): PageQuery<KpiFilter>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let today = state.today();
    let chosen = f.status.filter(|v| !v.is_empty());
    let status = match &chosen {
        Some(v) => match KpiStatus::ALL.iter().find(|st| st.as_str() == v) {
            Some(st) => Some(*st),
            None => return Err(PageError::bad_value("filter-status", v)),
        },
        None => None,
    };
    let c = Chrome::new(&state, lang, "/kpis", t(lang.0, "nav-kpis"));
    let rows = s
        .kpis
        .values()
        .map(|k| kpi_row(&c, &s, k, today))
        .filter(|r| status.is_none_or(|st| r.status == st))
        .collect();
    let statuses = opts(
        KpiStatus::ALL
            .iter()
            .map(|st| (st.as_str().to_owned(), c.status("kpi-status", st.as_str()))),
        &chosen,
    );
    Ok(render(StatusCode::OK, &KpisPage { c, rows, statuses }))
}

/// A row of a KPI's data table.
pub struct DataRow {
    period: String,
    value: String,
    expected: String,
    flag: String,
    note: String,
}

/// `?by=` of a KPI page: the dimension its figures are broken down by.
#[derive(Debug, Default, Deserialize)]
pub struct KpiView {
    by: Option<String>,
}

/// A KPI's figures broken down by the dimension the visitor picked: a chart and a table of
/// periods by category.
pub struct BreakdownView {
    options: Vec<Opt>,
    dimension: String,
    chart: SvgImage,
    categories: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

fn breakdown_view(
    c: &Chrome,
    k: &Kpi,
    obs: &[&Observation],
    by: Option<String>,
) -> Result<Option<BreakdownView>, PageError> {
    // The breakdowns the figures have: single dimensions first, then combined ones
    // (`region × sex`), each as written in `?by=` (`region,sex`).
    let mut sets: Vec<Vec<&str>> = obs
        .iter()
        .filter(|o| o.status == ObservationStatus::Validated)
        .filter_map(|o| o.disaggregation.as_ref().map(|d| d.dimensions()))
        .collect();
    sets.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    sets.dedup();
    let chosen = by.filter(|v| !v.is_empty());
    let dims: Vec<&str> = match &chosen {
        Some(v) => {
            let mut want: Vec<&str> = v.split(',').map(str::trim).collect();
            want.sort_unstable();
            match sets.iter().find(|s| **s == want) {
                Some(s) => s.clone(),
                None => return Err(PageError::bad_value("kpi-break-down", v)),
            }
        }
        None => match sets.first() {
            Some(s) => s.clone(),
            None => return Ok(None),
        },
    };
    let dimension = dims.join(" × ");
    let series = charts::breakdown_series(obs.iter().copied(), &dims);
    let mut periods: Vec<Period> = series
        .iter()
        .flat_map(|(_, v)| v.iter().map(|o| o.period))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let rows = periods
        .iter()
        .map(|p| {
            let cells = series
                .iter()
                .map(|(_, v)| {
                    v.iter()
                        .find(|o| o.period == *p)
                        .map_or_else(|| "—".to_owned(), |o| c.value(k, o.value))
                })
                .collect();
            (p.to_string(), cells)
        })
        .collect();
    let chart = charts::breakdown_chart(
        &series,
        &t_args(
            c.lang,
            "breakdown-title",
            &[
                ("kpi", k.code.to_string()),
                ("dimension", dimension.clone()),
            ],
        ),
        &t(c.lang, "breakdown-desc"),
        c.dir(),
    );
    Ok(Some(BreakdownView {
        options: opts(
            sets.iter().map(|s| (s.join(","), s.join(" × "))),
            &Some(dims.join(",")),
        ),
        categories: series.iter().map(|(cat, _)| cat.clone()).collect(),
        dimension,
        chart,
        rows,
    }))
}

/// A KPI's latest figures by region: a map (when the country has a boundary file) and a table.
pub struct RegionsView {
    period: String,
    map: SvgImage,
    rows: Vec<(String, String)>,
}

/// The latest period with figures by `region`, as a map and a table.
fn regions_view(
    state: &AppState,
    c: &Chrome,
    k: &Kpi,
    obs: &[&Observation],
) -> Option<RegionsView> {
    let by_region = |o: &&&Observation| {
        o.status == ObservationStatus::Validated
            && o.disaggregation
                .as_ref()
                .is_some_and(|d| d.is_only("region"))
    };
    let period = obs.iter().filter(by_region).map(|o| o.period).max()?;
    let figures: Vec<charts::RegionFigure> = obs
        .iter()
        .filter(by_region)
        .filter(|o| o.period == period)
        .filter_map(|o| {
            o.disaggregation.as_ref().map(|d| charts::RegionFigure {
                code: d.value.clone(),
                value: o.value,
                label: c.value(k, o.value),
            })
        })
        .collect();
    let map = state.settings.regions.as_deref();
    let name = |code: &str| {
        map.and_then(|m| m.regions.iter().find(|r| r.code == code))
            .map_or_else(|| code.to_owned(), |r| r.name.clone())
    };
    let rows = figures
        .iter()
        .map(|f| (name(&f.code), f.label.clone()))
        .collect();
    let image = match map {
        Some(m) => charts::region_map(
            m,
            &figures,
            &charts::MapLabels {
                title: t_args(
                    c.lang,
                    "map-title",
                    &[("kpi", k.code.to_string()), ("period", period.to_string())],
                ),
                desc: t(c.lang, "map-desc"),
                no_figure: t(c.lang, "map-no-figure"),
            },
            &|v| c.value(k, v),
            c.dir(),
        ),
        None => SvgImage::empty(),
    };
    Some(RegionsView {
        period: period.to_string(),
        map: image,
        rows,
    })
}

/// `/kpis/<code>`.
#[derive(Template)]
#[template(path = "kpi.html")]
pub struct KpiPage {
    c: Chrome,
    k: Kpi,
    title: LocalText,
    status: KpiStatus,
    status_label: String,
    stale: bool,
    why: String,
    projection: String,
    regions: Option<RegionsView>,
    breakdown: Option<BreakdownView>,
    chart: SvgImage,
    data: Vec<DataRow>,
    targets: Vec<(String, String)>,
    disaggregations: Vec<(String, String, String, String)>,
    method: LocalText,
    owner: OrgLink,
    action_line: Option<(String, LocalText)>,
    indicator: Option<(String, String)>,
    /// The framework indicators it serves.
    frameworks: Vec<ServedIndicator>,
    unit: String,
    direction: String,
    baseline: String,
    target: String,
    csv: String,
    revisions: Vec<Revision>,
}

fn explain(c: &Chrome, k: &Kpi, a: &KpiAssessment) -> String {
    let lang = c.lang;
    let periods = a
        .due_periods
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let figure = match (&a.latest, a.expected, a.gap_pct, a.gap_units) {
        (Some(o), Some(e), Some(gap), Some(units)) => Some(t_args(
            lang,
            if gap > 0.0 { "why-behind" } else { "why-ahead" },
            &[
                ("value", c.value(k, o.value)),
                ("period", o.period.to_string()),
                ("expected", c.value(k, e)),
                ("units", gap_in_units(c, k, units)),
                ("gap", c.num(gap.abs())),
            ],
        )),
        _ => None,
    };
    // A KPI rated by growth rate says so, with the figures of its rating.
    let figure = match (figure, &a.growth) {
        (Some(f), Some(g)) if g.status != GrowthStatus::NotAvailable => Some(format!(
            "{f} {}",
            t_args(
                lang,
                "why-growth",
                &[
                    ("observed", growth_pct(c, g.observed_growth)),
                    ("required", growth_pct(c, g.required_growth)),
                    ("year", k.target_date.year().to_string()),
                    ("status", c.status("growth-status", g.status.as_str())),
                ],
            )
        )),
        (f, _) => f,
    };
    match (a.status, figure) {
        (KpiStatus::NotDueYet, _) => t(lang, "why-not-due"),
        // Both facts: nothing recent, and what the last figure says (it counts as that).
        (KpiStatus::NoRecentData, Some(f)) => format!(
            "{} {f} {}",
            t_args(lang, "why-no-data", &[("periods", periods)]),
            t_args(
                lang,
                "why-stale",
                &[(
                    "status",
                    c.status("kpi-status", a.counted_status().as_str()),
                )],
            )
        ),
        (KpiStatus::NoRecentData, None) => t_args(lang, "why-no-data", &[("periods", periods)]),
        (_, Some(f)) => f,
        _ => String::new(),
    }
}

/// A yearly growth rate as a percentage with one decimal, or a dash.
fn growth_pct(c: &Chrome, g: Option<f64>) -> String {
    g.map_or_else(
        || "—".to_owned(),
        |g| {
            format!(
                "{}\u{a0}%",
                agenda_core::numbers::fmt_dec(c.lang, g * 100.0, 1)
            )
        },
    )
}

/// When the target is reached at the current pace, in words.
fn projection(c: &Chrome, p: Projection) -> String {
    match p {
        Projection::AlreadyReached(period) => {
            t_args(c.lang, "proj-already", &[("period", period.to_string())])
        }
        Projection::ReachedIn(day) => t_args(
            c.lang,
            "proj-reached-in",
            &[("year", day.year().to_string())],
        ),
        Projection::NotAtThisPace => t(c.lang, "proj-not"),
        Projection::NotEnoughData => t(c.lang, "proj-no-data"),
    }
}

/// A gap in the KPI's own unit: percentage points for a percentage, else the unit.
pub(super) fn gap_in_units(c: &Chrome, k: &Kpi, units: f64) -> String {
    if k.unit == Unit::Percent {
        let n = agenda_core::numbers::fmt_dec(c.lang, units.abs(), kpi_status::decimals(k));
        t_args(c.lang, "gap-points", &[("n", n)])
    } else {
        c.value(k, units.abs())
    }
}

/// `GET /kpis/<code>` (and `/kpis/<code>.csv`, the data in Open SDG's layout).
pub async fn kpi(
    State(state): State<AppState>,
    lang: Lang,
    Path(code): Path<String>,
    PageQuery(view): PageQuery<KpiView>,
) -> Result<Response, PageError> {
    let s = public(&state);
    if let Some(base) = code.strip_suffix(".md") {
        return match s.kpis.get(base) {
            Some(k) => {
                let lang = state
                    .settings
                    .languages
                    .first()
                    .map_or("en", String::as_str);
                Ok(downloads::kpi_meta(&s, k, lang))
            }
            None => Err(PageError::not_found("kind-kpi", base)),
        };
    }
    if let Some(base) = code.strip_suffix(".csv") {
        return match s.kpis.get(base) {
            Some(k) => Ok(downloads::kpi_csv(&s, k)),
            None => Err(PageError::not_found("kind-kpi", base)),
        };
    }
    let today = state.today();
    let Some(k) = s.kpis.get(&code).cloned() else {
        return Err(PageError::not_found("kind-kpi", &code));
    };
    let c = Chrome::new(
        &state,
        lang,
        &format!("/kpis/{code}"),
        format!("{} {}", k.code, k.title.get(lang.0)),
    )
    .following(&agenda_jobs::Scope::Kpi(code.clone()));
    let obs: Vec<&Observation> = s.observations_of(&code).collect();
    let a = assess(&k, obs.iter().copied(), today);
    let data = obs
        .iter()
        .filter(|o| o.disaggregation.is_none())
        .map(|o| DataRow {
            period: o.period.to_string(),
            value: c.value(&k, o.value),
            expected: c.value(&k, expected_at(&k, o.period.end())),
            flag: o
                .flag
                .map(|f| c.status("obs-flag", f.as_str()))
                .unwrap_or_default(),
            note: o.note.clone().unwrap_or_default(),
        })
        .collect();
    let targets = std::iter::once((k.baseline_date.to_string(), c.value(&k, k.baseline_value)))
        .chain(
            k.targets
                .iter()
                .map(|t| (format!("{}-12-31", t.year), c.value(&k, t.target_value))),
        )
        .chain(std::iter::once((
            k.target_date.to_string(),
            c.value(&k, k.target_value),
        )))
        .collect();
    let disaggregations = obs
        .iter()
        .filter_map(|o| {
            o.disaggregation.as_ref().map(|d| {
                (
                    o.period.to_string(),
                    d.dimensions().join(" × "),
                    d.pairs().map(|(_, v)| v).collect::<Vec<_>>().join(" × "),
                    c.value(&k, o.value),
                )
            })
        })
        .collect();
    let chart_labels = charts::ChartLabels {
        title: format!("{} — {}", k.code, k.title.get(lang.0)),
        desc: t_args(
            lang.0,
            "chart-desc",
            &[
                ("baseline", c.value(&k, k.baseline_value)),
                ("target", c.value(&k, k.target_value)),
                ("year", k.target_date.year().to_string()),
            ],
        ),
        observed: t(lang.0, "chart-observed"),
        path: t(lang.0, "chart-path"),
        today: t(lang.0, "chart-today"),
        flagged: t(lang.0, "chart-flagged"),
    };
    let revisions = match state
        .store
        .audit_records(Some(Kind::Kpi), Some(k.code.as_str()), 1000)
        .await
    {
        Ok(records) => revisions_of(&records),
        Err(e) => {
            tracing::error!(error = %e, "KPI revisions failed in the store");
            Vec::new()
        }
    };
    let page = KpiPage {
        title: c.tx(&k.title),
        status: a.counted_status(),
        status_label: c.status("kpi-status", a.counted_status().as_str()),
        stale: a.stale,
        why: explain(&c, &k, &a),
        projection: projection(&c, a.projection),
        regions: regions_view(&state, &c, &k, &obs),
        breakdown: breakdown_view(&c, &k, &obs, view.by)?,
        chart: charts::kpi_chart(&k, obs.iter().copied(), today, &chart_labels, c.dir()),
        data,
        targets,
        disaggregations,
        method: c.otx(&k.method),
        owner: org_name(&c, &s, &k.owner_org),
        action_line: k.action_line.as_ref().map(|al| {
            (
                al.to_string(),
                s.action_lines
                    .get(al.as_str())
                    .map(|a| c.tx(&a.title))
                    .unwrap_or_else(|| LocalText::plain("")),
            )
        }),
        indicator: k.sdg_indicator.as_ref().map(|i| {
            (
                i.clone(),
                s.sdg
                    .indicators
                    .get(i)
                    .map(|x| x.title.get(lang.0).to_owned())
                    .unwrap_or_default(),
            )
        }),
        frameworks: served_by(&s, &k),
        unit: c.status(
            "unit",
            match k.unit {
                Unit::Percent => "percent",
                Unit::Count => "count",
                Unit::Days => "days",
                Unit::Currency => "currency",
            },
        ),
        direction: c.status("direction", k.direction.as_str()),
        baseline: format!("{} ({})", c.value(&k, k.baseline_value), k.baseline_date),
        target: format!("{} ({})", c.value(&k, k.target_value), k.target_date),
        csv: format!("/kpis/{}.csv", k.code),
        revisions,
        k,
        c,
    };
    Ok(render(StatusCode::OK, &page))
}
