//! The registry's HTTP wire types, shared by the server (`mcp-registry`) and its clients
//! (`mcp-sign`, MCP hosts).
//!
//! Two families:
//! - the official MCP registry's read API (`/v0.1/...`): [`ServerList`], [`ServerResponse`],
//!   [`ResponseMeta`], with the official `_meta` key and our verdict under our own key;
//! - our own API (`/v1/...`): publish, keys, yank, deprecate, verify, stats.
//!
//! Signed statements (key revocation, key rotation, yank, un-yank, deprecate, un-deprecate) are
//! built by [`Statement`]:
//! the client signs [`Statement::to_text`] with minisign and the registry rebuilds the same text
//! from the request to verify it, so no free-form signed text crosses the wire.

use serde::{Deserialize, Serialize};

use crate::formats;
use crate::trust::Verdict;

// ---------------------------------------------------------------------------------------------
// Official-compatible reads
// ---------------------------------------------------------------------------------------------

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
/// ([`formats::OFFICIAL_META_KEY`], [`formats::REGISTRY_META_KEY`]).
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
    /// ...); at most [`formats::STATUS_MESSAGE_MAX_CHARS`] characters.
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

/// Our metadata about a release, under [`formats::REGISTRY_META_KEY`].
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
    /// The scanner's rules version ([`formats::scan::SCANNER_VERSION`]) that made the scan.
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
    /// In document order; at most [`formats::scan::MAX_STORED_FINDINGS`] (the counts cover
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

// ---------------------------------------------------------------------------------------------
// Our API: publishing, keys, statements
// ---------------------------------------------------------------------------------------------

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

/// `POST /v1/keys`: bind a minisign public key to a namespace.
///
/// For `io.github.<owner>` give `repository` (`owner/repo`): the registry fetches
/// `.well-known/mcp-sign.pub` from it through the GitHub API. For a reverse-domain namespace
/// (`com.example`) give `domain` (`example.com`): the registry fetches
/// `https://example.com/.well-known/mcp-sign.pub`. To rotate, also give `rotatedFrom` (the old
/// key id) and `rotationSignature`, the old key's signature over [`Statement::RotateKey`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyRegisterRequest {
    /// The public key: the `.pub` file's text or the bare base64 line.
    pub public_key: String,
    /// `io.github.<owner>` or a reverse domain such as `com.example`.
    pub namespace: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_signature: Option<String>,
    /// Unix seconds the rotation statement was issued at (with `rotationSignature`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
}

/// How a key was bound to its namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ProofKind {
    /// `.well-known/mcp-sign.pub` in a GitHub repository owned by the namespace owner.
    Github,
    /// `https://<domain>/.well-known/mcp-sign.pub`.
    Domain,
}

impl ProofKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProofKind::Github => "github",
            ProofKind::Domain => "domain",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "github" => Some(ProofKind::Github),
            "domain" => Some(ProofKind::Domain),
            _ => None,
        }
    }
}

/// The evidence the registry checked when it registered a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyProof {
    pub kind: ProofKind,
    /// `owner/repo` for GitHub proofs: the grant covers servers whose `repository.url` is
    /// `https://github.com/owner/repo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// GitHub's numeric repository id, which survives renames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Where the key file was fetched.
    pub url: String,
}

/// A registered key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    /// minisign key id, 16 hex digits.
    pub key_id: String,
    /// The public key, bare base64 as in the second line of the `.pub` file.
    pub public_key: String,
    pub namespace: String,
    pub proof: KeyProof,
    /// RFC 3339.
    pub registered_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_from: Option<String>,
}

/// `POST /v1/keys/{key_id}/revoke`: the key's own signature over [`Statement::RevokeKey`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyRevokeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Unix seconds; the registry accepts statements issued within
    /// [`formats::STATEMENT_MAX_SKEW_SECS`] of its clock.
    pub issued_at: i64,
    /// The `.minisig` text of the signature over the statement.
    pub signature: String,
}

/// `POST /v1/yank` and `POST /v1/unyank`: a namespace key's signature over
/// [`Statement::Yank`] or [`Statement::Unyank`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YankRequest {
    pub name: String,
    pub version: String,
    /// Only for yank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub issued_at: i64,
    pub signature: String,
}

/// `POST /v1/deprecate` and `POST /v1/undeprecate`: a namespace key's signature over
/// [`Statement::Deprecate`] or [`Statement::Undeprecate`]. A deprecated release stays
/// installable and keeps its trust level; the official `_meta` says `deprecated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeprecateRequest {
    pub name: String,
    pub version: String,
    /// Only for deprecate: what users should do instead (one line, at most
    /// [`formats::STATUS_MESSAGE_MAX_CHARS`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub message: Option<String>,
    /// Unix seconds; the registry accepts statements issued within
    /// [`formats::STATEMENT_MAX_SKEW_SECS`] of its clock.
    pub issued_at: i64,
    /// The `.minisig` text of the signature over the statement.
    pub signature: String,
}

