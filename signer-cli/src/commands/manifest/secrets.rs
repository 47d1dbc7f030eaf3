//! The release's `secrets`: every input the server declares with `isSecret`.

use serde_json::{Map, Value, json};

use super::input::str_field;

/// Lists every input marked `isSecret` in the release's `secrets`, keeping entries already
/// there.
pub(super) fn record_secrets(doc: &Map<String, Value>, release: &mut Map<String, Value>) {
    let mut secrets: Vec<Value> = match release.remove("secrets") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let mut inputs: Vec<&Value> = Vec::new();
    for package in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        inputs.extend(
            package
                .get("environmentVariables")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        inputs.extend(
            package
                .get("transport")
                .and_then(|t| t.get("headers"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for remote in doc
        .get("remotes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        inputs.extend(
            remote
                .get("headers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for input in inputs {
        if input.get("isSecret") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(name) = str_field(input, "name") else {
            continue;
        };
        if secrets.iter().any(|s| str_field(s, "name") == Some(name)) {
            continue;
        }
        let mut secret = Map::new();
        secret.insert("name".to_owned(), json!(name));
        if let Some(d) = str_field(input, "description") {
            secret.insert("description".to_owned(), json!(d));
        }
        secret.insert(
            "required".to_owned(),
            json!(input.get("isRequired") == Some(&Value::Bool(true))),
        );
        secrets.push(Value::Object(secret));
    }
    if !secrets.is_empty() {
        release.insert("secrets".to_owned(), Value::Array(secrets));
    }
}
