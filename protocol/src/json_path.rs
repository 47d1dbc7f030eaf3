//! The JSONPath spelling of a member, shared by the manifest checker's problems, the scanner's
//! findings and tool diffs, so one key is named the same way everywhere.

use serde_json::Value;

/// `$.a.b`, or `$.a["dev.mcp-trust/release"]` for keys that are not plain identifiers (as a
/// JSON string literal: an unambiguous, escaped spelling of any key).
pub(crate) fn child(path: &str, key: &str) -> String {
    child_quoted(path, key, |key| Value::String(key.to_owned()).to_string())
}

/// `$.a.b`, or `$.a` then `[` + `quote(key)` + `]` for keys that are not plain identifiers:
/// callers that show paths to people quote differently (see the scanner's `json_path`).
pub(crate) fn child_quoted(path: &str, key: &str, quote: impl FnOnce(&str) -> String) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", quote(key))
    }
}
