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
    /// A release was yanked (`yank = true`) or un-yanked, by a namespace key's statement.
    Yank {
        yank: bool,
        name: String,
        version: String,
        reason: Option<String>,
        key_id: String,
        issued_at: i64,
        signature: String,
        time_ms: i64,
    },
}

impl LogRecord {
    pub fn kind(&self) -> &'static str {
        match self {
            LogRecord::Release { .. } => "release",
            LogRecord::Key { .. } => "key",
            LogRecord::KeyRevoke { .. } => "key-revoke",
            LogRecord::Yank { yank: true, .. } => "yank",
            LogRecord::Yank { yank: false, .. } => "unyank",
        }
    }

    /// What the record is about, for lookups: `release NAME@VERSION` or `key KEYID`.
    pub fn subject(&self) -> String {
        match self {
            LogRecord::Release { name, version, .. } | LogRecord::Yank { name, version, .. } => {
                format!("release {name}@{version}")
            }
            LogRecord::Key { key_id, .. } | LogRecord::KeyRevoke { key_id, .. } => {
                format!("key {key_id}")
            }
        }
    }

    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut f: Vec<(&'static str, Option<String>)> = Vec::new();
        let time = match self {
            LogRecord::Release {
                name,
                version,
                manifest_sha256,
                key_id,
                signature,
                time_ms,
            } => {
                f.push(("name", Some(name.clone())));
                f.push(("version", Some(version.clone())));
                f.push(("manifest-sha256", Some(manifest_sha256.clone())));
                f.push(("key-id", Some(key_id.clone())));
                f.push(("signature", Some(BASE64.encode(signature))));
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
            LogRecord::Yank {
                yank: _,
                name,
                version,
                reason,
                key_id,
                issued_at,
                signature,
                time_ms,
            } => {
                f.push(("name", Some(name.clone())));
                f.push(("version", Some(version.clone())));
                f.push(("reason", reason.clone()));
                f.push(("key-id", Some(key_id.clone())));
                f.push(("issued-at", Some(issued_at.to_string())));
                f.push(("signature", Some(BASE64.encode(signature))));
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
            "yank" | "unyank" => LogRecord::Yank {
                yank: kind == "yank",
                name: r.req("name")?,
                version: r.req("version")?,
                reason: r.opt("reason"),
                key_id: r.req("key-id")?,
                issued_at: r.req_int("issued-at")?,
                signature: r.req_b64("signature")?,
                time_ms: r.req_int("time")?,
            },
            other => {
                return Err(log_err(format!(
                    "unknown log record kind {other:?} (this client knows release, key, \
                     key-revoke, yank, unyank)"
                )));
            }
        };
        if r.pos != r.fields.len() {
            return Err(log_err(format!(
                "the {kind} log record has an unexpected field {:?}",
                r.fields[r.pos].0
            )));
        }
        if record.to_bytes()? != bytes {
            return Err(log_err(format!(
                "the {kind} log record is not in its canonical form"
            )));
        }
        Ok(record)
    }
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
