//! The scanner's entry points: recognise what a JSON document is ([`Subject`]) and scan a
//! manifest, a tools list, one tool or one string.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json_path::{child, item};
use super::walker::{Scanner, Skip};
use super::{Finding, Location, Report};
use crate::error::Error;
use crate::formats::{MANIFEST_MAX_LEN, RELEASE_META_KEY};

/// What was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// A release manifest (server.json): its metadata and the tools of its release extension.
    Manifest,
    /// A `tools/list` result: `{"tools": [...]}`.
    ToolsList,
    /// A JSON-RPC response holding a `tools/list` result: `{"result": {"tools": [...]}}`.
    JsonRpc,
    /// A plain array of tool definitions.
    ToolArray,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manifest => "manifest",
            Self::ToolsList => "tools-list",
            Self::JsonRpc => "json-rpc",
            Self::ToolArray => "tool-array",
        }
    }
}

/// Parse `bytes` as JSON, recognise what it is (a release manifest, a `tools/list` result, a
/// JSON-RPC response holding one, or an array of tools) and scan it.
pub fn scan_json(bytes: &[u8]) -> Result<(Subject, Report), Error> {
    if bytes.len() > MANIFEST_MAX_LEN {
        return Err(Error::ScanInput(format!(
            "{} bytes is more than the {MANIFEST_MAX_LEN} bytes this scanner reads",
            bytes.len()
        )));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Error::ScanInput(format!(
            "not valid JSON: {e} (a release manifest, a tools/list result or an array of tools)"
        ))
    })?;
    scan_value(&value)
}

/// Recognise what `value` is and scan it (see [`scan_json`]).
pub fn scan_value(value: &Value) -> Result<(Subject, Report), Error> {
    let tools_of = |v: &Value| match v.get("tools") {
        Some(Value::Array(tools)) => Some(tools.clone()),
        _ => None,
    };
    match value {
        Value::Array(tools) => Ok((Subject::ToolArray, scan_tools_at(tools, "$"))),
        Value::Object(obj) => {
            if let Some(result) = obj.get("result").filter(|r| r.get("tools").is_some()) {
                let tools = tools_of(result).ok_or_else(|| {
                    Error::ScanInput("result.tools is not an array of tools".to_owned())
                })?;
                return Ok((Subject::JsonRpc, scan_tools_at(&tools, "$.result.tools")));
            }
            let looks_like_manifest = ["$schema", "packages", "remotes", "version"]
                .iter()
                .any(|k| obj.contains_key(*k))
                && !obj.contains_key("inputSchema");
            if looks_like_manifest && obj.get("name").is_some_and(Value::is_string) {
                return Ok((Subject::Manifest, scan_manifest(value)));
            }
            if let Some(tools) = tools_of(value) {
                return Ok((Subject::ToolsList, scan_tools_at(&tools, "$.tools")));
            }
            if obj.contains_key("name")
                && (obj.contains_key("inputSchema") || obj.contains_key("description"))
            {
                return Ok((
                    Subject::ToolArray,
                    scan_tools_at(std::slice::from_ref(value), "$"),
                ));
            }
            Err(Error::ScanInput(
                "expected a release manifest (server.json), a tools/list result ({\"tools\": [...]}) \
                 or an array of tool definitions"
                    .to_owned(),
            ))
        }
        _ => Err(Error::ScanInput(
            "expected a JSON object or array of tool definitions".to_owned(),
        )),
    }
}

/// Scan tool definitions as `tools/list` returns them; paths are `$[0]...`.
pub fn scan_tools(tools: &[Value]) -> Report {
    scan_tools_at(tools, "$")
}

/// Scan tool definitions whose array is at JSONPath `base` (e.g. `$.tools`).
pub fn scan_tools_at(tools: &[Value], base: &str) -> Report {
    let mut scanner = Scanner::default();
    for (i, tool) in tools.iter().enumerate() {
        scanner.tool(tool, &item(base, i));
    }
    scanner.finish(tools.len())
}

/// Scan a release manifest: every string of the server metadata (description, title, package
/// arguments and environment variable descriptions, ...) and every tool of its release
/// extension.
pub fn scan_manifest(manifest: &Value) -> Report {
    let mut scanner = Scanner::default();
    let release_path = child("$._meta", RELEASE_META_KEY);
    let tools = manifest
        .get("_meta")
        .and_then(|m| m.get(RELEASE_META_KEY))
        .and_then(|r| r.get("tools"))
        .and_then(Value::as_array);
    let tools_path = format!("{release_path}.tools");
    scanner.begin_group(None);
    scanner.walk(manifest, "$".to_owned(), 0, &Skip::Paths(&[&tools_path]));
    let count = tools.map_or(0, Vec::len);
    if let Some(tools) = tools {
        for (i, tool) in tools.iter().enumerate() {
            scanner.tool(tool, &item(&tools_path, i));
        }
    }
    scanner.finish(count)
}

/// Scan one tool definition; paths start at `$`.
pub fn scan_tool(tool: &Value) -> Vec<Finding> {
    let mut scanner = Scanner::default();
    scanner.tool(tool, "$");
    scanner.finish(1).findings
}

/// Scan one string (a description, say) on its own; paths are `$`.
pub fn scan_text(text: &str) -> Vec<Finding> {
    let mut scanner = Scanner::default();
    scanner.begin_group(None);
    scanner.string(text, "$", Location::Value);
    scanner.finish(0).findings
}
