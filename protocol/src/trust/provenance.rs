//! Build provenance as a trust fact: which of a release's packages the registry proved were built
//! by CI from the server's own repository (Sigstore: npm SLSA provenance, PyPI PEP 740), and
//! the reasons that say so. The proof itself is the `mcp-trust-provenance` crate's; this is
//! what `compute` needs of its result, with no dependency on it.

use serde::{Deserialize, Serialize};

use super::{Reason, ReasonCode, reason};

/// One package whose Sigstore build provenance the registry verified. Stored with the release
/// (JSON), so that a later check that no longer finds it can say what was lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttestedPackage {
    /// The package as verdicts name it, e.g. `npm:sigstore@5.0.0` or
    /// `pypi:pypi_attestations-0.0.19.tar.gz`.
    pub package: String,
    /// The repository it was built from, e.g. `github.com/sigstore/sigstore-js`.
    pub repository: String,
    /// The commit (hex).
    pub commit: String,
    /// The workflow in the repository that built it, with its ref.
    pub workflow: String,
    /// Who ran the build (the SLSA builder id, or the runner environment).
    pub builder: String,
    /// The Rekor entry that logged the signature.
    pub rekor_log_index: u64,
    /// The artifact's digest, `sha512:HEX` or `sha256:HEX`.
    #[serde(default)]
    pub digest: String,
    /// The signing certificate's identity (the workflow that requested it).
    #[serde(default)]
    pub identity: String,
}

/// What the registry's provenance checks found for a release's packages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProvenanceFacts {
    /// Packages with verified build provenance from the server's repository.
    pub attested: Vec<AttestedPackage>,
    /// Packages of the release that have none (not published with provenance, or provenance
    /// that was refused): one reason each, saying why. A release is `attested` only when this
    /// is empty, since what is installed may be any of its packages.
    pub missing: Vec<Reason>,
}

impl ProvenanceFacts {
    /// Every package of the release is attested.
    pub fn complete(&self) -> bool {
        !self.attested.is_empty() && self.missing.is_empty()
    }

    /// One reason per attested package, then the packages without provenance (only worth
    /// saying when some have it: a release with none is simply not attested).
    pub(super) fn reasons(&self) -> Vec<Reason> {
        let mut reasons: Vec<Reason> = self.attested.iter().map(attested_reason).collect();
        if !self.attested.is_empty() {
            reasons.extend(self.missing.iter().cloned());
        }
        reasons
    }
}

fn attested_reason(p: &AttestedPackage) -> Reason {
    reason(
        ReasonCode::BuildProvenance,
        format!(
            "{} was built by CI from {} at commit {} by workflow {} on {} (Sigstore build \
             provenance, Rekor entry {})",
            p.package, p.repository, p.commit, p.workflow, p.builder, p.rekor_log_index
        ),
    )
}
