//! `agenda-web`: the HTTP interface. Every read is answered from the store's in-memory snapshot.
//! This crate holds the router, the JSON read API (`/api/v1`, described by an OpenAPI 3.1
//! document generated from the code), health and Prometheus metrics.

pub mod analysis_api;
pub mod api;
pub mod api_list;
#[cfg(test)]
mod audience_tests;
#[cfg(test)]
mod bad_input_tests;
pub mod catalogue_api;
pub mod channels;
pub mod error;
pub mod extract;
pub mod finder_api;
#[cfg(test)]
mod fluent_tests;
#[cfg(test)]
mod handover_tests;
#[cfg(test)]
mod list_paging_tests;
mod metrics_layer;
#[cfg(test)]
mod page_error_tests;
#[cfg(test)]
mod route_guard_tests;
mod server;
pub mod site;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod translation_tests;
pub mod write_api;

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use agenda_core::{Date, Snapshot};
use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

pub use error::ApiError;
pub use server::ServerLimits;

/// The currency when none is configured: the demo country's, the US dollar.
pub const DEFAULT_CURRENCY: &str = "USD";

/// Settings the web layer shows or uses.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Country name shown by the platform.
    pub country: String,
    /// Interface languages, the first being the default.
    pub languages: Vec<String>,
    /// The day statuses are computed for; `None` means the real date.
    pub today: Option<Date>,
    /// Main brand colour, `#RRGGBB` (header background; the text colour follows for contrast).
    pub primary_colour: String,
    /// Accent colour, `#RRGGBB` (focus outlines).
    pub accent_colour: String,
    /// The country's logo: its bytes and content type, served at `/assets/logo`.
    pub logo: Option<(Vec<u8>, &'static str)>,
    /// Whether session cookies are marked `Secure` (sent over HTTPS only). Browsers accept
    /// them on `localhost` over plain HTTP too; turn off only behind nothing but plain HTTP.
    pub secure_cookies: bool,
    /// The country's prioritisation weights: those of the priorities page, and of the API
    /// where a parameter does not override them.
    pub priority_weights: agenda_core::catalogue::priorities::PriorityWeights,
    /// E-mail subscriptions: the mail server, the public address for links in mails and the
    /// digest interval. `None` without a mail server: the form then says it is unavailable.
    pub subscriptions: Option<agenda_jobs::SubscriptionSettings>,
    /// The country's regions, to map figures broken down by `region`; `None` without a
    /// boundary file.
    pub regions: Option<Arc<agenda_io::regions::RegionMap>>,
    /// The ISO 4217 code of the currency budgets are in (`XOF`), shown with every amount.
    pub currency: String,
    /// The speech language tag voice calls use for each channel language (`ar` → `ar-MA`);
    /// the defaults of [`channels::voice::default_speech_lang`] for the others.
    pub speech_langs: channels::voice::SpeechLangs,
}

impl WebSettings {
    /// Settings for `country` with the default colours, no logo and the real date.
    pub fn new(country: impl Into<String>) -> Self {
        Self {
            country: country.into(),
            languages: crate::site::LANGS.iter().map(|l| (*l).to_owned()).collect(),
            today: None,
            primary_colour: "#1d3f72".into(),
            accent_colour: "#ffbf47".into(),
            logo: None,
            secure_cookies: true,
            priority_weights: Default::default(),
            subscriptions: None,
            regions: None,
            currency: DEFAULT_CURRENCY.into(),
            speech_langs: Default::default(),
        }
    }
}

/// What every handler can reach. Cloned for every request and middleware, so it is one
/// shared pointer (one atomic count instead of one per field).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
pub struct Shared {
    /// The store: snapshot reads, transactional writes.
    pub store: agenda_store::Store,
    /// Settings.
    pub settings: WebSettings,
    /// Renders `/metrics`.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// The public view of the latest snapshot, computed once per snapshot version.
    public: Mutex<Option<Arc<Snapshot>>>,
    /// Rendered public pages of the current snapshot version.
    pages: std::sync::RwLock<site::PageCache>,
    /// The service finder over the public snapshot, rebuilt in the background when it changes.
    finder: agenda_search::LiveFinder,
    /// The chatbot's conversations.
    pub chats: channels::chat::Sessions,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// State over a store; installs the process-wide metrics recorder on first use.
    pub fn new(store: agenda_store::Store, settings: WebSettings) -> Self {
        Self(Arc::new(Shared {
            store,
            settings,
            metrics: metrics_layer::handle(),
            public: Mutex::default(),
            pages: std::sync::RwLock::default(),
            finder: agenda_search::LiveFinder::default(),
            chats: channels::chat::Sessions::default(),
        }))
    }

    /// The day statuses are computed for: the configured one, else today's UTC date.
    pub fn today(&self) -> Date {
        self.settings
            .today
            .unwrap_or_else(|| Date::from_naive(chrono::Utc::now().date_naive()))
    }

    /// The service finder of the current public snapshot. Built on first use; after a change,
    /// rebuilt in the background while requests go on with the previous one.
    pub fn finder(&self) -> Arc<agenda_search::Finder> {
        self.finder.get(&self.public_snapshot())
    }

    /// What the public may see of the current snapshot (no drafts).
    pub fn public_snapshot(&self) -> Arc<Snapshot> {
        let current = self.store.snapshot();
        let mut cached = self.public.lock().unwrap_or_else(PoisonError::into_inner);
        match &*cached {
            Some(p) if p.version == current.version => p.clone(),
            _ => {
                let p = Arc::new(agenda_core::visibility::public_view(&current));
                *cached = Some(p.clone());
                p
            }
        }
    }
}

/// The whole application router (language prefixes must be stripped before it: see [`serve`]).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_layer::render))
        .nest(
            "/api/v1",
            api::router()
                .merge(write_api::router())
                .merge(channels::http::api_router()),
        )
        .merge(channels::http::router())
        .merge(site::admin::router(state.clone()))
        .merge(site::private_router())
        .merge(
            site::router().route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                site::cache_pages,
            )),
        )
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::render_page_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            site::headers,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(metrics_layer::track))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Unknown paths: the JSON envelope under `/api`, the not-found page elsewhere.
async fn fallback(req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/api/") {
        error::fallback(req.uri().clone()).await.into_response()
    } else {
        error::PageError::no_page().into_response()
    }
}

/// Liveness and readiness: the snapshot is loaded and the database answers.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    state.store.ping().await?;
    let s = state.store.snapshot();
    Ok(axum::Json(serde_json::json!({
        "status": "ok",
        "version": s.version,
        "backend": state.store.backend().to_string(),
    })))
}

/// Serves `router(state)` on `listener` within `limits` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The language prefix is stripped before routing, so one set of routes serves every language.
    let app = tower::Layer::layer(
        &axum::middleware::from_fn(site::strip_lang_prefix),
        router(state),
    );
    server::serve_app(listener, app, limits, shutdown).await
}
