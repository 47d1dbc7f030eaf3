//! `POST /v1/publish`: a signed release manifest from its maintainer.

use base64::Engine as _;
use protocol::Manifest;
use protocol::api::{PublishRequest, ReleaseInfo};

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
use crate::service::statements::{covering_grant, live_key, parse_signature, verify};
use crate::service::store_release::{self, ReleaseToStore};
use crate::service::{latest, manifest_facts, scan, views};

/// The exact manifest bytes of a request.
pub fn manifest_bytes(req: &PublishRequest) -> Result<Vec<u8>> {
    match (&req.manifest, &req.manifest_base64) {
        (Some(text), None) => Ok(text.as_bytes().to_vec()),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| Error::BadRequest("manifestBase64 is not valid base64".to_string())),
        _ => Err(Error::BadRequest(
            "give the manifest exactly once: as text in `manifest` or as base64 in \
             `manifestBase64`"
                .to_string(),
        )),
    }
}

/// Validates, checks the signature and the key's grant, and stores the release. Nothing is
/// stored unless every check passes; an existing (name, version) is never replaced. The release
/// is appended to the transparency log in the same transaction, and the answer waits until a
/// signed checkpoint covers it (it carries the leaf, its inclusion proof and the checkpoint).
pub async fn publish(db: &Db, log: &Log, req: &PublishRequest) -> Result<ReleaseInfo> {
    let bytes = manifest_bytes(req)?;
    let manifest =
        Manifest::parse(bytes.as_slice()).map_err(|e| Error::InvalidManifest(e.to_string()))?;
    let signature = parse_signature(&req.signature)?;
    let name = manifest.name().as_str().to_string();
    let namespace = manifest.name().namespace().as_str().to_string();
    let version = manifest.version().as_str().to_string();

    let key = live_key(db, &signature).await?;
    verify(
        &key,
        &bytes,
        &signature,
        "manifest (it was changed after signing, or signed by another key)",
    )?;
    let facts = manifest_facts(&bytes)?;
    let grant = covering_grant(db, &key.key_id, &name, facts.repository_url.as_deref()).await?;
    // Findings are facts about the release, not reasons to refuse it.
    let release_scan = scan::scan_bytes(&bytes);

    let now = db.now_ms();
    let mut tx = db.begin().await?;
    let release = ReleaseToStore {
        name: &name,
        namespace: &namespace,
        version: &version,
        bytes: &bytes,
        facts: &facts,
        signed: Some((&req.signature, &key.key_id)),
        origin: "publish",
    };
    let stored = store_release::store(&mut tx, &release, now).await?;
    let (server_id, inserted, sha) = (stored.server_id, stored.release_id, stored.manifest_sha256);
    if let Some(repository_id) = grant.proof_repository_id {
        db::servers::set_github_repository_id(&mut tx, server_id, repository_id).await?;
    }
    let Some(release_id) = inserted else {
        return Err(Error::AlreadyExists(format!(
            "{name}@{version} exists already and releases are immutable (also after a yank): \
             publish a new version"
        )));
    };
    scan::store(&mut tx, release_id, &release_scan, now).await?;
    // The server shows what its latest release says.
    latest::refresh_after_insert(&mut tx, server_id, release_id, &facts, now).await?;
    let record = protocol::log::LogRecord::Release {
        name: name.clone(),
        version: version.clone(),
        manifest_sha256: sha.clone(),
        key_id: key.key_id.clone(),
        signature: req.signature.clone(),
        time_ms: now,
    };
    let index = tlog::append(&mut tx, db, &record).await?;
    tx.commit().await?;
    tracing::info!(%name, %version, key_id = %key.key_id, log_index = index, "published");
    metrics::counter!("registry_publishes_total").increment(1);

    let row = db::releases::find(db, &name, &version)
        .await?
        .ok_or_else(|| Error::Internal("the release vanished after publishing".to_string()))?;
    let mut info = views::release_info(&row)?;
    let siblings = db::releases::of_server(db, &name).await?;
    let tools_diff = scan::tools_diff(&row, &siblings);
    info.trust = views::verdict_with(&row, Some(&release_scan), tools_diff.as_ref());
    info.scan = Some(release_scan);
    info.log = tlog::release_evidence(db, log, &name, &version, None).await?;
    Ok(info)
}
