//! An OCI distribution registry behind Docker Hub's anonymous token auth, with blobs sent from
//! a CDN.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::manifest::digest::ContentDigest;
use serde_json::json;

use super::{FakeRegistries, World, not_found_json};

const TOKEN: &str = "dckr_jwt_anonymous_pull_token";

impl FakeRegistries {
    /// Pushes a multi-platform image (an OCI index over linux/amd64 and linux/arm64 images
    /// and an attestation manifest, as `docker buildx` pushes) and points `tag` at it.
    pub fn push_image(
        &self,
        repository: &str,
        tag: &str,
        label: Option<&str>,
        build: &str,
    ) -> ContentDigest {
        let mut w = self.world.lock().unwrap();
        let mut labels =
            json!({"org.opencontainers.image.source": "https://github.com/octo/weather"});
        if let Some(l) = label {
            labels["io.modelcontextprotocol.server.name"] = json!(l);
        }
        let mut platform_manifests = Vec::new();
        for arch in ["amd64", "arm64"] {
            let config = serde_json::to_vec(&json!({
                "architecture": arch,
                "config": {
                    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", format!("BUILD={build}")],
                    "Entrypoint": ["node", "/app/dist/index.js"],
                    "WorkingDir": "/app",
                    "Labels": labels
                },
                "created": "2025-06-01T12:00:00.000000000Z",
                "history": [{"created": "2025-06-01T12:00:00Z", "created_by": "COPY dist /app/dist # buildkit", "comment": "buildkit.dockerfile.v0"}],
                "os": "linux",
                "rootfs": {"type": "layers", "diff_ids": ["sha256:1f5b7e3c2d4a6b8c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f"]}
            }))
            .unwrap();
            let config_digest = ContentDigest::of(&config).to_string();
            let manifest = serde_json::to_vec(&json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len()},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819", "size": 3_623_807}]
            }))
            .unwrap();
            let digest = ContentDigest::of(&manifest).to_string();
            platform_manifests.push(json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": digest,
                "size": manifest.len(),
                "platform": {"architecture": arch, "os": "linux"}
            }));
            w.blobs.insert(config_digest, config);
            w.manifests.insert(
                digest,
                (
                    "application/vnd.oci.image.manifest.v1+json".into(),
                    manifest,
                ),
            );
        }
        platform_manifests.push(json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e",
            "size": 566,
            "annotations": {"vnd.docker.reference.digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "vnd.docker.reference.type": "attestation-manifest"},
            "platform": {"architecture": "unknown", "os": "unknown"}
        }));
        let index = serde_json::to_vec_pretty(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": platform_manifests
        }))
        .unwrap();
        let digest = ContentDigest::of(&index);
        w.manifests.insert(
            digest.to_string(),
            ("application/vnd.oci.image.index.v1+json".into(), index),
        );
        w.tags
            .entry(repository.to_string())
            .or_default()
            .insert(tag.to_string(), digest.to_string());
        digest
    }
}

pub(super) async fn token(
    State(world): State<Arc<Mutex<World>>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    world.lock().unwrap().requests.push(format!(
        "/token?service={}&scope={}",
        q.get("service").cloned().unwrap_or_default(),
        q.get("scope").cloned().unwrap_or_default()
    ));
    axum::Json(json!({
        "token": TOKEN,
        "access_token": TOKEN,
        "expires_in": 300,
        "issued_at": "2025-06-01T12:00:00.000000000Z"
    }))
    .into_response()
}

/// The distribution API: `/v2/<repo>/manifests/<ref>` and `/v2/<repo>/blobs/<digest>`, behind
/// Docker Hub's anonymous token auth.
pub(super) async fn distribution(
    State(world): State<Arc<Mutex<World>>>,
    Path(path): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
) -> Response {
    let mut w = world.lock().unwrap();
    let head = if method == axum::http::Method::HEAD {
        "HEAD "
    } else {
        ""
    };
    w.requests.push(format!("{head}/v2/{path}"));
    let (repo, kind, reference) = if let Some((r, rest)) = path.split_once("/manifests/") {
        (r.to_string(), "manifests", rest.to_string())
    } else if let Some((r, rest)) = path.split_once("/blobs/") {
        (r.to_string(), "blobs", rest.to_string())
    } else {
        return not_found_json();
    };
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"));
    if !authorized {
        let challenge = format!(
            "Bearer realm=\"{}/token\",service=\"registry.docker.io\",scope=\"repository:{repo}:pull\"",
            w.base
        );
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, challenge)],
            axum::Json(json!({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required", "detail": [{"Type": "repository", "Class": "", "Name": repo, "Action": "pull"}]}]})),
        )
            .into_response();
    }
    let unknown = |code: &str| {
        (StatusCode::NOT_FOUND, axum::Json(json!({"errors": [{"code": code, "message": "manifest unknown", "detail": "unknown tag"}]}))).into_response()
    };
    if kind == "blobs" {
        // Docker Hub sends blobs from its CDN.
        return (
            StatusCode::TEMPORARY_REDIRECT,
            [(header::LOCATION, format!("/cdn/{reference}"))],
        )
            .into_response();
    }
    let digest = if reference.starts_with("sha256:") {
        reference.clone()
    } else {
        match w.tags.get(&repo).and_then(|t| t.get(&reference)) {
            Some(d) => d.clone(),
            None => return unknown("MANIFEST_UNKNOWN"),
        }
    };
    match w.manifests.get(&digest) {
        Some((media_type, bytes)) => Response::builder()
            .header(header::CONTENT_TYPE, media_type.as_str())
            .header("docker-content-digest", digest.as_str())
            .header("docker-distribution-api-version", "registry/2.0")
            .header(header::ETAG, format!("\"{digest}\""))
            .body(Body::from(bytes.clone()))
            .unwrap(),
        None => unknown("MANIFEST_UNKNOWN"),
    }
}

pub(super) async fn cdn_blob(
    State(world): State<Arc<Mutex<World>>>,
    Path(digest): Path<String>,
) -> Response {
    let w = world.lock().unwrap();
    match w.blobs.get(&digest) {
        Some(b) => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            b.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "BlobNotFound").into_response(),
    }
}
