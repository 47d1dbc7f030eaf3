use super::*;
use crate::SecretKey;
use crate::api::OperatorAction;
use crate::client::test_log::{NAME, TestLog, manifest};

/// Runs the monitor over the whole log, answering every release fetch from `answer`.
fn monitor(
    log: &TestLog,
    operators: Vec<PublicKey>,
    answer: impl Fn(&LoggedRelease) -> Result<VerifyResponse, String>,
) -> Monitor {
    let mut m = Monitor::new(operators);
    for (i, raw) in log.leaves.iter().enumerate() {
        if let Some(release) = m.leaf(i, raw) {
            let resp = answer(&release);
            m.served(&release, resp.as_ref().map_err(Clone::clone));
        }
    }
    m
}

/// The registry's honest answer for a logged release.
fn honest(r: &LoggedRelease) -> Result<VerifyResponse, String> {
    let mut resp = crate::client::test_log::unsigned_answer(&r.version, "signed");
    resp.manifest = Some(manifest(&r.version));
    Ok(resp)
}

fn has_problem(m: &Monitor, needle: &str) {
    assert!(
        m.problems().iter().any(|p| p.contains(needle)),
        "no problem with {needle:?}: {:?}",
        m.problems()
    );
}

fn yank(key: &SecretKey, version: &str) -> LogRecord {
    let statement = Statement::Yank {
        name: NAME,
        version,
        reason: Some("broken"),
        issued_at: 5,
    };
    let text = statement.to_text().unwrap();
    LogRecord::ReleaseStatement {
        action: crate::log::ReleaseAction::Yank,
        name: NAME.into(),
        version: version.into(),
        text: Some("broken".into()),
        key_id: key.key_id().to_string(),
        issued_at: 5,
        signature: key.sign(text.as_bytes(), "t").unwrap().to_file_string(),
        time_ms: 3,
    }
}

#[test]
fn an_honest_log_verifies() {
    let mut log = TestLog::new();
    log.publish("1.0.0");
    log.publish("1.1.0");
    let y = yank(&log.key, "1.0.0");
    log.append(&y);
    let m = monitor(&log, Vec::new(), honest);
    assert!(m.problems().is_empty(), "{:?}", m.problems());
    assert_eq!(
        m.counts(),
        MonitorCounts {
            releases: 2,
            statements: 1,
            ..MonitorCounts::default()
        }
    );
}

#[test]
fn a_served_manifest_must_be_the_logged_one() {
    let mut log = TestLog::new();
    log.publish("1.0.0");
    let m = monitor(&log, Vec::new(), |r| {
        let mut resp = crate::client::test_log::unsigned_answer(&r.version, "signed");
        resp.manifest = Some(manifest(&r.version).replace("octo/weather\"", "octo/weather2\""));
        Ok(resp)
    });
    has_problem(
        &m,
        "entry 1: the registry serves io.github.octo/weather@1.0.0 with sha256",
    );
    let m = monitor(&log, Vec::new(), |_| Err("connection refused".into()));
    has_problem(
        &m,
        "entry 1: cannot fetch io.github.octo/weather@1.0.0: connection refused",
    );
    let m = monitor(&log, Vec::new(), |r| {
        Ok(crate::client::test_log::unsigned_answer(
            &r.version, "signed",
        ))
    });
    has_problem(&m, "entry 1: the registry has no manifest for");
}

#[test]
fn releases_need_a_recorded_unrevoked_key_whose_grant_covers_them() {
    let mut log = TestLog::new();
    // Signed by a key the log never recorded.
    let stranger = SecretKey::generate(&mut rand_core::OsRng);
    let text = manifest("0.1.0");
    log.append(&LogRecord::Release {
        name: NAME.into(),
        version: "0.1.0".into(),
        manifest_sha256: Sha256Digest::of(text.as_bytes()).to_string(),
        key_id: stranger.key_id().to_string(),
        signature: stranger
            .sign(text.as_bytes(), "t")
            .unwrap()
            .to_file_string(),
        time_ms: 2,
    });
    // A release of another namespace than the key's grant.
    let text = manifest("0.2.0").replace("io.github.octo/weather", "io.github.eve/weather");
    log.append(&LogRecord::Release {
        name: "io.github.eve/weather".into(),
        version: "0.2.0".into(),
        manifest_sha256: Sha256Digest::of(text.as_bytes()).to_string(),
        key_id: log.key_id(),
        signature: log.sign(text.as_bytes()),
        time_ms: 2,
    });
    log.append(&LogRecord::KeyRevoke {
        key_id: log.key_id(),
        reason: None,
        issued_at: None,
        signature: None,
        time_ms: 3,
    });
    log.publish("1.0.0");
    let eve = text.clone();
    let m = monitor(&log, Vec::new(), |r| {
        let mut resp = crate::client::test_log::unsigned_answer(&r.version, "signed");
        resp.manifest = Some(if r.version == "0.2.0" {
            eve.clone()
        } else {
            manifest(&r.version)
        });
        Ok(resp)
    });
    has_problem(&m, "entry 1: io.github.octo/weather@0.1.0 signed by");
    has_problem(&m, "a key the log never recorded");
    has_problem(&m, "entry 2: io.github.eve/weather@0.2.0: key");
    has_problem(&m, "is proven for [io.github.octo via github octo/weather]");
    has_problem(
        &m,
        "entry 4: io.github.octo/weather@1.0.0 logged after its key",
    );
    assert_eq!(m.counts().releases, 3);
}

