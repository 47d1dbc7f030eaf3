//! Issue 15 end to end: a listed server whose npm package carries real Sigstore build provenance
//! (`sigstore@5.0.0`, served by testkit's fake npm registry from the `provenance` crate's real
//! fixtures) becomes `attested` in the in-process registry; `mcp-sign check --min-level
//! attested` accepts it, and `mcp-sign log verify` re-verifies the evidence in the log's
//! `provenance` leaves, before and after the release loses the level.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};
use testkit::packages::FakeRegistries;
use testkit::packages::provenance::fixture;

const NAME: &str = "io.github.sigstore/sigstore-js";

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

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn an_attested_release_passes_check_and_its_log_leaves_re_verify() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, npm, state) = rt.block_on(async {
        let npm = FakeRegistries::start().await;
        npm.add_sigstore_5_0_0(None);
        let mut config = registry::Config::for_data_dir(&dir.path().join("data"));
        config.artifacts = npm.args();
        let state = registry::open(&config, false).await.unwrap();
        let manifest = json!({
            "name": NAME,
            "description": "Sigstore for JavaScript",
            "version": "5.0.0",
            "repository": {"url": "https://github.com/sigstore/sigstore-js", "source": "github"},
            "packages": [{"registryType": "npm", "identifier": "sigstore", "version": "5.0.0",
                          "transport": {"type": "stdio"}}],
        });
        registry::service::import::import_bytes(
            &state.db,
            manifest.to_string().as_bytes(),
            protocol::api::ReleaseOrigin::Import,
        )
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(registry::serve(
            listener,
            state.clone(),
            std::future::pending(),
        ));
        (url, npm, state)
    });
    let run_due = |state: &registry::AppState| {
        rt.block_on(registry::artifacts::run_due(
            &state.db,
            &state.log,
            &state.artifacts,
            &|_, _, _| {},
        ))
        .unwrap()
    };
    let report = run_due(&state);
    assert_eq!(report.attested, 1, "{report:?}");
    let client = dir.path().join("client");

    for target in [&format!("{NAME}@5.0.0"), "npm:sigstore@5.0.0"] {
        let o = mcp_sign(
            &client,
            &[
                "--json",
                "check",
                target,
                "--registry",
                &url,
                "--min-level",
                "attested",
            ],
        );
        let j = json_of(&o);
        assert!(o.status.success(), "{target}: {j}");
        assert_eq!(j["verdict"]["level"], "attested", "{j}");
        let o = mcp_sign(
            &client,
            &[
                "--json",
                "check",
                target,
                "--registry",
                &url,
                "--min-level",
                "signed",
            ],
        );
        assert!(
            !o.status.success(),
            "signed is above attested: {}",
            json_of(&o)
        );
    }

    let o = mcp_sign(&client, &["--json", "log", "verify", "--registry", &url]);
    let j = json_of(&o);
    assert!(o.status.success(), "{j}");
    assert_eq!(j["ok"], true, "{j}");
    assert_eq!(
        (j["provenance"].as_u64(), j["provenanceVerified"].as_u64()),
        (Some(1), Some(1)),
        "{j}"
    );

    // Provenance that stops verifying (a changed payload) loses the level; the `lost` leaf
    // follows the `attested` one, and the log still verifies.
    let mut tampered: Value =
        serde_json::from_slice(&fixture("sigstore-5.0.0.attestations.json")).unwrap();
    for a in tampered["attestations"].as_array_mut().unwrap() {
        let sig = a["bundle"]["dsseEnvelope"]["signatures"][0]["sig"]
            .as_str()
            .unwrap()
            .to_owned();
        let flipped = if sig.starts_with('M') { "N" } else { "M" };
        a["bundle"]["dsseEnvelope"]["signatures"][0]["sig"] =
            format!("{flipped}{}", &sig[1..]).into();
    }
    npm.add_npm_attestations("sigstore", "5.0.0", tampered.to_string().into_bytes());
    let later =
        state
            .db
            .clone()
            .with_clock(std::sync::Arc::new(registry::clock::ManualClock::at_ms(
                state.db.now_ms() + 2 * 86_400_000,
            )));
    let report = rt
        .block_on(registry::artifacts::run_due(
            &later,
            &state.log,
            &state.artifacts,
            &|_, _, _| {},
        ))
        .unwrap();
    assert_eq!(report.attestations_lost, 1, "{report:?}");
    let o = mcp_sign(
        &client,
        &[
            "--json",
            "check",
            "npm:sigstore@5.0.0",
            "--registry",
            &url,
            "--min-level",
            "attested",
        ],
    );
    assert!(!o.status.success(), "{}", json_of(&o));
    let o = mcp_sign(&client, &["--json", "log", "verify", "--registry", &url]);
    let j = json_of(&o);
    assert!(o.status.success(), "{j}");
    assert_eq!(
        (j["provenance"].as_u64(), j["provenanceVerified"].as_u64()),
        (Some(2), Some(1)),
        "{j}"
    );
}
