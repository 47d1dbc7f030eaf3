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
    pub const ALL: [TrustLevel; 8] = [
        TrustLevel::Malicious,
        TrustLevel::Revoked,
        TrustLevel::Yanked,
        TrustLevel::Unknown,
        TrustLevel::Listed,
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
}

/// The one place where trust is decided.
///
/// Rules, in order:
/// 1. not known → `unknown`;
/// 2. the positive level: `listed`; `signed` when a valid signature by a proven key exists and
///    the release is recorded in the transparency log;
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
mod tests {
    use super::*;

    fn signed() -> TrustFacts {
        TrustFacts {
            known: true,
            signature: Some(SignatureFacts {
                key_id: "0123456789ABCDEF".into(),
                valid: true,
                key_proven: true,
                key_revoked: false,
            }),
            logged: true,
            ..TrustFacts::default()
        }
    }

    fn codes(v: &Verdict) -> Vec<ReasonCode> {
        v.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn unknown_when_not_known() {
        let v = compute(&TrustFacts::default());
        assert_eq!(v.level, TrustLevel::Unknown);
        assert_eq!(codes(&v), [ReasonCode::NotInRegistry]);
    }

    #[test]
    fn listed_without_signature() {
        let v = compute(&TrustFacts {
            known: true,
            ..TrustFacts::default()
        });
        assert_eq!(v.level, TrustLevel::Listed);
        assert_eq!(codes(&v), [ReasonCode::ListedOnly]);
    }

    #[test]
    fn signed_with_valid_signature_by_proven_key() {
        let v = compute(&signed());
        assert_eq!(v.level, TrustLevel::Signed);
        assert_eq!(
            codes(&v),
            [
                ReasonCode::SignedByProvenKey,
                ReasonCode::ArtifactsNotVerified
            ]
        );
    }

    #[test]
    fn invalid_or_unproven_signature_stays_listed() {
        for (valid, proven) in [(false, true), (true, false), (false, false)] {
            let mut f = signed();
            if let Some(s) = f.signature.as_mut() {
                s.valid = valid;
                s.key_proven = proven;
            }
            let v = compute(&f);
            assert_eq!(v.level, TrustLevel::Listed, "valid={valid} proven={proven}");
            assert_eq!(codes(&v), [ReasonCode::SignatureInvalid]);
        }
    }

    #[test]
    fn verified_needs_artifacts_and_no_findings() {
        let mut f = signed();
        f.artifacts_verified = true;
        assert_eq!(compute(&f).level, TrustLevel::Verified);
        f.high_severity_findings = 2;
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Signed);
        assert!(codes(&v).contains(&ReasonCode::ScannerFindings));
    }

