//! The contract test: every `/v0` and `/v0.1` answer the suite receives through
//! [`super::TestApp::get`] must validate against the official registry's OpenAPI document
//! (`testkit/data/official-registry-openapi.yaml`, origin in `testkit/data/README.md`).
//!
//! The one exception is seed data that the official registry itself served: server
//! descriptions that are empty or longer than its own 100-character limit.

use std::sync::OnceLock;

use reqwest::StatusCode;
use serde_json::{Value, json};

const SPEC: &str = include_str!("../../data/official-registry-openapi.yaml");

struct Validators {
    server_list: jsonschema::Validator,
    server_response: jsonschema::Validator,
    error: jsonschema::Validator,
}

fn validators() -> &'static Validators {
    static V: OnceLock<Validators> = OnceLock::new();
    V.get_or_init(|| {
        let spec: Value = serde_yaml_ng::from_str(SPEC).expect("the official spec is YAML");
        let components = spec["components"].clone();
        let compile = |schema: Value| {
            let mut root = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": components,
            });
            if let (Some(root), Some(schema)) = (root.as_object_mut(), schema.as_object()) {
                root.extend(schema.clone());
            }
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&root)
                .expect("the official schemas compile")
        };
        // The official 4xx bodies: `{"error": "..."}`.
        let error = spec["paths"]["/v0.1/servers/{serverName}/versions"]["get"]["responses"]["404"]
            ["content"]["application/json"]["schema"]
            .clone();
        let mut error = error;
        error["required"] = json!(["error"]);
        Validators {
            server_list: compile(json!({"$ref": "#/components/schemas/ServerList"})),
            server_response: compile(json!({"$ref": "#/components/schemas/ServerResponse"})),
            error: compile(error),
        }
    })
}

/// Whether `path` (with its query) is on the official read API.
pub fn is_official(path: &str) -> bool {
    path.starts_with("/v0/") || path.starts_with("/v0.1/")
}

/// Panics with every violation unless `body` is what the official spec allows for `path`.
pub(super) fn check(path: &str, status: StatusCode, body: &Value) {
    let v = validators();
    let route = path.split('?').next().unwrap_or(path);
    let validator = if !status.is_success() {
        &v.error
    } else if route.ends_with("/servers") || route.ends_with("/versions") {
        &v.server_list
    } else {
        &v.server_response
    };
    let problems: Vec<String> = validator
        .iter_errors(body)
        .filter(|e| !is_seed_description(body, &e.instance_path().to_string(), &e.to_string()))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "GET {path} ({status}) breaks the official registry's OpenAPI document:\n  {}",
        problems.join("\n  ")
    );
}

/// The seed's descriptions by server name: what the official registry served.
fn seed_descriptions() -> &'static std::collections::HashMap<String, String> {
    static SEED: OnceLock<std::collections::HashMap<String, String>> = OnceLock::new();
    SEED.get_or_init(|| {
        let seed: Value =
            serde_json::from_slice(registry::service::import::SEED).expect("the seed is JSON");
        seed.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some((
                    s["name"].as_str()?.to_string(),
                    s["description"].as_str().unwrap_or_default().to_string(),
                ))
            })
            .collect()
    })
}

/// A description the official registry itself served (the seed's, word for word): empty, or
/// over its 100-character limit.
fn is_seed_description(body: &Value, instance_path: &str, message: &str) -> bool {
    let Some(prefix) = instance_path.strip_suffix("/server/description") else {
        return false;
    };
    let entry = if prefix.is_empty() {
        body
    } else {
        let Some(entry) = body.pointer(prefix) else {
            return false;
        };
        entry
    };
    let name = entry["server"]["name"].as_str().unwrap_or_default();
    let seed = seed_descriptions()
        .get(name)
        .is_some_and(|d| entry["server"]["description"].as_str() == Some(d.as_str()));
    let length = message.contains("longer than") || message.contains("shorter than");
    seed && length
}
