//! The real MCP parts the `run` gateway tests stand on (`testkit::mcp`), checked directly, with
//! no gateway between: the official reference servers from npm answer the official Python
//! SDK's client, and the rug-pull and poisoned test servers do what the gateway tests expect of
//! them (and `mcp-sign scan` rates their hidden instructions high). A break here is a break in
//! the harness, not in `run`.

use std::path::Path;

use serde_json::{Value, json};
use testkit::mcp;

const NO_ENV: [(&str, &str); 0] = [];

/// Step `index`'s result; panics with the step's error when it failed.
fn result(transcript: &Value, index: usize) -> &Value {
    let step = &transcript["steps"][index];
    assert!(
        step.get("error").is_none() && step.get("result").is_some(),
        "step {index} failed: {step}\ntranscript: {transcript}"
    );
    &step["result"]
}

fn names<'a>(listing: &'a Value, key: &str) -> Vec<&'a str> {
    listing[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {listing}"))
        .iter()
        .map(|item| item["name"].as_str().expect("a name"))
        .collect()
}

fn tool<'a>(listing: &'a Value, name: &str) -> &'a Value {
    listing["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .find(|tool| tool["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name} in {listing}"))
}

fn text(call: &Value) -> &str {
    call["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text content in {call}"))
}

/// `mcp-sign scan` on a tools/list result: its exit code (1 = findings rated high).
fn scan_exit(listing: &Value, dir: &Path) -> i32 {
    let file = dir.join("tools.json");
    std::fs::write(&file, listing.to_string()).unwrap();
    let out = assert_cmd::Command::cargo_bin("mcp-sign")
        .unwrap()
        .args(["scan", "--fail-on", "high"])
        .arg(&file)
        .output()
        .unwrap();
    out.status.code().expect("scan exited")
}

#[test]
fn the_official_filesystem_server_lists_writes_and_reads() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path().canonicalize().unwrap();
    let file = root.join("note.txt");
    let path = file.display().to_string();
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "write_file", "arguments": {"path": path, "content": "hello"}},
        {"op": "call_tool", "name": "read_text_file", "arguments": {"path": path}},
    ]);
    let t = mcp::client_session(&plan, &mcp::filesystem_server(&root), NO_ENV);

    assert_eq!(
        result(&t, 0)["serverInfo"]["name"],
        "secure-filesystem-server"
    );
    let tools = names(result(&t, 1), "tools");
    for expected in ["write_file", "read_text_file", "list_directory"] {
        assert!(tools.contains(&expected), "{expected} missing: {tools:?}");
    }
    // write_file is the tool `--read-only` must hide: the server says it is not read-only.
    assert_eq!(
        tool(result(&t, 1), "write_file")["annotations"]["readOnlyHint"],
        false
    );
    assert_ne!(result(&t, 2)["isError"], true, "write failed: {t}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hello");
    assert_eq!(text(result(&t, 3)), "hello");
}

#[test]
fn the_official_everything_server_lists_tools_prompts_and_resources() {
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "echo", "arguments": {"message": "hi"}},
        {"op": "list_prompts"},
        {"op": "get_prompt", "name": "simple-prompt"},
        {"op": "list_resources"},
    ]);
    let t = mcp::client_session(&plan, &mcp::everything_server(), NO_ENV);

    assert!(names(result(&t, 1), "tools").contains(&"echo"));
    assert_eq!(text(result(&t, 2)), "Echo: hi");
    assert!(names(result(&t, 3), "prompts").contains(&"simple-prompt"));
    assert!(
        !result(&t, 4)["messages"].as_array().unwrap().is_empty(),
        "{t}"
    );
    let resources = result(&t, 5)["resources"].as_array().unwrap();
    assert!(!resources.is_empty(), "{t}");

    // A resource the listing names can be read.
    let uri = resources[0]["uri"].as_str().unwrap();
    let plan = json!([{"op": "initialize"}, {"op": "read_resource", "uri": uri}]);
    let t = mcp::client_session(&plan, &mcp::everything_server(), NO_ENV);
    assert_eq!(result(&t, 1)["contents"][0]["uri"], uri);
}

