//! Administration: signing in and out, forms for every entity, the reporting workflow, the
//! reporting dashboard, API tokens and accounts. Server-rendered forms that work without
//! JavaScript; every form carries the session's anti-forgery token; every write goes through
//! the one authorisation rule of `agenda_core::policy` and the store's version check.

pub mod auth;
mod consultations;
mod feedback;
pub mod forms;
mod reports;
mod review_views;
mod tasks;
mod versions;

use std::collections::BTreeMap;

use agenda_core::policy::Actor;
use agenda_core::{Change, Code, Entity, Kind, Role};
use agenda_store::{LoginRefused, NewAccount, StoreError, Writer};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use self::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, SignedIn, cookie, encode, set_cookie};
use self::forms::Field;
use super::i18n::t;
use super::pages::{Chrome, esc};
use super::{Lang, render};
use crate::AppState;

/// A page of the administration.
#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    body: String,
}

/// Renders an administration page; never cached (it carries a session's token).
fn page(state: &AppState, lang: Lang, status: StatusCode, title: &str, body: String) -> Response {
    let mut res = render(
        status,
        &AdminPage {
            c: Chrome::new(state, lang, "/admin", title.to_owned()),
            body: format!("<h1>{}</h1>\n{body}", esc(title)),
        },
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// Submitted form fields.
type Fields = BTreeMap<String, String>;

fn fields_of(pairs: Vec<(String, String)>) -> Fields {
    pairs.into_iter().collect()
}

fn csrf_input(csrf: &str) -> String {
    format!(r#"<input type="hidden" name="csrf" value="{}">"#, esc(csrf))
}

fn forbidden(state: &AppState, lang: Lang, why: &str) -> Response {
    page(
        state,
        lang,
        StatusCode::FORBIDDEN,
        &t(lang.0, "admin-forbidden"),
        format!("<p>{}</p>", esc(why)),
    )
}

/// The routes of the administration (the language prefix is stripped before them).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/logout-everywhere", post(logout_everywhere))
        .route("/admin", get(home))
        .route("/admin/data/{collection}", get(list))
        .route("/admin/data/{collection}/new", get(new_form).post(create))
        .route("/admin/data/{collection}/{key}", get(edit_form).post(save))
        .route("/admin/data/{collection}/{key}/archive", post(archive))
        .route("/admin/reports", get(reports::list))
        .route(
            "/admin/reports/{key}",
            get(reports::form).post(reports::act),
        )
        .route("/admin/dashboard", get(reports::dashboard))
        .route("/admin/tasks", get(tasks::list))
        .route(
            "/admin/tasks/{period}/figures",
            get(tasks::figures).post(tasks::save_figures),
        )
        .route("/admin/tasks/{period}/done", get(tasks::done))
        .route("/admin/consultations", get(consultations::list))
        .route("/admin/consultations/{code}", get(consultations::show))
        .route(
            "/admin/consultations/{code}/contribute",
            post(consultations::contribute),
        )
        .route(
            "/admin/contributions/{code}/endorse",
            post(consultations::endorse),
        )
        .route(
            "/admin/contributions/{code}/moderate",
            post(consultations::moderate),
        )
        .route(
            "/admin/contributions/{code}/respond",
            post(consultations::respond),
        )
        .route(
            "/admin/versions",
            get(versions::form).post(versions::publish),
        )
        .route("/admin/feedback", get(feedback::list))
        .route(
            "/admin/feedback/{id}",
            get(feedback::show).post(feedback::act),
        )
        .route("/admin/tokens", get(tokens).post(create_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{name}/disable", post(disable_user))
}

// ----- signing in and out -----

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Only paths of this site: never another origin (`//host`, `https://…`).
fn local(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.into(),
        _ => "/admin".into(),
    }
}

fn login_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    next: &str,
    msg: Option<&str>,
) -> Response {
    let token = agenda_store::accounts::random_hex(32);
    let error = msg
        .map(|m| format!(r#"<p class="error" role="alert">{}</p>"#, esc(m)))
        .unwrap_or_default();
    let body = format!(
        r#"{error}<form method="post" action="/login" class="admin">
<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="next" value="{next}">
<p><label for="username">{u}</label><br><input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">{p}</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">{s}</button></p></form>"#,
        next = esc(next),
        u = esc(&t(lang.0, "admin-username")),
        p = esc(&t(lang.0, "admin-password")),
        s = esc(&t(lang.0, "admin-sign-in")),
    );
    let mut res = page(state, lang, status, &t(lang.0, "admin-sign-in"), body);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600),
    );
    res
}

async fn login_form(State(state): State<AppState>, lang: Lang, Query(q): Query<Next>) -> Response {
    login_page(
        &state,
        lang,
        StatusCode::OK,
        &local(q.next.as_deref()),
        None,
    )
}

async fn login(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    client: crate::site::feedback::ClientAddr,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    let next = local(f.get("next").map(String::as_str));
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    let presented = f.get("csrf").map(String::as_str);
    if !matches!((expected, presented), (Some(a), Some(b)) if agenda_store::accounts::same_secret(a, b))
    {
        return login_page(
            &state,
            lang,
            StatusCode::FORBIDDEN,
            &next,
            Some(&t(lang.0, "admin-form-expired")),
        );
    }
    let user = f.get("username").map(|s| s.trim()).unwrap_or("");
    let password = f.get("password").map(String::as_str).unwrap_or("");
    // Failures are counted per account and client, the client known by a keyed hash of its
    // address.
    let client = match state.store.form_key().await {
        Ok(key) => key.client(client.0),
        Err(e) => return store_failure(&state, lang, e),
    };
    match state.store.login(user, password, &client).await {
        Ok(Ok(session)) => {
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &session.cookie, 12 * 3600),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0),
            );
            res
        }
        Ok(Err(LoginRefused::Invalid)) => login_page(
            &state,
            lang,
            StatusCode::UNAUTHORIZED,
            &next,
            Some(&t(lang.0, "admin-login-invalid")),
        ),
        Ok(Err(LoginRefused::Throttled { retry_after })) => {
            let msg = super::i18n::t_args(
                lang.0,
                "admin-login-throttled",
                &[("seconds", retry_after.to_string())],
            );
            let mut res = login_page(
                &state,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                &next,
                Some(&msg),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
            res
        }
        Err(e) => store_failure(&state, lang, e),
    }
}