impl DeprecateRequest {
    /// The statement the signature must cover: a deprecation, or with `deprecate = false` its
    /// withdrawal.
    pub fn statement(&self, deprecate: bool) -> Statement<'_> {
        if deprecate {
            Statement::Deprecate {
                name: &self.name,
                version: &self.version,
                message: self.message.as_deref(),
                issued_at: self.issued_at,
            }
        } else {
            Statement::Undeprecate {
                name: &self.name,
                version: &self.version,
                issued_at: self.issued_at,
            }
        }
    }
}

/// Refuses a lifecycle status message (a deprecation message) the official registry would not
/// accept: longer than [`formats::STATUS_MESSAGE_MAX_CHARS`] characters.
pub fn check_status_message(message: &str) -> Result<(), String> {
    let chars = message.chars().count();
    if chars > formats::STATUS_MESSAGE_MAX_CHARS {
        return Err(format!(
            "the deprecation message is too long ({chars} characters; at most {} are allowed): \
             shorten it, or point to a page with the details",
            formats::STATUS_MESSAGE_MAX_CHARS
        ));
    }
    Ok(())
}

/// A statement a key signs to change state in the registry. Its text is line-based and has no
/// room for ambiguity: every field is one line, and free text may not contain line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement<'a> {
    /// The key withdraws itself.
    RevokeKey {
        key_id: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
    /// The old key vouches for its successor. `namespace` is lower-case.
    RotateKey {
        old_key_id: &'a str,
        new_key_id: &'a str,
        namespace: &'a str,
        issued_at: i64,
    },
    Yank {
        name: &'a str,
        version: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
    Unyank {
        name: &'a str,
        version: &'a str,
        issued_at: i64,
    },
    /// The maintainer deprecates a release, with a message for its users (official status
    /// `deprecated`).
    Deprecate {
        name: &'a str,
        version: &'a str,
        message: Option<&'a str>,
        issued_at: i64,
    },
    Undeprecate {
        name: &'a str,
        version: &'a str,
        issued_at: i64,
    },
    /// An operator statement (`mcp-registry admin ...`), signed with the operator key:
    /// `subject` is a namespace (official, unofficial) or `NAME[@VERSION]` (flag, unflag).
    Operator {
        action: OperatorAction,
        subject: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
}

/// What the registry's operators state about a publisher or a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorAction {
    /// The namespace's publisher is vetted: its verified releases become `official`.
    Official,
    /// Withdraws `Official`.
    Unofficial,
    /// A server (`NAME`) or one release (`NAME@VERSION`) is malicious.
    Flag,
    /// Withdraws `Flag`.
    Unflag,
}

impl OperatorAction {
    pub const ALL: [OperatorAction; 4] = [
        OperatorAction::Official,
        OperatorAction::Unofficial,
        OperatorAction::Flag,
        OperatorAction::Unflag,
    ];

    /// The name in statements and log records.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorAction::Official => "official",
            OperatorAction::Unofficial => "unofficial",
            OperatorAction::Flag => "flag",
            OperatorAction::Unflag => "unflag",
        }
    }
}

impl std::fmt::Display for OperatorAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OperatorAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OperatorAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown operator action {s:?}; expected official, unofficial, flag or unflag"
                )
            })
    }
}

