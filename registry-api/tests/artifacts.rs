#![allow(clippy::unwrap_used)]
//! Issue 8: the `verified` level. A local server plays the npm registry (version documents
//! and tarballs), PyPI's JSON API and an OCI distribution registry (401 + Bearer token auth,
//! image indexes, manifests with their digests, config blobs behind a CDN redirect), with
//! responses shaped like the real services'. Checks run through `registry::artifacts::run_due`
//! with an explicit clock, so schedules are tested without sleeping.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::github::FakeGithub;
use common::{
    Backend, Options, TestApp, backends, enc, new_key, publish_body, register_github_body,
};
use protocol::formats::REGISTRY_META_KEY;
use protocol::log::LogRecord;
use protocol::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use registry::artifacts::{self, ArtifactArgs, RunReport};
use serde_json::{Value, json};
use sha2::Digest as _;

const OWNER: &str = "octo";
const REPO: &str = "weather";

// ---------------------------------------------------------------------------------------------
// The fake package registries

/// How the npm routes misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
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
struct World {
    base: String,
    mode: Mode,
    /// "name@version" → version document (with `dist.tarball` pointing here).
    npm: HashMap<String, Value>,
    /// tarball file name → bytes.
    tarballs: HashMap<String, Vec<u8>>,
    /// "name@version" → JSON API document.
    pypi: HashMap<String, Value>,
    /// repository → tag → manifest digest.
    tags: HashMap<String, HashMap<String, String>>,
    /// digest → (media type, bytes): manifests.
    manifests: HashMap<String, (String, Vec<u8>)>,
    /// digest → bytes.
    blobs: HashMap<String, Vec<u8>>,
    /// Requests seen, for asserting what was fetched.
    requests: Vec<String>,
}

#[derive(Debug, Clone)]
struct FakeRegistries {
    url: String,
    world: Arc<Mutex<World>>,
}

const TOKEN: &str = "dckr_jwt_anonymous_pull_token";

