use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::api::VerifyResponse;
use crate::client::test_log::{ARTIFACT, NAME, TestLog, unsigned_answer};

/// The client's side of one check.
struct Client {
    target: Target,
    asked: String,
    min_level: TrustLevel,
    latest: BTreeMap<String, String>,
    artifact: Option<Vec<u8>>,
    pins: Option<PinnedTools>,
}

fn client(asked: &str) -> Client {
    Client {
        target: asked.parse().unwrap(),
        asked: asked.to_string(),
        min_level: TrustLevel::Signed,
        latest: BTreeMap::new(),
        artifact: None,
        pins: None,
    }
}

impl Client {
    fn min_level(mut self, level: TrustLevel) -> Self {
        self.min_level = level;
        self
    }

    /// Assesses `resp`, deciding consistency with `consistency` when there is a checkpoint.
    fn assess_with(
        &self,
        log: &TestLog,
        resp: &VerifyResponse,
        consistency: Result<Consistency, String>,
    ) -> Assessment {
        let served = ServedRelease::of(resp);
        let input = AssessInput {
            target: &self.target,
            asked: &self.asked,
            min_level: self.min_level,
            verifier: &log.verifier,
            registry_key: "registry log key K (from --registry-key)".to_string(),
            remembered_latest: &self.latest,
            remembered_in: "state.json",
            artifact: self.artifact.as_deref().map(|b| ("pkg.tgz", b)),
            pinned_tools: self.pins.clone(),
        };
        let pending = assess(&input, resp, &served);
        let consistency = pending.checkpoint().map(|_| consistency);
        pending.conclude(consistency)
    }

    fn assess(&self, log: &TestLog, resp: &VerifyResponse) -> Assessment {
        self.assess_with(log, resp, Ok(Consistency::First))
    }
}

fn names(a: &Assessment) -> Vec<(&str, bool)> {
    a.checks.iter().map(|c| (c.check.as_str(), c.ok)).collect()
}

fn refused_with(a: &Assessment, needle: &str) {
    assert!(
        a.refusals.iter().any(|r| r.contains(needle)),
        "no refusal with {needle:?}: {:?}",
        a.refusals
    );
}

/// A log with one signed release 1.0.0, and the registry's answer for it.
fn signed() -> (TestLog, VerifyResponse) {
    let mut log = TestLog::new();
    let leaf = log.publish("1.0.0");
    let resp = log.answer(leaf, "1.0.0", "signed");
    (log, resp)
}

#[test]
fn a_logged_release_is_allowed_with_every_check_in_order() {
    let (log, resp) = signed();
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    assert!(a.allowed(), "{:?}", a.refusals);
    assert_eq!(
        names(&a),
        [
            ("registry-key", true),
            ("checkpoint", true),
            ("inclusion", true),
            ("manifest", true),
            ("signature", true),
            ("consistency", true),
            ("trust", true)
        ]
    );
    assert_eq!(a.checkpoint.as_ref().map(|c| c.size), Some(2));
    assert!(a.checks[5].detail.contains("remembered in state.json"));
    assert_eq!(a.label(NAME), format!("{NAME}@1.0.0"));
    assert!(a.remember());
    // Only a "latest" question remembers the latest version.
    assert_eq!(a.remember_latest, None);
}

#[test]
fn an_answer_for_another_release_is_mix_and_match() {
    let mut log = TestLog::new();
    log.publish("1.0.0");
    let leaf = log.publish("2.0.0");
    let resp = log.answer(leaf, "2.0.0", "signed");
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    refused_with(&a, "mix-and-match: asked for io.github.octo/weather@1.0.0");
    // Nothing after the target is checked against an answer for something else.
    assert!(!names(&a).iter().any(|(n, _)| *n == "checkpoint"));
    let a = client("io.github.octo/other").assess(&log, &resp);
    refused_with(&a, "asked for io.github.octo/other, the registry answered");
}

