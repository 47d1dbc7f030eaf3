//! `registry_meta`: small key/value facts about the database itself (e.g. which seed is loaded).

use super::Db;
use crate::error::Result;

pub async fn get(db: &Db, key: &str) -> Result<Option<String>> {
    super::text_value(db, "SELECT value FROM registry_meta WHERE key = $1", key).await
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
