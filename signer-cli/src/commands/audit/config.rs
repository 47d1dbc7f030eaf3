//! Reading client configuration files: JSON, or JSON with comments and trailing commas (VS
//! Code's settings.json and mcp.json), in every shape the clients use.
//!
//! | shape | used by |
//! |---|---|
//! | `{"mcpServers": {NAME: ENTRY}}` | Claude Desktop, Claude Code (`.mcp.json`, `~/.claude.json`), Cursor, Windsurf, Gemini CLI |
//! | `{"projects": {DIR: {"mcpServers": {...}}}}` | Claude Code's per-project servers in `~/.claude.json` |
//! | `{"servers": {NAME: ENTRY}}` | VS Code `mcp.json` |
//! | `{"mcp": {"servers": {...}}}` or `{"mcp.servers": {...}}` | VS Code `settings.json` |
//!
//! An entry runs a local command (`command`, `args`, `env`, `cwd`) or connects to a server
//! (`url`, Windsurf's `serverUrl`, Gemini's `httpUrl`, with `headers`); `type` says which
//! (`stdio`, `http`, `sse`, `streamable-http`).

use serde_json::{Map, Value};

/// How a client reaches a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transport {
    Stdio {
        command: String,
        args: Vec<String>,
    },
    Remote {
        /// `http`, `sse` or `streamable-http`.
        kind: String,
        url: String,
        headers: Vec<(String, String)>,
    },
}

/// One configured server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) name: String,
    /// Where in the file it is (`mcpServers.github`, `projects["/repo"].mcpServers.x`).
    pub(crate) at: String,
    pub(crate) transport: Transport,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) disabled: bool,
}

/// A problem with one entry: it is reported and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntryProblem {
    pub(crate) name: String,
    pub(crate) at: String,
    pub(crate) message: String,
}

/// What a file holds.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) entries: Vec<Entry>,
    pub(crate) problems: Vec<EntryProblem>,
}

/// Parse a configuration file's text. `Err` is a message saying why it is not a
/// configuration (not JSON, with line and column, or not an object).
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    // Same offsets as the text, so error positions are the file's.
    let cleaned = super::spans::blank_jsonc(text);
    let value: Value = serde_json::from_str(&cleaned).map_err(|e| {
        format!(
            "not valid JSON: {} (line {}, column {})",
            e.to_string().split(" at line ").next().unwrap_or_default(),
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(root) = value else {
        return Err("not a JSON object".to_owned());
    };
    let mut parsed = Parsed::default();
    for table in server_tables(&root) {
        collect(table.servers, &table.at, &mut parsed);
    }
    Ok(parsed)
}

/// One object of servers in a file.
#[derive(Debug)]
pub(crate) struct ServerTable<'a> {
    /// The object keys leading to it from the root.
    pub(crate) path: Vec<String>,
    /// How findings name it (`mcpServers`, `projects["/repo"].mcpServers`).
    pub(crate) at: String,
    pub(crate) servers: &'a Value,
}

/// Every server table `root` holds, in the shapes of the module documentation.
pub(crate) fn server_tables(root: &Map<String, Value>) -> Vec<ServerTable<'_>> {
    let mut tables = Vec::new();
    let mut add = |path: &[&str], at: String, servers| add_table(&mut tables, path, at, servers);
    add(
        &["mcpServers"],
        "mcpServers".to_owned(),
        root.get("mcpServers"),
    );
    add(&["servers"], "servers".to_owned(), root.get("servers"));
    add(
        &["mcp", "servers"],
        "mcp.servers".to_owned(),
        root.get("mcp").and_then(|m| m.get("servers")),
    );
    add(
        &["mcp.servers"],
        "[\"mcp.servers\"]".to_owned(),
        root.get("mcp.servers"),
    );
    if let Some(Value::Object(projects)) = root.get("projects") {
        for (dir, project) in projects {
            add(
                &["projects", dir, "mcpServers"],
                format!("projects[{}].mcpServers", Value::String(dir.clone())),
                project.get("mcpServers"),
            );
        }
    }
    tables
}

fn add_table<'a>(
    tables: &mut Vec<ServerTable<'a>>,
    path: &[&str],
    at: String,
    servers: Option<&'a Value>,
) {
    if let Some(servers) = servers {
        tables.push(ServerTable {
            path: path.iter().map(|p| (*p).to_owned()).collect(),
            at,
            servers,
        });
    }
}

