//! `mcp-sign run` with peers that misbehave: malformed JSON-RPC from either side, a server that
//! does not exist or dies, an oversized message and a client that closes its input. Each ends
//! with a clear line on stderr and a nonzero exit, never a hang or a panic (every run has a
//! timeout that fails the test).

use std::time::Duration;

use std::io::Write;
use std::process::Stdio;
use std::time::Instant;

use crate::support::Scratch;

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

struct Ended {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `mcp-sign run ARGS` with `stdin` as the client's messages; with `keep_open`, the client
/// keeps its end open (as a real client does) until mcp-sign exits.
fn run_with(dir: &Scratch, args: &[&str], stdin: &str, keep_open: bool) -> Ended {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-sign"))
        .current_dir(dir.root())
        .env("XDG_STATE_HOME", dir.path("state"))
        .arg("run")
        .arg("--name")
        .arg("t")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    let held = keep_open.then_some(input);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(held);
    let out = child.wait_with_output().unwrap();
    let ended = Ended {
        code: status.and_then(|s| s.code()),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        status.is_some(),
        "mcp-sign did not exit within 30 s:\n{}",
        ended.stderr
    );
    assert!(
        !ended.stderr.contains("panicked"),
        "mcp-sign panicked:\n{}",
        ended.stderr
    );
    ended
}

fn run(dir: &Scratch, args: &[&str], stdin: &str) -> Ended {
    run_with(dir, args, stdin, false)
}

fn run_open(dir: &Scratch, args: &[&str], stdin: &str) -> Ended {
    run_with(dir, args, stdin, true)
}

#[test]
fn a_server_that_does_not_exist() {
    let dir = Scratch::new();
    let e = run(&dir, &["--", "/nonexistent/mcp-server", "--flag"], "");
    assert_eq!(e.code, Some(127), "{}", e.stderr);
    assert!(
        e.stderr
            .contains("cannot start the server \"/nonexistent/mcp-server\""),
        "{}",
        e.stderr
    );
    assert!(e.stdout.is_empty());
}

#[test]
fn a_server_that_dies_passes_on_its_exit_code() {
    let dir = Scratch::new();
    let e = run(
        &dir,
        &["--", "sh", "-c", "read line; exit 7"],
        &format!("{INIT}\n"),
    );
    assert_eq!(e.code, Some(7), "{}", e.stderr);
    assert!(
        e.stderr.contains("the server exited (exit status: 7)"),
        "{}",
        e.stderr
    );
}

#[test]
fn malformed_json_from_the_client() {
    let dir = Scratch::new();
    let e = run_open(
        &dir,
        &["--", "cat"],
        "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\"\n",
    );
    assert_eq!(e.code, Some(3), "{}", e.stderr);
    assert!(
        e.stderr.contains("stopped: the client sent not JSON"),
        "{}",
        e.stderr
    );
    // The client hears why, as a JSON-RPC parse error; nothing reached the server (cat would
    // have echoed it).
    let answer: serde_json::Value = serde_json::from_str(e.stdout.trim()).unwrap();
    assert_eq!(answer["error"]["code"], -32700);
}

#[test]
fn malformed_json_from_the_server() {
    let dir = Scratch::new();
    let e = run_open(
        &dir,
        &[
            "--",
            "sh",
            "-c",
            "echo 'this is a log line on stdout'; exec sleep 20",
        ],
        "",
    );
    assert_eq!(e.code, Some(3), "{}", e.stderr);
    assert!(
        e.stderr.contains("stopped: the server sent not JSON"),
        "{}",
        e.stderr
    );
    assert!(
        e.stdout.is_empty(),
        "garbage reached the client: {}",
        e.stdout
    );
}

#[test]
fn an_oversized_message_is_capped() {
    let dir = Scratch::new();
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{{\"pad\":\"{}\"}}}}\n",
        "x".repeat(4096)
    );
    let e = run_open(&dir, &["--max-message-bytes", "1024", "--", "cat"], &big);
    assert_eq!(e.code, Some(3), "{}", e.stderr);
    assert!(
        e.stderr
            .contains("the client sent a message larger than 1024 bytes"),
        "{}",
        e.stderr
    );
    let e = run_open(
        &dir,
        &[
            "--max-message-bytes",
            "1024",
            "--",
            "sh",
            "-c",
            &format!("printf '%s\\n' '{}'; exec sleep 20", big.trim()),
        ],
        "",
    );
    assert_eq!(e.code, Some(3), "{}", e.stderr);
    assert!(
        e.stderr
            .contains("the server sent a message larger than 1024 bytes"),
        "{}",
        e.stderr
    );
}

#[test]
fn a_client_that_closes_its_input_stops_a_server_that_does_not_exit() {
    let dir = Scratch::new();
    // `sleep` never reads its input, so it does not notice; it is killed after the grace time.
    let e = run(&dir, &["--", "sleep", "60"], &format!("{INIT}\n"));
    assert_ne!(e.code, Some(0), "{}", e.stderr);
    assert!(
        e.stderr.contains("the client closed its input"),
        "{}",
        e.stderr
    );
    assert!(e.stderr.contains("was killed"), "{}", e.stderr);
}

#[test]
fn messages_it_does_not_act_on_pass_byte_for_byte() {
    let dir = Scratch::new();
    // `cat` answers each message with itself: what comes out is what went in.
    let odd = "{ \"jsonrpc\" : \"2.0\", \"id\" : \"x\", \"method\" : \"resources/read\" , \"params\":{\"uri\":\"file:///a\"}}\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":0.5}}\n";
    let e = run(&dir, &["--", "cat"], odd);
    assert_eq!(e.stdout, odd);
    assert_eq!(e.code, Some(0), "{}", e.stderr);
}