    #[test]
    fn a_high_finding_keeps_signed_from_verified_and_is_a_reason_at_every_level() {
        // Signed with every artifact confirmed would be verified; one high finding keeps it
        // signed (not lower), with the finding as a reason.
        let mut f = signed();
        f.artifacts_verified = true;
        f.publisher_vetted = true;
        f.high_severity_findings = 1;
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Signed);
        assert!(codes(&v).contains(&ReasonCode::ScannerFindings));
        assert!(!codes(&v).contains(&ReasonCode::PublisherVetted));
        assert!(
            v.reasons
                .iter()
                .any(|r| r.message.contains("1 high-severity finding "))
        );
        // A listed release stays listed and shows the finding too.
        let v = compute(&TrustFacts {
            known: true,
            high_severity_findings: 3,
            ..TrustFacts::default()
        });
        assert_eq!(v.level, TrustLevel::Listed);
        assert_eq!(
            codes(&v),
            [ReasonCode::ListedOnly, ReasonCode::ScannerFindings]
        );
        // Negative states still override, and the finding is still reported.
        let mut f = signed();
        f.high_severity_findings = 2;
        f.yanked = Some(None);
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Yanked);
        assert!(codes(&v).contains(&ReasonCode::ScannerFindings));
        // Unknown releases have no findings to report.
        let v = compute(&TrustFacts {
            high_severity_findings: 1,
            ..TrustFacts::default()
        });
        assert_eq!(codes(&v), [ReasonCode::NotInRegistry]);
    }

    #[test]
    fn changed_tools_are_reported_without_lowering_the_level() {
        let mut f = signed();
        f.artifacts_verified = true;
        f.tools_changed = Some(ToolsChangeFacts {
            previous_version: "1.0.0".into(),
            added: 1,
            removed: 1,
            changed: 2,
        });
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Verified);
        let r = v
            .reasons
            .iter()
            .find(|r| r.code == ReasonCode::ToolsChanged)
            .unwrap();
        assert_eq!(
            r.message,
            "the tools differ from version 1.0.0: 1 tool added, 1 tool removed, 2 tools changed"
        );
        // The same tools: no reason.
        f.tools_changed = Some(ToolsChangeFacts {
            previous_version: "1.0.0".into(),
            ..ToolsChangeFacts::default()
        });
        assert!(!codes(&compute(&f)).contains(&ReasonCode::ToolsChanged));
        let json = serde_json::to_value(ReasonCode::ToolsChanged).unwrap();
        assert_eq!(json, "tools_changed");
    }

    #[test]
    fn artifact_problems_replace_the_generic_reason_and_keep_signed() {
        let mut f = signed();
        f.artifact_problems = vec![reason(
            ReasonCode::ArtifactMismatch,
            "npm:@a/b@1.0.0: dist.integrity sha512-x differs from the manifest's sha512-y".into(),
        )];
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Signed);
        assert_eq!(
            codes(&v),
            [ReasonCode::SignedByProvenKey, ReasonCode::ArtifactMismatch]
        );
        assert!(v.reasons[1].message.contains("sha512-y"));
        // Problems are not reported below signed: a listed release was never checked.
        let mut f = f.clone();
        f.signature = None;
        assert_eq!(codes(&compute(&f)), [ReasonCode::ListedOnly]);
        let json = serde_json::to_value(ReasonCode::ArtifactsCheckPending).unwrap();
        assert_eq!(json, "artifacts_check_pending");
    }

    #[test]
    fn official_needs_verified_and_vetted() {
        let mut f = signed();
        f.publisher_vetted = true;
        assert_eq!(
            compute(&f).level,
            TrustLevel::Signed,
            "vetting alone is not enough"
        );
        f.artifacts_verified = true;
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Official);
        assert!(codes(&v).contains(&ReasonCode::PublisherVetted));
    }

    #[test]
    fn vetting_does_not_lift_unsigned_releases() {
        let f = TrustFacts {
            known: true,
            artifacts_verified: true,
            publisher_vetted: true,
            ..TrustFacts::default()
        };
        assert_eq!(compute(&f).level, TrustLevel::Listed);
    }

    #[test]
    fn yank_overrides_positive_levels() {
        let mut f = signed();
        f.artifacts_verified = true;
        f.yanked = Some(Some("broken build".into()));
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Yanked);
        assert!(v.reasons.iter().any(|r| r.message.contains("broken build")));
    }

    #[test]
    fn deprecation_is_a_reason_that_keeps_the_level() {
        let mut f = signed();
        f.artifacts_verified = true;
        let before = compute(&f);
        f.deprecated = Some(Some("use 2.0.0".into()));
        let v = compute(&f);
        assert_eq!(v.level, before.level);
        assert_eq!(v.level, TrustLevel::Verified);
        let r = v
            .reasons
            .iter()
            .find(|r| r.code == ReasonCode::Deprecated)
            .unwrap();
        assert_eq!(r.message, "deprecated by the maintainer: use 2.0.0");
        f.deprecated = Some(None);
        let v = compute(&f);
        assert!(
            v.reasons
                .iter()
                .any(|r| r.message == "deprecated by the maintainer")
        );
        // Listed releases and negative states report it too, without a change of level.
        let v = compute(&TrustFacts {
            known: true,
            deprecated: Some(None),
            ..TrustFacts::default()
        });
        assert_eq!(v.level, TrustLevel::Listed);
        assert_eq!(codes(&v), [ReasonCode::ListedOnly, ReasonCode::Deprecated]);
        f.yanked = Some(None);
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Yanked);
        assert!(codes(&v).contains(&ReasonCode::Deprecated));
        let json = serde_json::to_value(ReasonCode::Deprecated).unwrap();
        assert_eq!(json, "deprecated");
    }

    #[test]
    fn yank_applies_to_listed_releases_too() {
        let f = TrustFacts {
            known: true,
            yanked: Some(None),
            ..TrustFacts::default()
        };
        assert_eq!(compute(&f).level, TrustLevel::Yanked);
    }

    #[test]
    fn revoked_key_overrides_yank() {
        let mut f = signed();
        f.yanked = Some(None);
        if let Some(s) = f.signature.as_mut() {
            s.key_revoked = true;
        }
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Revoked);
        assert!(codes(&v).contains(&ReasonCode::KeyRevoked));
        assert!(
            codes(&v).contains(&ReasonCode::Yanked),
            "every negative fact is reported"
        );
    }

    #[test]
    fn malicious_overrides_everything() {
        let mut f = signed();
        f.yanked = Some(None);
        f.malicious = Some("exfiltrates tokens".into());
        if let Some(s) = f.signature.as_mut() {
            s.key_revoked = true;
        }
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Malicious);
        assert!(codes(&v).contains(&ReasonCode::Malicious));
    }

    #[test]
    fn order_and_policy() {
        assert!(TrustLevel::Unknown < TrustLevel::Listed);
        assert!(TrustLevel::Listed < TrustLevel::Signed);
        assert!(TrustLevel::Signed < TrustLevel::Verified);
        assert!(TrustLevel::Verified < TrustLevel::Official);
        for neg in [
            TrustLevel::Yanked,
            TrustLevel::Revoked,
            TrustLevel::Malicious,
        ] {
            assert!(neg.is_negative());
            assert!(
                !neg.satisfies(TrustLevel::Malicious),
                "negatives fail every policy"
            );
        }
        assert!(TrustLevel::Verified.satisfies(TrustLevel::Signed));
        assert!(!TrustLevel::Listed.satisfies(TrustLevel::Signed));
    }

    #[test]
    fn signed_needs_the_log() {
        let mut f = signed();
        f.logged = false;
        let v = compute(&f);
        assert_eq!(v.level, TrustLevel::Listed);
        assert_eq!(codes(&v), [ReasonCode::NotInLog]);
    }

    #[test]
    fn names_round_trip() {
        for level in TrustLevel::ALL {
            assert_eq!(level.as_str().parse::<TrustLevel>(), Ok(level));
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
        }
        assert!("trusted".parse::<TrustLevel>().is_err());
    }
}