impl FakeRegistries {
    async fn start() -> FakeRegistries {
        let world = Arc::new(Mutex::new(World::default()));
        let app = Router::new()
            .route("/npm/{*path}", get(npm_doc))
            .route("/npm-tarballs/{file}", get(npm_tarball))
            .route("/pypi/{name}/{version}/json", get(pypi_doc))
            .route("/token", get(token))
            .route("/v2/{*path}", get(oci))
            .route("/cdn/{digest}", get(cdn_blob))
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

    fn args(&self) -> ArtifactArgs {
        ArtifactArgs {
            npm_registry_url: format!("{}/npm", self.url),
            pypi_url: self.url.clone(),
            oci_registry_url: Some(self.url.clone()),
            artifact_max_bytes: 64 * 1024,
            artifact_timeout: 1.0,
            artifact_recheck_interval: 3600,
            allow_private_artifact_hosts: true,
            ..ArtifactArgs::default()
        }
    }

    fn set_mode(&self, mode: Mode) {
        self.world.lock().unwrap().mode = mode;
    }

    /// Publishes an npm version: a tarball and its version document, as registry.npmjs.org
    /// serves them (`GET /@scope%2fname/1.0.0`).
    fn add_npm(
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

    /// Publishes a PyPI release with a wheel and an sdist, as `/pypi/NAME/VERSION/json` shows.
    fn add_pypi(&self, name: &str, version: &str, readme: &str, wheel: &[u8]) -> Sha256Digest {
        let mut w = self.world.lock().unwrap();
        let sha = Sha256Digest::of(wheel);
        let sdist = Sha256Digest::of(b"sdist bytes");
        let under = name.replace('-', "_");
        let file = |filename: String, sha: String, packagetype: &str, pyver: &str| {
            json!({
                "comment_text": "",
                "digests": {"blake2b_256": "9c1e0d4f2b7a8e5c3d6f1a0b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", "md5": "0f343b0931126a20f133d67c2b018a3b", "sha256": sha},
                "downloads": -1,
                "filename": filename,
                "has_sig": false,
                "md5_digest": "0f343b0931126a20f133d67c2b018a3b",
                "packagetype": packagetype,
                "python_version": pyver,
                "requires_python": ">=3.10",
                "size": 12345,
                "upload_time": "2025-06-01T12:00:00",
                "upload_time_iso_8601": "2025-06-01T12:00:00.123456Z",
                "url": format!("https://files.pythonhosted.org/packages/9c/1e/0d4f/{under}-{version}.whl"),
                "yanked": false,
                "yanked_reason": null
            })
        };
        let doc = json!({
            "info": {
                "author": null,
                "author_email": "Octo <octo@example.com>",
                "classifiers": ["Programming Language :: Python :: 3"],
                "description": readme,
                "description_content_type": "text/markdown",
                "home_page": null,
                "license": "MIT",
                "name": name,
                "package_url": format!("https://pypi.org/project/{name}/"),
                "project_urls": {"Repository": "https://github.com/octo/weather"},
                "release_url": format!("https://pypi.org/project/{name}/{version}/"),
                "requires_dist": ["mcp>=1.10.0", "httpx>=0.28"],
                "requires_python": ">=3.10",
                "summary": "Weather forecasts for MCP clients",
                "version": version,
                "yanked": false,
                "yanked_reason": null
            },
            "last_serial": 29_383_712,
            "urls": [
                file(format!("{under}-{version}-py3-none-any.whl"), sha.to_string(), "bdist_wheel", "py3"),
                file(format!("{under}-{version}.tar.gz"), sdist.to_string(), "sdist", "source"),
            ],
            "vulnerabilities": []
        });
        w.pypi.insert(format!("{name}@{version}"), doc);
        sha
    }

    /// Pushes a multi-platform image (an OCI index over linux/amd64 and linux/arm64 images
    /// and an attestation manifest, as `docker buildx` pushes) and points `tag` at it.
    fn push_image(
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

    fn requests(&self) -> Vec<String> {
        self.world.lock().unwrap().requests.clone()
    }
}

fn sha1_digest(data: &[u8]) -> Vec<u8> {
    sha1::Sha1::digest(data).to_vec()
}

/// Applies the misbehaviour mode; `None` means answer normally.
async fn misbehave(world: &Arc<Mutex<World>>, path: &str) -> Option<Response> {
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

fn not_found_json() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"error": "Not found"})),
    )
        .into_response()
}

async fn npm_doc(State(world): State<Arc<Mutex<World>>>, Path(path): Path<String>) -> Response {
    if let Some(r) = misbehave(&world, &format!("/npm/{path}")).await {
        return r;
    }
    // `@scope/name/version` (the client sends the scope's slash as %2f).
    let Some((name, version)) = path.rsplit_once('/') else {
        return not_found_json();
    };
    let w = world.lock().unwrap();
    match w.npm.get(&format!("{name}@{version}")) {
        Some(doc) => axum::Json(doc.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!(format!("version not found: {version}"))),
        )
            .into_response(),
    }
}

async fn npm_tarball(State(world): State<Arc<Mutex<World>>>, Path(file): Path<String>) -> Response {
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

async fn pypi_doc(
    State(world): State<Arc<Mutex<World>>>,
    Path((name, version)): Path<(String, String)>,
) -> Response {
    let mut w = world.lock().unwrap();
    w.requests.push(format!("/pypi/{name}/{version}/json"));
    match w.pypi.get(&format!("{name}@{version}")) {
        Some(doc) => axum::Json(doc.clone()).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "Not Found"})),
        )
            .into_response(),
    }
}

