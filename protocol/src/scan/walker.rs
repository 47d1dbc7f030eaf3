//! The walk over a tool definition: every string and key of it, the free-text parameters of
//! its schemas, and the limits on depth and count; each string goes to `matching`.

use serde_json::Value;

use super::escalation::escalate;
use super::exfil_params::exfil_parameters;
use super::fold::{fold, fold_name};
use super::hidden::{self, Hit};
use super::json_path::{child, item};
use super::matching::{content_rules, dedupe};
use super::printable::{hidden_safe, prefix};
use super::{Code, Finding, Location, Report, Severity, Span};
use crate::formats::scan as limits;

/// Object members whose values are digests and other machine data, not text for a model.
const NOT_TEXT_KEYS: &[&str] = &[
    "fingerprint",
    "sha256",
    "fileSha256",
    "integrity",
    "ociDigest",
    "sourceCommit",
    "$schema",
];

#[derive(Debug, Clone, Copy)]
pub(super) enum Skip<'a> {
    None,
    Paths(&'a [&'a str]),
}

/// The findings of one tool (or of the server metadata) before escalation.
#[derive(Debug, Default)]
pub(super) struct Group {
    pub(super) tool: Option<String>,
    pub(super) findings: Vec<Finding>,
    /// Free-text parameters: (path of the property, name, description text).
    pub(super) params: Vec<Param>,
    /// Folded text of every description-like string of the tool, for parameter references.
    pub(super) texts: Vec<String>,
}

#[derive(Debug)]
pub(super) struct Param {
    pub(super) path: String,
    pub(super) name: String,
    pub(super) free_text: bool,
    pub(super) description_path: String,
}

#[derive(Debug, Default)]
pub(super) struct Scanner {
    groups: Vec<Group>,
    strings: usize,
    limited: bool,
}

impl Scanner {
    pub(super) fn begin_group(&mut self, tool: Option<String>) {
        self.groups.push(Group {
            tool,
            ..Group::default()
        });
    }

    fn group(&mut self) -> &mut Group {
        if self.groups.is_empty() {
            self.groups.push(Group::default());
        }
        let last = self.groups.len() - 1;
        &mut self.groups[last]
    }

    pub(super) fn tool(&mut self, tool: &Value, path: &str) {
        let name = tool
            .get("name")
            .and_then(Value::as_str)
            .map(|n| hidden_safe(n, 80));
        self.begin_group(name);
        for key in ["inputSchema", "outputSchema"] {
            if let Some(schema) = tool.get(key) {
                self.params(schema, &child(path, key), 0);
            }
        }
        self.walk(tool, path.to_owned(), 0, &Skip::None);
        if let Some(name) = tool.get("name").and_then(Value::as_str)
            && let Some(h) = super::lookalike::check_name(name)
        {
            let finding = Finding {
                code: h.code,
                severity: h.severity,
                path: child(path, "name"),
                location: Location::Value,
                span: Span {
                    start: h.start,
                    end: h.end,
                },
                excerpt: hidden_safe(name, 200),
                decoded: None,
                decoding: Vec::new(),
                matched: None,
                raised_with: Vec::new(),
                message: h.message,
                tool: self.group().tool.clone(),
            };
            self.group().findings.push(finding);
        }
    }

    /// Record the free-text parameters of a JSON Schema, nested ones included.
    fn params(&mut self, schema: &Value, path: &str, depth: usize) {
        if depth > limits::MAX_DEPTH {
            return;
        }
        let Some(obj) = schema.as_object() else {
            return;
        };
        if let Some(Value::Object(props)) = obj.get("properties") {
            let props_path = child(path, "properties");
            for (name, prop) in props {
                let prop_path = child(&props_path, name);
                self.group().params.push(Param {
                    path: prop_path.clone(),
                    name: name.clone(),
                    free_text: is_free_text(prop),
                    description_path: child(&prop_path, "description"),
                });
                self.params(prop, &prop_path, depth + 1);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(sub) = obj.get(key) {
                self.params(sub, &child(path, key), depth + 1);
            }
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(Value::Array(subs)) = obj.get(key) {
                let p = child(path, key);
                for (i, sub) in subs.iter().enumerate() {
                    self.params(sub, &item(&p, i), depth + 1);
                }
            }
        }
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = obj.get(key) {
                let p = child(path, key);
                for (name, sub) in defs {
                    self.params(sub, &child(&p, name), depth + 1);
                }
            }
        }
    }

