//! Issue 15: build provenance through the registry's artifact-check fetcher, against the fake
//! npm registry's attestations endpoint and PyPI's Integrity API serving the real fixtures of
//! the `provenance` crate (npm `sigstore@5.0.0`, PyPI `pypi_attestations-0.0.19.tar.gz`).

use protocol::trust::{self, ReasonCode, TrustFacts, TrustLevel};
use provenance::TrustRoot;
use registry::artifacts::Checker;
use registry::artifacts::provenance::{Outcome, check, facts};
use serde_json::{Value, json};
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
    assert_eq!(found[0].repository, "github.com/sigstore/sigstore-js");
    assert!(
        found[0].commit.starts_with("7d2900e"),
        "{}",
        found[0].commit
    );
    assert_eq!(
        found[0].workflow,
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
    assert_eq!(found[0].commit, "08802efe1f8e5fec4ad842d6b8ce97656092ee72");
    let outcome = run("https://github.com/trailofbits/other").await;
    assert!(
        matches!(&outcome, Outcome::Refused(m) if m.contains("trailofbits/other")),
        "{outcome:?}"
    );
}
