//! `mcp-sign manifest init` and `manifest check`, end to end: the binary runs in a temporary
//! copy of the fixture folders, and what it prints (for people and with `--json`) and writes is
//! compared with snapshots.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use protocol::Manifest;
use protocol::manifest::tool_fingerprint;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/manifest");
const COMMIT: &str = "4f1c0e7d9a2b3c4d5e6f708192a3b4c5d6e7f809";

/// A scratch folder holding a copy of the fixtures and two fake artifacts.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(Path::new(FIXTURES), dir.path());
        // Artifacts are opaque to the hasher: fixed bytes give fixed digests.
        std::fs::write(
            dir.path().join("octocat-weather-mcp-1.2.3.tgz"),
            b"npm tarball bytes\n",
        )
        .expect("write");
        std::fs::write(dir.path().join("weather.mcpb"), b"bundle bytes\n").expect("write");
        std::fs::write(
            dir.path().join("mcp_server_weather-0.4.0-py3-none-any.whl"),
            b"wheel\n",
        )
        .expect("write");
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("mcp-sign")
            .expect("binary")
            .current_dir(self.dir.path())
            .env_remove("MCP_SIGN_PASSWORD")
            .args(args)
            .output()
            .expect("run mcp-sign")
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixtures") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Exit code, stdout and stderr in one text to snapshot.
fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json_stdout(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document")
}

