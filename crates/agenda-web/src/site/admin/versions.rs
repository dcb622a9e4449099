//! Publishing the agenda as a new numbered version (`/admin/versions`): editors and
//! administrators see what would change since the latest version, then publish.

use agenda_core::policy::may_review;
use agenda_core::versions::diff;
use agenda_core::visibility::public_view;
use agenda_core::{Lang as Language, Text};
use agenda_io::versions::version_content;
use agenda_store::Published;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::SignedIn;
use super::{csrf_input, fields_of, forbidden, page, store_failure};
use crate::AppState;
use crate::site::Lang;
use crate::site::i18n::{t, t_args};
use crate::site::pages::{Chrome, esc};
use crate::site::version_pages::{CURRENT, table_html};

/// The note's languages, as the form's fields `note_<lang>`.
const NOTE_LANGS: &[&str] = &["en", "fr", "es"];

/// `GET /admin/versions`.
pub(super) async fn form(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    if !may_review(&user.actor()) {
        return forbidden(&state, lang, &t(lang.0, "admin-publish-reviewers"));
    }
    show(&state, lang, &user, StatusCode::OK, None).await
}

async fn show(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    status: StatusCode,
    message: Option<String>,
) -> Response {
    let l = lang.0;
    let versions = match state.store.versions().await {
        Ok(v) => v,
        Err(e) => return store_failure(state, lang, e),
    };
    let s = state.public_snapshot();
    let mut body = format!("<p>{}</p>", esc(&t(l, "admin-publish-intro")));
    if let Some(m) = message {
        body.push_str(&format!(r#"<p class="error" role="alert">{}</p>"#, esc(&m)));
    }
    match versions.last() {
        None => body.push_str(&format!("<p>{}</p>", esc(&t(l, "admin-publish-first")))),
        Some(latest) => {
            let before = match state.store.version_content(latest.number).await {
                Ok(c) => c.unwrap_or_default(),
                Err(e) => return store_failure(state, lang, e),
            };
            let now = version_content(&s);
            let changes = diff(&before, &now);
            let n = latest.number.to_string();
            body.push_str(&format!(
                "<h2>{}</h2>",
                esc(&t_args(
                    l,
                    "admin-publish-preview",
                    &[("version", n.clone())]
                ))
            ));
            if changes.is_empty() {
                body.push_str(&format!(
                    "<p>{}</p>",
                    esc(&t_args(
                        l,
                        "admin-publish-unchanged",
                        &[("version", n.clone())]
                    ))
                ));
            } else {
                let c = Chrome::new(
                    state,
                    lang,
                    &format!("/versions/{n}/{CURRENT}"),
                    String::new(),
                );
                for d in &changes {
                    body.push_str(&table_html(&c, &s, d, &before, &now));
                }
            }
        }
    }
    let notes: String = NOTE_LANGS
        .iter()
        .map(|code| {
            let language = t(code, "language-name");
            format!(
                r#"<p><label for="note-{code}">{label}</label><br><input id="note-{code}" name="note_{code}" lang="{code}" size="60"></p>"#,
                label = esc(&t_args(
                    l,
                    "field-in-lang",
                    &[("field", t(l, "admin-publish-note")), ("lang", language)]
                )),
            )
        })
        .collect();
    body.push_str(&format!(
        r#"<form method="post" action="/admin/versions" class="admin">{csrf}{notes}<p><input type="checkbox" id="major" name="major" value="yes"> <label for="major">{major}</label></p><p><button type="submit">{submit}</button></p></form>"#,
        csrf = csrf_input(&user.0.csrf),
        major = esc(&t(l, "admin-publish-major")),
        submit = esc(&t(l, "admin-publish-submit")),
    ));
    page(state, lang, status, &t(l, "admin-publish"), body)
}

/// `POST /admin/versions`.
pub(super) async fn publish(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    if !may_review(&user.actor()) {
        return forbidden(&state, lang, &t(lang.0, "admin-publish-reviewers"));
    }
    let entries: Vec<(Language, String)> = NOTE_LANGS
        .iter()
        .filter_map(|code| {
            let v = f.get(&format!("note_{code}"))?.trim();
            (!v.is_empty()).then(|| Language::parse(code).ok().map(|l| (l, v.to_owned())))?
        })
        .collect();
    let note = if entries.is_empty() {
        None
    } else {
        match Text::new(entries) {
            Ok(n) => Some(n),
            Err(_) => {
                let why = format!(
                    "{}: {}",
                    t(lang.0, "admin-publish-note"),
                    t_args(
                        lang.0,
                        "field-error-empty",
                        &[("expected", t(lang.0, "expected-english"))]
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
        Err(e) => return store_failure(&state, lang, e),
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
            Redirect::to(&crate::site::pages::link(lang, &to)).into_response()
        }
        Ok(Published::Unchanged(n)) => {
            let why = t_args(
                lang.0,
                "admin-publish-unchanged",
                &[("version", n.to_string())],
            );
            show(&state, lang, &user, StatusCode::CONFLICT, Some(why)).await
        }
        Err(e) => store_failure(&state, lang, e),
    }
}
