//! `releases` and `release_packages`: one immutable row per (server, version).

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::placeholders::{MAX_ROWS, bind_rows, tuples};
use super::{Db, Tx};
use crate::error::Result;

/// A release joined with its server and the revocation state of its signing key: everything a
/// response and a verdict need.
#[derive(Debug, Clone)]
pub struct ReleaseRow {
    pub id: i64,
    pub server_id: i64,
    pub name: String,
    pub namespace: String,
    pub version: String,
    pub manifest: Vec<u8>,
    pub manifest_sha256: String,
    pub signature: Option<String>,
    pub key_id: Option<String>,
    pub origin: String,
    pub published_at: i64,
    pub updated_at: i64,
    pub is_latest: bool,
    pub yanked_at: Option<i64>,
    pub yank_reason: Option<String>,
    /// Deprecated by the maintainer (unix ms) and their message.
    pub deprecated_at: Option<i64>,
    pub deprecation_message: Option<String>,
    /// When a yank, deprecation or flag (or their withdrawal) last changed the official
    /// status (unix ms); see migrations/sqlite/0008_deprecation.sql.
    pub status_changed_at: Option<i64>,
    /// issued-at of the last yank or deprecation statement applied (they share it).
    pub last_statement_at: Option<i64>,
    pub key_revoked_at: Option<i64>,
    /// The operators' flag on this release, or else on its server.
    pub malicious_reason: Option<String>,
    /// The registry's artifact check (issue 8): `releases.artifacts_state` and the JSON array of
    /// reasons why the artifacts are not verified.
    pub artifacts_state: Option<String>,
    pub artifacts_problems: Option<String>,
    /// The registry's build-provenance check (issue 15): `releases.provenance_state` and the
    /// JSON of `protocol::trust::ProvenanceFacts` it found.
    pub provenance_state: Option<String>,
    pub provenance_facts: Option<String>,
    /// The operators vetted the server's namespace (`mcp-registry admin official`).
    pub publisher_vetted: bool,
}

/// The release's own columns every release query selects (with `releases r` and `servers s`
/// joined); search's queries use them too.
macro_rules! release_columns {
    () => {
        "r.id, r.server_id, s.name, s.namespace, r.version, r.manifest, \
         r.manifest_sha256, r.signature, r.key_id, r.origin, r.published_at, r.updated_at, \
         r.is_latest, r.yanked_at, r.yank_reason, r.deprecated_at, r.deprecation_message, \
         r.status_changed_at, r.last_statement_at, "
    };
}
pub(crate) use release_columns;

/// The trust columns every release query selects (with `releases r`, `servers s` and
/// `keys k` joined); search's queries use them too. A macro, so `concat!` can build the
/// queries at compile time.
macro_rules! trust_columns {
    () => {
        "k.revoked_at AS key_revoked_at, \
         COALESCE(r.malicious_reason, s.malicious_reason) AS malicious_reason, \
         r.artifacts_state, r.artifacts_problems, r.provenance_state, r.provenance_facts, \
         (SELECT COUNT(*) FROM official_namespaces o WHERE o.namespace = LOWER(s.namespace)) \
         AS publisher_vetted"
    };
}
pub(crate) use trust_columns;

const SELECT: &str = concat!(
    "SELECT ",
    release_columns!(),
    trust_columns!(),
    " FROM releases r JOIN servers s ON s.id = r.server_id \
     LEFT JOIN keys k ON k.key_id = r.key_id"
);

