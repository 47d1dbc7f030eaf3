//! Sigstore build provenance: npm's attestations endpoint
//! (`GET /npm/-/npm/v1/attestations/NAME@VERSION`, named by `dist.attestations` in the version
//! document) and PyPI's Integrity API (`GET /integrity/PROJECT/VERSION/FILE/provenance`), with the
//! real fixtures of the `provenance` crate.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{FakeRegistries, World, not_found_json};

/// A file of `provenance/tests/fixtures/` (real npm and PyPI material; see its README).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../provenance/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl FakeRegistries {
    /// Serves `document` as the attestations of the npm version `name@version` (added before
    /// with `add_npm`), and names it in the version document's `dist.attestations` as npm does.
    pub fn add_npm_attestations(&self, name: &str, version: &str, document: Vec<u8>) {
        let mut w = self.world.lock().unwrap();
        let key = format!("{name}@{version}");
        let url = format!(
            "{}/npm/-/npm/v1/attestations/{}",
            w.base,
            key.replace('/', "%2f")
        );
        let doc = w.npm.get_mut(&key).expect("add_npm first");
        doc["dist"]["attestations"] =
            json!({"url": url, "provenance": {"predicateType": "https://slsa.dev/provenance/v1"}});
        w.attestations.insert(key, document);
    }

    /// The real `sigstore@5.0.0`: its tarball, version document (with `dist.attestations`)
    /// and SLSA provenance.
    pub fn add_sigstore_5_0_0(&self, mcp_name: Option<&str>) {
        self.add_npm("sigstore", "5.0.0", mcp_name, fixture("sigstore-5.0.0.tgz"));
        self.add_npm_attestations(
            "sigstore",
            "5.0.0",
            fixture("sigstore-5.0.0.attestations.json"),
        );
    }

    /// Serves `document` as the PEP 740 provenance of the PyPI file `filename`.
    pub fn add_pypi_provenance(
        &self,
        project: &str,
        version: &str,
        filename: &str,
        document: Vec<u8>,
    ) {
        let mut w = self.world.lock().unwrap();
        w.provenance
            .insert(format!("{project}/{version}/{filename}"), document);
    }
}

pub(super) async fn npm_attestations(world: &Arc<Mutex<World>>, spec: &str) -> Response {
    let w = world.lock().unwrap();
    match w
        .attestations
        .get(&spec.replace("%2f", "/").replace("%2F", "/"))
    {
        Some(b) => ([(header::CONTENT_TYPE, "application/json")], b.clone()).into_response(),
        None => not_found_json(),
    }
}

pub(super) async fn pypi_provenance(
    State(world): State<Arc<Mutex<World>>>,
    Path((project, version, filename)): Path<(String, String, String)>,
) -> Response {
    let mut w = world.lock().unwrap();
    w.requests.push(format!(
        "/integrity/{project}/{version}/{filename}/provenance"
    ));
    match w.provenance.get(&format!("{project}/{version}/{filename}")) {
        Some(b) => ([(header::CONTENT_TYPE, "application/json")], b.clone()).into_response(),
        None => not_found_json(),
    }
}
