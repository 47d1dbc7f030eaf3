//! `github_repos` (what the crawler recorded of each repository) and `crawl_state` (the
//! crawler's and the mirror's ETags, progress and cursors).

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, Tx};
use crate::error::Result;

pub async fn state_get(db: &Db, key: &str) -> Result<Option<String>> {
    super::text_value(db, "SELECT value FROM crawl_state WHERE key = $1", key).await
}

pub async fn state_set(db: &Db, key: &str, value: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO crawl_state (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A recorded repository.
#[derive(Debug, Clone)]
pub struct RepoRow {
    pub github_id: i64,
    pub full_name: String,
    pub display_name: String,
    pub owner_type: Option<String>,
    pub stars: i64,
    pub forks: i64,
    pub license: Option<String>,
    pub archived: bool,
    pub is_fork: bool,
    pub default_branch: Option<String>,
    /// JSON array.
    pub topics: String,
    pub pushed_at: Option<String>,
    pub key_id: Option<String>,
    /// JSON array of {path, reason}.
    pub problems: String,
    pub server_name: Option<String>,
    pub listing_sha256: Option<String>,
    pub updated_at: i64,
    pub replaced_at: Option<i64>,
}

const SELECT: &str = "SELECT github_id, full_name, display_name, owner_type, stars, forks, \
     license, archived, is_fork, default_branch, topics, pushed_at, key_id, problems, \
     server_name, listing_sha256, updated_at, replaced_at FROM github_repos";

fn from_row(r: &AnyRow) -> Result<RepoRow> {
    Ok(RepoRow {
        github_id: r.try_get("github_id")?,
        full_name: r.try_get("full_name")?,
        display_name: r.try_get("display_name")?,
        owner_type: r.try_get("owner_type")?,
        stars: r.try_get("stars")?,
        forks: r.try_get("forks")?,
        license: r.try_get("license")?,
        archived: r.try_get::<i64, _>("archived")? != 0,
        is_fork: r.try_get::<i64, _>("is_fork")? != 0,
        default_branch: r.try_get("default_branch")?,
        topics: r.try_get("topics")?,
        pushed_at: r.try_get("pushed_at")?,
        key_id: r.try_get("key_id")?,
        problems: r.try_get("problems")?,
        server_name: r.try_get("server_name")?,
        listing_sha256: r.try_get("listing_sha256")?,
        updated_at: r.try_get("updated_at")?,
        replaced_at: r.try_get("replaced_at")?,
    })
}

/// The live (not replaced) repository recorded under `owner/repo`.
pub async fn live_by_name(db: &Db, full_name: &str) -> Result<Option<RepoRow>> {
    let sql = format!("{SELECT} WHERE full_name = $1 AND replaced_at IS NULL");
    let row = sqlx::query(&sql)
        .bind(full_name.to_lowercase())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(tx: &mut Tx, github_id: i64) -> Result<Option<RepoRow>> {
    let sql = format!("{SELECT} WHERE github_id = $1");
    let row = sqlx::query(&sql)
        .bind(github_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Live repositories under `owner/repo` with another id than `github_id` (the name was deleted
/// and re-created): marks them replaced and returns their ids.
pub async fn replace_others(
    tx: &mut Tx,
    full_name: &str,
    github_id: i64,
    now_ms: i64,
) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "UPDATE github_repos SET replaced_at = $1, replaced_by = $2 \
         WHERE full_name = $3 AND github_id <> $2 AND replaced_at IS NULL RETURNING github_id",
    )
    .bind(now_ms)
    .bind(github_id)
    .bind(full_name.to_lowercase())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<i64, _>("github_id")?))
        .collect()
}

/// What the crawler saw; `files` is `None` when only the metadata was read this time.
#[derive(Debug, Clone)]
pub struct RepoFacts<'a> {
    pub github_id: i64,
    pub display_name: &'a str,
    pub owner_type: Option<&'a str>,
    pub description: Option<&'a str>,
    pub stars: i64,
    pub forks: i64,
    pub license: Option<&'a str>,
    pub archived: bool,
    pub is_fork: bool,
    pub default_branch: Option<&'a str>,
    pub topics: &'a str,
    pub pushed_at: Option<&'a str>,
    pub repo_created_at: Option<&'a str>,
    pub files: Option<RepoFiles<'a>>,
}

#[derive(Debug, Clone)]
pub struct RepoFiles<'a> {
    pub key_file: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub problems: &'a str,
    pub server_name: Option<&'a str>,
    pub listing_sha256: Option<&'a str>,
}

