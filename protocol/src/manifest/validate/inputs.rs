//! A package's or remote's inputs: arguments, environment variables and headers, their
//! fields, and the variables they define for URL templates.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::Checker;
use super::cross_refs::NamedInput;
use super::json_reads::{child, item};
use crate::names::excerpt;

impl<'a> Checker<'a> {
    /// Checks the fields every input has. Nested `variables` are checked too (the schema only
    /// expects them on some inputs, but the typed view reads them wherever they are).
    pub(super) fn input_fields(&mut self, obj: &'a Map<String, Value>, path: &str) {
        self.string(obj, path, "description", false);
        self.boolean(obj, path, "isRequired", false);
        self.boolean(obj, path, "isSecret", false);
        if let Some(format) = self.string(obj, path, "format", false)
            && !matches!(format, "string" | "number" | "boolean" | "filepath")
        {
            self.error(
                &child(path, "format"),
                "invalid-input-format",
                format!(
                    "{:?} is not an input format; use string, number, boolean or filepath",
                    excerpt(format)
                ),
            );
        }
        let default = self.string(obj, path, "default", false);
        self.string(obj, path, "value", false);
        self.string(obj, path, "placeholder", false);
        let mut choices = Vec::new();
        if let Some(items) = self.array(obj, path, "choices") {
            let p = child(path, "choices");
            for (i, choice) in items.iter().enumerate() {
                match choice {
                    Value::String(s) => choices.push(s.as_str()),
                    other => self.wrong_type(&item(&p, i), "a string", other),
                }
            }
        }
        if let Some(default) = default
            && !choices.is_empty()
            && !choices.contains(&default)
        {
            self.warning(
                &child(path, "default"),
                "default-not-in-choices",
                format!(
                    "the default {:?} is not one of the choices",
                    excerpt(default)
                ),
            );
        }
        if let Some(vars) = self.object(obj, path, "variables", false) {
            let p = child(path, "variables");
            for (name, var) in vars {
                let vp = child(&p, name);
                if let Some(var) = self.as_object(var, &vp) {
                    self.input_fields(var, &vp);
                }
            }
        }
    }

    /// An environment variable or header; returns its name.
    pub(super) fn key_value_input(&mut self, path: &str, value: &'a Value) -> Option<&'a str> {
        let obj = self.as_object(value, path)?;
        let name = self.string(obj, path, "name", true);
        if name == Some("") {
            self.error(&child(path, "name"), "missing-field", "the name is empty");
        }
        self.input_fields(obj, path);
        let name = name.filter(|n| !n.is_empty())?;
        let is_secret = obj
            .get("isSecret")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.named_inputs.push(NamedInput {
            path: path.to_owned(),
            name,
            is_secret,
        });
        Some(name)
    }

    pub(super) fn argument(
        &mut self,
        path: &str,
        value: &'a Value,
        variables: &mut BTreeSet<&'a str>,
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        self.input_fields(obj, path);
        self.boolean(obj, path, "isRepeated", false);
        match self.string(obj, path, "type", true) {
            Some("positional") => {
                let hint = self.string(obj, path, "valueHint", false);
                if let Some(hint) = hint {
                    variables.insert(hint);
                }
                if hint.is_none() && !obj.contains_key("value") && !obj.contains_key("valueHint") {
                    self.error(
                        path,
                        "argument-missing-value",
                        "a positional argument needs a value or a valueHint",
                    );
                }
            }
            Some("named") => {
                let Some(name) = self.string(obj, path, "name", true) else {
                    return;
                };
                variables.insert(name);
                if name.is_empty() || name.contains(['<', '>', ' ', '$']) {
                    self.error(
                        &child(path, "name"),
                        "invalid-argument-name",
                        format!(
                            "{:?} is not a flag name; give the flag alone (like --port) and put \
                             its value in value or default",
                            excerpt(name)
                        ),
                    );
                    return;
                }
                for key in ["value", "default"] {
                    if let Some(v) = obj.get(key).and_then(Value::as_str)
                        && v.starts_with(name)
                    {
                        self.warning(
                                &child(path, key),
                                "argument-value-starts-with-name",
                                format!("the {key} repeats the flag {name:?}; clients add the flag themselves"),
                            );
                    }
                }
            }
            Some(other) => self.error(
                &child(path, "type"),
                "unknown-argument-type",
                format!(
                    "{:?} is not an argument type; use positional or named",
                    excerpt(other)
                ),
            ),
            None => {}
        }
    }

    pub(super) fn headers(&mut self, obj: &'a Map<String, Value>, path: &str) {
        if let Some(headers) = self.array(obj, path, "headers") {
            let p = child(path, "headers");
            for (i, header) in headers.iter().enumerate() {
                self.key_value_input(&item(&p, i), header);
            }
        }
    }
}
