//! What every page of the administration shares: the layout's header (who is signed in, the
//! menu of what their role may use), the message and refusal pages, and small helpers. This
//! module imports no handler module, so that every handler module may import it.

use std::sync::Arc;

use agenda_core::policy::Actor;
use agenda_core::{Entity, Kind, Role, Snapshot};
use agenda_store::{Session, StoreError};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{SESSION_COOKIE, actor_of, cookie};
use crate::AppState;
use crate::site::i18n::t;
use crate::site::views::Chrome;
use crate::site::{Lang, render};

/// The request being answered, for the layout of the page that answers it.
struct Current {
    session: Option<Session>,
    path: String,
}

tokio::task_local! {
    static CURRENT: Arc<Current>;
}

/// Looks up the session once per administration request: the handlers' `SignedIn` takes it
/// from the request, and the page layout (header, menu) from the task while it is answered.
pub async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = match cookie(req.headers(), SESSION_COOKIE) {
        Some(c) => state.store.session(c).await.ok().flatten(),
        None => None,
    };
    if let Some(s) = &session {
        req.extensions_mut().insert(s.clone());
    }
    let current = Arc::new(Current {
        session,
        path: req.uri().path().to_owned(),
    });
    CURRENT.scope(current, next.run(req)).await
}

fn current() -> Option<Arc<Current>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// One link of the administration's menu.
pub struct MenuItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// The signed-in person, as the header shows them.
pub struct UserBar {
    pub name: String,
    pub role: String,
    pub organisation: Option<String>,
    pub csrf: String,
}

/// The administration's part of the layout: who is signed in and what they may use.
#[derive(Default)]
pub struct AdminBar {
    pub user: Option<UserBar>,
    pub menu: Vec<MenuItem>,
    /// The kinds of record the person may edit.
    pub records: Vec<MenuItem>,
    /// Whether the page is one of those records' pages.
    pub records_current: bool,
    /// The sign-in page does not link to itself.
    pub sign_in_page: bool,
}

impl AdminBar {
    /// The header of the page now being answered.
    pub fn now(state: &AppState, lang: Lang) -> Self {
        match current() {
            Some(c) => match &c.session {
                Some(s) => Self::of(state, lang, s, &c.path),
                None => Self::default(),
            },
            None => Self::default(),
        }
    }

    fn of(state: &AppState, lang: Lang, s: &Session, path: &str) -> Self {
        let l = lang.0;
        let a = &s.account;
        let actor = actor_of(a);
        let organisation = a.organisation.as_ref().map(|o| {
            let snap = state.store.snapshot();
            match snap.get(Kind::Organisation, o.as_str()) {
                Some(e) => name_of(&e, l),
                None => o.to_string(),
            }
        });
        let here = |href: &str| {
            if href == "/admin" {
                path == href
            } else {
                path == href || path.starts_with(&format!("{href}/"))
            }
        };
        let item = |href: &str, key: &str| MenuItem {
            current: here(href),
            href: link(lang, href),
            label: t(l, key),
        };
        let mut menu = vec![item("/admin", "admin-menu-home")];
        menu.push(item("/admin/reports", "admin-reports"));
        if agenda_core::policy::may_review(&actor) {
            menu.push(item("/admin/dashboard", "admin-dashboard"));
            menu.push(item("/admin/versions", "admin-publish"));
        }
        menu.push(item("/admin/consultations", "cons-title"));
        if matches!(a.role, Role::Admin | Role::Editor | Role::Entity) {
            menu.push(item("/admin/feedback", "admin-feedback"));
        }
        if matches!(a.role, Role::Admin | Role::Editor) {
            menu.push(item("/admin/translations", "tr-title"));
        }
        if matches!(a.role, Role::Admin | Role::Entity) {
            menu.push(item("/admin/tokens", "admin-tokens"));
        }
        if a.role == Role::Admin {
            menu.push(item("/admin/users", "admin-users"));
        }
        let records: Vec<MenuItem> = editable(&actor)
            .into_iter()
            .map(|k| {
                let href = format!("/admin/data/{}", k.collection());
                MenuItem {
                    current: here(&href),
                    href: link(lang, &href),
                    label: kinds_label(l, k),
                }
            })
            .collect();
        Self {
            records_current: records.iter().any(|r| r.current),
            user: Some(UserBar {
                name: a.display_name.clone(),
                role: t(l, &format!("admin-role-{}", a.role.as_str())),
                organisation,
                csrf: s.csrf.clone(),
            }),
            menu,
            records,
            sign_in_page: false,
        }
    }
}

