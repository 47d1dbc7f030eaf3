//! Offline checks of a verdict's evidence (`GET /v1/verify`): everything a client can verify
//! without trusting the registry's word, given the registry's pinned log key.
//!
//! [`check_release`] checks, in order: the checkpoint's signature by the pinned key; that the
//! release record and the key record are in the checkpoint's tree (inclusion proofs); that the
//! manifest bytes sent are the ones the log recorded (SHA-256), for the name and version asked;
//! the maintainer's minisign signature over them by the key the log recorded; and that the log
//! recorded a namespace proof of that key covering the server's namespace. What it cannot see
//! (consistency with earlier checkpoints, rollbacks, artifacts, the client's policy) needs the
//! client's state and is up to the caller.

use std::str::FromStr;

use sha2::{Digest, Sha256};

use super::{
    LogRecord, LogVerifier, ReleaseLeaf, SignedCheckpoint, hash_from_base64, leaf_hash, log_err,
};
use crate::api::{LogEntryProof, VerifyResponse};
use crate::error::Result;
use crate::grant::{Grant, covers};
use crate::{PublicKey, Signature};

/// What checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRelease {
    pub name: String,
    pub version: String,
    pub key_id: String,
    pub manifest_sha256: String,
    pub checkpoint: SignedCheckpoint,
    pub release_index: u64,
    pub key_index: u64,
}

fn check_inclusion(what: &str, p: &LogEntryProof, cp: &SignedCheckpoint) -> Result<LogRecord> {
    let proof = p
        .inclusion_proof
        .iter()
        .map(|h| hash_from_base64(h))
        .collect::<Result<Vec<_>>>()?;
    super::verify_inclusion(
        &proof,
        p.index,
        cp.size,
        leaf_hash(p.record.as_bytes()),
        cp.root,
    )
    .map_err(|_| {
        log_err(format!(
            "the {what} record (leaf {}) is not in the checkpoint's tree of size {}: its \
             inclusion proof does not verify",
            p.index, cp.size
        ))
    })?;
    LogRecord::parse(p.record.as_bytes())
}

/// Checks a verify answer's evidence against the pinned log key.
pub fn check_release(resp: &VerifyResponse, verifier: &LogVerifier) -> Result<CheckedRelease> {
    let ev = resp.log.as_ref().ok_or_else(|| {
        log_err("the registry sent no transparency-log evidence for this release")
    })?;
    let cp = verifier.verify_checkpoint(&ev.checkpoint)?;
    if cp.size != ev.tree_size {
        return Err(log_err(format!(
            "the evidence is for a tree of size {}, but the checkpoint is for size {}",
            ev.tree_size, cp.size
        )));
    }
    let release = ev
        .release
        .as_ref()
        .ok_or_else(|| log_err("the evidence has no release record"))?;
    let release_record = check_inclusion("release", release, &cp)?;
    let Some(ReleaseLeaf {
        name,
        version,
        manifest_sha256,
        key_id,
        signature,
        ..
    }) = release_record.as_release()
    else {
        return Err(log_err("the release leaf is not a release record"));
    };
    if resp.name.as_deref() != Some(name) || resp.version.as_deref() != Some(version) {
        return Err(log_err(format!(
            "mix-and-match: the log record is for {name}@{version}, but the answer is for {}@{}",
            resp.name.as_deref().unwrap_or("?"),
            resp.version.as_deref().unwrap_or("?")
        )));
    }
    let manifest = resp
        .manifest
        .as_deref()
        .ok_or_else(|| log_err("the answer carries no manifest"))?;
    let sha = hex::encode(Sha256::digest(manifest.as_bytes()));
    if sha != manifest_sha256 {
        return Err(log_err(format!(
            "mix-and-match: the manifest sent (sha256 {sha}) is not the one the log recorded \
             for {name}@{version} (sha256 {manifest_sha256})"
        )));
    }
    if let Some(claimed) = &resp.manifest_sha256
        && claimed != manifest_sha256
    {
        return Err(log_err(format!(
            "mix-and-match: the answer claims manifest sha256 {claimed}, the log recorded \
             {manifest_sha256}"
        )));
    }
    // The manifest's own name and version.
    let m: serde_json::Value =
        serde_json::from_str(manifest).map_err(|_| log_err("the manifest is not JSON"))?;
    if m.get("name").and_then(|v| v.as_str()) != Some(name)
        || m.get("version").and_then(|v| v.as_str()) != Some(version)
    {
        return Err(log_err(format!(
            "mix-and-match: the manifest names another release than {name}@{version}"
        )));
    }
    // The signature the log recorded, over these bytes, by the key the log recorded.
    let key_ev = ev.key.as_ref().ok_or_else(|| {
        log_err(format!(
            "the evidence has no log record of key {key_id}'s namespace proof"
        ))
    })?;
    let LogRecord::Key {
        key_id: proven_id,
        public_key,
        namespace,
        proof_kind,
        proof_target,
        ..
    } = check_inclusion("key", key_ev, &cp)?
    else {
        return Err(log_err("the key leaf is not a key record"));
    };
    if proven_id != key_id {
        return Err(log_err(format!(
            "the key record is for key {proven_id}, but the release was signed by {key_id}"
        )));
    }
    // The same rule the registry applies at publish time (`grant::covers`).
    let repository_url = m
        .get("repository")
        .and_then(|r| r.get("url"))
        .and_then(|u| u.as_str());
    let grant = Grant::new(&namespace, &proof_kind, &proof_target);
    if !covers(&grant, name, repository_url) {
        return Err(log_err(format!(
            "key {key_id} is proven for {namespace} through {proof_kind} {proof_target}, which \
             does not cover {name} with repository {:?}",
            repository_url.unwrap_or("none")
        )));
    }
    if key_ev.index > release.index {
        return Err(log_err(format!(
            "key {key_id} was proven (leaf {}) after the release was logged (leaf {})",
            key_ev.index, release.index
        )));
    }
    let public = PublicKey::from_str(&public_key)
        .map_err(|e| log_err(format!("the logged public key does not parse: {e}")))?;
    let sig = Signature::from_str(signature)
        .map_err(|e| log_err(format!("the logged signature does not parse: {e}")))?;
    public.verify(manifest.as_bytes(), &sig, false).map_err(|e| {
        log_err(format!(
            "the maintainer's signature does not verify over the manifest with key {key_id}: {e}"
        ))
    })?;
    if let Some(k) = &resp.key
        && (k.key_id != key_id || k.public_key != public_key)
    {
        return Err(log_err(format!(
            "the answer names key {} but the log recorded key {key_id}",
            k.key_id
        )));
    }
    Ok(CheckedRelease {
        name: name.to_owned(),
        version: version.to_owned(),
        key_id: key_id.to_owned(),
        manifest_sha256: manifest_sha256.to_owned(),
        checkpoint: cp,
        release_index: release.index,
        key_index: key_ev.index,
    })
}
