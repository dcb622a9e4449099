//! Translations (`/admin/translations/...`): per content language, how many texts lack it in
//! each collection, the records and fields that lack it, a side-by-side form per record (the
//! source text beside the translation), and XLIFF 2.0 files to download for translators and
//! upload back. A translation is saved as any other change of a record: through the one
//! authorisation rule, the store's version check and the audit log; only texts in the target
//! language are ever changed here.

use agenda_core::{Entity, Kind, Role};
use agenda_io::translations::{self as tr, Outcome, Xliff};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{SignedIn, encode};
use super::common::{AdminBar, admin_render, chrome, kind_of, kinds_label, link, name_of};
use super::forms;
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageQuery, SignedForm, SignedUpload};
use crate::site::Lang;
use crate::site::i18n::{t, t_args, t_opt};
use crate::site::views::Chrome;

/// The largest XLIFF file accepted: a national catalogue's every text, with room to spare.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// The content languages, the default (every text's source) first: the country's setting,
/// which the store's snapshot carries.
pub fn content_languages(state: &AppState) -> (String, Vec<String>) {
    let content = state.store.snapshot().languages.clone();
    let mut all = content.langs().iter().map(ToString::to_string);
    let default = all.next().unwrap_or_else(|| "en".to_owned());
    (default, all.collect())
}

/// Whether `user` may translate: those who may change every record.
fn may_translate(user: &SignedIn) -> Result<(), PageError> {
    match user.account().role {
        Role::Admin | Role::Editor => Ok(()),
        _ => Err(PageError::forbidden("admin-not-yours")),
    }
}

/// The target language of a URL, if it is a content language other than the default.
fn target_of(state: &AppState, lang: &str) -> Result<String, PageError> {
    let (_, targets) = content_languages(state);
    targets
        .into_iter()
        .find(|l| l == lang)
        .ok_or_else(|| PageError::not_found("tr-language", lang))
}

/// A language's name in the interface language: its own name when the interface has it.
fn language_name(lang: &str) -> String {
    t_opt(lang, "language-name").unwrap_or_else(|| lang.to_owned())
}

/// The translatable kind of a collection.
fn translatable_kind(collection: &str) -> Result<Kind, PageError> {
    kind_of(collection)
        .filter(|k| tr::kinds().contains(k))
        .ok_or_else(PageError::no_page)
}

// ---------------------------------------------------------------------------------------------
// The overview

struct CountRow {
    label: String,
    href: String,
    missing: usize,
    total: usize,
}

struct LanguageBlock {
    lang: String,
    name: String,
    heading_id: String,
    rows: Vec<CountRow>,
    missing_text: String,
    download: String,
    download_all: String,
}

#[derive(Template)]
#[template(path = "admin/translations.html")]
struct Overview {
    c: Chrome,
    a: AdminBar,
    intro: String,
    languages: Vec<LanguageBlock>,
    upload: String,
    csrf: String,
}

