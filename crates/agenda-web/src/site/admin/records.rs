//! Records (`/admin/data/{collection}/...`): the list of a kind, the form of a record, saving
//! it, and archiving it. Every write goes through the one authorisation rule of
//! `agenda_core::policy` and the store's version check.

use agenda_core::policy::Actor;
use agenda_core::{Change, Entity, Kind, Role};
use agenda_store::{StoreError, Writer};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{SignedIn, encode};
use super::common::{
    AdminBar, Fields, admin_render, chrome, editable, kind_of, kinds_label, link, name_of,
    write_refused,
};
use super::forms::{self, Field};
use super::record_pages::{
    FormPage, JUSTIFICATION, archive_question, differences, exists_page, form_page, record_path,
    saved_page,
};
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::views::Chrome;

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<usize>,
    archived: Option<String>,
    /// Only the records in this state (`submitted`: what waits for a reviewer).
    status: Option<String>,
}

const LIST_PAGE: usize = 200;

struct Row {
    href: String,
    name: String,
    key: String,
    /// Its state, in words, for a kind that has one.
    status: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/list.html")]
struct ListPage {
    c: Chrome,
    a: AdminBar,
    notice: Option<String>,
    new_href: String,
    new_label: String,
    caption: String,
    rows: Vec<Row>,
    more: Option<String>,
    /// The states a record of this kind may be in, to filter by; empty for a kind without.
    statuses: Vec<crate::site::views::Opt>,
    list_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(collection): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let actor = user.actor();
    let Some(kind) = kind_of(&collection).filter(|k| editable(&actor).contains(k)) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let l = lang.0;
    let s = state.store.snapshot();
    let mine = |e: &Entity| match &actor {
        Actor::User {
            role: Role::Entity,
            organisation: Some(org),
        } => agenda_core::policy::owner_of(&s, e).as_ref() == Some(org),
        _ => true,
    };
    // The kind's states, from its `status` column: the words of its vocabulary.
    let states = agenda_io::columns::spec(kind)
        .iter()
        .find(|c| c.name == "status")
        .and_then(|c| match c.value {
            agenda_io::columns::Value::Vocabulary { name, values } => {
                Some((super::controls::words_of(name), values()))
            }
            _ => None,
        });
    let word = |prefix: &str, v: &str| t(l, &format!("{prefix}-{v}"));
    let want = q.status.filter(|v| !v.is_empty());
    if let Some(v) = &want
        && !states
            .as_ref()
            .is_some_and(|(_, values)| values.contains(&v.as_str()))
    {
        return Err(PageError::bad_value("filter-status", v));
    }
    let page_no = q.page.unwrap_or(1).max(1);
    let items: Vec<Entity> = s
        .entities(kind)
        .filter(|e| mine(e))
        .filter(|e| want.as_deref().is_none_or(|w| status_of(e) == Some(w)))
        .collect();
    let total = items.len();
    let rows = items
        .iter()
        .skip((page_no - 1) * LIST_PAGE)
        .take(LIST_PAGE)
        .map(|e| {
            let key = e.key();
            Row {
                href: link(lang, &record_path(kind, &key)),
                name: name_of(e, l),
                key,
                status: states
                    .as_ref()
                    .and_then(|(prefix, _)| status_of(e).map(|v| word(prefix, v))),
            }
        })
        .collect();
    let filter = want
        .as_deref()
        .map(|v| format!("&status={}", encode(v)))
        .unwrap_or_default();
    let more = (page_no * LIST_PAGE < total).then(|| {
        link(
            lang,
            &format!("/admin/data/{collection}?page={}{filter}", page_no + 1),
        )
    });
    let statuses = states
        .map(|(prefix, values)| {
            crate::site::views::opts(
                values.into_iter().map(|v| (v.to_owned(), word(prefix, v))),
                &want,
            )
        })
        .unwrap_or_default();
    let notice = q
        .archived
        .map(|k| t_args(l, "admin-archived", &[("key", k)]));
    Ok(admin_render(
        StatusCode::OK,
        &ListPage {
            c: chrome(&state, lang, kinds_label(l, kind)),
            a: AdminBar::now(&state, lang),
            notice,
            new_href: link(lang, &format!("/admin/data/{collection}/new")),
            new_label: t_args(
                l,
                "admin-new-record",
                &[("kind", super::common::kind_label(l, kind))],
            ),
            caption: t_args(l, "admin-list-count", &[("n", total.to_string())]),
            rows,
            more,
            statuses,
            list_href: link(lang, &format!("/admin/data/{collection}")),
        },
    ))
}

/// The state of a record of a kind that goes through one, as stored (`submitted`).
fn status_of(e: &Entity) -> Option<&'static str> {
    Some(match e {
        Entity::Agenda(x) => x.status.as_str(),
        Entity::ActionLine(x) => x.status.as_str(),
        Entity::Milestone(x) => x.status.as_str(),
        Entity::LegalInstrument(x) => x.status.as_str(),
        Entity::Observation(x) => x.status.as_str(),
        Entity::ProgressReport(x) => x.status.as_str(),
        Entity::Budget(x) => x.status.as_str(),
        Entity::BuildingBlock(x) => x.status.as_str(),
        Entity::Release(x) => x.status.as_str(),
        Entity::Decision(x) => x.status.as_str(),
        _ => return None,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(collection): Path<String>,
) -> Result<Response, PageError> {
    let Some(kind) = kind_of(&collection).filter(|k| editable(&user.actor()).contains(k)) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let s = state.store.snapshot();
    let fields = forms::fields(&s, kind, None);
    Ok(form_page(
        &state,
        lang,
        &user,
        StatusCode::OK,
        FormPage::new(kind, None, 0),
        &fields,
    ))
}

/// The record of `collection` with `key`, its version, if `user` may change it.
async fn changeable(
    state: &AppState,
    user: &SignedIn,
    collection: &str,
    key: &str,
) -> Result<(Kind, Entity, u64), PageError> {
    let Some(kind) = kind_of(collection).filter(|k| editable(&user.actor()).contains(k)) else {
        return Err(PageError::forbidden("admin-not-yours"));
    };
    let (entity, version) = match state.store.versioned(kind, key).await {
        Ok(v) => v,
        Err(e) => return Err(PageError::store(e)),
    };
    let s = state.store.snapshot();
    let Some(entity) = entity else {
        return Err(PageError::not_found(format!("kind-{}", kind.as_str()), key));
    };
    // Showing another organisation's record for editing is refused like editing it.
    if let Err(d) = agenda_core::policy::may_change(&user.actor(), &s, kind, key, Some(&entity)) {
        return Err(PageError::denied(d.0));
    }
    Ok((kind, entity, version))
}

pub async fn edit_form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (kind, entity, version) = changeable(&state, &user, &collection, &key).await?;
    let s = state.store.snapshot();
    let mut fields = forms::fields(&s, kind, Some(&entity));
    if kind == Kind::Kpi {
        add_justification(&mut fields, None);
    }
    Ok(form_page(
        &state,
        lang,
        &user,
        StatusCode::OK,
        FormPage::new(kind, Some(&key), version),
        &fields,
    ))
}

/// `GET …/saved`: the confirmation after a save.
pub async fn saved(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (kind, entity, _) = changeable(&state, &user, &collection, &key).await?;
    Ok(saved_page(&state, lang, &user, kind, &entity))
}

fn add_justification(fields: &mut Vec<Field>, error: Option<String>) {
    fields.retain(|f| f.name != JUSTIFICATION);
    fields.push(Field {
        name: JUSTIFICATION.into(),
        value: String::new(),
        multiline: true,
        required: error.is_some(),
        error,
    });
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Path(collection): Path<String>,
    SignedForm { user, fields, all }: SignedForm,
) -> Result<Response, PageError> {
    submit(state, lang, user, collection, None, (fields, all)).await
}

pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    Path((collection, key)): Path<(String, String)>,
    SignedForm { user, fields, all }: SignedForm,
) -> Result<Response, PageError> {
    submit(state, lang, user, collection, Some(key), (fields, all)).await
}

