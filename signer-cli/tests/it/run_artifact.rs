//! `mcp-sign run --registry`: the release is checked before start, and the server runs from the
//! artifact that matched the signed digest. A tarball on the (local, npm-like) registry that
//! differs from the signed digest is refused before anything starts; a signed release whose
//! live tools differ from its signed manifest has those tools refused, even on first use.
//! The registry runs in-process; the npm package is a real tarball run by the real `npx`.

use std::path::Path;

use protocol::SecretKey;
use protocol::manifest::digest::Sha512Integrity;
use protocol::manifest::tool_fingerprint;
use serde_json::{Value, json};
use testkit::github;
use testkit::packages::FakeRegistries;

use crate::gateway::Gateway;

const NAME: &str = "io.github.octo/weather";
const SERVER_JS: &str = include_str!("data/weather-server.js");

/// An npm tarball of `@octo/weather@VERSION` holding the test server.
fn tarball(version: &str) -> Vec<u8> {
    let package = json!({"name": "@octo/weather", "version": version,
                         "bin": {"weather-mcp": "server.js"}})
    .to_string();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    for (path, body, mode) in [
        ("package/package.json", package.as_bytes(), 0o644),
        ("package/server.js", SERVER_JS.as_bytes(), 0o755),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(mode);
        header.set_cksum();
        builder.append_data(&mut header, path, body).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

/// The tool the maintainer signed (the test server also lists an unsigned `extra`).
fn signed_forecast() -> Value {
    let mut tool = json!({"name": "forecast", "description": "Weather forecast for a city.",
        "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}},
        "annotations": {"readOnlyHint": true}});
    tool["fingerprint"] = json!(tool_fingerprint(&tool));
    tool
}

struct World {
    _rt: tokio::runtime::Runtime,
    registry: String,
    npm: String,
    _keep: (github::FakeGithub, FakeRegistries),
}

/// The registry with `@octo/weather` 1.0.0 (served as signed) and 1.0.1 (npm serves other
/// bytes than the maintainer signed).
fn world(dir: &Path) -> World {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let key = SecretKey::generate(&mut rand_core::OsRng);
    let good = tarball("1.0.0");
    let signed_101 = tarball("1.0.1");
    let (registry, gh, npm) = rt.block_on(async {
        let npm = FakeRegistries::start().await;
        npm.add_npm("@octo/weather", "1.0.0", Some(NAME), good.clone());
        // What npm serves for 1.0.1 is not what was signed.
        npm.add_npm(
            "@octo/weather",
            "1.0.1",
            Some(NAME),
            tarball("1.0.1-tampered"),
        );
        let gh = github::FakeGithub::empty().await;
        gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
        let mut config = registry::Config::for_data_dir(&dir.join("data"));
        config.github_api_url = gh.url.clone();
        config.write_rate_limit = 0;
        config.artifacts.allow_private_artifact_hosts = true;
        let state = registry::open(&config, false).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(registry::serve(listener, state, std::future::pending()));
        (url, gh, npm)
    });
    let http = reqwest::blocking::Client::new();
    let r = http
        .post(format!("{registry}/v1/keys"))
        .json(&json!({"publicKey": key.public_key().to_file_string(),
                      "namespace": "io.github.octo", "repository": "octo/weather"}))
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().unwrap());
    for (version, bytes) in [("1.0.0", &good), ("1.0.1", &signed_101)] {
        let manifest = serde_json::to_string_pretty(&json!({
            "$schema": protocol::formats::SERVER_SCHEMA_URL,
            "name": NAME,
            "description": "Weather forecasts",
            "version": version,
            "repository": {"url": "https://github.com/octo/weather", "source": "github"},
            "packages": [{"registryType": "npm", "identifier": "@octo/weather",
                          "version": version, "transport": {"type": "stdio"}}],
            "_meta": {"dev.mcp-trust/release": {"formatVersion": 1,
                "artifacts": [{"registryType": "npm", "identifier": "@octo/weather",
                               "version": version,
                               "integrity": Sha512Integrity::of(bytes).to_string()}],
                "tools": [signed_forecast()]}}
        }))
        .unwrap();
        let sig = key
            .sign(manifest.as_bytes(), "timestamp:0\tfile:test")
            .unwrap()
            .to_file_string();
        let r = http
            .post(format!("{registry}/v1/publish"))
            .json(&json!({"manifest": manifest, "signature": sig}))
            .send()
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().unwrap());
    }
    World {
        registry,
        npm: format!("{}/npm", npm.url),
        _keep: (gh, npm),
        _rt: rt,
    }
}

#[test]
fn a_tampered_tarball_is_refused_and_the_signed_one_runs_from_the_verified_copy() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path());
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let args = |version: &str| {
        vec![
            "--registry".to_owned(),
            w.registry.clone(),
            "--npm-registry-url".to_owned(),
            w.npm.clone(),
            "--".to_owned(),
            "npx".to_owned(),
            "-y".to_owned(),
            format!("@octo/weather@{version}"),
        ]
    };
    let offline = [("npm_config_offline", "true")];

    // 1.0.1: npm serves other bytes than were signed; nothing starts.
    let a = args("1.0.1");
    let gw = Gateway::start(
        &home,
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &offline,
    );
    let (code, stderr) = gw.finish();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("is not the one its maintainer signed"),
        "{stderr}"
    );
    assert!(!stderr.contains("CALLED"), "{stderr}");

    // 1.0.0: runs from the verified copy in the cache; the unsigned tool is refused on first
    // use, the signed one works.
    let a = args("1.0.0");
    let mut gw = Gateway::start(
        &home,
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &offline,
    );
    gw.initialize();
    assert_eq!(gw.tool_names(1), ["forecast"]);
    let ok = gw.request(
        2,
        "tools/call",
        json!({"name": "forecast", "arguments": {"city": "Oslo"}}),
    );
    assert_eq!(ok["result"]["content"][0]["text"], "sunny in Oslo", "{ok}");
    let refused = gw.request(3, "tools/call", json!({"name": "extra", "arguments": {}}));
    assert_eq!(
        refused["error"]["data"]["reason"], "not-in-signed-manifest",
        "{refused}"
    );
    let (code, stderr) = gw.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("running the verified copy"), "{stderr}");
    assert!(stderr.contains("CALLED forecast"), "{stderr}");
    assert!(
        !stderr.contains("CALLED extra"),
        "the refused call reached the server: {stderr}"
    );
    let cached: Vec<_> = std::fs::read_dir(home.join("cache/mcp-sign/npm"))
        .unwrap()
        .collect();
    assert_eq!(cached.len(), 1);
}
