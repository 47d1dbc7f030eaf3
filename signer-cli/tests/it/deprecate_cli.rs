//! `mcp-sign deprecate` / `undeprecate` with the real binary against the real registry
//! (in-process, SQLite), a fake GitHub serving the key file: the deprecation shows in the
//! official status and in `mcp-sign check` (allowed, with the maintainer's message), and
//! `mcp-sign log verify` re-verifies the deprecate and undeprecate leaves' signatures.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};
use testkit::github;

const NAME: &str = "io.github.octo/weather";
const MESSAGE: &str = "use 2.0.0: the v1 API goes away in June";

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

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("not JSON: {}", text(o)))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn official(url: &str, version: &str) -> Value {
    let one: Value = reqwest::blocking::get(format!(
        "{url}/v0.1/servers/io.github.octo%2Fweather/versions/{version}"
    ))
    .unwrap()
    .json()
    .unwrap();
    one["_meta"][protocol::formats::OFFICIAL_META_KEY].clone()
}

/// Runs a lifecycle command, retrying in the next second when it landed in the same second
/// as the previous statement (the registry then asks for a fresh one).
fn statement(client: &Path, args: &[&str]) -> Output {
    let o = mcp_sign(client, args);
    if o.status.success() || !text(&o).contains("stale_statement") {
        return o;
    }
    testkit::wait_for_next_second();
    mcp_sign(client, args)
}

#[test]
fn deprecate_check_undeprecate_and_log_verify() {
    let dir = tempfile::tempdir().unwrap();
    let client = dir.path().join("client");
    let public = dir.path().join("mcp-sign.pub");
    let secret = dir.path().join("mcp-sign.key");
    let o = mcp_sign(
        &client,
        &[
            "keygen",
            "--no-password",
            "-p",
            p(&public),
            "-s",
            p(&secret),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, _gh) = rt.block_on(async {
        let gh = github::FakeGithub::empty().await;
        gh.add_repo(
            "octo",
            "weather",
            Some(std::fs::read_to_string(&public).unwrap()),
        );
        let mut config = registry::Config::for_data_dir(&dir.path().join("data"));
        config.github_api_url = gh.url.clone();
        // The fake GitHub is on loopback, which only the test mode reaches.
        config.artifacts.allow_private_artifact_hosts = true;
        config.write_rate_limit = 0;
        let state = registry::open(&config, false).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(registry::serve(listener, state, std::future::pending()));
        (url, gh)
    });

    let o = mcp_sign(
        &client,
        &[
            "key",
            "register",
            "--registry",
            &url,
            "--public-key",
            p(&public),
            "--namespace",
            "io.github.octo",
            "--repository",
            "octo/weather",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let manifest = dir.path().join("server.json");
    let server = json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": NAME,
        "description": "Weather forecasts",
        "version": "1.0.0",
        "repository": {"url": "https://github.com/octo/weather", "source": "github"},
        "packages": [{"registryType": "npm", "identifier": "@octo/weather", "version": "1.0.0",
                      "transport": {"type": "stdio"}}]
    });
    std::fs::write(&manifest, serde_json::to_string_pretty(&server).unwrap()).unwrap();
    let o = mcp_sign(
        &client,
        &[
            "publish",
            p(&manifest),
            "-s",
            p(&secret),
            "--registry",
            &url,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));

    // A message the registry would refuse is refused before anything is signed.
    let long = "x".repeat(protocol::formats::STATUS_MESSAGE_MAX_CHARS + 1);
    let release = format!("{NAME}@1.0.0");
    let o = mcp_sign(
        &client,
        &[
            "deprecate",
            &release,
            "-s",
            p(&secret),
            "--registry",
            &url,
            "--message",
            &long,
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--message: the deprecation message is too long"),
        "{}",
        text(&o)
    );
    assert_eq!(official(&url, "1.0.0")["status"], "active");

    // Deprecate (human output).
    let o = statement(
        &client,
        &[
            "deprecate",
            &release,
            "--secret-key",
            p(&secret),
            "--registry",
            &url,
            "--message",
            MESSAGE,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains(&format!("Deprecated {release}: {MESSAGE}")),
        "{out}"
    );
    assert!(out.contains("trust: signed"), "{out}");
    assert!(out.contains("deprecated by the maintainer"), "{out}");
    let meta = official(&url, "1.0.0");
    assert_eq!(meta["status"], "deprecated", "{meta}");
    assert_eq!(meta["statusMessage"], MESSAGE);

    // `check` still allows it (the level is unchanged) and says what the maintainer says.
    let o = mcp_sign(&client, &["check", &release, "--registry", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("note: deprecated by the maintainer: {MESSAGE}")),
        "{}",
        text(&o)
    );
    let o = mcp_sign(&client, &["--json", "check", &release, "--registry", &url]);
    let j = json_of(&o);
    assert_eq!(j["allowed"], true, "{j}");
    assert!(
        j["verdict"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "deprecated"),
        "{j}"
    );

    // Un-deprecate (JSON output).
    let o = statement(
        &client,
        &[
            "--json",
            "undeprecate",
            &release,
            "-s",
            p(&secret),
            "--registry",
            &url,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let j = json_of(&o);
    assert_eq!(j["ok"], true);
    assert_eq!(j["release"]["name"], NAME);
    assert!(j["release"].get("deprecated").is_none(), "{j}");
    assert_eq!(official(&url, "1.0.0")["status"], "active");

    // The monitor re-verifies both statements with the key the log recorded.
    let o = mcp_sign(&client, &["--json", "log", "verify", "--registry", &url]);
    assert!(o.status.success(), "{}", text(&o));
    let j = json_of(&o);
    assert_eq!(j["ok"], true, "{j}");
    assert_eq!(j["size"], 4, "key, release, deprecate, undeprecate: {j}");
    assert_eq!(j["releases"], 1);
    assert_eq!(j["statements"], 2, "{j}");
}
