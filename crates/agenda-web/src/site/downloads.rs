//! Open data: each KPI as CSV in Open SDG's layout, the whole public agenda as a zip of CSV
//! files, an XLSX workbook and JSON, the Atom feed, and the SDG colours as CSS.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use agenda_core::{Kind, Kpi, MilestoneStatus, Snapshot};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::pages::esc;
use crate::AppState;

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

/// One KPI's public observations in Open SDG's CSV layout: `Year`, one column per
/// disaggregation dimension (empty for the total), `Value`. `Year` holds the period.
pub fn kpi_csv(s: &Snapshot, k: &Kpi) -> Response {
    let obs: Vec<_> = s.observations_of(k.code.as_str()).collect();
    let dims: BTreeSet<&str> = obs
        .iter()
        .filter_map(|o| o.disaggregation.as_ref().map(|d| d.dimension.as_str()))
        .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("Year")
        .chain(dims.iter().copied())
        .chain(std::iter::once("Value"))
        .collect();
    let mut rows = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for o in &obs {
        let mut row = vec![o.period.to_string()];
        for d in &dims {
            row.push(
                o.disaggregation
                    .as_ref()
                    .filter(|x| x.dimension == *d)
                    .map(|x| x.value.clone())
                    .unwrap_or_default(),
            );
        }
        row.push(format!("{}", o.value));
        rows.push(row);
    }
    for r in rows {
        if let Err(e) = w.write_record(&r) {
            return failed(e);
        }
    }
    match w.into_inner() {
        Ok(body) => attachment("text/csv; charset=utf-8", &format!("{}.csv", k.code), body),
        Err(e) => failed(e),
    }
}

/// `GET /open-data/agenda.zip`: every public table in the native CSV format.
pub async fn csv_zip(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for t in agenda_io::native::write_tables(&s) {
        if let Err(e) = zip.start_file(format!("{}.csv", t.name), opts) {
            return failed(e);
        }
        if let Err(e) = zip.write_all(&t.to_csv()) {
            return failed(e);
        }
    }
    match zip.finish() {
        Ok(c) => attachment("application/zip", "agenda.zip", c.into_inner()),
        Err(e) => failed(e),
    }
}

/// `GET /open-data/agenda.xlsx`: the same tables as one workbook.
pub async fn xlsx(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let result = tokio::task::spawn_blocking(move || {
        let dir =
            std::env::temp_dir().join(format!("agenda-xlsx-{}-{}", std::process::id(), s.version));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("agenda.xlsx");
        agenda_io::export_xlsx(&s, &path).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(&path).map_err(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&dir);
        bytes
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

/// `GET /feed.atom`: approved progress reports, completed milestones, adopted legal
/// instruments and changes of an action line's status, newest first.
pub async fn atom(State(state): State<AppState>) -> Response {
    let s = state.public_snapshot();
    let base = "";
    let mut entries: Vec<(String, String, String, String)> = Vec::new();
    let status_of = |json: &Option<String>| {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| v.get("status").and_then(|x| x.as_str()).map(str::to_owned))
    };
    let changes = state
        .store
        .audit_records(Some(Kind::ActionLine), None, 1000)
        .await
        .unwrap_or_default();
    for r in changes {
        if let (Some(before), Some(after)) = (status_of(&r.before), status_of(&r.after))
            && before != after
            && s.action_lines.contains_key(&r.code)
        {
            entries.push((
                r.at.get(..10).unwrap_or(&r.at).to_owned(),
                format!("Status of {}: {before} → {after}", r.code),
                format!("{base}/action-lines/{}", r.code),
                String::new(),
            ));
        }
    }
    for r in s.progress_reports.values() {
        if let Some(d) = r.submitted_on {
            entries.push((
                d.to_string(),
                format!("Progress report {} {}", r.action_line, r.period),
                format!("{base}/action-lines/{}", r.action_line),
                r.narrative
                    .as_ref()
                    .map(|n| n.get("en").to_owned())
                    .unwrap_or_default(),
            ));
        }
    }
    for m in s.milestones.values() {
        if let (MilestoneStatus::Done, Some(d)) = (m.status, m.completed_on) {
            entries.push((
                d.to_string(),
                format!("Milestone reached: {} {}", m.code, m.title.get("en")),
                format!("{base}/action-lines/{}", m.action_line),
                String::new(),
            ));
        }
    }
    for l in s.legal_instruments.values() {
        if let Some(d) = l.adopted_on {
            entries.push((
                d.to_string(),
                format!("Adopted: {} {}", l.code, l.title.get("en")),
                format!("{base}/regulatory-plan"),
                String::new(),
            ));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    entries.truncate(100);
    let title = s
        .the_agenda()
        .map(|a| a.title.get("en").to_owned())
        .unwrap_or_else(|| state.settings.country.clone());
    let updated = entries
        .first()
        .map(|e| e.0.clone())
        .unwrap_or_else(|| state.today().to_string());
    let mut out = String::new();
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>{}</title><id>urn:agenda:feed</id><updated>{updated}T00:00:00Z</updated>\
         <link rel=\"self\" href=\"/feed.atom\"/><link href=\"/\"/><author><name>{}</name></author>",
        esc(&title),
        esc(&state.settings.country)
    );
    for (i, (date, title, href, summary)) in entries.iter().enumerate() {
        let _ = write!(
            out,
            "<entry><title>{}</title><id>urn:agenda:{}:{i}</id><updated>{date}T00:00:00Z</updated>\
             <link href=\"{}\"/><summary>{}</summary></entry>",
            esc(title),
            esc(&format!("{date}:{title}").replace(' ', "-")),
            esc(href),
            esc(summary)
        );
    }
    out.push_str("</feed>\n");
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
