//! Trust levels and verdicts: how far a release can be trusted, and why.
//!
//! One function, [`compute`], turns the facts the registry knows about a release
//! ([`TrustFacts`]) into a [`Verdict`]. Every rule is here, so the registry, the CLI and any
//! client that re-checks a verdict offline agree on what a level means.
//!
//! Levels are ordered so that a client policy is a minimum: `level >= TrustLevel::Signed`. The
//! negative states (`yanked`, `revoked`, `malicious`) sort below `unknown`, so they fail every
//! policy, and they override whatever the release would otherwise have reached.

use serde::{Deserialize, Serialize};

mod provenance;

pub use provenance::{AttestedPackage, ProvenanceFacts};

/// How far a release can be trusted. `Ord` follows trust: a client policy is a minimum level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TrustLevel {
    /// Flagged by the registry's operators.
    Malicious,
    /// Signed by a key that has since been revoked.
    Revoked,
    /// Withdrawn by its maintainer.
    Yanked,
    /// The registry has never seen it.
    Unknown,
    /// Known (seed data, crawler, import) but without a valid signed release.
    Listed,
    /// Listed, and every package of the release carries Sigstore build provenance proving it
    /// was built by CI from the server's own repository. Below `signed`: CI built it from the
    /// repository, but no maintainer's key vouches for the release manifest.
    Attested,
    /// Signed by a key proven for its namespace.
    Signed,
    /// Signed, every artifact digest confirmed against its package registry, and no
    /// high-severity scanner finding.
    Verified,
    /// Verified, and the publisher is vetted by the registry's operators.
    Official,
}

impl TrustLevel {
    /// Every level, lowest first.
    pub const ALL: [TrustLevel; 9] = [
        TrustLevel::Malicious,
        TrustLevel::Revoked,
        TrustLevel::Yanked,
        TrustLevel::Unknown,
        TrustLevel::Listed,
        TrustLevel::Attested,
        TrustLevel::Signed,
        TrustLevel::Verified,
        TrustLevel::Official,
    ];

    /// The name used on the wire and in the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            TrustLevel::Malicious => "malicious",
            TrustLevel::Revoked => "revoked",
            TrustLevel::Yanked => "yanked",
            TrustLevel::Unknown => "unknown",
            TrustLevel::Listed => "listed",
            TrustLevel::Attested => "attested",
            TrustLevel::Signed => "signed",
            TrustLevel::Verified => "verified",
            TrustLevel::Official => "official",
        }
    }

    /// A negative state overrides the positive levels and fails every policy.
    pub fn is_negative(self) -> bool {
        self < TrustLevel::Unknown
    }

    /// Whether a release at this level passes a policy that requires `minimum`.
    pub fn satisfies(self, minimum: TrustLevel) -> bool {
        !self.is_negative() && self >= minimum
    }
}

impl std::fmt::Display for TrustLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TrustLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TrustLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = TrustLevel::ALL.iter().map(|l| l.as_str()).collect();
                format!(
                    "unknown trust level {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Why a verdict is what it is: a stable code for programs and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

/// The stable reason codes. New codes may be added; clients should show unknown ones as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// The registry has no record of the server or release.
    NotInRegistry,
    /// Known from seed data, an import or a crawl, not from a signed upload.
    ListedOnly,
    /// Signed by a key proven for the namespace.
    SignedByProvenKey,
    /// A signature exists but does not verify, or its key is not proven for the namespace.
    SignatureInvalid,
    /// The signing key was revoked.
    KeyRevoked,
    /// The maintainer yanked the release.
    Yanked,
    /// The maintainer deprecated the release (the message says what to use instead).
    /// Informational; the level is not lowered.
    Deprecated,
    /// The registry's operators flagged the release or its publisher as malicious.
    Malicious,
    /// Every artifact digest matched the package registry.
    ArtifactsVerified,
    /// Some artifact digests are not (yet) confirmed against the package registry.
    ArtifactsNotVerified,
    /// The registry's check of the artifacts has not finished yet (first check pending, or a
    /// temporary failure of the package registry that is retried later).
    ArtifactsCheckPending,
    /// A package registry serves an artifact whose digest differs from the one the maintainer
    /// signed (a changed tarball, a re-pushed tag): the message names the package and digests.
    ArtifactMismatch,
    /// The package does not name this server (npm `mcpName`, `mcp-name:` in the PyPI README, the
    /// OCI label `io.modelcontextprotocol.server.name`), so it may belong to someone else.
    OwnershipMissing,
    /// An artifact cannot be confirmed for good (not found, no digest in the manifest, a
    /// refused redirect or address, an oversize response): the message says which and why.
    ArtifactCheckFailed,
    /// The scanner reported high-severity findings.
    ScannerFindings,
    /// The publisher is vetted by the registry's operators.
    PublisherVetted,
    /// Signed by a proven key, but the release is not recorded in the transparency log.
    NotInLog,
    /// The release's tools differ from the previous version's (added, removed or changed
    /// definitions: a possible rug pull). Informational; the level is not lowered.
    ToolsChanged,
    /// A package's Sigstore build provenance proves it was built by CI from the server's
    /// repository: the message names the package, repository, commit, workflow and builder.
    BuildProvenance,
    /// A package of the release has no verified build provenance (none published, or refused:
    /// the message says which and why), so the release is not `attested`.
    ProvenanceMissing,
}

