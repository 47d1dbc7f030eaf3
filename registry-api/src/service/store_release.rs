//! Storing a release with its server row: the one write that every way a release comes in
//! (publish, import, seed, mirror, crawl) shares, so the rows they leave cannot differ.

use sha2::{Digest, Sha256};

use crate::db::{self, Tx};
use crate::error::Result;
use crate::service::ManifestFacts;

/// A release about to be stored.
#[derive(Debug)]
pub struct ReleaseToStore<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub version: &'a str,
    /// The exact manifest bytes (what a signature covers).
    pub bytes: &'a [u8],
    pub facts: &'a ManifestFacts,
    /// The `.minisig` text and key id of a signed release; `None` for a listed one.
    pub signed: Option<(&'a str, &'a str)>,
    pub origin: &'a str,
}

/// What [`store`] wrote.
#[derive(Debug)]
pub struct Stored {
    pub server_id: i64,
    /// `None` when this version was stored before (releases are immutable: it is left as is).
    pub release_id: Option<i64>,
    /// Hex SHA-256 of the manifest bytes.
    pub manifest_sha256: String,
}

/// Creates or updates the server row from the manifest's facts, then inserts the release.
pub async fn store(tx: &mut Tx, r: &ReleaseToStore<'_>, now: i64) -> Result<Stored> {
    let server = db::servers::NewServer {
        name: r.name,
        namespace: r.namespace,
        description: r.facts.description.as_deref(),
        repository_url: r.facts.repository_url.as_deref(),
    };
    let server_id = db::servers::upsert(tx, &server, now).await?;
    let manifest_sha256 = hex::encode(Sha256::digest(r.bytes));
    let release = db::releases::NewRelease {
        server_id,
        version: r.version,
        manifest: r.bytes,
        manifest_sha256: &manifest_sha256,
        signature: r.signed.map(|(signature, _)| signature),
        key_id: r.signed.map(|(_, key_id)| key_id),
        origin: r.origin,
        packages: &r.facts.packages,
    };
    let release_id = db::releases::insert(tx, &release, now).await?;
    Ok(Stored {
        server_id,
        release_id,
        manifest_sha256,
    })
}
