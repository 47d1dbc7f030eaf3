//! `GET /metrics` in the Prometheus text format, and the middleware that counts every request.
//!
//! The `metrics` facade records from anywhere (publishes, artifact checks, crawls); one
//! Prometheus recorder per process renders it. Gauges that describe the registry's state (log
//! size, search index lag, database pool) are read when scraped, so they are never stale.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::error::{Error, Result};
use crate::state::AppState;

/// Latency buckets in seconds: sub-millisecond reads to slow publishes.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process's recorder, installed on first use. Tests start many apps in one process;
/// they share it, as the `metrics` facade has one global recorder.
pub(super) fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_string()),
                    LATENCY_BUCKETS,
                )
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is installed already; then ours stays unused.
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            Some(handle)
        })
        .as_ref()
}

fn describe() {
    metrics::describe_counter!("http_requests_total", "HTTP requests by route and status");
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "HTTP request latency by route"
    );
    metrics::describe_counter!(
        "registry_publishes_total",
        "Releases published (signed uploads)"
    );
    metrics::describe_counter!(
        "registry_artifact_checks_total",
        "Artifact checks by outcome (verified, mismatch, temporary, definitive)"
    );
    metrics::describe_counter!(
        "registry_provenance_checks_total",
        "Build-provenance checks by outcome (attested, unattested, pending)"
    );
    metrics::describe_counter!(
        "registry_crawl_repositories_total",
        "Repositories the GitHub crawler stored"
    );
    metrics::describe_gauge!("registry_log_size", "Entries in the transparency log");
    metrics::describe_gauge!(
        "registry_search_index_lag",
        "Database changes not yet in this replica's search index"
    );
    metrics::describe_gauge!("registry_db_pool_connections", "Database pool connections");
    metrics::describe_gauge!("registry_db_pool_idle", "Idle database pool connections");
}

/// Counts and times every request, labelled by its route pattern (never the raw path, which
/// would make one series per server name).
pub(super) async fn track(request: Request, next: Next) -> Response {
    handle();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().as_str().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    response
}

/// Prometheus metrics: requests by route and status, latency histograms, publishes, log size,
/// artifact-check and crawl counters, search index lag, database pool use.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format", content_type = "text/plain"),
        (status = 500, description = "The metrics recorder could not be installed", body = protocol::api::ErrorBody),
    )
)]
pub(super) async fn metrics(State(state): State<AppState>) -> Result<Response> {
    let handle = handle().ok_or_else(|| {
        Error::Internal("another metrics recorder is installed in this process".to_string())
    })?;
    if let Ok(size) = crate::db::log::size(&state.db).await {
        metrics::gauge!("registry_log_size").set(size as f64);
    }
    if let Ok(lag) = state.search.lag(&state.db).await {
        metrics::gauge!("registry_search_index_lag").set(lag as f64);
    }
    let (size, idle) = state.db.pool_use();
    metrics::gauge!("registry_db_pool_connections").set(f64::from(size));
    metrics::gauge!("registry_db_pool_idle").set(idle as f64);
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response())
}
