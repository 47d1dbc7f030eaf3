//! The official MCP registry's read API (`/v0.1/...`): server lists and releases with the
//! official `_meta` and our verdict, scan summary and GitHub facts under our own key.

use serde::{Deserialize, Serialize};

use super::LogEvidence;
use crate::trust::Verdict;

/// `GET /v0.1/servers`: a page of server releases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerList {
    pub servers: Vec<ServerResponse>,
    pub metadata: ListMetadata,
}

/// Pagination of a list: pass `nextCursor` back as `cursor` for the next page; absent on the
/// last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    pub count: usize,
}

/// One server release: the server.json exactly as published, and registry metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerResponse {
    /// The server.json of this release, as the maintainer published it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub server: serde_json::Value,
    #[serde(rename = "_meta")]
    pub meta: ResponseMeta,
}

/// Registry-managed metadata. The keys are the official registry's and ours
/// ([`formats::OFFICIAL_META_KEY`](crate::formats::OFFICIAL_META_KEY), [`formats::REGISTRY_META_KEY`](crate::formats::REGISTRY_META_KEY)).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseMeta {
    #[serde(
        rename = "io.modelcontextprotocol.registry/official",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub official: Option<OfficialMeta>,
    #[serde(
        rename = "dev.mcp-trust/registry",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub registry: Option<RegistryMeta>,
}

/// The official registry's status fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OfficialMeta {
    pub status: ServerStatus,
    /// Why the status is what it is (the maintainer's deprecation message, the yank reason,
    /// ...); at most [`formats::STATUS_MESSAGE_MAX_CHARS`](crate::formats::STATUS_MESSAGE_MAX_CHARS) characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub status_message: Option<String>,
    /// RFC 3339: when the status last changed, when the registry knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_changed_at: Option<String>,
    /// RFC 3339.
    pub published_at: String,
    /// RFC 3339.
    pub updated_at: String,
    pub is_latest: bool,
}

/// The official registry's lifecycle status, mapped from ours (strongest first):
/// - `deleted`: yanked by the maintainer, or flagged malicious by the operators (a takedown);
///   our verdict says `yanked` or `malicious`;
/// - `deprecated`: the maintainer deprecated it (the verdict keeps its level and gives the
///   `deprecated` reason), or its signing key was revoked (the verdict says `revoked`);
/// - `active`: otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ServerStatus {
    Active,
    Deprecated,
    Deleted,
}

/// Our metadata about a release, under [`formats::REGISTRY_META_KEY`](crate::formats::REGISTRY_META_KEY).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegistryMeta {
    pub trust: Verdict,
    pub origin: ReleaseOrigin,
    /// SHA-256 of the exact manifest bytes, hex.
    pub manifest_sha256: String,
    /// The key that signed the release, when it was uploaded signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// The release's leaf in the transparency log with its inclusion proof and the checkpoint
    /// (signed releases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogEvidence>,
    /// What the crawler last saw of the server's GitHub repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubFacts>,
    /// What the tool-poisoning scanner found in the manifest: counts per severity (the
    /// findings are in `GET /v1/verify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ScanSummary>,
}

/// What the tool-poisoning scanner (`scan::scan_manifest`) found in a release manifest (its
/// server metadata and the tools of its release extension), counted per severity. Findings
/// are facts, not refusals: a release with a high finding is stored and shown, but cannot
/// reach `verified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScanSummary {
    /// The scanner's rules version ([`formats::scan::SCANNER_VERSION`](crate::formats::scan::SCANNER_VERSION)) that made the scan.
    pub scanner_version: u32,
    /// Tool definitions scanned.
    pub tools: usize,
    pub high: usize,
    pub warning: usize,
    pub info: usize,
}

/// A release's scan: the counts and the findings themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReleaseScan {
    pub summary: ScanSummary,
    /// In document order; at most [`formats::scan::MAX_STORED_FINDINGS`](crate::formats::scan::MAX_STORED_FINDINGS) (the counts cover
    /// every finding).
    pub findings: Vec<crate::scan::Finding>,
    /// Some findings were left out of `findings`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// How a release's tools differ from those of the previous version of the server that
/// declares tools (by version order): a rug pull shows here. Tools are matched by name and
/// compared by fingerprint (`scan::diff_tools`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ToolsDiffInfo {
    /// The version compared with.
    pub previous_version: String,
    pub added: Vec<crate::scan::ToolRef>,
    pub removed: Vec<crate::scan::ToolRef>,
    /// Each changed tool with every differing field (JSONPath within the tool, old and new).
    pub changed: Vec<crate::scan::ToolChange>,
    /// Names of the tools whose fingerprints did not change.
    pub unchanged: Vec<String>,
}

/// A server's GitHub repository as the crawler last saw it (issue 5). Facts, not trust: a
/// `listed` server stays `listed` however many stars it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GithubFacts {
    /// `Owner/Repo`, as GitHub spells it.
    pub repository: String,
    /// GitHub's numeric repository id (changes when a repository is deleted and re-created).
    pub repository_id: i64,
    pub stars: i64,
    pub forks: i64,
    /// SPDX id of the license GitHub detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    pub archived: bool,
    /// The repository is a fork of another.
    pub fork: bool,
    /// `User` or `Organization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_type: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// The key id of a minisign key published in the repository (`.well-known/mcp-sign.pub`):
    /// "key published in repository", one `mcp-sign key register` away from signed releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_key_id: Option<String>,
    /// RFC 3339: when the crawler last recorded the repository.
    pub crawled_at: String,
}

/// How a release reached the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReleaseOrigin {
    /// The embedded seed data set.
    Seed,
    /// `mcp-registry import`.
    Import,
    /// A maintainer's signed `POST /v1/publish`.
    Publish,
    /// Found on GitHub by the crawler (`mcp-registry crawl`); never signed.
    Crawl,
    /// Copied from an upstream registry (`mcp-registry mirror`); never signed.
    Mirror,
}

impl ReleaseOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseOrigin::Seed => "seed",
            ReleaseOrigin::Import => "import",
            ReleaseOrigin::Publish => "publish",
            ReleaseOrigin::Crawl => "crawl",
            ReleaseOrigin::Mirror => "mirror",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "seed" => Some(ReleaseOrigin::Seed),
            "import" => Some(ReleaseOrigin::Import),
            "publish" => Some(ReleaseOrigin::Publish),
            "crawl" => Some(ReleaseOrigin::Crawl),
            "mirror" => Some(ReleaseOrigin::Mirror),
            _ => None,
        }
    }
}
