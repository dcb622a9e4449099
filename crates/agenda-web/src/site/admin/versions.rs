//! Publishing the agenda as a new numbered version (`/admin/versions`): editors and
//! administrators see what would change since the latest version, then publish.

use agenda_core::policy::may_review;
use agenda_core::versions::diff;
use agenda_core::visibility::public_view;
use agenda_core::{Lang as Language, Text};
use agenda_io::versions::version_content;
use agenda_store::Published;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::review_views::render_admin;
use crate::AppState;
use crate::error::PageError;
use crate::extract::SignedForm;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::version_pages::{CURRENT, TableView, table_view};
use crate::site::views::Chrome;

/// `GET /admin/versions`.
pub(super) async fn form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    if !may_review(&user.actor()) {
        return Err(PageError::forbidden("admin-publish-reviewers"));
    }
    show(&state, lang, &user, StatusCode::OK, None).await
}

/// One language's field of the version note.
struct NoteField {
    lang: String,
    label: String,
}

#[derive(Template)]
#[template(path = "admin/versions_publish.html")]
struct PublishPage {
    /// The administration header: who is signed in and the menu.
    a: super::common::AdminBar,
    c: Chrome,
    message: Option<String>,
    /// The heading of the preview and what it says when nothing changed; none before the first.
    preview: Option<(String, String)>,
    tables: Vec<TableView>,
    notes: Vec<NoteField>,
    csrf: String,
}

async fn show(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    status: StatusCode,
    message: Option<String>,
) -> Result<Response, PageError> {
    let l = lang.0;
    let versions = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return Err(PageError::store(e)),
    };
    let s = state.public_snapshot();
    let mut preview = None;
    let mut tables = Vec::new();
    if let Some(latest) = versions.last() {
        let before = match state.store.version_content(latest.number).await {
            Ok(c) => c.unwrap_or_default(),
            Err(e) => return Err(PageError::store(e)),
        };
        let now = version_content(&s);
        let n = latest.number.to_string();
        let c = Chrome::new(
            state,
            lang,
            &format!("/versions/{n}/{CURRENT}"),
            String::new(),
        );
        tables = diff(&before, &now)
            .iter()
            .map(|d| table_view(&c, &s, d, &before, &now))
            .collect();
        preview = Some((
            t_args(l, "admin-publish-preview", &[("version", n.clone())]),
            t_args(l, "admin-publish-unchanged", &[("version", n)]),
        ));
    }
    // The note's languages are the country's content languages, as fields `note_<lang>`.
    let notes = s
        .languages
        .langs()
        .iter()
        .map(|code| NoteField {
            lang: code.to_string(),
            label: t_args(
                l,
                "field-in-lang",
                &[
                    ("field", t(l, "admin-publish-note")),
                    ("lang", super::forms::field_language(l, code.as_str())),
                ],
            ),
        })
        .collect();
    let page = PublishPage {
        a: super::common::AdminBar::now(state, lang),
        c: Chrome::new(state, lang, "/admin/versions", t(l, "admin-publish")),
        message,
        preview,
        tables,
        notes,
        csrf: user.0.csrf.clone(),
    };
    Ok(render_admin(status, &page))
}

/// `POST /admin/versions`.
pub(super) async fn publish(
    State(state): State<AppState>,
    lang: Lang,
    SignedForm {
        user, fields: f, ..
    }: SignedForm,
) -> Result<Response, PageError> {
    if !may_review(&user.actor()) {
        return Err(PageError::forbidden("admin-publish-reviewers"));
    }
    let content = state.store.snapshot().languages.clone();
    let entries: Vec<(Language, String)> = content
        .langs()
        .iter()
        .filter_map(|code| {
            let v = f.get(&format!("note_{code}"))?.trim();
            (!v.is_empty()).then(|| (code.clone(), v.to_owned()))
        })
        .collect();
    let note = if entries.is_empty() {
        None
    } else {
        match Text::new_in(entries, &content) {
            Ok(n) => Some(n),
            Err(e) => {
                let why = format!(
                    "{}: {}",
                    t(lang.0, "admin-publish-note"),
                    t_args(
                        lang.0,
                        "field-error-empty",
                        &[("expected", super::forms::expected_in(lang.0, e.kind))]
                    )
                );
                return show(
                    &state,
                    lang,
                    &user,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(why),
                )
                .await;
            }
        }
    };
    let major = f.get("major").is_some_and(|v| v == "yes");
    let previous = match state.store.versions().await {
        Ok(v) => v.last().map(|v| v.number),
        Err(e) => return Err(PageError::store(e)),
    };
    let published = state
        .store
        .publish_version(
            &user.account().username,
            state.today(),
            note.as_ref(),
            major,
            |s| version_content(&public_view(s)),
        )
        .await;
    match published {
        Ok(Published::New(v)) => {
            let to = match previous {
                Some(p) => format!("/versions/{p}/{}", v.number),
                None => "/versions".to_owned(),
            };
            Ok(Redirect::to(&crate::site::views::link(lang, &to)).into_response())
        }
        Ok(Published::Unchanged(n)) => {
            let why = t_args(
                lang.0,
                "admin-publish-unchanged",
                &[("version", n.to_string())],
            );
            show(&state, lang, &user, StatusCode::CONFLICT, Some(why)).await
        }
        Err(e) => Err(PageError::store(e)),
    }
}
