//! Issue 8, item 5: `mcp-sign check` of a package reference prints which digest the registry
//! compared against the package registry, and `--artifact FILE` which digest of the file
//! matched the signed manifest, in human and `--json` output. The registry runs in-process
//! with testkit's fake npm registry beside it; the check runs through `registry::artifacts::run_due`.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use protocol::SecretKey;
use protocol::manifest::digest::Sha512Integrity;
use serde_json::{Value, json};
use testkit::github;
use testkit::packages::FakeRegistries;

const NAME: &str = "io.github.octo/weather";
const TARBALL: &[u8] = b"the npm tarball of @octo/weather 1.0.0";

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mcp_sign(client: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("mcp-sign").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("MCP_SIGN_") || k.starts_with("XDG_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("MCP_SIGN_STATE_DIR", client.join("state"))
        .env("MCP_SIGN_CONFIG_DIR", client.join("config"))
        .args(args);
    cmd.output().unwrap()
}

#[test]
fn check_prints_the_digests_compared() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let key = SecretKey::generate(&mut rand_core::OsRng);
    let integrity = Sha512Integrity::of(TARBALL).to_string();
    let (url, _gh, _npm, state) = rt.block_on(async {
        let npm = FakeRegistries::start().await;
        npm.add_npm("@octo/weather", "1.0.0", Some(NAME), TARBALL.to_vec());
        let gh = github::FakeGithub::empty().await;
        gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
        let mut config = registry::Config::for_data_dir(&dir.path().join("data"));
        config.github_api_url = gh.url.clone();
        config.write_rate_limit = 0;
        config.artifacts.npm_registry_url = format!("{}/npm", npm.url);
        config.artifacts.allow_private_artifact_hosts = true;
        let state = registry::open(&config, false).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(registry::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        (url, gh, npm, state)
    });
    let client = reqwest::blocking::Client::new();
    let r = client
        .post(format!("{url}/v1/keys"))
        .json(&json!({"publicKey": key.public_key().to_file_string(),
                      "namespace": "io.github.octo", "repository": "octo/weather"}))
        .send()
        .unwrap();
    assert!(r.status().is_success());
    let manifest = serde_json::to_string_pretty(&json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": NAME,
        "description": "Weather forecasts",
        "version": "1.0.0",
        "repository": {"url": "https://github.com/octo/weather", "source": "github"},
        "packages": [{"registryType": "npm", "identifier": "@octo/weather", "version": "1.0.0",
                      "transport": {"type": "stdio"}}],
        "_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "artifacts": [
            {"registryType": "npm", "identifier": "@octo/weather", "version": "1.0.0",
             "integrity": integrity}
        ]}}
    }))
    .unwrap();
    let sig = key
        .sign(manifest.as_bytes(), "timestamp:0\tfile:test")
        .unwrap()
        .to_file_string();
    let r = client
        .post(format!("{url}/v1/publish"))
        .json(&json!({"manifest": manifest, "signature": sig}))
        .send()
        .unwrap();
    assert!(r.status().is_success());
    let report = rt
        .block_on(registry::artifacts::run_due(
            &state.db,
            &state.log,
            &state.artifacts,
            &|_, _, _| {},
        ))
        .unwrap();
    assert_eq!(report.verified, 1, "{report:?}");

    let tarball = dir.path().join("weather-1.0.0.tgz");
    std::fs::write(&tarball, TARBALL).unwrap();
    let client_dir = dir.path().join("client");
    let o = mcp_sign(
        &client_dir,
        &[
            "check",
            "npm:@octo/weather@1.0.0",
            "--registry",
            &url,
            "--min-level",
            "verified",
            "--artifact",
            tarball.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let checks = v["checks"].as_array().unwrap();
    let detail = |name: &str| {
        checks
            .iter()
            .find(|c| c["check"] == name)
            .unwrap_or_else(|| panic!("no {name} in {v}"))["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        detail("artifact"),
        format!(
            "{}: npm integrity {integrity} is listed in the signed manifest (artifact \
             npm:@octo/weather)",
            tarball.display()
        )
    );
    let registry_detail = detail("registry-artifact");
    assert!(
        registry_detail.starts_with(&format!(
            "npm:@octo/weather@1.0.0: npm dist.integrity {integrity} matches the signed manifest \
             (checked by the registry at "
        )),
        "{registry_detail}"
    );

    // The same for people, with the varying parts replaced.
    let o = mcp_sign(
        &client_dir,
        &[
            "check",
            "npm:@octo/weather@1.0.0",
            "--registry",
            &url,
            "--artifact",
            tarball.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let human = String::from_utf8_lossy(&o.stdout)
        .replace(&integrity, "sha512-<integrity>")
        .replace(&tarball.display().to_string(), "<file>");
    let human: String = human
        .lines()
        .filter(|l| l.contains("artifact") || l.contains("integrity"))
        .map(|l| {
            // Times and key ids vary per run.
            match l.find(" at 20") {
                Some(i) => format!("{}<time>)", &l[..i + 4]),
                None => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("check_artifact_digests_human", human);

    // The log monitor accepts the artifact-check leaf and verifies operator statements with
    // the operator key (and only counts them without it).
    let operator = SecretKey::generate(&mut rand_core::OsRng);
    let issued_at = state.clock().now_secs();
    let action = protocol::api::OperatorAction::Official;
    let text_to_sign = registry::service::operator::OperatorStatement::text(
        action,
        "io.github.octo",
        None,
        issued_at,
    )
    .unwrap();
    let st = registry::service::operator::OperatorStatement {
        action,
        subject: "io.github.octo".to_string(),
        reason: None,
        issued_at,
        signature: operator
            .sign(text_to_sign.as_bytes(), "timestamp:0\toperator")
            .unwrap()
            .to_file_string(),
    };
    rt.block_on(registry::service::operator::apply(
        &state.db,
        &state.log,
        &[operator.public_key()],
        &st,
    ))
    .unwrap();
    let pub_file = dir.path().join("operator.pub");
    std::fs::write(&pub_file, operator.public_key().to_file_string()).unwrap();
    let o = mcp_sign(
        &client_dir,
        &[
            "log",
            "verify",
            "--registry",
            &url,
            "--operator-key",
            pub_file.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (
            v["artifactChecks"].as_u64(),
            v["operatorStatementsVerified"].as_u64()
        ),
        (Some(1), Some(1)),
        "{v}"
    );
    let other = SecretKey::generate(&mut rand_core::OsRng)
        .public_key()
        .to_file_string();
    let other_file = dir.path().join("other.pub");
    std::fs::write(&other_file, other).unwrap();
    let o = mcp_sign(
        &client_dir,
        &[
            "log",
            "verify",
            "--registry",
            &url,
            "--operator-key",
            other_file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("not by a given --operator-key"),
        "{}",
        text(&o)
    );
    // The level follows the statement: verified and vetted is official.
    let o = mcp_sign(
        &client_dir,
        &[
            "check",
            "npm:@octo/weather@1.0.0",
            "--registry",
            &url,
            "--min-level",
            "official",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
}
