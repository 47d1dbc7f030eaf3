//! Keys: `POST /v1/keys` (bind a key to a namespace, or rotate it), how the key was proven,
//! the key as our API shows it, and `POST /v1/keys/{key_id}/revoke`.

use serde::{Deserialize, Serialize};

/// `POST /v1/keys`: bind a minisign public key to a namespace.
///
/// For `io.github.<owner>` give `repository` (`owner/repo`): the registry fetches
/// `.well-known/mcp-sign.pub` from it through the GitHub API. For a reverse-domain namespace
/// (`com.example`) give `domain` (`example.com`): the registry fetches
/// `https://example.com/.well-known/mcp-sign.pub`. To rotate, also give `rotatedFrom` (the old
/// key id) and `rotationSignature`, the old key's signature over [`Statement::RotateKey`](super::Statement::RotateKey).
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

/// `POST /v1/keys/{key_id}/revoke`: the key's own signature over [`Statement::RevokeKey`](super::Statement::RevokeKey).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyRevokeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Unix seconds; the registry accepts statements issued within
    /// [`formats::STATEMENT_MAX_SKEW_SECS`](crate::formats::STATEMENT_MAX_SKEW_SECS) of its clock.
    pub issued_at: i64,
    /// The `.minisig` text of the signature over the statement.
    pub signature: String,
}
