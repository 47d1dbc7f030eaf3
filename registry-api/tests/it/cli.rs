//! The `mcp-registry` binary: help, migrate, import, and serve on a fresh data folder.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;

fn registry() -> Command {
    let mut cmd = Command::cargo_bin("mcp-registry").expect("binary");
    // The tests must not pick up a developer's configuration.
    for (k, _) in std::env::vars() {
        if k.starts_with("MCP_REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

#[test]
fn help_documents_flags_and_environment() {
    let out = registry().arg("--help").output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "--data-dir",
        "MCP_REGISTRY_DATA_DIR",
        "--database-url",
        "MCP_REGISTRY_DATABASE_URL",
        "--github-api-url",
        "serve",
        "migrate",
        "import",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}:\n{text}");
    }
    let out = registry().args(["serve", "--help"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MCP_REGISTRY_LISTEN") && text.contains("127.0.0.1:8080"),
        "{text}"
    );
}

#[test]
fn migrate_then_import_is_idempotent_and_refuses_bad_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("migrate")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("registry.db").exists());

    let file = dir.path().join("servers.json");
    std::fs::write(
        &file,
        r#"[{"name":"io.github.a/one","version":"1.0.0","description":"one"},
            {"name":"com.example/two","version":"2.0.0"}]"#,
    )
    .expect("write");
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&file)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("2 added"),
        "{stdout}"
    );
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&file)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 added, 2 already there"), "{stdout}");

    // Same name and version, other bytes: kept as it was, and said so.
    let changed = dir.path().join("changed.json");
    std::fs::write(
        &changed,
        r#"{"name":"io.github.a/one","version":"1.0.0","description":"new"}"#,
    )
    .expect("write");
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&changed)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("kept io.github.a/one@1.0.0"),
        "{stdout}"
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"[{"name":"io.github.a/three","version":"1.0.0"},{"name":"nope"}]"#,
    )
    .expect("write");
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&bad)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("entry 1"),
        "{stderr}"
    );
    let out = registry()
        .arg("--data-dir")
        .arg(&data)
        .arg("import")
        .arg(&file)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 added, 2 already there"));
}

#[test]
fn serve_on_a_fresh_data_dir_loads_the_seed_and_answers() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = registry()
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        // The seed's packages are real: their provenance would be asked of the real npm.
        .env("MCP_REGISTRY_NO_PROVENANCE_CHECKS", "true")
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("serving on http://") {
                let url: String = line[i + "serving on ".len()..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let _ = tx.send(url);
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(60));
    let result = url
        .map_err(|e| format!("no URL logged: {e}"))
        .and_then(|url| {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                match reqwest::blocking::get(format!("{url}/v0.1/servers?limit=100")) {
                    Ok(resp) => {
                        let body: serde_json::Value = resp.json().map_err(|e| e.to_string())?;
                        return Ok(body);
                    }
                    Err(e) if Instant::now() > deadline => return Err(e.to_string()),
                    Err(_) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
        });
    // Stop the server we started (by its own handle), whatever happened.
    let _ = child.kill();
    let _ = child.wait();
    let body = result.expect("server answered");
    assert_eq!(body["metadata"]["count"], 100);
    assert!(body["metadata"]["nextCursor"].is_string());
}
