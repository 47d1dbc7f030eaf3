//! The log's leaves: one [`LogRecord`] per trust-relevant event, in a versioned, deterministic
//! text format (see the crate README, "Transparency log").
//!
//! ```text
//! mcp-trust-log/v1 release
//! name io.github.octo/weather
//! version 1.0.0
//! manifest-sha256 3f5a...
//! key-id 0123456789ABCDEF
//! signature dW50cnVzdGVk...
//! time 1764000000000
//! ```
//!
//! The first line is [`RECORD_HEADER`], a space and the kind. Every other line is a field name,
//! one space and the value; fields come in a fixed order per kind, optional fields are left out
//! when absent (never written empty), values are single lines without `\r`, and the record
//! ends with `\n`. Multi-line values (minisign signature files) are base64 of their exact text.
//! A record parses only if writing it back gives the same bytes, so each event has exactly one
//! encoding.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::log_err;
use super::release_action::ReleaseAction;
use crate::api::{OperatorAction, Statement};
use crate::error::Result;
use crate::formats::log::{RECORD_HEADER, RECORD_MAX_LEN};

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogRecord {
    /// A maintainer published a signed release. The monitor re-verifies `signature` over the
    /// manifest bytes it fetches by name and version, and checks their SHA-256.
    Release {
        name: String,
        version: String,
        manifest_sha256: String,
        key_id: String,
        /// The `.minisig` text.
        signature: String,
        time_ms: i64,
    },
    /// A key was bound to a namespace by a proof (registration or rotation).
    Key {
        key_id: String,
        /// Bare base64 minisign public key.
        public_key: String,
        namespace: String,
        proof_kind: String,
        proof_target: String,
        proof_url: String,
        proof_repository_id: Option<i64>,
        /// Rotation: the old key and its signature over the rotation statement.
        rotated_from: Option<String>,
        rotation_signature: Option<String>,
        rotation_issued_at: Option<i64>,
        time_ms: i64,
    },
    /// A key was revoked: by its own signed statement (`signature`, `issued_at`), or because
    /// its proof was withdrawn (neither).
    KeyRevoke {
        key_id: String,
        reason: Option<String>,
        issued_at: Option<i64>,
        signature: Option<String>,
        time_ms: i64,
    },
    /// A maintainer's statement about one release, signed by a namespace key: a yank (with
    /// an optional reason), an un-yank, a deprecation (with an optional message for its users)
    /// or an un-deprecation. The monitor re-verifies `signature` over
    /// [`LogRecord::release_statement`].
    ReleaseStatement {
        action: ReleaseAction,
        name: String,
        version: String,
        /// A yank's reason or a deprecation's message (field [`ReleaseAction::text_field`]).
        text: Option<String>,
        key_id: String,
        issued_at: i64,
        signature: String,
        time_ms: i64,
    },
    /// The registry checked a signed release's artifacts against their package registries and
    /// the release became verified (`result` `verified`) or lost it (`mismatch`,
    /// `ownership-missing`, `failed`); re-checks that change nothing are not logged.
    ArtifactCheck {
        name: String,
        version: String,
        manifest_sha256: String,
        result: String,
        /// One per package: `<package ref> <state> <what was compared> <expected> <observed>`,
        /// e.g. `npm:@a/b@1.0.0 matched npm_dist.integrity sha512-... sha512-...` (spaces in a
        /// part as `_`, `-` for none).
        artifacts: Vec<String>,
        reason: Option<String>,
        time_ms: i64,
    },
    /// The registry verified the Sigstore build provenance of one package (for PyPI: one file)
    /// of a release and the release became `attested` (`result` `attested`), or a re-check no
    /// longer finds it (`lost`, with the `reason`, the other fields those of the provenance it
    /// had). `evidence` is the attestation document as the package registry served it (npm's
    /// attestations, PyPI's provenance object), so a monitor re-verifies it offline against
    /// the Sigstore trusted root ([`crate::client::monitor`]).
    Provenance {
        name: String,
        version: String,
        manifest_sha256: String,
        result: String,
        /// `npm:NAME@VERSION`, or `pypi:FILENAME` for a PyPI file of `pypi:PROJECT@VERSION`.
        package: String,
        /// The artifact's digest, `sha512:HEX` (npm's `dist.integrity`) or `sha256:HEX`.
        digest: String,
        /// The repository it was built from, e.g. `github.com/sigstore/sigstore-js`.
        repository: String,
        commit: String,
        /// The signing certificate's identity (the workflow that requested it).
        identity: String,
        rekor_log_index: i64,
        evidence: Option<String>,
        reason: Option<String>,
        time_ms: i64,
    },
    /// An operator statement (`mcp-registry admin`), signed with an operator key: `subject`
    /// is a namespace (official, unofficial) or `NAME[@VERSION]` (flag, unflag). The monitor
    /// re-verifies `signature` over [`crate::api::Statement::Operator`].
    Operator {
        action: crate::api::OperatorAction,
        subject: String,
        reason: Option<String>,
        key_id: String,
        issued_at: i64,
        signature: String,
        time_ms: i64,
    },
}

