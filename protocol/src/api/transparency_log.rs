//! The transparency log on the wire: evidence that records are in the log, inclusion and
//! consistency proofs, and summaries of the log and its entries.

use serde::{Deserialize, Serialize};

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
