//! Registering keys with a namespace proof, rotating and revoking them.

use std::str::FromStr;

use protocol::api::{KeyInfo, KeyRegisterRequest, KeyRevokeRequest, Statement};
use protocol::{KeyId, Namespace, PublicKey};

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
use crate::service::proofs::{Proofs, Proven};
use crate::service::statements::{check_fresh, parse_signature, statement_text, verify};
use crate::service::views;

/// `POST /v1/keys`. Returns the grant, and whether it is new (201) or was there (200).
pub async fn register(
    db: &Db,
    log: &Log,
    proofs: &Proofs,
    req: &KeyRegisterRequest,
) -> Result<(KeyInfo, bool)> {
    let key = PublicKey::from_str(req.public_key.trim())
        .map_err(|e| Error::BadRequest(format!("publicKey is not a minisign public key: {e}")))?;
    let key_id = key.key_id().to_string();
    let namespace = Namespace::from_str(&req.namespace)
        .map_err(|e| Error::BadRequest(format!("namespace: {e}")))?;
    // Namespaces compare case-insensitively (like DNS); grants are stored lower-case.
    let ns_key = namespace.as_str().to_ascii_lowercase();
    if let Some(existing) = db::keys::find(db, &key_id).await? {
        // minisign key ids are chosen by the key's creator, not derived from the key: anyone
        // can make a key with someone else's id. Binding a second key to a known id would let
        // a proof of one key grant rights to the other, so the first key keeps the id.
        if existing.public_key != key.to_base64() {
            return Err(Error::AlreadyExists(format!(
                "another public key with the key id {key_id} is registered already; generate a \
                 new key (mcp-sign keygen) and register that"
            )));
        }
        if existing.revoked_at.is_some() {
            return Err(Error::KeyRevoked(format!(
                "key {key_id} was revoked and cannot be registered again: generate a new key"
            )));
        }
    }

    let rotation = match (&req.rotated_from, &req.rotation_signature, req.issued_at) {
        (None, None, None) => None,
        (Some(old), Some(sig), Some(issued_at)) => {
            Some(check_rotation(db, old, sig, issued_at, &key_id, &ns_key).await?)
        }
        _ => {
            return Err(Error::BadRequest(
                "a rotation needs all of rotatedFrom, rotationSignature and issuedAt".to_string(),
            ));
        }
    };

    let proven: Proven = if let Some(owner) = namespace.github_owner() {
        if req.domain.is_some() {
            return Err(Error::BadRequest(format!(
                "{namespace} is a GitHub namespace: prove it with repository=OWNER/REPO, not a domain"
            )));
        }
        let repository = req.repository.as_deref().ok_or_else(|| {
            Error::BadRequest(format!(
                "{namespace} is a GitHub namespace: give repository=OWNER/REPO, the repository \
                 whose {} holds this key",
                protocol::formats::WELL_KNOWN_KEY_PATH
            ))
        })?;
        proofs.github(owner, repository, &key).await?
    } else if let Some(domain) = namespace.domain() {
        if req.repository.is_some() {
            return Err(Error::BadRequest(format!(
                "{namespace} is a domain namespace: it is proven by https://{domain}/{}, not by a \
                 repository",
                protocol::formats::WELL_KNOWN_KEY_PATH
            )));
        }
        if let Some(given) = &req.domain
            && !given.eq_ignore_ascii_case(&domain)
        {
            return Err(Error::BadRequest(format!(
                "namespace {namespace} is proven by the domain {domain}, not {given}"
            )));
        }
        proofs.domain(&domain, &key).await?
    } else {
        return Err(Error::BadRequest(format!(
            "namespace {namespace} cannot be proven: use io.github.<owner> or a reverse domain \
             such as com.example"
        )));
    };

    let existing = db::keys::grants_of_key(db, &key_id).await?;
    let was_there = existing
        .iter()
        .any(|g| g.namespace == ns_key && g.proof_target == proven.target);
    let now = db.now_ms();
    let mut tx = db.begin().await?;
    let outcome = db::keys::insert_grant(
        &mut tx,
        &db::keys::NewGrant {
            key_id: &key_id,
            public_key: &key.to_base64(),
            namespace: &ns_key,
            proof_kind: proven.kind.as_str(),
            proof_target: &proven.target,
            proof_repository_id: proven.repository_id,
            proof_url: &proven.url,
            rotated_from: rotation.as_ref().map(|r| r.0.as_str()),
            rotation_signature: rotation.as_ref().map(|r| r.1.as_str()),
        },
        now,
    )
    .await?;
    if outcome == db::keys::GrantOutcome::OtherKey {
        // Dropping the transaction rolls it back.
        return Err(Error::AlreadyExists(format!(
            "another public key with the key id {key_id} is registered already; generate a new \
             key (mcp-sign keygen) and register that"
        )));
    }
    if outcome == db::keys::GrantOutcome::Inserted {
        let record = protocol::log::LogRecord::Key {
            key_id: key_id.clone(),
            public_key: key.to_base64(),
            namespace: ns_key.clone(),
            proof_kind: proven.kind.as_str().to_string(),
            proof_target: proven.target.clone(),
            proof_url: proven.url.clone(),
            proof_repository_id: proven.repository_id,
            rotated_from: rotation.as_ref().map(|r| r.0.clone()),
            rotation_signature: rotation.as_ref().map(|r| r.1.clone()),
            rotation_issued_at: rotation.as_ref().and(req.issued_at),
            time_ms: now,
        };
        tlog::append(&mut tx, db, &record).await?;
    }
    tx.commit().await?;
    tlog::checkpoint(db, log).await?;
    tracing::info!(%key_id, namespace = %ns_key, proof = %proven.target, "key registered");
    let grants = db::keys::grants_of_key(db, &key_id).await?;
    let grant = grants
        .iter()
        .find(|g| g.namespace == ns_key && g.proof_target == proven.target)
        .ok_or_else(|| Error::Internal("the grant vanished after registration".to_string()))?;
    Ok((views::key_info(grant)?, !was_there))
}

