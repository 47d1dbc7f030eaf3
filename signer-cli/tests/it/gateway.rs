//! Driving `mcp-sign run` as an MCP client would: JSON-RPC lines in, answers out, each read
//! with a deadline so a hang fails the test instead of stalling it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use serde_json::{Value, json};

const DEADLINE: Duration = Duration::from_secs(60);

pub struct Gateway {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Receiver<String>,
}

impl Gateway {
    /// `mcp-sign run ARGS` with its state under `home` (pins, audit log, trust store).
    pub fn start(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Gateway {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-sign"));
        for (k, _) in std::env::vars() {
            if k.starts_with("MCP_SIGN_") || k.starts_with("XDG_") {
                cmd.env_remove(k);
            }
        }
        let mut child = cmd
            .current_dir(home)
            .env("HOME", home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("npm_config_cache", home.join("npm-cache"))
            .env("npm_config_update_notifier", "false")
            .envs(envs.iter().copied())
            .arg("run")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Gateway {
            child,
            stdin,
            lines,
            stderr,
        }
    }

    pub fn send(&mut self, message: Value) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    /// The next message on stdout.
    pub fn recv(&mut self) -> Value {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(line) => serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}")),
            Err(RecvTimeoutError::Timeout) => panic!(
                "no message from mcp-sign run within {DEADLINE:?}; stderr:\n{}",
                self.stderr_so_far()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "mcp-sign run closed its stdout; stderr:\n{}",
                self.stderr_so_far()
            ),
        }
    }

    /// The answer to request `id` (skipping notifications and other messages).
    pub fn answer(&mut self, id: i64) -> Value {
        loop {
            let m = self.recv();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                return m;
            }
        }
    }

    pub fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.answer(id)
    }

    /// `initialize` and `notifications/initialized`.
    pub fn initialize(&mut self) -> Value {
        let answer = self.request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "mcp-sign-tests", "version": "1"}}),
        );
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        answer
    }

    /// The tool names the client is shown.
    pub fn tool_names(&mut self, id: i64) -> Vec<String> {
        let answer = self.request(id, "tools/list", json!({}));
        answer["result"]["tools"]
            .as_array()
            .unwrap_or_else(|| panic!("not a tools/list result: {answer}"))
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn stderr_so_far(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// Close stdin and wait for the exit: (exit code, stderr).
    pub fn finish(mut self) -> (Option<i32>, String) {
        drop(self.stdin.take());
        let deadline = std::time::Instant::now() + DEADLINE;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break Some(s);
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = status.unwrap_or_else(|| {
            panic!(
                "mcp-sign run did not exit; stderr:\n{}",
                self.stderr_so_far()
            )
        });
        // The stderr reader ends with the process.
        let mut err = Vec::new();
        while let Ok(line) = self.stderr.recv_timeout(Duration::from_secs(5)) {
            err.push(line);
        }
        (status.code(), err.join("\n"))
    }
}