    pub(super) fn walk(&mut self, value: &Value, path: String, depth: usize, skip: &Skip<'_>) {
        if let Skip::Paths(paths) = skip
            && paths.contains(&path.as_str())
        {
            return;
        }
        if depth > limits::MAX_DEPTH || self.strings > limits::MAX_STRINGS {
            if !self.limited {
                self.limited = true;
                let finding = Finding {
                    code: Code::ScanLimit,
                    severity: Severity::Warning,
                    path: path.clone(),
                    location: Location::Value,
                    span: Span { start: 0, end: 0 },
                    excerpt: String::new(),
                    decoded: None,
                    decoding: Vec::new(),
                    matched: None,
                    raised_with: Vec::new(),
                    message: format!(
                        "not scanned further: more than {} levels of nesting or {} strings",
                        limits::MAX_DEPTH,
                        limits::MAX_STRINGS
                    ),
                    tool: None,
                };
                self.group().findings.push(finding);
            }
            return;
        }
        match value {
            Value::String(s) => self.string(s, &path, Location::Value),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(v, item(&path, i), depth + 1, skip);
                }
            }
            Value::Object(obj) => {
                for (k, v) in obj {
                    let p = child(&path, k);
                    self.string(k, &p, Location::Key);
                    if NOT_TEXT_KEYS.contains(&k.as_str()) && v.is_string() {
                        continue;
                    }
                    self.walk(v, p, depth + 1, skip);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Scan one string: hidden-text checks on the original, content rules on the folded
    /// forms, and the same again on whatever hidden text decodes to.
    pub(super) fn string(&mut self, text: &str, path: &str, location: Location) {
        self.strings += 1;
        if text.is_empty() {
            return;
        }
        let text = prefix(text, limits::MAX_STRING_LEN);
        let (hits, hidden_texts) = hidden::check(text);
        let mut found: Vec<Hit> = hits;
        let identifier = location == Location::Key
            || (text.len() <= 128 && !text.chars().any(char::is_whitespace));
        let mut forms = vec![fold(text)];
        if identifier {
            forms.push(fold_name(text));
        }
        for folded in &forms {
            content_rules(text, folded, &mut found);
        }
        super::multilingual::rules(text, &mut found);
        if location == Location::Value && !identifier {
            let folded = forms.first().map(|f| f.text.clone()).unwrap_or_default();
            self.group().texts.push(folded);
        }
        // Escapes (hex, percent, entities, \u) are decoded like the hidden texts above, and
        // everything decoded is followed through further encodings.
        let (escape_hits, escaped) = super::decode::escapes(text);
        found.extend(escape_hits);
        let (decoded_hits, decoded_texts) = super::layers::reveal(hidden_texts, escaped);
        found.extend(decoded_hits);
        self.group().texts.extend(decoded_texts);
        dedupe(&mut found);
        let tool = self.group().tool.clone();
        for h in found {
            let excerpt = if h.start == h.end {
                String::new()
            } else {
                hidden_safe(text.get(h.start..h.end).unwrap_or_default(), 200)
            };
            let finding = Finding {
                code: h.code,
                severity: h.severity,
                path: path.to_owned(),
                location,
                span: Span {
                    start: h.start,
                    end: h.end,
                },
                excerpt,
                decoded: h.decoded.map(|d| hidden_safe(&d, 400)),
                decoding: h.decoding.iter().map(|d| (*d).to_owned()).collect(),
                matched: h.matched.map(|m| hidden_safe(&m, 200)),
                raised_with: Vec::new(),
                message: h.message,
                tool: tool.clone(),
            };
            self.group().findings.push(finding);
        }
    }

    pub(super) fn finish(mut self, tools: usize) -> Report {
        let mut findings = Vec::new();
        for group in &mut self.groups {
            exfil_parameters(group);
            escalate(group);
            findings.append(&mut group.findings);
        }
        Report { tools, findings }
    }
}

/// Whether a parameter schema accepts free text (a string, or anything).
fn is_free_text(schema: &Value) -> bool {
    let Some(obj) = schema.as_object() else {
        return true;
    };
    if obj.contains_key("enum") || obj.contains_key("const") {
        return false;
    }
    match obj.get("type") {
        None => !obj.contains_key("properties") && !obj.contains_key("items"),
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        Some(_) => false,
    }
}