async fn token(
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
async fn oci(
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

async fn cdn_blob(State(world): State<Arc<Mutex<World>>>, Path(digest): Path<String>) -> Response {
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

// ---------------------------------------------------------------------------------------------
// Releases

struct Fixture {
    app: TestApp,
    _gh: FakeGithub,
    reg: FakeRegistries,
    key: protocol::SecretKey,
}

async fn start(backend: Backend) -> Fixture {
    let gh = FakeGithub::start().await;
    let reg = FakeRegistries::start().await;
    let app = TestApp::start(
        backend,
        Options {
            github_api_url: Some(gh.url.clone()),
            artifacts: Some(reg.args()),
            ..Options::default()
        },
    )
    .await;
    let key = new_key();
    gh.add_repo(OWNER, REPO, Some(key.public_key().to_file_string()));
    let (status, body) = app
        .post("/v1/keys", &register_github_body(&key, OWNER, REPO))
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    Fixture {
        app,
        _gh: gh,
        reg,
        key,
    }
}

/// A release manifest naming `packages` (`[registryType, identifier, version]`) with the
/// digests in `artifacts` (the release extension's `artifacts[]`).
fn manifest(name: &str, version: &str, packages: &[(&str, &str)], artifacts: Vec<Value>) -> String {
    let packages: Vec<Value> = packages
        .iter()
        .map(|(t, id)| json!({"registryType": t, "identifier": id, "version": version, "transport": {"type": "stdio"}}))
        .collect();
    serde_json::to_string_pretty(&json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": name,
        "description": "Weather forecasts",
        "version": version,
        "repository": {"url": format!("https://github.com/{OWNER}/{REPO}"), "source": "github"},
        "packages": packages,
        "_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "artifacts": artifacts}}
    }))
    .unwrap()
}

impl Fixture {
    async fn publish(&self, manifest: &str) {
        let (status, body) = self
            .app
            .post("/v1/publish", &publish_body(&self.key, manifest))
            .await;
        assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    }

    async fn run(&self, now: i64) -> RunReport {
        let s = &self.app.state;
        artifacts::run_due(&s.db, &s.log, &s.artifacts, now, &|_, _, _| {})
            .await
            .unwrap()
    }

    async fn verdict(&self, name: &str, version: &str) -> Value {
        let (status, body) = self
            .app
            .get(&format!(
                "/v1/verify?server={}&version={version}",
                enc(name)
            ))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        body["verdict"].clone()
    }

    /// The `artifact-check` leaves of a release, parsed.
    async fn check_leaves(&self, name: &str, version: &str) -> Vec<(u64, LogRecord)> {
        let rows =
            registry::db::log::by_subject(&self.app.state.db, &format!("release {name}@{version}"))
                .await
                .unwrap();
        rows.into_iter()
            .filter(|e| e.kind == "artifact-check")
            .map(|e| (e.idx, LogRecord::parse(&e.record).unwrap()))
            .collect()
    }
}

fn codes(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

fn reason(verdict: &Value, code: &str) -> String {
    verdict["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {verdict}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

const T0: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

/// A release with an npm, a PyPI and an OCI package, every artifact published as signed.
async fn publish_complete(f: &Fixture, name: &str, version: &str) -> ContentDigest {
    let npm = format!("@{OWNER}/{}", name.rsplit('/').next().unwrap());
    let pypi = format!("{OWNER}-{}", name.rsplit('/').next().unwrap());
    let image = format!("{OWNER}/{}", name.rsplit('/').next().unwrap());
    let integrity = f
        .reg
        .add_npm(&npm, version, Some(name), b"npm tarball bytes".to_vec());
    let wheel = f.reg.add_pypi(
        &pypi,
        version,
        &format!("# Weather\n\nForecasts for MCP clients.\n\n<!-- mcp-name: {name} -->\n"),
        b"wheel bytes",
    );
    let digest = f.reg.push_image(&image, version, Some(name), "1");
    let m = manifest(
        name,
        version,
        &[
            ("npm", &npm),
            ("pypi", &pypi),
            ("oci", &format!("docker.io/{image}")),
        ],
        vec![
            json!({"registryType": "npm", "identifier": npm, "version": version, "integrity": integrity.to_string()}),
            json!({"registryType": "pypi", "identifier": pypi, "version": version, "sha256": wheel.to_string()}),
            json!({"registryType": "oci", "identifier": format!("docker.io/{image}"), "version": version, "ociDigest": digest.to_string()}),
        ],
    );
    f.publish(&m).await;
    digest
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matching_artifacts_are_verified_logged_and_a_repushed_tag_downgrades() {
    for backend in backends() {
        let f = start(backend).await;
        let name = "io.github.octo/weather";
        publish_complete(&f, name, "1.0.0").await;

        // Before the first check the release is signed, its artifacts not yet confirmed.
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "signed", "{v}");
        assert_eq!(
            codes(&v),
            ["signed_by_proven_key", "artifacts_not_verified"]
        );

        let r = f.run(T0).await;
        assert_eq!((r.checked, r.verified), (1, 1), "{r:?}");
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "verified", "{v}");
        assert_eq!(codes(&v), ["signed_by_proven_key", "artifacts_verified"]);
        // The API says what was compared for each package, and the marker found.
        let (_, body) = f
            .app
            .get(&format!("/v1/verify?server={}&version=1.0.0", enc(name)))
            .await;
        let a = body["artifacts"].as_array().unwrap();
        assert_eq!(a.len(), 3, "{body}");
        assert_eq!(a[0]["package"], "npm:@octo/weather@1.0.0");
        assert_eq!(a[0]["state"], "matched");
        assert_eq!(a[0]["compared"], "npm dist.integrity");
        assert_eq!(a[0]["expected"], a[0]["observed"]);
        assert_eq!(a[0]["ownership"], format!("mcpName {name}"));
        assert_eq!(
            a[1]["compared"],
            "PyPI digests.sha256 of octo_weather-1.0.0-py3-none-any.whl"
        );
        assert_eq!(a[1]["ownership"], format!("mcp-name: {name}"));
        assert_eq!(a[2]["compared"], "OCI manifest digest of tag 1.0.0");
        assert_eq!(
            a[2]["ownership"],
            format!("label io.modelcontextprotocol.server.name={name}")
        );

        // What was fetched: the npm version document, PyPI's JSON API, and the OCI flow
        // (401, token, index, the amd64 manifest, the config blob through the CDN).
        let req = f.reg.requests();
        assert!(
            req.contains(&"/npm/@octo/weather/1.0.0".to_string()),
            "{req:?}"
        );
        assert!(
            req.contains(&"/pypi/octo-weather/1.0.0/json".to_string()),
            "{req:?}"
        );
        assert!(
            req.contains(
                &"/token?service=registry.docker.io&scope=repository:octo/weather:pull".to_string()
            ),
            "{req:?}"
        );
        assert!(
            req.iter()
                .filter(|p| p.starts_with("/v2/octo/weather/manifests/"))
                .count()
                >= 2,
            "{req:?}"
        );
        assert!(
            req.iter()
                .any(|p| p.starts_with("/v2/octo/weather/blobs/sha256:")),
            "{req:?}"
        );

        // The transition is in the log, and its inclusion proof verifies against the checkpoint.
        let leaves = f.check_leaves(name, "1.0.0").await;
        assert_eq!(leaves.len(), 1);
        let (
            idx,
            LogRecord::ArtifactCheck {
                result, artifacts, ..
            },
        ) = &leaves[0]
        else {
            panic!("{leaves:?}")
        };
        assert_eq!(result, "verified");
        assert_eq!(artifacts.len(), 3);
        assert!(
            artifacts[0].starts_with("npm:@octo/weather@1.0.0 matched npm_dist.integrity sha512-"),
            "{artifacts:?}"
        );
        assert!(
            artifacts[2].contains("matched OCI_manifest_digest_of_tag_1.0.0 sha256:"),
            "{artifacts:?}"
        );
        let (_, cp) = f.app.get("/log/checkpoint").await;
        let size: u64 = cp
            .as_str()
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let (status, proof) = f
            .app
            .get(&format!("/v1/log/proof/inclusion?index={idx}&size={size}"))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK, "{proof}");
        let record = proof["record"].as_str().unwrap().as_bytes().to_vec();
        let path: Vec<protocol::log::Hash> = proof["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| protocol::log::hash_from_base64(h.as_str().unwrap()).unwrap())
            .collect();
        let verifier = protocol::log::LogVerifier::new(f.app.state.log.verifier_key()).unwrap();
        let checkpoint = verifier.verify_checkpoint(cp.as_str().unwrap()).unwrap();
        protocol::log::verify_inclusion(
            &path,
            *idx,
            size,
            protocol::log::leaf_hash(&record),
            checkpoint.root,
        )
        .unwrap();

        // A re-check with nothing changed is not logged again; nothing is due before the
        // interval. The image is re-checked with a HEAD of its tag (no pull counted).
        assert_eq!(f.run(T0 + 1000).await.checked, 0);
        let before = f.reg.requests().len();
        let r = f.run(T0 + HOUR + 1).await;
        assert_eq!((r.checked, r.verified, r.downgraded), (1, 1, 0));
        assert_eq!(f.check_leaves(name, "1.0.0").await.len(), 1);
        let oci_requests: Vec<String> = f.reg.requests()[before..]
            .iter()
            .filter(|p| p.contains("/v2/"))
            .cloned()
            .collect();
        assert_eq!(
            oci_requests,
            [
                "HEAD /v2/octo/weather/manifests/1.0.0",
                "HEAD /v2/octo/weather/manifests/1.0.0"
            ],
            "a 401, then the token, then the HEAD"
        );

        // The tag is re-pushed with another image: the re-check catches it.
        let new_digest = f.reg.push_image("octo/weather", "1.0.0", Some(name), "2");
        let r = f.run(T0 + 2 * HOUR + 2).await;
        assert_eq!((r.checked, r.downgraded), (1, 1), "{r:?}");
        let v = f.verdict(name, "1.0.0").await;
        assert_eq!(v["level"], "signed", "{v}");
        let why = reason(&v, "artifact_mismatch");
        assert!(
            why.contains("oci:docker.io/octo/weather:1.0.0")
                && why.contains(&new_digest.to_string()),
            "{why}"
        );
        let leaves = f.check_leaves(name, "1.0.0").await;
        assert_eq!(leaves.len(), 2);
        assert!(
            matches!(&leaves[1].1, LogRecord::ArtifactCheck { result, reason: Some(r), .. } if result == "mismatch" && r.contains(&new_digest.to_string())),
            "{leaves:?}"
        );

        // ... and shows in the server detail, the official-compatible API and search.
        let (_, detail) = f.app.get(&format!("/v1/servers/{}", enc(name))).await;
        assert_eq!(detail["trust"]["level"], "signed", "{detail}");
        let (_, v01) = f
            .app
            .get(&format!("/v0.1/servers/{}/versions/1.0.0", enc(name)))
            .await;
        assert_eq!(
            v01["_meta"][REGISTRY_META_KEY]["trust"]["level"], "signed",
            "{v01}"
        );
        assert!(
            codes(&v01["_meta"][REGISTRY_META_KEY]["trust"])
                .contains(&"artifact_mismatch".to_string())
        );
        f.app.state.search.sync_once(&f.app.state.db).await.unwrap();
        let (_, found) = f.app.get("/v1/search?q=weather").await;
        let hit = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .unwrap_or_else(|| panic!("{found}"));
        assert_eq!(hit["trust"], "signed", "{found}");

        // Operators vet the namespace: verified releases become official (a release that
        // lost verification does not).
        publish_complete(&f, "io.github.octo/forecast", "2.0.0").await;
        f.run(T0 + 2 * HOUR + 3).await;
        assert_eq!(
            f.verdict("io.github.octo/forecast", "2.0.0").await["level"],
            "verified"
        );
        let op = new_key();
        let st = operator_statement(
            &op,
            protocol::api::OperatorAction::Official,
            "io.github.octo",
            Some("vetted publisher"),
        );
        registry::service::operator::apply(
            &f.app.state.db,
            &f.app.state.log,
            &[op.public_key()],
            &st,
        )
        .await
        .unwrap();
        let v = f.verdict("io.github.octo/forecast", "2.0.0").await;
        assert_eq!(v["level"], "official", "{v}");
        assert!(codes(&v).contains(&"publisher_vetted".to_string()));
        // The search index follows the statement (the namespace trigger).
        f.app.state.search.sync_once(&f.app.state.db).await.unwrap();
        let (_, found) = f.app.get("/v1/search?q=forecast").await;
        let hit = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == "io.github.octo/forecast")
            .unwrap_or_else(|| panic!("{found}"));
        assert_eq!(hit["trust"], "official", "{found}");
        assert_eq!(f.verdict(name, "1.0.0").await["level"], "signed");
        // A statement signed by a key that is not an operator key changes nothing.
        let other = new_key();
        let st = operator_statement(
            &other,
            protocol::api::OperatorAction::Unofficial,
            "io.github.octo",
            None,
        );
        let err = registry::service::operator::apply(
            &f.app.state.db,
            &f.app.state.log,
            &[op.public_key()],
            &st,
        )
        .await
        .unwrap_err();
        assert!(
            err.to_string().contains("not a configured operator key"),
            "{err}"
        );
        assert_eq!(
            f.verdict("io.github.octo/forecast", "2.0.0").await["level"],
            "official"
        );
        f.app.stop().await;
    }
}

fn operator_statement(
    key: &protocol::SecretKey,
    action: protocol::api::OperatorAction,
    subject: &str,
    reason: Option<&str>,
) -> registry::service::operator::OperatorStatement {
    let issued_at = common::now_secs();
    let text =
        registry::service::operator::OperatorStatement::text(action, subject, reason, issued_at)
            .unwrap();
    registry::service::operator::OperatorStatement {
        action,
        subject: subject.to_string(),
        reason: reason.map(str::to_string),
        issued_at,
        signature: common::sign(key, text.as_bytes()).to_file_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatches_and_missing_ownership_markers_say_which_package_and_digest() {
    for backend in backends() {
        let f = start(backend).await;
        // npm: the registry serves another tarball than the one signed.
        let served = f.reg.add_npm(
            "@octo/a",
            "1.0.0",
            Some("io.github.octo/a"),
            b"served".to_vec(),
        );
        let signed = Sha512Integrity::of(b"signed");
        f.publish(&manifest(
            "io.github.octo/a",
            "1.0.0",
            &[("npm", "@octo/a")],
            vec![json!({"registryType": "npm", "identifier": "@octo/a", "version": "1.0.0", "integrity": signed.to_string()})],
        ))
        .await;
        // PyPI: the digest matches, but the README does not name the server.
        let wheel = f.reg.add_pypi(
            "octo-b",
            "1.0.0",
            "# B\n\nmcp-name: io.github.someone/else\n",
            b"wheel",
        );
        f.publish(&manifest(
            "io.github.octo/b",
            "1.0.0",
            &[("pypi", "octo-b")],
            vec![json!({"registryType": "pypi", "identifier": "octo-b", "version": "1.0.0", "sha256": wheel.to_string()})],
        ))
        .await;
        // OCI: the image has no ownership label.
        let digest = f.reg.push_image("octo/c", "1.0.0", None, "1");
        f.publish(&manifest(
            "io.github.octo/c",
            "1.0.0",
            &[("oci", "docker.io/octo/c")],
            vec![json!({"registryType": "oci", "identifier": "docker.io/octo/c", "version": "1.0.0", "ociDigest": digest.to_string()})],
        ))
        .await;
        // npm: no mcpName in package.json; the signed sha256 of the tarball matches.
        f.reg
            .add_npm("@octo/d", "1.0.0", None, b"tarball d".to_vec());
        f.publish(&manifest(
            "io.github.octo/d",
            "1.0.0",
            &[("npm", "@octo/d")],
            vec![json!({"registryType": "npm", "identifier": "@octo/d", "version": "1.0.0", "sha256": Sha256Digest::of(b"tarball d").to_string()})],
        ))
        .await;
        // A package the manifest records no digest for, and one its registry does not know.
        f.publish(&manifest(
            "io.github.octo/e",
            "1.0.0",
            &[("npm", "@octo/e")],
            vec![],
        ))
        .await;

        let r = f.run(T0).await;
        assert_eq!((r.checked, r.verified, r.problems), (5, 0, 5), "{r:?}");

        let v = f.verdict("io.github.octo/a", "1.0.0").await;
        assert_eq!(v["level"], "signed");
        let why = reason(&v, "artifact_mismatch");
        assert!(
            why.contains("npm:@octo/a@1.0.0")
                && why.contains(&served.to_string())
                && why.contains(&signed.to_string()),
            "{why}"
        );

        let v = f.verdict("io.github.octo/b", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(
            why.contains("pypi:octo-b==1.0.0") && why.contains("mcp-name: io.github.octo/b"),
            "{why}"
        );

        let v = f.verdict("io.github.octo/c", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(
            why.contains("io.modelcontextprotocol.server.name=io.github.octo/c"),
            "{why}"
        );

        let v = f.verdict("io.github.octo/d", "1.0.0").await;
        let why = reason(&v, "ownership_missing");
        assert!(why.contains("no mcpName"), "{why}");
        let results = registry::db::artifacts::results_of(
            &f.app.state.db,
            release_id(&f, "io.github.octo/d").await,
        )
        .await
        .unwrap();
        assert_eq!(results[0].compared.as_deref(), Some("tarball sha256"));

        let v = f.verdict("io.github.octo/e", "1.0.0").await;
        let why = reason(&v, "artifact_check_failed");
        assert!(why.contains("records no digest"), "{why}");

        // Problems of releases that were never verified do not change their level (signed):
        // they are in the verdict, not in the log.
        for s in ["a", "b", "c", "d", "e"] {
            let leaves = f
                .check_leaves(&format!("io.github.octo/{s}"), "1.0.0")
                .await;
            assert!(leaves.is_empty(), "{s}: {leaves:?}");
        }
        f.app.stop().await;
    }
}

async fn release_id(f: &Fixture, name: &str) -> i64 {
    registry::db::releases::find(&f.app.state.db, name, "1.0.0")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// One npm package with a signed sha256 (so the tarball is downloaded too).
async fn publish_npm(f: &Fixture, short: &str, tarball: Vec<u8>) {
    let name = format!("io.github.octo/{short}");
    let npm = format!("@octo/{short}");
    f.reg.add_npm(&npm, "1.0.0", Some(&name), tarball.clone());
    f.publish(&manifest(
        &name,
        "1.0.0",
        &[("npm", &npm)],
        vec![json!({"registryType": "npm", "identifier": npm, "version": "1.0.0", "sha256": Sha256Digest::of(&tarball).to_string()})],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_redirects_oversize_answers_timeouts_and_outages_are_told_apart() {
    for backend in backends() {
        let f = start(backend).await;

        // A redirect to a host that is not allow-listed: a definitive failure.
        publish_npm(&f, "redirected", b"r".to_vec()).await;
        f.reg.set_mode(Mode::RedirectOffList);
        f.run(T0).await;
        f.reg.set_mode(Mode::Normal);
        let v = f.verdict("io.github.octo/redirected", "1.0.0").await;
        let why = reason(&v, "artifact_check_failed");
        assert!(
            why.contains("redirected to http://localhost:") && why.contains("not allow-listed"),
            "{why}"
        );

        // An artifact larger than --artifact-max-bytes (64 KiB here).
        publish_npm(&f, "huge", vec![7u8; 100 * 1024]).await;
        f.run(T0 + 1).await;
        let why = reason(
            &f.verdict("io.github.octo/huge", "1.0.0").await,
            "artifact_check_failed",
        );
        assert!(why.contains("more than 65536 bytes"), "{why}");

        // A registry slower than --artifact-timeout: temporary, retried.
        publish_npm(&f, "slow", b"s".to_vec()).await;
        f.reg.set_mode(Mode::Slow);
        let r = f.run(T0 + 2).await;
        f.reg.set_mode(Mode::Normal);
        assert_eq!((r.checked, r.pending), (1, 1), "{r:?}");
        let v = f.verdict("io.github.octo/slow", "1.0.0").await;
        let why = reason(&v, "artifacts_check_pending");
        assert!(
            why.contains("did not answer within 1.0 s") && why.contains("retried later"),
            "{why}"
        );
        // Temporary failures are not logged; the retry (60 s later) verifies it.
        assert!(
            f.check_leaves("io.github.octo/slow", "1.0.0")
                .await
                .is_empty()
        );
        assert_eq!(f.run(T0 + 30_000).await.checked, 0, "backoff");
        let r = f.run(T0 + 62_002).await;
        assert_eq!(r.verified, 1, "{r:?}");
        assert_eq!(
            f.verdict("io.github.octo/slow", "1.0.0").await["level"],
            "verified"
        );

        // 503 Service Unavailable: pending, then verified on the retry.
        publish_npm(&f, "flaky", b"f".to_vec()).await;
        f.reg.set_mode(Mode::Unavailable(1));
        let r = f.run(T0 + 100_000).await;
        assert_eq!(r.pending, 1, "{r:?}");
        let why = reason(
            &f.verdict("io.github.octo/flaky", "1.0.0").await,
            "artifacts_check_pending",
        );
        assert!(why.contains("answered 503"), "{why}");
        let r = f.run(T0 + 100_000 + 61_000).await;
        assert_eq!(r.verified, 1, "{r:?}");

        // An outage after verification keeps the release verified (no evidence against it),
        // and is retried sooner than the interval.
        f.reg.set_mode(Mode::Unavailable(10));
        let r = f.run(T0 + 10 * HOUR).await;
        assert!(r.pending >= 2 && r.downgraded == 0, "{r:?}");
        assert_eq!(
            f.verdict("io.github.octo/flaky", "1.0.0").await["level"],
            "verified"
        );
        f.reg.set_mode(Mode::Normal);
        f.app.stop().await;
    }
}

#[test]
fn every_seed_package_maps_to_a_check_plan_on_allow_listed_hosts() {
    let seed: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../seed/official-registry-seed.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let checker = artifacts::Checker::new(&ArtifactArgs::default()).unwrap();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut unparsable = Vec::new();
    for server in &seed {
        for p in checker.plan(server) {
            let kind = p.package.split(':').next().unwrap().to_string();
            if !matches!(kind.as_str(), "npm" | "pypi" | "oci") {
                continue;
            }
            *counts.entry(kind).or_default() += 1;
            match &p.target {
                artifacts::plan::Target::Unsupported { why } => {
                    // Only identifiers that are no package name at all (old registry data such
                    // as an npm name filed as an OCI image) are refused, with a reason.
                    assert!(why.contains("does not parse"), "{} {why}", p.package);
                    unparsable.push(p.package.clone());
                }
                _ => {
                    assert!(!p.urls.is_empty(), "{}", p.package);
                    for u in &p.urls {
                        assert!(
                            checker.fetcher().allows(u),
                            "{} would fetch {u}, which is not allow-listed",
                            p.package
                        );
                    }
                }
            }
        }
    }
    assert_eq!(counts.get("npm"), Some(&149), "{counts:?}");
    assert_eq!(counts.get("pypi"), Some(&121), "{counts:?}");
    assert_eq!(counts.get("oci"), Some(&88), "{counts:?}");
    // npm names filed as images, and an upper-case repository (`docker pull` refuses both).
    assert!(
        unparsable
            .iter()
            .all(|p| p.starts_with("oci:@") || p.chars().any(|c| c.is_ascii_uppercase())),
        "{unparsable:?}"
    );
    assert!(unparsable.len() <= 10, "{unparsable:?}");
    // The shapes of the URLs, from the seed's own packages.
    let urls: Vec<String> = seed
        .iter()
        .flat_map(|s| checker.plan(s))
        .flat_map(|p| p.urls)
        .collect();
    assert!(
        urls.iter()
            .any(|u| u.starts_with("https://registry.npmjs.org/@") && u.contains("%2F")),
        "scoped npm names"
    );
    assert!(
        urls.iter()
            .any(|u| u.starts_with("https://pypi.org/pypi/") && u.ends_with("/json"))
    );
    assert!(urls.iter().any(
        |u| u.starts_with("https://registry-1.docker.io/v2/library/")
            || u.starts_with("https://registry-1.docker.io/v2/")
    ));
}
