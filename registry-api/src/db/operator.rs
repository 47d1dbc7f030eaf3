//! `operator_statements` and their effects: `official_namespaces`, and the malicious flags on
//! `servers` and `releases`.

use sqlx::Row;

use super::{Db, Tx};
use crate::error::Result;

/// A statement as stored (the exact signed fields and the `.minisig` text).
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    pub action: &'a str,
    pub subject: &'a str,
    pub reason: Option<&'a str>,
    pub key_id: &'a str,
    pub issued_at: i64,
    pub signature: &'a str,
}

pub async fn insert(tx: &mut Tx, s: &NewStatement<'_>, now: i64) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO operator_statements (action, subject, reason, key_id, issued_at, signature, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.action)
    .bind(s.subject)
    .bind(s.reason)
    .bind(s.key_id)
    .bind(s.issued_at)
    .bind(s.signature)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get("id")?)
}

/// The newest `issued_at` of the statements about `subject`, and whether `signature` was
/// applied before (a replay).
pub async fn last_about(
    tx: &mut Tx,
    subject: &str,
    signature: &str,
) -> Result<(Option<i64>, bool)> {
    let row = sqlx::query(
        "SELECT MAX(issued_at) AS last, \
         (SELECT COUNT(*) FROM operator_statements WHERE signature = $2) AS same \
         FROM operator_statements WHERE subject = $1",
    )
    .bind(subject)
    .bind(signature)
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.try_get("last")?, row.try_get::<i64, _>("same")? > 0))
}

pub async fn set_official(
    tx: &mut Tx,
    namespace: &str,
    reason: Option<&str>,
    statement_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO official_namespaces (namespace, reason, statement_id, vetted_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (namespace) DO UPDATE SET reason = excluded.reason, \
         statement_id = excluded.statement_id, vetted_at = excluded.vetted_at",
    )
    .bind(namespace)
    .bind(reason)
    .bind(statement_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the namespace was official.
pub async fn unset_official(tx: &mut Tx, namespace: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM official_namespaces WHERE namespace = $1")
        .bind(namespace)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Sets (or with `None` clears) the server-wide flag; false when there is no such server.
/// A flag is a takedown: the official status of every release changes (`deleted`).
pub async fn flag_server(tx: &mut Tx, name: &str, reason: Option<&str>, now: i64) -> Result<bool> {
    let r =
        sqlx::query("UPDATE servers SET malicious_reason = $1, updated_at = $2 WHERE name = $3")
            .bind(reason)
            .bind(now)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    if r.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE releases SET status_changed_at = $1, updated_at = $1 \
         WHERE server_id = (SELECT id FROM servers WHERE name = $2)",
    )
    .bind(now)
    .bind(name)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

/// Sets (or clears) one release's flag; false when there is no such release.
pub async fn flag_release(
    tx: &mut Tx,
    name: &str,
    version: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE releases SET malicious_reason = $1, updated_at = $2, status_changed_at = $2 \
         WHERE version = $3 AND server_id = (SELECT id FROM servers WHERE name = $4)",
    )
    .bind(reason)
    .bind(now)
    .bind(version)
    .bind(name)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() > 0)
}

/// The vetted namespaces (lower-case).
pub async fn official_namespaces(db: &Db) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT namespace FROM official_namespaces ORDER BY namespace")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(r.try_get("namespace")?)).collect()
}
