//! Rug pulls: how a server's tools changed between two versions.
//!
//! [`diff_tools`] matches tools by name and compares their [fingerprints]; for a changed tool
//! it lists every field that differs (with the old and new values), so a client that pinned
//! the old fingerprints can show what changed before it accepts the new definition.
//! [`text_diff`] gives a line diff of two strings (a changed description, say).
//!
//! [fingerprints]: crate::manifest::tool_fingerprint

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json_path::child;
use crate::manifest::{FINGERPRINT_KEY, tool_fingerprint};

/// Nesting below which changed values are reported whole rather than field by field.
const MAX_DEPTH: usize = 32;
/// Strings with more lines than this are diffed as one replaced block.
const MAX_DIFF_LINES: usize = 2000;

/// A tool, by name and fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToolRef {
    pub name: String,
    pub fingerprint: String,
}

/// How one field changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One field of a tool definition that differs between the two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// JSONPath within the tool: `$.description`, `$.inputSchema.properties.sidenote`, ...
    pub path: String,
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub new: Option<Value>,
}

/// A tool present in both versions whose definition changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ToolChange {
    pub name: String,
    pub old_fingerprint: String,
    pub new_fingerprint: String,
    /// Every differing field, in document order.
    pub fields: Vec<FieldChange>,
}

impl ToolChange {
    /// The top-level fields that changed (`description`, `inputSchema`, `annotations`, ...).
    pub fn changed_fields(&self) -> Vec<&str> {
        let mut tops: Vec<&str> = Vec::new();
        for f in &self.fields {
            let rest = f.path.strip_prefix("$.").unwrap_or(&f.path);
            let top = rest.split(['.', '[']).next().unwrap_or(rest);
            if !tops.contains(&top) {
                tops.push(top);
            }
        }
        tops
    }
}

/// How the tool list of a server changed from `old` to `new`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolsDiff {
    pub added: Vec<ToolRef>,
    pub removed: Vec<ToolRef>,
    pub changed: Vec<ToolChange>,
    /// Names of the tools whose fingerprints are equal.
    pub unchanged: Vec<String>,
}

