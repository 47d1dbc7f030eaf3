//! Our own read API (`/v1/...`): server details, verify, stats, search, a namespace's
//! listing and health.

use serde::{Deserialize, Serialize};

use super::{
    KeyInfo, ListMetadata, LogEvidence, ReleaseInfo, ReleaseScan, ServerResponse, ToolsDiffInfo,
};
use crate::trust::Verdict;

/// `GET /v1/servers/{name}`: a server with all its releases and the keys of its namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ServerDetail {
    pub name: String,
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    /// The verdict of the latest release.
    pub trust: Verdict,
    /// Newest first.
    pub versions: Vec<ReleaseInfo>,
    /// Keys registered for the namespace, live and revoked.
    pub keys: Vec<KeyInfo>,
}

/// `GET /v1/verify`: the verdict on one release and the evidence to re-check it offline
/// (the exact manifest, the maintainer's signature, the key and its proof).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    /// The server name the query resolved to, when the registry knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub verdict: Verdict,
    /// The exact manifest bytes (UTF-8 JSON) the signature covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<String>,
    /// The `.minisig` text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyInfo>,
    /// The log evidence: the release's leaf and the key's proof leaf, each with an inclusion
    /// proof, and the signed checkpoint both proofs lead to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogEvidence>,
    /// What the tool-poisoning scanner found in the manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<ReleaseScan>,
    /// How the tools changed since the previous version that declares tools (absent when this
    /// release or every earlier one declares none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools_diff: Option<ToolsDiffInfo>,
    /// The registry's last check of each package artifact against its package registry
    /// (absent before the first check, and for unsigned releases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<ArtifactCheckInfo>,
    /// The registry's last decided check of the packages' Sigstore build provenance: which
    /// were built by CI from the server's repository (repository, commit, workflow, builder,
    /// certificate identity, Rekor entry) and why the others are not (absent before the first
    /// check). Each change is a `provenance` leaf of the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::trust::ProvenanceFacts>,
}

/// What the registry compared for one package of a release, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ArtifactCheckInfo {
    /// The package reference, e.g. `npm:@scope/pkg@1.2.3`.
    pub package: String,
    /// `matched`, `mismatch`, `ownership_missing`, `temporary` or `failed`.
    pub state: crate::ArtifactState,
    /// What was compared, e.g. `npm dist.integrity`, `PyPI digests.sha256 of FILE`,
    /// `OCI manifest digest of tag 1.0.0`, `tarball sha256`, `file sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared: Option<String>,
    /// The digest the signed manifest gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The digest the package registry serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    /// The ownership marker found (`mcpName ...`, `mcp-name: ...`, `label ...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership: Option<String>,
    pub message: String,
    /// RFC 3339.
    pub checked_at: String,
}

/// `GET /v1/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub servers: i64,
    pub releases: i64,
    pub signed_releases: i64,
    pub yanked_releases: i64,
    pub keys: i64,
    pub revoked_keys: i64,
}

/// `GET /v1/search`: a ranked page of servers (one hit per server, its latest release), the
/// facet counts of the whole result, and `metadata.nextCursor` for the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchResponse {
    /// The query as it was searched.
    pub query: String,
    /// How many servers match (with the filters).
    pub total: u64,
    pub hits: Vec<SearchHit>,
    pub facets: SearchFacets,
    pub metadata: ListMetadata,
}

/// One server found by a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub name: String,
    /// The latest version.
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub highlight: SearchHighlight,
    /// The trust level of the latest release.
    pub trust: crate::trust::TrustLevel,
    pub registry_types: Vec<String>,
    pub transports: Vec<String>,
    pub stars: u64,
    /// RFC 3339.
    pub updated_at: String,
    /// How the server matched; hits are ordered by this first.
    #[serde(rename = "match")]
    pub match_kind: SearchMatch,
    /// Relevance within the match kind (higher is better), trust and popularity included.
    pub score: f32,
}

/// Name and description as HTML: the text HTML-escaped, and what matched the query wrapped in
/// `<mark>`…`</mark>` (see [`formats::SEARCH_HIGHLIGHT_TAG`](crate::formats::SEARCH_HIGHLIGHT_TAG)). Safe to insert into a page as
/// is. Long descriptions are cut to a window around the first match, with `…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHighlight {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// How a search hit matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchMatch {
    /// The query is the server's name (whole or its part after `/`), a package identifier
    /// or the repository.
    Exact,
    /// The server's name starts with the query.
    Prefix,
    /// Every word of the query matched.
    AllTerms,
    /// Some words matched (shown when few servers match every word).
    SomeTerms,
    /// No query: every server, trusted and popular first.
    Browse,
}

/// Facet counts over the whole result. Each dimension is counted with the other dimensions'
/// filters applied but not its own, so a person can see what widening a filter would give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchFacets {
    pub trust: Vec<FacetCount>,
    pub registry_type: Vec<FacetCount>,
    pub transport: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    pub version: String,
}

/// The servers of one namespace and the keys proven for it (the website's publisher page).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NamespaceListing {
    pub namespace: String,
    /// The latest release of each server, by name: one page.
    pub servers: Vec<ServerResponse>,
    /// Keys registered for the namespace, live and revoked.
    pub keys: Vec<KeyInfo>,
    /// The last name of this page when more servers follow (pass it back as `after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}
