//! What the review pages (reports, tasks, consultations, feedback, versions) share: rendering
//! an administration template uncached, and the names people read instead of codes. Imports no
//! handler module.

use agenda_core::model::Unit;
use agenda_core::{Code, Period, Snapshot};
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::Response;

use crate::site::i18n::t;
use crate::site::render;

/// Renders an administration page; never cached (it carries a session's token).
pub(super) fn render_admin(status: StatusCode, tpl: &impl Template) -> Response {
    let mut res = render(status, tpl);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// The name of organisation `code` in `lang`, else its code.
pub(super) fn org_name(s: &Snapshot, lang: &str, code: &Code) -> String {
    s.organisations
        .get(code.as_str())
        .map_or_else(|| code.to_string(), |o| o.name.get(lang).to_owned())
}

/// The title of action line `code` in `lang`, else its code.
pub(super) fn action_line_name(s: &Snapshot, lang: &str, code: &Code) -> String {
    s.action_lines
        .get(code.as_str())
        .map_or_else(|| code.to_string(), |a| a.title.get(lang).to_owned())
}

/// The name of KPI `code` in `lang`, else its code.
pub(super) fn kpi_name(s: &Snapshot, lang: &str, code: &Code) -> String {
    s.kpis
        .get(code.as_str())
        .map_or_else(|| code.to_string(), |k| k.title.get(lang).to_owned())
}

/// A unit in words.
pub(super) fn unit_word(lang: &str, unit: Unit) -> String {
    let key = match unit {
        Unit::Percent => "unit-percent",
        Unit::Count => "unit-count",
        Unit::Days => "unit-days",
        Unit::Currency => "unit-currency",
    };
    t(lang, key)
}

/// The quarter that contains the last day of `period` (the reporting quarter a figure goes with).
pub(super) fn quarter_of(period: Period) -> Period {
    let end = period.end();
    // A month is 1..=12, so the quarter is 1..=4.
    Period::Quarter(end.year(), ((end.month() - 1) / 3 + 1) as u8)
}