impl ToolsDiff {
    /// Whether the two tool lists are the same (by fingerprint).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compare two tool lists (MCP tool definitions, with or without recorded fingerprints).
///
/// Tools are matched by `name`; a definition without a string name is keyed `#<index>`. When a
/// name occurs twice in one list, the first definition counts. Fingerprints are computed from
/// the definitions (a recorded `fingerprint` member is ignored), so a lying recorded
/// fingerprint cannot hide a change.
///
/// ```
/// use serde_json::json;
/// let old = [json!({"name": "add", "description": "Adds two numbers", "inputSchema": {}})];
/// let new = [json!({"name": "add", "description": "Adds two numbers. <IMPORTANT>...", "inputSchema": {}}),
///            json!({"name": "sub", "inputSchema": {}})];
/// let diff = protocol::scan::diff_tools(&old, &new);
/// assert_eq!(diff.added[0].name, "sub");
/// assert_eq!(diff.changed[0].changed_fields(), ["description"]);
/// ```
pub fn diff_tools(old: &[Value], new: &[Value]) -> ToolsDiff {
    let old_by_name = by_name(old);
    let new_by_name = by_name(new);
    let mut diff = ToolsDiff::default();
    for (name, (_, tool)) in ordered(&old_by_name) {
        if !new_by_name.contains_key(name) {
            diff.removed.push(ToolRef {
                name: name.clone(),
                fingerprint: tool_fingerprint(tool),
            });
        }
    }
    for (name, (_, new_tool)) in ordered(&new_by_name) {
        let new_fp = tool_fingerprint(new_tool);
        match old_by_name.get(name) {
            None => diff.added.push(ToolRef {
                name: name.clone(),
                fingerprint: new_fp,
            }),
            Some((_, old_tool)) => {
                let old_fp = tool_fingerprint(old_tool);
                if old_fp == new_fp {
                    diff.unchanged.push(name.clone());
                } else {
                    let mut fields = Vec::new();
                    compare(
                        &without_fingerprint(old_tool),
                        &without_fingerprint(new_tool),
                        "$",
                        0,
                        &mut fields,
                    );
                    diff.changed.push(ToolChange {
                        name: name.clone(),
                        old_fingerprint: old_fp,
                        new_fingerprint: new_fp,
                        fields,
                    });
                }
            }
        }
    }
    diff
}

/// Tools keyed by name, remembering their position.
fn by_name(tools: &[Value]) -> BTreeMap<String, (usize, &Value)> {
    let mut map = BTreeMap::new();
    for (i, tool) in tools.iter().enumerate() {
        let name = tool
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{i}"), str::to_owned);
        map.entry(name).or_insert((i, tool));
    }
    map
}

/// Entries in their original order.
fn ordered<'a>(
    map: &'a BTreeMap<String, (usize, &'a Value)>,
) -> Vec<(&'a String, &'a (usize, &'a Value))> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by_key(|(_, (i, _))| *i);
    entries
}

fn without_fingerprint(tool: &Value) -> Value {
    match tool {
        Value::Object(map) => {
            let mut map = map.clone();
            map.remove(FINGERPRINT_KEY);
            Value::Object(map)
        }
        other => other.clone(),
    }
}

fn compare(old: &Value, new: &Value, path: &str, depth: usize, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    let changed = |out: &mut Vec<FieldChange>| {
        out.push(FieldChange {
            path: path.to_owned(),
            kind: ChangeKind::Changed,
            old: Some(old.clone()),
            new: Some(new.clone()),
        });
    };
    if depth >= MAX_DEPTH {
        changed(out);
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = child(path, k);
                match b.get(k) {
                    Some(vb) => compare(va, vb, &p, depth + 1, out),
                    None => out.push(FieldChange {
                        path: p,
                        kind: ChangeKind::Removed,
                        old: Some(va.clone()),
                        new: None,
                    }),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(FieldChange {
                        path: child(path, k),
                        kind: ChangeKind::Added,
                        old: None,
                        new: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                compare(va, vb, &format!("{path}[{i}]"), depth + 1, out);
            }
        }
        _ => changed(out),
    }
}

/// One line of a [`text_diff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub op: DiffOp,
    pub text: String,
}

/// Whether a line is in both texts, only the old one or only the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffOp {
    Equal,
    Delete,
    Insert,
}

/// A line diff of `old` and `new` (longest common subsequence). Texts with more than
/// 2000 lines are shown as all old lines deleted and all new lines inserted.
pub fn text_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let line = |op, text: &str| DiffLine {
        op,
        text: text.to_owned(),
    };
    if a.len() > MAX_DIFF_LINES || b.len() > MAX_DIFF_LINES {
        return a
            .iter()
            .map(|t| line(DiffOp::Delete, t))
            .chain(b.iter().map(|t| line(DiffOp::Insert, t)))
            .collect();
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let width = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            let v = if a.get(i) == b.get(j) {
                lcs.get((i + 1) * width + j + 1).copied().unwrap_or(0) + 1
            } else {
                let down = lcs.get((i + 1) * width + j).copied().unwrap_or(0);
                let right = lcs.get(i * width + j + 1).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = lcs.get_mut(i * width + j) {
                *cell = v;
            }
        }
    }
    let at = |i: usize, j: usize| lcs.get(i * width + j).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                out.push(line(DiffOp::Equal, x));
                i += 1;
                j += 1;
            }
            (Some(x), Some(_)) if at(i + 1, j) >= at(i, j + 1) => {
                out.push(line(DiffOp::Delete, x));
                i += 1;
            }
            (_, Some(y)) => {
                out.push(line(DiffOp::Insert, y));
                j += 1;
            }
            (Some(x), None) => {
                out.push(line(DiffOp::Delete, x));
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}
