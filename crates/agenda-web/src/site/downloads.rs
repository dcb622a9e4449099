//! Open data: each KPI as CSV in Open SDG's layout, the whole public agenda as a zip of CSV
//! files, an XLSX workbook and JSON, the Atom feed, and the SDG colours as CSS. The formats are
//! written by `agenda-io` and the feed's changes found by `agenda-jobs`; this module answers
//! them over HTTP.

use std::fmt::Write as _;

use agenda_core::{Kind, Kpi, Snapshot};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use agenda_jobs::{FEED_SCAN_MAX, Scope, changes};

fn attachment(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "download failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// One KPI's public observations as an Open SDG CSV download (`<code>.csv`); `s` is the
/// public view.
pub fn kpi_csv(s: &Snapshot, k: &Kpi) -> Response {
    attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", k.code),
        agenda_io::opensdg::kpi_csv(s, k),
    )
}

/// One KPI's metadata as an Open SDG metadata file (`<code>.md`), in the site's default
/// language; `s` is the public view.
pub fn kpi_meta(s: &Snapshot, k: &Kpi, lang: &str) -> Response {
    attachment(
        "text/markdown; charset=utf-8",
        &format!("{}.md", k.code),
        agenda_io::opensdg::kpi_meta(s, k, lang).into_bytes(),
    )
}

/// `GET /open-data/agenda.zip`: every public table in the native CSV format.
pub async fn csv_zip(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    match tokio::task::spawn_blocking(move || agenda_io::export_csv_zip(&s)).await {
        Ok(Ok(body)) => attachment("application/zip", "agenda.zip", body),
        Ok(Err(e)) => failed(e),
        Err(e) => failed(e),
    }
}

/// `GET /open-data/agenda.xlsx`: the same tables as one workbook.
pub async fn xlsx(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let result = tokio::task::spawn_blocking(move || {
        let mut body = Vec::new();
        agenda_io::export_xlsx_to(&s, &mut body).map(|()| body)
    })
    .await;
    match result {
        Ok(Ok(bytes)) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "agenda.xlsx",
            bytes,
        ),
        Ok(Err(e)) => failed(e),
        Err(e) => failed(e),
    }
}

/// `GET /open-data/agenda.json`: every public record, by kind.
pub async fn json(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let mut map = serde_json::Map::new();
    for &kind in Kind::ALL {
        let items: Vec<serde_json::Value> = s
            .entities(kind)
            .filter_map(|e| serde_json::to_value(&e).ok())
            .collect();
        map.insert(kind.collection().replace('-', "_"), items.into());
    }
    match serde_json::to_vec(&map) {
        Ok(body) => attachment("application/json", "agenda.json", body),
        Err(e) => failed(e),
    }
}

/// `GET /open-data/progress.json`: the agenda's progress today with every weight and part
/// behind it, so that anyone can recompute the headline from the open data.
pub async fn progress_json(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let p = agenda_core::progress::published(&s, state.today());
    match serde_json::to_vec(&p) {
        Ok(body) => attachment("application/json", "progress.json", body),
        Err(e) => failed(e),
    }
}

/// `?scope=` of the feed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FeedParams {
    scope: Option<String>,
}

/// Entries a feed holds at most.
const FEED_ENTRIES: usize = 100;

/// An Atom feed, escaped by its template.
#[derive(Template)]
#[template(path = "atom.xml", escape = "html")]
struct AtomFeed {
    title: String,
    id: String,
    updated: String,
    self_href: String,
    page_href: String,
    author: String,
    entries: Vec<AtomEntry>,
}

/// An entry of the feed.
struct AtomEntry {
    title: String,
    seq: u64,
    at: String,
    href: String,
    summary: String,
}

