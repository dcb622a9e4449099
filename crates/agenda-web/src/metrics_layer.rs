//! Prometheus metrics: request counts and latencies by route, and the snapshot's size.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// The process-wide recorder's handle, installed once (several servers may run in one test
/// process, and a recorder can only be installed once).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder is installed; ours then simply stays empty.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Counts and times every request by matched route (never by raw path, to bound cardinality).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    // Static label values where possible: this runs on every request.
    let method: &'static str = match *req.method() {
        axum::http::Method::GET => "GET",
        axum::http::Method::HEAD => "HEAD",
        axum::http::Method::POST => "POST",
        axum::http::Method::PUT => "PUT",
        axum::http::Method::DELETE => "DELETE",
        _ => "OTHER",
    };
    let start = Instant::now();
    let res = next.run(req).await;
    let status: &'static str = match res.status().as_u16() {
        200 => "200",
        304 => "304",
        400 => "400",
        404 => "404",
        500 => "500",
        s if s < 300 => "2xx",
        s if s < 400 => "3xx",
        s if s < 500 => "4xx",
        _ => "5xx",
    };
    metrics::counter!("agenda_http_requests_total", "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("agenda_http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// `GET /metrics` in the Prometheus text format.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    let s = state.store.snapshot();
    metrics::gauge!("agenda_snapshot_version").set(s.version as f64);
    for (kind, n) in s.counts() {
        metrics::gauge!("agenda_entities", "kind" => kind.as_str()).set(n as f64);
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
