//! Issue 15: build provenance through the registry's artifact-check fetcher, against the fake
//! npm registry's attestations endpoint and PyPI's Integrity API serving the real fixtures of
//! the `provenance` crate (npm `sigstore@5.0.0`, PyPI `pypi_attestations-0.0.19.tar.gz`).

use std::sync::Arc;

use protocol::api::ReleaseOrigin;
use protocol::log::LogRecord;
use protocol::trust::{self, ReasonCode, TrustFacts, TrustLevel};
use provenance::TrustRoot;
use registry::artifacts::provenance::{Outcome, check, facts};
use registry::artifacts::{self, Checker, RunReport};
use registry::clock::ManualClock;
use serde_json::{Value, json};
use testkit::app::{Options, TestApp, backends};
use testkit::packages::provenance::fixture;
use testkit::packages::{FakeRegistries, Mode};

const SIGSTORE_JS: &str = "io.github.sigstore/sigstore-js";
const SIGSTORE_JS_REPO: &str = "https://github.com/sigstore/sigstore-js";

fn npm_server(name: &str, repository: &str) -> Value {
    json!({
        "name": name,
        "version": "5.0.0",
        "repository": {"url": repository, "source": "github"},
        "packages": [{"registryType": "npm", "identifier": "sigstore", "version": "5.0.0",
                      "transport": {"type": "stdio"}}],
    })
}

async fn npm_outcome(reg: &FakeRegistries, name: &str, repository: &str) -> Outcome {
    let checker = Checker::new(&reg.args()).unwrap();
    let server = npm_server(name, repository);
    let plan = checker.plan(&server).remove(0);
    let root = TrustRoot::public_good().unwrap();
    check(
        checker.fetcher(),
        &root,
        checker.endpoints(),
        &plan,
        name,
        Some(repository),
    )
    .await
}

#[tokio::test]
async fn sigstore_5_0_0_is_attested_from_its_repository() {
    let reg = FakeRegistries::start().await;
    reg.add_sigstore_5_0_0(None);
    let Outcome::Attested(found) = npm_outcome(&reg, SIGSTORE_JS, SIGSTORE_JS_REPO).await else {
        panic!("not attested");
    };
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].provenance.repository,
        "github.com/sigstore/sigstore-js"
    );
    assert!(
        found[0].provenance.commit.starts_with("7d2900e"),
        "{}",
        found[0].provenance.commit
    );
    assert_eq!(
        found[0].provenance.workflow,
        ".github/workflows/release.yml@refs/heads/main"
    );
    // As a trust fact, it makes the listed release attested, with the provenance as reasons.
    let outcome = Outcome::Attested(found.clone());
    let provenance = facts(&[("npm:sigstore@5.0.0".to_owned(), outcome)]);
    let verdict = trust::compute(&TrustFacts {
        known: true,
        provenance: Some(provenance),
        ..TrustFacts::default()
    });
    assert_eq!(verdict.level, TrustLevel::Attested);
    let reason = verdict
        .reasons
        .iter()
        .find(|r| r.code == ReasonCode::BuildProvenance)
        .unwrap();
    assert!(reason.message.contains("npm:sigstore@5.0.0 was built by CI from github.com/sigstore/sigstore-js at commit 7d2900e"), "{}", reason.message);
    // Only the configured registry was asked: the version document, then the attestations.
    let requests = reg.requests();
    assert!(
        requests
            .iter()
            .any(|r| r == "/npm/-/npm/v1/attestations/sigstore@5.0.0"),
        "{requests:?}"
    );
}

#[tokio::test]
async fn another_repositorys_server_is_refused_with_the_reason() {
    let reg = FakeRegistries::start().await;
    reg.add_sigstore_5_0_0(None);
    let outcome = npm_outcome(
        &reg,
        "io.github.octo/weather",
        "https://github.com/octo/weather",
    )
    .await;
    let Outcome::Refused(why) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(why.starts_with("npm:sigstore@5.0.0: "), "{why}");
    assert!(why.contains("github.com/octo/weather"), "{why}");
    let provenance = facts(&[("npm:sigstore@5.0.0".to_owned(), Outcome::Refused(why))]);
    let verdict = trust::compute(&TrustFacts {
        known: true,
        provenance: Some(provenance),
        ..TrustFacts::default()
    });
    assert_eq!(verdict.level, TrustLevel::Listed, "never attested");
}