/// `GET /admin/translations`.
pub async fn overview(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    may_translate(&user)?;
    let l = lang.0;
    let (source, targets) = content_languages(&state);
    let s = state.store.snapshot();
    let languages = targets
        .iter()
        .map(|target| {
            let rows: Vec<CountRow> = tr::missing_counts(&s, &source, target)
                .into_iter()
                .map(|(kind, missing, total)| CountRow {
                    label: kinds_label(l, kind),
                    href: link(
                        lang,
                        &format!("/admin/translations/{target}/{}", kind.collection()),
                    ),
                    missing,
                    total,
                })
                .collect();
            LanguageBlock {
                name: language_name(target),
                heading_id: format!("lang-{target}"),
                missing_text: t_args(
                    l,
                    "tr-missing-total",
                    &[(
                        "n",
                        rows.iter().map(|r| r.missing).sum::<usize>().to_string(),
                    )],
                ),
                rows,
                download: link(
                    lang,
                    &format!("/admin/translations/download?lang={}", encode(target)),
                ),
                download_all: link(
                    lang,
                    &format!(
                        "/admin/translations/download?lang={}&texts=all",
                        encode(target)
                    ),
                ),
                lang: target.clone(),
            }
        })
        .collect();
    Ok(admin_render(
        StatusCode::OK,
        &Overview {
            c: chrome(&state, lang, t(l, "tr-title")),
            a: AdminBar::now(&state, lang),
            intro: t_args(l, "tr-intro", &[("source", language_name(&source))]),
            languages,
            upload: link(lang, "/admin/translations/upload"),
            csrf: user.0.csrf.clone(),
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// The records of a collection that lack a language

struct RecordRow {
    href: String,
    name: String,
    key: String,
    fields: String,
}

#[derive(Template)]
#[template(path = "admin/translations_list.html")]
struct RecordList {
    c: Chrome,
    a: AdminBar,
    notice: Option<String>,
    caption: String,
    rows: Vec<RecordRow>,
    back: String,
    source: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    /// The key of the record just saved, for the confirmation.
    saved: Option<String>,
}

/// `GET /admin/translations/{lang}/{collection}`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((target, collection)): Path<(String, String)>,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    may_translate(&user)?;
    let l = lang.0;
    let target = target_of(&state, &target)?;
    let kind = translatable_kind(&collection)?;
    let (source, _) = content_languages(&state);
    let s = state.store.snapshot();
    let mut rows = Vec::new();
    for e in s.entities(kind) {
        let missing: Vec<String> = tr::entries_of(&e, &source, &target)
            .into_iter()
            .filter(|x| x.target.is_none())
            .map(|x| forms::label(l, x.field))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let key = e.key();
        rows.push(RecordRow {
            href: link(lang, &form_path(&target, kind, &key)),
            // In the language the texts are translated from, as the page marks it.
            name: name_of(&e, &source),
            key,
            fields: missing.join(", "),
        });
    }
    let notice = q.saved.map(|k| {
        t_args(
            l,
            "tr-saved",
            &[("name", super::common::name_in(&s, kind, &k, l))],
        )
    });
    Ok(admin_render(
        StatusCode::OK,
        &RecordList {
            c: chrome(
                &state,
                lang,
                t_args(
                    l,
                    "tr-list-title",
                    &[
                        ("kinds", kinds_label(l, kind)),
                        ("lang", language_name(&target)),
                    ],
                ),
            ),
            a: AdminBar::now(&state, lang),
            notice,
            caption: t_args(l, "tr-list-count", &[("n", rows.len().to_string())]),
            rows,
            back: link(lang, "/admin/translations"),
            source,
        },
    ))
}

fn form_path(target: &str, kind: Kind, key: &str) -> String {
    format!(
        "/admin/translations/{target}/{}/{}",
        kind.collection(),
        encode(key)
    )
}

// ---------------------------------------------------------------------------------------------
// The side-by-side form of a record

/// One text of the form: the source beside the translation.
struct TextRow {
    /// The form field's name (`t-<field>`).
    name: String,
    /// The id of the control (the source's is `<id>-source`).
    id: String,
    label: String,
    source: String,
    value: String,
    multiline: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/translations_form.html")]
struct TextForm {
    c: Chrome,
    a: AdminBar,
    notice: Option<String>,
    errors: Vec<(String, String, String)>,
    action: String,
    csrf: String,
    version: u64,
    source: String,
    source_label: String,
    target: String,
    form_hint: String,
    rows: Vec<TextRow>,
    back: String,
    record: String,
}

/// The form field of a text's translation.
fn field_name(field: &str) -> String {
    format!("t-{field}")
}

/// The record of `collection` with `key` and its version, if `user` may change it.
async fn translatable_record(
    state: &AppState,
    user: &SignedIn,
    collection: &str,
    key: &str,
) -> Result<(Kind, Entity, u64), PageError> {
    may_translate(user)?;
    let kind = translatable_kind(collection)?;
    let (entity, version) = state
        .store
        .versioned(kind, key)
        .await
        .map_err(PageError::store)?;
    let Some(entity) = entity else {
        return Err(PageError::not_found(format!("kind-{}", kind.as_str()), key));
    };
    let s = state.store.snapshot();
    agenda_core::policy::may_change(&user.actor(), &s, kind, key, Some(&entity))
        .map_err(|d| PageError::denied(d.0))?;
    Ok((kind, entity, version))
}

/// The rows of `entity`'s form: every text with a source text, valued from `values` where the
/// person typed something, else from the record.
fn rows_of(
    l: &str,
    entity: &Entity,
    source: &str,
    target: &str,
    values: Option<&crate::extract::Fields>,
) -> Vec<TextRow> {
    tr::entries_of(entity, source, target)
        .into_iter()
        .map(|e| {
            let name = field_name(e.field);
            TextRow {
                id: format!("f-{}", e.field.replace('_', "-")),
                label: forms::label(l, &format!("{}_{target}", e.field)),
                value: values
                    .and_then(|v| v.get(&name).cloned())
                    .or(e.target)
                    .unwrap_or_default(),
                name,
                source: e.source,
                multiline: e.multiline,
                error: None,
            }
        })
        .collect()
}

fn text_form(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    status: StatusCode,
    (target, kind, entity, version): (&str, Kind, &Entity, u64),
    rows: Vec<TextRow>,
    notice: Option<String>,
) -> Response {
    let l = lang.0;
    let (source, _) = content_languages(state);
    let key = entity.key();
    let errors = rows
        .iter()
        .filter_map(|r| r.error.clone().map(|e| (r.id.clone(), r.label.clone(), e)))
        .collect();
    let page = TextForm {
        c: chrome(
            state,
            lang,
            t_args(
                l,
                "tr-form-title",
                &[
                    ("name", name_of(entity, l)),
                    ("lang", language_name(target)),
                ],
            ),
        ),
        a: AdminBar::now(state, lang),
        notice,
        errors,
        action: link(lang, &form_path(target, kind, &key)),
        csrf: user.0.csrf.clone(),
        version,
        source_label: t_args(l, "tr-source-of", &[("lang", language_name(&source))]),
        source,
        target: target.to_owned(),
        form_hint: t_args(l, "tr-form-hint", &[("lang", language_name(target))]),
        rows,
        back: link(
            lang,
            &format!("/admin/translations/{target}/{}", kind.collection()),
        ),
        record: link(lang, &super::record_pages::record_path(kind, &key)),
    };
    admin_render(status, &page)
}

/// `GET /admin/translations/{lang}/{collection}/{key}`.
pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((target, collection, key)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let (kind, entity, version) = translatable_record(&state, &user, &collection, &key).await?;
    let target = target_of(&state, &target)?;
    let (source, _) = content_languages(&state);
    let rows = rows_of(lang.0, &entity, &source, &target, None);
    Ok(text_form(
        &state,
        lang,
        &user,
        StatusCode::OK,
        (&target, kind, &entity, version),
        rows,
        None,
    ))
}

/// `POST /admin/translations/{lang}/{collection}/{key}`: saves the record's texts in the
/// target language (an emptied field removes that translation), nothing else.
pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    Path((target, collection, key)): Path<(String, String, String)>,
    SignedForm { user, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let l = lang.0;
    let (kind, current, current_version) =
        translatable_record(&state, &user, &collection, &key).await?;
    let target = target_of(&state, &target)?;
    let (source, _) = content_languages(&state);
    let version: u64 = fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut rows = rows_of(l, &current, &source, &target, Some(&fields));
    // Saved over a version other than the one shown: the person's texts stay in the form,
    // beside the sources as they are now, and saving again replaces knowingly.
    if version != current_version {
        return Ok(text_form(
            &state,
            lang,
            &user,
            StatusCode::CONFLICT,
            (&target, kind, &current, current_version),
            rows,
            Some(t(l, "tr-conflict")),
        ));
    }
    let mut changed = current.clone();
    for r in &mut rows {
        let field = r.name.trim_start_matches("t-");
        match tr::with_translation(&changed, field, &target, &r.value) {
            Ok(e) => changed = e,
            Err(e) => r.error = Some(e.to_string()),
        }
    }
    if rows.iter().any(|r| r.error.is_some()) {
        return Ok(text_form(
            &state,
            lang,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            (&target, kind, &current, version),
            rows,
            None,
        ));
    }
    let list = format!(
        "/admin/translations/{target}/{}?saved={}",
        kind.collection(),
        encode(&key)
    );
    if changed == current {
        return Ok(Redirect::to(&link(lang, &list)).into_response());
    }
    match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, user.actor(), Some(state.today())),
            vec![agenda_core::Change::Upsert(changed)],
            vec![(kind, key.clone(), version)],
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&link(lang, &list)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let (now, now_version) = state
                .store
                .versioned(kind, &key)
                .await
                .map_err(PageError::store)?;
            let Some(now) = now else {
                return Err(PageError::not_found(format!("kind-{}", kind.as_str()), key));
            };
            let rows = rows_of(l, &now, &source, &target, Some(&fields));
            Ok(text_form(
                &state,
                lang,
                &user,
                StatusCode::CONFLICT,
                (&target, kind, &now, now_version),
                rows,
                Some(t(l, "tr-conflict")),
            ))
        }
        Err(e) => Ok(super::common::write_refused(
            &state,
            lang,
            &t(l, "tr-title"),
            e,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// XLIFF files

#[derive(Deserialize)]
pub struct DownloadQuery {
    lang: Option<String>,
    /// `all`: every text, translated or not; else only those lacking the language.
    texts: Option<String>,
}

/// `GET /admin/translations/download?lang=fr[&texts=all]`: an XLIFF 2.0 file of the texts
/// lacking the language (or of all texts), from the default language.
pub async fn download(
    State(state): State<AppState>,
    user: SignedIn,
    PageQuery(q): PageQuery<DownloadQuery>,
) -> Result<Response, PageError> {
    may_translate(&user)?;
    let target = target_of(&state, q.lang.as_deref().unwrap_or_default())?;
    let all = match q.texts.as_deref() {
        None | Some("" | "missing") => false,
        Some("all") => true,
        Some(other) => return Err(PageError::bad_value("tr-texts-choice", other)),
    };
    let (source, _) = content_languages(&state);
    let s = state.store.snapshot();
    let entries: Vec<tr::Entry> = tr::entries(&s, &source, &target)
        .into_iter()
        .filter(|e| all || e.target.is_none())
        .collect();
    let body = Xliff::of(&source, &target, &entries)
        .write()
        .map_err(|e| PageError::text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let name = format!(
        "translations-{source}-{target}{}.xlf",
        if all { "-all" } else { "" }
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/xliff+xml; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

struct ProblemRow {
    path: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "admin/translations_import.html")]
struct ImportReport {
    c: Chrome,
    a: AdminBar,
    message: String,
    counts: Vec<(String, usize)>,
    problems: Vec<ProblemRow>,
    back: String,
}

/// The words of a unit's outcome that was not applied.
fn reason(l: &str, o: &Outcome) -> String {
    match o {
        Outcome::Unknown => t(l, "tr-unknown"),
        Outcome::SourceChanged { now } => t_args(l, "tr-source-changed", &[("now", now.clone())]),
        Outcome::Refused(why) => why.clone(),
        Outcome::Invalid(why) => why.clone(),
        _ => String::new(),
    }
}

/// `POST /admin/translations/upload`: reads an XLIFF 2.0 file and applies its translations
/// in one write, all or nothing; what it cannot apply is listed.
pub async fn upload(
    State(state): State<AppState>,
    lang: Lang,
    SignedUpload { user, file, .. }: SignedUpload,
) -> Result<Response, PageError> {
    may_translate(&user)?;
    let l = lang.0;
    let title = t(l, "tr-import-title");
    let refuse = |status: StatusCode, why: String| {
        super::common::message_page(&state, lang, status, &title, vec![why], Vec::new())
    };
    let Some((_, bytes)) = file else {
        return Ok(refuse(StatusCode::BAD_REQUEST, t(l, "tr-no-file")));
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(refuse(StatusCode::BAD_REQUEST, t(l, "tr-not-utf8")));
    };
    let doc = match Xliff::read(text.trim_start_matches('\u{feff}')) {
        Ok(d) => d,
        Err(e) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    };
    let (source, _) = content_languages(&state);
    if target_of(&state, &doc.target_lang).is_err() {
        return Ok(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            t_args(l, "tr-not-a-language", &[("lang", doc.target_lang.clone())]),
        ));
    }
    let s = state.store.snapshot();
    let actor = user.actor();
    let plan = match tr::plan_translations(&s, &source, &doc, |e| {
        agenda_core::policy::may_change(&actor, &s, e.kind(), &e.key(), Some(e)).map_err(|d| d.0)
    }) {
        Ok(p) => p,
        Err(e) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    };
    let written = apply_plan(&state, &user, &s, &plan).await;
    let message = match written {
        Ok(()) => t_args(
            l,
            "tr-imported",
            &[("lang", language_name(&doc.target_lang))],
        ),
        Err(StoreError::Conflict { .. }) => {
            return Ok(refuse(StatusCode::CONFLICT, t(l, "tr-import-conflict")));
        }
        Err(e) => {
            return Ok(super::common::write_refused(&state, lang, &title, e));
        }
    };
    let count = |key: &str, n: usize| (t(l, key), n);
    let counts = vec![
        count("tr-count-added", plan.count(|o| *o == Outcome::Added)),
        count("tr-count-changed", plan.count(|o| *o == Outcome::Changed)),
        count(
            "tr-count-unchanged",
            plan.count(|o| *o == Outcome::Unchanged),
        ),
        count(
            "tr-count-untranslated",
            plan.count(|o| *o == Outcome::Untranslated),
        ),
        count("tr-count-problems", plan.problems().count()),
    ];
    let problems = plan
        .problems()
        .map(|(path, o)| ProblemRow {
            path: path.clone(),
            reason: reason(l, o),
        })
        .collect();
    Ok(admin_render(
        StatusCode::OK,
        &ImportReport {
            c: chrome(&state, lang, title.clone()),
            a: AdminBar::now(&state, lang),
            message,
            counts,
            problems,
            back: link(lang, "/admin/translations"),
        },
    ))
}

/// Writes the plan's changes in one write, each record expected at the version it had in the
/// snapshot the plan was made from (a record changed meanwhile refuses the whole write).
async fn apply_plan(
    state: &AppState,
    user: &SignedIn,
    s: &agenda_core::Snapshot,
    plan: &tr::TranslationPlan,
) -> Result<(), StoreError> {
    if plan.changes.is_empty() {
        return Ok(());
    }
    let mut expected = Vec::with_capacity(plan.changes.len());
    for e in &plan.changes {
        let (kind, key) = (e.kind(), e.key());
        let (stored, version) = state.store.versioned(kind, &key).await?;
        if stored != s.get(kind, &key) {
            return Err(StoreError::Conflict {
                kind: kind.as_str().into(),
                code: key,
                expected: version,
                current: version,
            });
        }
        expected.push((kind, key, version));
    }
    state
        .store
        .apply_as(
            Writer::actor(&user.account().username, user.actor(), Some(state.today())),
            plan.changes
                .iter()
                .cloned()
                .map(agenda_core::Change::Upsert)
                .collect(),
            expected,
        )
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests;