/// The answer to "can I trust this release?": a level and every reason behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub level: TrustLevel,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// Whether a client whose policy requires `minimum` may install the release.
    pub fn satisfies(&self, minimum: TrustLevel) -> bool {
        self.level.satisfies(minimum)
    }
}

/// A maintainer's signature over the release manifest, as the registry checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFacts {
    /// The key that made the signature (minisign key id, hex).
    pub key_id: String,
    /// The signature verifies over the exact manifest bytes with that key.
    pub valid: bool,
    /// The key is proven for the release's namespace and its grant covers the server name.
    pub key_proven: bool,
    /// The key was revoked (by itself, or by removing its proof).
    pub key_revoked: bool,
}

/// How a release's tools differ from those of the previous version (see `scan::diff_tools`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolsChangeFacts {
    pub previous_version: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// Everything [`compute`] looks at. The registry fills it from its database; a client can fill
/// it from a verdict's evidence after checking the signature itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustFacts {
    /// The registry has a record of this release.
    pub known: bool,
    /// The maintainer's signature, when the release was uploaded signed.
    pub signature: Option<SignatureFacts>,
    /// Yanked by the maintainer; the reason they gave, if any.
    pub yanked: Option<Option<String>>,
    /// Deprecated by the maintainer; the message they gave, if any.
    pub deprecated: Option<Option<String>>,
    /// Flagged malicious by the operators, with their reason.
    pub malicious: Option<String>,
    /// The release is recorded in the transparency log (a client checks the inclusion proof).
    pub logged: bool,
    /// Every artifact digest in the manifest was confirmed against its package registry.
    pub artifacts_verified: bool,
    /// When the artifacts are not verified and the registry knows why: one reason per problem
    /// (`ArtifactsCheckPending`, `ArtifactMismatch`, `OwnershipMissing`,
    /// `ArtifactCheckFailed`), naming the package and the digest compared. Empty: the generic
    /// `ArtifactsNotVerified` reason is given instead.
    pub artifact_problems: Vec<Reason>,
    /// Number of high-severity scanner findings for this release.
    pub high_severity_findings: u32,
    /// How the release's tools differ from the previous version that declares tools.
    pub tools_changed: Option<ToolsChangeFacts>,
    /// The publisher is vetted by the operators (a signed, logged admin statement).
    pub publisher_vetted: bool,
    /// What the registry's build-provenance checks found; `None` before any check.
    pub provenance: Option<ProvenanceFacts>,
}

