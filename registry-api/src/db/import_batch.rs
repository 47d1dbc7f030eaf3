//! Many rows per statement, for imports (`import`, the seed, mirrors): the same rows the
//! one-at-a-time writes in `servers`, `releases` and `scans` leave, in a few statements per
//! chunk instead of several per release. Callers keep chunks under [`MAX_ROWS`] rows.

use std::collections::HashMap;

use sqlx::Row;

use super::Tx;
use super::releases::NewRelease;
use super::scans::ScanRow;
use super::servers::NewServer;
use crate::error::Result;

/// Rows per statement at most: 9 columns × 1,000 stays far below SQLite's 32,766 bound
/// parameters and PostgreSQL's 65,535.
pub const MAX_ROWS: usize = 1000;

/// `($1, $2), ($3, $4), ...`: `rows` tuples of `cols` placeholders, numbered from 1.
fn tuples(rows: usize, cols: usize) -> String {
    let tuple = |r: usize| {
        let ps: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
        format!("({})", ps.join(", "))
    };
    (0..rows).map(tuple).collect::<Vec<_>>().join(", ")
}

/// `$from, $from+1, ...`: `n` placeholders.
fn list(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a server row shows, as the upsert found or made it.
#[derive(Debug, Clone)]
pub struct ServerShown {
    pub id: i64,
    pub description: Option<String>,
    pub repository_url: Option<String>,
}

/// [`super::servers::upsert`] for many servers (distinct names): name → the row.
pub async fn upsert_servers(
    tx: &mut Tx,
    servers: &[NewServer<'_>],
    now_ms: i64,
) -> Result<HashMap<String, ServerShown>> {
    if servers.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "INSERT INTO servers (name, namespace, description, repository_url, created_at, updated_at) \
         VALUES {} ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at \
         RETURNING id, name, description, repository_url",
        tuples(servers.len(), 6)
    );
    let mut q = sqlx::query(&sql);
    for s in servers {
        q = q
            .bind(s.name)
            .bind(s.namespace)
            .bind(s.description)
            .bind(s.repository_url)
            .bind(now_ms)
            .bind(now_ms);
    }
    let rows = q.fetch_all(&mut **tx).await?;
    rows.iter()
        .map(|r| {
            let shown = ServerShown {
                id: r.try_get("id")?,
                description: r.try_get("description")?,
                repository_url: r.try_get("repository_url")?,
            };
            Ok((r.try_get("name")?, shown))
        })
        .collect()
}

/// [`super::releases::insert`] for many releases (distinct (server, version)): the ids of the
/// rows inserted by (server id, version); versions stored before are left as they are.
pub async fn insert_releases(
    tx: &mut Tx,
    releases: &[NewRelease<'_>],
    now_ms: i64,
) -> Result<HashMap<(i64, String), i64>> {
    if releases.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "INSERT INTO releases (server_id, version, manifest, manifest_sha256, signature, key_id, \
         origin, published_at, updated_at) VALUES {} \
         ON CONFLICT (server_id, version) DO NOTHING RETURNING id, server_id, version",
        tuples(releases.len(), 9)
    );
    let mut q = sqlx::query(&sql);
    for r in releases {
        q = q
            .bind(r.server_id)
            .bind(r.version)
            .bind(r.manifest.to_vec())
            .bind(r.manifest_sha256)
            .bind(r.signature)
            .bind(r.key_id)
            .bind(r.origin)
            .bind(now_ms)
            .bind(now_ms);
    }
    let rows = q.fetch_all(&mut **tx).await?;
    let mut inserted = HashMap::with_capacity(rows.len());
    for r in &rows {
        inserted.insert(
            (r.try_get("server_id")?, r.try_get("version")?),
            r.try_get("id")?,
        );
    }
    let packages: Vec<(i64, &(String, String, String))> = releases
        .iter()
        .filter_map(|r| {
            inserted
                .get(&(r.server_id, r.version.to_string()))
                .map(|id| (*id, r))
        })
        .flat_map(|(id, r)| r.packages.iter().map(move |p| (id, p)))
        .collect();
    for chunk in packages.chunks(MAX_ROWS) {
        let sql = format!(
            "INSERT INTO release_packages (release_id, registry_type, identifier, version) VALUES {}",
            tuples(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (id, (registry_type, identifier, version)) in chunk {
            q = q
                .bind(*id)
                .bind(registry_type)
                .bind(identifier)
                .bind(version);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(inserted)
}

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

/// [`super::scans::upsert`] for many releases.
pub async fn upsert_scans(tx: &mut Tx, scans: &[ScanRow], now_ms: i64) -> Result<()> {
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
    let mut q = sqlx::query(&sql);
    for s in scans {
        q = q
            .bind(s.release_id)
            .bind(s.scanner_version)
            .bind(s.tools)
            .bind(s.high)
            .bind(s.warning)
            .bind(s.info)
            .bind(&s.findings)
            .bind(i64::from(s.truncated))
            .bind(now_ms);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(tuples(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3, 2), "$3, $4");
    }
}
