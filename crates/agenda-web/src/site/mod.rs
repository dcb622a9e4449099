//! The public progress space: server-rendered HTML pages in the visitor's language, built from
//! the snapshot, working without JavaScript. The language comes from the URL prefix (`/fr/…`,
//! `/es/…`), then `Accept-Language`; pages carry an `ETag` derived from the snapshot version.

pub mod admin;
mod catalogue_pages;
mod charts;
mod chat_page;
mod consultation_pages;
mod downloads;
pub(crate) mod feedback;
pub(crate) mod i18n;
mod pages;
mod search_page;
mod subscribe;
mod version_pages;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

pub use chat_page::chat_page;
pub(crate) use feedback::same_site;
pub use i18n::{LANGS, t, t_args};
pub(crate) use pages::error_page;
pub use pages::fmt_num;

use crate::AppState;

/// The language a page is rendered in: one of [`LANGS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lang(pub &'static str);

/// The language given by the URL prefix, put in the request by [`strip_lang_prefix`].
#[derive(Debug, Clone, Copy)]
struct PathLang(&'static str);

impl Lang {
    /// The prefix of this language's URLs (`""` for English, `/fr`, `/es`).
    pub fn prefix(self) -> &'static str {
        match self.0 {
            "en" => "",
            "fr" => "/fr",
            "es" => "/es",
            _ => "",
        }
    }
}

/// The visitor's preferred language among `offered` (configured ones), else the first offered.
fn from_accept_language(headers: &HeaderMap, offered: &[String]) -> &'static str {
    let known = |l: &str| LANGS.iter().find(|x| **x == l).copied();
    let default = offered.first().and_then(|l| known(l)).unwrap_or("en");
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return default;
    };
    // Highest q first; ties keep the header's order.
    let mut prefs: Vec<(f32, usize, &str)> = value
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse().ok())
                .unwrap_or(1.0);
            Some((q, i, tag))
        })
        .collect();
    prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    prefs
        .iter()
        .filter(|(q, _, _)| *q > 0.0)
        .find_map(|(_, _, tag)| {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            offered
                .iter()
                .find(|l| **l == primary)
                .and_then(|l| known(l))
        })
        .unwrap_or(default)
}

impl FromRequestParts<AppState> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(match parts.extensions.get::<PathLang>() {
            Some(PathLang(l)) => Lang(l),
            None => Lang(from_accept_language(
                &parts.headers,
                &state.settings.languages,
            )),
        })
    }
}

/// What decides a request's language, kept aside to render an error page after the request
/// itself has been handed on.
pub(crate) struct LangHint {
    path: Option<&'static str>,
    accept: Option<HeaderValue>,
}

impl LangHint {
    /// The hint of `req`.
    pub(crate) fn of(req: &Request) -> Self {
        Self {
            path: req.extensions().get::<PathLang>().map(|p| p.0),
            accept: req.headers().get(header::ACCEPT_LANGUAGE).cloned(),
        }
    }

    /// The language, as [`Lang`]'s extractor decides it.
    pub(crate) fn resolve(self, state: &AppState) -> Lang {
        match self.path {
            Some(l) => Lang(l),
            None => {
                let mut headers = HeaderMap::new();
                if let Some(v) = self.accept {
                    headers.insert(header::ACCEPT_LANGUAGE, v);
                }
                Lang(from_accept_language(&headers, &state.settings.languages))
            }
        }
    }
}

/// Strips a `/fr` or `/es` prefix before routing and remembers the language, so that one set
/// of routes serves every language.
pub async fn strip_lang_prefix(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let found = LANGS.iter().skip(1).find_map(|l| {
        let prefix = format!("/{l}");
        let rest = path.strip_prefix(&prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| (*l, rest.to_owned()))
    });
    if let Some((lang, rest)) = found {
        let rest = if rest.is_empty() {
            "/".to_owned()
        } else {
            rest
        };
        let pq = match req.uri().query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest,
        };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
        req.extensions_mut().insert(PathLang(lang));
    }
    next.run(req).await
}

