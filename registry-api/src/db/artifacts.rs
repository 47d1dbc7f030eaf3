//! `artifact_checks` and `artifact_results` (the registry's artifact checks) and the release's
//! artifact summary columns (`releases.artifacts_state`, `releases.artifacts_problems`); the
//! schedule of both check queues ([`Queue`]). The provenance checks' own rows are in
//! [`super::provenance`].

use sqlx::Row;

use super::{Db, Tx};
use crate::artifacts::PackageResult;
use crate::error::Result;

/// A release whose check is due.
#[derive(Debug, Clone)]
pub struct DueRelease {
    pub release_id: i64,
    pub name: String,
    pub version: String,
    pub manifest: Vec<u8>,
    pub manifest_sha256: String,
}

/// The registry's two check queues, one schedule row per release each: the artifact checks of
/// signed releases (`artifact_checks`) and the build-provenance checks of every release
/// (`provenance_checks`). They share the claim, the backoff and the re-check interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    Artifacts,
    Provenance,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Artifacts => "artifact_checks",
            Queue::Provenance => "provenance_checks",
        }
    }

    /// Which releases the queue checks.
    fn releases(self) -> &'static str {
        match self {
            Queue::Artifacts => "r.signature IS NOT NULL",
            Queue::Provenance => "1 = 1",
        }
    }
}

/// Releases of `queue` never checked, or whose next check is due at `now`, soonest first.
pub async fn due(db: &Db, queue: Queue, now: i64, limit: i64) -> Result<Vec<DueRelease>> {
    let sql = format!(
        "SELECT r.id, s.name, r.version, r.manifest, r.manifest_sha256 \
         FROM releases r JOIN servers s ON s.id = r.server_id \
         LEFT JOIN {table} c ON c.release_id = r.id \
         WHERE {releases} AND (c.release_id IS NULL OR c.next_check_at <= $1) \
         ORDER BY COALESCE(c.next_check_at, 0), r.id LIMIT $2",
        table = queue.table(),
        releases = queue.releases(),
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DueRelease {
                release_id: r.try_get("id")?,
                name: r.try_get("name")?,
                version: r.try_get("version")?,
                manifest: r.try_get("manifest")?,
                manifest_sha256: r.try_get("manifest_sha256")?,
            })
        })
        .collect()
}

/// Reserves a due check of `queue` until `lease_until` (so one replica checks a release at a
/// time); false when another replica holds it or it is not due.
pub async fn claim(
    db: &Db,
    queue: Queue,
    release_id: i64,
    now: i64,
    lease_until: i64,
) -> Result<bool> {
    let sql = format!(
        "INSERT INTO {table} (release_id, state, attempts, next_check_at) \
         VALUES ($1, 'pending', 0, $2) \
         ON CONFLICT (release_id) DO UPDATE SET next_check_at = excluded.next_check_at \
         WHERE {table}.next_check_at <= $3 RETURNING release_id",
        table = queue.table(),
    );
    let row = sqlx::query(&sql)
        .bind(release_id)
        .bind(lease_until)
        .bind(now)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.is_some())
}

/// What the previous checks left.
#[derive(Debug, Clone, Default)]
pub struct PrevState {
    pub release_state: Option<String>,
    pub release_problems: Option<String>,
    pub attempts: i64,
    pub verified_at: Option<i64>,
}

pub async fn check_state(tx: &mut Tx, release_id: i64) -> Result<PrevState> {
    let row = sqlx::query(
        "SELECT r.artifacts_state, r.artifacts_problems, c.attempts, c.verified_at \
         FROM releases r LEFT JOIN artifact_checks c ON c.release_id = r.id WHERE r.id = $1",
    )
    .bind(release_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else {
        return Ok(PrevState::default());
    };
    Ok(PrevState {
        release_state: r.try_get("artifacts_state")?,
        release_problems: r.try_get("artifacts_problems")?,
        attempts: r.try_get::<Option<i64>, _>("attempts")?.unwrap_or(0),
        verified_at: r.try_get("verified_at")?,
    })
}

/// The schedule row of a release.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub release_id: i64,
    pub state: String,
    pub attempts: i64,
    pub checked_at: i64,
    pub next_check_at: i64,
    pub verified_at: Option<i64>,
}

pub async fn upsert_check(tx: &mut Tx, c: &CheckRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO artifact_checks (release_id, state, attempts, checked_at, next_check_at, \
         verified_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (release_id) DO UPDATE SET state = excluded.state, \
         attempts = excluded.attempts, checked_at = excluded.checked_at, \
         next_check_at = excluded.next_check_at, verified_at = excluded.verified_at",
    )
    .bind(c.release_id)
    .bind(&c.state)
    .bind(c.attempts)
    .bind(c.checked_at)
    .bind(c.next_check_at)
    .bind(c.verified_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn replace_results(
    tx: &mut Tx,
    release_id: i64,
    results: &[PackageResult],
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM artifact_results WHERE release_id = $1")
        .bind(release_id)
        .execute(&mut **tx)
        .await?;
    for (i, r) in results.iter().enumerate() {
        sqlx::query(
            "INSERT INTO artifact_results (release_id, position, package, state, compared, \
             expected, observed, ownership, reason, checked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(release_id)
        .bind(i64::try_from(i).unwrap_or(i64::MAX))
        .bind(&r.package)
        .bind(r.state.as_str())
        .bind(&r.compared)
        .bind(&r.expected)
        .bind(&r.observed)
        .bind(&r.ownership)
        .bind(&r.message)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Sets the release's summary (and `updated_at`, so mirrors following `updated_since` and the
/// search triggers see the change).
pub async fn set_release_state(
    tx: &mut Tx,
    release_id: i64,
    state: &str,
    problems: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE releases SET artifacts_state = $1, artifacts_problems = $2, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(state)
    .bind(problems)
    .bind(now)
    .bind(release_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored per-package result.
#[derive(Debug, Clone)]
pub struct ResultRow {
    pub package: String,
    pub state: String,
    pub compared: Option<String>,
    pub expected: Option<String>,
    pub observed: Option<String>,
    pub ownership: Option<String>,
    pub reason: Option<String>,
    pub checked_at: i64,
}

/// The last check's results of a release, in package order.
pub async fn results_of(db: &Db, release_id: i64) -> Result<Vec<ResultRow>> {
    let rows = sqlx::query(
        "SELECT package, state, compared, expected, observed, ownership, reason, checked_at \
         FROM artifact_results WHERE release_id = $1 ORDER BY position",
    )
    .bind(release_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ResultRow {
                package: r.try_get("package")?,
                state: r.try_get("state")?,
                compared: r.try_get("compared")?,
                expected: r.try_get("expected")?,
                observed: r.try_get("observed")?,
                ownership: r.try_get("ownership")?,
                reason: r.try_get("reason")?,
                checked_at: r.try_get("checked_at")?,
            })
        })
        .collect()
}