/// Checks the old key's signature over the rotation statement; returns (old key id, signature).
async fn check_rotation(
    db: &Db,
    old: &str,
    signature: &str,
    issued_at: i64,
    new_key_id: &str,
    namespace: &str,
) -> Result<(String, String)> {
    let old_id = KeyId::from_str(old)
        .map_err(|e| Error::BadRequest(format!("rotatedFrom: {e}")))?
        .to_string();
    let old_key = db::keys::find(db, &old_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("rotatedFrom: no key {old_id} is registered")))?;
    if old_key.revoked_at.is_some() {
        return Err(Error::KeyRevoked(format!(
            "key {old_id} is revoked and cannot vouch for a successor; register the new key \
             without rotatedFrom"
        )));
    }
    let grants = db::keys::grants_of_key(db, &old_id).await?;
    if !grants
        .iter()
        .any(|g| g.namespace.eq_ignore_ascii_case(namespace))
    {
        return Err(Error::NotAuthorized(format!(
            "key {old_id} is not proven for {namespace}, so it cannot hand it over"
        )));
    }
    let sig = parse_signature(signature)?;
    if sig.key_id().to_string() != old_id {
        return Err(Error::InvalidSignature(format!(
            "the rotation statement must be signed by the old key {old_id}, not {}",
            sig.key_id()
        )));
    }
    let text = statement_text(&Statement::RotateKey {
        old_key_id: &old_id,
        new_key_id,
        namespace,
        issued_at,
    })?;
    verify(&old_key, text.as_bytes(), &sig, "rotation statement")?;
    check_fresh(issued_at, db.clock().now_secs())?;
    Ok((old_id, signature.to_string()))
}

