//! `keys` and `key_grants`: public keys and what each one is proven for.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, Tx};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct KeyRow {
    pub key_id: String,
    pub public_key: String,
    pub registered_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    pub rotated_from: Option<String>,
}

/// A grant joined with its key: one proof that binds the key to a namespace.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub key: KeyRow,
    pub namespace: String,
    pub proof_kind: String,
    pub proof_target: String,
    pub proof_repository_id: Option<i64>,
    pub proof_url: String,
    pub granted_at: i64,
}

/// A stored grant is read by the one coverage rule the clients apply too.
impl protocol::grant::AsGrant for GrantRow {
    fn as_grant(&self) -> protocol::grant::Grant<'_> {
        protocol::grant::Grant::new(&self.namespace, &self.proof_kind, &self.proof_target)
    }
}

const KEY_COLUMNS: &str =
    "k.key_id, k.public_key, k.registered_at, k.revoked_at, k.revoke_reason, k.rotated_from";

fn key_from_row(r: &AnyRow) -> Result<KeyRow> {
    Ok(KeyRow {
        key_id: r.try_get("key_id")?,
        public_key: r.try_get("public_key")?,
        registered_at: r.try_get("registered_at")?,
        revoked_at: r.try_get("revoked_at")?,
        revoke_reason: r.try_get("revoke_reason")?,
        rotated_from: r.try_get("rotated_from")?,
    })
}

fn grant_from_row(r: &AnyRow) -> Result<GrantRow> {
    Ok(GrantRow {
        key: key_from_row(r)?,
        namespace: r.try_get("namespace")?,
        proof_kind: r.try_get("proof_kind")?,
        proof_target: r.try_get("proof_target")?,
        proof_repository_id: r.try_get("proof_repository_id")?,
        proof_url: r.try_get("proof_url")?,
        granted_at: r.try_get("granted_at")?,
    })
}

pub async fn find(db: &Db, key_id: &str) -> Result<Option<KeyRow>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM keys k WHERE k.key_id = $1");
    let row = sqlx::query(&sql)
        .bind(key_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(key_from_row).transpose()
}

fn grants_select() -> String {
    format!(
        "SELECT {KEY_COLUMNS}, g.namespace, g.proof_kind, g.proof_target, \
         g.proof_repository_id, g.proof_url, g.granted_at \
         FROM key_grants g JOIN keys k ON k.key_id = g.key_id"
    )
}

/// Every grant of a key.
pub async fn grants_of_key(db: &Db, key_id: &str) -> Result<Vec<GrantRow>> {
    let sql = format!("{} WHERE g.key_id = $1 ORDER BY g.id", grants_select());
    let rows = sqlx::query(&sql).bind(key_id).fetch_all(db.pool()).await?;
    rows.iter().map(grant_from_row).collect()
}

/// Every grant in a namespace, live and revoked. Grants are stored lower-case.
pub async fn grants_in_namespace(db: &Db, namespace: &str) -> Result<Vec<GrantRow>> {
    let sql = format!(
        "{} WHERE g.namespace = LOWER($1) ORDER BY g.id",
        grants_select()
    );
    let rows = sqlx::query(&sql)
        .bind(namespace)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(grant_from_row).collect()
}

#[derive(Debug, Clone)]
pub struct NewGrant<'a> {
    pub key_id: &'a str,
    pub public_key: &'a str,
    pub namespace: &'a str,
    pub proof_kind: &'a str,
    pub proof_target: &'a str,
    pub proof_repository_id: Option<i64>,
    pub proof_url: &'a str,
    pub rotated_from: Option<&'a str>,
    pub rotation_signature: Option<&'a str>,
}

/// What [`insert_grant`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantOutcome {
    /// A new grant was stored.
    Inserted,
    /// The same grant was there already (a retry).
    Existing,
    /// The key id belongs to another public key: nothing was stored.
    OtherKey,
}

/// Stores the key (once) and the grant (once per namespace and proof target). Registering the
/// same proof again is a no-op, so clients may retry. Stores no grant when the key id belongs to
/// another public key (checked inside the transaction, so two concurrent registrations of one
/// id cannot both bind it).
pub async fn insert_grant(tx: &mut Tx, g: &NewGrant<'_>, now_ms: i64) -> Result<GrantOutcome> {
    sqlx::query(
        "INSERT INTO keys (key_id, public_key, registered_at, rotated_from, rotation_signature) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING",
    )
    .bind(g.key_id)
    .bind(g.public_key)
    .bind(now_ms)
    .bind(g.rotated_from)
    .bind(g.rotation_signature)
    .execute(&mut **tx)
    .await?;
    let stored: String = sqlx::query("SELECT public_key FROM keys WHERE key_id = $1")
        .bind(g.key_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("public_key")?;
    if stored != g.public_key {
        return Ok(GrantOutcome::OtherKey);
    }
    if g.rotated_from.is_some() {
        // A key first registered without rotation may be linked to its predecessor later.
        sqlx::query(
            "UPDATE keys SET rotated_from = $1, rotation_signature = $2 \
             WHERE key_id = $3 AND rotated_from IS NULL",
        )
        .bind(g.rotated_from)
        .bind(g.rotation_signature)
        .bind(g.key_id)
        .execute(&mut **tx)
        .await?;
    }
    let done = sqlx::query(
        "INSERT INTO key_grants (key_id, namespace, proof_kind, proof_target, \
         proof_repository_id, proof_url, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (key_id, namespace, proof_target) DO NOTHING",
    )
    .bind(g.key_id)
    .bind(g.namespace)
    .bind(g.proof_kind)
    .bind(g.proof_target)
    .bind(g.proof_repository_id)
    .bind(g.proof_url)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(if done.rows_affected() > 0 {
        GrantOutcome::Inserted
    } else {
        GrantOutcome::Existing
    })
}

/// Marks a key revoked (with the key's own signed statement, or `None` when its proof was
/// withdrawn); returns false when it already was.
pub async fn revoke(
    tx: &mut Tx,
    key_id: &str,
    reason: Option<&str>,
    signature: Option<&str>,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE keys SET revoked_at = $1, revoke_reason = $2, revoke_signature = $3 \
         WHERE key_id = $4 AND revoked_at IS NULL",
    )
    .bind(now_ms)
    .bind(reason)
    .bind(signature)
    .bind(key_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub keys: i64,
    pub revoked: i64,
}

pub async fn counts(db: &Db) -> Result<Counts> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM keys) AS keys, \
         (SELECT COUNT(*) FROM keys WHERE revoked_at IS NOT NULL) AS revoked",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(Counts {
        keys: row.try_get("keys")?,
        revoked: row.try_get("revoked")?,
    })
}