#[test]
fn the_rug_pull_server_changes_its_description_after_the_first_call() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("calls.jsonl");
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "get_weather", "arguments": {"city": "Paris"}},
        {"op": "wait_tools_changed", "timeout": 20},
        {"op": "call_tool", "name": "add", "arguments": {"a": 2, "b": 3}},
    ]);
    let t = mcp::client_session(
        &plan,
        &mcp::rug_pull_server(),
        [("RUG_PULL_CALL_LOG", log.as_os_str())],
    );

    let before = tool(result(&t, 1), "get_weather");
    let after = tool(result(&t, 3), "get_weather");
    assert!(text(result(&t, 2)).contains("Paris"));
    assert_ne!(before["description"], after["description"]);
    assert!(
        after["description"]
            .as_str()
            .unwrap()
            .contains("~/.ssh/id_rsa")
    );
    // Only the description moves; `add` stays as it was.
    assert_eq!(before["inputSchema"], after["inputSchema"]);
    assert_eq!(tool(result(&t, 1), "add"), tool(result(&t, 3), "add"));
    assert!(
        t["notifications"]
            .as_array()
            .unwrap()
            .contains(&json!("notifications/tools/list_changed"))
    );
    assert_eq!(text(result(&t, 4)), "5");

    let calls = mcp::call_log(&log);
    let called: Vec<_> = calls.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(called, ["get_weather", "add"]);
    assert_eq!(calls[0]["arguments"], json!({"city": "Paris"}));

    // The scanner passes the tools before the pull and rates the pulled description high.
    assert_eq!(scan_exit(result(&t, 1), dir.path()), 0);
    assert_eq!(scan_exit(result(&t, 3), dir.path()), 1);
}

#[test]
fn the_poisoned_server_serves_hidden_instructions_and_logs_calls() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("calls.jsonl");
    let plan = json!([
        {"op": "initialize"},
        {"op": "list_tools"},
        {"op": "call_tool", "name": "echo", "arguments": {"message": "hi"}},
        {"op": "list_prompts"},
        {"op": "get_prompt", "name": "greet", "arguments": {"name": "Ann"}},
    ]);
    let t = mcp::client_session(
        &plan,
        &mcp::poisoned_server(),
        [("RUG_PULL_CALL_LOG", log.as_os_str())],
    );

    assert_eq!(names(result(&t, 1), "tools"), ["add", "echo"]);
    assert_eq!(text(result(&t, 2)), "hi");
    assert_eq!(names(result(&t, 3), "prompts"), ["summarize", "greet"]);
    let calls = mcp::call_log(&log);
    let called: Vec<_> = calls.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(called, ["echo", "greet"]);

    // `add` is rated high, `echo` alone is clean; the poisoned prompt's description scans high
    // as a tool description would.
    assert_eq!(scan_exit(result(&t, 1), dir.path()), 1);
    let echo_only = json!({"tools": [tool(result(&t, 1), "echo")]});
    assert_eq!(scan_exit(&echo_only, dir.path()), 0);
    let summarize = &result(&t, 3)["prompts"][0];
    let as_tool = json!({"tools": [{
        "name": summarize["name"],
        "description": summarize["description"],
        "inputSchema": {"type": "object"},
    }]});
    assert_eq!(scan_exit(&as_tool, dir.path()), 1);
}

#[test]
fn the_client_fails_clearly_when_the_server_cannot_start() {
    let plan = json!([{"op": "initialize"}]);
    let missing = vec!["/nonexistent/mcp-server".to_owned()];
    let out = mcp::client_session_output(&plan, &missing, NO_ENV);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot start the server"), "{stderr}");

    // A server that exits at once: the transcript names the closed connection.
    let dies = vec!["false".to_owned()];
    let out = mcp::client_session_output(&plan, &dies, NO_ENV);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("closed the connection"), "{stderr}");
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["steps"][0]["error"]["code"], -32000);
}