/// `GET /feed.atom[?scope=pillar:P1|action-line:AL-1.1|kpi:KPI-01|organisation:DGA]`: approved
/// progress reports, milestones reached, legal instruments adopted, changes of an action
/// line's status and new KPI figures, of the whole agenda or of one scope, newest first (the
/// same changes the subscribers' digests list).
pub async fn atom(
    State(state): State<AppState>,
    lang: super::lang::Lang,
    axum::extract::Query(p): axum::extract::Query<FeedParams>,
) -> Response {
    let s = state.public_snapshot();
    let Some(scope) = Scope::parse(p.scope.as_deref().unwrap_or("agenda")).filter(|x| x.exists(&s))
    else {
        return (StatusCode::NOT_FOUND, "no such scope").into_response();
    };
    let (entries, _) = match changes(
        &state.store,
        &s,
        &scope,
        0,
        s.version,
        FEED_ENTRIES,
        Some(FEED_SCAN_MAX),
    )
    .await
    {
        Ok(found) => found,
        Err(e) => return failed(e),
    };
    let l = lang.0;
    let title = match scope {
        Scope::Agenda => scope.name(&s, l),
        _ => format!("{} — {}", scope.name(&s, l), state.settings.country),
    };
    let updated = entries
        .first()
        .map(|e| e.at.clone())
        .unwrap_or_else(|| format!("{}T00:00:00Z", state.today()));
    let feed = AtomFeed {
        title,
        id: scope.feed_id(),
        updated,
        self_href: scope.feed(),
        page_href: format!("{}{}", lang.prefix(), scope.page()),
        author: state.settings.country.clone(),
        entries: entries
            .iter()
            .map(|e| AtomEntry {
                title: e.event.title(&s, l),
                seq: e.seq,
                at: e.at.clone(),
                href: format!("{}{}", lang.prefix(), e.event.page()),
                summary: e.event.summary(l),
            })
            .collect(),
    };
    let out = match feed.render() {
        Ok(out) => out,
        Err(e) => return failed(e),
    };
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        out,
    )
        .into_response()
}

/// `GET /assets/sdg.css`: the official goal colours as classes `sdg-1` … `sdg-17`, with a
/// text colour that keeps the contrast WCAG asks for.
pub async fn sdg_css(State(state): State<AppState>) -> Response {
    let s = state.store.snapshot();
    let mut css = String::new();
    for g in s.sdg.goals.values() {
        let fg = if contrast_ok_with_white(&g.colour) {
            "#fff"
        } else {
            "#111"
        };
        let _ = writeln!(
            css,
            ".sdg-{} {{ background: {}; color: {fg}; }}",
            g.goal, g.colour
        );
    }
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()
}

/// `GET /assets/theme.css`: the country's colours from the configuration.
pub async fn theme_css(State(state): State<AppState>) -> Response {
    let st = &state.settings;
    let fg = if contrast_ok_with_white(&st.primary_colour) {
        "#fff"
    } else {
        "#111"
    };
    let css = format!(
        ":root {{ --brand: {}; --brand-ink: {fg}; --accent: {}; }}\n",
        st.primary_colour, st.accent_colour
    );
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()
}

/// `GET /assets/logo`: the configured logo, if any.
pub async fn logo(State(state): State<AppState>) -> Response {
    match &state.settings.logo {
        Some((bytes, content_type)) => {
            ([(header::CONTENT_TYPE, *content_type)], bytes.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn channel(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Whether white text on `hex` reaches a contrast of 4.5:1.
pub fn contrast_ok_with_white(hex: &str) -> bool {
    let h = hex.trim_start_matches('#');
    let p = |i: usize| u8::from_str_radix(h.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    let lum = 0.2126 * channel(p(0)) + 0.7152 * channel(p(2)) + 0.0722 * channel(p(4));
    (1.05) / (lum + 0.05) >= 4.5
}

#[cfg(test)]
mod tests {
    use super::contrast_ok_with_white;

    #[test]
    fn text_colour_keeps_contrast_on_goal_colours() {
        assert!(contrast_ok_with_white("#00689D")); // goal 16, dark blue
        assert!(!contrast_ok_with_white("#FCC30B")); // goal 7, yellow
    }
}
