//! What a client decides from the registry's answers, as pure functions: `mcp-sign check`,
//! `mcp-sign log verify`, `mcp-sign run` and any MCP host embed the same rules, and do only
//! the I/O (HTTP, files, the clock) around them.
//!
//! - [`Target`]: what was asked (`NAME`, `NAME@VERSION` or a package reference);
//! - [`assess`]: the evaluation of a `/v1/verify` answer into an [`Assessment`]: mix-and-match,
//!   the log evidence, consistency with the checkpoint seen before, rollback of "latest", the
//!   artifact's digest, the registry's artifact checks, tools against pins, the trust level
//!   against the client's floor, deprecations and revoked keys;
//! - [`consistency`]: whether a checkpoint extends the one seen before, given the proof the
//!   caller fetched;
//! - [`monitor`]: the log monitor's checks of every leaf (`log verify`).
//!
//! Nothing here reads files, talks to the network or looks at a clock: what the client
//! remembers (the last checkpoint, the latest versions seen) comes in as parameters, and what it
//! should remember goes out in the result.

mod artifact_match;
pub mod assess;
pub mod consistency;
pub mod monitor;
mod target;
#[cfg(test)]
mod test_log;

pub use artifact_match::{ArtifactMatch, artifact_matches};
pub use assess::{
    AssessInput, Assessment, CheckLine, PendingAssessment, PinnedTools, ServedRelease, assess,
    verdict_line,
};
pub use consistency::{Consistency, ConsistencyCheck, ConsistencyDecision, ProofRequest};
pub use monitor::{LoggedRelease, Monitor};
pub use target::Target;

/// What can stop a client check before it decides (a refusal is not an error: it is part of
/// the [`Assessment`]).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The target given by the user is none of the three forms.
    #[error("expected NAME@VERSION, NAME or a package reference, not {input:?}")]
    Target { input: String },

    /// The target looks like a package reference (it has a `:`) but is not a valid one.
    #[error(transparent)]
    PackageRef(crate::Error),

    /// What the client remembered from an earlier run does not verify with the key it pinned:
    /// the state was changed, or belongs to another log.
    #[error(
        "the remembered checkpoint does not verify with the pinned key: {reason} (remove the \
         state file to start over, if you trust the registry's current log)"
    )]
    RememberedCheckpoint { reason: String },
}
