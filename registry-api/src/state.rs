//! What every handler gets: the database and the proof fetcher.

use std::sync::Arc;

use crate::db::Db;
use crate::routes::rate_limit::WriteLimiter;
use crate::service::log::Log;
use crate::service::proofs::Proofs;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub proofs: Arc<Proofs>,
    pub limiter: Arc<WriteLimiter>,
    /// The search index, kept in step with the database.
    pub search: crate::search::SearchIndex,
    /// The transparency log's signing key.
    pub log: Arc<Log>,
    /// The artifact checker (the `verified` level).
    pub artifacts: Arc<crate::artifacts::Checker>,
}

impl AppState {
    /// The registry's one clock (carried by [`AppState::db`], so services that only take the
    /// database read the same time); tests set it with [`Db::with_clock`].
    pub fn clock(&self) -> &Arc<dyn crate::clock::Clock> {
        self.db.clock()
    }
}