/// Creates (`key` None) or updates an entity from a submitted form.
async fn submit(
    state: AppState,
    lang: Lang,
    user: SignedIn,
    collection: String,
    key: Option<String>,
    (submitted, all): (Fields, Vec<(String, String)>),
) -> Result<Response, PageError> {
    let actor = user.actor();
    let Some(kind) = kind_of(&collection) else {
        return Err(PageError::no_page());
    };
    let s = state.store.snapshot();
    let before = key.as_deref().and_then(|k| s.get(kind, k));
    if let Some(key) = &key
        && before.is_none()
    {
        return Err(PageError::not_found(format!("kind-{}", kind.as_str()), key));
    }
    let version: u64 = submitted
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut fields = forms::fields(&s, kind, before.as_ref());
    forms::fill(kind, &mut fields, &submitted, &all);
    let parsed = forms::parse(&s, kind, &mut fields, lang.0);
    let again = |fields: Vec<Field>, notice: Option<String>, problems, status| {
        let mut fields = fields;
        if kind == Kind::Kpi && key.is_some() {
            let err = fields
                .iter()
                .find(|f| f.name == JUSTIFICATION)
                .and_then(|f| f.error.clone());
            add_justification(&mut fields, err);
        }
        let mut p = FormPage::new(kind, key.as_deref(), version);
        p.notice = notice;
        p.problems = problems;
        form_page(&state, lang, &user, status, p, &fields)
    };
    let Some(mut entity) = parsed else {
        return Ok(again(
            fields,
            None,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    if let Some(k) = &key
        && entity.key() != *k
    {
        if let Some(f) = fields.iter_mut().find(|f| f.name == "code") {
            f.error = Some(t(lang.0, "admin-key-fixed"));
        }
        return Ok(again(
            fields,
            None,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    // A change of a KPI's baseline or targets needs its reason.
    if let (Some(b), Entity::Kpi(k)) = (&before, &mut entity) {
        let changed = forms::revised(b, &Entity::Kpi(k.clone()));
        if !changed.is_empty() {
            let why = submitted.get(JUSTIFICATION).map(|s| s.trim()).unwrap_or("");
            if why.is_empty() {
                let names: Vec<String> = changed.iter().map(|c| forms::label(lang.0, c)).collect();
                fields.push(Field {
                    name: JUSTIFICATION.into(),
                    value: String::new(),
                    multiline: true,
                    required: true,
                    error: Some(format!(
                        "{} ({})",
                        t(lang.0, "admin-justify"),
                        names.join(", ")
                    )),
                });
                return Ok(again(
                    fields,
                    None,
                    Vec::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ));
            }
            k.revision_note = Some(why.to_owned());
        } else if let Entity::Kpi(old) = b {
            k.revision_note = old.revision_note.clone();
        }
    }
    let stored_key = entity.key();
    // A new record whose key is taken is a question for the person, not a concurrent edit.
    if key.is_none() {
        match state.store.versioned(kind, &stored_key).await {
            Ok((Some(existing), current)) => {
                return exists_or_refused(&state, lang, &user, kind, &existing, current, &fields);
            }
            Ok((None, _)) => {}
            Err(e) => return Err(PageError::store(e)),
        }
    }
    let res = match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, actor, Some(state.today())),
            vec![Change::Upsert(entity.clone())],
            vec![(kind, stored_key.clone(), version)],
        )
        .await
    {
        Err(StoreError::Denied(why)) => return Err(PageError::denied(why)),
        Ok(_) => Redirect::to(&link(
            lang,
            &format!("{}/saved", record_path(kind, &stored_key)),
        ))
        .into_response(),
        // Created by someone else between the check above and the write.
        Err(StoreError::Conflict { expected: 0, .. }) if key.is_none() => {
            match state.store.versioned(kind, &stored_key).await {
                Ok((Some(existing), current)) => {
                    return exists_or_refused(
                        &state, lang, &user, kind, &existing, current, &fields,
                    );
                }
                Ok((None, _)) => write_refused(
                    &state,
                    lang,
                    &t(lang.0, "admin-title"),
                    StoreError::Conflict {
                        kind: kind.as_str().into(),
                        code: stored_key,
                        expected: 0,
                        current: 0,
                    },
                ),
                Err(e) => return Err(PageError::store(e)),
            }
        }
        Err(StoreError::Conflict { current, .. }) => {
            // The other person's values beside yours; the form keeps yours and now carries
            // the current version, so saving it again overwrites knowingly.
            let theirs = state.store.snapshot().get(kind, &stored_key);
            let mut p = FormPage::new(kind, key.as_deref(), current);
            p.notice = Some(t(lang.0, "admin-conflict"));
            p.diff = Some(differences(&state, lang, kind, theirs.as_ref(), &fields));
            form_page(&state, lang, &user, StatusCode::CONFLICT, p, &fields)
        }
        Err(StoreError::Invalid(problems)) => again(
            fields,
            Some(t(lang.0, "admin-integrity")),
            problems.iter().map(|p| p.to_string()).collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(PageError::store(e)),
    };
    Ok(res)
}

/// The existing record beside the new values, if `user` may change it; else 403, so that a
/// key taken by another organisation shows nothing of that organisation's record.
fn exists_or_refused(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    kind: Kind,
    existing: &Entity,
    version: u64,
    fields: &[Field],
) -> Result<Response, PageError> {
    let s = state.store.snapshot();
    agenda_core::policy::may_change(&user.actor(), &s, kind, &existing.key(), Some(existing))
        .map_err(|d| PageError::denied(d.0))?;
    Ok(exists_page(
        state, lang, user, kind, existing, version, fields,
    ))
}

/// `GET …/archive`: the question before archiving.
pub async fn archive_form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (kind, entity, version) = changeable(&state, &user, &collection, &key).await?;
    Ok(archive_question(
        &state, lang, &user, kind, &entity, version,
    ))
}

pub async fn archive(
    State(state): State<AppState>,
    lang: Lang,
    Path((collection, key)): Path<(String, String)>,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    let Some(kind) = kind_of(&collection) else {
        return Err(PageError::no_page());
    };
    let s = state.store.snapshot();
    if s.get(kind, &key).is_none() {
        return Err(PageError::not_found(format!("kind-{}", kind.as_str()), key));
    }
    let change = Change::Delete(kind, key.clone());
    let version = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    Ok(
        match state
            .store
            .apply_as(
                Writer::actor(&user.account().username, user.actor(), Some(state.today())),
                vec![change],
                vec![(kind, key.clone(), version)],
            )
            .await
        {
            Ok(_) => Redirect::to(&link(
                lang,
                &format!("/admin/data/{collection}?archived={}", encode(&key)),
            ))
            .into_response(),
            Err(e) => write_refused(&state, lang, &t(lang.0, "admin-archive"), e),
        },
    )
}
