//! The registry's own artifact checks (the `verified` level).
//!
//! For each package of a signed release the registry asks the package's registry for the
//! artifact's metadata and compares the digest the maintainer signed: npm ([`npm`]:
//! `dist.integrity`, or the tarball's sha256), PyPI ([`pypi`]: `digests.sha256` of the release
//! files), OCI ([`oci`]: the manifest digest of the tag or digest reference) and MCP bundles
//! ([`mcpb`]: download and hash). It also checks that the package names the server, as the
//! official MCP registry does (npm `mcpName`, `mcp-name:` in the PyPI README, the OCI label
//! `io.modelcontextprotocol.server.name`). Every request goes through [`crate::outbound::Fetcher`]
//! (allow-listed hosts, limits, no private addresses).
//!
//! A release whose packages all match is `verified` (with no high scanner finding, which
//! `protocol::trust::compute` decides). Checks run in the background ([`spawn_scheduler`]), are
//! repeated every `--artifact-recheck-interval`, and temporary failures are retried with a
//! backoff. A change of the release's state is written to the release row; becoming verified,
//! and a later mismatch that downgrades a verified release (a re-pushed tag, a changed tarball),
//! are also appended to the transparency log in the same transaction. A temporary failure
//! never downgrades a verified release: an outage of npm is not evidence against it.
//!
//! Beside them, and through the same queue machinery (`db::artifacts::Queue`), every release,
//! listed or signed, has the Sigstore build provenance of its npm and PyPI packages checked
//! ([`provenance`], the `attested` level; `--no-provenance-checks` turns it off). A release
//! becoming attested, or losing it, is logged as `provenance` leaves carrying the attestation
//! documents, so `mcp-sign log verify` re-verifies them.

mod args;
mod checker;
pub mod mcpb;
pub mod npm;
pub mod oci;
mod package_result;
pub mod plan;
pub mod provenance;
mod provenance_store;
pub mod pypi;
mod release_check;
mod scheduler;
mod store;

pub use args::ArtifactArgs;
pub use checker::Checker;
pub use package_result::{PackageResult, PackageState};
pub use provenance_store::{
    PROVENANCE_ATTESTED, PROVENANCE_UNATTESTED, ProvenanceApplied, ProvenanceResult,
    apply_provenance,
};
pub use release_check::{ReleaseCheck, ReleaseState};
pub use scheduler::{RunReport, run_due, spawn_scheduler};
pub use store::{Applied, apply};
