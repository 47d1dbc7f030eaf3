//! `mcp-sign audit`, end to end, over sample configurations of every supported client in all
//! their shapes (`mcpServers`, `servers`, `mcp.servers`, per-project servers; stdio and http
//! entries; JSONC), including malformed files, which are reported and skipped. HOME points at
//! a temporary folder; secrets are built at run time and must never appear in the output.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::json;

/// Token-shaped fake secrets, assembled so that no secret-looking literal is in the source.
fn ghp() -> String {
    format!("ghp_{}", "Xy12".repeat(9))
}
fn slack() -> String {
    format!("xoxb-{}-{}", "1234567890", "AbCdEfGhIjKl")
}
fn openai() -> String {
    format!("sk-{}", "proj0123456789abcdefXYZ")
}

struct Machine {
    home: tempfile::TempDir,
    project: tempfile::TempDir,
}

impl Machine {
    fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            project: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, base: &Path, rel: &str, text: &str) {
        let path = base.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn home(&self, rel: &str, text: &str) {
        self.write(self.home.path(), rel, text);
    }

    fn project(&self, rel: &str, text: &str) {
        self.write(self.project.path(), rel, text);
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("mcp-sign")
            .unwrap()
            .current_dir(self.project.path())
            .env("HOME", self.home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("APPDATA")
            .env_remove("USERPROFILE")
            .env_remove("MCP_SIGN_REGISTRY")
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    }
}

fn transcript(out: &Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_no_secrets(out: &Output) {
    let text = transcript(out);
    for secret in [ghp(), slack(), openai(), "hunter2-hunter2".to_owned()] {
        assert!(!text.contains(&secret), "a secret was printed:\n{text}");
        assert!(
            !text.contains(&secret[5..]),
            "part of a secret was printed:\n{text}"
        );
    }
}

/// One configuration per client, in the shapes each uses.
fn every_client() -> Machine {
    let m = Machine::new();
    // Claude Desktop (Linux location): unpinned npx with a GitHub token in env.
    m.home(
        ".config/Claude/claude_desktop_config.json",
        &json!({"mcpServers": {
            "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
                       "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": ghp()}},
            "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/home/me/notes"]}
        }})
        .to_string(),
    );
    // Claude Code: user servers and per-project servers in ~/.claude.json, and a project .mcp.json.
    m.home(
        ".claude.json",
        &json!({"numStartups": 3, "mcpServers": {
            "sentry": {"type": "http", "url": "https://mcp.sentry.dev/mcp"}},
            "projects": {"/home/me/repo": {"mcpServers": {
                "db": {"command": "uvx", "args": ["mcp-server-postgres", "--dsn", "postgres://app:hunter2-hunter2@db.internal/app"]}}}}
        })
        .to_string(),
    );
    m.project(
        ".mcp.json",
        &json!({"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}}}).to_string(),
    );
    // Cursor: docker with a mounted home folder; a remote server with a bearer token header.
    m.home(
        ".cursor/mcp.json",
        &json!({"mcpServers": {
            "github-docker": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
                "-v", "/home/me/.ssh:/root/.ssh", "ghcr.io/github/github-mcp-server"],
                "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${env:GITHUB_TOKEN}"}},
            "linear": {"url": "http://mcp.linear.example/sse", "headers": {"Authorization": format!("Bearer {}", openai())}}
        }})
        .to_string(),
    );
    // A malformed project Cursor file: reported and skipped.
    m.project(
        ".cursor/mcp.json",
        "{\n  \"mcpServers\": {\n    \"broken\": \n}\n",
    );
    // VS Code: mcp.json with comments, trailing commas, inputs and the `servers` shape.
    m.home(
        ".config/Code/User/mcp.json",
        "{\n  // user servers\n  \"inputs\": [{\"id\": \"pat\", \"type\": \"promptString\", \"password\": true}],\n  \"servers\": {\n    \"gh\": {\"type\": \"http\", \"url\": \"https://api.githubcopilot.com/mcp/\", \"headers\": {\"Authorization\": \"Bearer ${input:pat}\"}},\n    \"time\": {\"type\": \"stdio\", \"command\": \"uvx\", \"args\": [\"mcp-server-time\", \"--local-timezone=Europe/Paris\"],},\n  },\n}\n",
    );
    // VS Code settings.json: the older `mcp.servers` shape, and a bad entry.
    m.home(
        ".config/Code/User/settings.json",
        &json!({"editor.fontSize": 13, "mcp": {"servers": {
            "slack": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-slack@latest"],
                      "env": {"SLACK_BOT_TOKEN": slack(), "SLACK_TEAM_ID": "T01234567"}},
            "bad": {"args": ["x"]}
        }}})
        .to_string(),
    );
    // Windsurf: serverUrl.
    m.home(
        ".codeium/windsurf/mcp_config.json",
        &json!({"mcpServers": {"context7": {"serverUrl": "https://mcp.context7.com/mcp"},
            "local": {"command": "node", "args": ["/opt/mcp/server.js"], "env": {"API_KEY": "abc123def456ghi789"}}}})
        .to_string(),
    );
    // Gemini CLI: httpUrl, and a Windows-style cmd wrapper.
    m.home(
        ".gemini/settings.json",
        &json!({"theme": "Default", "mcpServers": {
            "remote": {"httpUrl": "https://example-mcp.dev/mcp", "headers": {"X-API-Key": "${EXAMPLE_KEY}"}},
            "win": {"command": "cmd", "args": ["/c", "npx", "-y", "@upstash/context7-mcp@1.0.14"], "disabled": true}
        }})
        .to_string(),
    );
    m
}