#[test]
fn an_unknown_target_is_refused_as_not_in_the_registry() {
    let (log, _) = signed();
    let resp = unsigned_answer("", "unknown");
    let resp = VerifyResponse {
        name: None,
        version: None,
        ..resp
    };
    let a = client("io.github.octo/nothing").assess(&log, &resp);
    assert_eq!(
        a.refusals,
        ["io.github.octo/nothing is not in the registry"]
    );
    assert_eq!(a.label("io.github.octo/nothing"), "io.github.octo/nothing");
    assert!(!a.remember());
}

#[test]
fn a_package_question_needs_a_manifest_that_names_it() {
    let (log, resp) = signed();
    let a = client("npm:@octo/weather@1.0.0").assess(&log, &resp);
    assert!(a.allowed(), "{:?}", a.refusals);
    assert_eq!(a.checks[1].check, "package");
    let a = client("npm:@octo/other@1.0.0").assess(&log, &resp);
    refused_with(&a, "does not name npm:@octo/other@1.0.0");
}

#[test]
fn evidence_that_does_not_check_out_is_refused() {
    let (log, mut resp) = signed();
    // Another manifest than the one logged.
    resp.manifest = Some(crate::client::test_log::manifest("1.0.0").replace("octo", "octo2"));
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    assert!(a.checks.iter().any(|c| c.check == "evidence" && !c.ok));
    refused_with(&a, "mix-and-match");
    assert!(a.checkpoint.is_none());

    // A checkpoint signed by another log key.
    let (other, _) = signed();
    let (_, resp) = signed();
    let a = client(&format!("{NAME}@1.0.0")).assess(&other, &resp);
    assert!(a.checks.iter().any(|c| c.check == "evidence" && !c.ok));
}

/// Without evidence the floor decides: a floor of `signed` or above needs the log, a lower one
/// does without (and the trust check still holds the level to the floor).
#[test]
fn no_evidence_is_refused_unless_the_floor_is_below_signed() {
    let (log, _) = signed();
    let resp = unsigned_answer("1.0.0", "listed");
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    refused_with(&a, "no transparency-log evidence");
    let a = client(&format!("{NAME}@1.0.0"))
        .min_level(TrustLevel::Listed)
        .assess(&log, &resp);
    assert!(a.allowed(), "{:?}", a.refusals);
    assert!(a.notes[0].contains("allowed by --min-level"));
    assert_eq!(
        a.checks.last().unwrap().detail,
        "listed satisfies --min-level listed"
    );
    let a = client(&format!("{NAME}@1.0.0"))
        .min_level(TrustLevel::Verified)
        .assess(&log, &resp);
    assert_eq!(
        a.refusals,
        [
            "the registry sent no transparency-log evidence for this release",
            "trust level listed is below the required verified (trust: listed (known))"
        ]
    );
}

#[test]
fn consistency_decisions_are_reported() {
    let (log, resp) = signed();
    let c = client(&format!("{NAME}@1.0.0"));
    let a = c.assess_with(&log, &resp, Ok(Consistency::Same));
    assert!(
        a.checks[5]
            .detail
            .contains("same tree as seen before (size 2)")
    );
    // The registry served a smaller tree than seen: allowed with a note.
    let a = c.assess_with(&log, &resp, Ok(Consistency::Proven { from: 2, to: 5 }));
    assert!(a.allowed());
    assert!(a.notes[0].contains("older checkpoint (size 2) than this client has seen (size 5)"));
    let a = c.assess_with(
        &log,
        &resp,
        Err("history rewritten or split view: x".into()),
    );
    refused_with(&a, "history rewritten");
    // Refused, but what the log showed is still remembered.
    assert!(a.remember());
}