/// A release row from any query that selects the columns of `SELECT` (search reads
/// them too, beside its own).
pub(super) fn from_row(r: &AnyRow) -> Result<ReleaseRow> {
    Ok(ReleaseRow {
        id: r.try_get("id")?,
        server_id: r.try_get("server_id")?,
        name: r.try_get("name")?,
        namespace: r.try_get("namespace")?,
        version: r.try_get("version")?,
        manifest: r.try_get("manifest")?,
        manifest_sha256: r.try_get("manifest_sha256")?,
        signature: r.try_get("signature")?,
        key_id: r.try_get("key_id")?,
        origin: r.try_get("origin")?,
        published_at: r.try_get("published_at")?,
        updated_at: r.try_get("updated_at")?,
        is_latest: r.try_get::<i64, _>("is_latest")? != 0,
        yanked_at: r.try_get("yanked_at")?,
        yank_reason: r.try_get("yank_reason")?,
        deprecated_at: r.try_get("deprecated_at")?,
        deprecation_message: r.try_get("deprecation_message")?,
        status_changed_at: r.try_get("status_changed_at")?,
        last_statement_at: r.try_get("last_statement_at")?,
        key_revoked_at: r.try_get("key_revoked_at")?,
        malicious_reason: r.try_get("malicious_reason")?,
        artifacts_state: r.try_get("artifacts_state")?,
        artifacts_problems: r.try_get("artifacts_problems")?,
        provenance_state: r.try_get("provenance_state")?,
        provenance_facts: r.try_get("provenance_facts")?,
        publisher_vetted: r.try_get::<i64, _>("publisher_vetted")? > 0,
    })
}

/// A release to store.
#[derive(Debug, Clone)]
pub struct NewRelease<'a> {
    pub server_id: i64,
    pub version: &'a str,
    pub manifest: &'a [u8],
    pub manifest_sha256: &'a str,
    pub signature: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub origin: &'a str,
    /// (registry type, identifier, version) of each package the manifest names.
    pub packages: &'a [(String, String, String)],
}

/// Inserts a release; `None` when the (server, version) exists already (releases are
/// immutable: the existing row is left as it is).
pub async fn insert(tx: &mut Tx, r: &NewRelease<'_>, now_ms: i64) -> Result<Option<i64>> {
    let inserted = insert_many(tx, std::slice::from_ref(r), now_ms).await?;
    Ok(inserted.get(&(r.server_id, r.version.to_string())).copied())
}

/// [`insert`] for many releases (distinct (server, version)): the ids of the rows inserted by
/// (server id, version); versions stored before are left as they are.
pub async fn insert_many(
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
    let q = bind_rows(&sql, releases, |q, r| {
        q.bind(r.server_id)
            .bind(r.version)
            .bind(r.manifest.to_vec())
            .bind(r.manifest_sha256)
            .bind(r.signature)
            .bind(r.key_id)
            .bind(r.origin)
            .bind(now_ms)
            .bind(now_ms)
    });
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

/// (id, version, yanked) of every release of a server, inside a write transaction.
pub async fn versions_of(tx: &mut Tx, server_id: i64) -> Result<Vec<(i64, String, bool)>> {
    let rows = sqlx::query("SELECT id, version, yanked_at FROM releases WHERE server_id = $1")
        .bind(server_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("id")?,
                r.try_get("version")?,
                r.try_get::<Option<i64>, _>("yanked_at")?.is_some(),
            ))
        })
        .collect()
}