#[tokio::test]
async fn a_package_without_attestations_is_absent_and_an_outage_is_temporary() {
    let reg = FakeRegistries::start().await;
    reg.add_npm("sigstore", "5.0.0", None, fixture("sigstore-5.0.0.tgz"));
    let outcome = npm_outcome(&reg, SIGSTORE_JS, SIGSTORE_JS_REPO).await;
    assert!(
        matches!(&outcome, Outcome::Absent(m) if m.contains("no attestations")),
        "{outcome:?}"
    );
    reg.add_npm_attestations(
        "sigstore",
        "5.0.0",
        fixture("sigstore-5.0.0.attestations.json"),
    );
    reg.set_mode(Mode::Unavailable(5));
    let outcome = npm_outcome(&reg, SIGSTORE_JS, SIGSTORE_JS_REPO).await;
    assert!(matches!(outcome, Outcome::Temporary(_)), "{outcome:?}");
}

#[tokio::test]
async fn a_pypi_file_with_pep_740_provenance_is_attested() {
    let reg = FakeRegistries::start().await;
    let filename = "pypi_attestations-0.0.19.tar.gz";
    reg.add_pypi_files(
        "pypi-attestations",
        "0.0.19",
        "",
        &[(filename, fixture(filename))],
    );
    let server = json!({
        "name": "io.github.trailofbits/pypi-attestations",
        "version": "0.0.19",
        "repository": {"url": "https://github.com/trailofbits/pypi-attestations", "source": "github"},
        "packages": [{"registryType": "pypi", "identifier": "pypi-attestations", "version": "0.0.19",
                      "transport": {"type": "stdio"}}],
    });
    let checker = Checker::new(&reg.args()).unwrap();
    let plan = checker.plan(&server).remove(0);
    let root = TrustRoot::public_good().unwrap();
    let name = server["name"].as_str().unwrap();
    let run = |repository: &'static str| {
        check(
            checker.fetcher(),
            &root,
            checker.endpoints(),
            &plan,
            name,
            Some(repository),
        )
    };
    let outcome = run("https://github.com/trailofbits/pypi-attestations").await;
    assert!(
        matches!(&outcome, Outcome::Absent(m) if m.contains("no PEP 740 provenance")),
        "{outcome:?}"
    );
    reg.add_pypi_provenance(
        "pypi-attestations",
        "0.0.19",
        filename,
        fixture(&format!("{filename}.provenance")),
    );
    let Outcome::Attested(found) = run("https://github.com/trailofbits/pypi-attestations").await
    else {
        panic!("not attested");
    };
    assert_eq!(
        found[0].provenance.commit,
        "08802efe1f8e5fec4ad842d6b8ce97656092ee72"
    );
    let outcome = run("https://github.com/trailofbits/other").await;
    assert!(
        matches!(&outcome, Outcome::Refused(m) if m.contains("trailofbits/other")),
        "{outcome:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The check queue: a listed release becomes attested, is logged, survives restarts, keeps its
// level through an outage and loses it when its provenance no longer verifies.

/// Runs the checks due with the registry's clock at `now` (unix ms).
async fn run_at(app: &TestApp, now: i64) -> RunReport {
    let s = &app.state;
    let db = s.db.clone().with_clock(Arc::new(ManualClock::at_ms(now)));
    artifacts::run_due(&db, &s.log, &s.artifacts, &|_, _, _| {})
        .await
        .unwrap()
}

async fn verdict(app: &TestApp) -> Value {
    let (status, body) = app
        .get(&format!(
            "/v1/verify?server={}&version=5.0.0",
            testkit::app::enc(SIGSTORE_JS)
        ))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    body["verdict"].clone()
}

async fn provenance_leaves(app: &TestApp) -> Vec<LogRecord> {
    let rows =
        registry::db::log::by_subject(&app.state.db, &format!("release {SIGSTORE_JS}@5.0.0"))
            .await
            .unwrap();
    rows.into_iter()
        .filter(|e| e.kind == "provenance")
        .map(|e| LogRecord::parse(&e.record).unwrap())
        .collect()
}

fn has_reason(verdict: &Value, code: &str, words: &[&str]) -> bool {
    verdict["reasons"].as_array().unwrap().iter().any(|r| {
        r["code"] == code
            && words
                .iter()
                .all(|w| r["message"].as_str().unwrap_or("").contains(w))
    })
}

const HOUR_MS: i64 = 3_600_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_release_becomes_attested_is_logged_and_survives_restarts() {
    for backend in backends() {
        let reg = FakeRegistries::start().await;
        reg.add_sigstore_5_0_0(None);
        let app = TestApp::start(
            backend,
            Options {
                artifacts: Some(reg.args()),
                ..Options::default()
            },
        )
        .await;
        // Imported (unsigned, listed): the queue picks it up as soon as the registry has it.
        let manifest = npm_server(SIGSTORE_JS, SIGSTORE_JS_REPO).to_string();
        registry::service::import::import_bytes(
            &app.state.db,
            manifest.as_bytes(),
            ReleaseOrigin::Import,
        )
        .await
        .unwrap();
        assert_eq!(verdict(&app).await["level"], "listed");
        let t0 = 1_800_000_000_000;
        let report = run_at(&app, t0).await;
        assert_eq!(
            (report.provenance_checked, report.attested),
            (1, 1),
            "{report:?}"
        );
        let v = verdict(&app).await;
        assert_eq!(v["level"], "attested", "{backend:?}: {v}");
        assert!(
            has_reason(
                &v,
                "build_provenance",
                &["github.com/sigstore/sigstore-js", "commit 7d2900e"]
            ),
            "{v}"
        );
        let leaves = provenance_leaves(&app).await;
        assert_eq!(leaves.len(), 1, "{leaves:?}");
        let leaf = leaves[0].as_provenance().unwrap();
        assert_eq!(
            (leaf.result, leaf.package),
            ("attested", "npm:sigstore@5.0.0")
        );
        assert!(leaf.commit.starts_with("7d2900e"));
        assert!(leaf.evidence.is_some_and(|e| e.contains("attestations")));
        // Nothing new is due until the re-check interval.
        assert_eq!(run_at(&app, t0 + 1000).await.provenance_checked, 0);

        // A restart keeps the verdict and the leaf.
        let app = app.restart().await;
        assert_eq!(verdict(&app).await["level"], "attested", "{backend:?}");
        assert_eq!(provenance_leaves(&app).await.len(), 1);

        // An outage at the re-check is no evidence: still attested, nothing logged.
        reg.set_mode(Mode::Unavailable(5));
        let report = run_at(&app, t0 + 2 * HOUR_MS).await;
        assert_eq!(report.provenance_checked, 1);
        assert_eq!(report.attestations_lost, 0);
        assert_eq!(verdict(&app).await["level"], "attested");
        assert_eq!(provenance_leaves(&app).await.len(), 1);

        // Attestations whose payload changed no longer verify: the level is lost, and logged.
        reg.set_mode(Mode::Normal);
        let mut tampered: Value =
            serde_json::from_slice(&fixture("sigstore-5.0.0.attestations.json")).unwrap();
        for a in tampered["attestations"].as_array_mut().unwrap() {
            let payload = a["bundle"]["dsseEnvelope"]["payload"].as_str().unwrap();
            let mut bytes = payload.as_bytes().to_vec();
            bytes[40] = if bytes[40] == b'A' { b'B' } else { b'A' };
            a["bundle"]["dsseEnvelope"]["payload"] = String::from_utf8(bytes).unwrap().into();
        }
        reg.add_npm_attestations("sigstore", "5.0.0", tampered.to_string().into_bytes());
        let report = run_at(&app, t0 + 4 * HOUR_MS).await;
        assert_eq!(report.attestations_lost, 1, "{report:?}");
        let v = verdict(&app).await;
        assert_eq!(v["level"], "listed", "{v}");
        let leaves = provenance_leaves(&app).await;
        assert_eq!(leaves.len(), 2);
        let lost = leaves[1].as_provenance().unwrap();
        assert_eq!((lost.result, lost.package), ("lost", "npm:sigstore@5.0.0"));
        let app = app.restart().await;
        assert_eq!(verdict(&app).await["level"], "listed");
        app.stop().await;
    }
}
