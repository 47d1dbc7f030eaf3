//! End to end with the real `mcp-sign` binary and the real registry server (started in-process
//! on port 0, SQLite in a temporary folder), a local fake GitHub serving the key file:
//! keygen → register → publish → visible in /v0.1 and /v1 → verify says signed → refusals →
//! yank / un-yank → recheck → rotation → revoke (verdict `revoked`) → the successor publishes.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use testkit::github;

fn mcp_sign(args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("mcp-sign").expect("binary");
    cmd.env_remove("MCP_SIGN_REGISTRY")
        .env_remove("MCP_SIGN_PASSWORD")
        .args(args);
    cmd.output().expect("run mcp-sign")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn get(url: &str) -> Value {
    reqwest::blocking::get(url)
        .expect("GET")
        .json()
        .expect("JSON")
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn keygen_register_publish_verify_yank_revoke() {
    let dir = tempfile::tempdir().expect("tmp");
    let public = dir.path().join("mcp-sign.pub");
    let secret = dir.path().join("mcp-sign.key");
    let o = mcp_sign(&[
        "keygen",
        "--no-password",
        "-p",
        p(&public),
        "-s",
        p(&secret),
    ]);
    assert!(o.status.success(), "{}", text(&o));

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (registry_url, gh) = rt.block_on(async {
        let gh = github::FakeGithub::empty().await;
        let key_file = std::fs::read_to_string(&public).expect("public key");
        gh.add_repo("octo", "weather", Some(key_file));
        let mut config = registry::Config::for_data_dir(&dir.path().join("data"));
        config.github_api_url = gh.url.clone();
        // The fake GitHub is on loopback, which only the test mode reaches.
        config.artifacts.allow_private_artifact_hosts = true;
        let state = registry::open(&config, true).await.expect("open");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(registry::serve(listener, state, std::future::pending()));
        (url, gh)
    });

    let manifest = dir.path().join("server.json");
    let json = serde_json::json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": "io.github.octo/weather",
        "description": "Weather forecasts",
        "version": "1.0.0",
        "repository": {"url": "https://github.com/octo/weather", "source": "github"},
        "packages": [{"registryType": "npm", "identifier": "@octo/weather", "version": "1.0.0",
                      "transport": {"type": "stdio"}}]
    });
    std::fs::write(
        &manifest,
        serde_json::to_string_pretty(&json).expect("json"),
    )
    .expect("write");

    let o = mcp_sign(&[
        "key",
        "register",
        "--registry",
        &registry_url,
        "--public-key",
        p(&public),
        "--namespace",
        "io.github.octo",
        "--repository",
        "octo/weather",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Registered key"), "{}", text(&o));

    let o = mcp_sign(&[
        "publish",
        p(&manifest),
        "--secret-key",
        p(&secret),
        "--registry",
        &registry_url,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("trust: signed"), "{}", text(&o));
    assert!(
        dir.path().join("server.json.minisig").exists(),
        "publish keeps the signature"
    );

    let list = get(&format!("{registry_url}/v0.1/servers?search=octo/weather"));
    assert_eq!(
        list["servers"][0]["server"]["name"], "io.github.octo/weather",
        "{list}"
    );
    let detail = get(&format!(
        "{registry_url}/v1/servers/io.github.octo%2Fweather"
    ));
    assert_eq!(detail["trust"]["level"], "signed", "{detail}");
    let verdict = get(&format!(
        "{registry_url}/v1/verify?server=io.github.octo/weather&version=1.0.0"
    ));
    assert_eq!(verdict["verdict"]["level"], "signed", "{verdict}");
    // The seed is there too.
    assert_eq!(get(&format!("{registry_url}/v1/stats"))["releases"], 359);

    // Publishing the same version again is refused with the registry's message.
    let o = mcp_sign(&[
        "--json",
        "publish",
        p(&manifest),
        "--registry",
        &registry_url,
    ]);
    assert!(!o.status.success());
    let answer: Value = serde_json::from_slice(&o.stdout).expect("json error");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("already_exists")),
        "{answer}"
    );

    // The release flow (issue 17, item 9): edit the manifest to the next version in the same
    // folder. Without --secret-key the old signature file is checked locally (with the
    // mcp-sign.pub beside the manifest) and refused before anything is uploaded.
    let next = std::fs::read_to_string(&manifest)
        .expect("read")
        .replace("1.0.0", "1.1.0");
    std::fs::write(&manifest, next).expect("write");
    let o = mcp_sign(&["publish", p(&manifest), "--registry", &registry_url]);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("does not verify over the current")
            && out.contains("it was made for io.github.octo/weather@1.0.0, and the manifest is now io.github.octo/weather@1.1.0")
            && out.contains("Nothing was uploaded")
            && out.contains("--secret-key"),
        "{out}"
    );
    let verdict = get(&format!(
        "{registry_url}/v1/verify?server=io.github.octo/weather&version=1.1.0"
    ));
    assert_eq!(verdict["verdict"]["level"], "unknown", "{verdict}");
    // With --secret-key the manifest is signed as it is now, replacing the stale signature.
    let o = mcp_sign(&[
        "publish",
        p(&manifest),
        "-s",
        p(&secret),
        "--registry",
        &registry_url,
    ]);
    assert!(
        o.status.success() && text(&o).contains("1.1.0") && text(&o).contains("trust: signed"),
        "{}",
        text(&o)
    );
    let sig = std::fs::read_to_string(dir.path().join("server.json.minisig")).expect("sig");
    assert!(
        sig.contains("\tserver:io.github.octo/weather@1.1.0"),
        "the signature file is the new one: {sig}"
    );

    let o = mcp_sign(&[
        "yank",
        "io.github.octo/weather@1.0.0",
        "--secret-key",
        p(&secret),
        "--registry",
        &registry_url,
        "--reason",
        "broken build",
    ]);
    assert!(
        o.status.success() && text(&o).contains("trust: yanked"),
        "{}",
        text(&o)
    );
    let o = mcp_sign(&[
        "unyank",
        "io.github.octo/weather@1.0.0",
        "-s",
        p(&secret),
        "--registry",
        &registry_url,
    ]);
    // The un-yank may land in the same second as the yank; the registry then asks for a
    // fresh statement, which a retry in the next second provides.
    if !o.status.success() {
        assert!(text(&o).contains("stale_statement"), "{}", text(&o));
        testkit::wait_for_next_second();
        let o = mcp_sign(&[
            "unyank",
            "io.github.octo/weather@1.0.0",
            "-s",
            p(&secret),
            "--registry",
            &registry_url,
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }

    let o = mcp_sign(&[
        "key",
        "recheck",
        "-p",
        p(&public),
        "--registry",
        &registry_url,
    ]);
    assert!(
        o.status.success() && text(&o).contains("still holds"),
        "{}",
        text(&o)
    );

    // Rotation: a new key, proven the same way and cross-signed by the old one.
    let public2 = dir.path().join("new.pub");
    let secret2 = dir.path().join("new.key");
    let o = mcp_sign(&[
        "keygen",
        "--no-password",
        "-p",
        p(&public2),
        "-s",
        p(&secret2),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    gh.add_repo(
        "octo",
        "weather",
        Some(std::fs::read_to_string(&public2).expect("key")),
    );
    let o = mcp_sign(&[
        "key",
        "register",
        "--registry",
        &registry_url,
        "--public-key",
        p(&public2),
        "--namespace",
        "io.github.octo",
        "--repository",
        "octo/weather",
        "--rotate-from",
        p(&secret),
    ]);
    assert!(
        o.status.success() && text(&o).contains("rotated from key"),
        "{}",
        text(&o)
    );

    let o = mcp_sign(&[
        "key",
        "revoke",
        "--secret-key",
        p(&secret),
        "--registry",
        &registry_url,
        "--reason",
        "rotated",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let verdict = get(&format!(
        "{registry_url}/v1/verify?server=io.github.octo/weather"
    ));
    assert_eq!(verdict["verdict"]["level"], "revoked", "{verdict}");

    // The successor publishes the next release.
    let next = std::fs::read_to_string(&manifest)
        .expect("read")
        .replace("1.1.0", "1.2.0");
    std::fs::write(&manifest, next).expect("write");
    std::fs::remove_file(dir.path().join("server.json.minisig")).expect("rm");
    let o = mcp_sign(&[
        "publish",
        p(&manifest),
        "-s",
        p(&secret2),
        "--registry",
        &registry_url,
    ]);
    assert!(
        o.status.success() && text(&o).contains("trust: signed"),
        "{}",
        text(&o)
    );
}

/// Without --secret-key, a signature file is used only if a local public key verifies it over
/// the current bytes; every refusal happens before the registry is contacted (here there is
/// none listening).
#[test]
fn publish_checks_an_existing_signature_locally() {
    let dir = tempfile::tempdir().expect("tmp");
    let (public, secret) = (dir.path().join("k.pub"), dir.path().join("k.key"));
    let o = mcp_sign(&[
        "keygen",
        "--no-password",
        "-p",
        p(&public),
        "-s",
        p(&secret),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let manifest = dir.path().join("server.json");
    let json = |version: &str, description: &str| {
        serde_json::to_string_pretty(&serde_json::json!({
            "$schema": protocol::formats::SERVER_SCHEMA_URL,
            "name": "io.github.octo/weather",
            "description": description,
            "version": version,
            "repository": {"url": "https://github.com/octo/weather", "source": "github"},
        }))
        .expect("json")
    };
    std::fs::write(&manifest, json("1.0.0", "Weather")).expect("write");
    let o = mcp_sign(&["sign", p(&manifest), "-s", p(&secret)]);
    assert!(o.status.success(), "{}", text(&o));
    let offline = "http://127.0.0.1:1";

    // The same version, edited after signing: refused, saying so.
    std::fs::write(&manifest, json("1.0.0", "Weather, edited")).expect("write");
    let o = mcp_sign(&[
        "publish",
        p(&manifest),
        "-p",
        p(&public),
        "--registry",
        offline,
    ]);
    let out = text(&o);
    assert!(
        !o.status.success()
            && out.contains("the manifest was changed after it was signed")
            && out.contains("Nothing was uploaded"),
        "{out}"
    );

    // No public key to check with (k.pub is not a name publish looks for): refused, naming
    // the key id and the ways out.
    let o = mcp_sign(&["publish", p(&manifest), "--registry", offline]);
    let out = text(&o);
    assert!(
        !o.status.success()
            && out.contains("cannot check")
            && out.contains("--public-key")
            && out.contains("--secret-key"),
        "{out}"
    );

    // The key in .well-known/ of the project is found; a signature that verifies goes on to
    // the upload (which fails here only because no registry listens).
    std::fs::write(&manifest, json("1.0.0", "Weather")).expect("write");
    std::fs::create_dir_all(dir.path().join(".well-known")).expect("mkdir");
    std::fs::copy(&public, dir.path().join(".well-known/mcp-sign.pub")).expect("copy");
    let o = mcp_sign(&["publish", p(&manifest), "--registry", offline]);
    let out = text(&o);
    assert!(
        !o.status.success() && out.contains("Using the signature") && !out.contains("cannot check"),
        "{out}"
    );
}

#[test]
fn registry_commands_fail_clearly_without_a_registry() {
    let o = mcp_sign(&[
        "yank",
        "io.github.octo/weather@1.0.0",
        "--registry",
        "http://127.0.0.1:1",
    ]);
    assert!(!o.status.success());
    let o = mcp_sign(&["yank", "no-version", "--registry", "http://127.0.0.1:1"]);
    assert!(text(&o).contains("NAME@VERSION"), "{}", text(&o));
    let o = mcp_sign(&[
        "publish",
        "missing.json",
        "--registry",
        "http://127.0.0.1:1",
    ]);
    assert!(
        !o.status.success() && text(&o).contains("missing.json"),
        "{}",
        text(&o)
    );
}
