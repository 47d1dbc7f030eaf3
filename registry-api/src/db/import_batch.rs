//! Reads and writes over many releases at once, for imports (`import`, the seed, mirrors):
//! what the one-release functions of `releases` do, for a chunk of servers in one statement.
//! Callers keep chunks under [`MAX_ROWS`] rows.

use std::collections::HashMap;

use sqlx::Row;

use super::Tx;
pub use super::placeholders::MAX_ROWS;
use super::placeholders::list;
use crate::error::Result;

/// The manifest SHA-256 of releases stored before, by (server id, version).
pub async fn stored_shas(
    tx: &mut Tx,
    keys: &[(i64, &str)],
) -> Result<HashMap<(i64, String), String>> {
    let mut out = HashMap::with_capacity(keys.len());
    if keys.is_empty() {
        return Ok(out);
    }
    // Typed: PostgreSQL would read untyped parameters in VALUES as text.
    let pairs: Vec<String> = (0..keys.len())
        .map(|i| {
            format!(
                "(CAST(${} AS BIGINT), CAST(${} AS TEXT))",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect();
    let sql = format!(
        "SELECT server_id, version, manifest_sha256 FROM releases WHERE (server_id, version) IN \
         (VALUES {})",
        pairs.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (server_id, version) in keys {
        q = q.bind(*server_id).bind(*version);
    }
    for r in q.fetch_all(&mut **tx).await? {
        out.insert(
            (r.try_get("server_id")?, r.try_get("version")?),
            r.try_get("manifest_sha256")?,
        );
    }
    Ok(out)
}

/// [`super::releases::versions_of`] for many servers: server id → (id, version, yanked).
pub async fn versions_of(
    tx: &mut Tx,
    server_ids: &[i64],
) -> Result<HashMap<i64, Vec<(i64, String, bool)>>> {
    let mut out: HashMap<i64, Vec<(i64, String, bool)>> = HashMap::new();
    if server_ids.is_empty() {
        return Ok(out);
    }
    let sql = format!(
        "SELECT id, server_id, version, yanked_at FROM releases WHERE server_id IN ({})",
        list(1, server_ids.len())
    );
    let mut q = sqlx::query(&sql);
    for id in server_ids {
        q = q.bind(*id);
    }
    for r in q.fetch_all(&mut **tx).await? {
        let yanked = r.try_get::<Option<i64>, _>("yanked_at")?.is_some();
        out.entry(r.try_get("server_id")?).or_default().push((
            r.try_get("id")?,
            r.try_get("version")?,
            yanked,
        ));
    }
    Ok(out)
}

/// [`super::releases::set_latest`] for many servers at once: each server's latest is one of
/// `latest_ids`; only rows whose flag changes are written (and get a new `updated_at`).
pub async fn set_latest(
    tx: &mut Tx,
    server_ids: &[i64],
    latest_ids: &[i64],
    now_ms: i64,
) -> Result<()> {
    if server_ids.is_empty() {
        return Ok(());
    }
    let latest = list(2, latest_ids.len());
    let servers = list(2 + latest_ids.len(), server_ids.len());
    let flag = if latest_ids.is_empty() {
        "0".to_string()
    } else {
        format!("CASE WHEN id IN ({latest}) THEN 1 ELSE 0 END")
    };
    let sql = format!(
        "UPDATE releases SET is_latest = {flag}, updated_at = $1 \
         WHERE server_id IN ({servers}) AND is_latest <> {flag}"
    );
    let mut q = sqlx::query(&sql).bind(now_ms);
    for id in latest_ids.iter().chain(server_ids) {
        q = q.bind(*id);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
