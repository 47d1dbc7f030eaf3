//! The release extension: what a maintainer signs about a release beyond server.json.
//!
//! It lives in server.json under `_meta["dev.mcp-trust/release"]`
//! ([`RELEASE_META_KEY`](crate::formats::RELEASE_META_KEY)), so the official registry and its
//! tools carry it along untouched, and the maintainer's signature over the whole file covers it.
//!
//! ```json
//! {
//!   "formatVersion": 1,
//!   "sourceCommit": "4f1c0e7d9a2b3c4d5e6f708192a3b4c5d6e7f809",
//!   "artifacts": [
//!     {
//!       "registryType": "npm",
//!       "identifier": "@example/weather-mcp",
//!       "version": "1.2.3",
//!       "fileName": "example-weather-mcp-1.2.3.tgz",
//!       "sha256": "<64 hex>",
//!       "integrity": "sha512-<base64>"
//!     },
//!     { "registryType": "oci", "identifier": "ghcr.io/example/weather", "version": "1.2.3",
//!       "ociDigest": "sha256:<64 hex>" }
//!   ],
//!   "tools": [
//!     {
//!       "name": "get_forecast",
//!       "description": "Get the forecast for a city",
//!       "inputSchema": { "type": "object", "properties": { "city": { "type": "string" } } },
//!       "annotations": { "readOnlyHint": true },
//!       "fingerprint": "sha256:<64 hex>"
//!     }
//!   ],
//!   "capabilities": { "filesystem": "none", "network": true, "exec": false },
//!   "secrets": [ { "name": "WEATHER_API_KEY", "description": "API key", "required": true } ],
//!   "oauth": false
//! }
//! ```
//!
//! | field | required | meaning |
//! |---|---|---|
//! | `formatVersion` | yes | `1` ([`RELEASE_FORMAT_VERSION`](crate::formats::RELEASE_FORMAT_VERSION)); readers refuse other versions |
//! | `sourceCommit` | no (warning) | the git commit the release was built from: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits |
//! | `artifacts[]` | no | digests of the published artifacts; each names a package of `packages[]` by `registryType`, `identifier` and (if both have one) `version`, and has at least one of `sha256` (hex, the file), `integrity` (npm's `sha512-<base64>`), `ociDigest` (`sha256:<hex>`, the image manifest); `fileName` is informational. A `sha256` must equal the package's `fileSha256` if it has one |
//! | `tools[]` | no | the tools the server exposes, each an MCP tool definition as `tools/list` returns it (`name`, `title`, `description`, `inputSchema`, `outputSchema`, `annotations`, ...) plus its `fingerprint`; names are unique |
//! | `capabilities` | no (warning) | what the server can do: `filesystem` (`none`, `read`, `write`), `network` and `exec` (starts processes) |
//! | `secrets[]` | no | the environment variables or headers that hold secrets (`name`, `description`, `required`); should list every input marked `isSecret` |
//! | `oauth` | no | whether the server supports OAuth instead of static secrets |
//!
//! A tool's fingerprint is `sha256:` and the hex SHA-256 of the RFC 8785 (JCS) canonical JSON of
//! the tool definition without its `fingerprint` key (see [`tool_fingerprint`]). Clients pin
//! fingerprints, and the registry notices when a tool changes between releases (a rug pull) or
//! differs from what the running server reports.
//!
//! [`tool_fingerprint`]: super::tool_fingerprint

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use crate::names::Version;

/// The release extension (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseExtension {
    pub format_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_commit: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<bool>,
}

impl ReleaseExtension {
    /// The extension of a server.json document: `None` when it has none, an error when the
    /// one it has does not read as format 1. The one place that knows where it lives.
    pub fn read_from(server_json: &Value) -> Result<Option<Self>, serde_json::Error> {
        match server_json
            .get("_meta")
            .and_then(|meta| meta.get(crate::formats::RELEASE_META_KEY))
        {
            None => Ok(None),
            Some(ext) => Self::deserialize(ext).map(Some),
        }
    }

    /// The extension of a server.json document that was validated before (a stored or
    /// published release): `None` when it has none or, defensively, one that does not read.
    pub fn of(server_json: &Value) -> Option<Self> {
        Self::read_from(server_json).ok().flatten()
    }

    /// The tool named `name`.
    pub fn tool(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.name == name)
    }
}

/// The digests of one published artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    pub registry_type: String,
    pub identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Sha256Digest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Sha512Integrity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oci_digest: Option<ContentDigest>,
}

/// A tool the server exposes, as MCP's `tools/list` describes it, with its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub input_schema: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<ToolAnnotations>,
    pub fingerprint: ContentDigest,
    /// Other fields of the tool definition (`_meta`, `icons`, ...); they are covered by the
    /// fingerprint too.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// MCP's tool annotations: hints, not guarantees, that clients show to users.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
    /// Annotations this version does not know: kept, because the tool's fingerprint covers
    /// them (dropping them would make a fingerprint recomputed from this view differ from one
    /// taken from the live `tools/list`).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// What the server can do on the machine it runs on, as its maintainer declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    pub filesystem: FilesystemAccess,
    /// Makes network connections (beyond serving its own transport).
    pub network: bool,
    /// Starts other processes.
    pub exec: bool,
}

/// Filesystem access, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilesystemAccess {
    None,
    Read,
    Write,
}

/// An input that holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// The environment variable or header name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub required: bool,
}

#[cfg(test)]
mod tests;