/// The fields of a release leaf, borrowed: what the maintainer signed and how the log recorded
/// it ([`LogRecord::as_release`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseLeaf<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub manifest_sha256: &'a str,
    pub key_id: &'a str,
    /// The `.minisig` text.
    pub signature: &'a str,
    pub time_ms: i64,
}

/// The fields of a provenance leaf, borrowed ([`LogRecord::as_provenance`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvenanceLeaf<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// `attested` or `lost`.
    pub result: &'a str,
    pub package: &'a str,
    pub digest: &'a str,
    pub repository: &'a str,
    pub commit: &'a str,
    pub identity: &'a str,
    pub rekor_log_index: i64,
    pub evidence: Option<&'a str>,
}

impl LogRecord {
    /// The provenance leaf's fields; `None` for other leaves.
    pub fn as_provenance(&self) -> Option<ProvenanceLeaf<'_>> {
        match self {
            LogRecord::Provenance {
                name,
                version,
                result,
                package,
                digest,
                repository,
                commit,
                identity,
                rekor_log_index,
                evidence,
                ..
            } => Some(ProvenanceLeaf {
                name,
                version,
                result,
                package,
                digest,
                repository,
                commit,
                identity,
                rekor_log_index: *rekor_log_index,
                evidence: evidence.as_deref(),
            }),
            _ => None,
        }
    }

    /// The release leaf's fields; `None` for other leaves.
    pub fn as_release(&self) -> Option<ReleaseLeaf<'_>> {
        match self {
            LogRecord::Release {
                name,
                version,
                manifest_sha256,
                key_id,
                signature,
                time_ms,
            } => Some(ReleaseLeaf {
                name,
                version,
                manifest_sha256,
                key_id,
                signature,
                time_ms: *time_ms,
            }),
            _ => None,
        }
    }

    /// The maintainer's statement a yank or deprecation leaf records (the text its `signature`
    /// covers), rebuilt exactly as the registry checked it; `None` for other leaves.
    pub fn release_statement(&self) -> Option<Statement<'_>> {
        match self {
            LogRecord::ReleaseStatement {
                action,
                name,
                version,
                text,
                issued_at,
                ..
            } => Some(action.statement(name, version, text.as_deref(), *issued_at)),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            LogRecord::Release { .. } => "release",
            LogRecord::Key { .. } => "key",
            LogRecord::KeyRevoke { .. } => "key-revoke",
            LogRecord::ReleaseStatement { action, .. } => action.as_str(),
            LogRecord::ArtifactCheck { .. } => "artifact-check",
            LogRecord::Provenance { .. } => "provenance",
            LogRecord::Operator { action, .. } => action.as_str(),
        }
    }

    /// What the record is about, for lookups: `release NAME@VERSION` or `key KEYID`.
    pub fn subject(&self) -> String {
        match self {
            LogRecord::Release { name, version, .. }
            | LogRecord::ReleaseStatement { name, version, .. }
            | LogRecord::ArtifactCheck { name, version, .. }
            | LogRecord::Provenance { name, version, .. } => {
                format!("release {name}@{version}")
            }
            LogRecord::Operator {
                action: OperatorAction::Official | OperatorAction::Unofficial,
                subject,
                ..
            } => format!("namespace {subject}"),
            LogRecord::Operator { subject, .. } => match subject.split_once('@') {
                Some((name, version)) => format!("release {name}@{version}"),
                None => format!("server {subject}"),
            },
            LogRecord::Key { key_id, .. } | LogRecord::KeyRevoke { key_id, .. } => {
                format!("key {key_id}")
            }
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut f: Vec<(&'static str, Option<String>)> = Vec::new();
        let time = match self {
            LogRecord::Release { time_ms, .. } => {
                if let Some(r) = self.as_release() {
                    f.push(("name", Some(r.name.to_owned())));
                    f.push(("version", Some(r.version.to_owned())));
                    f.push(("manifest-sha256", Some(r.manifest_sha256.to_owned())));
                    f.push(("key-id", Some(r.key_id.to_owned())));
                    f.push(("signature", Some(BASE64.encode(r.signature))));
                }
                *time_ms
            }
            LogRecord::Key {
                key_id,
                public_key,
                namespace,
                proof_kind,
                proof_target,
                proof_url,
                proof_repository_id,
                rotated_from,
                rotation_signature,
                rotation_issued_at,
                time_ms,
            } => {
                f.push(("key-id", Some(key_id.clone())));
                f.push(("public-key", Some(public_key.clone())));
                f.push(("namespace", Some(namespace.clone())));
                f.push(("proof-kind", Some(proof_kind.clone())));
                f.push(("proof-target", Some(proof_target.clone())));
                f.push(("proof-url", Some(proof_url.clone())));
                f.push((
                    "proof-repository-id",
                    proof_repository_id.map(|i| i.to_string()),
                ));
                f.push(("rotated-from", rotated_from.clone()));
                f.push((
                    "rotation-signature",
                    rotation_signature.as_ref().map(|s| BASE64.encode(s)),
                ));
                f.push((
                    "rotation-issued-at",
                    rotation_issued_at.map(|i| i.to_string()),
                ));
                *time_ms
            }
            LogRecord::KeyRevoke {
                key_id,
                reason,
                issued_at,
                signature,
                time_ms,
            } => {
                f.push(("key-id", Some(key_id.clone())));
                f.push(("reason", reason.clone()));
                f.push(("issued-at", issued_at.map(|i| i.to_string())));
                f.push(("signature", signature.as_ref().map(|s| BASE64.encode(s))));
                *time_ms
            }
            LogRecord::ReleaseStatement {
                action,
                name,
                version,
                text,
                key_id,
                issued_at,
                signature,
                time_ms,
            } => {
                f.push(("name", Some(name.clone())));
                f.push(("version", Some(version.clone())));
                f.push((action.text_field(), text.clone()));
                signed_by(&mut f, key_id, *issued_at, signature);
                *time_ms
            }
            LogRecord::ArtifactCheck {
                name,
                version,
                manifest_sha256,
                result,
                artifacts,
                reason,
                time_ms,
            } => {
                f.push(("name", Some(name.clone())));
                f.push(("version", Some(version.clone())));
                f.push(("manifest-sha256", Some(manifest_sha256.clone())));
                f.push(("result", Some(result.clone())));
                for a in artifacts {
                    f.push(("artifact", Some(a.clone())));
                }
                f.push(("reason", reason.clone()));
                *time_ms
            }
            LogRecord::Provenance {
                name,
                version,
                manifest_sha256,
                result,
                package,
                digest,
                repository,
                commit,
                identity,
                rekor_log_index,
                evidence,
                reason,
                time_ms,
            } => {
                f.push(("name", Some(name.clone())));
                f.push(("version", Some(version.clone())));
                f.push(("manifest-sha256", Some(manifest_sha256.clone())));
                f.push(("result", Some(result.clone())));
                f.push(("package", Some(package.clone())));
                f.push(("digest", Some(digest.clone())));
                f.push(("repository", Some(repository.clone())));
                f.push(("commit", Some(commit.clone())));
                f.push(("identity", Some(identity.clone())));
                f.push(("rekor-log-index", Some(rekor_log_index.to_string())));
                f.push(("evidence", evidence.as_ref().map(|e| BASE64.encode(e))));
                f.push(("reason", reason.clone()));
                *time_ms
            }
            LogRecord::Operator {
                action: _,
                subject,
                reason,
                key_id,
                issued_at,
                signature,
                time_ms,
            } => {
                f.push(("subject", Some(subject.clone())));
                f.push(("reason", reason.clone()));
                signed_by(&mut f, key_id, *issued_at, signature);
                *time_ms
            }
        };
        f.push(("time", Some(time.to_string())));
        f.into_iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
            .collect()
    }

    /// The record's bytes (the leaf data). Errors when a value would break the format.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let out = self.encode()?;
        // Empty values are left out (that is how an optional field is absent), so a required
        // one that is empty would make a record that does not parse: refuse to write it.
        if LogRecord::parse(&out).ok().as_ref() != Some(self) {
            return Err(log_err(format!(
                "the {} log record has an empty required field",
                self.kind()
            )));
        }
        Ok(out)
    }

    /// The record's bytes, unchecked ([`to_bytes`](Self::to_bytes) checks they parse back).
    fn encode(&self) -> Result<Vec<u8>> {
        let mut out = format!("{RECORD_HEADER} {}\n", self.kind());
        for (k, v) in self.fields() {
            if v.contains(['\n', '\r']) {
                return Err(log_err(format!("the log record's {k} must be one line")));
            }
            out.push_str(k);
            out.push(' ');
            out.push_str(&v);
            out.push('\n');
        }
        if out.len() > RECORD_MAX_LEN {
            return Err(log_err(format!(
                "the log record is too long ({} bytes; at most {RECORD_MAX_LEN})",
                out.len()
            )));
        }
        Ok(out.into_bytes())
    }

    /// Parses a record; only the exact bytes [`to_bytes`](Self::to_bytes) writes are accepted.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes).map_err(|_| log_err("a log record is not UTF-8"))?;
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| log_err("a log record ends with a newline"))?;
        let mut lines = body.split('\n');
        let header = lines.next().unwrap_or("");
        let kind = header
            .strip_prefix(RECORD_HEADER)
            .and_then(|k| k.strip_prefix(' '))
            .ok_or_else(|| {
                log_err(format!(
                    "a log record starts with {RECORD_HEADER:?} and its kind, not {header:?}"
                ))
            })?;
        let mut fields = Vec::new();
        for line in lines {
            let (k, v) = line
                .split_once(' ')
                .ok_or_else(|| log_err(format!("the log record line {line:?} has no value")))?;
            fields.push((k, v));
        }
        let mut r = Fields { fields, pos: 0 };
        let record = match kind {
            "release" => LogRecord::Release {
                name: r.req("name")?,
                version: r.req("version")?,
                manifest_sha256: r.req("manifest-sha256")?,
                key_id: r.req("key-id")?,
                signature: r.req_b64("signature")?,
                time_ms: r.req_int("time")?,
            },
            "key" => LogRecord::Key {
                key_id: r.req("key-id")?,
                public_key: r.req("public-key")?,
                namespace: r.req("namespace")?,
                proof_kind: r.req("proof-kind")?,
                proof_target: r.req("proof-target")?,
                proof_url: r.req("proof-url")?,
                proof_repository_id: r.opt_int("proof-repository-id")?,
                rotated_from: r.opt("rotated-from"),
                rotation_signature: r.opt_b64("rotation-signature")?,
                rotation_issued_at: r.opt_int("rotation-issued-at")?,
                time_ms: r.req_int("time")?,
            },
            "key-revoke" => LogRecord::KeyRevoke {
                key_id: r.req("key-id")?,
                reason: r.opt("reason"),
                issued_at: r.opt_int("issued-at")?,
                signature: r.opt_b64("signature")?,
                time_ms: r.req_int("time")?,
            },
            "yank" | "unyank" | "deprecate" | "undeprecate" => {
                let action: ReleaseAction = kind.parse().map_err(log_err)?;
                LogRecord::ReleaseStatement {
                    action,
                    name: r.req("name")?,
                    version: r.req("version")?,
                    text: r.opt(action.text_field()),
                    key_id: r.req("key-id")?,
                    issued_at: r.req_int("issued-at")?,
                    signature: r.req_b64("signature")?,
                    time_ms: r.req_int("time")?,
                }
            }
            "artifact-check" => LogRecord::ArtifactCheck {
                name: r.req("name")?,
                version: r.req("version")?,
                manifest_sha256: r.req("manifest-sha256")?,
                result: r.req("result")?,
                artifacts: r.many("artifact"),
                reason: r.opt("reason"),
                time_ms: r.req_int("time")?,
            },
            "provenance" => LogRecord::Provenance {
                name: r.req("name")?,
                version: r.req("version")?,
                manifest_sha256: r.req("manifest-sha256")?,
                result: r.req("result")?,
                package: r.req("package")?,
                digest: r.req("digest")?,
                repository: r.req("repository")?,
                commit: r.req("commit")?,
                identity: r.req("identity")?,
                rekor_log_index: r.req_int("rekor-log-index")?,
                evidence: r.opt_b64("evidence")?,
                reason: r.opt("reason"),
                time_ms: r.req_int("time")?,
            },
            "official" | "unofficial" | "flag" | "unflag" => LogRecord::Operator {
                action: kind.parse().map_err(log_err)?,
                subject: r.req("subject")?,
                reason: r.opt("reason"),
                key_id: r.req("key-id")?,
                issued_at: r.req_int("issued-at")?,
                signature: r.req_b64("signature")?,
                time_ms: r.req_int("time")?,
            },
            other => {
                return Err(log_err(format!(
                    "unknown log record kind {other:?} (this client knows release, key, \
                     key-revoke, yank, unyank, deprecate, undeprecate, artifact-check, \
                     provenance, official, unofficial, flag, unflag)"
                )));
            }
        };
        if r.pos != r.fields.len() {
            return Err(log_err(format!(
                "the {kind} log record has an unexpected field {:?}",
                r.fields[r.pos].0
            )));
        }
        if record.encode()? != bytes {
            return Err(log_err(format!(
                "the {kind} log record is not in its canonical form"
            )));
        }
        Ok(record)
    }
}