async fn logout(
    State(state): State<AppState>,
    user: SignedIn,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    if let Some(c) = cookie(&headers, SESSION_COOKIE)
        && let Err(e) = state.store.end_session(c).await
    {
        tracing::error!(error = %e, "sign-out failed");
    }
    signed_out(&state)
}

async fn logout_everywhere(
    State(state): State<AppState>,
    user: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    if let Err(e) = state.store.end_all_sessions(&user.account().username).await {
        tracing::error!(error = %e, "sign-out everywhere failed");
    }
    signed_out(&state)
}

fn signed_out(state: &AppState) -> Response {
    let mut res = Redirect::to("/").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, "", 0));
    res
}

/// The page of a write the store refused: 409 when someone else saved first, 422 with the
/// integrity problems, else a store failure.
fn write_refused(state: &AppState, lang: Lang, title: &str, e: StoreError) -> Response {
    match e {
        StoreError::Denied(why) => forbidden(state, lang, &why),
        StoreError::Conflict { .. } => page(
            state,
            lang,
            StatusCode::CONFLICT,
            title,
            format!("<p>{}</p>", esc(&t(lang.0, "admin-conflict"))),
        ),
        StoreError::Invalid(problems) => page(
            state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            title,
            format!(
                "<p>{}</p><ul>{}</ul>",
                esc(&t(lang.0, "admin-integrity")),
                problems
                    .iter()
                    .map(|p| format!("<li>{}</li>", esc(&p.to_string())))
                    .collect::<String>()
            ),
        ),
        e => store_failure(state, lang, e),
    }
}

fn store_failure(state: &AppState, lang: Lang, e: StoreError) -> Response {
    tracing::error!(error = %e, "administration request failed in the store");
    page(
        state,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        &t(lang.0, "admin-error"),
        format!("<p>{}</p>", esc(&t(lang.0, "admin-error-logged"))),
    )
}

// ----- home -----

/// The kinds `actor` may edit through forms.
fn editable(actor: &Actor) -> Vec<Kind> {
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
            Kind::ProgressReport,
            Kind::Observation,
            Kind::Milestone,
        ],
        _ => Vec::new(),
    }
}

