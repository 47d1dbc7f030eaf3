#![doc = include_str!("../README.md")]

pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod routes;
pub mod service;
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
    let proofs = Proofs::new(config.proof_config())?;
    let limiter = routes::rate_limit::WriteLimiter::new(config.write_rate_limit);
    Ok(AppState {
        db,
        proofs: Arc::new(proofs),
        limiter: Arc::new(limiter),
    })
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