#[test]
fn every_client_human() {
    let m = every_client();
    let out = m.run(&["audit"]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    assert_no_secrets(&out);
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn every_client_json() {
    let m = every_client();
    let out = m.run(&["--json", "audit"]);
    assert_eq!(out.status.code(), Some(1));
    assert_no_secrets(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let skipped: Vec<&str> = v["configs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "skipped")
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["./.cursor/mcp.json"]);
    let clients: std::collections::BTreeSet<&str> = v["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["client"].as_str().unwrap())
        .collect();
    assert_eq!(clients.len(), 6, "{clients:?}");
    insta::assert_json_snapshot!(v);
}

#[test]
fn explicit_configs() {
    let m = Machine::new();
    m.project(
        "clean.json",
        &json!({"mcpServers": {"fetch": {"command": "docker", "args": ["run", "-i", "--rm", "mcp/fetch@sha256:0123abcd"]}}}).to_string(),
    );
    m.project("broken.json", "not json");
    let out = m.run(&["audit", "--config", "clean.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    insta::assert_snapshot!(transcript(&out));
    // A given file that cannot be read or parsed is an error (exit 2), after the report.
    let out = m.run(&[
        "audit",
        "--config",
        "clean.json",
        "--config",
        "broken.json",
        "--config",
        "missing.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("explicit_configs_broken", transcript(&out));
}

#[test]
fn nothing_configured() {
    let m = Machine::new();
    let out = m.run(&["audit"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(transcript(&out));
}

/// A one-thread registry answering `GET /v1/verify` with canned verdicts, for `max` requests.
fn fake_registry(max: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(max) {
            let mut stream = stream.unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let target = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_owned();
            let (level, reason) = if target.contains("server-filesystem") {
                ("signed", "Signed by a key proven for the namespace")
            } else if target.contains("sigstore") {
                (
                    "attested",
                    "npm:sigstore@5.0.0 was built by CI from github.com/sigstore/sigstore-js",
                )
            } else if target.contains("server-github") {
                (
                    "malicious",
                    "Flagged by the registry operators: credential stealer",
                )
            } else {
                ("unknown", "The registry has never seen this release")
            };
            let body = json!({"verdict": {"level": level, "reasons": [{"code": "not_in_registry", "message": reason}]}}).to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
            seen.push(target);
        }
        seen
    });
    (url, handle)
}

#[test]
fn registry_verdicts() {
    let m = Machine::new();
    m.project(
        "claude_desktop_config.json",
        &json!({"mcpServers": {
            "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"]},
            "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "/tmp"]},
            "fetch": {"command": "uvx", "args": ["mcp-server-fetch"]},
            "sigstore": {"command": "npx", "args": ["-y", "sigstore@5.0.0"]}
        }})
        .to_string(),
    );
    let (url, server) = fake_registry(4);
    let out = m.run(&[
        "audit",
        "--config",
        "claude_desktop_config.json",
        "--registry",
        &url,
    ]);
    let seen = server.join().unwrap();
    assert_eq!(
        seen,
        [
            "/v1/verify?package=npm%3A%40modelcontextprotocol%2Fserver-github%402025.4.8",
            "/v1/verify?package=npm%3A%40modelcontextprotocol%2Fserver-filesystem%402025.8.21",
            "/v1/verify?package=pypi%3Amcp-server-fetch",
            "/v1/verify?package=npm%3Asigstore%405.0.0",
        ]
    );
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let text = transcript(&out).replace(&url, "http://REGISTRY");
    insta::assert_snapshot!(text);
}
