//! The agenda's published versions (`/versions`) and what changed between two of them
//! (`/versions/<from>/<to>`, where `<to>` may be `current`: the agenda as it stands, not yet
//! published).

use agenda_core::versions::{
    FieldChange, TARGETS_FIELD, TableDiff, VersionContent, VersionNumber, diff, row_title,
};
use agenda_io::versions::version_content;
use agenda_store::VersionInfo;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::admin::forms::label;
use super::i18n::{t, t_args};
use super::pages::{Chrome, error_page, esc, not_found, public, tx_html};
use super::{Lang, render};
use crate::AppState;

/// The word for the agenda as it stands in a comparison URL.
pub const CURRENT: &str = "current";

#[derive(Template)]
#[template(path = "consultations.html")]
struct Page {
    c: Chrome,
    body: String,
}

fn store_error(state: &AppState, lang: Lang, e: agenda_store::StoreError) -> Response {
    tracing::error!(error = %e, "versions cannot be read");
    error_page(
        state,
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        t(lang.0, "versions-unavailable"),
    )
}

/// A version's note in the page language, marked when it falls back to English.
fn note_html(lang: &str, v: &VersionInfo) -> String {
    v.note
        .as_ref()
        .map(|n| tx_html(lang, n))
        .unwrap_or_default()
}

