//! `release_scans`: what the tool-poisoning scanner found in each release (one row per release,
//! replaced when a newer scanner version rescans it).

use std::collections::HashMap;

use sqlx::Row;

use super::placeholders::{bind_rows, tuples};
use super::{Db, Tx};
use crate::error::Result;

/// A stored scan.
#[derive(Debug, Clone)]
pub struct ScanRow {
    pub release_id: i64,
    pub scanner_version: i64,
    pub tools: i64,
    pub high: i64,
    pub warning: i64,
    pub info: i64,
    /// JSON array of `protocol::scan::Finding`.
    pub findings: String,
    pub truncated: bool,
}

/// Stores (or replaces) the scan of a release.
pub async fn upsert(tx: &mut Tx, s: &ScanRow, now_ms: i64) -> Result<()> {
    upsert_many(tx, std::slice::from_ref(s), now_ms).await
}

/// [`upsert`] for many releases.
pub async fn upsert_many(tx: &mut Tx, scans: &[ScanRow], now_ms: i64) -> Result<()> {
    if scans.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO release_scans (release_id, scanner_version, tools, high, warning, info, \
         findings, truncated, scanned_at) VALUES {} \
         ON CONFLICT (release_id) DO UPDATE SET scanner_version = excluded.scanner_version, \
         tools = excluded.tools, high = excluded.high, warning = excluded.warning, \
         info = excluded.info, findings = excluded.findings, truncated = excluded.truncated, \
         scanned_at = excluded.scanned_at",
        tuples(scans.len(), 9)
    );
    let q = bind_rows(&sql, scans, |q, s| {
        q.bind(s.release_id)
            .bind(s.scanner_version)
            .bind(s.tools)
            .bind(s.high)
            .bind(s.warning)
            .bind(s.info)
            .bind(&s.findings)
            .bind(i64::from(s.truncated))
            .bind(now_ms)
    });
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The stored scans of these releases: release id → scan.
pub async fn of_releases(db: &Db, ids: &[i64]) -> Result<HashMap<i64, ScanRow>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT release_id, scanner_version, tools, high, warning, info, findings, truncated \
             FROM release_scans WHERE release_id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            let row = ScanRow {
                release_id: r.try_get("release_id")?,
                scanner_version: r.try_get("scanner_version")?,
                tools: r.try_get("tools")?,
                high: r.try_get("high")?,
                warning: r.try_get("warning")?,
                info: r.try_get("info")?,
                findings: r.try_get("findings")?,
                truncated: r.try_get::<i64, _>("truncated")? != 0,
            };
            out.insert(row.release_id, row);
        }
    }
    Ok(out)
}

/// (id, manifest) of releases after `after_id` (in id order) that have no scan by
/// `scanner_version` or newer.
pub async fn unscanned(
    db: &Db,
    scanner_version: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(i64, Vec<u8>)>> {
    let rows = sqlx::query(
        "SELECT r.id, r.manifest FROM releases r \
         LEFT JOIN release_scans sc ON sc.release_id = r.id \
         WHERE r.id > $1 AND (sc.release_id IS NULL OR sc.scanner_version < $2) \
         ORDER BY r.id LIMIT $3",
    )
    .bind(after_id)
    .bind(scanner_version)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("manifest")?)))
        .collect()
}
