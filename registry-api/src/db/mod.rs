//! Storage: one `sqlx::Any` pool over SQLite (embedded default) or PostgreSQL (scale-out).
//!
//! All SQL lives under this module. Queries are portable: `$n` placeholders, integers for times
//! (unix milliseconds) and flags, BLOB/BYTEA for exact manifest bytes, `ON CONFLICT` and
//! `RETURNING` (both backends have them). The two migration folders create the same schema.

pub mod artifacts;
pub mod crawl;
pub mod import_batch;
pub mod keys;
pub mod log;
pub mod meta;
pub mod operator;
mod placeholders;
pub mod provenance;
pub mod releases;
pub mod scans;
pub mod search;
pub mod servers;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

/// Which database is behind the pool; the SQL is the same, the set-up is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL's scheme.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(Error::Config(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://USER@HOST/DB",
                redact_url(url)
            )))
        }
    }
}

/// The database handle shared by every request. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// The registry's one clock. It travels with the handle because every time the registry
    /// reads is one it stores or checks against stored data, so each service taking a `&Db`
    /// reaches it without another parameter.
    clock: Arc<dyn Clock>,
}

/// A transaction on the database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Connects, creating a SQLite database file when it does not exist yet.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyConnectOptions::from_str(url).map_err(|e| {
            Error::Config(format!("invalid database URL {:?}: {e}", redact_url(url)))
        })?;
        let pool_options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    // SQLite has one writer at a time: WAL lets readers run beside it, and the
                    // busy timeout makes concurrent writers wait instead of failing.
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; \
                                 PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await
            }
            Backend::Postgres => pool_options.max_connections(16).connect_with(options).await,
        }
        .map_err(|e| {
            Error::Config(format!(
                "cannot open the database at {}: {e}",
                redact_url(url)
            ))
        })?;
        Ok(Db {
            pool,
            backend,
            clock: Arc::new(SystemClock),
        })
    }

    /// This handle reading the time from `clock` instead (tests: a
    /// [`crate::clock::ManualClock`]); the pool is shared with `self`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The clock every time read of the registry goes through.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Unix milliseconds now, by [`Db::clock`].
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Applies the migrations for this backend that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| Error::Config(format!("database migration failed: {e}")))
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a transaction. On SQLite the first statement of a write transaction must be a
    /// write, so that it waits for the write lock (busy timeout) instead of failing on upgrade.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// (connections open, of which idle) in the pool, for `/metrics`.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The URL without its password, for messages and logs.
/// The one text column `sql` selects for `key`, if there is a row: the read of the small
/// key/value tables (`crawl_state`, `registry_meta`).
async fn text_value(db: &Db, sql: &'static str, key: &str) -> Result<Option<String>> {
    let row = sqlx::query(sql).bind(key).fetch_optional(db.pool()).await?;
    Ok(match row {
        Some(r) => Some(sqlx::Row::try_get(&r, 0)?),
        None => None,
    })
}

pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            // Setting a password only fails for URLs that cannot have one, which we just saw.
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Whether a database error is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// `LIKE` pattern for a substring search, with the pattern characters escaped (use with
/// `ESCAPE '\'`).
pub fn like_contains(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_url() {
        assert_eq!(
            Backend::from_url("sqlite:///tmp/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:hunter2@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        let err = Backend::from_url("mysql://u:hunter2@h/db")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| !e.contains("hunter2")));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("a%b_c\\"), "%a\\%b\\_c\\\\%");
        assert_eq!(like_contains(""), "%%");
    }
}