#[test]
fn an_older_latest_version_is_a_rollback() {
    let (log, _) = signed();
    let resp = unsigned_answer("1.0.0", "listed");
    let mut c = client(NAME).min_level(TrustLevel::Listed);
    let a = c.assess(&log, &resp);
    assert!(a.allowed());
    assert_eq!(
        a.remember_latest,
        Some((NAME.to_string(), "1.0.0".to_string()))
    );

    c.latest.insert(NAME.to_string(), "2.0.0".to_string());
    let a = c.assess(&log, &resp);
    refused_with(
        &a,
        "rollback: the registry served io.github.octo/weather@1.0.0 as the latest",
    );
    refused_with(&a, "mcp-sign check io.github.octo/weather@2.0.0");
    assert_eq!(a.remember_latest, None);

    c.latest.insert(NAME.to_string(), "0.9.0".to_string());
    let a = c.assess(&log, &resp);
    assert!(a.checks.iter().any(|c| c.check == "rollback" && c.ok));
    assert_eq!(
        a.remember_latest,
        Some((NAME.to_string(), "1.0.0".to_string()))
    );

    // An explicit version is no rollback.
    let mut c = client(&format!("{NAME}@1.0.0")).min_level(TrustLevel::Listed);
    c.latest.insert(NAME.to_string(), "2.0.0".to_string());
    assert!(c.assess(&log, &resp).allowed());
}

#[test]
fn the_artifact_must_be_one_the_manifest_signed() {
    let (log, resp) = signed();
    let mut c = client(&format!("{NAME}@1.0.0"));
    c.artifact = Some(ARTIFACT.to_vec());
    let a = c.assess(&log, &resp);
    assert!(a.allowed(), "{:?}", a.refusals);
    assert!(
        a.checks
            .iter()
            .any(|c| c.check == "artifact" && c.detail.contains("pkg.tgz: sha256"))
    );
    c.artifact = Some(b"something else".to_vec());
    let a = c.assess(&log, &resp);
    refused_with(&a, "artifact digest mismatch: pkg.tgz has sha256");
    refused_with(&a, "(it records: npm:@octo/weather ");
}

#[test]
fn artifact_matching_compares_integrity_and_sha256_of_the_asked_package() {
    let served = ServedRelease::of(&signed().1);
    let release = served.release.as_ref();
    let m = artifact_matches(release, ARTIFACT, "f", None);
    assert!(m.matched, "{}", m.detail);
    let other: crate::PackageRef = "npm:@octo/other@1.0.0".parse().unwrap();
    let m = artifact_matches(release, ARTIFACT, "f", Some(&other));
    assert!(!m.matched);
    assert!(m.detail.ends_with("(it records: nothing)"), "{}", m.detail);
    let m = artifact_matches(None, ARTIFACT, "f", None);
    assert!(!m.matched);
}

#[test]
fn the_registry_artifact_checks_pass_or_become_notes() {
    let (log, mut resp) = signed();
    resp.artifacts = serde_json::from_value(json!([
        {"package": "npm:@octo/weather@1.0.0", "state": "matched", "compared": "npm dist.integrity",
         "observed": "sha512-x", "message": "matched", "checkedAt": "2026-01-01T00:00:00Z"},
        {"package": "pypi:weather==1.0.0", "state": "mismatch", "message": "the wheel differs",
         "checkedAt": "2026-01-01T00:00:00Z"},
    ]))
    .unwrap();
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    assert!(a.allowed());
    assert!(a.checks.iter().any(|c| {
        c.check == "registry-artifact"
            && c.detail
                .contains("npm dist.integrity sha512-x matches the signed manifest")
    }));
    assert_eq!(
        a.notes,
        ["the wheel differs (checked by the registry at 2026-01-01T00:00:00Z)"]
    );
    // A package question looks at that package's check only.
    let a = client("npm:@octo/weather@1.0.0").assess(&log, &resp);
    assert!(a.notes.is_empty(), "{:?}", a.notes);
}