/// Security headers on every response, and the `ETag`/`304` dance on every page, for `GET`
/// and `HEAD` alike. The tag names the snapshot version, the day and the language the answer
/// is in, since the same URL answers in the language `Accept-Language` negotiates.
pub async fn headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    lang: Lang,
    req: Request,
    next: Next,
) -> Response {
    let tag = format!(
        "W/\"{}-{}-{}\"",
        state.store.snapshot().version,
        state.today(),
        lang.0
    );
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    // Pages that depend on who asks (administration, sign-in, a conversation) are never
    // validated by ETag.
    let path = req.uri().path();
    let cacheable = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) && !path.starts_with("/metrics")
        && !path.starts_with("/healthz")
        && !path.starts_with("/admin")
        && !path.starts_with("/login")
        && !path.starts_with("/chat")
        && !path.starts_with("/subscriptions")
        && !path.starts_with("/feedback/");
    let mut res = if cacheable && not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        next.run(req).await
    };
    let status_ok = res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if cacheable && status_ok {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            h.insert(header::ETAG, v);
        }
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Accept-Encoding"),
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=0, must-revalidate"),
        );
    }
    res
}

/// Rendered responses of the public space. Pages depend only on the snapshot, the day and
/// the language, so each is rendered once per snapshot version and day, then served from here.
#[derive(Default)]
pub struct PageCache {
    stamp: (u64, String),
    entries: std::collections::HashMap<String, CachedPage>,
}

struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// Bounds of the page cache: beyond these, responses are rendered every time.
const CACHE_MAX_ENTRIES: usize = 4096;
const CACHE_MAX_BODY: usize = 2 * 1024 * 1024;

/// Serves pages from the [`PageCache`], filling it on a miss. `HEAD` is answered from the same
/// entries as `GET` (the router drops the body afterwards), so both carry the same headers.
pub async fn cache_pages(
    axum::extract::State(state): axum::extract::State<AppState>,
    lang: Lang,
    req: Request,
    next: Next,
) -> Response {
    if !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return next.run(req).await;
    }
    let stamp = (state.store.snapshot().version, state.today().to_string());
    let key = format!("{}|{}", lang.0, req.uri());
    {
        let cache = state
            .pages
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.stamp == stamp
            && let Some(hit) = cache.entries.get(&key)
        {
            let mut res = Response::new(axum::body::Body::from(hit.body.clone()));
            *res.status_mut() = hit.status;
            *res.headers_mut() = hit.headers.clone();
            return res;
        }
    }
    let res = next.run(req).await;
    if !matches!(res.status(), StatusCode::OK | StatusCode::NOT_FOUND) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, CACHE_MAX_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "response too large").into_response();
    };
    let mut cache = state
        .pages
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.stamp != stamp || cache.entries.len() >= CACHE_MAX_ENTRIES {
        cache.entries.clear();
        cache.stamp = stamp;
    }
    cache.entries.insert(
        key,
        CachedPage {
            status: parts.status,
            headers: parts.headers.clone(),
            body: bytes.clone(),
        },
    );
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Renders a template as an HTML response (500 page if rendering fails).
pub fn render(status: StatusCode, tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Routes of the public space (the language prefix is stripped before they are matched).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/pillars", get(pages::pillars))
        .route("/action-lines", get(pages::action_lines))
        .route("/action-lines/{code}", get(pages::action_line))
        .route("/kpis", get(pages::kpis))
        .route("/kpis/{code}", get(pages::kpi))
        .route("/organisations", get(pages::organisations))
        .route("/organisations/{code}", get(pages::organisation))
        .route("/sdgs", get(pages::sdgs))
        .route("/sdgs/{goal}", get(pages::sdg))
        .route("/roadmap", get(pages::roadmap))
        .route("/services", get(catalogue_pages::services))
        .route("/services/{code}", get(catalogue_pages::service))
        .route("/services/{code}/feedback", post(feedback::post))
        .route("/services/{code}/feedback/thanks", get(feedback::thanks))
        .route("/life-events/{code}", get(catalogue_pages::life_event))
        .route(
            "/building-blocks/{code}",
            get(catalogue_pages::building_block),
        )
        .route(
            "/analysis/once-only",
            get(catalogue_pages::analysis_once_only),
        )
        .route("/analysis/roadmap", get(catalogue_pages::analysis_roadmap))
        .route(
            "/analysis/priorities",
            get(catalogue_pages::analysis_priorities),
        )
        .route(
            "/analysis/standard",
            get(catalogue_pages::analysis_standard),
        )
        .route(
            "/analysis/freshness",
            get(catalogue_pages::analysis_freshness),
        )
        .route("/regulatory-plan", get(pages::regulatory_plan))
        .route("/consultations", get(consultation_pages::consultations))
        .route(
            "/consultations/{code}",
            get(consultation_pages::consultation),
        )
        .route(
            "/acknowledgements",
            get(consultation_pages::acknowledgements_page),
        )
        .route("/versions", get(version_pages::versions))
        .route("/versions/compare", get(version_pages::compare))
        .route("/versions/{from}/{to}", get(version_pages::differences))
        .route("/history/{collection}/{key}", get(pages::history))
        .route("/open-data", get(pages::open_data))
        .route("/open-data/agenda.zip", get(downloads::csv_zip))
        .route("/open-data/agenda.xlsx", get(downloads::xlsx))
        .route("/open-data/agenda.json", get(downloads::json))
        .route("/feed.atom", get(downloads::atom))
        .route("/subscribe", get(subscribe::form).post(subscribe::post))
        .route("/subscribe/sent", get(subscribe::sent))
        .route("/search", get(search_page::search))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/assets/site.js", get(site_js))
        .route("/assets/icon.svg", get(icon))
        .route("/assets/site.css", get(assets_css))
        .route("/assets/sdg.css", get(downloads::sdg_css))
        .route("/assets/theme.css", get(downloads::theme_css))
        .route("/assets/logo", get(downloads::logo))
}

