//! Fake package registries on one local port, shaped like the real services: the npm registry
//! (version documents, tarballs, attestations), PyPI's JSON and Integrity APIs, and an OCI distribution registry (401 +
//! Bearer token auth, image indexes, manifests with their digests, config blobs behind a CDN
//! redirect). Each can misbehave on demand (`Mode`).

mod npm;
mod oci;
pub mod provenance;
mod pypi;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

/// How the npm routes misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// 503 with Retry-After for the next N requests.
    Unavailable(u32),
    /// Answer after 5 s (the test timeout is shorter).
    Slow,
    /// 302 to `localhost`, which is not allow-listed (only 127.0.0.1 is).
    RedirectOffList,
}

#[derive(Debug, Default)]
pub struct World {
    pub base: String,
    pub mode: Mode,
    /// "name@version" → version document (with `dist.tarball` pointing here).
    pub npm: HashMap<String, Value>,
    /// tarball file name → bytes.
    pub tarballs: HashMap<String, Vec<u8>>,
    /// "name@version" → JSON API document.
    pub pypi: HashMap<String, Value>,
    /// repository → tag → manifest digest.
    pub tags: HashMap<String, HashMap<String, String>>,
    /// digest → (media type, bytes): manifests.
    pub manifests: HashMap<String, (String, Vec<u8>)>,
    /// digest → bytes.
    pub blobs: HashMap<String, Vec<u8>>,
    /// "name@version" → npm attestations document (`/-/npm/v1/attestations/...`).
    pub attestations: HashMap<String, Vec<u8>>,
    /// "project/version/filename" → PEP 740 provenance object (PyPI's Integrity API).
    pub provenance: HashMap<String, Vec<u8>>,
    /// Requests seen, for asserting what was fetched.
    pub requests: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FakeRegistries {
    pub url: String,
    pub world: Arc<Mutex<World>>,
}

impl FakeRegistries {
    pub async fn start() -> FakeRegistries {
        let world = Arc::new(Mutex::new(World::default()));
        let app = Router::new()
            .route("/npm/{*path}", get(npm::doc))
            .route("/npm-tarballs/{file}", get(npm::tarball))
            .route("/pypi/{name}/{version}/json", get(pypi::doc))
            .route(
                "/integrity/{project}/{version}/{filename}/provenance",
                get(provenance::pypi_provenance),
            )
            .route("/token", get(oci::token))
            .route("/v2/{*path}", get(oci::distribution))
            .route("/cdn/{digest}", get(oci::cdn_blob))
            .with_state(world.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let url = format!("http://{addr}");
        world.lock().unwrap().base = url.clone();
        FakeRegistries { url, world }
    }

    /// Artifact-check settings that point the registry here, with short limits for tests.
    #[cfg(feature = "registry")]
    pub fn args(&self) -> registry::artifacts::ArtifactArgs {
        registry::artifacts::ArtifactArgs {
            npm_registry_url: format!("{}/npm", self.url),
            pypi_url: self.url.clone(),
            oci_registry_url: Some(self.url.clone()),
            artifact_max_bytes: 64 * 1024,
            artifact_timeout: 1.0,
            artifact_recheck_interval: 3600,
            allow_private_artifact_hosts: true,
            ..registry::artifacts::ArtifactArgs::default()
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.world.lock().unwrap().mode = mode;
    }

    pub fn requests(&self) -> Vec<String> {
        self.world.lock().unwrap().requests.clone()
    }
}

/// Applies the misbehaviour mode; `None` means answer normally.
pub(crate) async fn misbehave(world: &Arc<Mutex<World>>, path: &str) -> Option<Response> {
    let (mode, base) = {
        let mut w = world.lock().unwrap();
        w.requests.push(path.to_string());
        let mode = w.mode;
        if let Mode::Unavailable(n) = mode {
            w.mode = if n > 1 {
                Mode::Unavailable(n - 1)
            } else {
                Mode::Normal
            };
        }
        (mode, w.base.clone())
    };
    match mode {
        Mode::Normal => None,
        Mode::Unavailable(_) => Some(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "30")],
                "Service Unavailable",
            )
                .into_response(),
        ),
        Mode::Slow => {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            None
        }
        Mode::RedirectOffList => {
            let to = base.replace("127.0.0.1", "localhost") + path;
            Some((StatusCode::FOUND, [(header::LOCATION, to)]).into_response())
        }
    }
}

pub(crate) fn not_found_json() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"error": "Not found"})),
    )
        .into_response()
}
