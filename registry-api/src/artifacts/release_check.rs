//! The outcome of checking a release as a whole: the worst package outcome decides.

use protocol::trust::{Reason, ReasonCode};

use super::{PackageResult, PackageState};
use crate::service::views::ARTIFACTS_VERIFIED;

/// The state of a release's artifacts as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseState {
    Verified,
    /// Not decided: a temporary failure (or not checked yet).
    Pending,
    Mismatch,
    OwnershipMissing,
    Failed,
}

impl ReleaseState {
    /// As stored in `releases.artifacts_state`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Verified => ARTIFACTS_VERIFIED,
            ReleaseState::Pending => "pending",
            ReleaseState::Mismatch => "mismatch",
            ReleaseState::OwnershipMissing => "ownership_missing",
            ReleaseState::Failed => "failed",
        }
    }

    /// As written in the log's `artifact-check` records.
    pub fn log_result(self) -> &'static str {
        match self {
            ReleaseState::OwnershipMissing => "ownership-missing",
            other => other.as_str(),
        }
    }

    /// The worst package outcome decides: mismatch, then ownership, then failure, then
    /// temporary; all matched is verified.
    pub fn of(results: &[PackageResult]) -> ReleaseState {
        let has = |s: PackageState| results.iter().any(|r| r.state == s);
        if results.is_empty() {
            ReleaseState::Failed
        } else if has(PackageState::Mismatch) {
            ReleaseState::Mismatch
        } else if has(PackageState::OwnershipMissing) {
            ReleaseState::OwnershipMissing
        } else if has(PackageState::Failed) {
            ReleaseState::Failed
        } else if has(PackageState::Temporary) {
            ReleaseState::Pending
        } else {
            ReleaseState::Verified
        }
    }
}

/// The check of one release.
#[derive(Debug, Clone)]
pub struct ReleaseCheck {
    pub results: Vec<PackageResult>,
    pub state: ReleaseState,
}

impl ReleaseCheck {
    /// The verdict reasons (empty when verified).
    pub fn reasons(&self) -> Vec<Reason> {
        if self.results.is_empty() {
            return vec![Reason {
                code: ReasonCode::ArtifactCheckFailed,
                message: "the release names no packages, so there is no artifact to confirm"
                    .to_string(),
            }];
        }
        self.results
            .iter()
            .filter_map(PackageResult::reason)
            .collect()
    }
}