/// Marks `latest_id` as the server's latest release and clears the flag elsewhere; rows whose
/// flag changes get a new `updated_at`, so `updated_since` readers see the change.
pub async fn set_latest(tx: &mut Tx, server_id: i64, latest_id: i64, now_ms: i64) -> Result<()> {
    sqlx::query(
        "UPDATE releases SET is_latest = CASE WHEN id = $1 THEN 1 ELSE 0 END, updated_at = $2 \
         WHERE server_id = $3 AND is_latest <> CASE WHEN id = $1 THEN 1 ELSE 0 END",
    )
    .bind(latest_id)
    .bind(now_ms)
    .bind(server_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A maintainer's lifecycle statement (yank, deprecation, or their withdrawal) to apply to
/// one release.
#[derive(Debug, Clone, Copy)]
pub struct StatementApplied {
    pub release_id: i64,
    /// The statement's `issued-at`: it applies only when newer than the last statement applied
    /// to the release (yank and deprecation statements share `last_statement_at`), so an old
    /// statement cannot be replayed over a newer one.
    pub statement_at: i64,
    /// The official status changes with it (sets `status_changed_at`).
    pub status_changed: bool,
    pub now_ms: i64,
}

/// Records a yank (`yanked = Some(reason)`) or an un-yank (`None`); returns whether it applied
/// (see [`StatementApplied::statement_at`]).
pub async fn set_yanked(
    tx: &mut Tx,
    yanked: Option<Option<&str>>,
    s: &StatementApplied,
) -> Result<bool> {
    let sql = format!("UPDATE releases SET yanked_at = $1, yank_reason = $2, {STATEMENT_APPLIED}");
    apply_statement(tx, &sql, yanked, s).await
}

/// Records a deprecation (`deprecated = Some(message)`) or its withdrawal (`None`); returns
/// whether it applied (see [`StatementApplied::statement_at`]).
pub async fn set_deprecated(
    tx: &mut Tx,
    deprecated: Option<Option<&str>>,
    s: &StatementApplied,
) -> Result<bool> {
    let sql = format!(
        "UPDATE releases SET deprecated_at = $1, deprecation_message = $2, {STATEMENT_APPLIED}"
    );
    apply_statement(tx, &sql, deprecated, s).await
}

/// The rest of a lifecycle statement's UPDATE: the replay guard ($3 the statement's
/// issued-at), `updated_at` ($4) and `status_changed_at` when $5 is 1.
const STATEMENT_APPLIED: &str = "last_statement_at = $3, updated_at = $4, \
     status_changed_at = CASE WHEN $5 = 1 THEN $4 ELSE status_changed_at END \
     WHERE id = $6 AND (last_statement_at IS NULL OR last_statement_at < $3)";

/// Binds `$1` (the time the state was set, `None` when withdrawn), `$2` (its text) and the
/// rest of [`STATEMENT_APPLIED`].
async fn apply_statement(
    tx: &mut Tx,
    sql: &str,
    state: Option<Option<&str>>,
    s: &StatementApplied,
) -> Result<bool> {
    let (at, text) = match state {
        Some(text) => (Some(s.now_ms), text),
        None => (None, None),
    };
    let done = sqlx::query(sql)
        .bind(at)
        .bind(text)
        .bind(s.statement_at)
        .bind(s.now_ms)
        .bind(i64::from(s.status_changed))
        .bind(s.release_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// One page of the official list, ordered by (name, version), starting after the cursor.
#[derive(Debug, Clone)]
pub struct ListQuery<'a> {
    pub latest_only: bool,
    /// Only this exact version of each server.
    pub version: Option<&'a str>,
    pub after: Option<(&'a str, &'a str)>,
    pub search: Option<&'a str>,
    pub updated_since_ms: Option<i64>,
    /// Also releases that are deleted in the official sense (yanked, or flagged malicious).
    pub include_deleted: bool,
    pub limit: i64,
}

/// A release the official API calls `deleted`: yanked by its maintainer, or taken down by the
/// operators (flagged malicious, the release or its server).
pub(crate) const NOT_DELETED: &str =
    "(r.yanked_at IS NULL AND r.malicious_reason IS NULL AND s.malicious_reason IS NULL)";

pub async fn list(db: &Db, q: &ListQuery<'_>) -> Result<Vec<ReleaseRow>> {
    let (after_name, after_version) = q.after.unwrap_or(("", ""));
    let pattern = super::like_contains(&q.search.unwrap_or("").to_lowercase());
    let deleted = if q.include_deleted {
        "1 = 1"
    } else {
        NOT_DELETED
    };
    let sql = format!(
        "{SELECT} WHERE ($1 = 0 OR r.is_latest = 1) \
         AND (s.name > $2 OR (s.name = $2 AND r.version > $3)) \
         AND LOWER(s.name) LIKE $4 ESCAPE '\\' \
         AND r.updated_at >= $5 \
         AND ($7 = '' OR r.version = $7) \
         AND {deleted} \
         ORDER BY s.name, r.version LIMIT $6"
    );
    let rows = sqlx::query(&sql)
        .bind(i64::from(q.latest_only))
        .bind(after_name)
        .bind(after_version)
        .bind(pattern)
        .bind(q.updated_since_ms.unwrap_or(i64::MIN))
        .bind(q.limit)
        .bind(q.version.unwrap_or(""))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn of_server(db: &Db, name: &str) -> Result<Vec<ReleaseRow>> {
    let sql = format!("{SELECT} WHERE s.name = $1 ORDER BY r.published_at DESC, r.id DESC");
    let rows = sqlx::query(&sql).bind(name).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// The releases of several servers, each server's newest first.
pub async fn of_servers(db: &Db, server_ids: &[i64]) -> Result<Vec<ReleaseRow>> {
    if server_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (1..=server_ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{SELECT} WHERE r.server_id IN ({placeholders}) \
         ORDER BY r.server_id, r.published_at DESC, r.id DESC"
    );
    let mut query = sqlx::query(&sql);
    for id in server_ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Db, name: &str, version: &str) -> Result<Option<ReleaseRow>> {
    let sql = format!("{SELECT} WHERE s.name = $1 AND r.version = $2");
    let row = sqlx::query(&sql)
        .bind(name)
        .bind(version)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_latest(db: &Db, name: &str) -> Result<Option<ReleaseRow>> {
    let sql = format!("{SELECT} WHERE s.name = $1 AND r.is_latest = 1");
    let row = sqlx::query(&sql)
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Releases that name a package, newest first.
pub async fn by_package(
    db: &Db,
    registry_type: &str,
    identifier: &str,
    version: Option<&str>,
) -> Result<Vec<ReleaseRow>> {
    let sql = format!(
        "{SELECT} WHERE r.id IN (SELECT p.release_id FROM release_packages p \
         WHERE p.registry_type = $1 AND p.identifier = $2 AND ($3 = '' OR p.version = $3)) \
         ORDER BY r.published_at DESC, r.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(registry_type)
        .bind(identifier)
        .bind(version.unwrap_or(""))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The sha256 of a stored release, inside a write transaction (imports compare it).
pub async fn sha_of(tx: &mut Tx, server_id: i64, version: &str) -> Result<Option<String>> {
    let row =
        sqlx::query("SELECT manifest_sha256 FROM releases WHERE server_id = $1 AND version = $2")
            .bind(server_id)
            .bind(version)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("manifest_sha256")?),
        None => None,
    })
}

#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub releases: i64,
    pub signed: i64,
    pub yanked: i64,
}

pub async fn counts(db: &Db) -> Result<Counts> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM releases) AS releases, \
         (SELECT COUNT(*) FROM releases WHERE signature IS NOT NULL) AS signed, \
         (SELECT COUNT(*) FROM releases WHERE yanked_at IS NOT NULL) AS yanked",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(Counts {
        releases: row.try_get("releases")?,
        signed: row.try_get("signed")?,
        yanked: row.try_get("yanked")?,
    })
}

/// The latest release of each server in a namespace whose name sorts after `after`, by name
/// (the website's namespace page).
pub async fn latest_in_namespace(
    db: &Db,
    namespace: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<ReleaseRow>> {
    // The page's servers first, by name without their manifests, so only the page's
    // manifests are read and sorted.
    let sql = format!(
        "{SELECT} WHERE s.id IN (SELECT id FROM servers WHERE namespace = $1 AND name > $2 \
         ORDER BY name LIMIT $3) AND r.is_latest = 1 ORDER BY s.name"
    );
    let rows = sqlx::query(&sql)
        .bind(namespace)
        .bind(after)
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(from_row).collect()
}