fn account_bar(user: &SignedIn, lang: Lang) -> String {
    let a = user.account();
    let csrf = csrf_input(&user.0.csrf);
    let org = a
        .organisation
        .as_ref()
        .map(|o| format!(" · {o}"))
        .unwrap_or_default();
    format!(
        r#"<p class="account">{name} ({role}{org})</p>
<form method="post" action="/logout" class="inline">{csrf}<button type="submit">{out}</button></form>
<form method="post" action="/logout-everywhere" class="inline">{csrf}<button type="submit">{all}</button></form>"#,
        name = esc(&a.display_name),
        role = a.role.as_str(),
        out = esc(&t(lang.0, "admin-sign-out")),
        all = esc(&t(lang.0, "admin-sign-out-everywhere")),
    )
}

async fn home(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    let actor = user.actor();
    let mut links = Vec::new();
    for kind in editable(&actor) {
        links.push((
            format!("/admin/data/{}", kind.collection()),
            kind.as_str().replace('_', " "),
        ));
    }
    let mut work = vec![
        ("/admin/reports".to_owned(), t(lang.0, "admin-reports")),
        ("/admin/consultations".to_owned(), t(lang.0, "cons-title")),
    ];
    if agenda_core::policy::may_review(&actor) {
        work.push(("/admin/dashboard".into(), t(lang.0, "admin-dashboard")));
        work.push(("/admin/versions".into(), t(lang.0, "admin-publish")));
    }
    let role = user.account().role;
    if matches!(role, Role::Admin | Role::Entity) {
        work.push(("/admin/tokens".into(), t(lang.0, "admin-tokens")));
    }
    if matches!(role, Role::Admin | Role::Editor | Role::Entity) {
        work.push(("/admin/feedback".into(), t(lang.0, "admin-feedback")));
    }
    if role == Role::Admin {
        work.push(("/admin/users".into(), t(lang.0, "admin-users")));
    }
    let li = |v: &[(String, String)]| {
        v.iter()
            .map(|(h, l)| format!(r#"<li><a href="{}">{}</a></li>"#, esc(h), esc(l)))
            .collect::<String>()
    };
    let body = format!(
        "{bar}<h2>{w}</h2><ul>{work}</ul><h2>{d}</h2><ul>{data}</ul>",
        bar = account_bar(&user, lang),
        w = esc(&t(lang.0, "admin-work")),
        work = li(&work),
        d = esc(&t(lang.0, "admin-data")),
        data = li(&links),
    );
    page(
        &state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-title"),
        body,
    )
}

// ----- entity forms -----

fn kind_of(collection: &str) -> Option<Kind> {
    Kind::ALL
        .iter()
        .copied()
        .find(|k| k.collection() == collection)
}

/// Short label of an entity for lists: its English title or name.
fn label(e: &Entity) -> String {
    let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap_or_default();
    ["title", "name", "narrative"]
        .iter()
        .find_map(|k| v.get(k).and_then(|t| t.get("en")).and_then(|s| s.as_str()))
        .map(|s| s.chars().take(90).collect())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<usize>,
}

const LIST_PAGE: usize = 200;

async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(collection): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let actor = user.actor();
    let Some(kind) = kind_of(&collection).filter(|k| editable(&actor).contains(k)) else {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    };
    let s = state.store.snapshot();
    let mine = |e: &Entity| match &actor {
        Actor::User {
            role: Role::Entity,
            organisation: Some(org),
        } => agenda_core::policy::owner_of(&s, e).as_ref() == Some(org),
        _ => true,
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let items: Vec<Entity> = s.entities(kind).filter(|e| mine(e)).collect();
    let total = items.len();
    let rows: String = items
        .iter()
        .skip((page_no - 1) * LIST_PAGE)
        .take(LIST_PAGE)
        .map(|e| {
            let key = e.key();
            format!(
                r#"<tr><td><a href="/admin/data/{collection}/{}">{}</a></td><td>{}</td></tr>"#,
                encode(&key),
                esc(&key),
                esc(&label(e))
            )
        })
        .collect();
    let more = if page_no * LIST_PAGE < total {
        format!(
            r#"<p><a href="/admin/data/{collection}?page={}">{}</a></p>"#,
            page_no + 1,
            esc(&t(lang.0, "admin-next-page"))
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<p><a href="/admin/data/{collection}/new">{new}</a></p>
<table><caption>{total} {n}</caption><thead><tr><th scope="col">{k}</th><th scope="col">{l}</th></tr></thead><tbody>{rows}</tbody></table>{more}"#,
        new = esc(&t(lang.0, "admin-new")),
        n = esc(&kind.as_str().replace('_', " ")),
        k = esc(&t(lang.0, "admin-key")),
        l = esc(&t(lang.0, "admin-label")),
    );
    page(
        &state,
        lang,
        StatusCode::OK,
        &kind.as_str().replace('_', " "),
        body,
    )
}

/// Everything a form page needs besides its fields.
struct FormPage<'a> {
    kind: Kind,
    /// `None` for a new entity.
    key: Option<&'a str>,
    version: u64,
    notice: Option<String>,
}

fn field_html(f: &Field, lang: Lang) -> String {
    let id = format!("f-{}", f.name);
    let err_id = format!("{id}-error");
    let (invalid, described, err) = match &f.error {
        Some(e) => (
            r#" aria-invalid="true""#.to_owned(),
            format!(r#" aria-describedby="{err_id}""#),
            format!(r#"<span class="error" id="{err_id}">{}</span><br>"#, esc(e)),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    let req = if f.required {
        format!(
            " <abbr title=\"{}\">*</abbr>",
            esc(&t(lang.0, "admin-required"))
        )
    } else {
        String::new()
    };
    let input = if f.multiline {
        format!(
            r#"<textarea id="{id}" name="{n}" rows="4"{invalid}{described}>{v}</textarea>"#,
            n = esc(&f.name),
            v = esc(&f.value)
        )
    } else {
        format!(
            r#"<input id="{id}" name="{n}" value="{v}"{invalid}{described}>"#,
            n = esc(&f.name),
            v = esc(&f.value)
        )
    };
    format!(
        r#"<p><label for="{id}">{l}{req} <code lang="en">{n}</code></label><br>{err}{input}</p>"#,
        l = esc(&forms::label(lang.0, &f.name)),
        n = esc(&f.name)
    )
}

fn form_body(user: &SignedIn, lang: Lang, p: &FormPage<'_>, fields: &[Field]) -> String {
    let collection = p.kind.collection();
    let action = match p.key {
        Some(k) => format!("/admin/data/{collection}/{}", encode(k)),
        None => format!("/admin/data/{collection}/new"),
    };
    let notice = p
        .notice
        .as_ref()
        .map(|n| format!(r#"<div class="error" role="alert">{n}</div>"#))
        .unwrap_or_default();
    let inputs: String = fields.iter().map(|f| field_html(f, lang)).collect();
    let csrf = csrf_input(&user.0.csrf);
    let archive = match p.key {
        Some(k) => format!(
            r#"<form method="post" action="/admin/data/{collection}/{}/archive">{csrf}<input type="hidden" name="version" value="{v}"><p><button type="submit">{a}</button></p></form>
<p><a href="/history/{collection}/{}">{h}</a></p>"#,
            encode(k),
            encode(k),
            v = p.version,
            a = esc(&t(lang.0, "admin-archive")),
            h = esc(&t(lang.0, "history-link")),
        ),
        None => String::new(),
    };
    format!(
        r#"{notice}<form method="post" action="{action}" class="admin" novalidate>{csrf}
<input type="hidden" name="version" value="{v}">
{inputs}<p><button type="submit">{save}</button></p></form>{archive}"#,
        v = p.version,
        save = esc(&t(lang.0, "admin-save")),
    )
}

fn form_title(lang: Lang, kind: Kind, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("{} {k}", kind.as_str().replace('_', " ")),
        None => format!(
            "{} — {}",
            kind.as_str().replace('_', " "),
            t(lang.0, "admin-new")
        ),
    }
}

async fn new_form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(collection): Path<String>,
) -> Response {
    let Some(kind) = kind_of(&collection).filter(|k| editable(&user.actor()).contains(k)) else {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    };
    let s = state.store.snapshot();
    let fields = forms::fields(&s, kind, None);
    let p = FormPage {
        kind,
        key: None,
        version: 0,
        notice: None,
    };
    let body = form_body(&user, lang, &p, &fields);
    page(
        &state,
        lang,
        StatusCode::OK,
        &form_title(lang, kind, None),
        body,
    )
}

async fn edit_form(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
) -> Response {
    let Some(kind) = kind_of(&collection).filter(|k| editable(&user.actor()).contains(k)) else {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    };
    let (entity, version) = match state.store.versioned(kind, &key).await {
        Ok(v) => v,
        Err(e) => return store_failure(&state, lang, e),
    };
    let s = state.store.snapshot();
    let Some(entity) = entity else {
        return super::not_found_page(&state, lang, format!("{} {key}", kind.as_str())).await;
    };
    // Showing another organisation's record for editing is refused like editing it.
    if let Err(d) = agenda_core::policy::may_change(&user.actor(), &s, kind, &key, Some(&entity)) {
        return forbidden(&state, lang, &d.0);
    }
    let mut fields = forms::fields(&s, kind, Some(&entity));
    if kind == Kind::Kpi {
        add_justification(&mut fields, lang, None);
    }
    let p = FormPage {
        kind,
        key: Some(&key),
        version,
        notice: None,
    };
    let body = form_body(&user, lang, &p, &fields);
    page(
        &state,
        lang,
        StatusCode::OK,
        &form_title(lang, kind, Some(&key)),
        body,
    )
}

/// The field where a change of a KPI's baseline or targets is justified.
const JUSTIFICATION: &str = "justification";

fn add_justification(fields: &mut Vec<Field>, lang: Lang, error: Option<String>) {
    fields.retain(|f| f.name != JUSTIFICATION);
    let _ = lang;
    fields.push(Field {
        name: JUSTIFICATION.into(),
        value: String::new(),
        multiline: true,
        required: false,
        error,
    });
}

async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(collection): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, lang, user, collection, None, fields_of(f)).await
}

async fn save(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    submit(state, lang, user, collection, Some(key), fields_of(f)).await
}

/// Creates (`key` None) or updates an entity from a submitted form.
async fn submit(
    state: AppState,
    lang: Lang,
    user: SignedIn,
    collection: String,
    key: Option<String>,
    submitted: Fields,
) -> Response {
    if let Some(r) = user.csrf_refusal(submitted.get("csrf").map(String::as_str)) {
        return r;
    }
    let actor = user.actor();
    let Some(kind) = kind_of(&collection) else {
        return super::not_found_page(&state, lang, collection).await;
    };
    let s = state.store.snapshot();
    let before = key.as_deref().and_then(|k| s.get(kind, k));
    if key.is_some() && before.is_none() {
        return super::not_found_page(&state, lang, format!("{collection} {key:?}")).await;
    }
    let version: u64 = submitted
        .get("version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut fields = forms::fields(&s, kind, before.as_ref());
    forms::fill(&mut fields, &submitted);
    let parsed = forms::parse(&s, kind, &mut fields, lang.0);
    let again = |fields: Vec<Field>, notice: Option<String>, status: StatusCode| {
        let p = FormPage {
            kind,
            key: key.as_deref(),
            version,
            notice,
        };
        let mut fields = fields;
        if kind == Kind::Kpi && key.is_some() {
            let err = fields
                .iter()
                .find(|f| f.name == JUSTIFICATION)
                .and_then(|f| f.error.clone());
            add_justification(&mut fields, lang, err);
        }
        let body = form_body(&user, lang, &p, &fields);
        page(
            &state,
            lang,
            status,
            &form_title(lang, kind, key.as_deref()),
            body,
        )
    };
    let Some(mut entity) = parsed else {
        return again(
            fields,
            Some(esc(&t(lang.0, "admin-fix-fields"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    if let Some(k) = &key
        && entity.key() != *k
    {
        if let Some(f) = fields.iter_mut().find(|f| f.name == "code") {
            f.error = Some(t(lang.0, "admin-key-fixed"));
        }
        return again(fields, None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // A change of a KPI's baseline or targets needs its reason.
    if let (Some(b), Entity::Kpi(k)) = (&before, &mut entity) {
        let changed = forms::revised(b, &Entity::Kpi(k.clone()));
        if !changed.is_empty() {
            let why = submitted.get(JUSTIFICATION).map(|s| s.trim()).unwrap_or("");
            if why.is_empty() {
                fields.push(Field {
                    name: JUSTIFICATION.into(),
                    value: String::new(),
                    multiline: true,
                    required: true,
                    error: Some(format!(
                        "{} ({})",
                        t(lang.0, "admin-justify"),
                        changed.join(", ")
                    )),
                });
                return again(fields, None, StatusCode::UNPROCESSABLE_ENTITY);
            }
            k.revision_note = Some(why.to_owned());
        } else if let Entity::Kpi(old) = b {
            k.revision_note = old.revision_note.clone();
        }
    }
    let change = Change::Upsert(entity.clone());
    let stored_key = entity.key();
    match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, actor, Some(state.today())),
            vec![change],
            vec![(kind, stored_key.clone(), version)],
        )
        .await
    {
        Err(StoreError::Denied(why)) => forbidden(&state, lang, &why),
        Ok(_) => Redirect::to(&format!(
            "/admin/data/{collection}/{}?saved=1",
            encode(&stored_key)
        ))
        .into_response(),
        Err(StoreError::Conflict { current, .. }) => {
            let theirs = state.store.snapshot().get(kind, &stored_key);
            let notice = conflict_notice(&state, lang, kind, theirs.as_ref(), &fields);
            let p_version = current;
            let p = FormPage {
                kind,
                key: key.as_deref(),
                version: p_version,
                notice: Some(notice),
            };
            let body = form_body(&user, lang, &p, &fields);
            page(
                &state,
                lang,
                StatusCode::CONFLICT,
                &form_title(lang, kind, key.as_deref()),
                body,
            )
        }
        Err(StoreError::Invalid(problems)) => {
            let list: String = problems
                .iter()
                .map(|p| format!("<li>{}</li>", esc(&p.to_string())))
                .collect();
            again(
                fields,
                Some(format!(
                    "<p>{}</p><ul>{list}</ul>",
                    esc(&t(lang.0, "admin-integrity"))
                )),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => store_failure(&state, lang, e),
    }
}

/// The other person's values beside yours, for a stale edit. The form that follows keeps
/// yours and now carries the current version: saving it again overwrites knowingly.
fn conflict_notice(
    state: &AppState,
    lang: Lang,
    kind: Kind,
    theirs: Option<&Entity>,
    yours: &[Field],
) -> String {
    let s = state.store.snapshot();
    let current = forms::fields(&s, kind, theirs);
    let rows: String = yours
        .iter()
        .filter(|f| f.name != JUSTIFICATION)
        .filter_map(|f| {
            let other = current
                .iter()
                .find(|c| c.name == f.name)
                .map(|c| c.value.as_str())
                .unwrap_or("");
            (other != f.value).then(|| {
                format!(
                    "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                    esc(&f.name),
                    esc(other),
                    esc(&f.value)
                )
            })
        })
        .collect();
    format!(
        r#"<p>{msg}</p><table><caption>{cap}</caption><thead><tr><th scope="col">{field}</th><th scope="col">{theirs}</th><th scope="col">{yours}</th></tr></thead><tbody>{rows}</tbody></table>"#,
        msg = esc(&t(lang.0, "admin-conflict")),
        cap = esc(&t(lang.0, "admin-conflict-caption")),
        field = esc(&t(lang.0, "admin-field")),
        theirs = esc(&t(lang.0, "admin-theirs")),
        yours = esc(&t(lang.0, "admin-yours")),
    )
}

async fn archive(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path((collection, key)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let Some(kind) = kind_of(&collection) else {
        return super::not_found_page(&state, lang, collection).await;
    };
    let s = state.store.snapshot();
    if s.get(kind, &key).is_none() {
        return super::not_found_page(&state, lang, format!("{collection} {key}")).await;
    }
    let change = Change::Delete(kind, key.clone());
    let version = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
    match state
        .store
        .apply_as(
            Writer::actor(&user.account().username, user.actor(), Some(state.today())),
            vec![change],
            vec![(kind, key.clone(), version)],
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/data/{collection}")).into_response(),
        Err(e) => write_refused(&state, lang, &t(lang.0, "admin-archive"), e),
    }
}

// ----- API tokens -----

/// The organisation whose tokens `user` manages: their own, or (admin) any chosen one.
fn token_scope(user: &SignedIn) -> Result<Option<Code>, ()> {
    match (user.account().role, &user.account().organisation) {
        (Role::Admin, _) => Ok(None),
        (Role::Entity, Some(org)) => Ok(Some(org.clone())),
        _ => Err(()),
    }
}

async fn tokens(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    tokens_page(&state, lang, &user, None).await
}

async fn tokens_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    shown: Option<String>,
) -> Response {
    let Ok(scope) = token_scope(user) else {
        return forbidden(state, lang, &t(lang.0, "admin-not-yours"));
    };
    let list = match state.store.tokens(scope.as_ref()).await {
        Ok(l) => l,
        Err(e) => return store_failure(state, lang, e),
    };
    let csrf = csrf_input(&user.0.csrf);
    let rows: String = list
        .iter()
        .map(|tk| {
            let action = match &tk.revoked_at {
                Some(at) => format!("{} {}", esc(&t(lang.0, "admin-revoked")), esc(at)),
                None => format!(
                    r#"<form method="post" action="/admin/tokens/{}/revoke">{csrf}<button type="submit">{}</button></form>"#,
                    esc(&tk.id),
                    esc(&t(lang.0, "admin-revoke"))
                ),
            };
            format!(
                "<tr><td><code>agt_{}_…</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
                esc(&tk.id),
                esc(tk.organisation.as_str()),
                esc(&tk.name),
                esc(&tk.created_by),
                esc(&tk.created_at),
            )
        })
        .collect();
    let shown = shown
        .map(|tok| {
            format!(
                r#"<div class="notice" role="status"><p>{}</p><p><code>{}</code></p></div>"#,
                esc(&t(lang.0, "admin-token-once")),
                esc(&tok)
            )
        })
        .unwrap_or_default();
    let org_field = match &scope {
        Some(org) => format!(
            r#"<input type="hidden" name="organisation" value="{}">"#,
            esc(org.as_str())
        ),
        None => format!(
            r#"<p><label for="organisation">{}</label><br><input id="organisation" name="organisation" required></p>"#,
            esc(&t(lang.0, "admin-organisation"))
        ),
    };
    let body = format!(
        r#"{shown}<table><thead><tr><th scope="col">{id}</th><th scope="col">{org}</th><th scope="col">{name}</th><th scope="col">{by}</th><th scope="col">{at}</th><th scope="col">{st}</th></tr></thead><tbody>{rows}</tbody></table>
<h2>{new}</h2><form method="post" action="/admin/tokens" class="admin">{csrf}{org_field}
<p><label for="name">{purpose}</label><br><input id="name" name="name" required></p><p><button type="submit">{create}</button></p></form>"#,
        id = esc(&t(lang.0, "admin-token")),
        org = esc(&t(lang.0, "admin-organisation")),
        name = esc(&t(lang.0, "admin-token-name")),
        by = esc(&t(lang.0, "admin-created-by")),
        at = esc(&t(lang.0, "admin-created-at")),
        st = esc(&t(lang.0, "admin-status")),
        new = esc(&t(lang.0, "admin-token-new")),
        purpose = esc(&t(lang.0, "admin-token-name")),
        create = esc(&t(lang.0, "admin-create")),
    );
    page(
        state,
        lang,
        StatusCode::OK,
        &t(lang.0, "admin-tokens"),
        body,
    )
}

async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let Ok(scope) = token_scope(&user) else {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    };
    let asked = f.get("organisation").map(|s| s.trim()).unwrap_or("");
    let org = match (&scope, Code::parse(asked)) {
        (Some(own), _) => own.clone(),
        (None, Ok(c)) => c,
        (None, Err(e)) => {
            return page(
                &state,
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                &t(lang.0, "admin-tokens"),
                format!(
                    "<p class=\"error\">{}: expected {}</p>",
                    esc(asked),
                    esc(&e.expected)
                ),
            );
        }
    };
    let name = f.get("name").map(String::as_str).unwrap_or("");
    match state
        .store
        .create_token(&org, name, &user.account().username)
        .await
    {
        Ok((_, token)) => tokens_page(&state, lang, &user, Some(token)).await,
        Err(StoreError::Account(msg)) => page(
            &state,
            lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(lang.0, "admin-tokens"),
            format!("<p class=\"error\">{}</p>", esc(&msg)),
        ),
        Err(e) => store_failure(&state, lang, e),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    let Ok(scope) = token_scope(&user) else {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    };
    let owned = match state.store.tokens(scope.as_ref()).await {
        Ok(l) => l.iter().any(|tk| tk.id == id),
        Err(e) => return store_failure(&state, lang, e),
    };
    if !owned {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    }
    match state
        .store
        .revoke_token(&user.account().username, &id)
        .await
    {
        Ok(_) => Redirect::to("/admin/tokens").into_response(),
        Err(e) => store_failure(&state, lang, e),
    }
}

// ----- accounts -----

async fn users(State(state): State<AppState>, lang: Lang, user: SignedIn) -> Response {
    users_page(&state, lang, &user, None, StatusCode::OK).await
}

async fn users_page(
    state: &AppState,
    lang: Lang,
    user: &SignedIn,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    if user.account().role != Role::Admin {
        return forbidden(state, lang, &t(lang.0, "admin-not-yours"));
    }
    let list = match state.store.accounts().await {
        Ok(l) => l,
        Err(e) => return store_failure(state, lang, e),
    };
    let csrf = csrf_input(&user.0.csrf);
    let rows: String = list
        .iter()
        .map(|a| {
            let action = if a.disabled {
                esc(&t(lang.0, "admin-disabled"))
            } else {
                format!(
                    r#"<form method="post" action="/admin/users/{}/disable">{csrf}<button type="submit">{}</button></form>"#,
                    encode(&a.username),
                    esc(&t(lang.0, "admin-disable"))
                )
            };
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
                esc(&a.username),
                esc(&a.display_name),
                a.role.as_str(),
                esc(a.organisation.as_ref().map(|o| o.as_str()).unwrap_or("")),
            )
        })
        .collect();
    let error = error
        .map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, esc(&e)))
        .unwrap_or_default();
    let input = |name: &str, key: &str, kind: &str| {
        format!(
            r#"<p><label for="u-{name}">{}</label><br><input id="u-{name}" name="{name}" type="{kind}"></p>"#,
            esc(&t(lang.0, key))
        )
    };
    let body = format!(
        r#"<table><thead><tr><th scope="col">{u}</th><th scope="col">{n}</th><th scope="col">{r}</th><th scope="col">{o}</th><th scope="col">{s}</th></tr></thead><tbody>{rows}</tbody></table>
<h2>{new}</h2>{error}<form method="post" action="/admin/users" class="admin">{csrf}{f1}{f2}{f3}
<p><label for="u-role">{r}</label><br><select id="u-role" name="role">{roles}</select></p>{f4}{f5}<p><button type="submit">{create}</button></p></form>"#,
        u = esc(&t(lang.0, "admin-username")),
        n = esc(&t(lang.0, "admin-display-name")),
        r = esc(&t(lang.0, "admin-role")),
        o = esc(&t(lang.0, "admin-organisation")),
        s = esc(&t(lang.0, "admin-status")),
        new = esc(&t(lang.0, "admin-user-new")),
        f1 = input("username", "admin-username", "text"),
        f2 = input("display_name", "admin-display-name", "text"),
        f3 = input("email", "admin-email", "email"),
        f4 = input("organisation", "admin-organisation", "text"),
        f5 = input("password", "admin-password", "password"),
        roles = Role::ALL
            .iter()
            .map(|r| format!(r#"<option value="{0}">{0}</option>"#, r.as_str()))
            .collect::<String>(),
        create = esc(&t(lang.0, "admin-create")),
    );
    page(state, lang, status, &t(lang.0, "admin-users"), body)
}

async fn add_user(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    if user.account().role != Role::Admin {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    }
    let get = |k: &str| f.get(k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let role = match Role::parse(&get("role")) {
        Ok(r) => r,
        Err(e) => {
            return users_page(
                &state,
                lang,
                &user,
                Some(format!("role: expected {}", e.expected)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let org = get("organisation");
    let organisation = match (org.is_empty(), Code::parse(&org)) {
        (true, _) => None,
        (false, Ok(c)) => Some(c),
        (false, Err(e)) => {
            return users_page(
                &state,
                lang,
                &user,
                Some(format!("organisation: expected {}", e.expected)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let email = get("email");
    let new = NewAccount {
        username: get("username"),
        display_name: get("display_name"),
        email: (!email.is_empty()).then_some(email),
        role,
        organisation,
    };
    match state
        .store
        .add_account(
            &user.account().username,
            &new,
            f.get("password").map(String::as_str).unwrap_or(""),
        )
        .await
    {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(StoreError::Account(msg)) => {
            users_page(
                &state,
                lang,
                &user,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => store_failure(&state, lang, e),
    }
}

async fn disable_user(
    State(state): State<AppState>,
    lang: Lang,
    user: SignedIn,
    Path(name): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let f = fields_of(f);
    if let Some(r) = user.csrf_refusal(f.get("csrf").map(String::as_str)) {
        return r;
    }
    if user.account().role != Role::Admin {
        return forbidden(&state, lang, &t(lang.0, "admin-not-yours"));
    }
    match state
        .store
        .set_account_disabled(&user.account().username, &name, true)
        .await
    {
        Ok(()) => Redirect::to("/admin/users").into_response(),
        Err(StoreError::Account(msg)) => {
            users_page(&state, lang, &user, Some(msg), StatusCode::NOT_FOUND).await
        }
        Err(e) => store_failure(&state, lang, e),
    }
}
