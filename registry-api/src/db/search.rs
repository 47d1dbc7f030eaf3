//! What the search index reads: the change sequence (`search_changes`, written by triggers in
//! the same transaction as every change) and one row per server with its latest release.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::releases::{self, ReleaseRow};
use super::{Backend, Db};
use crate::error::Result;

/// A server with its latest release, as the index needs it.
#[derive(Debug, Clone)]
pub struct SearchRow {
    pub release: ReleaseRow,
    pub stars: Option<i64>,
    /// The repository's GitHub topics (a JSON array), when the crawler saw it.
    pub topics: Option<String>,
    /// When the server or its latest release last changed (unix ms).
    pub updated_at: i64,
}

const SELECT: &str = concat!(
    "SELECT ",
    releases::release_columns!(),
    releases::trust_columns!(),
    ", COALESCE(s.stars, g.stars) AS stars, \
     g.topics AS repo_topics, s.updated_at AS server_updated_at \
     FROM servers s JOIN releases r ON r.server_id = s.id AND r.is_latest = 1 \
     LEFT JOIN keys k ON k.key_id = r.key_id \
     LEFT JOIN github_repos g ON g.github_id = s.github_repository_id"
);

fn from_row(r: &AnyRow) -> Result<SearchRow> {
    let release = releases::from_row(r)?;
    let server_updated: i64 = r.try_get("server_updated_at")?;
    Ok(SearchRow {
        updated_at: server_updated.max(release.updated_at),
        stars: r.try_get("stars")?,
        topics: r.try_get("repo_topics")?,
        release,
    })
}

/// One page of servers in id order, starting after `after_id`, for a full rebuild.
pub async fn page(db: &Db, after_id: i64, limit: i64) -> Result<Vec<SearchRow>> {
    let sql = format!("{SELECT} WHERE s.id > $1 ORDER BY s.id LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(after_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The servers with these ids that have a latest release (a server may have none left to
/// show only while its first release is being written).
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<SearchRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("{SELECT} WHERE s.id IN ({})", placeholders.join(", "));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let rows = q.fetch_all(db.pool()).await?;
        for r in &rows {
            out.push(from_row(r)?);
        }
    }
    Ok(out)
}

/// The highest change sequence number written so far (0 when none).
pub async fn max_seq(db: &Db) -> Result<i64> {
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS m FROM search_changes")
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("m")?)
}

/// Changes above `floor`, in sequence order: (seq, server id).
pub async fn changes_after(db: &Db, floor: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT seq, server_id FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(floor)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("seq")?, r.try_get("server_id")?)))
        .collect()
}

/// How many recorded changes come after `floor` (the index's lag, for `/metrics`).
pub async fn changes_count_after(db: &Db, floor: i64) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM search_changes WHERE seq > $1")
        .bind(floor)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// PostgreSQL's transaction horizon: (xmin, xmax) of a fresh snapshot. Every transaction with
/// an id below xmin has ended; every transaction that starts later gets an id of at least
/// xmax. `None` on SQLite, whose writers are serialized (nothing commits out of order).
pub async fn xid_horizon(db: &Db) -> Result<Option<(i64, i64)>> {
    if db.backend() != Backend::Postgres {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, \
         pg_snapshot_xmax(pg_current_snapshot())::text AS xmax",
    )
    .fetch_one(db.pool())
    .await?;
    let xmin: String = row.try_get("xmin")?;
    let xmax: String = row.try_get("xmax")?;
    let parse = |s: &str| {
        s.parse::<i64>().map_err(|e| {
            crate::error::Error::Internal(format!(
                "PostgreSQL returned a transaction id {s:?}: {e}"
            ))
        })
    };
    Ok(Some((parse(&xmin)?, parse(&xmax)?)))
}

/// Sets a server's GitHub star count (the crawler's job; the bench harness uses it too).
pub async fn set_stars(db: &Db, server_id: i64, stars: i64) -> Result<()> {
    sqlx::query("UPDATE servers SET stars = $1 WHERE id = $2")
        .bind(stars)
        .bind(server_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
