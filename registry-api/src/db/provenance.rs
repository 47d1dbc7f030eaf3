//! `provenance_checks` (the schedule of the build-provenance checks; [`super::artifacts::due`]
//! and [`super::artifacts::claim`] serve both queues) and the release's provenance columns
//! (`releases.provenance_state`, `releases.provenance_facts`).

use sqlx::Row;

use super::Tx;
use crate::error::Result;

/// What the previous provenance checks of a release left.
#[derive(Debug, Clone, Default)]
pub struct PrevProvenance {
    /// `releases.provenance_state`: `attested`, `unattested`, or `None` (never decided).
    pub state: Option<String>,
    /// `releases.provenance_facts` (JSON of `protocol::trust::ProvenanceFacts`).
    pub facts: Option<String>,
    pub attempts: i64,
    pub attested_at: Option<i64>,
}

pub async fn prev(tx: &mut Tx, release_id: i64) -> Result<PrevProvenance> {
    let row = sqlx::query(
        "SELECT r.provenance_state, r.provenance_facts, c.attempts, c.attested_at \
         FROM releases r LEFT JOIN provenance_checks c ON c.release_id = r.id WHERE r.id = $1",
    )
    .bind(release_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else {
        return Ok(PrevProvenance::default());
    };
    Ok(PrevProvenance {
        state: r.try_get("provenance_state")?,
        facts: r.try_get("provenance_facts")?,
        attempts: r.try_get::<Option<i64>, _>("attempts")?.unwrap_or(0),
        attested_at: r.try_get("attested_at")?,
    })
}

/// The schedule row of a release's provenance check.
#[derive(Debug, Clone)]
pub struct ProvenanceCheckRow {
    pub release_id: i64,
    /// `attested`, `unattested` or `pending` (temporary failures).
    pub state: String,
    pub attempts: i64,
    pub checked_at: i64,
    pub next_check_at: i64,
    pub attested_at: Option<i64>,
}

pub async fn upsert_check(tx: &mut Tx, c: &ProvenanceCheckRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO provenance_checks (release_id, state, attempts, checked_at, \
         next_check_at, attested_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (release_id) DO UPDATE SET state = excluded.state, \
         attempts = excluded.attempts, checked_at = excluded.checked_at, \
         next_check_at = excluded.next_check_at, attested_at = excluded.attested_at",
    )
    .bind(c.release_id)
    .bind(&c.state)
    .bind(c.attempts)
    .bind(c.checked_at)
    .bind(c.next_check_at)
    .bind(c.attested_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the release's provenance outcome (the search triggers carry it to the index).
pub async fn set_release(
    tx: &mut Tx,
    release_id: i64,
    state: &str,
    facts: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE releases SET provenance_state = $1, provenance_facts = $2, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(state)
    .bind(facts)
    .bind(now)
    .bind(release_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
