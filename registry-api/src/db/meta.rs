//! `registry_meta`: small key/value facts about the database itself (e.g. which seed is loaded).

use sqlx::Row;

use super::Db;
use crate::error::Result;

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM registry_meta WHERE key = $1")
        .bind(key)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(r) => Some(r.try_get("value")?),
        None => None,
    })
}

pub async fn set(db: &Db, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO registry_meta (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(db.pool())
    .await?;
    Ok(())
}
