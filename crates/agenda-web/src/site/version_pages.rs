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
use super::views::{Chrome, public};
use super::{Lang, render};
use crate::AppState;
use crate::error::PageError;

/// The word for the agenda as it stands in a comparison URL.
pub const CURRENT: &str = "current";

fn store_error(e: agenda_store::StoreError) -> PageError {
    tracing::error!(error = %e, "versions cannot be read");
    PageError::new(StatusCode::SERVICE_UNAVAILABLE, "versions-unavailable")
}

/// A published version in the list.
struct VersionRow {
    number: VersionNumber,
    published_on: String,
    note: Option<agenda_core::Text>,
    /// The comparison with the version before, and its words; none for the first.
    changes: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "versions.html")]
struct VersionsPage {
    c: Chrome,
    rows: Vec<VersionRow>,
    /// The choices of the comparison form, with the one selected.
    from: Vec<(VersionNumber, bool)>,
    to: Vec<(VersionNumber, bool)>,
    latest: Option<(String, String)>,
    current: &'static str,
}

/// `GET /versions`.
pub async fn versions(State(state): State<AppState>, lang: Lang) -> Result<Response, PageError> {
    let all = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return Err(store_error(e)),
    };
    let c = Chrome::new(&state, lang, "/versions", t(lang.0, "versions-title"));
    let rows = all
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| VersionRow {
            number: v.number,
            published_on: v.published_on.to_string(),
            note: v.note.clone(),
            changes: i.checked_sub(1).map(|p| &all[p]).map(|prev| {
                (
                    c.href(&format!("/versions/{}/{}", prev.number, v.number)),
                    t_args(
                        c.lang,
                        "versions-changes-from",
                        &[("from", prev.number.to_string())],
                    ),
                )
            }),
        })
        .collect();
    let latest = all.last().map(|v| {
        (
            c.href(&format!("/versions/{}/{CURRENT}", v.number)),
            t_args(
                c.lang,
                "versions-since-latest",
                &[("version", v.number.to_string())],
            ),
        )
    });
    let page = VersionsPage {
        rows,
        from: all
            .iter()
            .enumerate()
            .map(|(i, v)| (v.number, i == 0))
            .collect(),
        to: all
            .iter()
            .enumerate()
            .map(|(i, v)| (v.number, i + 1 == all.len()))
            .collect(),
        latest,
        current: CURRENT,
        c,
    };
    Ok(render(StatusCode::OK, &page))
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
    let path = super::views::link(
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
) -> Result<Response, PageError> {
    let all = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return Err(store_error(e)),
    };
    let side = |s: &str| -> Result<Side, PageError> {
        if s == CURRENT {
            return Ok(Side::Current);
        }
        let Some(n) = VersionNumber::parse(s) else {
            return Err(PageError::with_args(
                StatusCode::BAD_REQUEST,
                "versions-bad-number",
                vec![("value", s.to_owned())],
            ));
        };
        match all.iter().find(|v| v.number == n) {
            Some(v) => Ok(Side::Version(v.clone())),
            None => Err(PageError::not_found("versions-one", s)),
        }
    };
    let (a, b) = (side(&from)?, side(&to)?);
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
        (Err(e), _) | (_, Err(e)) => return Err(store_error(e)),
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
    let c = Chrome::new(&state, lang, &path, title);
    let changes = diff(&ca, &cb);
    let tables = changes
        .iter()
        .map(|d| table_view(&c, &s, d, &ca, &cb))
        .collect();
    Ok(render(StatusCode::OK, &DiffPage { c, tables }))
}

#[derive(Template)]
#[template(path = "versions_diff.html")]
struct DiffPage {
    c: Chrome,
    tables: Vec<TableView>,
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
pub(crate) struct RecordRef {
    pub(crate) code: String,
    pub(crate) title: Option<String>,
    pub(crate) href: Option<String>,
}

fn record_ref(
    c: &Chrome,
    s: &agenda_core::Snapshot,
    table: &str,
    code: &str,
    content: &VersionContent,
) -> RecordRef {
    let title = row_title(content.row(table, code), c.lang, code);
    RecordRef {
        code: code.to_owned(),
        title: (title != code).then(|| title.to_owned()),
        href: record_href(c, s, table, code),
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

/// A value, with the language it is written in when the field is a translation; `None` when
/// the field is empty.
pub(crate) struct ValueView {
    pub(crate) text: Option<String>,
    pub(crate) lang: Option<String>,
}

fn value_view(lang: &str, f: &FieldChange, v: Option<&String>) -> ValueView {
    let written_in = match f.field.rsplit_once('_') {
        Some((_, l)) if l != lang && agenda_core::Lang::parse(l).is_ok() => Some(l.to_owned()),
        _ => None,
    };
    ValueView {
        text: v.cloned(),
        lang: written_in,
    }
}

/// One field that changed.
pub(crate) struct FieldRow {
    pub(crate) label: String,
    pub(crate) before: ValueView,
    pub(crate) after: ValueView,
}

/// One record that changed, field by field.
pub(crate) struct ChangedRecord {
    pub(crate) record: RecordRef,
    pub(crate) rows: Vec<FieldRow>,
}

/// The differences in one table: added, removed and changed records.
pub(crate) struct TableView {
    pub(crate) id: String,
    pub(crate) heading: String,
    pub(crate) added: (String, Vec<RecordRef>),
    pub(crate) removed: (String, Vec<RecordRef>),
    pub(crate) changed: (String, Vec<ChangedRecord>),
}

/// The differences in one table, ready for `versions_macros.html`.
pub(crate) fn table_view(
    c: &Chrome,
    s: &agenda_core::Snapshot,
    d: &TableDiff,
    from: &VersionContent,
    to: &VersionContent,
) -> TableView {
    let list = |key: &str, codes: &[String], content: &VersionContent| {
        (
            t_args(c.lang, key, &[("count", codes.len().to_string())]),
            codes
                .iter()
                .map(|k| record_ref(c, s, d.table, k, content))
                .collect(),
        )
    };
    TableView {
        id: d.table.replace('_', "-"),
        heading: c.t(&format!("versions-table-{}", d.table.replace('_', "-"))),
        added: list("versions-added", &d.added, to),
        removed: list("versions-removed", &d.removed, from),
        changed: (
            t_args(
                c.lang,
                "versions-changed",
                &[("count", d.changed.len().to_string())],
            ),
            d.changed
                .iter()
                .map(|item| ChangedRecord {
                    record: record_ref(c, s, d.table, &item.code, to),
                    rows: item
                        .fields
                        .iter()
                        .map(|f| FieldRow {
                            label: field_label(c.lang, &f.field),
                            before: value_view(c.lang, f, f.before.as_ref()),
                            after: value_view(c.lang, f, f.after.as_ref()),
                        })
                        .collect(),
                })
                .collect(),
        ),
    }
}
