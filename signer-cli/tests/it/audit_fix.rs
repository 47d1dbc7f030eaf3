//! `mcp-sign audit --fix`, `--dry-run` and `--undo` over a Claude Desktop configuration and a
//! VS Code `mcp.json` holding a plaintext GitHub token, with HOME, the XDG folders and the
//! secret store (MCP_SIGN_SECRETS_BACKEND=file) in temporary folders. After the fix no file
//! under the project or client folder may hold the token, wherever it is.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// A realistic fake token (ghp_ and 36 letters and digits), built at run time.
fn token() -> String {
    format!("ghp_{}", "R7t2kQ".repeat(6))
}

struct Machine {
    root: tempfile::TempDir,
}

impl Machine {
    fn new() -> Self {
        let m = Self {
            root: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(m.project()).unwrap();
        m
    }

    fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    fn project(&self) -> PathBuf {
        self.root.path().join("project")
    }

    /// Claude Desktop's folder (the client folder).
    fn claude_dir(&self) -> PathBuf {
        self.home().join(".config/Claude")
    }

    fn claude(&self) -> PathBuf {
        self.claude_dir().join("claude_desktop_config.json")
    }

    fn vscode(&self) -> PathBuf {
        self.project().join(".vscode/mcp.json")
    }

    fn write(&self, path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("mcp-sign")
            .unwrap()
            .current_dir(self.project())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_STATE_HOME", self.home().join(".local/state"))
            .env("MCP_SIGN_SECRETS_BACKEND", "file")
            .env_remove("MCP_SIGN_CONFIG_DIR")
            .env_remove("MCP_SIGN_STATE_DIR")
            .env_remove("MCP_SIGN_REGISTRY")
            .env_remove("APPDATA")
            .env_remove("USERPROFILE")
            .args(args)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    }

    fn store(&self) -> Value {
        let path = self.home().join(".config/mcp-sign/secrets.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn backups(&self) -> PathBuf {
        self.home().join(".local/state/mcp-sign/fix-backups")
    }

    fn sample(&self) {
        self.write(
            &self.claude(),
            &format!(
                r#"{{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {{
    "github": {{
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": {{
        "GITHUB_PERSONAL_ACCESS_TOKEN": "{}",
        "GITHUB_TOOLSETS": "repos"
      }}
    }},
    "time": {{"command": "uvx", "args": ["mcp-server-time==0.6.2"]}}
  }}
}}
"#,
                token()
            ),
        );
        self.write(
            &self.vscode(),
            &format!(
                r#"{{
    "inputs": [],
    "servers": {{
        "github-remote": {{
            "type": "http",
            "url": "https://api.githubcopilot.com/mcp/",
            "headers": {{"Authorization": "Bearer {}"}}
        }}
    }}
}}
"#,
                token()
            ),
        );
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

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if String::from_utf8_lossy(&std::fs::read(&path).unwrap()).contains(needle) {
                found.push(path);
            }
        }
    }
    found
}

