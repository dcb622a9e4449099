//! The public progress space: server-rendered HTML pages in the visitor's language, built from
//! the snapshot, working without JavaScript. The language comes from the URL prefix (`/fr/…`,
//! `/es/…`), then `Accept-Language`; pages carry an `ETag` derived from the snapshot version.

mod action_lines;
pub mod admin;
mod blocks;
mod catalogue_analysis;
mod catalogue_pages;
mod charts;
mod chat_page;
mod consultation_pages;
mod downloads;
pub(crate) mod feedback;
mod frameworks;
#[cfg(test)]
mod frameworks_tests;
mod funding;
#[cfg(test)]
mod funding_tests;
mod governance;
mod history;
mod home;
pub(crate) mod i18n;
mod kpis;
mod lang;
mod methodology;
mod open_data;
mod organisations;
pub(crate) mod pager;
mod regulatory_plan;
mod reporting_status;
mod roadmap;
mod rows;
mod sdgs;
mod search_page;
mod subscribe;
mod svg;
mod take_part;
mod version_pages;
mod views;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use chat_page::chat_page;
pub(crate) use feedback::same_site;
pub use history::history_key;
pub use i18n::{LANGS, t, t_args};
pub(crate) use lang::LangHint;
pub use lang::{Lang, strip_lang_prefix};
pub(crate) use views::error_page;
pub use views::{fmt_num, render};

use crate::AppState;

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
    // Pages that depend on who asks (administration, sign-in, a conversation, a person taking
    // part) are never validated by ETag.
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
        && !path.starts_with("/feedback/")
        && !path.starts_with("/take-part")
        && !path.ends_with("/take-part");
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
    pub(crate) stamp: (u64, String),
    pub(crate) entries: std::collections::HashMap<String, CachedPage>,
}

pub(crate) struct CachedPage {
    status: StatusCode,
    headers: HeaderMap,
    body: axum::body::Bytes,
}

/// Bounds of the page cache: beyond these, responses are rendered every time (a larger body
/// is served as it is, never refused).
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
    // A page error is rendered further out, in the visitor's language: not kept here bodiless.
    if !matches!(res.status(), StatusCode::OK | StatusCode::NOT_FOUND)
        || crate::error::is_page_error(&res)
    {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Pages are rendered in memory before they get here: reading the whole body costs nothing
    // more, and a body too large to keep is still served.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "a page body could not be read");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be read",
            )
                .into_response();
        }
    };
    if bytes.len() > CACHE_MAX_BODY {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
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

/// Routes of the public space (the language prefix is stripped before they are matched).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/pillars", get(action_lines::pillars))
        .route("/action-lines", get(action_lines::action_lines))
        .route("/action-lines/{code}", get(action_lines::action_line))
        .route("/kpis", get(kpis::kpis))
        .route("/kpis/{code}", get(kpis::kpi))
        .route("/organisations", get(organisations::organisations))
        .route("/organisations/{code}", get(organisations::organisation))
        .route("/sdgs", get(sdgs::sdgs))
        .route("/sdgs/{goal}", get(sdgs::sdg))
        .route("/frameworks", get(frameworks::frameworks))
        .route("/frameworks/{id}", get(frameworks::framework))
        .route("/roadmap", get(roadmap::roadmap))
        .route("/services", get(catalogue_pages::services))
        .route("/services/{code}", get(catalogue_pages::service))
        .route("/services/{code}/feedback", post(feedback::post))
        .route("/services/{code}/feedback/thanks", get(feedback::thanks))
        .route("/life-events/{code}", get(catalogue_pages::life_event))
        .route("/building-blocks/{code}", get(blocks::building_block))
        .route(
            "/analysis/once-only",
            get(catalogue_analysis::analysis_once_only),
        )
        .route(
            "/analysis/roadmap",
            get(catalogue_analysis::analysis_roadmap),
        )
        .route(
            "/analysis/priorities",
            get(catalogue_analysis::analysis_priorities),
        )
        .route(
            "/analysis/standard",
            get(catalogue_analysis::analysis_standard),
        )
        .route(
            "/analysis/freshness",
            get(catalogue_analysis::analysis_freshness),
        )
        .route("/analysis/systems", get(blocks::analysis_systems))
        .route("/regulatory-plan", get(regulatory_plan::regulatory_plan))
        .route("/governance", get(governance::governance))
        .route("/governance/decisions", get(governance::register))
        .route("/governance/{code}", get(governance::body))
        .route("/building-blocks", get(blocks::building_blocks))
        .route("/funding", get(funding::funding))
        .route("/funding/{code}", get(funding::partner))
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
        .route("/history/{collection}/{key}", get(history::history))
        .route("/open-data", get(open_data::open_data))
        .route("/open-data/agenda.zip", get(downloads::csv_zip))
        .route("/open-data/agenda.xlsx", get(downloads::xlsx))
        .route("/open-data/agenda.json", get(downloads::json))
        .route("/open-data/progress.json", get(downloads::progress_json))
        .route("/methodology", get(methodology::methodology))
        .route("/reporting", get(reporting_status::reporting))
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
        .route(
            "/consultations/{code}/take-part",
            get(take_part::form).post(take_part::contribute),
        )
        .route("/take-part/link", post(take_part::request_link))
        .route("/take-part/sent", get(take_part::sent))
        .route(
            "/take-part/sign-in",
            get(take_part::sign_in_page).post(take_part::sign_in),
        )
        .route("/take-part/me", get(take_part::me))
        .route("/take-part/me.json", get(take_part::export))
        .route("/take-part/me/delete", post(take_part::delete))
        .route("/take-part/sign-out", post(take_part::sign_out))
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
