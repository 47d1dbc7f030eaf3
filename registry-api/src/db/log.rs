//! `log_entries`, `log_hashes`, `log_checkpoints`: the transparency log's storage.

use std::collections::HashMap;

use protocol::log::{Hash, hash_from_slice};
use sqlx::Row;

use super::{Backend, Db, Tx};
use crate::error::{Error, Result};

/// The advisory lock key that serializes log appends on PostgreSQL ("mcp-log" in ASCII).
const APPEND_LOCK_KEY: i64 = 0x006d_6370_2d6c_6f67;

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| Error::Internal(format!("log index {n} is out of range")))
}

fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| Error::Internal(format!("stored log index {n} is negative")))
}

/// Takes the append lock (PostgreSQL; held until the transaction ends). On SQLite the
/// transaction holds the database's write lock already (its first statement wrote).
pub async fn lock_for_append(tx: &mut Tx, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(APPEND_LOCK_KEY)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The number of leaves, inside the appending transaction.
pub async fn size_tx(tx: &mut Tx) -> Result<u64> {
    let row = sqlx::query("SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries")
        .fetch_one(&mut **tx)
        .await?;
    to_u64(row.try_get("n")?)
}

/// The number of leaves committed.
pub async fn size(db: &Db) -> Result<u64> {
    let row = sqlx::query("SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries")
        .fetch_one(db.pool())
        .await?;
    to_u64(row.try_get("n")?)
}

fn hashes_sql(n: usize) -> String {
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "SELECT idx, hash FROM log_hashes WHERE idx IN ({})",
        placeholders.join(", ")
    )
}

fn collect_hashes(rows: &[sqlx::any::AnyRow]) -> Result<HashMap<u64, Hash>> {
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let idx: i64 = r.try_get("idx")?;
        let bytes: Vec<u8> = r.try_get("hash")?;
        let hash = hash_from_slice(&bytes)
            .map_err(|e| Error::Internal(format!("stored log hash {idx}: {e}")))?;
        out.insert(to_u64(idx)?, hash);
    }
    Ok(out)
}

/// Stored hashes by index, read in chunks (missing ones are simply absent).
pub async fn read_hashes(db: &Db, indexes: &[u64]) -> Result<HashMap<u64, Hash>> {
    let mut out = HashMap::with_capacity(indexes.len());
    for chunk in indexes.chunks(500) {
        let sql = hashes_sql(chunk.len());
        let mut q = sqlx::query(&sql);
        for &i in chunk {
            q = q.bind(to_i64(i)?);
        }
        out.extend(collect_hashes(&q.fetch_all(db.pool()).await?)?);
    }
    Ok(out)
}

pub async fn read_hashes_tx(tx: &mut Tx, indexes: &[u64]) -> Result<HashMap<u64, Hash>> {
    if indexes.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = hashes_sql(indexes.len());
    let mut q = sqlx::query(&sql);
    for &i in indexes {
        q = q.bind(to_i64(i)?);
    }
    collect_hashes(&q.fetch_all(&mut **tx).await?)
}

/// One leaf to store, with the stored hashes its append produced (from `first_hash` on).
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'a> {
    pub idx: u64,
    pub kind: &'a str,
    pub subject: &'a str,
    pub record: &'a [u8],
    pub first_hash: u64,
    pub hashes: &'a [Hash],
}

pub async fn insert_entry(tx: &mut Tx, e: &NewEntry<'_>, now_ms: i64) -> Result<()> {
    let NewEntry {
        idx,
        kind,
        subject,
        record,
        first_hash,
        hashes,
    } = *e;
    sqlx::query(
        "INSERT INTO log_entries (idx, kind, subject, record, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(to_i64(idx)?)
    .bind(kind)
    .bind(subject)
    .bind(record)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    for (i, h) in hashes.iter().enumerate() {
        let at = first_hash
            .checked_add(i as u64)
            .ok_or_else(|| Error::Internal("log hash index overflow".to_string()))?;
        sqlx::query("INSERT INTO log_hashes (idx, hash) VALUES ($1, $2)")
            .bind(to_i64(at)?)
            .bind(h.0.to_vec())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub idx: u64,
    pub kind: String,
    pub record: Vec<u8>,
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<EntryRow> {
    Ok(EntryRow {
        idx: to_u64(r.try_get("idx")?)?,
        kind: r.try_get("kind")?,
        record: r.try_get("record")?,
    })
}

/// Entries `from..to`, in order.
pub async fn entries(db: &Db, from: u64, to: u64) -> Result<Vec<EntryRow>> {
    let rows = sqlx::query(
        "SELECT idx, kind, record FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx",
    )
    .bind(to_i64(from)?)
    .bind(to_i64(to)?)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(entry_from_row).collect()
}

/// Every entry about a subject, oldest first.
pub async fn by_subject(db: &Db, subject: &str) -> Result<Vec<EntryRow>> {
    let rows =
        sqlx::query("SELECT idx, kind, record FROM log_entries WHERE subject = $1 ORDER BY idx")
            .bind(subject)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(entry_from_row).collect()
}

#[derive(Debug, Clone)]
pub struct CheckpointRow {
    pub size: u64,
    pub note: String,
}

/// The checkpoint of the largest tree signed so far.
pub async fn latest_checkpoint(db: &Db) -> Result<Option<CheckpointRow>> {
    let row = sqlx::query("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1")
        .fetch_optional(db.pool())
        .await?;
    row.map(|r| {
        Ok(CheckpointRow {
            size: to_u64(r.try_get("size")?)?,
            note: r.try_get("note")?,
        })
    })
    .transpose()
}

/// Stores a checkpoint, replacing one of the same size (with one shared key the notes are
/// identical; after a change of key or origin the new signature replaces the old one).
pub async fn insert_checkpoint(
    db: &Db,
    size: u64,
    root_b64: &str,
    note: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO log_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (size) DO UPDATE SET root = excluded.root, note = excluded.note",
    )
    .bind(to_i64(size)?)
    .bind(root_b64)
    .bind(note)
    .bind(now_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Signed releases without a `release` leaf (stored before the log existed), oldest first.
pub async fn unlogged_releases(
    db: &Db,
) -> Result<Vec<(String, String, String, String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT s.name, r.version, r.manifest_sha256, r.key_id, r.signature, r.published_at \
         FROM releases r JOIN servers s ON s.id = r.server_id \
         WHERE r.signature IS NOT NULL AND r.key_id IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM log_entries e WHERE e.kind = 'release' \
          AND e.subject = 'release ' || s.name || '@' || r.version) \
         ORDER BY r.id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("name")?,
                r.try_get("version")?,
                r.try_get("manifest_sha256")?,
                r.try_get("key_id")?,
                r.try_get("signature")?,
                r.try_get("published_at")?,
            ))
        })
        .collect()
}

/// Keys with no `key` leaf, as (key id, namespace) of their grants, oldest first.
pub async fn unlogged_key_ids(db: &Db) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT k.key_id FROM keys k WHERE NOT EXISTS \
         (SELECT 1 FROM log_entries e WHERE e.kind = 'key' AND e.subject = 'key ' || k.key_id) \
         ORDER BY k.id",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(|r| Ok(r.try_get("key_id")?)).collect()
}

/// Starts a write transaction whose first statement writes, so that on SQLite it waits for the
/// write lock instead of failing to upgrade a read.
pub async fn begin_write(db: &Db) -> Result<Tx> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE registry_meta SET value = value WHERE key = 'log-append'")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}
