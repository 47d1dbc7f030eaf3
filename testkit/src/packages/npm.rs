//! The npm registry: `GET /npm/@scope%2fname/VERSION` version documents and their tarballs.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::manifest::digest::Sha512Integrity;
use serde_json::json;
use sha1::Digest as _;

use super::{FakeRegistries, World, misbehave, not_found_json};

impl FakeRegistries {
    /// Publishes an npm version: a tarball and its version document, as registry.npmjs.org
    /// serves them (`GET /@scope%2fname/1.0.0`).
    pub fn add_npm(
        &self,
        name: &str,
        version: &str,
        mcp_name: Option<&str>,
        tarball: Vec<u8>,
    ) -> Sha512Integrity {
        let mut w = self.world.lock().unwrap();
        let file = format!("{}-{version}.tgz", name.rsplit('/').next().unwrap());
        let integrity = Sha512Integrity::of(&tarball);
        let shasum = hex::encode(sha1_digest(&tarball));
        let mut doc = json!({
            "name": name,
            "version": version,
            "description": "Weather forecasts for MCP clients",
            "license": "MIT",
            "author": "Octo <octo@example.com>",
            "type": "module",
            "bin": {"mcp-server-weather": "dist/index.js"},
            "files": ["dist"],
            "scripts": {"build": "tsc && shx chmod +x dist/*.js", "prepare": "npm run build"},
            "dependencies": {"@modelcontextprotocol/sdk": "^1.17.0", "zod": "^3.25.0"},
            "devDependencies": {"typescript": "^5.6.2", "shx": "^0.3.4"},
            "_id": format!("{name}@{version}"),
            "gitHead": "4f1c0e7d9a2b3c4d5e6f708192a3b4c5d6e7f809",
            "_nodeVersion": "22.17.0",
            "_npmVersion": "10.9.2",
            "dist": {
                "integrity": integrity.to_string(),
                "shasum": shasum,
                "tarball": format!("{}/npm-tarballs/{file}", w.base),
                "fileCount": 5,
                "unpackedSize": 15316,
                "signatures": [{
                    "keyid": "SHA256:DhQ8wR5APBvFHLF/+Tc+AYvPOdTpcIDqOhxsBHRwC7U",
                    "sig": "MEUCIQDxN1N0mVXlrT5mNfQyYwT0fZ1mCQ3kUg9Q0oQmJvG6QgIgWm3bUQ3pFvA0CkTnVbSRcu1E0ZqgTn3Nb3F8Jv8tqXo="
                }]
            },
            "_npmUser": {"name": "octo", "email": "octo@example.com"},
            "directories": {},
            "maintainers": [{"name": "octo", "email": "octo@example.com"}],
            "_npmOperationalInternal": {"host": "s3://npm-registry-packages-npm-production", "tmp": "tmp/weather_1.0.0_1750000000000_0.1"},
            "_hasShrinkwrap": false
        });
        if let Some(n) = mcp_name {
            doc["mcpName"] = json!(n);
        }
        w.npm.insert(format!("{name}@{version}"), doc);
        w.tarballs.insert(file, tarball);
        integrity
    }
}

fn sha1_digest(data: &[u8]) -> Vec<u8> {
    sha1::Sha1::digest(data).to_vec()
}

pub(super) async fn doc(
    State(world): State<Arc<Mutex<World>>>,
    Path(path): Path<String>,
) -> Response {
    if let Some(r) = misbehave(&world, &format!("/npm/{path}")).await {
        return r;
    }
    // Sigstore attestations: `/-/npm/v1/attestations/NAME@VERSION`.
    if let Some(spec) = path.strip_prefix("-/npm/v1/attestations/") {
        return super::provenance::npm_attestations(&world, spec).await;
    }
    let w = world.lock().unwrap();
    // The packument, `GET /@scope%2fname`: every version and the `latest` dist-tag.
    let prefix = format!("{path}@");
    let versions: serde_json::Map<String, serde_json::Value> = w
        .npm
        .iter()
        .filter_map(|(k, doc)| Some((k.strip_prefix(&prefix)?.to_owned(), doc.clone())))
        .collect();
    if !versions.is_empty() {
        let latest = versions
            .keys()
            .filter_map(|v| semver::Version::parse(v).ok())
            .max()
            .map(|v| v.to_string());
        return axum::Json(json!({
            "name": path,
            "dist-tags": {"latest": latest},
            "versions": versions,
        }))
        .into_response();
    }
    // `@scope/name/version` (the client sends the scope's slash as %2f).
    let Some((name, version)) = path.rsplit_once('/') else {
        return not_found_json();
    };
    match w.npm.get(&format!("{name}@{version}")) {
        Some(doc) => axum::Json(doc.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!(format!("version not found: {version}"))),
        )
            .into_response(),
    }
}

pub(super) async fn tarball(
    State(world): State<Arc<Mutex<World>>>,
    Path(file): Path<String>,
) -> Response {
    let mut w = world.lock().unwrap();
    w.requests.push(format!("/npm-tarballs/{file}"));
    match w.tarballs.get(&file) {
        Some(b) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            b.clone(),
        )
            .into_response(),
        None => not_found_json(),
    }
}
