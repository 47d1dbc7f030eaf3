//! A small real log for the client tests: a maintainer key proven for `io.github.octo` by the
//! repository `octo/weather`, its signed releases, and a log signer whose checkpoints cover
//! them, with the `/v1/verify` answers the registry would give.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::SecretKey;
use crate::api::{ConsistencyProofResponse, LogEntryProof, LogEvidence, VerifyResponse};
use crate::log::{
    LogRecord, LogSigner, LogVerifier, SignedCheckpoint, VecReader, consistency_proof,
    hash_to_base64, inclusion_proof, leaf_hash, stored_hashes_of, tree_hash,
};

pub(super) const NAME: &str = "io.github.octo/weather";
pub(super) const ARTIFACT: &[u8] = b"the npm tarball";

pub(super) struct TestLog {
    pub(super) signer: LogSigner,
    pub(super) verifier: LogVerifier,
    pub(super) key: SecretKey,
    pub(super) leaves: Vec<Vec<u8>>,
}

pub(super) fn manifest(version: &str) -> String {
    serde_json::to_string(&json!({
        "name": NAME,
        "version": version,
        "repository": {"url": "https://github.com/octo/weather", "source": "github"},
        "packages": [{"registryType": "npm", "identifier": "@octo/weather", "version": version}],
        "_meta": {"dev.mcp-trust/release": {
            "formatVersion": 1,
            "artifacts": [{"registryType": "npm", "identifier": "@octo/weather",
                           "version": version, "sha256": hex::encode(Sha256::digest(ARTIFACT))}],
        }},
    }))
    .unwrap()
}

impl TestLog {
    /// A log holding the key record only.
    pub(super) fn new() -> Self {
        let signer = LogSigner::generate("example.com/log", &mut rand_core::OsRng).unwrap();
        let verifier = LogVerifier::new(signer.verifier_key()).unwrap();
        let key = SecretKey::generate(&mut rand_core::OsRng);
        let mut log = TestLog {
            signer,
            verifier,
            key,
            leaves: Vec::new(),
        };
        let record = LogRecord::Key {
            key_id: log.key_id(),
            public_key: log.key.public_key().to_base64(),
            namespace: "io.github.octo".into(),
            proof_kind: "github".into(),
            proof_target: "octo/weather".into(),
            proof_url: "https://github.com/octo/weather".into(),
            proof_repository_id: None,
            rotated_from: None,
            rotation_signature: None,
            rotation_issued_at: None,
            time_ms: 1,
        };
        log.append(&record);
        log
    }

    pub(super) fn key_id(&self) -> String {
        self.key.key_id().to_string()
    }

    pub(super) fn append(&mut self, record: &LogRecord) -> usize {
        self.leaves.push(record.to_bytes().unwrap());
        self.leaves.len() - 1
    }

    pub(super) fn sign(&self, data: &[u8]) -> String {
        self.key.sign(data, "t").unwrap().to_file_string()
    }

    /// Logs a signed release of `version`; returns its leaf index.
    pub(super) fn publish(&mut self, version: &str) -> usize {
        let manifest = manifest(version);
        let record = LogRecord::Release {
            name: NAME.into(),
            version: version.into(),
            manifest_sha256: hex::encode(Sha256::digest(manifest.as_bytes())),
            key_id: self.key_id(),
            signature: self.sign(manifest.as_bytes()),
            time_ms: 2,
        };
        self.append(&record)
    }

    fn stored(&self) -> Vec<crate::log::Hash> {
        let hashes: Vec<_> = self.leaves.iter().map(|l| leaf_hash(l)).collect();
        stored_hashes_of(&hashes).unwrap()
    }

    /// The signed checkpoint of the first `size` leaves.
    pub(super) fn checkpoint(&self, size: u64) -> SignedCheckpoint {
        let root = tree_hash(size, &VecReader(&self.stored())).unwrap();
        let note = self.signer.sign_checkpoint(size, root).unwrap();
        self.verifier.verify_checkpoint(&note).unwrap()
    }

    pub(super) fn consistency(&self, from: u64, to: u64) -> ConsistencyProofResponse {
        let proof = consistency_proof(from, to, &VecReader(&self.stored())).unwrap();
        ConsistencyProofResponse {
            from,
            to,
            proof: proof.iter().map(hash_to_base64).collect(),
        }
    }

    fn proof(&self, index: usize) -> LogEntryProof {
        let size = self.leaves.len() as u64;
        let proof = inclusion_proof(index as u64, size, &VecReader(&self.stored())).unwrap();
        LogEntryProof {
            index: index as u64,
            record: String::from_utf8(self.leaves[index].clone()).unwrap(),
            inclusion_proof: proof.iter().map(hash_to_base64).collect(),
        }
    }

    /// The registry's answer for the release at leaf `index` (of `version`), with its
    /// evidence over the whole log, at trust level `level`.
    pub(super) fn answer(&self, index: usize, version: &str, level: &str) -> VerifyResponse {
        let size = self.leaves.len() as u64;
        let mut resp = unsigned_answer(version, level);
        resp.manifest = Some(manifest(version));
        resp.log = Some(LogEvidence {
            checkpoint: self.checkpoint(size).note,
            tree_size: size,
            release: Some(self.proof(index)),
            key: Some(self.proof(0)),
        });
        resp
    }
}

/// An answer without evidence (a listed release), at trust level `level`.
pub(super) fn unsigned_answer(version: &str, level: &str) -> VerifyResponse {
    serde_json::from_value(json!({
        "name": NAME,
        "version": version,
        "verdict": {"level": level, "reasons": [{"code": "listed_only", "message": "known"}]},
    }))
    .unwrap()
}