#[test]
fn tools_that_differ_from_the_pins_are_refused() {
    let (log, resp) = signed();
    let mut c = client(&format!("{NAME}@1.0.0"));
    c.pins = Some(PinnedTools {
        source: "pins.json".into(),
        server: Some(NAME.into()),
        release_tools: 2,
        difference: None,
    });
    let a = c.assess(&log, &resp);
    assert!(a.checks.iter().any(|c| c.check == "tools"
        && c.ok
        && c.detail == "the 2 tools match the fingerprints pinned in pins.json"));
    c.pins = Some(PinnedTools {
        difference: Some((
            "changed: get (description)".into(),
            json!({"changed": ["get"]}),
        )),
        ..c.pins.clone().unwrap()
    });
    let a = c.assess(&log, &resp);
    refused_with(
        &a,
        "tools differ from the fingerprints pinned in pins.json: changed: get",
    );
    assert_eq!(a.tools_diff, Some(json!({"changed": ["get"]})));
    c.pins = Some(PinnedTools {
        server: Some("io.github.octo/other".into()),
        difference: None,
        ..c.pins.clone().unwrap()
    });
    let a = c.assess(&log, &resp);
    refused_with(
        &a,
        "the pins in pins.json are for io.github.octo/other, not",
    );
}

#[test]
fn the_registrys_tool_changes_are_a_note() {
    let (log, mut resp) = signed();
    resp.tools_diff = Some(
        serde_json::from_value(json!({
            "previousVersion": "0.9.0",
            "added": [{"name": "a", "fingerprint": format!("sha256:{}", "0".repeat(64))}],
            "removed": [], "changed": [], "unchanged": [],
        }))
        .unwrap(),
    );
    let a = client(&format!("{NAME}@1.0.0")).assess(&log, &resp);
    assert!(a.allowed());
    assert_eq!(
        a.notes,
        ["the registry reports tools changed since 0.9.0: added [a], removed [], changed []"]
    );
}

#[test]
fn trust_levels_are_held_to_the_floor_and_negative_ones_always_refuse() {
    let mut log = TestLog::new();
    let leaf = log.publish("1.0.0");
    let asked = format!("{NAME}@1.0.0");
    let a = client(&asked)
        .min_level(TrustLevel::Verified)
        .assess(&log, &log.answer(leaf, "1.0.0", "signed"));
    refused_with(
        &a,
        "trust level signed is below the required verified (trust: signed (known))",
    );
    for (level, prefix) in [
        ("malicious", "malicious: known"),
        ("yanked", "yanked: known"),
        ("revoked", "revoked key: known"),
    ] {
        let a = client(&asked)
            .min_level(TrustLevel::Listed)
            .assess(&log, &log.answer(leaf, "1.0.0", level));
        assert_eq!(a.refusals, [prefix], "{level}");
    }
}

#[test]
fn deprecations_are_notes_and_a_revoked_key_refuses() {
    let (log, _) = signed();
    let mut resp = unsigned_answer("1.0.0", "listed");
    resp.verdict.reasons.push(crate::trust::Reason {
        code: ReasonCode::Deprecated,
        message: "deprecated: use 2.0.0".into(),
    });
    resp.key = Some(
        serde_json::from_value(json!({
            "keyId": "0123456789ABCDEF", "publicKey": "x", "namespace": "io.github.octo",
            "proof": {"kind": "github", "repository": "octo/weather",
                      "url": "https://github.com/octo/weather"},
            "registeredAt": "2026-01-01T00:00:00Z", "revokedAt": "2026-02-01T00:00:00Z",
        }))
        .unwrap(),
    );
    let a = client(&format!("{NAME}@1.0.0"))
        .min_level(TrustLevel::Listed)
        .assess(&log, &resp);
    assert!(
        a.notes.contains(&"deprecated: use 2.0.0".to_string()),
        "{:?}",
        a.notes
    );
    assert_eq!(
        a.refusals,
        ["revoked key: key 0123456789ABCDEF was revoked at 2026-02-01T00:00:00Z"]
    );
}
