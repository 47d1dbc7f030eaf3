//! The transparency log: appends (inside the caller's write transaction), signed checkpoints,
//! proofs and tiles, all computed from the database.
//!
//! **Sequencing.** [`append`] runs as the last step of a write transaction. On PostgreSQL it
//! first takes a transaction-scoped advisory lock, then reads the tree size, so two replicas
//! (or two requests) never give out the same leaf index and the stored hashes always extend
//! the committed tree; on SQLite the transaction holds the database's write lock from its first
//! statement. A rolled-back transaction leaves no leaf behind, and a committed one has its leaf:
//! the log and the state it records change together.
//!
//! **Checkpoints.** After the commit, the writer calls [`checkpoint`], which signs the current
//! tree (if no checkpoint of that size is stored yet) and stores the note. The write answers only
//! then, with the proof that its leaf is in that checkpoint: an acknowledged write is always
//! covered by a signed checkpoint. A crash between the commit and the signing leaves an unsigned
//! tail, which the next `checkpoint` call (any write, `GET /log/checkpoint`, or the start-up)
//! signs. Ed25519 signatures are deterministic, so replicas sharing the log key produce
//! identical notes for the same tree.

use std::collections::HashMap;
use std::path::Path;

use protocol::api::{LogEntryProof, LogEvidence};
use protocol::log::{
    self, Hash, HashMapReader, LogRecord, LogSigner, TilePath, hash_to_base64, stored_hash_index,
};

use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};

/// The registry's log identity: its signing key, named after the origin.
#[derive(Debug)]
pub struct Log {
    signer: LogSigner,
    verifier: protocol::log::LogVerifier,
}

impl Log {
    pub fn new(signer: LogSigner) -> Result<Self> {
        let verifier = protocol::log::LogVerifier::new(signer.verifier_key()).map_err(internal)?;
        Ok(Log { signer, verifier })
    }

    /// Loads the key file, or creates it (mode 0600) on first start. `origin` renames the key
    /// when it differs from the name in the file.
    pub fn open(path: &Path, origin: &str) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let signer = LogSigner::from_key_file(&text, Some(origin)).map_err(|e| {
                    Error::Config(format!("cannot use the log key {}: {e}", path.display()))
                })?;
                Log::new(signer)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let signer = LogSigner::generate(origin, &mut rand_core::OsRng)
                    .map_err(|e| Error::Config(format!("--log-origin: {e}")))?;
                write_secret(path, signer.to_key_file().as_bytes())?;
                tracing::info!(path = %path.display(), "created the log signing key");
                Log::new(signer)
            }
            Err(e) => Err(Error::Config(format!(
                "cannot read the log key {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn origin(&self) -> &str {
        self.signer.origin()
    }

    pub fn verifier_key(&self) -> &str {
        self.signer.verifier_key()
    }
}

/// Writes a new secret file readable by its owner only; refuses to overwrite.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Config(format!("cannot create {}: {e}", parent.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .map_err(|e| Error::Config(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::Config(format!("cannot write {}: {e}", path.display())))
}

fn internal(e: protocol::Error) -> Error {
    Error::Internal(e.to_string())
}

/// Appends `record` as the next leaf, inside `tx` (call it last, just before the commit).
/// Returns the leaf index.
pub async fn append(tx: &mut Tx, db: &Db, record: &LogRecord) -> Result<u64> {
    let bytes = record
        .to_bytes()
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    db::log::lock_for_append(tx, db.backend()).await?;
    let n = db::log::size_tx(tx).await?;
    let leaf = log::leaf_hash(&bytes);
    let need = log::needed_indexes(|r| log::hashes_to_store(n, leaf, r)).map_err(internal)?;
    let have = HashMapReader(db::log::read_hashes_tx(tx, &need).await?);
    let hashes = log::hashes_to_store(n, leaf, &have).map_err(internal)?;
    let subject = record.subject();
    db::log::insert_entry(
        tx,
        &db::log::NewEntry {
            idx: n,
            kind: record.kind(),
            subject: &subject,
            record: &bytes,
            first_hash: stored_hash_index(0, n),
            hashes: &hashes,
        },
        db.now_ms(),
    )
    .await?;
    Ok(n)
}

