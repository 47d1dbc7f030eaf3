//! The transparency log: an append-only Merkle tree (RFC 6962 / RFC 9162 hashing, SHA-256) of
//! every trust-relevant event, with signed checkpoints (C2SP `tlog-checkpoint` as a C2SP
//! `signed-note`) and the C2SP `tlog-tiles` layout.
//!
//! No I/O here: the registry stores hashes and records in its database and passes them in, and
//! clients check what the registry sent them.
//!
//! - [`record`]: the leaf format ([`LogRecord`]), versioned text, one kind per event;
//! - [`note`]: the registry's log key ([`LogSigner`], [`LogVerifier`]), signing and verifying
//!   checkpoints;
//! - [`tile`]: C2SP tile paths and entry bundles;
//! - this module: hashing, the stored-hash layout, inclusion and consistency proofs.
//!
//! Hashing, stored hashes and proofs come from the `tlog_tiles` crate (Cloudflare's port of Go's
//! `golang.org/x/mod/sumdb/tlog`), checkpoints from its `Checkpoint` and signed notes from
//! `signed_note`. The tile *paths* are ours: `tlog_tiles` writes Go sumdb's
//! `tile/H/L/N` paths, while C2SP tlog-tiles drops the height and names bundles
//! `tile/entries/N`.
//!
//! **Stored hashes** follow Go's layout: every complete subtree's hash has one index
//! ([`stored_hash_index`]); appending leaf `n` stores the hashes [`hashes_to_store`] returns at
//! consecutive indexes from `stored_hash_index(0, n)`. Readers work in two passes so the
//! database is queried once per operation: [`needed_indexes`] runs an operation against a
//! recording reader to learn which stored hashes it reads, the caller fetches them, and the
//! operation runs again on a [`HashMapReader`].

pub mod evidence;
pub mod note;
pub mod record;
mod release_action;
pub mod tile;

use std::cell::RefCell;
use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
pub use tlog_tiles::tlog::{Hash, HashReader};

pub use note::{LogSigner, LogVerifier, SignedCheckpoint};
pub use record::{LogRecord, ProvenanceLeaf, ReleaseLeaf};
pub use release_action::ReleaseAction;
pub use tile::TilePath;

use crate::error::{Error, Result};
use crate::formats::log::HASH_LEN;

fn log_err(msg: impl Into<String>) -> Error {
    Error::Log(msg.into())
}

/// The leaf hash of a record: SHA-256(0x00 || record).
pub fn leaf_hash(record: &[u8]) -> Hash {
    tlog_tiles::tlog::record_hash(record)
}

/// The interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: Hash, right: Hash) -> Hash {
    tlog_tiles::tlog::node_hash(left, right)
}

/// The index of the stored hash of the complete subtree at `level` with number `n`.
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog_tiles::tlog::stored_hash_index(level, n)
}

/// How many hashes are stored for a tree of `size` leaves.
pub fn stored_hash_count(size: u64) -> u64 {
    tlog_tiles::tlog::stored_hash_count(size)
}

/// Hash as base64 (checkpoints and proofs on the wire use base64, like C2SP).
pub fn hash_to_base64(h: &Hash) -> String {
    BASE64.encode(h.0)
}

pub fn hash_from_base64(s: &str) -> Result<Hash> {
    let bytes = BASE64
        .decode(s)
        .map_err(|_| log_err(format!("{s:?} is not a base64 hash")))?;
    hash_from_slice(&bytes)
}

pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash> {
    let arr: [u8; HASH_LEN] = bytes
        .try_into()
        .map_err(|_| log_err(format!("a hash has {HASH_LEN} bytes, not {}", bytes.len())))?;
    Ok(Hash(arr))
}

/// A [`HashReader`] over hashes fetched in advance; a missing index is an error.
#[derive(Debug, Clone, Default)]
pub struct HashMapReader(pub HashMap<u64, Hash>);

impl HashReader for HashMapReader {
    fn read_hashes(
        &self,
        indexes: &[u64],
    ) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
        read_each(indexes, |i| self.0.get(&i))
    }
}

/// Records which indexes an operation reads, answering with zero hashes.
#[derive(Debug, Default)]
struct Recorder(RefCell<Vec<u64>>);

impl HashReader for Recorder {
    fn read_hashes(
        &self,
        indexes: &[u64],
    ) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![Hash([0; HASH_LEN]); indexes.len()])
    }
}

/// The stored-hash indexes `op` reads. `op` must read the same indexes whatever the hashes
/// are, which holds for every operation of this module.
pub fn needed_indexes<T>(op: impl FnOnce(&dyn HashReaderDyn) -> Result<T>) -> Result<Vec<u64>> {
    let rec = Recorder::default();
    op(&rec)?;
    let mut v = rec.0.into_inner();
    v.sort_unstable();
    v.dedup();
    Ok(v)
}

/// Object-safe view of a [`HashReader`], so operations can be written once for both passes.
pub trait HashReaderDyn {
    fn read(&self, indexes: &[u64]) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error>;
}

impl<T: HashReader> HashReaderDyn for T {
    fn read(&self, indexes: &[u64]) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
        self.read_hashes(indexes)
    }
}

struct DynReader<'a>(&'a dyn HashReaderDyn);

