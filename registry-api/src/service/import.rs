//! Loading server.json documents without signatures: the embedded seed data set and
//! `mcp-registry import FILE`. Imported releases are `listed`, never `signed`.

use std::str::FromStr;

use protocol::api::ReleaseOrigin;
use protocol::{ServerName, Version};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::store_release::{self, ReleaseToStore, Stored};
use crate::service::{latest, manifest_facts, scan};

/// The seed data set: 358 server.json entries from the official MCP registry (MIT; see
/// seed/README.md).
pub static SEED: &[u8] = include_bytes!("../../../seed/official-registry-seed.json");

const SEED_META_KEY: &str = "seed_sha256";

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Releases stored now.
    pub added: usize,
    /// Releases that were there already with the same bytes.
    pub unchanged: usize,
    /// `name@version` that exist with different bytes: left as they are (immutable).
    pub conflicting: Vec<String>,
}

/// One document ready to store.
#[derive(Debug, Clone)]
struct Entry {
    bytes: Vec<u8>,
    name: String,
    version: String,
}

/// Parses a file holding one server.json object or an array of them. Every entry is checked
/// before anything is stored; one bad entry refuses the whole file.
fn parse_entries(bytes: &[u8]) -> Result<Vec<Entry>> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::BadRequest(format!("the file is not valid JSON: {e}")))?;
    let items: Vec<(Vec<u8>, Value)> = match value {
        // A single document keeps its exact bytes.
        Value::Object(_) => vec![(bytes.to_vec(), value)],
        Value::Array(items) => items
            .into_iter()
            .map(|v| serde_json::to_vec(&v).map(|b| (b, v)))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Internal(format!("cannot serialize an entry: {e}")))?,
        _ => {
            return Err(Error::BadRequest(
                "the file must hold a server.json object or an array of them".to_string(),
            ));
        }
    };
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(items.len());
    for (i, (bytes, value)) in items.into_iter().enumerate() {
        let name = value.get("name").and_then(Value::as_str).unwrap_or("");
        let version = value.get("version").and_then(Value::as_str).unwrap_or("");
        if let Err(e) = ServerName::from_str(name) {
            problems.push(format!("entry {i}: {e}"));
            continue;
        }
        if let Err(e) = Version::from_str(version) {
            problems.push(format!("entry {i} ({name}): {e}"));
            continue;
        }
        entries.push(Entry {
            bytes,
            name: name.to_string(),
            version: version.to_string(),
        });
    }
    if !problems.is_empty() {
        return Err(Error::BadRequest(format!(
            "nothing was imported; fix these entries first:\n  {}",
            problems.join("\n  ")
        )));
    }
    Ok(entries)
}

/// Imports a file (object or array); idempotent.
pub async fn import_bytes(db: &Db, bytes: &[u8], origin: ReleaseOrigin) -> Result<ImportReport> {
    let entries = parse_entries(bytes)?;
    // Scanned before the transaction: the scanner's findings are stored with each release.
    let scans: Vec<_> = entries.iter().map(|e| scan::scan_bytes(&e.bytes)).collect();
    let mut report = ImportReport::default();
    let now = db.now_ms();
    let mut tx = db.begin().await?;
    for (i, (e, release_scan)) in entries.iter().zip(&scans).enumerate() {
        if i > 0 && i % 1000 == 0 {
            tracing::info!(done = i, total = entries.len(), "importing");
        }
        let facts = manifest_facts(&e.bytes)?;
        let name =
            ServerName::from_str(&e.name).map_err(|err| Error::BadRequest(err.to_string()))?;
        let release = ReleaseToStore {
            name: &e.name,
            namespace: name.namespace().as_str(),
            version: &e.version,
            bytes: &e.bytes,
            facts: &facts,
            signed: None,
            origin: origin.as_str(),
        };
        let Stored {
            server_id,
            release_id: inserted,
            manifest_sha256: sha,
        } = store_release::store(&mut tx, &release, now).await?;
        if let Some(release_id) = inserted {
            report.added += 1;
            scan::store(&mut tx, release_id, release_scan, now).await?;
            latest::refresh_after_insert(&mut tx, server_id, release_id, &facts, now).await?;
        } else {
            // Within one transaction the row is visible to us, before or after other writers.
            let existing = db::releases::sha_of(&mut tx, server_id, &e.version).await?;
            if existing.as_deref() == Some(sha.as_str()) {
                report.unchanged += 1;
            } else {
                report.conflicting.push(format!("{}@{}", e.name, e.version));
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Loads the embedded seed data set unless this exact seed was loaded before.
pub async fn load_seed(db: &Db) -> Result<Option<ImportReport>> {
    let sha = hex::encode(Sha256::digest(SEED));
    if db::meta::get(db, SEED_META_KEY).await?.as_deref() == Some(sha.as_str()) {
        return Ok(None);
    }
    let report = import_bytes(db, SEED, ReleaseOrigin::Seed).await?;
    db::meta::set(db, SEED_META_KEY, &sha).await?;
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_parses_into_358_valid_entries() {
        let entries = parse_entries(SEED).unwrap();
        assert_eq!(entries.len(), 358);
    }

    #[test]
    fn a_bad_entry_refuses_the_whole_file() {
        let err = parse_entries(br#"[{"name":"io.github.a/b","version":"1.0.0"},{"name":"bad"}]"#)
            .unwrap_err();
        assert!(err.to_string().contains("entry 1"), "{err}");
        assert!(parse_entries(b"42").is_err());
        assert!(parse_entries(b"{").is_err());
    }

    #[test]
    fn a_single_object_keeps_its_exact_bytes() {
        let bytes = b"{ \"name\": \"io.github.a/b\",  \"version\": \"1.0.0\" }\n";
        let entries = parse_entries(bytes).unwrap();
        assert_eq!(entries[0].bytes, bytes);
    }
}
