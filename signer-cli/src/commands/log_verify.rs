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
//! statements verify with `--operator-key`. Provenance leaves carry the attestation document
//! the registry verified: it is verified again here against the Sigstore trusted root this
//! build ships (the `provenance` crate, the registry's own code), and must prove what the leaf
//! says (commit, certificate identity, Rekor entry).

use anyhow::{Result, anyhow};
use protocol::PublicKey;
use protocol::api::VerifyResponse;
use protocol::client::Consistency;
use protocol::client::monitor::{Monitor, MonitorCounts};
use protocol::log::tile::decode_bundle;
use protocol::log::{
    Hash, TilePath, VecReader, leaf_hash, stored_hash_index, stored_hashes_of, tree_hash,
};
use serde_json::json;

use super::log_trust_store::{self, LogState};
use super::registry_client::{RegistryClient, query_value};
use crate::cli::LogVerifyArgs;
use crate::output::Output;
use crate::{EXIT_VERIFICATION_FAILED, Reported};

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
    let state_path = state.path().to_path_buf();
    match log_trust_store::check_consistency(
        &client,
        &pinned.verifier,
        &mut state.checkpoint,
        &state_path,
        &cp,
    )? {
        Ok(Consistency::First) => out.note("consistency: first checkpoint seen from this log"),
        Ok(Consistency::Same) => out.note("consistency: same tree as before"),
        Ok(Consistency::Proven { from, to }) => {
            out.note(&format!("consistency: size {from} -> {to} proven"));
        }
        Err(refusal) => problems.push(refusal),
    }

    // Re-verify every signature, with the keys as the log recorded them
    // (`protocol::client::monitor`); this shell fetches the manifests of the releases.
    let root = provenance::TrustRoot::public_good()
        .map_err(|e| anyhow!("the shipped Sigstore trusted root: {e}"))?;
    let mut monitor = Monitor::new(operator_keys(&args.operator_key)?)
        .with_provenance_check(Box::new(move |leaf| reverify_provenance(&root, leaf)));
    for (i, raw) in records.iter().enumerate() {
        let Some(release) = monitor.leaf(i, raw) else {
            continue;
        };
        let resp = client
            .get_json::<VerifyResponse>(&format!(
                "/v1/verify?server={}&version={}",
                query_value(&release.name),
                query_value(&release.version)
            ))
            .map_err(|e| format!("{e:#}"));
        monitor.served(&release, resp.as_ref().map_err(Clone::clone));
        let releases = monitor.counts().releases;
        if releases.is_multiple_of(50) {
            out.note(&format!("signatures: {releases} releases checked"));
        }
    }
    problems.extend(monitor.problems().iter().cloned());
    let MonitorCounts {
        releases,
        statements,
        artifact_checks,
        operator_statements,
        operator_verified,
        provenance,
        provenance_verified,
    } = monitor.counts();
    state.save()?;

    let ok = problems.is_empty();
    let operators = if !monitor.verifies_operators() {
        format!("{operator_statements} operator statements (not verified: pass --operator-key)")
    } else {
        format!("{operator_verified} operator statements verified")
    };
    let summary = format!(
        "log {} size {}: {} entries, {tiles} tiles, {releases} release signatures and \
         {statements} statements re-verified, {artifact_checks} artifact checks, \
         {provenance_verified} of {provenance} provenance leaves re-verified, {operators}",
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
        "provenance": provenance,
        "provenanceVerified": provenance_verified,
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

/// Re-verifies an `attested` provenance leaf's evidence and holds what it proves against the
/// leaf (the monitor counts a leaf logged without its document, too large for a leaf, as not
/// re-verified).
fn reverify_provenance(
    root: &provenance::TrustRoot,
    leaf: &protocol::log::ProvenanceLeaf<'_>,
) -> std::result::Result<(), String> {
    let Some(document) = leaf.evidence else {
        return Err("the leaf carries no attestation document to re-verify".into());
    };
    let proven = provenance::reverify(
        root,
        leaf.name,
        leaf.package,
        leaf.digest,
        leaf.repository,
        document.as_bytes(),
    )
    .map_err(|e| format!("the logged attestation does not verify: {e}"))?;
    let logged_index = u64::try_from(leaf.rekor_log_index).ok();
    for (field, logged, proven) in [
        ("commit", leaf.commit, proven.commit.as_str()),
        (
            "identity",
            leaf.identity,
            proven.certificate_identity.as_str(),
        ),
    ] {
        if logged != proven {
            return Err(format!(
                "the leaf's {field} is {logged}, the attestation proves {proven}"
            ));
        }
    }
    if logged_index != Some(proven.rekor_log_index) {
        return Err(format!(
            "the leaf's Rekor entry is {}, the attestation's is {}",
            leaf.rekor_log_index, proven.rekor_log_index
        ));
    }
    Ok(())
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
