//! What came of comparing one package artifact with what its package registry serves.
//!
//! One enum for the registry's checker, its database rows, the verification API and
//! `mcp-sign check`, so none of them compares strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The outcome of one artifact check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArtifactState {
    /// The served artifact has the signed digest.
    Matched,
    /// The served artifact has another digest.
    Mismatch,
    /// The package does not name the server (no `mcpName`, `mcp-name:` or label).
    OwnershipMissing,
    /// A temporary failure; the check is retried later.
    Temporary,
    /// A definitive failure other than a mismatch (not found, no digest, refused, oversize...).
    Failed,
}

impl ArtifactState {
    pub const ALL: [ArtifactState; 5] = [
        ArtifactState::Matched,
        ArtifactState::Mismatch,
        ArtifactState::OwnershipMissing,
        ArtifactState::Temporary,
        ArtifactState::Failed,
    ];

    /// The name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactState::Matched => "matched",
            ArtifactState::Mismatch => "mismatch",
            ArtifactState::OwnershipMissing => "ownership_missing",
            ArtifactState::Temporary => "temporary",
            ArtifactState::Failed => "failed",
        }
    }
}

impl fmt::Display for ArtifactState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`ArtifactState::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown artifact state {0:?}: expected matched, mismatch, ownership_missing, temporary or failed"
)]
pub struct UnknownArtifactState(pub String);

impl FromStr for ArtifactState {
    type Err = UnknownArtifactState;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ArtifactState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| UnknownArtifactState(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_str_and_serde() {
        for state in ArtifactState::ALL {
            assert_eq!(state.as_str().parse::<ArtifactState>(), Ok(state));
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.as_str())
            );
        }
        assert!("matching".parse::<ArtifactState>().is_err());
    }
}