/// `POST /v1/keys/{key_id}/revoke`: the key's own signature over the revocation statement.
/// The registered key whose id is `key_id` (as a path gives it), with the id spelled canonically.
async fn registered_key(db: &Db, key_id: &str) -> Result<(String, db::keys::KeyRow)> {
    let key_id = KeyId::from_str(key_id)
        .map_err(|e| Error::BadRequest(e.to_string()))?
        .to_string();
    let key = db::keys::find(db, &key_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no key {key_id} is registered")))?;
    Ok((key_id, key))
}

/// Revoking twice is not an error (the answer shows the first revocation).
pub async fn revoke(
    db: &Db,
    log: &Log,
    key_id: &str,
    req: &KeyRevokeRequest,
) -> Result<Vec<KeyInfo>> {
    let (key_id, key) = registered_key(db, key_id).await?;
    let reason = req.reason.as_deref().filter(|r| !r.is_empty());
    let text = statement_text(&Statement::RevokeKey {
        key_id: &key_id,
        reason: req.reason.as_deref(),
        issued_at: req.issued_at,
    })?;
    let sig = parse_signature(&req.signature)?;
    if sig.key_id().to_string() != key_id {
        return Err(Error::InvalidSignature(format!(
            "a revocation must be signed by the key itself ({key_id}), not by {}",
            sig.key_id()
        )));
    }
    verify(&key, text.as_bytes(), &sig, "revocation statement")?;
    if key.revoked_at.is_none() {
        check_fresh(req.issued_at, db.clock().now_secs())?;
        revoke_logged(
            db,
            log,
            &key_id,
            reason,
            Some((req.issued_at, &req.signature)),
        )
        .await?;
        tracing::info!(%key_id, "key revoked");
    }
    db::keys::grants_of_key(db, &key_id)
        .await?
        .iter()
        .map(views::key_info)
        .collect()
}

/// `POST /v1/keys/{key_id}/recheck`: runs every proof of the key again. When one no longer holds
/// (the key file was removed or replaced, the repository changed hands or is gone), the key is
/// revoked: this is how a maintainer who lost the secret key revokes it. Failures to reach
/// GitHub or the domain change nothing.
pub async fn recheck(db: &Db, log: &Log, proofs: &Proofs, key_id: &str) -> Result<Vec<KeyInfo>> {
    let (key_id, key) = registered_key(db, key_id).await?;
    if key.revoked_at.is_none() {
        let public = PublicKey::from_str(&key.public_key)
            .map_err(|e| Error::Internal(format!("stored key {key_id} does not parse: {e}")))?;
        for grant in db::keys::grants_of_key(db, &key_id).await? {
            let outcome = match grant.proof_kind.as_str() {
                "github" => {
                    let namespace = Namespace::from_str(&grant.namespace)
                        .map_err(|e| Error::Internal(format!("stored namespace: {e}")))?;
                    let owner = namespace.github_owner().ok_or_else(|| {
                        Error::Internal(format!("{} is not a GitHub namespace", grant.namespace))
                    })?;
                    proofs
                        .github(owner, &grant.proof_target, &public)
                        .await
                        .map(|_| ())
                }
                "domain" => proofs
                    .domain(&grant.proof_target, &public)
                    .await
                    .map(|_| ()),
                other => Err(Error::Internal(format!("unknown proof kind {other:?}"))),
            };
            match outcome {
                Ok(()) => {}
                Err(Error::ProofFailed(why)) => {
                    let reason = format!("proof withdrawn: {why}");
                    revoke_logged(db, log, &key_id, Some(&reason), None).await?;
                    tracing::info!(%key_id, %reason, "key revoked by withdrawn proof");
                    break;
                }
                Err(other) => return Err(other),
            }
        }
    }
    db::keys::grants_of_key(db, &key_id)
        .await?
        .iter()
        .map(views::key_info)
        .collect()
}

/// Revokes a key and logs the revocation in the same transaction (once: revoking a revoked key
/// changes nothing); answers once a checkpoint covers it. `statement` is the key's own
/// (issued-at, signature), absent when the proof was withdrawn.
async fn revoke_logged(
    db: &Db,
    log: &Log,
    key_id: &str,
    reason: Option<&str>,
    statement: Option<(i64, &str)>,
) -> Result<()> {
    let now = db.now_ms();
    let mut tx = db.begin().await?;
    let changed = db::keys::revoke(&mut tx, key_id, reason, statement.map(|s| s.1), now).await?;
    if changed {
        let record = protocol::log::LogRecord::KeyRevoke {
            key_id: key_id.to_string(),
            // Records are line-based; a revocation must never fail on its reason's text.
            reason: reason.map(|r| r.replace(['\n', '\r'], " ")),
            issued_at: statement.map(|s| s.0),
            signature: statement.map(|s| s.1.to_string()),
            time_ms: now,
        };
        tlog::append(&mut tx, db, &record).await?;
    }
    tx.commit().await?;
    tlog::checkpoint(db, log).await?;
    Ok(())
}
