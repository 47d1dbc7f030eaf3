//! Loading server.json documents without signatures: the embedded seed data set and
//! `mcp-registry import FILE`. Imported releases are `listed`, never `signed`.

use std::str::FromStr;

use std::collections::{HashMap, HashSet};

use protocol::api::{ReleaseOrigin, ReleaseScan};
use protocol::{ServerName, Version};
use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::import_batch;
use crate::db::releases::NewRelease;
use crate::db::servers::NewServer;
use crate::db::servers::ServerShown;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};
use crate::service::{ManifestFacts, facts_of, latest, scan};

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
    /// The document as parsed from the file (the facts and the scan read it, not the bytes).
    value: Value,
    name: String,
    namespace: String,
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
        let server_name = match ServerName::from_str(name) {
            Ok(n) => n,
            Err(e) => {
                problems.push(format!("entry {i}: {e}"));
                continue;
            }
        };
        if let Err(e) = Version::from_str(version) {
            problems.push(format!("entry {i} ({name}): {e}"));
            continue;
        }
        let (name, version) = (name.to_string(), version.to_string());
        entries.push(Entry {
            bytes,
            value,
            name,
            namespace: server_name.namespace().as_str().to_string(),
            version,
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

/// Entries stored per round of statements (a few statements per chunk, not per release). Not
/// more: SQLite looks bound parameters up by name, in time that grows with their number.
const CHUNK: usize = 100;

/// An entry with everything that needs no database worked out (in parallel).
struct Prepared {
    entry: Entry,
    facts: ManifestFacts,
    scan: ReleaseScan,
    sha256: String,
}

fn prepare(mut entry: Entry) -> Prepared {
    let value = std::mem::take(&mut entry.value);
    Prepared {
        facts: facts_of(&value),
        // The scanner's findings are stored with each release.
        scan: scan::scan_value(&value),
        sha256: hex::encode(Sha256::digest(&entry.bytes)),
        entry,
    }
}

/// Imports a file (object or array); idempotent.
pub async fn import_bytes(db: &Db, bytes: &[u8], origin: ReleaseOrigin) -> Result<ImportReport> {
    import_with_progress(db, bytes, origin, &|_, _| {}).await
}

/// [`import_bytes`], calling `progress(entries done, entries)` as it goes. One transaction:
/// a failure stores nothing.
pub async fn import_with_progress(
    db: &Db,
    bytes: &[u8],
    origin: ReleaseOrigin,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ImportReport> {
    let entries = parse_entries(bytes)?;
    let total = entries.len() as u64;
    let prepared: Vec<Prepared> = entries.into_par_iter().map(prepare).collect();
    let mut report = ImportReport::default();
    // The first entry of each name@version in the file; later ones are compared with it.
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let now = db.now_ms();
    let mut tx = db.begin().await?;
    let mut done = 0;
    for chunk in prepared.chunks(CHUNK) {
        let fresh: Vec<&Prepared> = chunk
            .iter()
            .filter(|p| {
                let key = (p.entry.name.clone(), p.entry.version.clone());
                match seen.get(&key) {
                    Some(first) => {
                        report.count_existing(&p.entry, first == &p.sha256);
                        false
                    }
                    None => {
                        seen.insert(key, p.sha256.clone());
                        true
                    }
                }
            })
            .collect();
        store_chunk(&mut tx, &fresh, origin, now, &mut report).await?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    tx.commit().await?;
    Ok(report)
}

impl ImportReport {
    fn count_existing(&mut self, entry: &Entry, same_bytes: bool) {
        if same_bytes {
            self.unchanged += 1;
        } else {
            self.conflicting
                .push(format!("{}@{}", entry.name, entry.version));
        }
    }
}

/// Stores a chunk of entries with distinct name@version: the servers, the releases that are
/// new (with their packages and scans), then which release of each server is latest.
async fn store_chunk(
    tx: &mut Tx,
    chunk: &[&Prepared],
    origin: ReleaseOrigin,
    now: i64,
    report: &mut ImportReport,
) -> Result<()> {
    // Servers: the first entry of a name says what a new server row shows.
    let mut servers = Vec::new();
    let mut names = HashSet::new();
    for p in chunk {
        if names.insert(p.entry.name.as_str()) {
            servers.push(NewServer {
                name: &p.entry.name,
                namespace: &p.entry.namespace,
                description: p.facts.description.as_deref(),
                repository_url: p.facts.repository_url.as_deref(),
            });
        }
    }
    let shown = db::servers::upsert_many(tx, &servers, now).await?;
    let server_of = |p: &Prepared| -> Result<&ServerShown> {
        shown.get(&p.entry.name).ok_or_else(|| {
            Error::Internal(format!("the upsert of {} returned no row", p.entry.name))
        })
    };
    let mut releases = Vec::with_capacity(chunk.len());
    for p in chunk {
        releases.push(NewRelease {
            server_id: server_of(p)?.id,
            version: &p.entry.version,
            manifest: &p.entry.bytes,
            manifest_sha256: &p.sha256,
            signature: None,
            key_id: None,
            origin: origin.as_str(),
            packages: &p.facts.packages,
        });
    }
    let inserted = db::releases::insert_many(tx, &releases, now).await?;
    // Each entry with its server and, when it was stored now, its release id.
    let placed: Vec<(&Prepared, &ServerShown, Option<i64>)> = chunk
        .iter()
        .map(|p| {
            let server = server_of(p)?;
            let id = inserted.get(&(server.id, p.entry.version.clone())).copied();
            Ok((*p, server, id))
        })
        .collect::<Result<_>>()?;

    // Versions stored before: unchanged or conflicting.
    let existing: Vec<(i64, &str)> = placed
        .iter()
        .filter(|(_, _, id)| id.is_none())
        .map(|(p, server, _)| (server.id, p.entry.version.as_str()))
        .collect();
    let stored = import_batch::stored_shas(tx, &existing).await?;
    let mut scans = Vec::new();
    for (p, server, id) in &placed {
        match id {
            Some(id) => scans.push(scan::scan_row(*id, &p.scan)?),
            None => {
                let key = (server.id, p.entry.version.clone());
                report.count_existing(&p.entry, stored.get(&key) == Some(&p.sha256));
            }
        }
    }
    report.added += inserted.len();
    db::scans::upsert_many(tx, &scans, now).await?;

    // Latest, for the servers that got a release; a new latest shows what it says.
    let mut touched: Vec<i64> = inserted.keys().map(|(server_id, _)| *server_id).collect();
    touched.sort_unstable();
    touched.dedup();
    let versions = import_batch::versions_of(tx, &touched).await?;
    let latest: HashMap<i64, i64> = versions
        .iter()
        .filter_map(|(server_id, rs)| latest::pick(rs).map(|id| (*server_id, id)))
        .collect();
    let latest_ids: Vec<i64> = touched
        .iter()
        .filter_map(|s| latest.get(s).copied())
        .collect();
    import_batch::set_latest(tx, &touched, &latest_ids, now).await?;
    for (p, server, id) in &placed {
        let is_new_latest = id.is_some() && latest.get(&server.id) == id.as_ref();
        let differs = server.description != p.facts.description
            || server.repository_url != p.facts.repository_url;
        if is_new_latest && differs {
            db::servers::set_display(
                tx,
                server.id,
                p.facts.description.as_deref(),
                p.facts.repository_url.as_deref(),
            )
            .await?;
        }
    }
    Ok(())
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