impl HashReader for DynReader<'_> {
    fn read_hashes(
        &self,
        indexes: &[u64],
    ) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
        let v = self.0.read(indexes)?;
        if v.len() != indexes.len() {
            // tlog_tiles asserts on this; never hand it a short answer.
            return Err(tlog_tiles::tlog::Error::IndexesNotInTree);
        }
        Ok(v)
    }
}

fn tlog_err(what: &str, e: &tlog_tiles::tlog::Error) -> Error {
    log_err(format!("{what}: {e}"))
}

/// The hashes to store when appending leaf `n` with hash `leaf`, at consecutive indexes from
/// `stored_hash_index(0, n)`.
pub fn hashes_to_store(n: u64, leaf: Hash, r: &dyn HashReaderDyn) -> Result<Vec<Hash>> {
    tlog_tiles::tlog::stored_hashes_for_record_hash(n, leaf, &DynReader(r))
        .map_err(|e| tlog_err("cannot compute the stored hashes", &e))
}

/// The root hash of the tree of `size` leaves.
pub fn tree_hash(size: u64, r: &dyn HashReaderDyn) -> Result<Hash> {
    tlog_tiles::tlog::tree_hash(size, &DynReader(r))
        .map_err(|e| tlog_err("cannot compute the tree hash", &e))
}

/// The RFC 6962 audit path of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof(index: u64, size: u64, r: &dyn HashReaderDyn) -> Result<Vec<Hash>> {
    if index >= size {
        return Err(log_err(format!(
            "leaf {index} is not in a tree of {size} leaves"
        )));
    }
    tlog_tiles::tlog::prove_record(size, index, &DynReader(r))
        .map_err(|e| tlog_err("cannot build the inclusion proof", &e))
}

/// The RFC 6962 consistency proof from the tree of `from` leaves to the tree of `to` leaves.
/// Empty when `from == to`; `from` must be at least 1.
pub fn consistency_proof(from: u64, to: u64, r: &dyn HashReaderDyn) -> Result<Vec<Hash>> {
    if from == 0 || from > to {
        return Err(log_err(format!(
            "no consistency proof from size {from} to size {to}: need 1 <= from <= to"
        )));
    }
    tlog_tiles::tlog::prove_tree(to, from, &DynReader(r))
        .map_err(|e| tlog_err("cannot build the consistency proof", &e))
}

/// Checks that `leaf` is leaf `index` of the tree of `size` leaves with root `root`.
pub fn verify_inclusion(
    proof: &[Hash],
    index: u64,
    size: u64,
    leaf: Hash,
    root: Hash,
) -> Result<()> {
    if index >= size {
        return Err(log_err(format!(
            "leaf {index} cannot be in a tree of {size} leaves"
        )));
    }
    tlog_tiles::tlog::check_record(&proof.to_vec(), size, root, index, leaf).map_err(|_| {
        log_err(format!(
            "the inclusion proof of leaf {index} does not lead to the checkpoint's root for \
             size {size}"
        ))
    })
}

/// Checks that the tree of `from` leaves with root `old` is a prefix of the tree of `to` leaves
/// with root `new`.
pub fn verify_consistency(proof: &[Hash], from: u64, old: Hash, to: u64, new: Hash) -> Result<()> {
    if from > to {
        return Err(log_err(format!(
            "a tree of {to} leaves cannot extend one of {from}"
        )));
    }
    if from == 0 {
        return Ok(());
    }
    if from == to {
        return if proof.is_empty() && old == new {
            Ok(())
        } else {
            Err(log_err(format!(
                "two different roots for the same tree size {to}"
            )))
        };
    }
    tlog_tiles::tlog::check_tree(&proof.to_vec(), to, new, from, old).map_err(|_| {
        log_err(format!(
            "the tree of size {to} is not an extension of the tree of size {from}"
        ))
    })
}

/// Every hash stored for a tree built from `leaves`, in stored-hash order (tests, monitors).
pub fn stored_hashes_of(leaves: &[Hash]) -> Result<Vec<Hash>> {
    let mut stored: Vec<Hash> = Vec::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let n = n as u64;
        let map = VecReader(&stored);
        let new = hashes_to_store(n, *leaf, &map)?;
        stored.extend(new);
    }
    Ok(stored)
}

/// The hashes at `indexes`, in order, as `get` finds them; any missing one is an error.
fn read_each<'h>(
    indexes: &[u64],
    get: impl Fn(u64) -> Option<&'h Hash>,
) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
    indexes
        .iter()
        .map(|&i| {
            get(i)
                .copied()
                .ok_or(tlog_tiles::tlog::Error::IndexesNotInTree)
        })
        .collect()
}

/// A reader over a full vector of stored hashes.
#[derive(Debug, Clone, Copy)]
pub struct VecReader<'a>(pub &'a [Hash]);

impl HashReader for VecReader<'_> {
    fn read_hashes(
        &self,
        indexes: &[u64],
    ) -> std::result::Result<Vec<Hash>, tlog_tiles::tlog::Error> {
        read_each(indexes, |i| {
            usize::try_from(i).ok().and_then(|i| self.0.get(i))
        })
    }
}

#[cfg(test)]
mod tests;
