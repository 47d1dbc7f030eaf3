//! `mcp-sign log verify --registry URL`: a monitor of the registry's transparency log.
//!
//! Downloads the checkpoint, every entry bundle and every hash tile (C2SP tlog-tiles),
//! recomputes the tree from the entries, and checks: the checkpoint's signature by the pinned
//! key and its root; every tile against the recomputed hashes; consistency with the last
//! checkpoint this client saw (recomputed locally, and with the registry's proof); and every
//! signature in the log: releases (fetching each manifest by name and version and checking its
//! SHA-256, and that the key's logged grant covers it by `protocol::grant::covers`, the rule the
//! registry applies), key rotations, revocations, yanks and deprecations, with the keys as the
//! log itself recorded them; artifact checks must follow the release they check, and operator
//! statements verify with `--operator-key`.

use std::collections::HashMap;
use std::str::FromStr;

use anyhow::{Result, anyhow};
use protocol::api::{Statement, VerifyResponse};
use protocol::log::tile::decode_bundle;
use protocol::log::{
    Hash, LogRecord, TilePath, VecReader, leaf_hash, stored_hash_index, stored_hashes_of, tree_hash,
};
use protocol::manifest::Sha256Digest;
use protocol::{PublicKey, Signature, grant};
use serde_json::json;

use super::log_trust_store::{self, Consistency, LogState};
use super::registry_client::{RegistryClient, query_value};
use crate::cli::LogVerifyArgs;
use crate::output::Output;
use crate::{EXIT_VERIFICATION_FAILED, Reported};

/// What a key grant in the log says the key may sign (`protocol::grant`).
#[derive(Debug)]
struct LoggedGrant {
    namespace: String,
    proof_kind: String,
    proof_target: String,
}

impl grant::AsGrant for LoggedGrant {
    fn as_grant(&self) -> grant::Grant<'_> {
        grant::Grant::new(&self.namespace, &self.proof_kind, &self.proof_target)
    }
}

#[derive(Debug, Default)]
struct KeyState {
    public: Option<PublicKey>,
    grants: Vec<LoggedGrant>,
    revoked: bool,
}

impl KeyState {
    /// Whether one of the key's logged grants covers the release, as the registry decides
    /// at publish time.
    fn covers(&self, name: &str, repository_url: Option<&str>) -> bool {
        grant::covering(&self.grants, name, repository_url).is_some()
    }

    fn proven_for(&self) -> String {
        let list: Vec<String> = self
            .grants
            .iter()
            .map(|g| format!("{} via {} {}", g.namespace, g.proof_kind, g.proof_target))
            .collect();
        list.join(", ")
    }
}

/// A maintainer's statement about a release (yank, deprecation, or their withdrawal), checked
/// with the key as the log recorded it; the problem to report otherwise.
fn check_release_statement(
    entry: usize,
    keys: &HashMap<String, KeyState>,
    statement: &Statement<'_>,
    key_id: &str,
    signature: &str,
    what: &str,
) -> std::result::Result<(), String> {
    let Some(public) = keys.get(key_id).and_then(|k| k.public.as_ref()) else {
        return Err(format!(
            "entry {entry}: {what} by {key_id}, a key the log never recorded"
        ));
    };
    let text = statement
        .to_text()
        .map_err(|e| format!("entry {entry}: {what}: the statement cannot be rebuilt: {e}"))?;
    verify_sig(public, text.as_bytes(), signature)
        .map_err(|e| format!("entry {entry}: {what}: {e}"))
}

fn verify_sig(key: &PublicKey, data: &[u8], sig: &str) -> std::result::Result<(), String> {
    let sig = Signature::from_str(sig).map_err(|e| format!("the signature does not parse: {e}"))?;
    key.verify(data, &sig, false).map_err(|e| e.to_string())
}

