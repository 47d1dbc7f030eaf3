//! The transparency log over HTTP: every write is a leaf, checkpoints verify with the served
//! key, tiles and entry bundles recompute to the checkpoint, proofs verify, and verdicts carry
//! evidence a client checks offline. On SQLite, and on PostgreSQL when configured.

use protocol::api::{ConsistencyProofResponse, InclusionProofResponse, VerifyResponse};
use protocol::log::{
    self, LogRecord, LogVerifier, SignedCheckpoint, TilePath, VecReader, hash_from_base64,
    leaf_hash, stored_hashes_of, tree_hash,
};
use reqwest::StatusCode;
use serde_json::Value;
use testkit::app::{
    Backend, Options, TestApp, backends, enc, manifest, new_key, publish_body,
    register_github_body, revoke_body, yank_body,
};
use testkit::github::FakeGithub;

const NAME: &str = "io.github.octo/weather";

async fn start(backend: Backend) -> (TestApp, FakeGithub) {
    let gh = FakeGithub::empty().await;
    let app = TestApp::start(
        backend,
        Options {
            github_api_url: Some(gh.url.clone()),
            domain_proof_base_url: Some(gh.url.clone()),
            ..Options::default()
        },
    )
    .await;
    (app, gh)
}

async fn text(app: &TestApp, path: &str) -> (StatusCode, String, reqwest::header::HeaderMap) {
    let resp = app
        .client
        .get(format!("{}{path}", app.url))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, resp.text().await.unwrap(), headers)
}