async fn reader_for(
    db: &Db,
    op: impl Fn(&dyn log::HashReaderDyn) -> protocol::Result<()>,
) -> Result<HashMapReader> {
    let need = log::needed_indexes(op).map_err(internal)?;
    Ok(HashMapReader(db::log::read_hashes(db, &need).await?))
}

/// The root of the tree of `size` leaves.
pub async fn root(db: &Db, size: u64) -> Result<Hash> {
    let r = reader_for(db, |r| log::tree_hash(size, r).map(|_| ())).await?;
    log::tree_hash(size, &r).map_err(internal)
}

/// A signed checkpoint of the current tree.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub size: u64,
    pub note: String,
}

/// The checkpoint of the current tree, signing and storing it if it is new.
pub async fn checkpoint(db: &Db, log: &Log) -> Result<Checkpoint> {
    let size = db::log::size(db).await?;
    // A stored note signed by another key (the key or origin was changed) is signed again.
    if let Some(latest) = db::log::latest_checkpoint(db).await?
        && latest.size >= size
        && log.verifier.verify_checkpoint(&latest.note).is_ok()
    {
        return Ok(Checkpoint {
            size: latest.size,
            note: latest.note,
        });
    }
    let root = root(db, size).await?;
    let note = log.signer.sign_checkpoint(size, root).map_err(internal)?;
    db::log::insert_checkpoint(db, size, &hash_to_base64(&root), &note, db.now_ms()).await?;
    Ok(Checkpoint { size, note })
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves.
pub async fn inclusion(db: &Db, index: u64, size: u64) -> Result<Vec<Hash>> {
    let r = reader_for(db, |r| log::inclusion_proof(index, size, r).map(|_| ())).await?;
    log::inclusion_proof(index, size, &r).map_err(internal)
}

/// The consistency proof between two tree sizes.
pub async fn consistency(db: &Db, from: u64, to: u64) -> Result<Vec<Hash>> {
    let r = reader_for(db, |r| log::consistency_proof(from, to, r).map(|_| ())).await?;
    log::consistency_proof(from, to, &r).map_err(internal)
}

fn b64(proof: &[Hash]) -> Vec<String> {
    proof.iter().map(hash_to_base64).collect()
}

/// A leaf with its inclusion proof against `cp`.
pub async fn entry_proof(
    db: &Db,
    entry: &db::log::EntryRow,
    cp: &Checkpoint,
) -> Result<LogEntryProof> {
    let proof = inclusion(db, entry.idx, cp.size).await?;
    Ok(LogEntryProof {
        index: entry.idx,
        record: String::from_utf8_lossy(&entry.record).into_owned(),
        inclusion_proof: b64(&proof),
    })
}

/// The `release` leaf of NAME@VERSION.
pub async fn release_entry(
    db: &Db,
    name: &str,
    version: &str,
) -> Result<Option<db::log::EntryRow>> {
    let subject = format!("release {name}@{version}");
    Ok(db::log::by_subject(db, &subject)
        .await?
        .into_iter()
        .find(|e| e.kind == "release"))
}

/// The `key` leaf of a key, preferring the grant for `namespace`.
pub async fn key_entry(
    db: &Db,
    key_id: &str,
    namespace: &str,
) -> Result<Option<db::log::EntryRow>> {
    let entries: Vec<_> = db::log::by_subject(db, &format!("key {key_id}"))
        .await?
        .into_iter()
        .filter(|e| e.kind == "key")
        .collect();
    let matching = entries.iter().position(|e| {
        matches!(LogRecord::parse(&e.record), Ok(LogRecord::Key { namespace: ns, .. }) if ns.eq_ignore_ascii_case(namespace))
    });
    Ok(match matching {
        Some(i) => entries.into_iter().nth(i),
        None => entries.into_iter().next(),
    })
}

/// The evidence for a release (and its key), against the current checkpoint. `None` when the
/// release has no leaf (seed and imported releases).
pub async fn release_evidence(
    db: &Db,
    log: &Log,
    name: &str,
    version: &str,
    key: Option<(&str, &str)>,
) -> Result<Option<LogEvidence>> {
    let Some(entry) = release_entry(db, name, version).await? else {
        return Ok(None);
    };
    let cp = checkpoint(db, log).await?;
    let release = entry_proof(db, &entry, &cp).await?;
    let key = match key {
        Some((key_id, namespace)) => match key_entry(db, key_id, namespace).await? {
            Some(e) if e.idx < cp.size => Some(entry_proof(db, &e, &cp).await?),
            _ => None,
        },
        None => None,
    };
    Ok(Some(LogEvidence {
        checkpoint: cp.note,
        tree_size: cp.size,
        release: Some(release),
        key,
    }))
}

/// A tile's bytes: hashes, or an entry bundle. Not found unless the tree covers it.
pub async fn tile(db: &Db, path: &str) -> Result<(TilePath, Vec<u8>)> {
    let tile = TilePath::parse(path).map_err(|e| Error::NotFound(e.to_string()))?;
    let size = db::log::size(db).await?;
    if !tile.exists_in(size) {
        return Err(Error::NotFound(format!(
            "tile {} is beyond the log's {size} entries",
            tile.path()
        )));
    }
    let first = tile
        .first()
        .ok_or_else(|| Error::NotFound("no such tile".to_string()))?;
    let end = first + tile.width;
    let bytes = match tile.merkle_level() {
        None => {
            let rows = db::log::entries(db, first, end).await?;
            if rows.len() as u64 != tile.width {
                return Err(Error::Internal(format!(
                    "log entries {first}..{end} are incomplete"
                )));
            }
            log::tile::encode_bundle(rows.iter().map(|r| r.record.as_slice())).map_err(internal)?
        }
        Some(level) => {
            let indexes: Vec<u64> = (first..end).map(|j| stored_hash_index(level, j)).collect();
            let map: HashMap<u64, Hash> = db::log::read_hashes(db, &indexes).await?;
            let mut out = Vec::with_capacity(indexes.len() * 32);
            for i in &indexes {
                let h = map
                    .get(i)
                    .ok_or_else(|| Error::Internal(format!("stored log hash {i} is missing")))?;
                out.extend_from_slice(&h.0);
            }
            out
        }
    };
    Ok((tile, bytes))
}

/// Appends what was stored before the log existed (keys with their proofs and revocations,
/// signed releases), so that every key and signed release has its leaf. Runs at start-up;
/// with nothing to do it costs two queries. Returns the number of leaves appended.
pub async fn backfill(db: &Db) -> Result<u64> {
    let mut appended = 0;
    for key_id in db::log::unlogged_key_ids(db).await? {
        let Some(key) = db::keys::find(db, &key_id).await? else {
            continue;
        };
        let grants = db::keys::grants_of_key(db, &key_id).await?;
        let mut tx = db::log::begin_write(db).await?;
        for g in &grants {
            let record = LogRecord::Key {
                key_id: key_id.clone(),
                public_key: key.public_key.clone(),
                namespace: g.namespace.clone(),
                proof_kind: g.proof_kind.clone(),
                proof_target: g.proof_target.clone(),
                proof_url: g.proof_url.clone(),
                proof_repository_id: g.proof_repository_id,
                rotated_from: key.rotated_from.clone(),
                rotation_signature: None,
                rotation_issued_at: None,
                time_ms: g.granted_at,
            };
            append(&mut tx, db, &record).await?;
            appended += 1;
        }
        if let Some(at) = key.revoked_at {
            let record = LogRecord::KeyRevoke {
                key_id: key_id.clone(),
                reason: key.revoke_reason.clone(),
                issued_at: None,
                signature: None,
                time_ms: at,
            };
            append(&mut tx, db, &record).await?;
            appended += 1;
        }
        tx.commit().await?;
    }
    for (name, version, sha, key_id, signature, at) in db::log::unlogged_releases(db).await? {
        let mut tx = db::log::begin_write(db).await?;
        let record = LogRecord::Release {
            name,
            version,
            manifest_sha256: sha,
            key_id,
            signature,
            time_ms: at,
        };
        append(&mut tx, db, &record).await?;
        tx.commit().await?;
        appended += 1;
    }
    Ok(appended)
}
