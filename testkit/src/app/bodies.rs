//! Keys, manifests and the signed request bodies of the write API.

use protocol::api::Statement;
use protocol::{SecretKey, Signature};
use serde_json::{Value, json};

pub fn new_key() -> SecretKey {
    SecretKey::generate(&mut rand_core::OsRng)
}

pub fn sign(key: &SecretKey, data: &[u8]) -> Signature {
    key.sign(data, "timestamp:0\tfile:test").expect("sign")
}

pub fn manifest(name: &str, version: &str, repo: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": name,
        "description": "A test server",
        "version": version,
        "repository": {"url": format!("https://github.com/{repo}"), "source": "github"},
        "packages": [{
            "registryType": "npm",
            "identifier": format!("@{repo}"),
            "version": version,
            "transport": {"type": "stdio"}
        }]
    }))
    .expect("json")
}

pub fn publish_body(key: &SecretKey, manifest: &str) -> Value {
    json!({"manifest": manifest, "signature": sign(key, manifest.as_bytes()).to_file_string()})
}

pub fn register_github_body(key: &SecretKey, owner: &str, repo: &str) -> Value {
    json!({
        "publicKey": key.public_key().to_file_string(),
        "namespace": format!("io.github.{owner}"),
        "repository": format!("{owner}/{repo}"),
    })
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0)
}

pub fn yank_body(
    key: &SecretKey,
    name: &str,
    version: &str,
    reason: Option<&str>,
    yank: bool,
) -> Value {
    yank_body_at(key, name, version, reason, yank, now_secs())
}

/// A yank (`yank = true`) or un-yank body issued at `issued_at` (statements about one release
/// must be issued at increasing seconds, so a test makes the next one a second later instead
/// of waiting for the clock).
pub fn yank_body_at(
    key: &SecretKey,
    name: &str,
    version: &str,
    reason: Option<&str>,
    yank: bool,
    issued_at: i64,
) -> Value {
    let statement = if yank {
        Statement::Yank {
            name,
            version,
            reason,
            issued_at,
        }
    } else {
        Statement::Unyank {
            name,
            version,
            issued_at,
        }
    };
    let text = statement.to_text().expect("statement");
    let mut body = json!({
        "name": name,
        "version": version,
        "issuedAt": issued_at,
        "signature": sign(key, text.as_bytes()).to_file_string(),
    });
    if let Some(r) = reason {
        body["reason"] = json!(r);
    }
    body
}

/// A deprecate (`deprecate = true`) or un-deprecate body issued at `issued_at` (statements
/// about one release must be issued at increasing seconds).
pub fn deprecate_body(
    key: &SecretKey,
    name: &str,
    version: &str,
    message: Option<&str>,
    deprecate: bool,
    issued_at: i64,
) -> Value {
    let statement = if deprecate {
        Statement::Deprecate {
            name,
            version,
            message,
            issued_at,
        }
    } else {
        Statement::Undeprecate {
            name,
            version,
            issued_at,
        }
    };
    let text = statement.to_text().expect("statement");
    let mut body = json!({
        "name": name,
        "version": version,
        "issuedAt": issued_at,
        "signature": sign(key, text.as_bytes()).to_file_string(),
    });
    if let Some(m) = message {
        body["message"] = json!(m);
    }
    body
}

pub fn revoke_body(key: &SecretKey, reason: Option<&str>) -> Value {
    let issued_at = now_secs();
    let key_id = key.key_id().to_string();
    let text = Statement::RevokeKey {
        key_id: &key_id,
        reason,
        issued_at,
    }
    .to_text()
    .expect("text");
    json!({
        "reason": reason,
        "issuedAt": issued_at,
        "signature": sign(key, text.as_bytes()).to_file_string(),
    })
}

/// URL-encodes a server name for a path segment, as official clients do.
pub fn enc(name: &str) -> String {
    name.replace('/', "%2F")
}