impl Statement<'_> {
    /// The action's name, as in the statement's `action:` line.
    pub fn action(&self) -> &'static str {
        match self {
            Statement::RevokeKey { .. } => "revoke-key",
            Statement::RotateKey { .. } => "rotate-key",
            Statement::Yank { .. } => "yank",
            Statement::Unyank { .. } => "unyank",
            Statement::Deprecate { .. } => "deprecate",
            Statement::Undeprecate { .. } => "undeprecate",
            Statement::Operator { action, .. } => action.as_str(),
        }
    }

    /// The exact text that is signed. Errors when free text would break the line format.
    pub fn to_text(&self) -> Result<String, String> {
        let mut lines: Vec<(&str, String)> = vec![("action", self.action().to_string())];
        let issued_at = match *self {
            Statement::RevokeKey {
                key_id,
                reason,
                issued_at,
            } => {
                lines.push(("key-id", key_id.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
            Statement::RotateKey {
                old_key_id,
                new_key_id,
                namespace,
                issued_at,
            } => {
                lines.push(("old-key-id", old_key_id.to_string()));
                lines.push(("new-key-id", new_key_id.to_string()));
                lines.push(("namespace", namespace.to_string()));
                issued_at
            }
            Statement::Yank {
                name,
                version,
                reason,
                issued_at,
            } => {
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
            Statement::Unyank {
                name,
                version,
                issued_at,
            }
            | Statement::Undeprecate {
                name,
                version,
                issued_at,
            } => {
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                issued_at
            }
            Statement::Deprecate {
                name,
                version,
                message,
                issued_at,
            } => {
                let message = message.unwrap_or("");
                check_status_message(message)?;
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                lines.push(("message", message.to_string()));
                issued_at
            }
            Statement::Operator {
                action: _,
                subject,
                reason,
                issued_at,
            } => {
                lines.push(("subject", subject.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
        };
        lines.push(("issued-at", issued_at.to_string()));
        let mut out = String::from(formats::STATEMENT_HEADER);
        out.push('\n');
        for (key, value) in lines {
            if value.contains(['\n', '\r']) {
                return Err(format!("the statement's {key} must be a single line"));
            }
            // The message's bound is in characters (the official registry's), checked above.
            if key != "message" && value.len() > formats::STATEMENT_FIELD_MAX_LEN {
                return Err(format!(
                    "the statement's {key} is too long ({} bytes; at most {} are allowed)",
                    value.len(),
                    formats::STATEMENT_FIELD_MAX_LEN
                ));
            }
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&value);
            out.push('\n');
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// Our API: reads
// ---------------------------------------------------------------------------------------------

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
/// `<mark>`…`</mark>` (see [`formats::SEARCH_HIGHLIGHT_TAG`]). Safe to insert into a page as
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

// ---------------------------------------------------------------------------------------------
// The transparency log
// ---------------------------------------------------------------------------------------------

/// Proof that records are in the registry's transparency log: a signed checkpoint (a C2SP
/// signed note, see `log::note`) and, for each record, its leaf index, exact bytes and RFC 6962
/// inclusion proof against that checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogEvidence {
    /// The signed checkpoint text.
    pub checkpoint: String,
    /// The tree size the checkpoint and the proofs are for.
    pub tree_size: u64,
    /// The release's `release` record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<LogEntryProof>,
    /// The signing key's `key` record: its namespace proof.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<LogEntryProof>,
}

/// One leaf and its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogEntryProof {
    pub index: u64,
    /// The record's exact text (`log::LogRecord`).
    pub record: String,
    /// Base64 hashes, leaf to root.
    pub inclusion_proof: Vec<String>,
}

/// `GET /v1/log/proof/inclusion?index=&size=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InclusionProofResponse {
    pub index: u64,
    pub tree_size: u64,
    /// The record's exact text.
    pub record: String,
    /// Base64 hashes, leaf to root.
    pub proof: Vec<String>,
}

/// `GET /v1/log/proof/consistency?from=&to=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConsistencyProofResponse {
    pub from: u64,
    pub to: u64,
    /// Base64 hashes (RFC 6962 order).
    pub proof: Vec<String>,
}

/// The log at a glance (the website's log page): the latest signed checkpoint and the most
/// recent entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogSummary {
    /// The signed checkpoint text (origin, tree size, root hash, signatures).
    pub checkpoint: String,
    pub tree_size: u64,
    pub entries: Vec<LogEntrySummary>,
}

/// One leaf of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogEntrySummary {
    pub index: u64,
    /// The record kind (`release`, `key`, `key-revoke`, `yank`, ...).
    pub kind: String,
    /// The record's exact text (`log::LogRecord`).
    pub record: String,
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

/// Every error response: `{"error":{"code":"not_found","message":"..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Every error response on the official read API (`/v0`, `/v0.1`), in the official registry's
/// shape: `{"error":"Server not found"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialErrorBody {
    /// What went wrong and how to fix it, for people.
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable, snake_case code for programs.
    pub code: String,
    /// What went wrong and how to fix it, for people.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_keys_match_the_format_constants() {
        let meta = ResponseMeta {
            official: Some(OfficialMeta {
                status: ServerStatus::Active,
                status_message: None,
                status_changed_at: None,
                published_at: "2025-01-01T00:00:00Z".into(),
                updated_at: "2025-01-01T00:00:00Z".into(),
                is_latest: true,
            }),
            registry: Some(RegistryMeta {
                trust: crate::trust::compute(&crate::trust::TrustFacts::default()),
                origin: ReleaseOrigin::Seed,
                manifest_sha256: "00".into(),
                key_id: None,
                log: None,
                github: None,
                scan: None,
            }),
        };
        let v = serde_json::to_value(&meta).unwrap();
        assert!(v.get(formats::OFFICIAL_META_KEY).is_some());
        assert!(v.get(formats::REGISTRY_META_KEY).is_some());
        assert_eq!(v[formats::OFFICIAL_META_KEY]["isLatest"], true);
        assert_eq!(v[formats::OFFICIAL_META_KEY]["status"], "active");
        // Absent status details are left out (the official schema has no nulls there).
        assert!(v[formats::OFFICIAL_META_KEY].get("statusMessage").is_none());
        assert!(
            v[formats::OFFICIAL_META_KEY]
                .get("statusChangedAt")
                .is_none()
        );
    }

    #[test]
    fn official_meta_status_details_are_camel_case() {
        let m = OfficialMeta {
            status: ServerStatus::Deprecated,
            status_message: Some("use 2.0.0".into()),
            status_changed_at: Some("2025-01-02T00:00:00Z".into()),
            published_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-02T00:00:00Z".into(),
            is_latest: false,
        };
        let v = serde_json::to_value(&m).unwrap();
        assert_eq!(v["status"], "deprecated");
        assert_eq!(v["statusMessage"], "use 2.0.0");
        assert_eq!(v["statusChangedAt"], "2025-01-02T00:00:00Z");
        assert_eq!(serde_json::from_value::<OfficialMeta>(v).unwrap(), m);
    }

    #[test]
    fn deprecate_statements_and_requests() {
        let req: DeprecateRequest = serde_json::from_str(
            r#"{"name":"io.github.o/s","version":"1.0.0","message":"use 2.0.0",
                "issuedAt":1700000000,"signature":"s"}"#,
        )
        .unwrap();
        assert_eq!(
            req.statement(true).to_text().unwrap(),
            "mcp-trust-statement v1\naction: deprecate\nname: io.github.o/s\nversion: 1.0.0\n\
             message: use 2.0.0\nissued-at: 1700000000\n"
        );
        assert_eq!(
            req.statement(false).to_text().unwrap(),
            "mcp-trust-statement v1\naction: undeprecate\nname: io.github.o/s\n\
             version: 1.0.0\nissued-at: 1700000000\n"
        );
        let r: Result<DeprecateRequest, _> = serde_json::from_str(
            r#"{"name":"n","version":"1","issuedAt":1,"signature":"s","reason":"x"}"#,
        );
        assert!(r.is_err(), "unknown fields are refused");

        // 500 characters are fine, even when they take more bytes; 501 are not.
        let long = "é".repeat(formats::STATUS_MESSAGE_MAX_CHARS);
        let ok = Statement::Deprecate {
            name: "io.github.o/s",
            version: "1.0.0",
            message: Some(&long),
            issued_at: 1,
        };
        assert!(ok.to_text().is_ok());
        let longer = format!("{long}e");
        let too_long = Statement::Deprecate {
            name: "io.github.o/s",
            version: "1.0.0",
            message: Some(&longer),
            issued_at: 1,
        };
        let err = too_long.to_text().unwrap_err();
        assert!(err.contains("501 characters"), "{err}");
        assert!(err.contains("at most 500"), "{err}");
    }

    #[test]
    fn list_metadata_omits_absent_cursor() {
        let m = ListMetadata {
            next_cursor: None,
            count: 3,
        };
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"count":3}"#);
        let m = ListMetadata {
            next_cursor: Some("x".into()),
            count: 3,
        };
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"nextCursor":"x","count":3}"#
        );
    }

    #[test]
    fn statement_text_is_stable() {
        let s = Statement::Yank {
            name: "io.github.o/s",
            version: "1.0.0",
            reason: Some("broken"),
            issued_at: 1_700_000_000,
        };
        assert_eq!(
            s.to_text().unwrap(),
            "mcp-trust-statement v1\naction: yank\nname: io.github.o/s\nversion: 1.0.0\n\
             reason: broken\nissued-at: 1700000000\n"
        );
        let r = Statement::RevokeKey {
            key_id: "AB",
            reason: None,
            issued_at: 5,
        };
        assert_eq!(
            r.to_text().unwrap(),
            "mcp-trust-statement v1\naction: revoke-key\nkey-id: AB\nreason: \nissued-at: 5\n"
        );
    }

    #[test]
    fn statement_refuses_multi_line_text() {
        let s = Statement::Yank {
            name: "io.github.o/s",
            version: "1.0.0",
            reason: Some("a\nissued-at: 1"),
            issued_at: 1,
        };
        assert!(s.to_text().is_err());
    }

    #[test]
    fn enum_names_round_trip() {
        for o in [
            ReleaseOrigin::Seed,
            ReleaseOrigin::Import,
            ReleaseOrigin::Publish,
            ReleaseOrigin::Crawl,
            ReleaseOrigin::Mirror,
        ] {
            assert_eq!(ReleaseOrigin::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        for k in [ProofKind::Github, ProofKind::Domain] {
            assert_eq!(ProofKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(ReleaseOrigin::parse("crawled"), None);
        assert_eq!(ProofKind::parse("dns"), None);
    }

    #[test]
    fn publish_request_refuses_unknown_fields() {
        let r: Result<PublishRequest, _> =
            serde_json::from_str(r#"{"manifest":"{}","signature":"s","extra":1}"#);
        assert!(r.is_err());
    }
}
