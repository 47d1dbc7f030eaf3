//! Tool pins for `mcp-sign check --pin-tools FILE` / `--write-pins FILE`: the fingerprints of a
//! server's tools as the user accepted them, so a later release whose tools changed (a rug
//! pull) is refused until the user looks at the change and pins again.
//!
//! The pins file (`--write-pins` writes it):
//!
//! ```json
//! {"server": "io.github.octo/weather", "version": "1.0.0",
//!  "tools": {"get_weather": "sha256:<64 hex>"}}
//! ```
//!
//! `--pin-tools` also takes the tool definitions themselves: an MCP `tools/list` result
//! (`{"tools": [...]}`), the JSON-RPC response holding one, an array of tools or a release
//! manifest; fingerprints are computed with `protocol::manifest::tool_fingerprint`, and a
//! changed tool is then shown field by field (`protocol::scan::diff_tools`).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};
use protocol::manifest::{ContentDigest, ReleaseExtension, tool_fingerprint};
use protocol::scan::diff_tools;
use serde_json::{Value, json};

use crate::files;

/// Pinned tools: name → fingerprint, and the definitions when the file held them.
#[derive(Debug, Clone)]
pub(crate) struct Pins {
    pub(crate) server: Option<String>,
    pub(crate) tools: BTreeMap<String, String>,
    definitions: Option<Vec<Value>>,
}

/// How a release's tools differ from the pins.
#[derive(Debug, Clone, Default)]
pub(crate) struct PinDiff {
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
    /// (name, pinned fingerprint, release fingerprint, changed top-level fields if known).
    pub(crate) changed: Vec<(String, String, String, Vec<String>)>,
}

