#![doc = include_str!("../README.md")]

pub mod artifacts;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod outbound;
pub mod routes;
pub mod search;
pub mod service;
pub mod site;
pub mod state;

use std::future::Future;
use std::sync::Arc;

pub use config::Config;
pub use error::{Error, Result};
pub use state::AppState;

use crate::db::Db;
use crate::service::proofs::Proofs;

/// Opens the database (creating and migrating it) and, when `seed` is set, loads the embedded
/// seed data set unless it was loaded before.
pub async fn open(config: &Config, seed: bool) -> Result<AppState> {
    let url = config.database_url()?;
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    if seed {
        match service::import::load_seed(&db).await? {
            Some(report) => tracing::info!(
                added = report.added,
                unchanged = report.unchanged,
                "loaded the seed data set"
            ),
            None => tracing::debug!("the seed data set is loaded already"),
        }
    }
    let log = service::log::Log::open(&config.log_key_path(), &config.log_origin)?;
    let appended = service::log::backfill(&db).await?;
    if appended > 0 {
        tracing::info!(
            appended,
            "logged the keys and releases stored before the log existed"
        );
    }
    let scanned = service::scan::backfill(&db).await?;
    if scanned > 0 {
        tracing::info!(
            scanned,
            "scanned the releases stored without a current scan"
        );
    }
    // Sign whatever a crash left unsigned, so the log is covered from the start.
    service::log::checkpoint(&db, &log).await?;
    let proofs = Proofs::new(config.proof_config())?;
    let artifacts = artifacts::Checker::new(&config.artifacts)?;
    let limiter = routes::rate_limit::WriteLimiter::new(config.write_rate_limit);
    let (search, opened) =
        search::SearchIndex::open(&search::SearchIndex::dir_in(&config.data_dir), &db).await?;
    tracing::debug!(?opened, "search index ready");
    let search = search.with_answer_cache(config.search_cache_mib.saturating_mul(1 << 20));
    search.spawn_sync(db.clone());
    Ok(AppState {
        db,
        proofs: Arc::new(proofs),
        limiter: Arc::new(limiter),
        log: Arc::new(log),
        search,
        artifacts: Arc::new(artifacts),
    })
}

/// Rebuilds the search index of `config`'s data folder from the database (`mcp-registry
/// reindex`); `progress(done, total)` follows it. A server using the same data folder must be
/// stopped first (it rebuilds by itself when its index is missing or outdated).
pub async fn reindex(
    config: &Config,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<search::RebuildReport> {
    let db = Db::connect(&config.database_url()?).await?;
    db.migrate().await?;
    let dir = search::SearchIndex::dir_in(&config.data_dir);
    let index = search::SearchIndex::open_for_rebuild(&dir, &db).await?;
    let report = index.rebuild(&db, Some(progress)).await;
    index.close().await;
    db.close().await;
    report
}

/// Serves the API on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let app = routes::router(state);
    // The client's address feeds the write rate limit.
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| Error::Internal(format!("the HTTP server failed: {e}")))
}
