//! Tool fingerprints: a stable digest of a tool definition.

use serde_json::Value;

use crate::formats::digest::SHA256_PREFIX;
use crate::manifest::digest::{ContentDigest, Sha256Digest};

/// The key a recorded fingerprint is stored under inside a tool definition; it is left out of
/// the digest so a tool can carry its own fingerprint.
pub const FINGERPRINT_KEY: &str = "fingerprint";

/// The fingerprint of an MCP tool definition: `sha256:` followed by the lowercase hex SHA-256 of
/// the RFC 8785 (JSON Canonicalization Scheme) form of `tool`, with any top-level
/// `"fingerprint"` key removed.
///
/// JCS sorts object keys, drops insignificant whitespace and spells numbers and strings one way,
/// so the same definition has the same fingerprint however a server or editor formats it, and
/// any change to a name, description, schema or annotation changes it.
///
/// ```
/// let tool = serde_json::json!({"name": "echo", "inputSchema": {"type": "object"}});
/// // JCS: {"inputSchema":{"type":"object"},"name":"echo"}
/// assert_eq!(
///     protocol::manifest::tool_fingerprint(&tool),
///     "sha256:a85008edb2a361a39358ef9a40ccff45a3a4938fd90bb7d55450a050284e4723",
/// );
/// ```
pub fn tool_fingerprint(tool: &Value) -> String {
    match tool_fingerprint_digest(tool) {
        Some(digest) => digest.to_string(),
        // Unreachable for a `Value` (it cannot hold NaN or infinities, the only inputs JCS
        // refuses). Fail closed: a bare prefix never equals a recorded fingerprint.
        None => SHA256_PREFIX.to_owned(),
    }
}

/// [`tool_fingerprint`] as a typed digest; `None` only if canonicalisation fails, which it does
/// not for any `Value`.
pub fn tool_fingerprint_digest(tool: &Value) -> Option<ContentDigest> {
    let canonical = match tool {
        Value::Object(map) if map.contains_key(FINGERPRINT_KEY) => {
            let mut map = map.clone();
            map.remove(FINGERPRINT_KEY);
            serde_json_canonicalizer::to_vec(&map)
        }
        other => serde_json_canonicalizer::to_vec(other),
    };
    canonical
        .ok()
        .map(|bytes| ContentDigest::new(Sha256Digest::of(&bytes)))
}
