//! Issue 8: the `verified` level. A local server plays the npm registry (version documents
//! and tarballs), PyPI's JSON API and an OCI distribution registry (401 + Bearer token auth,
//! image indexes, manifests with their digests, config blobs behind a CDN redirect), with
//! responses shaped like the real services'. Checks run through `registry::artifacts::run_due`
//! with an explicit clock, so schedules are tested without sleeping.

use std::collections::HashMap;
use std::sync::Arc;

use protocol::formats::REGISTRY_META_KEY;
use protocol::log::LogRecord;
use protocol::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use registry::artifacts::{self, ArtifactArgs, RunReport};
use registry::clock::ManualClock;
use serde_json::{Value, json};
use testkit::app::{
    Backend, Options, TestApp, backends, enc, new_key, publish_body, register_github_body,
};
use testkit::github::FakeGithub;
use testkit::packages::{FakeRegistries, Mode};

const OWNER: &str = "octo";
const REPO: &str = "weather";

// ---------------------------------------------------------------------------------------------
// Releases

struct Fixture {
    app: TestApp,
    _gh: FakeGithub,
    reg: FakeRegistries,
    key: protocol::SecretKey,
}

async fn start(backend: Backend) -> Fixture {
    let gh = FakeGithub::empty().await;
    let reg = FakeRegistries::start().await;
    let app = TestApp::start(
        backend,
        Options {
            github_api_url: Some(gh.url.clone()),
            artifacts: Some(reg.args()),
            ..Options::default()
        },
    )
    .await;
    let key = new_key();
    gh.add_repo(OWNER, REPO, Some(key.public_key().to_file_string()));
    let (status, body) = app
        .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    Fixture {
        app,
        _gh: gh,
        reg,
        key,
    }
}

/// A release manifest naming `packages` (`[registryType, identifier, version]`) with the
/// digests in `artifacts` (the release extension's `artifacts[]`).
fn manifest(name: &str, version: &str, packages: &[(&str, &str)], artifacts: Vec<Value>) -> String {
    let packages: Vec<Value> = packages
        .iter()
        .map(|(t, id)| json!({"registryType": t, "identifier": id, "version": version, "transport": {"type": "stdio"}}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": name,
        "description": "Weather forecasts",
        "version": version,
        "repository": {"url": format!("https://github.com/{OWNER}/{REPO}"), "source": "github"},
        "packages": packages,
        "_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "artifacts": artifacts}}
    }))
    .unwrap()
}

impl Fixture {
    async fn publish(&self, manifest: &str) {
        let (status, body) = self
            .app
            .post("/v1/publish", &publish_body(&self.key, manifest))
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    }

    /// Runs the checks due with the registry's clock set to `now` (unix ms).
    async fn run(&self, now: i64) -> RunReport {
        let s = &self.app.state;
        let db = s.db.clone().with_clock(Arc::new(ManualClock::at_ms(now)));
        artifacts::run_due(&db, &s.log, &s.artifacts, &|_, _, _| {})
            .await
            .unwrap()
    }

    async fn verdict(&self, name: &str, version: &str) -> Value {
        let (status, body) = self
            .app
            .get(&format!(
                "/v1/verify?server={}&version={version}",
                enc(name)
            ))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        body["verdict"].clone()
    }

    /// The `artifact-check` leaves of a release, parsed.
    async fn check_leaves(&self, name: &str, version: &str) -> Vec<(u64, LogRecord)> {
        let rows =
            registry::db::log::by_subject(&self.app.state.db, &format!("release {name}@{version}"))
                .await
                .unwrap();
        rows.into_iter()
            .filter(|e| e.kind == "artifact-check")
            .map(|e| (e.idx, LogRecord::parse(&e.record).unwrap()))
            .collect()
    }
}

