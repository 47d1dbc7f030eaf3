//! The tools a release declares, read from a `tools/list` result and fingerprinted.

use std::path::Path;

use anyhow::{Result, bail};
use protocol::manifest::{self, FINGERPRINT_KEY};
use serde_json::{Value, json};

use super::input::read_json;
use crate::output::Output;

/// Tool definitions from an MCP `tools/list` result (`{"tools": [...]}`, or the whole JSON-RPC
/// response), or a plain array; each gets its fingerprint.
pub(super) fn read_tools(path: &Path, out: &Output) -> Result<Vec<Value>> {
    let value = read_json(path)?;
    let result = value
        .get("result")
        .filter(|r| r.get("tools").is_some())
        .unwrap_or(&value);
    if result.get("nextCursor").is_some_and(|c| !c.is_null()) {
        out.note(&format!(
            "note: {} has a nextCursor: the server has more tools; record every page",
            path.display()
        ));
    }
    let tools = match result {
        Value::Array(items) => items,
        Value::Object(o) => match o.get("tools") {
            Some(Value::Array(items)) => items,
            _ => bail!(
                "{} has no \"tools\" array (expected a tools/list result or an array)",
                path.display()
            ),
        },
        _ => bail!(
            "{} is neither a tools/list result nor an array of tools",
            path.display()
        ),
    };
    let mut recorded = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        let Value::Object(def) = tool else {
            bail!("{}: tool {i} is not a JSON object", path.display());
        };
        if !def.get("name").is_some_and(Value::is_string) {
            bail!("{}: tool {i} has no \"name\"", path.display());
        }
        let mut def = def.clone();
        def.remove(FINGERPRINT_KEY);
        let fingerprint = manifest::tool_fingerprint(&Value::Object(def.clone()));
        def.insert(FINGERPRINT_KEY.to_owned(), json!(fingerprint));
        recorded.push(Value::Object(def));
    }
    Ok(recorded)
}
