//! The rules of `compute`, one test per rule.

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
    assert!(TrustLevel::Listed < TrustLevel::Attested);
    assert!(TrustLevel::Attested < TrustLevel::Signed);
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

fn sigstore_js() -> AttestedPackage {
    AttestedPackage {
        package: "npm:sigstore@5.0.0".into(),
        repository: "github.com/sigstore/sigstore-js".into(),
        commit: "7d2900eca1c22b3f87c13987c8d4b7c9a29b733a".into(),
        workflow: ".github/workflows/release.yml@refs/heads/main".into(),
        builder: "https://github.com/actions/runner/github-hosted".into(),
        rekor_log_index: 1_234,
        ..AttestedPackage::default()
    }
}

fn attested() -> ProvenanceFacts {
    ProvenanceFacts {
        attested: vec![sigstore_js()],
        missing: vec![],
    }
}

#[test]
fn attested_when_every_package_has_build_provenance() {
    let v = compute(&TrustFacts {
        known: true,
        provenance: Some(attested()),
        ..TrustFacts::default()
    });
    assert_eq!(v.level, TrustLevel::Attested);
    assert_eq!(
        codes(&v),
        [ReasonCode::ListedOnly, ReasonCode::BuildProvenance]
    );
    let message = &v.reasons[1].message;
    for part in [
        "npm:sigstore@5.0.0",
        "github.com/sigstore/sigstore-js",
        "7d2900eca1c22b3f87c13987c8d4b7c9a29b733a",
        ".github/workflows/release.yml@refs/heads/main",
        "https://github.com/actions/runner/github-hosted",
        "Rekor entry 1234",
    ] {
        assert!(message.contains(part), "{part} not in {message}");
    }
    assert!(v.satisfies(TrustLevel::Attested));
    assert!(!v.satisfies(TrustLevel::Signed), "attested is below signed");
    let json = serde_json::to_value(ReasonCode::BuildProvenance).unwrap();
    assert_eq!(json, "build_provenance");
}

#[test]
fn a_package_without_provenance_keeps_the_release_listed_and_says_so() {
    let mut provenance = attested();
    provenance.missing.push(reason(
        ReasonCode::ProvenanceMissing,
        "pypi:x-1.0.tar.gz has no build provenance".into(),
    ));
    let v = compute(&TrustFacts {
        known: true,
        provenance: Some(provenance.clone()),
        ..TrustFacts::default()
    });
    assert_eq!(v.level, TrustLevel::Listed);
    assert_eq!(
        codes(&v),
        [
            ReasonCode::ListedOnly,
            ReasonCode::BuildProvenance,
            ReasonCode::ProvenanceMissing
        ]
    );
    // Nothing attested: a checked release without provenance is plainly listed.
    let none = ProvenanceFacts {
        attested: vec![],
        missing: provenance.missing,
    };
    let v = compute(&TrustFacts {
        known: true,
        provenance: Some(none),
        ..TrustFacts::default()
    });
    assert_eq!(v.level, TrustLevel::Listed);
    assert_eq!(codes(&v), [ReasonCode::ListedOnly]);
}

#[test]
fn a_signed_release_with_provenance_keeps_its_level_and_shows_the_provenance() {
    for (artifacts_verified, level) in [(false, TrustLevel::Signed), (true, TrustLevel::Verified)] {
        let mut f = signed();
        f.artifacts_verified = artifacts_verified;
        f.provenance = Some(attested());
        let v = compute(&f);
        assert_eq!(v.level, level);
        assert!(codes(&v).contains(&ReasonCode::BuildProvenance), "{v:?}");
    }
    // A signature that does not verify is no worse than none: provenance still attests.
    let mut f = signed();
    if let Some(s) = f.signature.as_mut() {
        s.valid = false;
    }
    f.provenance = Some(attested());
    let v = compute(&f);
    assert_eq!(v.level, TrustLevel::Attested);
    assert_eq!(
        codes(&v),
        [ReasonCode::SignatureInvalid, ReasonCode::BuildProvenance]
    );
}

#[test]
fn negative_states_override_attested() {
    let base = TrustFacts {
        known: true,
        provenance: Some(attested()),
        ..TrustFacts::default()
    };
    let yanked = TrustFacts {
        yanked: Some(None),
        ..base.clone()
    };
    assert_eq!(compute(&yanked).level, TrustLevel::Yanked);
    let malicious = TrustFacts {
        malicious: Some("typosquat".into()),
        ..base
    };
    let v = compute(&malicious);
    assert_eq!(v.level, TrustLevel::Malicious);
    assert!(
        codes(&v).contains(&ReasonCode::BuildProvenance),
        "the facts are still shown"
    );
}
