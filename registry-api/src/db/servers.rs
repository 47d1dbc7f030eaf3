//! `servers`: one row per server name.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::placeholders::{bind_rows, tuples};
use super::{Db, Tx};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct ServerRow {
    pub id: i64,
    pub name: String,
    pub namespace: String,
    pub description: Option<String>,
    pub repository_url: Option<String>,
    pub malicious_reason: Option<String>,
}

fn from_row(r: &AnyRow) -> Result<ServerRow> {
    Ok(ServerRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        namespace: r.try_get("namespace")?,
        description: r.try_get("description")?,
        repository_url: r.try_get("repository_url")?,
        malicious_reason: r.try_get("malicious_reason")?,
    })
}

/// What a release says about its server; the newest upload wins.
#[derive(Debug, Clone)]
pub struct NewServer<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub description: Option<&'a str>,
    pub repository_url: Option<&'a str>,
}

/// Creates the server or touches it, returning its id. This is the first statement of every
/// write transaction about a server: it takes the row lock (PostgreSQL) or the write lock
/// (SQLite), so concurrent writes to one server are serialized from here on.
pub async fn upsert(tx: &mut Tx, s: &NewServer<'_>, now_ms: i64) -> Result<i64> {
    let rows = upsert_many(tx, std::slice::from_ref(s), now_ms).await?;
    rows.get(s.name)
        .map(|r| r.id)
        .ok_or_else(|| Error::Internal(format!("the upsert of {} returned no row", s.name)))
}

/// What a server row shows, as the upsert found or made it.
#[derive(Debug, Clone)]
pub struct ServerShown {
    pub id: i64,
    pub description: Option<String>,
    pub repository_url: Option<String>,
}

/// [`upsert`] for many servers (distinct names): name → the row.
pub async fn upsert_many(
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
    let q = bind_rows(&sql, servers, |q, s| {
        q.bind(s.name)
            .bind(s.namespace)
            .bind(s.description)
            .bind(s.repository_url)
            .bind(now_ms)
            .bind(now_ms)
    });
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

/// Sets the description and repository shown for the server (from its latest release).
pub async fn set_display(
    tx: &mut Tx,
    server_id: i64,
    description: Option<&str>,
    repository_url: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE servers SET description = $1, repository_url = $2 WHERE id = $3")
        .bind(description)
        .bind(repository_url)
        .bind(server_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records the GitHub repository id a proof established for the server (survives renames).
pub async fn set_github_repository_id(
    tx: &mut Tx,
    server_id: i64,
    repository_id: i64,
) -> Result<()> {
    sqlx::query("UPDATE servers SET github_repository_id = $1 WHERE id = $2")
        .bind(repository_id)
        .bind(server_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<ServerRow>> {
    let row = sqlx::query(
        "SELECT id, name, namespace, description, repository_url, malicious_reason \
         FROM servers WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(db.pool())
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn count(db: &Db) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM servers")
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}
