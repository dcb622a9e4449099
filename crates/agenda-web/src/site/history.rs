//! A record's public change history, from the audit trail.

use agenda_core::*;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::t;
use super::lang::Lang;
use super::views::{Chrome, public, render};
use crate::AppState;
use crate::error::PageError;

/// `/history/<collection>/<key>`.
#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    c: Chrome,
    key: String,
    revisions: Vec<Revision>,
    rows: Vec<HistoryRow>,
}

/// One audited change the public may see.
struct HistoryRow {
    day: String,
    action: String,
    /// The fields changed (none for a creation or removal).
    fields: Vec<String>,
}

/// Whether an audited state of a record (its JSON; none before a creation or after a removal)
/// is one the public may see.
fn publicly_visible(kind: Kind, json: Option<&str>) -> bool {
    json.is_none_or(|j| agenda_core::visibility::stored_state_is_public(kind, j))
}

/// Top-level fields whose values differ between two JSON bodies.
fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        // Whole numbers read as people write them (`65`, not `65.0`).
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Some(v) => v.to_string(),
    };
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}

/// The public change history of one record, from the audit trail: when it was created and
/// changed and which fields changed (never who: accounts are not public). A KPI's baseline and
/// target revisions are listed with their values and justification.
pub async fn history(
    State(state): State<AppState>,
    lang: Lang,
    Path((collection, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let s = public(&state);
    let Some(kind) = Kind::ALL
        .iter()
        .copied()
        .find(|k| k.collection() == collection)
    else {
        return Err(PageError::not_found("history-title", &collection));
    };
    if s.get(kind, &key).is_none() {
        return Err(PageError::not_found("history-title", &key));
    }
    let records = match state
        .store
        .audit_records(Some(kind), Some(&key), 1000)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "history failed in the store");
            return Err(PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "admin-error-logged",
            ));
        }
    };
    let revisions = if kind == Kind::Kpi {
        revisions_of(&records)
    } else {
        Vec::new()
    };
    let rows = records
        .iter()
        .filter(|r| {
            publicly_visible(kind, r.after.as_deref())
                && publicly_visible(kind, r.before.as_deref())
        })
        .map(|r| {
            let fields = if r.before.is_some() && r.after.is_some() {
                field_changes(r.before.as_deref(), r.after.as_deref())
                    .into_iter()
                    .map(|(k, _, _)| k)
                    .filter(|k| k != "revision_note")
                    .collect()
            } else {
                Vec::new()
            };
            HistoryRow {
                day: r.at.get(..10).unwrap_or(&r.at).to_owned(),
                action: t(lang.0, history_key(r.action)),
                fields,
            }
        })
        .collect();
    let path = format!("/history/{collection}/{key}");
    Ok(render(
        StatusCode::OK,
        &HistoryPage {
            c: Chrome::new(
                &state,
                lang,
                &path,
                format!("{} — {key}", t(lang.0, "history-title")),
            ),
            key,
            revisions,
            rows,
        },
    ))
}

/// One change of a KPI's baseline or targets.
pub struct Revision {
    /// Day of the change.
    pub day: String,
    /// The field changed.
    pub field: String,
    /// Its value before.
    pub before: String,
    /// Its value after.
    pub after: String,
    /// The justification given with the change.
    pub reason: String,
}

/// The baseline and target revisions in a KPI's audit records (newest first), each with the
/// justification its new version carries.
pub(super) fn revisions_of(records: &[agenda_store::AuditRecord]) -> Vec<Revision> {
    const REVISED: &[&str] = &[
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "targets",
    ];
    let mut out = Vec::new();
    for r in records
        .iter()
        .filter(|r| r.before.is_some() && r.after.is_some())
    {
        let reason = serde_json::from_str::<serde_json::Value>(r.after.as_deref().unwrap_or(""))
            .ok()
            .and_then(|v| {
                v.get("revision_note")
                    .and_then(|n| n.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let day = r.at.get(..10).unwrap_or(&r.at).to_owned();
        for (field, before, after) in field_changes(r.before.as_deref(), r.after.as_deref())
            .into_iter()
            .filter(|(k, _, _)| REVISED.contains(&k.as_str()))
        {
            out.push(Revision {
                day: day.clone(),
                field,
                before,
                after,
                reason: reason.clone(),
            });
        }
    }
    out
}

/// The words for a change of `action` in a record's history.
pub fn history_key(action: agenda_store::AuditAction) -> &'static str {
    match action {
        agenda_store::AuditAction::Create => "history-created",
        agenda_store::AuditAction::Update => "history-updated",
        agenda_store::AuditAction::Delete => "history-deleted",
    }
}