#[test]
fn statements_verify_with_the_logged_key_only() {
    let mut log = TestLog::new();
    let stranger = SecretKey::generate(&mut rand_core::OsRng);
    let y = yank(&stranger, "1.0.0");
    log.append(&y);
    // A statement whose text is not the one signed.
    let mut altered = yank(&log.key, "1.0.0");
    if let LogRecord::ReleaseStatement { text, .. } = &mut altered {
        *text = Some("all is fine".into());
    }
    log.append(&altered);
    // A revocation of a key the log never recorded, and a rotation from one.
    log.append(&LogRecord::KeyRevoke {
        key_id: stranger.key_id().to_string(),
        reason: None,
        issued_at: None,
        signature: None,
        time_ms: 3,
    });
    let new_key = SecretKey::generate(&mut rand_core::OsRng);
    log.append(&LogRecord::Key {
        key_id: new_key.key_id().to_string(),
        public_key: new_key.public_key().to_base64(),
        namespace: "io.github.octo".into(),
        proof_kind: "github".into(),
        proof_target: "octo/weather".into(),
        proof_url: "https://github.com/octo/weather".into(),
        proof_repository_id: None,
        rotated_from: Some(stranger.key_id().to_string()),
        rotation_signature: Some("x".into()),
        rotation_issued_at: Some(4),
        time_ms: 4,
    });
    let m = monitor(&log, Vec::new(), honest);
    has_problem(&m, "entry 1: yank of io.github.octo/weather@1.0.0 by");
    has_problem(&m, "entry 2: yank of io.github.octo/weather@1.0.0: ");
    has_problem(&m, "entry 3: revocation of unknown key");
    has_problem(&m, "entry 4: rotation from");
    assert_eq!(m.problems().len(), 4, "{:?}", m.problems());
}

#[test]
fn a_rotation_is_signed_by_the_old_key() {
    let mut log = TestLog::new();
    let new_key = SecretKey::generate(&mut rand_core::OsRng);
    let statement = Statement::RotateKey {
        old_key_id: &log.key_id(),
        new_key_id: &new_key.key_id().to_string(),
        namespace: "io.github.octo",
        issued_at: 4,
    };
    let sig = log.sign(statement.to_text().unwrap().as_bytes());
    let record = |signature: String| LogRecord::Key {
        key_id: new_key.key_id().to_string(),
        public_key: new_key.public_key().to_base64(),
        namespace: "io.github.octo".into(),
        proof_kind: "github".into(),
        proof_target: "octo/weather".into(),
        proof_url: "https://github.com/octo/weather".into(),
        proof_repository_id: None,
        rotated_from: Some(log.key_id()),
        rotation_signature: Some(signature),
        rotation_issued_at: Some(4),
        time_ms: 4,
    };
    let good = record(sig);
    let bad = record(new_key.sign(b"other", "t").unwrap().to_file_string());
    log.append(&good);
    log.append(&bad);
    let m = monitor(&log, Vec::new(), honest);
    assert_eq!(m.counts().statements, 2);
    assert_eq!(m.problems().len(), 1, "{:?}", m.problems());
    has_problem(&m, "entry 2: rotation to");
}

#[test]
fn artifact_checks_follow_the_release_they_check() {
    let mut log = TestLog::new();
    let check = |version: &str, sha: String| LogRecord::ArtifactCheck {
        name: NAME.into(),
        version: version.into(),
        manifest_sha256: sha,
        result: "verified".into(),
        artifacts: Vec::new(),
        reason: None,
        time_ms: 5,
    };
    log.append(&check("1.0.0", "ab".repeat(32)));
    log.publish("1.0.0");
    let sha = Sha256Digest::of(manifest("1.0.0").as_bytes()).to_string();
    log.append(&check("1.0.0", sha));
    log.append(&check("1.0.0", "cd".repeat(32)));
    let m = monitor(&log, Vec::new(), honest);
    has_problem(
        &m,
        "entry 1: artifact check of io.github.octo/weather@1.0.0, a release the log never recorded",
    );
    has_problem(
        &m,
        "entry 4: artifact check of io.github.octo/weather@1.0.0 names manifest cdcd",
    );
    assert_eq!(m.problems().len(), 2, "{:?}", m.problems());
    assert_eq!(m.counts().artifact_checks, 3);
}