#[test]
fn check_lists_every_problem_of_a_broken_manifest() {
    let s = Scratch::new();
    let out = s.run(&["manifest", "check", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("check_broken_human", transcript(&out));
}

#[test]
fn check_json_prints_one_document_with_the_problems() {
    let s = Scratch::new();
    let out = s.run(&["--json", "manifest", "check", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_stdout(&out);
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["problems"].as_array().expect("problems").len(), 12);
    insta::assert_json_snapshot!("check_broken_json", doc);
}

#[test]
fn check_reports_invalid_json_with_its_position() {
    let s = Scratch::new();
    std::fs::write(s.path("bad.json"), "{\n  \"name\": \"io.github.a/b\",\n}\n").expect("write");
    let out = s.run(&["manifest", "check", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("check_invalid_json", transcript(&out));
}

#[test]
fn check_of_a_missing_file_is_a_usage_error() {
    let s = Scratch::new();
    let out = s.run(&["manifest", "check", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: cannot read nope.json"));
}

#[test]
fn init_npm_project_with_artifact_tools_and_commit() {
    let s = Scratch::new();
    let out = s.run(&[
        "manifest",
        "init",
        "--dir",
        "npm-project",
        "--artifact",
        "octocat-weather-mcp-1.2.3.tgz",
        "--tools",
        "tools.json",
        "--source-commit",
        &COMMIT.to_uppercase(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!("init_npm_human", transcript(&out));
    let written = s.read("server.json");
    insta::assert_snapshot!("init_npm_server_json", written);

    // What init writes is a valid manifest, and `check` says so (with the one warning).
    let manifest = Manifest::parse(written.into_bytes()).expect("valid");
    let release = manifest.release().expect("release extension");
    assert_eq!(release.source_commit.as_deref(), Some(COMMIT));
    assert_eq!(release.tools.len(), 2);
    let raw = &manifest.value()["_meta"]["dev.mcp-trust/release"]["tools"];
    for (i, tool) in release.tools.iter().enumerate() {
        assert_eq!(tool.fingerprint.to_string(), tool_fingerprint(&raw[i]));
    }
    let check = s.run(&["manifest", "check"]);
    assert_eq!(check.status.code(), Some(0));
    insta::assert_snapshot!("check_valid_human", transcript(&check));
}

#[test]
fn init_json_output() {
    let s = Scratch::new();
    let out = s.run(&[
        "--json",
        "manifest",
        "init",
        "--dir",
        "npm-project",
        "--artifact",
        "octocat-weather-mcp-1.2.3.tgz",
        "-o",
        "out.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(out.stderr.is_empty());
    insta::assert_json_snapshot!("init_npm_json", json_stdout(&out));
}

#[test]
fn init_python_project() {
    let s = Scratch::new();
    let out = s.run(&[
        "manifest",
        "init",
        "--dir",
        "python-project",
        "--artifact",
        "mcp_server_weather-0.4.0-py3-none-any.whl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!("init_python_human", transcript(&out));
    insta::assert_snapshot!("init_python_server_json", s.read("server.json"));
}

#[test]
fn init_from_existing_server_json() {
    let s = Scratch::new();
    let out = s.run(&[
        "manifest",
        "init",
        "--dir",
        "existing",
        "-o",
        "release.json",
        "--artifact",
        "weather.mcpb",
        "--artifact",
        "octocat-weather-mcp-1.2.3.tgz",
        "--tools",
        "tools.json",
        "--source-commit",
        COMMIT,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!("init_existing_human", transcript(&out));
    let written = s.read("release.json");
    insta::assert_snapshot!("init_existing_server_json", written);
    let manifest = Manifest::parse(written.into_bytes()).expect("valid");
    // The bundle's digest went into fileSha256, the secret into secrets, other _meta stayed.
    let bundle = &manifest.server().packages[1];
    assert_eq!(
        bundle.file_sha256.map(|d| d.to_string()),
        manifest
            .release()
            .and_then(|r| r.artifacts[0].sha256)
            .map(|d| d.to_string())
    );
    assert_eq!(
        manifest.release().expect("release").secrets[0].name,
        "WEATHER_API_KEY"
    );
    assert!(manifest.warnings().is_empty(), "{:?}", manifest.warnings());
    assert_eq!(
        manifest.value()["_meta"]["io.modelcontextprotocol.registry/publisher-provided"]["tool"],
        "hand-written"
    );
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let s = Scratch::new();
    std::fs::write(s.path("server.json"), "keep me").expect("write");
    let out = s.run(&["manifest", "init", "--dir", "npm-project"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: server.json already exists; pass --force to overwrite it\n"
    );
    assert_eq!(s.read("server.json"), "keep me");
    let out = s.run(&["manifest", "init", "--dir", "npm-project", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(s.read("server.json").starts_with('{'));
}

#[test]
fn init_writes_nothing_when_the_result_is_invalid() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("bad-project")).expect("mkdir");
    std::fs::write(
        s.path("bad-project/package.json"),
        r#"{"name": "bad-mcp", "version": "latest", "description": "x", "mcpName": "not a name"}"#,
    )
    .expect("write");
    let out = s.run(&["manifest", "init", "--dir", "bad-project"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("init_invalid_human", transcript(&out));
    assert!(!s.path("server.json").exists());

    let out = s.run(&["--json", "manifest", "init", "--dir", "bad-project"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json_stdout(&out);
    assert_eq!(doc["ok"], false);
    let codes: Vec<&str> = doc["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"invalid-server-name") && codes.contains(&"version-latest"),
        "{codes:?}"
    );
}

#[test]
fn init_explains_what_is_missing() {
    let s = Scratch::new();
    std::fs::create_dir(s.path("plain")).expect("mkdir");
    std::fs::write(
        s.path("plain/package.json"),
        r#"{"name": "x", "version": "1.0.0"}"#,
    )
    .expect("write");
    let out = s.run(&["manifest", "init", "--dir", "plain"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has no \"mcpName\""), "{stderr}");

    let out = s.run(&[
        "manifest",
        "init",
        "--dir",
        "npm-project",
        "--source-commit",
        "abc123",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a full commit id"));

    let out = s.run(&[
        "manifest",
        "init",
        "--dir",
        "npm-project",
        "--artifact",
        "weather.mcpb",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: weather.mcpb looks like a mcpb artifact, but the manifest lists no mcpb package\n"
    );
}

#[test]
fn tools_accept_every_shape_of_a_tools_list() {
    let s = Scratch::new();
    let list: serde_json::Value =
        serde_json::from_str(&s.read("tools.json")).expect("fixture is JSON");
    let array = list["tools"].clone();
    let response = serde_json::json!({"jsonrpc": "2.0", "id": 1, "result": list});
    std::fs::write(s.path("array.json"), array.to_string()).expect("write");
    std::fs::write(s.path("response.json"), response.to_string()).expect("write");
    let mut fingerprints = Vec::new();
    for (i, file) in ["tools.json", "array.json", "response.json"]
        .iter()
        .enumerate()
    {
        let output = format!("out{i}.json");
        let out = s.run(&[
            "manifest",
            "init",
            "--dir",
            "npm-project",
            "--tools",
            file,
            "-o",
            &output,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        let manifest = Manifest::parse(s.read(&output).into_bytes()).expect("valid");
        let release = manifest.release().expect("release");
        fingerprints.push(
            release
                .tools
                .iter()
                .map(|t| t.fingerprint.to_string())
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(fingerprints[0], fingerprints[1]);
    assert_eq!(fingerprints[0], fingerprints[2]);
}

#[test]
fn check_refuses_oversized_files_without_reading_them_whole() {
    let s = Scratch::new();
    let big = vec![b' '; protocol::formats::MANIFEST_MAX_LEN + 1024];
    std::fs::write(s.path("big.json"), big).expect("write");
    let out = s.run(&["--json", "manifest", "check", "big.json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc = json_stdout(&out);
    assert_eq!(doc["problems"][0]["code"], "too-large");
}