/// The signer's fields of a signed statement's leaf, in their fixed order.
fn signed_by(f: &mut Vec<(&'static str, Option<String>)>, key_id: &str, issued_at: i64, sig: &str) {
    f.push(("key-id", Some(key_id.to_owned())));
    f.push(("issued-at", Some(issued_at.to_string())));
    f.push(("signature", Some(BASE64.encode(sig))));
}

struct Fields<'a> {
    fields: Vec<(&'a str, &'a str)>,
    pos: usize,
}

impl Fields<'_> {
    fn opt(&mut self, key: &str) -> Option<String> {
        match self.fields.get(self.pos) {
            Some((k, v)) if *k == key => {
                self.pos += 1;
                Some((*v).to_string())
            }
            _ => None,
        }
    }

    /// A repeated field: every consecutive line named `key`.
    fn many(&mut self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(v) = self.opt(key) {
            out.push(v);
        }
        out
    }

    fn req(&mut self, key: &str) -> Result<String> {
        self.opt(key).ok_or_else(|| {
            log_err(format!(
                "the log record lacks {key:?} (or has it out of order)"
            ))
        })
    }

    fn decode_b64(key: &str, v: &str) -> Result<String> {
        let bytes = BASE64
            .decode(v)
            .map_err(|_| log_err(format!("the log record's {key} is not base64")))?;
        String::from_utf8(bytes).map_err(|_| log_err(format!("the log record's {key} is not text")))
    }

    fn req_b64(&mut self, key: &str) -> Result<String> {
        let v = self.req(key)?;
        Self::decode_b64(key, &v)
    }

    fn opt_b64(&mut self, key: &str) -> Result<Option<String>> {
        self.opt(key).map(|v| Self::decode_b64(key, &v)).transpose()
    }

    fn parse_int(key: &str, v: &str) -> Result<i64> {
        v.parse()
            .map_err(|_| log_err(format!("the log record's {key} is not a whole number")))
    }

    fn req_int(&mut self, key: &str) -> Result<i64> {
        let v = self.req(key)?;
        Self::parse_int(key, &v)
    }

    fn opt_int(&mut self, key: &str) -> Result<Option<i64>> {
        self.opt(key).map(|v| Self::parse_int(key, &v)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_records_round_trip_with_their_evidence() {
        let attested = LogRecord::Provenance {
            name: "io.github.sigstore/sigstore-js".into(),
            version: "5.0.0".into(),
            manifest_sha256: "ab".repeat(32),
            result: "attested".into(),
            package: "npm:sigstore@5.0.0".into(),
            digest: format!("sha512:{}", "cd".repeat(64)),
            repository: "github.com/sigstore/sigstore-js".into(),
            commit: "7d2900e".into(),
            identity: "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main".into(),
            rekor_log_index: 151_934_226,
            evidence: Some("{\"attestations\": []}\n".into()),
            reason: None,
            time_ms: 1_764_000_000_000,
        };
        let bytes = attested.to_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("mcp-trust-log/v1 provenance\nname io.github.sigstore/sigstore-js\n")
        );
        assert!(
            text.contains("\nrekor-log-index 151934226\nevidence eyJ"),
            "{text}"
        );
        assert_eq!(LogRecord::parse(&bytes).unwrap(), attested);
        assert_eq!(
            attested.subject(),
            "release io.github.sigstore/sigstore-js@5.0.0"
        );

        let mut lost = attested.clone();
        if let LogRecord::Provenance {
            result,
            evidence,
            reason,
            ..
        } = &mut lost
        {
            *result = "lost".into();
            *evidence = None;
            *reason = Some("npm lists no attestations for this version".into());
        }
        let bytes = lost.to_bytes().unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("evidence"));
        assert_eq!(LogRecord::parse(&bytes).unwrap(), lost);
    }

    #[test]
    fn artifact_check_and_operator_records_round_trip() {
        let check = LogRecord::ArtifactCheck {
            name: "io.github.o/s".into(),
            version: "1.0.0".into(),
            manifest_sha256: "ab".repeat(32),
            result: "mismatch".into(),
            artifacts: vec![
                "npm:@o/s@1.0.0 dist.integrity sha512-AAAA sha512-BBBB".into(),
                "oci:docker.io/o/s:1.0.0 manifest-digest sha256:aa sha256:bb".into(),
            ],
            reason: Some("the tag was re-pushed".into()),
            time_ms: 1_764_000_000_000,
        };
        let bytes = check.to_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("mcp-trust-log/v1 artifact-check\nname io.github.o/s\n"));
        assert_eq!(text.matches("\nartifact ").count(), 2);
        assert_eq!(LogRecord::parse(&bytes).unwrap(), check);
        assert_eq!(check.subject(), "release io.github.o/s@1.0.0");

        for (action, subject, want) in [
            (
                OperatorAction::Official,
                "io.github.o",
                "namespace io.github.o",
            ),
            (
                OperatorAction::Flag,
                "io.github.o/s@1.0.0",
                "release io.github.o/s@1.0.0",
            ),
            (
                OperatorAction::Unflag,
                "io.github.o/s",
                "server io.github.o/s",
            ),
        ] {
            let r = LogRecord::Operator {
                action,
                subject: subject.into(),
                reason: Some("vetted".into()),
                key_id: "0123456789ABCDEF".into(),
                issued_at: 1_764_000_000,
                signature: "untrusted comment: x\nRWQ...\n".into(),
                time_ms: 1,
            };
            let bytes = r.to_bytes().unwrap();
            assert_eq!(LogRecord::parse(&bytes).unwrap(), r);
            assert_eq!(r.kind(), action.as_str());
            assert_eq!(r.subject(), want);
        }
        // A repeated field out of order is not canonical.
        let bad = text
            .replace("result mismatch\n", "")
            .replace("reason the tag", "result mismatch\nreason the tag");
        assert!(LogRecord::parse(bad.as_bytes()).is_err());
    }
}