#[test]
fn operator_statements_verify_with_the_operator_keys_given() {
    let mut log = TestLog::new();
    let operator = SecretKey::generate(&mut rand_core::OsRng);
    let statement = |subject: &str| {
        let text = Statement::Operator {
            action: OperatorAction::Flag,
            subject,
            reason: Some("malware"),
            issued_at: 6,
        }
        .to_text()
        .unwrap();
        LogRecord::Operator {
            action: OperatorAction::Flag,
            subject: subject.into(),
            reason: Some("malware".into()),
            key_id: operator.key_id().to_string(),
            issued_at: 6,
            signature: operator
                .sign(text.as_bytes(), "t")
                .unwrap()
                .to_file_string(),
            time_ms: 6,
        }
    };
    log.append(&statement(NAME));
    let mut forged = statement(NAME);
    if let LogRecord::Operator { subject, .. } = &mut forged {
        *subject = "io.github.octo/other".into();
    }
    log.append(&forged);
    // Without operator keys they are counted only.
    let m = monitor(&log, Vec::new(), honest);
    assert!(m.problems().is_empty());
    assert!(!m.verifies_operators());
    assert_eq!(m.counts().operator_statements, 2);
    let m = monitor(&log, vec![operator.public_key()], honest);
    assert_eq!(m.counts().operator_verified, 1);
    has_problem(&m, "entry 2: flag io.github.octo/other: ");
    let someone = SecretKey::generate(&mut rand_core::OsRng);
    let m = monitor(&log, vec![someone.public_key()], honest);
    has_problem(&m, "not by a given --operator-key");
}

#[test]
fn a_leaf_that_does_not_parse_is_a_problem() {
    let mut m = Monitor::new(Vec::new());
    assert_eq!(m.leaf(7, b"not a record"), None);
    has_problem(&m, "entry 7: ");
}

#[test]
fn provenance_leaves_are_re_verified_and_lost_follows_attested() {
    let mut log = TestLog::new();
    let leaf =
        |result: &str, package: &str, commit: &str, evidence: Option<&str>| LogRecord::Provenance {
            name: NAME.into(),
            version: "1.0.0".into(),
            manifest_sha256: "ab".repeat(32),
            result: result.into(),
            package: package.into(),
            digest: format!("sha512:{}", "cd".repeat(64)),
            repository: "github.com/octo/weather".into(),
            commit: commit.into(),
            identity:
                "https://github.com/octo/weather/.github/workflows/release.yml@refs/heads/main"
                    .into(),
            rekor_log_index: 7,
            evidence: evidence.map(str::to_owned),
            reason: (result == "lost").then(|| "no attestations".to_owned()),
            time_ms: 5,
        };
    log.append(&leaf("attested", "npm:a@1.0.0", "aaaa", Some("{}")));
    log.append(&leaf("attested", "npm:b@1.0.0", "bbbb", Some("{}")));
    log.append(&leaf("attested", "npm:c@1.0.0", "cccc", None));
    log.append(&leaf("lost", "npm:a@1.0.0", "aaaa", None));
    log.append(&leaf("lost", "npm:d@1.0.0", "dddd", None));
    log.append(&leaf("revoked", "npm:b@1.0.0", "bbbb", None));
    let mut m = Monitor::new(Vec::new()).with_provenance_check(Box::new(|p| {
        if p.commit == "bbbb" {
            Err("the attestation proves commit ffff".into())
        } else {
            Ok(())
        }
    }));
    assert!(m.verifies_provenance());
    for (i, raw) in log.leaves.iter().enumerate() {
        assert!(m.leaf(i, raw).is_none());
    }
    has_problem(
        &m,
        "entry 2: provenance of npm:b@1.0.0 for io.github.octo/weather@1.0.0: the attestation proves commit ffff",
    );
    has_problem(
        &m,
        "entry 5: provenance of npm:d@1.0.0 for io.github.octo/weather@1.0.0 is logged as lost, but the log never recorded it attested",
    );
    has_problem(
        &m,
        "entry 6: provenance of npm:b@1.0.0 for io.github.octo/weather@1.0.0 has the result \"revoked\"",
    );
    assert_eq!(m.problems().len(), 3, "{:?}", m.problems());
    // c's leaf has no document: counted, not verified.
    assert_eq!(
        (m.counts().provenance, m.counts().provenance_verified),
        (6, 1)
    );
}
