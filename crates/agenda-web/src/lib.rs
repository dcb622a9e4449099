//! `agenda-web`: the HTTP interface. Every read is answered from the store's in-memory snapshot.
//! This crate holds the router, the JSON read API (`/api/v1`, described by an OpenAPI 3.1
//! document generated from the code), health and Prometheus metrics.

pub mod api;
pub mod error;
mod metrics_layer;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use error::ApiError;

/// Settings the web layer shows or uses.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Country name shown by the platform.
    pub country: String,
    /// Interface languages, the first being the default.
    pub languages: Vec<String>,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store: snapshot reads, transactional writes.
    pub store: agenda_store::Store,
    /// Settings.
    pub settings: Arc<WebSettings>,
    /// Renders `/metrics`.
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
}

impl AppState {
    /// State over a store; installs the process-wide metrics recorder on first use.
    pub fn new(store: agenda_store::Store, settings: WebSettings) -> Self {
        Self {
            store,
            settings: Arc::new(settings),
            metrics: metrics_layer::handle(),
        }
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_layer::render))
        .nest("/api/v1", api::router())
        .fallback(error::fallback)
        .layer(axum::middleware::from_fn(metrics_layer::track))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
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

/// Serves `router(state)` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