pub(crate) fn verify(args: LogVerifyArgs, out: &Output) -> Result<()> {
    let client = RegistryClient::new(&args.registry.registry)?;
    let pinned = log_trust_store::pin(&args.trust, &client)?;
    out.note(&pinned.describe());
    let mut state = LogState::load(&args.trust, &pinned.verifier)?;
    let mut problems: Vec<String> = Vec::new();

    let note = client.get_text("/log/checkpoint")?;
    let cp = match pinned.verifier.verify_checkpoint(&note) {
        Ok(cp) => cp,
        Err(e) => {
            let msg = format!("checkpoint: {e}");
            out.result(
                &format!("FAIL {msg}"),
                json!({"ok": false, "exitCode": EXIT_VERIFICATION_FAILED, "problems": [msg]}),
            );
            return Err(Reported {
                summary: msg,
                exit_code: EXIT_VERIFICATION_FAILED,
            }
            .into());
        }
    };
    out.note(&format!(
        "checkpoint: {} size {} root {} (signature ok)",
        cp.origin,
        cp.size,
        cp.root_base64()
    ));

    // Entries.
    let mut records: Vec<Vec<u8>> = Vec::with_capacity(usize::try_from(cp.size).unwrap_or(0));
    for t in TilePath::tiles_for(cp.size, None) {
        let bytes = client.get_bytes(&format!("/log/{}", t.path()))?;
        match decode_bundle(&bytes) {
            Ok(recs) if recs.len() as u64 == t.width => records.extend(recs),
            Ok(recs) => problems.push(format!(
                "entry bundle {} holds {} entries, not {}",
                t.path(),
                recs.len(),
                t.width
            )),
            Err(e) => problems.push(format!("entry bundle {}: {e}", t.path())),
        }
        out.note(&format!("entries: {}/{}", records.len(), cp.size));
    }
    let leaves: Vec<Hash> = records.iter().map(|r| leaf_hash(r)).collect();
    let stored = stored_hashes_of(&leaves).map_err(|e| anyhow!("{e}"))?;
    let reader = VecReader(&stored);
    if records.len() as u64 == cp.size {
        let root = tree_hash(cp.size, &reader).map_err(|e| anyhow!("{e}"))?;
        if root != cp.root {
            problems.push(format!(
                "the entries hash to root {}, but the checkpoint says {}",
                protocol::log::hash_to_base64(&root),
                cp.root_base64()
            ));
        }
    }

    // Hash tiles, level by level.
    let mut tiles = 0usize;
    for level in 0u8..8 {
        let list = TilePath::tiles_for(cp.size, Some(level));
        if list.is_empty() {
            break;
        }
        for t in list {
            let bytes = client.get_bytes(&format!("/log/{}", t.path()))?;
            let first = t.first().unwrap_or(0);
            let merkle = t.merkle_level().unwrap_or(0);
            let mut want = Vec::new();
            for j in first..first + t.width {
                let i = usize::try_from(stored_hash_index(merkle, j)).unwrap_or(usize::MAX);
                if let Some(h) = stored.get(i) {
                    want.extend_from_slice(&h.0);
                }
            }
            if bytes != want {
                problems.push(format!(
                    "tile {} differs from the recomputed tree",
                    t.path()
                ));
            }
            tiles += 1;
        }
    }
    out.note(&format!("hash tiles: {tiles} checked"));

    // Consistency with what this client saw before: recompute the old root locally.
    if let Some(old_note) = state.checkpoint.clone()
        && let Ok(old) = pinned.verifier.verify_checkpoint(&old_note)
        && old.size <= cp.size
        && old.size > 0
        && records.len() as u64 == cp.size
    {
        let local = tree_hash(old.size, &reader).map_err(|e| anyhow!("{e}"))?;
        if local != old.root {
            problems.push(format!(
                "history rewritten: the checkpoint seen before (size {}) has root {}, the log's \
                 first {} entries hash to {}",
                old.size,
                old.root_base64(),
                old.size,
                protocol::log::hash_to_base64(&local)
            ));
        }
    }
    match log_trust_store::check_consistency(&client, &pinned.verifier, &mut state, &cp)? {
        Ok(Consistency::First) => out.note("consistency: first checkpoint seen from this log"),
        Ok(Consistency::Same) => out.note("consistency: same tree as before"),
        Ok(Consistency::Proven { from, to }) => {
            out.note(&format!("consistency: size {from} -> {to} proven"));
        }
        Err(refusal) => problems.push(refusal),
    }

    // Re-verify every signature, with the keys as the log recorded them.
    let mut keys: HashMap<String, KeyState> = HashMap::new();
    let (mut releases, mut statements) = (0usize, 0usize);
    let operator_keys = operator_keys(&args.operator_key)?;
    // Release NAME@VERSION → the manifest SHA-256 its `release` leaf recorded.
    let mut logged_releases: HashMap<String, String> = HashMap::new();
    let (mut artifact_checks, mut operator_statements, mut operator_verified) =
        (0usize, 0usize, 0usize);
    for (i, raw) in records.iter().enumerate() {
        let rec = match LogRecord::parse(raw) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("entry {i}: {e}"));
                continue;
            }
        };
        match rec {
            LogRecord::Key {
                key_id,
                public_key,
                namespace,
                proof_kind,
                proof_target,
                rotated_from,
                rotation_signature,
                rotation_issued_at,
                ..
            } => {
                let public = match PublicKey::from_str(&public_key) {
                    Ok(p) => p,
                    Err(e) => {
                        problems.push(format!("entry {i}: key {key_id}: {e}"));
                        continue;
                    }
                };
                if public.key_id().to_string() != key_id {
                    problems.push(format!("entry {i}: key {key_id} has another key id inside"));
                }
                if let (Some(old), Some(sig), Some(at)) =
                    (&rotated_from, &rotation_signature, rotation_issued_at)
                {
                    let text = Statement::RotateKey {
                        old_key_id: old,
                        new_key_id: &key_id,
                        namespace: &namespace,
                        issued_at: at,
                    }
                    .to_text()
                    .unwrap_or_default();
                    match keys.get(old).and_then(|k| k.public.as_ref()) {
                        Some(old_key) => {
                            if let Err(e) = verify_sig(old_key, text.as_bytes(), sig) {
                                problems.push(format!("entry {i}: rotation to {key_id}: {e}"));
                            }
                            statements += 1;
                        }
                        None => problems.push(format!(
                            "entry {i}: rotation from {old}, a key the log never recorded"
                        )),
                    }
                }
                let k = keys.entry(key_id).or_default();
                k.public = Some(public);
                k.grants.push(LoggedGrant {
                    namespace,
                    proof_kind,
                    proof_target,
                });
            }
            LogRecord::KeyRevoke {
                key_id,
                reason,
                issued_at,
                signature,
                ..
            } => {
                let Some(k) = keys.get_mut(&key_id) else {
                    problems.push(format!("entry {i}: revocation of unknown key {key_id}"));
                    continue;
                };
                if let (Some(sig), Some(at), Some(public)) = (&signature, issued_at, &k.public) {
                    let text = Statement::RevokeKey {
                        key_id: &key_id,
                        reason: reason.as_deref(),
                        issued_at: at,
                    }
                    .to_text()
                    .unwrap_or_default();
                    if let Err(e) = verify_sig(public, text.as_bytes(), sig) {
                        problems.push(format!("entry {i}: revocation of {key_id}: {e}"));
                    }
                    statements += 1;
                }
                k.revoked = true;
            }
            LogRecord::Yank {
                ref name,
                ref version,
                ref key_id,
                ref signature,
                ..
            }
            | LogRecord::Deprecate {
                ref name,
                ref version,
                ref key_id,
                ref signature,
                ..
            } => {
                // The statement as the registry checked it, rebuilt by protocol.
                if let Some(statement) = rec.release_statement() {
                    let what = format!("{} of {name}@{version}", statement.action());
                    check_release_statement(i, &keys, &statement, key_id, signature, &what)
                        .unwrap_or_else(|p| problems.push(p));
                    statements += 1;
                }
            }
            LogRecord::ArtifactCheck {
                name,
                version,
                manifest_sha256,
                ..
            } => {
                // The registry's own check of a release it logged before, by its manifest.
                artifact_checks += 1;
                match logged_releases.get(&format!("{name}@{version}")) {
                    Some(sha) if *sha == manifest_sha256 => {}
                    Some(sha) => problems.push(format!(
                        "entry {i}: artifact check of {name}@{version} names manifest \
                         {manifest_sha256}, the release leaf recorded {sha}"
                    )),
                    None => problems.push(format!(
                        "entry {i}: artifact check of {name}@{version}, a release the log never \
                         recorded"
                    )),
                }
            }
            LogRecord::Operator {
                action,
                subject,
                reason,
                key_id,
                issued_at,
                signature,
                ..
            } => {
                operator_statements += 1;
                if operator_keys.is_empty() {
                    continue;
                }
                let text = Statement::Operator {
                    action,
                    subject: &subject,
                    reason: reason.as_deref(),
                    issued_at,
                }
                .to_text()
                .unwrap_or_default();
                match operator_keys
                    .iter()
                    .find(|k| k.key_id().to_string() == key_id)
                {
                    Some(public) => match verify_sig(public, text.as_bytes(), &signature) {
                        Ok(()) => operator_verified += 1,
                        Err(e) => problems.push(format!("entry {i}: {action} {subject}: {e}")),
                    },
                    None => problems.push(format!(
                        "entry {i}: {action} {subject} is signed by {key_id}, not by a given \
                         --operator-key"
                    )),
                }
            }
            LogRecord::Release {
                name,
                version,
                manifest_sha256,
                key_id,
                signature,
                ..
            } => {
                releases += 1;
                logged_releases.insert(format!("{name}@{version}"), manifest_sha256.clone());
                let Some(k) = keys.get(&key_id) else {
                    problems.push(format!(
                        "entry {i}: {name}@{version} signed by {key_id}, a key the log never recorded"
                    ));
                    continue;
                };
                if k.revoked {
                    problems.push(format!(
                        "entry {i}: {name}@{version} logged after its key {key_id} was revoked"
                    ));
                }
                let resp: VerifyResponse = match client.get_json(&format!(
                    "/v1/verify?server={}&version={}",
                    query_value(&name),
                    query_value(&version)
                )) {
                    Ok(r) => r,
                    Err(e) => {
                        problems.push(format!("entry {i}: cannot fetch {name}@{version}: {e:#}"));
                        continue;
                    }
                };
                let Some(manifest) = resp.manifest else {
                    problems.push(format!(
                        "entry {i}: the registry has no manifest for {name}@{version}"
                    ));
                    continue;
                };
                let sha = Sha256Digest::of(manifest.as_bytes()).to_string();
                if sha != manifest_sha256 {
                    problems.push(format!(
                        "entry {i}: the registry serves {name}@{version} with sha256 {sha}, the \
                         log recorded {manifest_sha256}"
                    ));
                } else if let Some(public) = &k.public
                    && let Err(e) = verify_sig(public, manifest.as_bytes(), &signature)
                {
                    problems.push(format!("entry {i}: {name}@{version}: {e}"));
                }
                // The grant must cover the release as the registry decides it: a GitHub proof
                // covers only the servers whose repository is the proven one.
                let repository_url = serde_json::from_str::<serde_json::Value>(&manifest)
                    .ok()
                    .and_then(|m| m.pointer("/repository/url")?.as_str().map(str::to_owned));
                if sha == manifest_sha256 && !k.covers(&name, repository_url.as_deref()) {
                    problems.push(format!(
                        "entry {i}: {name}@{version}: key {key_id} is proven for [{}], which does \
                         not cover this server with repository {}: the registry should have \
                         refused it",
                        k.proven_for(),
                        repository_url.as_deref().unwrap_or("none")
                    ));
                }
                if releases % 50 == 0 {
                    out.note(&format!("signatures: {releases} releases checked"));
                }
            }
        }
    }
    state.save()?;

    let ok = problems.is_empty();
    let operators = if operator_keys.is_empty() {
        format!("{operator_statements} operator statements (not verified: pass --operator-key)")
    } else {
        format!("{operator_verified} operator statements verified")
    };
    let summary = format!(
        "log {} size {}: {} entries, {tiles} tiles, {releases} release signatures and \
         {statements} statements re-verified, {artifact_checks} artifact checks, {operators}",
        cp.origin,
        cp.size,
        records.len()
    );
    let machine = json!({
        "ok": ok,
        "exitCode": if ok { 0 } else { EXIT_VERIFICATION_FAILED },
        "origin": cp.origin,
        "size": cp.size,
        "root": cp.root_base64(),
        "entries": records.len(),
        "tiles": tiles,
        "releases": releases,
        "statements": statements,
        "artifactChecks": artifact_checks,
        "operatorStatements": operator_statements,
        "operatorStatementsVerified": operator_verified,
        "problems": problems,
    });
    let mut human = String::new();
    for p in &problems {
        human.push_str(&format!("FAIL {p}\n"));
    }
    human.push_str(&if ok {
        format!("ok: {summary}")
    } else {
        format!("inconsistent: {summary}; {} problem(s)", problems.len())
    });
    out.result(&human, machine);
    if ok {
        Ok(())
    } else {
        Err(Reported {
            summary: format!("the log does not verify: {}", problems.join("; ")),
            exit_code: EXIT_VERIFICATION_FAILED,
        }
        .into())
    }
}