/// A path of the site in `lang`.
pub fn link(lang: Lang, path: &str) -> String {
    format!("{}{path}", lang.prefix())
}

/// The public chrome (language, strings, links) of an administration page.
pub fn chrome(state: &AppState, lang: Lang, title: String) -> Chrome {
    let path = current().map_or_else(|| "/admin".to_owned(), |c| c.path.clone());
    Chrome::new(state, lang, &path, title)
}

/// Renders an administration page; never cached (it carries a session's token).
pub fn admin_render(status: StatusCode, tpl: &impl Template) -> Response {
    let mut res = render(status, tpl);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// A page that says something: a title, paragraphs and an optional list, all escaped.
#[derive(Template)]
#[template(path = "admin/message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub a: AdminBar,
    pub messages: Vec<String>,
    pub items: Vec<String>,
}

/// A page with `title`, the paragraphs `messages` and the list `items`.
pub fn message_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    title: &str,
    messages: Vec<String>,
    items: Vec<String>,
) -> Response {
    admin_render(
        status,
        &MessagePage {
            c: chrome(state, lang, title.to_owned()),
            a: AdminBar::now(state, lang),
            messages,
            items,
        },
    )
}

/// Submitted form fields.
pub use crate::extract::Fields;

pub fn fields_of(pairs: Vec<(String, String)>) -> Fields {
    pairs.into_iter().collect()
}

/// The page of a write the store refused: 409 when someone else saved first, 422 with the
/// integrity problems, else a store failure.
pub fn write_refused(state: &AppState, lang: Lang, title: &str, e: StoreError) -> Response {
    match e {
        StoreError::Denied(why) => crate::error::PageError::denied(why).into_response(),
        StoreError::Conflict { .. } => message_page(
            state,
            lang,
            StatusCode::CONFLICT,
            title,
            vec![t(lang.0, "admin-conflict")],
            Vec::new(),
        ),
        StoreError::Invalid(problems) => message_page(
            state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            title,
            vec![t(lang.0, "admin-integrity")],
            problems.iter().map(|p| p.to_string()).collect(),
        ),
        e => store_failure(state, lang, e),
    }
}

/// 500, the failure logged.
pub fn store_failure(state: &AppState, lang: Lang, e: StoreError) -> Response {
    tracing::error!(error = %e, "administration request failed in the store");
    message_page(
        state,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        &t(lang.0, "admin-error"),
        vec![t(lang.0, "admin-error-logged")],
        Vec::new(),
    )
}

/// The kinds `actor` may edit through forms.
pub fn editable(actor: &Actor) -> Vec<Kind> {
    match actor {
        Actor::User {
            role: Role::Admin | Role::Editor,
            ..
        } => Kind::ALL.to_vec(),
        Actor::User {
            role: Role::Legal, ..
        } => vec![Kind::LegalInstrument],
        Actor::User {
            role: Role::Entity, ..
        } => vec![
            Kind::Service,
            Kind::ServiceFigure,
            Kind::ProgressReport,
            Kind::Observation,
            Kind::Milestone,
            Kind::Budget,
        ],
        _ => Vec::new(),
    }
}

/// The kind whose API collection is `collection`.
pub fn kind_of(collection: &str) -> Option<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.collection() == collection)
}

/// A kind's name, singular ("action line").
pub fn kind_label(lang: &str, kind: Kind) -> String {
    t(lang, &format!("admin-kind-{}", kind.as_str()))
}

/// A kind's name, plural, as a heading ("Action lines").
pub fn kinds_label(lang: &str, kind: Kind) -> String {
    t(lang, &format!("admin-kinds-{}", kind.as_str()))
}

/// An entity's name (title, name or narrative) in `lang`, else in English, else its key.
pub fn name_of(e: &Entity, lang: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap_or_default();
    ["title", "name", "narrative", "text"]
        .iter()
        .find_map(|k| {
            let t = v.get(k)?;
            t.get(lang)
                .or_else(|| t.get("en"))
                .or(Some(t))
                .and_then(|s| s.as_str())
                .filter(|s| !s.is_empty())
        })
        .map(|s| {
            let mut out: String = s.chars().take(90).collect();
            if s.chars().count() > 90 {
                out.push('…');
            }
            out
        })
        .unwrap_or_else(|| e.key())
}

/// The name of the record of `kind` with `key` in `s`, or the key when there is none.
pub fn name_in(s: &Snapshot, kind: Kind, key: &str, lang: &str) -> String {
    s.get(kind, key)
        .map(|e| name_of(&e, lang))
        .unwrap_or_else(|| key.to_owned())
}
