//! The release extension's `tools[]`: names, annotations and the fingerprint of each tool.

use std::collections::HashMap;

use serde_json::Value;

use super::Checker;
use super::json_reads::child;
use crate::manifest::digest::ContentDigest;
use crate::manifest::fingerprint::{FINGERPRINT_KEY, tool_fingerprint};
use crate::names::excerpt;

const TOOL_ANNOTATION_HINTS: &[&str] = &[
    "readOnlyHint",
    "destructiveHint",
    "idempotentHint",
    "openWorldHint",
];
/// MCP's recommended tool name limit.
const TOOL_NAME_MAX_LEN: usize = 128;

impl<'a> Checker<'a> {
    pub(super) fn tool(
        &mut self,
        path: &str,
        index: usize,
        value: &'a Value,
        names: &mut HashMap<&'a str, usize>,
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        if let Some(name) = self.string(obj, path, "name", true) {
            let np = child(path, "name");
            if name.is_empty() {
                self.error(&np, "missing-field", "the tool's name is empty");
            } else if let Some(first) = names.get(name) {
                let first = *first;
                self.error(
                    &np,
                    "duplicate-tool-name",
                    format!("{:?} is already the name of tools[{first}]", excerpt(name)),
                );
            } else {
                names.insert(name, index);
                let unusual = name.chars().count() > TOOL_NAME_MAX_LEN
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
                if unusual {
                    self.warning(
                        &np,
                        "tool-name-unusual",
                        "MCP recommends tool names of at most 128 letters, digits, _, - and .",
                    );
                }
            }
        }
        self.string(obj, path, "title", false);
        self.string(obj, path, "description", false);
        if let Some(schema) = self.object(obj, path, "inputSchema", true)
            && schema.get("type").and_then(Value::as_str) != Some("object")
        {
            self.warning(
                &child(&child(path, "inputSchema"), "type"),
                "input-schema-not-object",
                "MCP requires a tool's inputSchema to have \"type\": \"object\"",
            );
        }
        self.object(obj, path, "outputSchema", false);
        if let Some(ann) = self.object(obj, path, "annotations", false) {
            let ap = child(path, "annotations");
            self.string(ann, &ap, "title", false);
            for hint in TOOL_ANNOTATION_HINTS {
                self.boolean(ann, &ap, hint, false);
            }
        }
        let computed = tool_fingerprint(value);
        let fp = child(path, FINGERPRINT_KEY);
        match obj.get(FINGERPRINT_KEY) {
            Some(Value::String(recorded)) => {
                if recorded.parse::<ContentDigest>().is_err() {
                    self.error(
                        &fp,
                        "invalid-fingerprint",
                        format!(
                            "{:?} is not a fingerprint (sha256: and 64 lowercase hex digits); it \
                             should be {computed}",
                            excerpt(recorded)
                        ),
                    );
                } else if *recorded != computed {
                    self.error(
                        &fp,
                        "tool-fingerprint-mismatch",
                        format!(
                            "the fingerprint does not match the tool definition, which hashes to \
                             {computed}; re-record the tools (mcp-sign manifest init --tools FILE)"
                        ),
                    );
                }
            }
            Some(other) => self.wrong_type(&fp, "a string", other),
            None => self.error(
                &fp,
                "missing-field",
                format!("the tool has no fingerprint; it should be {computed}"),
            ),
        }
    }
}