fn codes(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn reason(verdict: &Value, code: &str) -> String {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {verdict}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

const T0: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

/// A release with an npm, a PyPI and an OCI package, every artifact published as signed.
async fn publish_complete(f: &Fixture, name: &str, version: &str) -> ContentDigest {
    let npm = format!("@{OWNER}/{}", name.rsplit('/').next().unwrap());
    let pypi = format!("{OWNER}-{}", name.rsplit('/').next().unwrap());
    let image = format!("{OWNER}/{}", name.rsplit('/').next().unwrap());
    let integrity = f
        .reg
        .add_npm(&npm, version, Some(name), b"npm tarball bytes".to_vec());
    let wheel = f.reg.add_pypi(
        &pypi,
        version,
        &format!("# Weather\n\nForecasts for MCP clients.\n\n<!-- mcp-name: {name} -->\n"),
        b"wheel bytes",
    );
    let digest = f.reg.push_image(&image, version, Some(name), "1");
    let m = manifest(
        name,
        version,
        &[
            ("npm", &npm),
            ("pypi", &pypi),
            ("oci", &format!("docker.io/{image}")),
        ],
        vec![
            json!({"registryType": "npm", "identifier": npm, "version": version, "integrity": integrity.to_string()}),
            json!({"registryType": "pypi", "identifier": pypi, "version": version, "sha256": wheel.to_string()}),
            json!({"registryType": "oci", "identifier": format!("docker.io/{image}"), "version": version, "ociDigest": digest.to_string()}),
        ],
    );
    f.publish(&m).await;
    digest
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matching_artifacts_are_verified_logged_and_a_repushed_tag_downgrades() {
    for backend in backends() {
        let f = start(backend).await;
        let name = "io.github.octo/weather";
        publish_complete(&f, name, "1.0.0").await;

        // Before the first check the release is signed, its artifacts not yet confirmed.
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "signed", "{v}");
        assert_eq!(
            codes(&v),
            ["signed_by_proven_key", "artifacts_not_verified"]
        );

        let r = f.run(T0).await;
        assert_eq!((r.checked, r.verified), (1, 1), "{r:?}");
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "verified", "{v}");
        assert_eq!(codes(&v), ["signed_by_proven_key", "artifacts_verified"]);
        // The API says what was compared for each package, and the marker found.
        let (_, body) = f
            .app
            .get(&format!("/v1/verify?server={}&version=1.0.0", enc(name)))
            .await;
        let a = body["artifacts"].as_array().unwrap();
        assert_eq!(a.len(), 3, "{body}");
        assert_eq!(a[0]["package"], "npm:@octo/weather@1.0.0");
        assert_eq!(a[0]["state"], "matched");
        assert_eq!(a[0]["compared"], "npm dist.integrity");
        assert_eq!(a[0]["expected"], a[0]["observed"]);
        assert_eq!(a[0]["ownership"], format!("mcpName {name}"));
        assert_eq!(
            a[1]["compared"],
            "PyPI digests.sha256 of octo_weather-1.0.0-py3-none-any.whl"
        );
        assert_eq!(a[1]["ownership"], format!("mcp-name: {name}"));
        assert_eq!(a[2]["compared"], "OCI manifest digest of tag 1.0.0");
        assert_eq!(
            a[2]["ownership"],
            format!("label io.modelcontextprotocol.server.name={name}")
        );

        // What was fetched: the npm version document, PyPI's JSON API, and the OCI flow
        // (401, token, index, the amd64 manifest, the config blob through the CDN).
        let req = f.reg.requests();
        assert!(
            req.contains(&"/npm/@octo/weather/1.0.0".to_string()),
            "{req:?}"
        );
        assert!(
            req.contains(&"/pypi/octo-weather/1.0.0/json".to_string()),
            "{req:?}"
        );
        assert!(
            req.contains(
                &"/token?service=registry.docker.io&scope=repository:octo/weather:pull".to_string()
            ),
            "{req:?}"
        );
        assert!(
            req.iter()
                .filter(|p| p.starts_with("/v2/octo/weather/manifests/"))
                .count()
                >= 2,
            "{req:?}"
        );
        assert!(
            req.iter()
                .any(|p| p.starts_with("/v2/octo/weather/blobs/sha256:")),
            "{req:?}"
        );

        // The transition is in the log, and its inclusion proof verifies against the checkpoint.
        let leaves = f.check_leaves(name, "1.0.0").await;
        assert_eq!(leaves.len(), 1);
        let (
            idx,
            LogRecord::ArtifactCheck {
                result, artifacts, ..
            },
        ) = &leaves[0]
        else {
            panic!("{leaves:?}")
        };
        assert_eq!(result, "verified");
        assert_eq!(artifacts.len(), 3);
        assert!(
            artifacts[0].starts_with("npm:@octo/weather@1.0.0 matched npm_dist.integrity sha512-"),
            "{artifacts:?}"
        );
        assert!(
            artifacts[2].contains("matched OCI_manifest_digest_of_tag_1.0.0 sha256:"),
            "{artifacts:?}"
        );
        let (_, cp) = f.app.get("/log/checkpoint").await;
        let size: u64 = cp
            .as_str()
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let (status, proof) = f
            .app
            .get(&format!("/v1/log/proof/inclusion?index={idx}&size={size}"))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{proof}");
        let record = proof["record"].as_str().unwrap().as_bytes().to_vec();
        let path: Vec<protocol::log::Hash> = proof["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| protocol::log::hash_from_base64(h.as_str().unwrap()).unwrap())
            .collect();
        let verifier = protocol::log::LogVerifier::new(f.app.state.log.verifier_key()).unwrap();
        let checkpoint = verifier.verify_checkpoint(cp.as_str().unwrap()).unwrap();
        protocol::log::verify_inclusion(
            &path,
            *idx,
            size,
            protocol::log::leaf_hash(&record),
            checkpoint.root,
        )
        .unwrap();

        // A re-check with nothing changed is not logged again; nothing is due before the
        // interval. The image is re-checked with a HEAD of its tag (no pull counted).
        assert_eq!(f.run(T0 + 1000).await.checked, 0);
        let before = f.reg.requests().len();
        let r = f.run(T0 + HOUR + 1).await;
        assert_eq!((r.checked, r.verified, r.downgraded), (1, 1, 0));
        assert_eq!(f.check_leaves(name, "1.0.0").await.len(), 1);
        let oci_requests: Vec<String> = f.reg.requests()[before..]
            .iter()
            .filter(|p| p.contains("/v2/"))
            .cloned()
            .collect();
        assert_eq!(
            oci_requests,
            [
                "HEAD /v2/octo/weather/manifests/1.0.0",
                "HEAD /v2/octo/weather/manifests/1.0.0"
            ],
            "a 401, then the token, then the HEAD"
        );

        // The tag is re-pushed with another image: the re-check catches it.
        let new_digest = f.reg.push_image("octo/weather", "1.0.0", Some(name), "2");
        let r = f.run(T0 + 2 * HOUR + 2).await;
        assert_eq!((r.checked, r.downgraded), (1, 1), "{r:?}");
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "signed", "{v}");
        let why = reason(&v, "artifact_mismatch");
        assert!(
            why.contains("oci:docker.io/octo/weather:1.0.0")
                && why.contains(&new_digest.to_string()),
            "{why}"
        );
        let leaves = f.check_leaves(name, "1.0.0").await;
        assert_eq!(leaves.len(), 2);
        assert!(
            matches!(&leaves[1].1, LogRecord::ArtifactCheck { result, reason: Some(r), .. } if result == "mismatch" && r.contains(&new_digest.to_string())),
            "{leaves:?}"
        );

        // ... and shows in the server detail, the official-compatible API and search.
        let (_, detail) = f.app.get(&format!("/v1/servers/{}", enc(name))).await;
        assert_eq!(detail["trust"]["level"], "signed", "{detail}");
        let (_, v01) = f
            .app
            .get(&format!("/v0.1/servers/{}/versions/1.0.0", enc(name)))
            .await;
        assert_eq!(
            v01["_meta"][REGISTRY_META_KEY]["trust"]["level"], "signed",
            "{v01}"
        );
        assert!(
            codes(&v01["_meta"][REGISTRY_META_KEY]["trust"])
                .contains(&"artifact_mismatch".to_string())
        );
        f.app.state.search.sync_once(&f.app.state.db).await.unwrap();
        let (_, found) = f.app.get("/v1/search?q=weather").await;
        let hit = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .unwrap_or_else(|| panic!("{found}"));
        assert_eq!(hit["trust"], "signed", "{found}");

        // Operators vet the namespace: verified releases become official (a release that
        // lost verification does not).
        publish_complete(&f, "io.github.octo/forecast", "2.0.0").await;
        f.run(T0 + 2 * HOUR + 3).await;
        assert_eq!(
            f.verdict("io.github.octo/forecast", "2.0.0").await["level"],
            "verified"
        );
        let op = new_key();
        let st = operator_statement(
            &op,
            protocol::api::OperatorAction::Official,
            "io.github.octo",
            Some("vetted publisher"),
        );
        registry::service::operator::apply(
            &f.app.state.db,
            &f.app.state.log,
            &[op.public_key()],
            &st,
        )
        .await
        .unwrap();
        let v = f.verdict("io.github.octo/forecast", "2.0.0").await;
        assert_eq!(v["level"], "official", "{v}");
        assert!(codes(&v).contains(&"publisher_vetted".to_string()));
        // The search index follows the statement (the namespace trigger).
        f.app.state.search.sync_once(&f.app.state.db).await.unwrap();
        let (_, found) = f.app.get("/v1/search?q=forecast").await;
        let hit = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == "io.github.octo/forecast")
            .unwrap_or_else(|| panic!("{found}"));
        assert_eq!(hit["trust"], "official", "{found}");
        assert_eq!(f.verdict(name, "1.0.0").await["level"], "signed");
        // A statement signed by a key that is not an operator key changes nothing.
        let other = new_key();
        let st = operator_statement(
            &other,
            protocol::api::OperatorAction::Unofficial,
            "io.github.octo",
            None,
        );
        let err = registry::service::operator::apply(
            &f.app.state.db,
            &f.app.state.log,
            &[op.public_key()],
            &st,
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("not a configured operator key"),
            "{err}"
        );
        assert_eq!(
            f.verdict("io.github.octo/forecast", "2.0.0").await["level"],
            "official"
        );
        f.app.stop().await;
    }
}