impl PinDiff {
    pub(crate) fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// One line for people: `added: a, b; removed: c; changed: d (description, inputSchema)`.
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("added: {}", self.added.join(", ")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("removed: {}", self.removed.join(", ")));
        }
        if !self.changed.is_empty() {
            let items: Vec<String> = self
                .changed
                .iter()
                .map(|(name, old, new, fields)| {
                    if fields.is_empty() {
                        format!("{name} ({old} -> {new})")
                    } else {
                        format!("{name} ({})", fields.join(", "))
                    }
                })
                .collect();
            parts.push(format!("changed: {}", items.join(", ")));
        }
        parts.join("; ")
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed.iter().map(|(name, old, new, fields)| json!({
                "name": name, "pinnedFingerprint": old, "fingerprint": new, "fields": fields,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The tool definitions a release extension declares (none without one), as the JSON their
/// fingerprints are computed over.
pub(crate) fn release_tools(release: Option<&ReleaseExtension>) -> Vec<Value> {
    release
        .into_iter()
        .flat_map(|r| &r.tools)
        // Serializing a tool (strings, maps, JSON values) cannot fail.
        .filter_map(|tool| serde_json::to_value(tool).ok())
        .collect()
}

fn by_fingerprint(tools: &[Value]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (i, t) in tools.iter().enumerate() {
        let name = t
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("tool {i} has no name"))?;
        out.entry(name.to_string())
            .or_insert_with(|| tool_fingerprint(t));
    }
    Ok(out)
}

/// Reads a pins file, or tool definitions to pin (see the module documentation).
pub(crate) fn load(path: &Path) -> Result<Pins> {
    let bytes = files::read(path)?;
    let value: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    parse(&value).with_context(|| format!("--pin-tools {}", path.display()))
}

fn parse(value: &Value) -> Result<Pins> {
    let server = value
        .get("server")
        .and_then(Value::as_str)
        .or_else(|| {
            // A manifest names its server.
            value
                .get("_meta")
                .and_then(|_| value.get("name"))
                .and_then(Value::as_str)
        })
        .map(str::to_string);
    let definitions = match value {
        Value::Array(tools) => tools.clone(),
        Value::Object(obj) => match (obj.get("tools"), obj.get("result")) {
            (Some(Value::Object(map)), _) => {
                let mut tools = BTreeMap::new();
                for (name, fp) in map {
                    let fp = fp.as_str().ok_or_else(|| {
                        anyhow!("the fingerprint of tool {name:?} is not a string")
                    })?;
                    ContentDigest::from_str(fp)
                        .map_err(|e| anyhow!("the fingerprint of tool {name:?}: {e}"))?;
                    tools.insert(name.clone(), fp.to_string());
                }
                return Ok(Pins {
                    server,
                    tools,
                    definitions: None,
                });
            }
            (Some(Value::Array(tools)), _) => tools.clone(),
            (None, Some(result)) => match result.get("tools") {
                Some(Value::Array(tools)) => tools.clone(),
                _ => bail!("result.tools is not an array of tool definitions"),
            },
            _ if obj.contains_key("_meta") || obj.contains_key("packages") => {
                let release = ReleaseExtension::read_from(value)
                    .context("the manifest's release extension does not read")?;
                release_tools(release.as_ref())
            }
            _ => bail!(
                "expected pins ({{\"server\": NAME, \"tools\": {{NAME: \"sha256:...\"}}}}), a \
                 tools/list result, an array of tool definitions or a release manifest"
            ),
        },
        _ => bail!("expected a JSON object or an array of tool definitions"),
    };
    Ok(Pins {
        server,
        tools: by_fingerprint(&definitions)?,
        definitions: Some(definitions),
    })
}

/// Compares a release's tools with the pins.
pub(crate) fn compare(pins: &Pins, release_tools: &[Value]) -> Result<PinDiff> {
    let current = by_fingerprint(release_tools)?;
    let mut diff = PinDiff::default();
    for name in pins.tools.keys() {
        if !current.contains_key(name) {
            diff.removed.push(name.clone());
        }
    }
    let detail = pins
        .definitions
        .as_ref()
        .map(|defs| diff_tools(defs, release_tools));
    for (name, fp) in &current {
        match pins.tools.get(name) {
            None => diff.added.push(name.clone()),
            Some(pinned) if pinned != fp => {
                let fields = detail
                    .as_ref()
                    .and_then(|d| d.changed.iter().find(|c| &c.name == name))
                    .map(|c| c.changed_fields().into_iter().map(str::to_string).collect())
                    .unwrap_or_default();
                diff.changed
                    .push((name.clone(), pinned.clone(), fp.clone(), fields));
            }
            Some(_) => {}
        }
    }
    Ok(diff)
}

/// The pins file of a release's tools.
pub(crate) fn pins_file(server: &str, version: &str, release_tools: &[Value]) -> Result<Value> {
    Ok(json!({
        "server": server,
        "version": version,
        "tools": by_fingerprint(release_tools)?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str, description: &str) -> Value {
        json!({"name": name, "description": description, "inputSchema": {"type": "object"}})
    }

    #[test]
    fn pins_and_definitions_compare_the_same_way() {
        let old = vec![tool("a", "A"), tool("b", "B")];
        let new = vec![tool("a", "A, changed"), tool("c", "C")];
        let file = pins_file("io.github.o/s", "1.0.0", &old).unwrap();
        let from_pins = parse(&file).unwrap();
        assert_eq!(from_pins.server.as_deref(), Some("io.github.o/s"));
        let from_list = parse(&json!({"tools": old})).unwrap();
        for pins in [&from_pins, &from_list] {
            let d = compare(pins, &new).unwrap();
            assert_eq!(d.added, ["c"]);
            assert_eq!(d.removed, ["b"]);
            assert_eq!(d.changed.len(), 1);
            assert!(compare(pins, &old).unwrap().is_empty());
        }
        // Definitions show which fields changed.
        let d = compare(&from_list, &new).unwrap();
        assert_eq!(
            d.describe(),
            "added: c; removed: b; changed: a (description)"
        );
    }

    #[test]
    fn release_tools_fingerprint_as_written() {
        let mut def = tool("a", "A");
        def["annotations"] = json!({"readOnlyHint": true});
        def["_meta"] = json!({"x": 1});
        let fingerprint = tool_fingerprint(&def);
        def["fingerprint"] = json!(fingerprint);
        let manifest =
            json!({"_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "tools": [def]}}});
        let release = ReleaseExtension::read_from(&manifest).unwrap();
        let tools = release_tools(release.as_ref());
        assert_eq!(tools.len(), 1);
        assert_eq!(tool_fingerprint(&tools[0]), fingerprint);
        assert!(release_tools(None).is_empty());
    }

    #[test]
    fn bad_pins_are_refused() {
        assert!(parse(&json!({"tools": {"a": "md5:00"}})).is_err());
        assert!(parse(&json!({"tools": {"a": 1}})).is_err());
        assert!(parse(&json!({"other": 1})).is_err());
        assert!(parse(&json!(42)).is_err());
        assert!(parse(&json!([{"description": "no name"}])).is_err());
    }
}
