//! Typed reads of JSON members: each records a problem (wrong type, missing field, unknown
//! key, bad version) at the member's path and returns what it could read.

use serde_json::{Map, Value};

use super::Checker;
use crate::manifest::{Problem, Severity};
use crate::names::{VersionProblem, version_problem};

pub(super) use crate::json_path::child;

pub(super) fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Checker<'a> {
    pub(super) fn push(
        &mut self,
        severity: Severity,
        path: &str,
        code: &'static str,
        message: String,
    ) {
        self.problems.push(Problem {
            path: path.to_owned(),
            severity,
            code,
            message,
        });
    }

    pub(super) fn error(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Error, path, code, message.into());
    }

    pub(super) fn warning(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Warning, path, code, message.into());
    }

    pub(super) fn wrong_type(&mut self, path: &str, expected: &str, found: &Value) {
        self.error(
            path,
            "wrong-type",
            format!("expected {expected}, found {}", kind(found)),
        );
    }

    /// The value at `key`, reporting it as missing if `required`.
    pub(super) fn field(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Value> {
        let value = obj.get(key);
        if value.is_none() && required {
            self.error(
                &child(path, key),
                "missing-field",
                format!("the required field {key:?} is missing"),
            );
        }
        value
    }

    pub(super) fn string(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a str> {
        match self.field(obj, path, key, required)? {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(&child(path, key), "a string", other);
                None
            }
        }
    }

    pub(super) fn boolean(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<bool> {
        match self.field(obj, path, key, required)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(&child(path, key), "true or false", other);
                None
            }
        }
    }

    pub(super) fn object(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
        required: bool,
    ) -> Option<&'a Map<String, Value>> {
        match self.field(obj, path, key, required)? {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type(&child(path, key), "an object", other);
                None
            }
        }
    }

    pub(super) fn array(
        &mut self,
        obj: &'a Map<String, Value>,
        path: &str,
        key: &str,
    ) -> Option<&'a [Value]> {
        match self.field(obj, path, key, false)? {
            Value::Array(items) => Some(items),
            other => {
                self.wrong_type(&child(path, key), "an array", other);
                None
            }
        }
    }

    pub(super) fn as_object(
        &mut self,
        value: &'a Value,
        path: &str,
    ) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(m) => Some(m),
            other => {
                self.wrong_type(path, "an object", other);
                None
            }
        }
    }

    pub(super) fn unknown_keys(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        known: &[&str],
        what: &str,
    ) {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            self.warning(
                &child(path, key),
                "unknown-field",
                format!("{key:?} is not a field of {what}; check its spelling"),
            );
        }
    }

    pub(super) fn version(&mut self, path: &str, s: &str) {
        if let Some(problem) = version_problem(s) {
            let code = match problem {
                VersionProblem::Empty => "version-empty",
                VersionProblem::TooLong => "version-too-long",
                VersionProblem::Latest => "version-latest",
                VersionProblem::Range => "version-range",
                VersionProblem::Whitespace => "version-whitespace",
            };
            self.error(path, code, problem.message(s));
        }
    }
}