fn collect(servers: &Value, at: &str, parsed: &mut Parsed) {
    let Value::Object(servers) = servers else {
        parsed.problems.push(EntryProblem {
            name: String::new(),
            at: at.to_owned(),
            message: "is not an object of servers".to_owned(),
        });
        return;
    };
    for (name, entry) in servers {
        let entry_at = format!("{at}.{name}");
        match parse_entry(name, entry) {
            Ok(mut e) => {
                e.at = entry_at;
                parsed.entries.push(e);
            }
            Err(message) => parsed.problems.push(EntryProblem {
                name: name.clone(),
                at: entry_at,
                message,
            }),
        }
    }
}

fn parse_entry(name: &str, entry: &Value) -> Result<Entry, String> {
    let Value::Object(obj) = entry else {
        return Err("is not an object".to_owned());
    };
    let kind = obj
        .get("type")
        .or_else(|| obj.get("transport"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let url = ["url", "serverUrl", "httpUrl"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str).map(|u| (*k, u)));
    let command = obj.get("command").and_then(Value::as_str);
    let transport = match (command, url) {
        (Some(command), _) if kind.is_empty() || kind == "stdio" => Transport::Stdio {
            command: command.to_owned(),
            args: strings(obj.get("args"))?,
        },
        (_, Some((key, url))) => Transport::Remote {
            kind: match kind.as_str() {
                "" if key == "httpUrl" => "streamable-http".to_owned(),
                "" if key == "url" && obj.contains_key("headers") => "http".to_owned(),
                "" => "sse".to_owned(),
                "streamablehttp" | "streamable_http" => "streamable-http".to_owned(),
                other => other.to_owned(),
            },
            url: url.to_owned(),
            headers: pairs(obj.get("headers"))?,
        },
        (Some(command), None) => Transport::Stdio {
            command: command.to_owned(),
            args: strings(obj.get("args"))?,
        },
        (None, None) => {
            return Err("has neither a \"command\" nor a \"url\"".to_owned());
        }
    };
    let disabled = obj
        .get("disabled")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        || obj.get("enabled").and_then(Value::as_bool) == Some(false);
    Ok(Entry {
        name: name.to_owned(),
        at: String::new(),
        transport,
        env: pairs(obj.get("env"))?,
        disabled,
    })
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items.iter().map(scalar).collect()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(_) => Err("has \"args\" that is not an array of strings".to_owned()),
    }
}

fn pairs(v: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(object_pairs(map)),
        Some(_) => Err("has \"env\" or \"headers\" that is not an object".to_owned()),
    }
}

fn object_pairs(map: &Map<String, Value>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.clone(), scalar(v))).collect()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas() {
        let text = "{\n // a comment\n \"servers\": { \"a\": {\"command\": \"npx\", \"args\": [\"x\", /* c */ ],}, },\n \"url\": \"http://x//y\"\n}";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(
            parsed.entries[0].transport,
            Transport::Stdio {
                command: "npx".into(),
                args: vec!["x".into()]
            }
        );
    }

    #[test]
    fn errors_have_positions() {
        let err = parse("{\n  \"mcpServers\": {\n    \"a\": \n}").unwrap_err();
        assert!(err.contains("line 4"), "{err}");
        assert_eq!(parse("[]").unwrap_err(), "not a JSON object");
    }

    #[test]
    fn every_shape_is_read() {
        let text = r#"{
          "mcpServers": {"a": {"command": "uvx", "args": ["mcp-server-git"]}},
          "servers": {"b": {"type": "http", "url": "https://x/mcp", "headers": {"Authorization": "Bearer t"}}},
          "mcp": {"servers": {"c": {"type": "sse", "url": "https://y/sse"}}},
          "projects": {"/repo": {"mcpServers": {"d": {"httpUrl": "https://z/mcp"}}}},
          "extra": {"mcpServers": "ignored"}
        }"#;
        let parsed = parse(text).unwrap();
        let names: Vec<(&str, &str)> = parsed
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.at.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("a", "mcpServers.a"),
                ("b", "servers.b"),
                ("c", "mcp.servers.c"),
                ("d", "projects[\"/repo\"].mcpServers.d")
            ]
        );
        match &parsed.entries[3].transport {
            Transport::Remote { kind, .. } => assert_eq!(kind, "streamable-http"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_entries_are_problems() {
        let parsed =
            parse(r#"{"mcpServers": {"a": 3, "b": {}, "c": {"command": "x", "args": 5}}}"#)
                .unwrap();
        assert!(parsed.entries.is_empty());
        let msgs: Vec<&str> = parsed.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "is not an object",
                "has neither a \"command\" nor a \"url\"",
                "has \"args\" that is not an array of strings"
            ]
        );
    }
}