/// `GET /versions`.
pub async fn versions(State(state): State<AppState>, lang: Lang) -> Response {
    let all = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return store_error(&state, lang, e),
    };
    let c = Chrome::new(&state, lang, "/versions", t(lang.0, "versions-title"));
    let mut body = format!(
        "<h1>{}</h1><p>{}</p>",
        esc(&c.t("versions-title")),
        esc(&c.t("versions-intro"))
    );
    if all.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("versions-none"))));
        return render(StatusCode::OK, &Page { c, body });
    }
    let rows: String = all
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| {
            let changes = match i.checked_sub(1).map(|p| &all[p]) {
                Some(prev) => format!(
                    r#"<a href="{}">{}</a>"#,
                    esc(&c.href(&format!("/versions/{}/{}", prev.number, v.number))),
                    esc(&t_args(
                        c.lang,
                        "versions-changes-from",
                        &[("from", prev.number.to_string())]
                    ))
                ),
                None => esc(&c.t("versions-first")),
            };
            format!(
                r#"<tr id="v{n}"><th scope="row">{n}</th><td>{on}</td><td>{note}</td><td>{changes}</td></tr>"#,
                n = v.number,
                on = v.published_on,
                note = note_html(c.lang, v),
            )
        })
        .collect();
    let latest = &all[all.len() - 1];
    body.push_str(&format!(
        r#"<div class="scroll" tabindex="0" role="region" aria-label="{region}"><table><caption>{cap}</caption><thead><tr><th scope="col">{n}</th><th scope="col">{d}</th><th scope="col">{no}</th><th scope="col">{ch}</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        region = esc(&c.t("table-region")),
        cap = esc(&c.t("versions-title")),
        n = esc(&c.t("versions-number")),
        d = esc(&c.t("versions-published-on")),
        no = esc(&c.t("versions-note")),
        ch = esc(&c.t("versions-changes")),
    ));
    body.push_str(&format!(
        r#"<p><a href="{}">{}</a></p>"#,
        esc(&c.href(&format!("/versions/{}/{CURRENT}", latest.number))),
        esc(&t_args(
            c.lang,
            "versions-since-latest",
            &[("version", latest.number.to_string())]
        ))
    ));
    // Any two versions, with a plain GET form.
    let options = |selected: VersionNumber, with_current: bool| -> String {
        let mut o: String = all
            .iter()
            .map(|v| {
                format!(
                    r#"<option value="{n}"{sel}>{n}</option>"#,
                    n = v.number,
                    sel = if v.number == selected {
                        " selected"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        if with_current {
            o.push_str(&format!(
                r#"<option value="{CURRENT}">{}</option>"#,
                esc(&c.t("versions-current"))
            ));
        }
        o
    };
    let first = all[0].number;
    body.push_str(&format!(
        r#"<h2 id="compare-h">{h}</h2><form method="get" action="{action}" class="filters" aria-labelledby="compare-h"><div><label for="v-from">{fl}</label><select id="v-from" name="from">{fo}</select></div><div><label for="v-to">{tl}</label><select id="v-to" name="to">{to}</select></div><div><button type="submit">{go}</button></div></form>"#,
        h = esc(&c.t("versions-compare")),
        action = esc(&c.href("/versions/compare")),
        fl = esc(&c.t("versions-from")),
        tl = esc(&c.t("versions-to")),
        fo = options(first, false),
        to = options(latest.number, true),
        go = esc(&c.t("versions-show")),
    ));
    render(StatusCode::OK, &Page { c, body })
}

/// The query of the comparison form.
#[derive(Deserialize)]
pub struct Compare {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /versions/compare?from=…&to=…`: the comparison form's answer, a redirect to the
/// differences page (which says what is wrong with a bad value).
pub async fn compare(lang: Lang, Query(q): Query<Compare>) -> Response {
    let from = q.from.unwrap_or_default();
    let to = q.to.unwrap_or_default();
    let path = super::pages::link(
        lang,
        &format!(
            "/versions/{}/{}",
            super::admin::auth::encode(from.trim()),
            super::admin::auth::encode(to.trim())
        ),
    );
    Redirect::to(&path).into_response()
}

/// One side of a comparison.
enum Side {
    Version(VersionInfo),
    Current,
}

/// `GET /versions/<from>/<to>`.
pub async fn differences(
    State(state): State<AppState>,
    lang: Lang,
    Path((from, to)): Path<(String, String)>,
) -> Response {
    let all = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return store_error(&state, lang, e),
    };
    let side = |s: &str| -> Result<Side, Box<Response>> {
        if s == CURRENT {
            return Ok(Side::Current);
        }
        let Some(n) = VersionNumber::parse(s) else {
            return Err(Box::new(error_page(
                &state,
                lang,
                StatusCode::BAD_REQUEST,
                t_args(lang.0, "versions-bad-number", &[("value", s.to_owned())]),
            )));
        };
        match all.iter().find(|v| v.number == n) {
            Some(v) => Ok(Side::Version(v.clone())),
            None => Err(Box::new(not_found(&state, lang, "versions-one", s))),
        }
    };
    let (a, b) = match (side(&from), side(&to)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return *r,
    };
    let s = public(&state);
    async fn content_of(
        state: &AppState,
        s: &agenda_core::Snapshot,
        side: &Side,
    ) -> Result<VersionContent, agenda_store::StoreError> {
        match side {
            Side::Current => Ok(version_content(s)),
            Side::Version(v) => state
                .store
                .version_content(v.number)
                .await
                .map(Option::unwrap_or_default),
        }
    }
    let (ca, cb) = match (
        content_of(&state, &s, &a).await,
        content_of(&state, &s, &b).await,
    ) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return store_error(&state, lang, e),
    };
    let name = |side: &Side| match side {
        Side::Current => t(lang.0, "versions-current"),
        Side::Version(v) => t_args(
            lang.0,
            "versions-version-of",
            &[
                ("version", v.number.to_string()),
                ("date", v.published_on.to_string()),
            ],
        ),
    };
    let title = t_args(
        lang.0,
        "versions-diff-title",
        &[("from", name(&a)), ("to", name(&b))],
    );
    let path = format!("/versions/{from}/{to}");
    let c = Chrome::new(&state, lang, &path, title.clone());
    let changes = diff(&ca, &cb);
    let mut body = format!("<h1>{}</h1>", esc(&title));
    if changes.is_empty() {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("versions-no-difference"))));
    } else {
        body.push_str(&format!("<p>{}</p>", esc(&c.t("versions-diff-intro"))));
        for d in &changes {
            body.push_str(&table_html(&c, &s, d, &ca, &cb));
        }
    }
    body.push_str(&format!(
        r#"<p><a href="{}">{}</a></p>"#,
        esc(&c.href("/versions")),
        esc(&c.t("versions-title"))
    ));
    render(StatusCode::OK, &Page { c, body })
}

/// The public page of a record that still exists, if it has one.
fn record_href(c: &Chrome, s: &agenda_core::Snapshot, table: &str, code: &str) -> Option<String> {
    let path = match table {
        "agenda" => s.agenda.contains_key(code).then(|| "/".to_owned()),
        "pillars" => s
            .pillars
            .contains_key(code)
            .then(|| format!("/pillars#{code}")),
        "action_lines" => s
            .action_lines
            .contains_key(code)
            .then(|| format!("/action-lines/{code}")),
        "milestones" => s
            .milestones
            .get(code)
            .map(|m| format!("/action-lines/{}", m.action_line)),
        "kpis" => s.kpis.contains_key(code).then(|| format!("/kpis/{code}")),
        "legal_instruments" => s
            .legal_instruments
            .contains_key(code)
            .then(|| format!("/regulatory-plan#{code}")),
        _ => None,
    }?;
    Some(c.href(&path))
}

/// A record named by code and title, linked to its page when it still has one.
fn record_html(
    c: &Chrome,
    s: &agenda_core::Snapshot,
    table: &str,
    code: &str,
    content: &VersionContent,
) -> String {
    let title = row_title(content.row(table, code), c.lang, code);
    let text = if title == code {
        esc(code)
    } else {
        format!("{} {}", esc(code), esc(title))
    };
    match record_href(c, s, table, code) {
        Some(href) => format!(r#"<a href="{}">{text}</a>"#, esc(&href)),
        None => text,
    }
}

/// The name of a field in a comparison.
fn field_label(lang: &str, field: &str) -> String {
    if field == TARGETS_FIELD {
        t(lang, "versions-targets")
    } else {
        label(lang, field)
    }
}

/// A value, in the language it is written in when the field is a translation.
fn value_html(lang: &str, f: &FieldChange, v: Option<&String>) -> String {
    match v {
        None => format!(
            r#"<span class="muted">{}</span>"#,
            esc(&t(lang, "versions-empty"))
        ),
        Some(v) => match f.field.rsplit_once('_') {
            Some((_, l)) if l != lang && agenda_core::Lang::parse(l).is_ok() => {
                format!(r#"<span lang="{l}">{}</span>"#, esc(v))
            }
            _ => esc(v),
        },
    }
}

/// The differences in one table: added, removed and changed records, field by field.
pub(crate) fn table_html(
    c: &Chrome,
    s: &agenda_core::Snapshot,
    d: &TableDiff,
    from: &VersionContent,
    to: &VersionContent,
) -> String {
    let heading = c.t(&format!("versions-table-{}", d.table.replace('_', "-")));
    let id = d.table.replace('_', "-");
    let mut out = format!(
        r#"<section aria-labelledby="{id}"><h2 id="{id}">{}</h2>"#,
        esc(&heading)
    );
    let list = |key: &str, codes: &[String], content: &VersionContent| -> String {
        if codes.is_empty() {
            return String::new();
        }
        format!(
            r#"<h3>{}</h3><ul>{}</ul>"#,
            esc(&t_args(c.lang, key, &[("count", codes.len().to_string())])),
            codes
                .iter()
                .map(|k| format!("<li>{}</li>", record_html(c, s, d.table, k, content)))
                .collect::<String>()
        )
    };
    out.push_str(&list("versions-added", &d.added, to));
    out.push_str(&list("versions-removed", &d.removed, from));
    if !d.changed.is_empty() {
        out.push_str(&format!(
            "<h3>{}</h3>",
            esc(&t_args(
                c.lang,
                "versions-changed",
                &[("count", d.changed.len().to_string())]
            ))
        ));
        for item in &d.changed {
            let rows: String = item
                .fields
                .iter()
                .map(|f| {
                    format!(
                        r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>"#,
                        esc(&field_label(c.lang, &f.field)),
                        value_html(c.lang, f, f.before.as_ref()),
                        value_html(c.lang, f, f.after.as_ref()),
                    )
                })
                .collect();
            out.push_str(&format!(
                r#"<div class="scroll" tabindex="0" role="region" aria-label="{region}"><table><caption>{cap}</caption><thead><tr><th scope="col">{fl}</th><th scope="col">{bl}</th><th scope="col">{al}</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
                region = esc(&format!("{} {}", item.code, c.t("versions-changes"))),
                cap = record_html(c, s, d.table, &item.code, to),
                fl = esc(&c.t("versions-field")),
                bl = esc(&c.t("versions-before")),
                al = esc(&c.t("versions-after")),
            ));
        }
    }
    out.push_str("</section>");
    out
}
