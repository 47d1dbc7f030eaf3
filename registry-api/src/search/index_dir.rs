//! The index's folder on disk: the schema version file, the commit payload that records the
//! floor, and wiping a folder whose index cannot be reused.

use std::path::Path;

use tantivy::Index;

use super::index::{Opened, ix};
use super::schema;
use crate::error::{Error, Result};

const VERSION_FILE: &str = "SCHEMA_VERSION";

pub(super) fn payload(floor: i64) -> String {
    serde_json::json!({ "floor": floor, "schema": schema::SCHEMA_VERSION }).to_string()
}

pub(super) fn floor_of(index: &Index) -> Option<i64> {
    let meta = index.load_metas().ok()?;
    let v: serde_json::Value = serde_json::from_str(meta.payload.as_deref()?).ok()?;
    v.get("floor")?.as_i64()
}

/// Opens the index in `path`, or creates it empty (wiping what is there) when it is missing,
/// unreadable or from another schema version. Returns whether it was reused.
pub(super) fn open_dir(path: &Path) -> Result<(Index, Opened)> {
    std::fs::create_dir_all(path)
        .map_err(|e| Error::Config(format!("cannot create {}: {e}", path.display())))?;
    let version = std::fs::read_to_string(path.join(VERSION_FILE)).unwrap_or_default();
    let has_meta = path.join("meta.json").exists();
    if has_meta && version.trim() == schema::SCHEMA_VERSION.to_string() {
        match Index::open_in_dir(path) {
            Ok(index) => return Ok((index, Opened::Existing)),
            Err(e) => tracing::warn!(error = %e, "the search index is unreadable; rebuilding it"),
        }
    } else if has_meta {
        tracing::info!(
            found = version.trim(),
            want = schema::SCHEMA_VERSION,
            "the search index is from another schema version; rebuilding it"
        );
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
    for entry in entries.flatten() {
        let p = entry.path();
        let res = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        res.map_err(|e| Error::Config(format!("cannot remove {}: {e}", p.display())))?;
    }
    let (schema, _) = schema::build();
    // Hits are fetched from the store one by one: small uncompressed blocks fetch fastest.
    let settings = tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::None,
        docstore_blocksize: 4096,
        ..tantivy::IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(path)
        .map_err(ix)?;
    std::fs::write(path.join(VERSION_FILE), schema::SCHEMA_VERSION.to_string())
        .map_err(|e| Error::Config(format!("cannot write in {}: {e}", path.display())))?;
    Ok((
        index,
        if has_meta {
            Opened::Rebuilt
        } else {
            Opened::Created
        },
    ))
}
