//! The outcome of checking one package against the digest the maintainer signed.

use protocol::trust::{Reason, ReasonCode};

use crate::db;
use crate::outbound::FetchError;

/// The outcome for one package (the wire and row names live with the enum in `protocol`).
pub use protocol::ArtifactState as PackageState;

/// What was compared for one package, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageResult {
    /// The package reference, e.g. `npm:@scope/pkg@1.2.3`.
    pub package: String,
    pub state: PackageState,
    /// What was compared, e.g. `npm dist.integrity`.
    pub compared: Option<String>,
    pub expected: Option<String>,
    pub observed: Option<String>,
    /// The ownership marker found, e.g. `mcpName io.github.o/s`.
    pub ownership: Option<String>,
    /// A sentence for people: what matched, or what is wrong and how to fix it.
    pub message: String,
}

impl PackageResult {
    pub fn matched(package: &str, compared: &str, expected: String, observed: String) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Matched,
            message: format!("{package}: {compared} {observed} matches the manifest"),
            compared: Some(compared.to_string()),
            expected: Some(expected),
            observed: Some(observed),
            ownership: None,
        }
    }

    pub fn mismatch(
        package: &str,
        compared: &str,
        expected: String,
        observed: Option<String>,
    ) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Mismatch,
            message: format!(
                "{package}: {compared} is {}, but the signed manifest gives {expected}: the \
                 published artifact is not the one the maintainer signed",
                observed.as_deref().unwrap_or("missing")
            ),
            compared: Some(compared.to_string()),
            expected: Some(expected),
            observed,
            ownership: None,
        }
    }

    /// The digest matched but the package does not name the server.
    pub fn ownership_missing(matched: PackageResult, message: String) -> Self {
        PackageResult {
            state: PackageState::OwnershipMissing,
            message,
            ..matched
        }
    }

    pub fn failed(package: &str, message: String) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Failed,
            compared: None,
            expected: None,
            observed: None,
            ownership: None,
            message,
        }
    }

    pub fn no_digest(package: &str) -> Self {
        Self::failed(
            package,
            format!(
                "{package}: the signed manifest records no digest for this package to compare \
                 (record it with `mcp-sign manifest init --artifact FILE` and publish a new \
                 version)"
            ),
        )
    }

    pub fn fetch_failed(package: &str, e: &FetchError) -> Self {
        let mut r = Self::failed(package, format!("{package}: {e}"));
        if e.is_temporary() {
            r.state = PackageState::Temporary;
        }
        r
    }

    /// A stored result (`artifact_results`).
    pub fn from_row(r: db::artifacts::ResultRow) -> Self {
        // A row written by a newer registry with a state this one does not know reads as a
        // definitive failure: never as a match.
        let state = r.state.parse().unwrap_or(PackageState::Failed);
        PackageResult {
            package: r.package,
            state,
            compared: r.compared,
            expected: r.expected,
            observed: r.observed,
            ownership: r.ownership,
            message: r.reason.unwrap_or_default(),
        }
    }

    /// The verdict reason for a package that is not matched.
    pub fn reason(&self) -> Option<Reason> {
        let code = match self.state {
            PackageState::Matched => return None,
            PackageState::Mismatch => ReasonCode::ArtifactMismatch,
            PackageState::OwnershipMissing => ReasonCode::OwnershipMissing,
            PackageState::Temporary => ReasonCode::ArtifactsCheckPending,
            PackageState::Failed => ReasonCode::ArtifactCheckFailed,
        };
        Some(Reason {
            code,
            message: self.message.clone(),
        })
    }

    /// The log record's line: `<package> <compared> <expected> <observed>` (`-` for none;
    /// spaces in `compared` become `_`).
    pub fn log_line(&self) -> String {
        let dash = |s: &Option<String>| {
            s.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.replace([' ', '\n', '\r'], "_"))
                .unwrap_or_else(|| "-".to_string())
        };
        format!(
            "{} {} {} {} {}",
            self.package.replace([' ', '\n', '\r'], "_"),
            self.state.as_str(),
            dash(&self.compared),
            dash(&self.expected),
            dash(&self.observed)
        )
    }
}