async fn get_bytes(client: &reqwest::Client, url: &str, path: &str) -> Vec<u8> {
    let resp = client.get(format!("{url}{path}")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.bytes().await.unwrap().to_vec()
}

async fn verifier(app: &TestApp) -> LogVerifier {
    let (status, key, _) = text(app, "/log/key").await;
    assert_eq!(status, StatusCode::OK);
    LogVerifier::new(key.trim()).unwrap()
}

async fn checkpoint(app: &TestApp, v: &LogVerifier) -> SignedCheckpoint {
    let (status, note, headers) = text(app, "/log/checkpoint").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    v.verify_checkpoint(&note).unwrap()
}

/// Downloads every entry bundle and hash tile, recomputes the tree, and checks it against the
/// checkpoint. Returns the records.
async fn audit(app: &TestApp, cp: &SignedCheckpoint) -> Vec<LogRecord> {
    audit_at(&app.client, &app.url, cp).await
}

async fn audit_at(client: &reqwest::Client, url: &str, cp: &SignedCheckpoint) -> Vec<LogRecord> {
    let mut raw = Vec::new();
    for t in TilePath::tiles_for(cp.size, None) {
        let b = get_bytes(client, url, &format!("/log/{}", t.path())).await;
        raw.extend(log::tile::decode_bundle(&b).unwrap());
    }
    assert_eq!(raw.len() as u64, cp.size);
    let leaves: Vec<_> = raw.iter().map(|r| leaf_hash(r)).collect();
    let stored = stored_hashes_of(&leaves).unwrap();
    assert_eq!(tree_hash(cp.size, &VecReader(&stored)).unwrap(), cp.root);
    for level in 0..3 {
        for t in TilePath::tiles_for(cp.size, Some(level)) {
            let b = get_bytes(client, url, &format!("/log/{}", t.path())).await;
            let first = t.first().unwrap();
            let want: Vec<u8> = (first..first + t.width)
                .flat_map(|j| stored[log::stored_hash_index(level * 8, j) as usize].0)
                .collect();
            assert_eq!(b, want, "{}", t.path());
        }
    }
    raw.iter().map(|r| LogRecord::parse(r).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_is_logged_and_the_log_verifies() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let v = verifier(&app).await;
        assert_eq!(v.origin(), protocol::formats::log::DEFAULT_ORIGIN);
        // An empty log has a signed checkpoint of size 0.
        let empty = checkpoint(&app, &v).await;
        assert_eq!(empty.size, 0);

        let key = new_key();
        gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
        let (status, _) = app
            .post("/v1/keys", &register_github_body(&key, "octo", "weather"))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        // Registering the same proof again logs nothing new.
        let (status, _) = app
            .post("/v1/keys", &register_github_body(&key, "octo", "weather"))
            .await;
        assert_eq!(status, StatusCode::OK);

        let mut published = Vec::new();
        for v in ["1.0.0", "1.1.0", "2.0.0"] {
            let (status, r) = app
                .post(
                    "/v1/publish",
                    &publish_body(&key, &manifest(NAME, v, "octo/weather")),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{r}");
            published.push(r);
        }
        // The publish answer carries its leaf, proof and a checkpoint covering it.
        let last = &published[2]["log"];
        assert_eq!(last["release"]["index"], 3);
        let note = last["checkpoint"].as_str().unwrap();
        let cp = v.verify_checkpoint(note).unwrap();
        assert!(cp.size >= 4);
        let proof: Vec<_> = last["release"]["inclusionProof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| hash_from_base64(h.as_str().unwrap()).unwrap())
            .collect();
        let record = last["release"]["record"].as_str().unwrap();
        log::verify_inclusion(&proof, 3, cp.size, leaf_hash(record.as_bytes()), cp.root).unwrap();

        let (status, _) = app
            .post(
                "/v1/yank",
                &yank_body(&key, NAME, "1.0.0", Some("broken"), true),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // Statements must be newer than the last one applied: sign the un-yank a second later.
        let issued_at = testkit::app::now_secs() + 1;
        let statement = protocol::api::Statement::Unyank {
            name: NAME,
            version: "1.0.0",
            issued_at,
        }
        .to_text()
        .unwrap();
        let unyank = serde_json::json!({
            "name": NAME, "version": "1.0.0", "issuedAt": issued_at,
            "signature": testkit::app::sign(&key, statement.as_bytes()).to_file_string(),
        });
        let (status, _) = app.post("/v1/unyank", &unyank).await;
        assert_eq!(status, StatusCode::OK);

        let cp = checkpoint(&app, &v).await;
        assert_eq!(cp.size, 6);
        let records = audit(&app, &cp).await;
        let kinds: Vec<&str> = records.iter().map(LogRecord::kind).collect();
        assert_eq!(
            kinds,
            ["key", "release", "release", "release", "yank", "unyank"]
        );

        // Inclusion and consistency proofs from the API verify.
        for i in 0..cp.size {
            let (_, p) = app
                .get(&format!(
                    "/v1/log/proof/inclusion?index={i}&size={}",
                    cp.size
                ))
                .await;
            let p: InclusionProofResponse = serde_json::from_value(p).unwrap();
            let proof: Vec<_> = p
                .proof
                .iter()
                .map(|h| hash_from_base64(h).unwrap())
                .collect();
            log::verify_inclusion(&proof, i, cp.size, leaf_hash(p.record.as_bytes()), cp.root)
                .unwrap();
        }
        let (_, c) = app.get("/v1/log/proof/consistency?from=2&to=6").await;
        let c: ConsistencyProofResponse = serde_json::from_value(c).unwrap();
        let older = {
            let raw: Vec<_> = records
                .iter()
                .map(|r| leaf_hash(&r.to_bytes().unwrap()))
                .collect();
            tree_hash(2, &VecReader(&stored_hashes_of(&raw).unwrap())).unwrap()
        };
        let proof: Vec<_> = c
            .proof
            .iter()
            .map(|h| hash_from_base64(h).unwrap())
            .collect();
        log::verify_consistency(&proof, 2, older, 6, cp.root).unwrap();

        // Bad proof queries are clear errors.
        let (status, body) = app.get("/v1/log/proof/inclusion?index=6&size=6").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _) = app.get("/v1/log/proof/inclusion?index=0&size=99").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app.get("/v1/log/proof/consistency?from=0&to=3").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = app.get("/v1/log/proof/consistency?from=1&to=x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Tiles: partial ones are short-lived, missing and malformed ones are 404.
        let (status, _, headers) = text(&app, "/log/tile/0/000.p/6").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["cache-control"], "public, max-age=1");
        for bad in [
            "/log/tile/0/000.p/7",
            "/log/tile/0/000",
            "/log/tile/1/000.p/1",
            "/log/tile/0/0",
        ] {
            let (status, _, _) = text(&app, bad).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
        }

        // The verdict's evidence checks offline.
        let (_, verdict) = app
            .get(&format!("/v1/verify?server={NAME}&version=2.0.0"))
            .await;
        let verdict: VerifyResponse = serde_json::from_value(verdict).unwrap();
        let checked = log::evidence::check_release(&verdict, &v).unwrap();
        assert_eq!((checked.release_index, checked.key_index), (3, 0));
        // So does the official API's _meta block.
        let (_, one) = app
            .get(&format!("/v0.1/servers/{}/versions/2.0.0", enc(NAME)))
            .await;
        let meta = &one["_meta"][protocol::formats::REGISTRY_META_KEY]["log"];
        assert_eq!(meta["release"]["index"], 3, "{one}");

        // Revocation is logged too, with the key's own statement.
        let (status, _) = app
            .post(
                &format!("/v1/keys/{}/revoke", key.key_id()),
                &revoke_body(&key, Some("leaked")),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let cp = checkpoint(&app, &v).await;
        let records = audit(&app, &cp).await;
        assert!(
            matches!(records.last(), Some(LogRecord::KeyRevoke { reason: Some(r), signature: Some(_), .. }) if r == "leaked")
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_make_one_log() {
    for backend in backends() {
        let (app, gh) = start(backend).await;
        let v = verifier(&app).await;
        let key = new_key();
        gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
        app.post("/v1/keys", &register_github_body(&key, "octo", "weather"))
            .await;
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let client = app.client.clone();
                let url = format!("{}/v1/publish", app.url);
                let body = publish_body(&key, &manifest(NAME, &format!("1.0.{i}"), "octo/weather"));
                tokio::spawn(async move {
                    let r = client.post(url).json(&body).send().await.unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                    r.json::<Value>().await.unwrap()
                })
            })
            .collect();
        let mut indexes = Vec::new();
        for t in tasks {
            let r = t.await.unwrap();
            let cp = v
                .verify_checkpoint(r["log"]["checkpoint"].as_str().unwrap())
                .unwrap();
            let index = r["log"]["release"]["index"].as_u64().unwrap();
            assert!(index < cp.size, "the answer's checkpoint covers its leaf");
            indexes.push(index);
        }
        indexes.sort_unstable();
        assert_eq!(indexes, (1..=24).collect::<Vec<u64>>());
        let cp = checkpoint(&app, &v).await;
        assert_eq!(cp.size, 25);
        audit(&app, &cp).await;
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_key_persists_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let config = registry::Config::for_data_dir(dir.path());
    let a = registry::open(&config, false).await.unwrap();
    let key_a = a.log.verifier_key().to_string();
    a.db.close().await;
    let b = registry::open(&config, false).await.unwrap();
    assert_eq!(b.log.verifier_key(), key_a);
    b.db.close().await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("log.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A new origin renames the key: the checkpoint is signed again, by the renamed key.
    let mut renamed = config.clone();
    renamed.log_origin = "registry.example.com/log".to_string();
    let c = registry::open(&renamed, false).await.unwrap();
    assert_ne!(c.log.verifier_key(), key_a);
    let cp = registry::service::log::checkpoint(&c.db, &c.log)
        .await
        .unwrap();
    let v = LogVerifier::new(c.log.verifier_key()).unwrap();
    assert_eq!(
        v.verify_checkpoint(&cp.note).unwrap().origin,
        "registry.example.com/log"
    );
    c.db.close().await;
    // A broken key file is a clear start-up error, not a new key.
    std::fs::write(dir.path().join("log.key"), "garbage").unwrap();
    let err = registry::open(&config, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("log key"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The real binary: crash safety and two replicas on one PostgreSQL.

/// A `mcp-registry serve` process; killed (SIGKILL) when dropped.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(data: &std::path::Path, extra: &[&str], github: &str) -> Server {
    use std::io::{BufRead, BufReader};
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-registry"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MCP_REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    cmd.arg("--data-dir")
        .arg(data)
        .args(["--github-api-url", github, "--write-rate-limit", "0"])
        // The fake GitHub is on loopback, which only the test mode reaches.
        .arg("--allow-private-artifact-hosts")
        .args(extra)
        .args(["serve", "--no-seed", "--listen", "127.0.0.1:0"])
        // Nothing here stands in for npm and PyPI.
        .env("MCP_REGISTRY_NO_PROVENANCE_CHECKS", "true")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("serving on http://") {
                let url: String = line[i + "serving on ".len()..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let _ = tx.send(url);
            }
        }
    });
    let url = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("the server did not start: {e}"));
    Server { child, url }
}

async fn get_checkpoint(client: &reqwest::Client, url: &str, v: &LogVerifier) -> SignedCheckpoint {
    let note = client
        .get(format!("{url}/log/checkpoint"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    v.verify_checkpoint(&note).unwrap()
}

async fn get_verifier(client: &reqwest::Client, url: &str) -> LogVerifier {
    let key = client
        .get(format!("{url}/log/key"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    LogVerifier::new(key.trim()).unwrap()
}

async fn check_consistent(
    client: &reqwest::Client,
    url: &str,
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
) {
    if old.size == 0 || old.size == new.size {
        assert!(old.size == 0 || old.root == new.root);
        return;
    }
    let c: ConsistencyProofResponse = client
        .get(format!(
            "{url}/v1/log/proof/consistency?from={}&to={}",
            old.size, new.size
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let proof: Vec<_> = c
        .proof
        .iter()
        .map(|h| hash_from_base64(h).unwrap())
        .collect();
    log::verify_consistency(&proof, old.size, old.root, new.size, new.root).unwrap();
}

/// Publishes versions 1.0.N (N from a shared counter) from `workers` tasks, round-robin over
/// `urls`, until `stop` or an error; returns the acknowledged versions.
fn publish_stream(
    urls: Vec<String>,
    key: std::sync::Arc<protocol::SecretKey>,
    workers: usize,
    max: u32,
) -> (
    Vec<tokio::task::JoinHandle<()>>,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    use std::sync::atomic::{AtomicU32, Ordering};
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let next = std::sync::Arc::new(AtomicU32::new(0));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    let handles = (0..workers)
        .map(|w| {
            let (urls, key, acked, next, client) = (
                urls.clone(),
                key.clone(),
                acked.clone(),
                next.clone(),
                client.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= max {
                        break;
                    }
                    let version = format!("1.0.{n}");
                    let url = &urls[(n as usize + w) % urls.len()];
                    let body = publish_body(&key, &manifest(NAME, &version, "octo/weather"));
                    match client
                        .post(format!("{url}/v1/publish"))
                        .json(&body)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == StatusCode::CREATED => {
                            acked.lock().unwrap().push(version);
                        }
                        Ok(r) => panic!("publish {version}: HTTP {}", r.status()),
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    (handles, acked)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_publishes_survive_sigkill() {
    let gh = FakeGithub::empty().await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = new_key();
    gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
    let client = reqwest::Client::new();

    let server = spawn_server(&data, &[], &gh.url);
    let v = get_verifier(&client, &server.url).await;
    let r = client
        .post(format!("{}/v1/keys", server.url))
        .json(&register_github_body(&key, "octo", "weather"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let first = get_checkpoint(&client, &server.url, &v).await;
    assert_eq!(first.size, 1);

    let (handles, acked) = publish_stream(vec![server.url.clone()], key.into(), 4, 100_000);
    // Kill it in the middle of the stream, with requests in flight.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acked.lock().unwrap().len() < 25 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(server); // SIGKILL
    for h in handles {
        h.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 25,
        "only {} publishes before the deadline",
        acked.len()
    );

    let server = spawn_server(&data, &[], &gh.url);
    let v2 = get_verifier(&client, &server.url).await;
    assert_eq!(v2, v, "the log key survives the restart");
    let cp = get_checkpoint(&client, &server.url, &v).await;
    // The log verifies from the first checkpoint to the new one, and recomputes from its tiles.
    check_consistent(&client, &server.url, &first, &cp).await;
    let records = audit_at(&client, &server.url, &cp).await;
    // Nothing half-written: every stored release has exactly its leaf, and the reverse.
    let stats: Value = client
        .get(format!("{}/v1/stats", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let logged: Vec<&str> = records
        .iter()
        .filter_map(|r| match r {
            LogRecord::Release { version, .. } => Some(version.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(stats["releases"].as_u64().unwrap(), logged.len() as u64);
    assert_eq!(cp.size, 1 + logged.len() as u64);
    // Every acknowledged publish is in the log, with evidence that checks offline.
    for version in &acked {
        assert!(
            logged.contains(&version.as_str()),
            "{version} was acknowledged but is not logged"
        );
        let verdict: VerifyResponse = client
            .get(format!(
                "{}/v1/verify?server={NAME}&version={version}",
                server.url
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        log::evidence::check_release(&verdict, &v).unwrap();
    }
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL (MCP_REGISTRY_TEST_POSTGRES_URL); scripts/test runs it when that is set"]
async fn two_servers_on_one_postgres_keep_one_log() {
    use sqlx::Connection;
    let admin = testkit::app::postgres_url();
    sqlx::any::install_default_drivers();
    let name = format!(
        "mcp_registry_test_replicas_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .unwrap();
    let mut db_url = url::Url::parse(&admin).unwrap();
    db_url.set_path(&format!("/{name}"));
    let db_url = db_url.to_string();

    let gh = FakeGithub::empty().await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("shared-log.key");
    let key_file = key_file.to_str().unwrap();
    let key = new_key();
    gh.add_repo("octo", "weather", Some(key.public_key().to_file_string()));
    let client = reqwest::Client::new();
    let extra = ["--database-url", &db_url, "--log-key-file", key_file];
    let a = spawn_server(&dir.path().join("a"), &extra, &gh.url);
    let b = spawn_server(&dir.path().join("b"), &extra, &gh.url);
    let v = get_verifier(&client, &a.url).await;
    assert_eq!(
        get_verifier(&client, &b.url).await,
        v,
        "replicas share the log key"
    );
    let r = client
        .post(format!("{}/v1/keys", a.url))
        .json(&register_github_body(&key, "octo", "weather"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let first = get_checkpoint(&client, &b.url, &v).await;

    let (handles, acked) = publish_stream(vec![a.url.clone(), b.url.clone()], key.into(), 6, 40);
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(acked.lock().unwrap().len(), 40);
    let cp_a = get_checkpoint(&client, &a.url, &v).await;
    let cp_b = get_checkpoint(&client, &b.url, &v).await;
    assert_eq!(
        (cp_a.size, cp_a.root),
        (cp_b.size, cp_b.root),
        "one log, one head"
    );
    assert_eq!(cp_a.note, cp_b.note, "identical signed checkpoints");
    assert_eq!(cp_a.size, 41);
    check_consistent(&client, &a.url, &first, &cp_a).await;
    let records = audit_at(&client, &b.url, &cp_b).await;
    let mut versions: Vec<String> = records
        .iter()
        .filter_map(|r| match r {
            LogRecord::Release { version, .. } => Some(version.clone()),
            _ => None,
        })
        .collect();
    versions.sort();
    versions.dedup();
    assert_eq!(versions.len(), 40, "every publish once");
    drop(a);
    drop(b);
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .await;
}