/// The one place where trust is decided.
///
/// Rules, in order:
/// 1. not known → `unknown`;
/// 2. the positive level: `listed`; `attested` when not signed but every package carries
///    verified build provenance from the server's repository; `signed` when a valid signature
///    by a proven key exists and the release is recorded in the transparency log (a signed
///    release with provenance keeps its level, and the provenance is in its reasons);
///    `verified` when also every artifact is confirmed and no high-severity finding exists;
///    `official` when also the publisher is vetted;
///    high-severity scanner findings are reported at every level (a warning that keeps a
///    signed release from `verified`, never lowering it below `signed`), and so are changed
///    tools (informational), and a deprecation by the maintainer (informational: a
///    deprecated release is still what its maintainer published);
/// 3. negative states override, strongest first: `malicious`, then `revoked` (the signing key
///    was revoked), then `yanked`. Every negative fact that applies is listed in the reasons.
pub fn compute(facts: &TrustFacts) -> Verdict {
    let mut reasons = Vec::new();
    if !facts.known {
        reasons.push(reason(
            ReasonCode::NotInRegistry,
            "the registry has no record of this server or release".to_string(),
        ));
        return Verdict {
            level: TrustLevel::Unknown,
            reasons,
        };
    }

    let mut level = TrustLevel::Listed;
    let mut key_revoked = false;
    match &facts.signature {
        None => reasons.push(reason(
            ReasonCode::ListedOnly,
            "known to the registry, but no maintainer-signed release was uploaded".to_string(),
        )),
        Some(sig) if sig.valid && sig.key_proven => {
            if sig.key_revoked {
                key_revoked = true;
                reasons.push(reason(
                    ReasonCode::KeyRevoked,
                    format!(
                        "signed by key {}, which has been revoked: its releases lose their trust",
                        sig.key_id
                    ),
                ));
            } else if !facts.logged {
                reasons.push(reason(
                    ReasonCode::NotInLog,
                    format!(
                        "signed by key {}, proven for the namespace, but not recorded in the \
                         transparency log",
                        sig.key_id
                    ),
                ));
            } else {
                level = TrustLevel::Signed;
                reasons.push(reason(
                    ReasonCode::SignedByProvenKey,
                    format!(
                        "signed by key {}, proven for the namespace, recorded in the \
                         transparency log",
                        sig.key_id
                    ),
                ));
            }
        }
        Some(sig) => {
            let why = if sig.valid {
                "is not proven for this namespace or server name"
            } else {
                "does not verify over the manifest"
            };
            reasons.push(reason(
                ReasonCode::SignatureInvalid,
                format!("the signature by key {} {why}", sig.key_id),
            ));
            if sig.key_revoked {
                key_revoked = true;
                reasons.push(reason(
                    ReasonCode::KeyRevoked,
                    format!("key {} has been revoked", sig.key_id),
                ));
            }
        }
    }

    if level == TrustLevel::Signed {
        if facts.artifacts_verified {
            reasons.push(reason(
                ReasonCode::ArtifactsVerified,
                "every artifact digest matched its package registry".to_string(),
            ));
        } else if facts.artifact_problems.is_empty() {
            reasons.push(reason(
                ReasonCode::ArtifactsNotVerified,
                "artifact digests are not yet confirmed against the package registries".to_string(),
            ));
        } else {
            reasons.extend(facts.artifact_problems.iter().cloned());
        }
        if facts.artifacts_verified && facts.high_severity_findings == 0 {
            level = TrustLevel::Verified;
            if facts.publisher_vetted {
                level = TrustLevel::Official;
                reasons.push(reason(
                    ReasonCode::PublisherVetted,
                    "the publisher is vetted by the registry's operators".to_string(),
                ));
            }
        }
    }

    if let Some(provenance) = &facts.provenance {
        // Provenance vouches for how the package was built, not for the manifest: it lifts a
        // listed release to attested and never past a signature's levels.
        if level == TrustLevel::Listed && provenance.complete() {
            level = TrustLevel::Attested;
        }
        reasons.extend(provenance.reasons());
    }

    if facts.high_severity_findings > 0 {
        reasons.push(reason(
            ReasonCode::ScannerFindings,
            format!(
                "the scanner reported {} high-severity finding{} in the tool definitions or \
                 server metadata (possible tool poisoning)",
                facts.high_severity_findings,
                plural(usize::try_from(facts.high_severity_findings).unwrap_or(usize::MAX))
            ),
        ));
    }
    if let Some(t) = &facts.tools_changed {
        let mut parts = Vec::new();
        for (n, what) in [
            (t.added, "added"),
            (t.removed, "removed"),
            (t.changed, "changed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} tool{} {what}", plural(n)));
            }
        }
        if !parts.is_empty() {
            reasons.push(reason(
                ReasonCode::ToolsChanged,
                format!(
                    "the tools differ from version {}: {}",
                    t.previous_version,
                    parts.join(", ")
                ),
            ));
        }
    }

    if let Some(message) = &facts.deprecated {
        let message = match message {
            Some(m) if !m.is_empty() => format!("deprecated by the maintainer: {m}"),
            _ => "deprecated by the maintainer".to_string(),
        };
        reasons.push(reason(ReasonCode::Deprecated, message));
    }

    if let Some(why) = &facts.yanked {
        level = TrustLevel::Yanked;
        let message = match why {
            Some(r) if !r.is_empty() => format!("yanked by the maintainer: {r}"),
            _ => "yanked by the maintainer".to_string(),
        };
        reasons.push(reason(ReasonCode::Yanked, message));
    }
    if key_revoked {
        level = TrustLevel::Revoked;
    }
    if let Some(why) = &facts.malicious {
        level = TrustLevel::Malicious;
        reasons.push(reason(
            ReasonCode::Malicious,
            format!("flagged malicious by the registry's operators: {why}"),
        ));
    }
    Verdict { level, reasons }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn reason(code: ReasonCode, message: String) -> Reason {
    Reason { code, message }
}

#[cfg(test)]
mod tests;