/// `--operator-key` values: bare base64 keys or paths of minisign `.pub` files.
fn operator_keys(values: &[String]) -> Result<Vec<PublicKey>> {
    values
        .iter()
        .map(|v| {
            let path = std::path::Path::new(v);
            let parsed = if path.is_file() {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow!("cannot read the operator key {v}: {e}"))?;
                PublicKey::from_file_str(&text)
            } else {
                PublicKey::from_base64(v.trim())
            };
            parsed.map_err(|e| {
                anyhow!(
                    "--operator-key {v:?} is neither a public key nor a readable .pub file: {e}"
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::SecretKey;

    #[test]
    fn release_statements_verify_with_the_logged_key_only() {
        let key = SecretKey::generate(&mut rand_core::OsRng);
        let key_id = key.key_id().to_string();
        let statement = Statement::Deprecate {
            name: "io.github.o/s",
            version: "1.0.0",
            message: Some("use 2.0.0"),
            issued_at: 5,
        };
        let text = statement.to_text().unwrap();
        let sig = key.sign(text.as_bytes(), "t").unwrap().to_file_string();
        let mut keys = HashMap::new();
        let what = "deprecate of io.github.o/s@1.0.0";
        let err = check_release_statement(3, &keys, &statement, &key_id, &sig, what).unwrap_err();
        assert!(err.contains("a key the log never recorded"), "{err}");
        keys.insert(
            key_id.clone(),
            KeyState {
                public: Some(key.public_key()),
                ..KeyState::default()
            },
        );
        assert!(check_release_statement(3, &keys, &statement, &key_id, &sig, what).is_ok());
        // Another message than the one signed does not verify.
        let altered = Statement::Deprecate {
            name: "io.github.o/s",
            version: "1.0.0",
            message: Some("all is fine"),
            issued_at: 5,
        };
        let err = check_release_statement(3, &keys, &altered, &key_id, &sig, what).unwrap_err();
        assert!(
            err.starts_with("entry 3: deprecate of io.github.o/s@1.0.0: "),
            "{err}"
        );
    }
}