fn plaintext_findings(m: &Machine) -> Vec<String> {
    let audit = m.run(&["--json", "audit"]);
    let doc: Value = serde_json::from_slice(&audit.stdout).unwrap();
    doc["servers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["code"] == "plaintext-secret")
                .map(move |f| format!("{}: {}", s["name"], f["message"]))
        })
        .collect()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn fix_moves_the_token_into_the_store_and_wraps_every_server() {
    let m = Machine::new();
    m.sample();
    assert_eq!(plaintext_findings(&m).len(), 2);
    let (claude_before, vscode_before) = (read(&m.claude()), read(&m.vscode()));

    // A dry run shows the diff, masked, and changes nothing.
    let dry = m.run(&["audit", "--fix", "--dry-run"]);
    let text = transcript(&dry);
    assert!(dry.status.success(), "{text}");
    assert!(!text.contains(&token()), "{text}");
    assert!(
        text.contains("-        \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"ghp_****\""),
        "{text}"
    );
    assert!(
        text.contains(
            "+        \"GITHUB_PERSONAL_ACCESS_TOKEN=secret:github.GITHUB_PERSONAL_ACCESS_TOKEN\""
        ),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was written"), "{text}");
    assert_eq!(read(&m.claude()), claude_before);
    assert_eq!(read(&m.vscode()), vscode_before);
    assert!(!m.home().join(".config/mcp-sign").exists());
    assert!(!m.backups().exists());

    let fix = m.run(&["audit", "--fix", "--registry", "http://127.0.0.1:9"]);
    let text = transcript(&fix);
    assert!(fix.status.success(), "{text}");
    assert!(!text.contains(&token()), "{text}");

    // No file in the project or the client's folder holds the token; the store does.
    assert_eq!(
        files_containing(&m.project(), &token()),
        Vec::<PathBuf>::new()
    );
    assert_eq!(
        files_containing(&m.claude_dir(), &token()),
        Vec::<PathBuf>::new()
    );
    let store = m.store();
    assert_eq!(
        store["secrets"]["github.GITHUB_PERSONAL_ACCESS_TOKEN"],
        token().as_str()
    );
    assert_eq!(
        store["secrets"]["github-remote.Authorization"],
        format!("Bearer {}", token()).as_str()
    );

    let exe = env!("CARGO_BIN_EXE_mcp-sign");
    let claude: Value = serde_json::from_slice(&read(&m.claude())).unwrap();
    assert_eq!(claude["globalShortcut"], "Ctrl+Space");
    let github = &claude["mcpServers"]["github"];
    assert_eq!(
        github["command"]
            .as_str()
            .map(std::fs::canonicalize)
            .unwrap()
            .unwrap(),
        std::fs::canonicalize(exe).unwrap()
    );
    assert_eq!(
        github["args"],
        serde_json::json!([
            "run",
            "--name",
            "github",
            "--registry",
            "http://127.0.0.1:9",
            "--env",
            "GITHUB_PERSONAL_ACCESS_TOKEN=secret:github.GITHUB_PERSONAL_ACCESS_TOKEN",
            "--",
            "npx",
            "-y",
            "@modelcontextprotocol/server-github@2025.4.8"
        ])
    );
    assert_eq!(
        github["env"],
        serde_json::json!({"GITHUB_TOOLSETS": "repos"})
    );
    let keys: Vec<&String> = github.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["command", "args", "env"]);
    let vscode: Value = serde_json::from_slice(&read(&m.vscode())).unwrap();
    let remote = &vscode["servers"]["github-remote"];
    assert_eq!(remote["type"], "stdio");
    assert_eq!(
        remote["args"],
        serde_json::json!([
            "run",
            "--name",
            "github-remote",
            "--registry",
            "http://127.0.0.1:9",
            "--url",
            "https://api.githubcopilot.com/mcp/",
            "--header",
            "Authorization=secret:github-remote.Authorization"
        ])
    );
    // The file's own four-space indentation is kept.
    assert!(
        String::from_utf8(read(&m.vscode()))
            .unwrap()
            .contains("\n            \"command\": ")
    );

    assert_eq!(plaintext_findings(&m), Vec::<String>::new());
    // audit looks through the gateway at the package it starts.
    let audit: Value = serde_json::from_slice(&m.run(&["--json", "audit"]).stdout).unwrap();
    let github = audit["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "github")
        .unwrap();
    assert_eq!(
        github["package"]["source"],
        "npm:@modelcontextprotocol/server-github@2025.4.8"
    );

    // The backups are in the state folder, owner only.
    let backups = files_containing(&m.backups(), &token());
    assert_eq!(backups.len(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for b in &backups {
            assert_eq!(
                std::fs::metadata(b).unwrap().permissions().mode() & 0o777,
                0o600
            );
            let dir = b.parent().unwrap();
            assert_eq!(
                std::fs::metadata(dir).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
    }

    // A second fix changes nothing.
    let (claude_fixed, vscode_fixed) = (read(&m.claude()), read(&m.vscode()));
    let again = m.run(&["audit", "--fix"]);
    assert!(again.status.success(), "{}", transcript(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"));
    assert_eq!(read(&m.claude()), claude_fixed);
    assert_eq!(read(&m.vscode()), vscode_fixed);

    // Undo restores both files byte for byte and drops the backups.
    let undo = m.run(&["audit", "--undo"]);
    let text = transcript(&undo);
    assert!(undo.status.success(), "{text}");
    assert!(!text.contains(&token()), "{text}");
    assert_eq!(read(&m.claude()), claude_before);
    assert_eq!(read(&m.vscode()), vscode_before);
    assert!(files_containing(&m.backups(), &token()).is_empty());
}

#[test]
fn undo_refuses_a_file_changed_since_the_fix() {
    let m = Machine::new();
    m.sample();
    let config = m.claude();
    let given = config.to_str().unwrap();
    assert!(
        m.run(&["audit", "--fix", "--config", given])
            .status
            .success()
    );
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push('\n');
    std::fs::write(&config, &text).unwrap();
    let undo = m.run(&["audit", "--fix", "--undo", "--config", given]);
    let out = transcript(&undo);
    assert_eq!(undo.status.code(), Some(1), "{out}");
    assert!(
        out.contains("changed since `audit --fix` wrote it"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    // Only the named file was touched.
    assert!(read(&m.vscode()).windows(4).any(|w| w == b"ghp_"));
}

#[test]
fn comments_are_kept_and_an_entry_holding_one_is_refused() {
    let m = Machine::new();
    let kept = m.project().join(".cursor/mcp.json");
    m.write(
        &kept,
        &format!(
            "{{\n  // servers for this repository\n  \"mcpServers\": {{\n    \"gh\": {{\"command\": \"npx\", \"env\": {{\"GITHUB_TOKEN\": \"{}\"}}}}, // trailing note\n  }},\n}}\n",
            token()
        ),
    );
    let refused = m.vscode();
    m.write(
        &refused,
        &format!(
            "{{\n  \"servers\": {{\n    \"gh\": {{\n      // the token\n      \"command\": \"npx\",\n      \"env\": {{\"GITHUB_TOKEN\": \"{}\"}}\n    }}\n  }}\n}}\n",
            token()
        ),
    );
    let before = read(&refused);
    let fix = m.run(&["audit", "--fix"]);
    let out = transcript(&fix);
    assert_eq!(fix.status.code(), Some(1), "{out}");
    assert!(
        out.contains("refused ./.vscode/mcp.json: the server entry servers.gh holds comments"),
        "{out}"
    );
    assert!(!out.contains(&token()), "{out}");
    assert_eq!(read(&refused), before);

    let fixed = std::fs::read_to_string(&kept).unwrap();
    assert!(!fixed.contains(&token()), "{fixed}");
    assert!(
        fixed.starts_with("{\n  // servers for this repository\n"),
        "{fixed}"
    );
    assert!(fixed.contains("}, // trailing note\n"), "{fixed}");
    assert!(
        fixed.contains("GITHUB_TOKEN=secret:gh.GITHUB_TOKEN"),
        "{fixed}"
    );
    assert_eq!(m.store()["secrets"]["gh.GITHUB_TOKEN"], token().as_str());
}

#[test]
fn a_secret_in_the_arguments_is_named_and_never_printed() {
    let m = Machine::new();
    let key = format!("sk-{}", "proj0123456789abcdefXYZ");
    let config = m.project().join(".mcp.json");
    m.write(
        &config,
        &format!(
            r#"{{"mcpServers": {{"ai": {{"command": "uvx", "args": ["ai-mcp==1.0", "--api-key", "{key}"]}}}}}}"#
        ),
    );
    let fix = m.run(&["audit", "--fix", "--config", config.to_str().unwrap()]);
    let out = transcript(&fix);
    assert!(fix.status.success(), "{out}");
    assert!(!out.contains(&key), "{out}");
    assert!(out.contains("still in plain text"), "{out}");
    assert!(out.contains("mcpServers.ai.args[7]"), "{out}");
}

#[test]
fn the_diff_and_a_taken_key() {
    let m = Machine::new();
    m.sample();
    // Another value already filed under the key the fix would use.
    let mut cmd = Command::cargo_bin("mcp-sign").unwrap();
    let set = cmd
        .current_dir(m.project())
        .env("HOME", m.home())
        .env("XDG_CONFIG_HOME", m.home().join(".config"))
        .env("MCP_SIGN_SECRETS_BACKEND", "file")
        .args(["secret", "set", "github.GITHUB_PERSONAL_ACCESS_TOKEN"])
        .write_stdin("an-older-token\n")
        .output()
        .unwrap();
    assert!(set.status.success(), "{}", transcript(&set));

    let claude = m.claude();
    let fix = m.run(&["audit", "--fix", "--config", claude.to_str().unwrap()]);
    assert!(fix.status.success(), "{}", transcript(&fix));
    let store = m.store();
    assert_eq!(
        store["secrets"]["github.GITHUB_PERSONAL_ACCESS_TOKEN"],
        "an-older-token"
    );
    assert_eq!(
        store["secrets"]["github.GITHUB_PERSONAL_ACCESS_TOKEN-2"],
        token().as_str()
    );
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_mcp-sign")).unwrap();
    let stdout = String::from_utf8_lossy(&fix.stdout)
        .replace(exe.to_str().unwrap(), "[MCP_SIGN]")
        .replace(env!("CARGO_BIN_EXE_mcp-sign"), "[MCP_SIGN]")
        .replace(claude.to_str().unwrap(), "[CONFIG]");
    insta::assert_snapshot!(stdout);
}

/// After the fix the configured command, as the client would start it, still gives the server
/// its token: `run` takes it from the store into the server's environment only.
#[test]
fn the_fixed_entry_still_gives_the_server_its_token() {
    let m = Machine::new();
    let seen = m.root.path().join("seen-by-server");
    m.write(
        &m.claude(),
        &format!(
            r#"{{"mcpServers": {{"github": {{
                "command": "sh",
                "args": ["-c", "printf %s \"$GITHUB_PERSONAL_ACCESS_TOKEN\" > '{}'; exec cat"],
                "env": {{"GITHUB_PERSONAL_ACCESS_TOKEN": "{}"}}
            }}}}}}"#,
            seen.display(),
            token()
        ),
    );
    let fixed = m.run(&["audit", "--fix"]);
    assert!(
        files_containing(&m.home(), &token())
            .iter()
            // The secret store, and --undo's backup of the file as it was (0600, in
            // mcp-sign's state folder): nowhere else.
            .all(|f| f.starts_with(m.home().join(".config/mcp-sign")) || f.starts_with(m.backups())),
        "{}",
        transcript(&fixed)
    );
    let config: Value = serde_json::from_slice(&read(&m.claude())).unwrap();
    let entry = &config["mcpServers"]["github"];
    assert!(
        entry
            .get("env")
            .is_none_or(|e| e.get("GITHUB_PERSONAL_ACCESS_TOKEN").is_none())
    );
    let program = entry["command"].as_str().unwrap();
    let args: Vec<&str> = entry["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(args[0], "run", "{entry}");
    // Start it as the client would (the config's command and args, its env block).
    let out = Command::new(program)
        .args(&args)
        .current_dir(m.project())
        .env("HOME", m.home())
        .env("XDG_CONFIG_HOME", m.home().join(".config"))
        .env("XDG_STATE_HOME", m.home().join(".local/state"))
        .env("MCP_SIGN_SECRETS_BACKEND", "file")
        .env_remove("GITHUB_PERSONAL_ACCESS_TOKEN")
        .env_remove("MCP_SIGN_REGISTRY")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", transcript(&out));
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), token());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains(&token()),
        "the token was printed: {stderr}"
    );
    // And `audit` no longer reports a plaintext secret.
    assert!(plaintext_findings(&m).is_empty());
}
