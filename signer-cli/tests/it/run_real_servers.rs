//! `mcp-sign run` between real parts: the official MCP Python SDK's client and the official
//! reference servers from npm (`testkit::mcp`), and the rug-pull and poisoned test servers.
//! What the client sees through the gateway is compared with what it sees without it.

use std::path::Path;

use serde_json::{Value, json};
use testkit::mcp;

/// The gateway in front of `server`: `mcp-sign run FLAGS -- SERVER...`.
fn through_gateway(flags: &[&str], server: &[String]) -> Vec<String> {
    let mut argv = vec![env!("CARGO_BIN_EXE_mcp-sign").to_owned(), "run".to_owned()];
    argv.extend(flags.iter().map(|f| (*f).to_owned()));
    argv.push("--".to_owned());
    argv.extend(server.iter().cloned());
    argv
}

/// The environment the gateway (and the server under it) runs with: its state under `home`.
fn env(home: &Path, call_log: Option<&Path>) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "XDG_STATE_HOME".to_owned(),
            home.join("state").display().to_string(),
        ),
        (
            "XDG_CONFIG_HOME".to_owned(),
            home.join("config").display().to_string(),
        ),
        (
            "XDG_CACHE_HOME".to_owned(),
            home.join("cache").display().to_string(),
        ),
    ];
    if let Some(log) = call_log {
        env.push(("RUG_PULL_CALL_LOG".to_owned(), log.display().to_string()));
    }
    env
}

fn step(t: &Value, i: usize) -> &Value {
    &t["steps"][i]
}

fn result(t: &Value, i: usize) -> &Value {
    let s = step(t, i);
    assert!(s.get("error").is_none(), "step {i} failed: {s}\n{t}");
    &s["result"]
}

fn tool_names(listing: &Value) -> Vec<String> {
    listing["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools in {listing}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

fn audit_log(home: &Path) -> Vec<Value> {
    std::fs::read_to_string(home.join("state/mcp-sign/run-audit.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_filesystem_server_answers_the_same_through_the_gateway_and_read_only_hides_write_file() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    std::fs::write(root.join("a.txt"), "alpha").unwrap();
    let read = root.join("a.txt").display().to_string();
    let written = root.join("b.txt");
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "read_text_file", "arguments": {"path": read}},
        {"op": "call_tool", "name": "list_directory", "arguments": {"path": root.display().to_string()}},
    ]);
    let server = mcp::filesystem_server(&root);
    let direct = mcp::client_session(&plan, &server, env(home.path(), None));
    let gateway = through_gateway(&["--name", "fs", "--allow-destructive"], &server);
    let relayed = mcp::client_session(&plan, &gateway, env(home.path(), None));
    assert_eq!(direct["steps"], relayed["steps"]);

    // --read-only: write_file is not shown, a forced call is refused and writes nothing.
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "write_file", "arguments": {"path": written.display().to_string(), "content": "x"}},
        {"op": "call_tool", "name": "read_text_file", "arguments": {"path": read}},
    ]);
    let gateway = through_gateway(&["--name", "fs", "--read-only"], &server);
    let t = mcp::client_session(&plan, &gateway, env(home.path(), None));
    let names = tool_names(result(&t, 1));
    assert!(!names.contains(&"write_file".to_owned()), "{names:?}");
    assert!(names.contains(&"read_text_file".to_owned()), "{names:?}");
    let refused = &step(&t, 2)["error"];
    assert_eq!(refused["code"], -32001, "{t}");
    assert!(
        refused["message"].as_str().unwrap().contains("--read-only"),
        "{refused}"
    );
    assert!(!written.exists(), "the refused write reached the server");
    assert_eq!(result(&t, 3)["content"][0]["text"], "alpha");
}

#[test]
fn the_everything_server_answers_the_same_through_the_gateway() {
    let home = tempfile::tempdir().unwrap();
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "echo", "arguments": {"message": "hi"}},
        {"op": "call_tool", "name": "get-sum", "arguments": {"a": 2, "b": 3}},
        {"op": "list_prompts"},
        {"op": "get_prompt", "name": "simple-prompt"},
        {"op": "list_resources"},
    ]);
    let server = mcp::everything_server();
    let direct = mcp::client_session(&plan, &server, env(home.path(), None));
    let gateway = through_gateway(&["--name", "everything", "--allow-destructive"], &server);
    let relayed = mcp::client_session(&plan, &gateway, env(home.path(), None));
    // The everything server's `initialize` answer names its session; the rest is the same.
    for i in 1..7 {
        assert_eq!(step(&direct, i), step(&relayed, i), "step {i}");
    }
    let uri = result(&direct, 6)["resources"][0]["uri"].clone();
    let plan = json!([{"op": "initialize"}, {"op": "read_resource", "uri": uri}]);
    let direct = mcp::client_session(&plan, &server, env(home.path(), None));
    let relayed = mcp::client_session(&plan, &gateway, env(home.path(), None));
    assert_eq!(step(&direct, 1), step(&relayed, 1));
}

