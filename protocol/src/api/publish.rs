//! `POST /v1/publish` and the release it answers with.

use serde::{Deserialize, Serialize};

use super::{LogEvidence, ReleaseOrigin, ReleaseScan};
use crate::trust::Verdict;

/// `POST /v1/publish`. Give the manifest as text (`manifest`, the usual case: server.json is
/// UTF-8 JSON) or as base64 of the exact bytes (`manifestBase64`), not both. The signature is
/// the text of the `.minisig` file made over exactly those bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_base64: Option<String>,
    pub signature: String,
}

/// A release as our API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseInfo {
    pub name: String,
    pub version: String,
    pub origin: ReleaseOrigin,
    /// RFC 3339.
    pub published_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub manifest_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    pub yanked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yank_reason: Option<String>,
    /// Deprecated by the maintainer (still installable; the verdict keeps its level).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_message: Option<String>,
    pub is_latest: bool,
    pub trust: Verdict,
    /// The release's leaf in the transparency log, its inclusion proof and a signed checkpoint
    /// covering it (in the publish answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogEvidence>,
    /// What the tool-poisoning scanner found in the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ReleaseScan>,
}