fn operator_statement(
    key: &protocol::SecretKey,
    action: protocol::api::OperatorAction,
    subject: &str,
    reason: Option<&str>,
) -> registry::service::operator::OperatorStatement {
    let issued_at = testkit::app::now_secs();
    let text =
        registry::service::operator::OperatorStatement::text(action, subject, reason, issued_at)
            .unwrap();
    registry::service::operator::OperatorStatement {
        action,
        subject: subject.to_string(),
        reason: reason.map(str::to_string),
        issued_at,
        signature: testkit::app::sign(key, text.as_bytes()).to_file_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatches_and_missing_ownership_markers_say_which_package_and_digest() {
    for backend in backends() {
        let f = start(backend).await;
        // npm: the registry serves another tarball than the one signed.
        let served = f.reg.add_npm(
            "@octo/a",
            "1.0.0",
            Some("io.github.octo/a"),
            b"served".to_vec(),
        );
        let signed = Sha512Integrity::of(b"signed");
        f.publish(&manifest(
            "io.github.octo/a",
            "1.0.0",
            &[("npm", "@octo/a")],
            vec![json!({"registryType": "npm", "identifier": "@octo/a", "version": "1.0.0", "integrity": signed.to_string()})],
        ))
        .await;
        // PyPI: the digest matches, but the README does not name the server.
        let wheel = f.reg.add_pypi(
            "octo-b",
            "1.0.0",
            "# B\n\nmcp-name: io.github.someone/else\n",
            b"wheel",
        );
        f.publish(&manifest(
            "io.github.octo/b",
            "1.0.0",
            &[("pypi", "octo-b")],
            vec![json!({"registryType": "pypi", "identifier": "octo-b", "version": "1.0.0", "sha256": wheel.to_string()})],
        ))
        .await;
        // OCI: the image has no ownership label.
        let digest = f.reg.push_image("octo/c", "1.0.0", None, "1");
        f.publish(&manifest(
            "io.github.octo/c",
            "1.0.0",
            &[("oci", "docker.io/octo/c")],
            vec![json!({"registryType": "oci", "identifier": "docker.io/octo/c", "version": "1.0.0", "ociDigest": digest.to_string()})],
        ))
        .await;
        // npm: no mcpName in package.json; the signed sha256 of the tarball matches.
        f.reg
            .add_npm("@octo/d", "1.0.0", None, b"tarball d".to_vec());
        f.publish(&manifest(
            "io.github.octo/d",
            "1.0.0",
            &[("npm", "@octo/d")],
            vec![json!({"registryType": "npm", "identifier": "@octo/d", "version": "1.0.0", "sha256": Sha256Digest::of(b"tarball d").to_string()})],
        ))
        .await;
        // A package the manifest records no digest for, and one its registry does not know.
        f.publish(&manifest(
            "io.github.octo/e",
            "1.0.0",
            &[("npm", "@octo/e")],
            vec![],
        ))
        .await;

        let r = f.run(T0).await;
        assert_eq!((r.checked, r.verified, r.problems), (5, 0, 5), "{r:?}");

        let v = f.verdict("io.github.octo/a", "1.0.0").await;
        assert_eq!(v["level"], "signed");
        let why = reason(&v, "artifact_mismatch");
        assert!(
            why.contains("npm:@octo/a@1.0.0")
                && why.contains(&served.to_string())
                && why.contains(&signed.to_string()),
            "{why}"
        );

        let v = f.verdict("io.github.octo/b", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(
            why.contains("pypi:octo-b==1.0.0") && why.contains("mcp-name: io.github.octo/b"),
            "{why}"
        );

        let v = f.verdict("io.github.octo/c", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(
            why.contains("io.modelcontextprotocol.server.name=io.github.octo/c"),
            "{why}"
        );

        let v = f.verdict("io.github.octo/d", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(why.contains("no mcpName"), "{why}");
        let results = registry::db::artifacts::results_of(
            &f.app.state.db,
            release_id(&f, "io.github.octo/d").await,
        )
        .await
        .unwrap();
        assert_eq!(results[0].compared.as_deref(), Some("tarball sha256"));

        let v = f.verdict("io.github.octo/e", "1.0.0").await;
        let why = reason(&v, "artifact_check_failed");
        assert!(why.contains("records no digest"), "{why}");

        // Problems of releases that were never verified do not change their level (signed):
        // they are in the verdict, not in the log.
        for s in ["a", "b", "c", "d", "e"] {
            let leaves = f
                .check_leaves(&format!("io.github.octo/{s}"), "1.0.0")
                .await;
            assert!(leaves.is_empty(), "{s}: {leaves:?}");
        }
        f.app.stop().await;
    }
}

async fn release_id(f: &Fixture, name: &str) -> i64 {
    registry::db::releases::find(&f.app.state.db, name, "1.0.0")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// One npm package with a signed sha256 (so the tarball is downloaded too).
async fn publish_npm(f: &Fixture, short: &str, tarball: Vec<u8>) {
    let name = format!("io.github.octo/{short}");
    let npm = format!("@octo/{short}");
    f.reg.add_npm(&npm, "1.0.0", Some(&name), tarball.clone());
    f.publish(&manifest(
        &name,
        "1.0.0",
        &[("npm", &npm)],
        vec![json!({"registryType": "npm", "identifier": npm, "version": "1.0.0", "sha256": Sha256Digest::of(&tarball).to_string()})],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_redirects_oversize_answers_timeouts_and_outages_are_told_apart() {
    for backend in backends() {
        let f = start(backend).await;

        // A redirect to a host that is not allow-listed: a definitive failure.
        publish_npm(&f, "redirected", b"r".to_vec()).await;
        f.reg.set_mode(Mode::RedirectOffList);
        f.run(T0).await;
        f.reg.set_mode(Mode::Normal);
        let v = f.verdict("io.github.octo/redirected", "1.0.0").await;
        let why = reason(&v, "artifact_check_failed");
        assert!(
            why.contains("redirected to http://localhost:") && why.contains("not allow-listed"),
            "{why}"
        );

        // An artifact larger than --artifact-max-bytes (64 KiB here).
        publish_npm(&f, "huge", vec![7u8; 100 * 1024]).await;
        f.run(T0 + 1).await;
        let why = reason(
            &f.verdict("io.github.octo/huge", "1.0.0").await,
            "artifact_check_failed",
        );
        assert!(why.contains("more than 65536 bytes"), "{why}");

        // A registry slower than --artifact-timeout: temporary, retried.
        publish_npm(&f, "slow", b"s".to_vec()).await;
        f.reg.set_mode(Mode::Slow);
        let r = f.run(T0 + 2).await;
        f.reg.set_mode(Mode::Normal);
        assert_eq!((r.checked, r.pending), (1, 1), "{r:?}");
        let v = f.verdict("io.github.octo/slow", "1.0.0").await;
        let why = reason(&v, "artifacts_check_pending");
        assert!(
            why.contains("did not answer within 1.0 s") && why.contains("retried later"),
            "{why}"
        );
        // Temporary failures are not logged; the retry (60 s later) verifies it.
        assert!(
            f.check_leaves("io.github.octo/slow", "1.0.0")
                .await
                .is_empty()
        );
        assert_eq!(f.run(T0 + 30_000).await.checked, 0, "backoff");
        let r = f.run(T0 + 62_002).await;
        assert_eq!(r.verified, 1, "{r:?}");
        assert_eq!(
            f.verdict("io.github.octo/slow", "1.0.0").await["level"],
            "verified"
        );

        // 503 Service Unavailable: pending, then verified on the retry.
        publish_npm(&f, "flaky", b"f".to_vec()).await;
        f.reg.set_mode(Mode::Unavailable(1));
        let r = f.run(T0 + 100_000).await;
        assert_eq!(r.pending, 1, "{r:?}");
        let why = reason(
            &f.verdict("io.github.octo/flaky", "1.0.0").await,
            "artifacts_check_pending",
        );
        assert!(why.contains("answered 503"), "{why}");
        let r = f.run(T0 + 100_000 + 61_000).await;
        assert_eq!(r.verified, 1, "{r:?}");

        // An outage after verification keeps the release verified (no evidence against it),
        // and is retried sooner than the interval.
        f.reg.set_mode(Mode::Unavailable(10));
        let r = f.run(T0 + 10 * HOUR).await;
        assert!(r.pending >= 2 && r.downgraded == 0, "{r:?}");
        assert_eq!(
            f.verdict("io.github.octo/flaky", "1.0.0").await["level"],
            "verified"
        );
        f.reg.set_mode(Mode::Normal);
        f.app.stop().await;
    }
}

#[test]
fn every_seed_package_maps_to_a_check_plan_on_allow_listed_hosts() {
    let seed: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../seed/official-registry-seed.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let checker = artifacts::Checker::new(&ArtifactArgs::default()).unwrap();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut unparsable = Vec::new();
    for server in &seed {
        for p in checker.plan(server) {
            let kind = p.package.split(':').next().unwrap().to_string();
            if !matches!(kind.as_str(), "npm" | "pypi" | "oci") {
                continue;
            }
            *counts.entry(kind).or_default() += 1;
            match &p.target {
                artifacts::plan::Target::Unsupported { why } => {
                    // Only identifiers that are no package name at all (old registry data such
                    // as an npm name filed as an OCI image) are refused, with a reason.
                    assert!(why.contains("does not parse"), "{} {why}", p.package);
                    unparsable.push(p.package.clone());
                }
                _ => {
                    assert!(!p.urls.is_empty(), "{}", p.package);
                    for u in &p.urls {
                        assert!(
                            checker.fetcher().allows(u),
                            "{} would fetch {u}, which is not allow-listed",
                            p.package
                        );
                    }
                }
            }
        }
    }
    assert_eq!(counts.get("npm"), Some(&149), "{counts:?}");
    assert_eq!(counts.get("pypi"), Some(&121), "{counts:?}");
    assert_eq!(counts.get("oci"), Some(&88), "{counts:?}");
    // npm names filed as images, and an upper-case repository (`docker pull` refuses both).
    assert!(
        unparsable
            .iter()
            .all(|p| p.starts_with("oci:@") || p.chars().any(|c| c.is_ascii_uppercase())),
        "{unparsable:?}"
    );
    assert!(unparsable.len() <= 10, "{unparsable:?}");
    // The shapes of the URLs, from the seed's own packages.
    let urls: Vec<String> = seed
        .iter()
        .flat_map(|s| checker.plan(s))
        .flat_map(|p| p.urls)
        .collect();
    assert!(
        urls.iter()
            .any(|u| u.starts_with("https://registry.npmjs.org/@") && u.contains("%2F")),
        "scoped npm names"
    );
    assert!(
        urls.iter()
            .any(|u| u.starts_with("https://pypi.org/pypi/") && u.ends_with("/json"))
    );
    assert!(urls.iter().any(
        |u| u.starts_with("https://registry-1.docker.io/v2/library/")
            || u.starts_with("https://registry-1.docker.io/v2/")
    ));
}