#[test]
fn a_rug_pull_is_hidden_refused_and_back_after_approval() {
    let home = tempfile::tempdir().unwrap();
    let calls = home.path().join("calls.jsonl");
    let gateway = through_gateway(&["--name", "weather"], &mcp::rug_pull_server());
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "get_weather", "arguments": {"city": "Oslo"}},
        {"op": "wait_tools_changed", "timeout": 20},
        {"op": "call_tool", "name": "get_weather", "arguments": {"city": "Oslo"}},
        {"op": "call_tool", "name": "add", "arguments": {"a": 1, "b": 2}},
    ]);
    let t = mcp::client_session(&plan, &gateway, env(home.path(), Some(&calls)));
    assert_eq!(tool_names(result(&t, 1)), ["get_weather", "add"]);
    assert_eq!(tool_names(result(&t, 3)), ["add"], "{t}");
    let refused = &step(&t, 4)["error"];
    assert_eq!(refused["code"], -32001, "{t}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("mcp-sign pins approve weather get_weather"),
        "{refused}"
    );
    // The refused call never reached the server.
    let names: Vec<Value> = mcp::call_log(&calls)
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [json!("get_weather"), json!("add")]);
    // The audit log names the change.
    let hidden = audit_log(home.path())
        .into_iter()
        .find(|e| e["event"] == "tool_hidden" && e["tool"] == "get_weather")
        .expect("a tool_hidden entry");
    assert_eq!(hidden["diff"][0]["path"], "$.description", "{hidden}");
    assert!(
        hidden["diff"][0]["new"]
            .as_str()
            .unwrap()
            .contains("id_rsa")
    );

    // Approving, while the client stays connected, brings it back. The new text rates high, so
    // the user has to say they read it.
    let approve = |extra: &[&str]| {
        let mut argv = vec![
            env!("CARGO_BIN_EXE_mcp-sign"),
            "pins",
            "approve",
            "weather",
            "get_weather",
        ];
        argv.extend_from_slice(extra);
        json!({"op": "exec", "argv": argv})
    };
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "get_weather", "arguments": {"city": "Oslo"}},
        {"op": "wait_tools_changed", "timeout": 20},
        approve(&[]),
        approve(&["--accept-findings"]),
        {"op": "list_tools"},
        {"op": "call_tool", "name": "get_weather", "arguments": {"city": "Bergen"}},
    ]);
    let home2 = tempfile::tempdir().unwrap();
    let calls2 = home2.path().join("calls.jsonl");
    let t = mcp::client_session(&plan, &gateway, env(home2.path(), Some(&calls2)));
    assert_eq!(tool_names(result(&t, 3)), ["add"], "{t}");
    let refused = result(&t, 4);
    assert_eq!(refused["code"], 2, "{refused}");
    assert!(
        refused["stderr"]
            .as_str()
            .unwrap()
            .contains("--accept-findings"),
        "{refused}"
    );
    let approved = result(&t, 5);
    assert_eq!(approved["code"], 0, "{approved}");
    let shown = approved["stdout"].as_str().unwrap();
    assert!(
        shown.contains("$.description") && shown.contains("+ "),
        "no diff: {shown}"
    );
    assert_eq!(tool_names(result(&t, 6)), ["get_weather", "add"], "{t}");
    assert!(step(&t, 7).get("error").is_none(), "{t}");
    let names: Vec<Value> = mcp::call_log(&calls2)
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, [json!("get_weather"), json!("get_weather")]);
}

#[test]
fn poisoned_tools_and_prompts_are_hidden_and_refused() {
    let home = tempfile::tempdir().unwrap();
    let calls = home.path().join("calls.jsonl");
    let gateway = through_gateway(&["--name", "poisoned"], &mcp::poisoned_server());
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "add", "arguments": {"a": 1, "b": 2, "sidenote": "x"}},
        {"op": "call_tool", "name": "echo", "arguments": {"message": "hi"}},
        {"op": "list_prompts"},
        {"op": "get_prompt", "name": "summarize", "arguments": {"text": "t"}},
        {"op": "get_prompt", "name": "greet", "arguments": {"name": "Ada"}},
    ]);
    let t = mcp::client_session(&plan, &gateway, env(home.path(), Some(&calls)));
    assert_eq!(tool_names(result(&t, 1)), ["echo"]);
    assert_eq!(step(&t, 2)["error"]["code"], -32001, "{t}");
    assert!(step(&t, 3).get("error").is_none(), "{t}");
    let prompts: Vec<&str> = result(&t, 4)["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(prompts, ["greet"]);
    assert_eq!(step(&t, 5)["error"]["code"], -32001, "{t}");
    assert!(step(&t, 6).get("error").is_none(), "{t}");
    let names: Vec<Value> = mcp::call_log(&calls)
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert!(
        !names.contains(&json!("add")),
        "the refused call reached the server: {names:?}"
    );
}