/// Inserts or updates a repository in one statement. Metadata-only updates (`files: None`) keep
/// the file-derived columns; an update clears `replaced_*` and keeps `first_seen_at`.
pub async fn upsert(tx: &mut Tx, f: &RepoFacts<'_>, now_ms: i64) -> Result<()> {
    let files = f.files.clone().unwrap_or(RepoFiles {
        key_file: None,
        key_id: None,
        problems: "[]",
        server_name: None,
        listing_sha256: None,
    });
    sqlx::query(
        "INSERT INTO github_repos (github_id, full_name, display_name, owner_type, \
         description, stars, forks, license, archived, is_fork, default_branch, topics, \
         pushed_at, repo_created_at, key_file, key_id, problems, server_name, \
         listing_sha256, first_seen_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) \
         ON CONFLICT (github_id) DO UPDATE SET full_name = excluded.full_name, \
         display_name = excluded.display_name, owner_type = excluded.owner_type, \
         description = excluded.description, stars = excluded.stars, forks = excluded.forks, \
         license = excluded.license, archived = excluded.archived, is_fork = excluded.is_fork, \
         default_branch = excluded.default_branch, topics = excluded.topics, \
         pushed_at = excluded.pushed_at, repo_created_at = excluded.repo_created_at, \
         updated_at = excluded.updated_at, replaced_at = NULL, replaced_by = NULL, \
         key_file = CASE WHEN $21 = 1 THEN excluded.key_file ELSE github_repos.key_file END, \
         key_id = CASE WHEN $21 = 1 THEN excluded.key_id ELSE github_repos.key_id END, \
         problems = CASE WHEN $21 = 1 THEN excluded.problems ELSE github_repos.problems END, \
         server_name = CASE WHEN $21 = 1 THEN excluded.server_name \
             ELSE github_repos.server_name END, \
         listing_sha256 = CASE WHEN $21 = 1 THEN excluded.listing_sha256 \
             ELSE github_repos.listing_sha256 END",
    )
    .bind(f.github_id)
    .bind(f.display_name.to_lowercase())
    .bind(f.display_name)
    .bind(f.owner_type)
    .bind(f.description)
    .bind(f.stars)
    .bind(f.forks)
    .bind(f.license)
    .bind(i64::from(f.archived))
    .bind(i64::from(f.is_fork))
    .bind(f.default_branch)
    .bind(f.topics)
    .bind(f.pushed_at)
    .bind(f.repo_created_at)
    .bind(files.key_file)
    .bind(files.key_id)
    .bind(files.problems)
    .bind(files.server_name)
    .bind(files.listing_sha256)
    .bind(now_ms)
    .bind(i64::from(f.files.is_some()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A server row as the crawler needs it.
#[derive(Debug, Clone)]
pub struct LinkedServer {
    pub id: i64,
    pub name: String,
    pub github_repository_id: Option<i64>,
    pub stars: Option<i64>,
    /// Origins of its releases.
    pub origins: Vec<String>,
    /// sha256 of its latest crawled release, if any.
    pub repository_url: Option<String>,
}

/// Servers whose repository URL names `owner/repo` (any case, with or without `.git`), or
/// that are linked to `github_id`, or that are named `name`.
pub async fn servers_for(
    tx: &mut Tx,
    full_name: &str,
    github_id: i64,
    name: Option<&str>,
) -> Result<Vec<LinkedServer>> {
    let url = format!("https://github.com/{}", full_name.to_lowercase());
    let rows = sqlx::query(
        "SELECT id, name, github_repository_id, stars, repository_url FROM servers \
         WHERE LOWER(repository_url) IN ($1, $2, $3) OR github_repository_id = $4 OR name = $5 \
         ORDER BY id",
    )
    .bind(&url)
    .bind(format!("{url}.git"))
    .bind(format!("{url}/"))
    .bind(github_id)
    .bind(name.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let origins = sqlx::query("SELECT DISTINCT origin FROM releases WHERE server_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|o| o.try_get::<String, _>("origin"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        out.push(LinkedServer {
            id,
            name: r.try_get("name")?,
            github_repository_id: r.try_get("github_repository_id")?,
            stars: r.try_get("stars")?,
            origins,
            repository_url: r.try_get("repository_url")?,
        });
    }
    Ok(out)
}

/// Sets the GitHub facts the server row carries (stars for search, the repository id).
pub async fn link_server(
    tx: &mut Tx,
    server_id: i64,
    github_id: i64,
    stars: i64,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE servers SET github_repository_id = $1, stars = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(github_id)
    .bind(stars)
    .bind(now_ms)
    .bind(server_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The live repository linked to each of these servers: server id → row.
pub async fn facts_for_servers(db: &Db, server_ids: &[i64]) -> Result<HashMap<i64, RepoRow>> {
    let mut out = HashMap::new();
    for chunk in server_ids.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT s.id AS server_id, g.github_id, g.full_name, g.display_name, g.owner_type, \
             g.stars, g.forks, g.license, g.archived, g.is_fork, g.default_branch, g.topics, \
             g.pushed_at, g.key_id, g.problems, g.server_name, g.listing_sha256, g.updated_at, \
             g.replaced_at FROM servers s JOIN github_repos g \
             ON g.github_id = s.github_repository_id WHERE s.id IN ({})",
            placeholders.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.pool()).await? {
            out.insert(r.try_get::<i64, _>("server_id")?, from_row(&r)?);
        }
    }
    Ok(out)
}

/// (repositories, with problems) recorded.
pub async fn counts(db: &Db) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM github_repos) AS n, \
         (SELECT COUNT(*) FROM github_repos WHERE problems <> '[]') AS p",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("n")?, row.try_get("p")?))
}
