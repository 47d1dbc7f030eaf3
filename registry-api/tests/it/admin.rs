//! Issue 8: operator statements through the `mcp-registry admin` binary, against a database
//! the test then reads with the library: flag and un-flag a release and a server, vet and
//! un-vet a namespace, refuse statements without a configured operator key or signed by
//! another key; every statement is a log leaf whose signature verifies.

use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;
use protocol::api::{OperatorAction, ServerStatus, Statement};
use protocol::log::LogRecord;
use protocol::trust::TrustLevel;
use registry::service::views;

fn registry(data: &Path) -> Command {
    let mut cmd = Command::cargo_bin("mcp-registry").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("MCP_REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--data-dir").arg(data);
    cmd
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes an operator key pair: the secret key encrypted with a cheap scrypt cost (the
/// password comes from the environment), and the public key file.
fn operator_key(
    dir: &Path,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf, protocol::PublicKey) {
    let key = protocol::SecretKey::generate(&mut rand_core::OsRng);
    let secret = dir.join(format!("{name}.key"));
    let public = dir.join(format!("{name}.pub"));
    // A cheap scrypt cost: the default takes 1 GiB and seconds.
    let kdf = protocol::minisign::KdfParams {
        opslimit: 1 << 15,
        memlimit: 1 << 24,
    };
    std::fs::write(
        &secret,
        key.to_file_string_with_kdf(Some("operator password"), kdf, &mut rand_core::OsRng)
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    std::fs::write(&public, key.public_key().to_file_string()).unwrap();
    (secret, public, key.public_key())
}

async fn level(data: &Path, name: &str, version: &str) -> (TrustLevel, Vec<String>, bool) {
    let config = registry::Config::for_data_dir(data);
    let db = registry::db::Db::connect(&config.database_url().unwrap())
        .await
        .unwrap();
    let row = registry::db::releases::find(&db, name, version)
        .await
        .unwrap()
        .unwrap();
    db.close().await;
    let v = views::verdict(&row);
    (
        v.level,
        v.reasons.iter().map(|r| r.message.clone()).collect(),
        row.publisher_vetted,
    )
}

/// The release's official lifecycle status (a flag is a takedown: `deleted`).
async fn official(data: &Path, name: &str, version: &str) -> views::OfficialStatus {
    let config = registry::Config::for_data_dir(data);
    let db = registry::db::Db::connect(&config.database_url().unwrap())
        .await
        .unwrap();
    let row = registry::db::releases::find(&db, name, version)
        .await
        .unwrap()
        .unwrap();
    db.close().await;
    views::official_status(&row)
}

async fn leaves(data: &Path) -> Vec<LogRecord> {
    let config = registry::Config::for_data_dir(data);
    let db = registry::db::Db::connect(&config.database_url().unwrap())
        .await
        .unwrap();
    let size = registry::db::log::size(&db).await.unwrap();
    let rows = registry::db::log::entries(&db, 0, size).await.unwrap();
    db.close().await;
    rows.iter()
        .map(|r| LogRecord::parse(&r.record).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_flag_unflag_and_vet_through_the_cli_and_every_statement_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("servers.json");
    std::fs::write(
        &file,
        r#"[{"name":"io.github.acme/tool","version":"1.0.0","description":"one"},
            {"name":"io.github.acme/tool","version":"1.1.0","description":"two"}]"#,
    )
    .unwrap();
    ok(&registry(&data).arg("import").arg(&file).output().unwrap());
    let (secret, public, public_key) = operator_key(dir.path(), "operator");
    let admin = |args: &[&str]| {
        let mut cmd = registry(&data);
        cmd.arg("admin")
            .args(args)
            .arg("--operator-key-file")
            .arg(&secret)
            .arg("--operator-public-key")
            .arg(&public)
            .env("MCP_REGISTRY_OPERATOR_PASSWORD", "operator password");
        cmd.output().unwrap()
    };

    // Flag one release: it is malicious with the reason, the other release is not.
    let out = admin(&[
        "flag",
        "io.github.acme/tool@1.0.0",
        "--reason",
        "exfiltrates tokens",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(json["action"], "flag");
    assert_eq!(json["keyId"], public_key.key_id().to_string());
    let (l, reasons, _) = level(&data, "io.github.acme/tool", "1.0.0").await;
    assert_eq!(l, TrustLevel::Malicious);
    assert!(
        reasons.iter().any(|r| r.contains("exfiltrates tokens")),
        "{reasons:?}"
    );
    assert_eq!(
        level(&data, "io.github.acme/tool", "1.1.0").await.0,
        TrustLevel::Listed
    );
    let status = official(&data, "io.github.acme/tool", "1.0.0").await;
    assert_eq!(status.status, ServerStatus::Deleted);
    assert!(status.message.unwrap().contains("exfiltrates tokens"));
    assert!(status.changed_at.is_some());
    let other = official(&data, "io.github.acme/tool", "1.1.0").await;
    assert_eq!(
        (other.status, other.changed_at),
        (ServerStatus::Active, None)
    );

    // Flag the whole server; un-flag the release: the server flag still holds.
    ok(&admin(&[
        "flag",
        "io.github.acme/tool",
        "--reason",
        "typosquat of acme/tools",
    ]));
    ok(&admin(&["unflag", "io.github.acme/tool@1.0.0"]));
    let (l, reasons, _) = level(&data, "io.github.acme/tool", "1.0.0").await;
    assert_eq!(l, TrustLevel::Malicious);
    assert!(
        reasons.iter().any(|r| r.contains("typosquat")),
        "{reasons:?}"
    );
    let other = official(&data, "io.github.acme/tool", "1.1.0").await;
    assert_eq!(other.status, ServerStatus::Deleted);
    assert!(
        other.changed_at.is_some(),
        "a server flag changes every release"
    );
    let text = ok(&admin(&["unflag", "io.github.acme/tool"]));
    assert!(
        text.starts_with("unflag: server io.github.acme/tool"),
        "{text}"
    );
    assert_eq!(
        level(&data, "io.github.acme/tool", "1.0.0").await.0,
        TrustLevel::Listed
    );

    // Vet the namespace (any case), then withdraw it.
    ok(&admin(&[
        "official",
        "io.github.Acme",
        "--reason",
        "met the maintainers",
    ]));
    assert!(level(&data, "io.github.acme/tool", "1.1.0").await.2);
    ok(&admin(&["unofficial", "io.github.acme"]));
    assert!(!level(&data, "io.github.acme/tool", "1.1.0").await.2);

    // Refused: a flag without a reason, an unknown release, a key that is not an operator
    // key, and no operator key configured at all. Nothing changes.
    let out = admin(&["flag", "io.github.acme/tool@9.9.9", "--reason", "x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no release io.github.acme/tool@9.9.9"));
    let out = admin(&["flag", "io.github.acme/tool"]);
    assert!(!out.status.success(), "clap requires --reason");
    let (other_secret, _, _) = operator_key(dir.path(), "other");
    let out = registry(&data)
        .args([
            "admin",
            "flag",
            "io.github.acme/tool",
            "--reason",
            "x",
            "--operator-key-file",
        ])
        .arg(&other_secret)
        .arg("--operator-public-key")
        .arg(&public)
        .env("MCP_REGISTRY_OPERATOR_PASSWORD", "operator password")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a configured operator key"), "{err}");
    let out = registry(&data)
        .args(["admin", "official", "io.github.acme", "--operator-key-file"])
        .arg(&secret)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--operator-public-key"));
    assert_eq!(
        level(&data, "io.github.acme/tool", "1.0.0").await.0,
        TrustLevel::Listed
    );

    // The log holds the six applied statements, each verifiable with the operator key.
    let ops: Vec<LogRecord> = leaves(&data)
        .await
        .into_iter()
        .filter(|r| matches!(r, LogRecord::Operator { .. }))
        .collect();
    let kinds: Vec<&str> = ops.iter().map(LogRecord::kind).collect();
    assert_eq!(
        kinds,
        ["flag", "flag", "unflag", "unflag", "official", "unofficial"]
    );
    for r in &ops {
        let LogRecord::Operator {
            action,
            subject,
            reason,
            issued_at,
            signature,
            ..
        } = r
        else {
            unreachable!()
        };
        let text = Statement::Operator {
            action: *action,
            subject,
            reason: reason.as_deref(),
            issued_at: *issued_at,
        }
        .to_text()
        .unwrap();
        let sig: protocol::Signature = signature.parse().unwrap();
        public_key.verify(text.as_bytes(), &sig, false).unwrap();
    }
    assert!(
        matches!(&ops[4], LogRecord::Operator { action: OperatorAction::Official, subject, .. } if subject == "io.github.Acme")
    );
}

#[test]
fn verify_artifacts_runs_the_due_checks_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A fresh database has no signed release: nothing is due.
    let out = registry(&data)
        .args(["verify-artifacts", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["checked"], 0, "{v}");
    // Bad settings are refused with the flag to fix.
    let out = registry(&data)
        .args(["verify-artifacts", "--oci-registry-map", "docker.io"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--oci-registry-map takes HOST=URL"));
}

#[test]
fn help_documents_the_admin_and_artifact_settings() {
    let dir = tempfile::tempdir().unwrap();
    let out = registry(dir.path()).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "admin",
        "verify-artifacts",
        "--npm-registry-url",
        "MCP_REGISTRY_NPM_REGISTRY_URL",
        "--pypi-url",
        "--oci-registry-url",
        "--oci-registry-map",
        "--artifact-allow-host",
        "--artifact-max-bytes",
        "--artifact-timeout",
        "--artifact-recheck-interval",
        "--allow-private-artifact-hosts",
        "--operator-public-key",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}:\n{text}");
    }
    let out = registry(dir.path())
        .args(["admin", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "official",
        "unofficial",
        "flag",
        "unflag",
        "MCP_REGISTRY_OPERATOR_KEY_FILE",
    ] {
        assert!(
            text.contains(needle),
            "admin --help lacks {needle}:\n{text}"
        );
    }
}
