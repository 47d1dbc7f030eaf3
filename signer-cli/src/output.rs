//! Output for people (default) or programs (`--json`).
//!
//! In JSON mode every command prints exactly one JSON document on stdout, errors included, so
//! a program never has to parse stderr.

use std::io::Write;

use serde_json::{Value, json};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Print a command's result: `human` for people, `machine` for `--json`.
    pub(crate) fn result(&self, human: &str, machine: Value) {
        if self.json {
            stdout_line(&to_pretty(&machine));
        } else if !human.is_empty() {
            stdout_line(human.trim_end());
        }
    }

    /// Progress or hints for people; silent in JSON mode. Goes to stderr so stdout stays clean.
    pub(crate) fn note(&self, message: &str) {
        if !self.json {
            eprintln!("{message}");
        }
    }

    /// Report a failure: one line on stderr for people, one JSON document on stdout for programs.
    pub(crate) fn error(&self, err: &anyhow::Error, exit_code: u8) {
        if self.json {
            let body = json!({
                "ok": false,
                "exitCode": exit_code,
                "error": format!("{err:#}"),
            });
            stdout_line(&to_pretty(&body));
        } else {
            eprintln!("error: {err:#}");
        }
    }
}

/// `println!` panics when stdout is closed (`mcp-sign ... | head`); a closed pipe just means
/// nobody wants the rest.
fn stdout_line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
}

fn to_pretty(value: &Value) -> String {
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