/// Public pages about one person, authenticated by a token or key in their URL (the links in
/// subscription mails, a person's feedback ticket): never kept by the page cache.
pub fn private_router() -> Router<AppState> {
    Router::new()
        .route("/feedback/{id}", get(feedback::ticket))
        .route(
            "/subscriptions/confirm",
            get(subscribe::confirm_page).post(subscribe::confirm),
        )
        .route(
            "/subscriptions/unsubscribe",
            get(subscribe::unsubscribe_page).post(subscribe::unsubscribe),
        )
        .route("/subscriptions/manage", get(subscribe::manage))
        .route("/subscriptions/export", get(subscribe::export))
        .route("/subscriptions/delete", post(subscribe::delete))
}

/// The web app manifest: the public space installs as an app on phones.
async fn manifest(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    let body = serde_json::json!({
        "name": state.settings.country,
        "short_name": state.settings.country,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": state.settings.primary_colour,
        "icons": [{"src": "/assets/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    (
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
}

/// The service worker, served from the root so that it may keep every page.
async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../assets/sw.js"),
    )
}

async fn site_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/site.js"),
    )
}

async fn icon() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        include_str!("../../assets/icon.svg"),
    )
}

async fn assets_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/site.css"),
    )
}

/// The words for a change of `action` in a record's history.
pub fn history_key(action: agenda_store::AuditAction) -> &'static str {
    match action {
        agenda_store::AuditAction::Create => "history-created",
        agenda_store::AuditAction::Update => "history-updated",
        agenda_store::AuditAction::Delete => "history-deleted",
    }
}

/// The not-found page, in the visitor's language.
pub async fn not_found_page(state: &AppState, lang: Lang, what: String) -> Response {
    pages::error_page(state, lang, StatusCode::NOT_FOUND, what)
}
