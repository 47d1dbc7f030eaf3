//! `/repos/{owner}/{repo}`, the contents API (raw or base64, as the `Accept` header asks) and
//! domains' key files.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use super::St;
use super::gate::{answer, gate};
use super::json::repo_json;
use super::search::base_url;

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": "Not Found"})),
    )
        .into_response()
}

pub(super) async fn repo(
    State(w): St,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let base = base_url(&headers);
    let (h, cond) = match gate(&mut w, "core", &format!("/repos/{owner}/{name}"), &headers) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(r) = w.find(&owner, &name) else {
        return not_found();
    };
    let body = serde_json::to_vec(&repo_json(&base, r)).expect("json");
    answer(&mut w, "core", h, cond, body, "application/json")
}

pub(super) async fn root_listing(
    State(w): St,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let (h, cond) = match gate(
        &mut w,
        "core",
        &format!("/repos/{owner}/{name}/contents/"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(r) = w.find(&owner, &name) else {
        return not_found();
    };
    let mut entries: Vec<Value> = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for (path, bytes) in &r.files {
        if let Some((dir, _)) = path.split_once('/') {
            dirs.insert(dir.to_string());
            continue;
        }
        let size = r
            .listed_sizes
            .get(path)
            .copied()
            .unwrap_or(bytes.len() as u64);
        entries.push(json!({"name": path, "path": path, "type": "file", "size": size}));
    }
    for d in dirs {
        entries.push(json!({"name": d, "path": d, "type": "dir", "size": 0}));
    }
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let body = serde_json::to_vec(&entries).expect("json");
    answer(&mut w, "core", h, cond, body, "application/json")
}

pub(super) async fn contents(
    State(w): St,
    headers: HeaderMap,
    Path((owner, name, path)): Path<(String, String, String)>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let (h, cond) = match gate(
        &mut w,
        "core",
        &format!("/repos/{owner}/{name}/contents/{path}"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(r) = w.find(&owner, &name) else {
        return not_found();
    };
    let Some(bytes) = r.files.get(&path).cloned() else {
        return not_found();
    };
    let raw = headers
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("raw"));
    if raw {
        answer(&mut w, "core", h, cond, bytes, "application/octet-stream")
    } else {
        // GitHub wraps base64 content at 60 columns.
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let wrapped: Vec<&str> = b64
            .as_bytes()
            .chunks(60)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        let body = serde_json::to_vec(&json!({
            "type": "file", "encoding": "base64", "path": path, "size": bytes.len(),
            "content": wrapped.join("\n") + "\n",
        }))
        .expect("json");
        answer(&mut w, "core", h, cond, body, "application/json")
    }
}

/// A domain's key file, `https://{domain}/.well-known/mcp-sign.pub`, or its redirect.
pub(super) async fn domain_key(State(w): St, Path(domain): Path<String>) -> Response {
    let w = w.lock().expect("lock");
    if let Some(location) = w.redirects.get(&domain) {
        return (StatusCode::FOUND, [("location", location.clone())]).into_response();
    }
    match w.domains.get(&domain) {
        Some(file) => file.clone().into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
