//! `mcp-sign secret set|list|rm` over the file backend (MCP_SIGN_SECRETS_BACKEND=file), with
//! the config folder in a temporary HOME: values go in through stdin, never come out.

use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

struct Home(tempfile::TempDir);

impl Home {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        Command::cargo_bin("mcp-sign")
            .unwrap()
            .current_dir(self.0.path())
            .env("HOME", self.0.path())
            .env("XDG_CONFIG_HOME", self.0.path().join("config"))
            .env("XDG_STATE_HOME", self.0.path().join("state"))
            .env("MCP_SIGN_SECRETS_BACKEND", "file")
            .env_remove("MCP_SIGN_CONFIG_DIR")
            .env_remove("MCP_SIGN_STATE_DIR")
            .args(args)
            .write_stdin(stdin)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn set_list_rm_round_trip_through_stdin() {
    let home = Home::new();
    let value = format!("ghp_{}", "Q9w8".repeat(9));
    let set = home.run(&["secret", "set", "github.TOKEN"], &format!("{value}\n"));
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(!stdout(&set).contains(&value) && !stderr(&set).contains(&value));

    let file = home.0.path().join("config/mcp-sign/secrets.json");
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // The line ending is not part of the value.
    assert_eq!(stored["secrets"]["github.TOKEN"], value.as_str());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let list = home.run(&["secret", "list"], "");
    assert_eq!(stdout(&list), "github.TOKEN\n");
    let json = home.run(&["--json", "secret", "list"], "");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["secrets"], serde_json::json!(["github.TOKEN"]));
    assert_eq!(doc["backend"], "file");
    assert!(!stdout(&json).contains(&value));

    let rm = home.run(&["secret", "rm", "github.TOKEN"], "");
    assert!(rm.status.success(), "{}", stderr(&rm));
    assert!(stdout(&home.run(&["secret", "list"], "")).starts_with("no secrets"));
    let again = home.run(&["secret", "rm", "github.TOKEN"], "");
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("no secret github.TOKEN"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn bad_names_and_empty_values_are_refused_with_how_to() {
    let home = Home::new();
    let bad = home.run(&["secret", "set", "has space"], "v\n");
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("letters, digits"), "{}", stderr(&bad));
    let empty = home.run(&["secret", "set", "k"], "\n");
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("the value is empty"),
        "{}",
        stderr(&empty)
    );
    // There is no way to pass the value as an argument.
    let arg = home.run(&["secret", "set", "k", "value"], "");
    assert_eq!(arg.status.code(), Some(2));
}
