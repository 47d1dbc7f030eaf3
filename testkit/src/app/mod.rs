//! The HTTP test harness: `TestApp` starts the real registry on port 0 against a fresh
//! database (a temporary SQLite file, or a new PostgreSQL database when
//! `MCP_REGISTRY_TEST_POSTGRES_URL` is set), and checks every official-API answer it receives
//! against the official OpenAPI document.

mod bodies;
mod official_contract;

pub use bodies::*;
pub use official_contract::is_official;

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::Connection;

pub const POSTGRES_ENV: &str = "MCP_REGISTRY_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests may use. Panics when none is set: a PostgreSQL-only test
/// (`#[ignore]`d, run by `scripts/test` when the variable is set) must not pass without running.
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| panic!("this test needs PostgreSQL: set {POSTGRES_ENV}"))
}

/// SQLite always; PostgreSQL too when the environment names a server.
pub fn backends() -> Vec<Backend> {
    let mut b = vec![Backend::Sqlite];
    if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
        b.push(Backend::Postgres);
    }
    b
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub seed: bool,
    pub github_api_url: Option<String>,
    pub domain_proof_base_url: Option<String>,
    /// Writes per minute per address; 0 (the default here) turns the limit off, as the
    /// concurrency tests send many.
    pub write_rate_limit: u32,
    /// Artifact-check settings (package registry URLs, limits); defaults when `None`.
    pub artifacts: Option<registry::artifacts::ArtifactArgs>,
    /// Refuse private and loopback addresses in outbound fetches, as in production. Off by
    /// default here: the fake GitHub and domain servers run on loopback.
    pub refuse_private_hosts: bool,
}

#[derive(Debug)]
pub struct TestApp {
    pub url: String,
    pub backend: Backend,
    pub client: reqwest::Client,
    pub state: registry::AppState,
    /// What the registry was opened with: `registry::open(&app.config, false)` opens it again
    /// on the same database, as a restart (or a second replica) does.
    pub config: registry::Config,
    /// Held for its lifetime: the data folder and the PostgreSQL database, dropped with the app.
    _dir: tempfile::TempDir,
    _postgres: Option<PgDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A database made for one test, dropped with it.
#[derive(Debug)]
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; a thread with its own runtime may block.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("mcp_registry_test_{}_{n}_{nanos}", std::process::id())
}

fn with_database(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("postgres URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// Serves `state` on a port of its own: its URL, and the sender that stops it.
async fn serve(state: registry::AppState) -> (String, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = registry::serve(listener, state, async move {
            let _ = rx.await;
        })
        .await;
    });
    (format!("http://{addr}"), tx)
}

impl TestApp {
    pub async fn start(backend: Backend, options: Options) -> TestApp {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = registry::Config::for_data_dir(&dir.path().join("data"));
        let mut postgres = None;
        if backend == Backend::Postgres {
            let admin_url = postgres_url();
            let name = unique_name();
            let mut conn = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("connect admin");
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await
                .expect("create database");
            config.database_url = Some(with_database(&admin_url, &name));
            postgres = Some(PgDatabase { admin_url, name });
        }
        if let Some(u) = &options.github_api_url {
            config.github_api_url = u.clone();
        }
        config.domain_proof_base_url = options.domain_proof_base_url.clone();
        config.write_rate_limit = options.write_rate_limit;
        if let Some(a) = &options.artifacts {
            config.artifacts = a.clone();
        } else {
            config.artifacts.allow_private_artifact_hosts = !options.refuse_private_hosts;
            // Nothing here stands in for npm and PyPI, so nothing may ask the real ones.
            config.artifacts.no_provenance_checks = true;
        }
        let state = registry::open(&config, options.seed)
            .await
            .expect("open registry");
        let (url, shutdown) = serve(state.clone()).await;
        TestApp {
            url,
            backend,
            client: reqwest::Client::new(),
            state,
            config,
            _dir: dir,
            _postgres: postgres,
            shutdown: Some(shutdown),
        }
    }

    /// Stops the registry and opens it again on the same database and data folder, as a
    /// restart does (without the seed: it was loaded, or not, the first time).
    pub async fn restart(mut self) -> TestApp {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.state.search.close().await;
        self.state.db.close().await;
        let state = registry::open(&self.config, false)
            .await
            .expect("reopen registry");
        let (url, shutdown) = serve(state.clone()).await;
        self.url = url;
        self.state = state;
        self.shutdown = Some(shutdown);
        self
    }

    /// GET as an API client (`Accept: application/json`, so unknown paths answer the JSON
    /// error rather than the website's HTML 404).
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self
            .client
            .get(format!("{}{path}", self.url))
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .expect("GET");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        if official_contract::is_official(path) {
            official_contract::check(path, status, &body);
        }
        (status, body)
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .expect("POST");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn post_raw(
        &self,
        path: &str,
        body: Vec<u8>,
        content_type: &str,
    ) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(format!("{}{path}", self.url))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.state.db.close().await;
    }
}

/// Asserts our one error shape and returns the code.
/// The message of an error in the official registry's shape (`/v0`, `/v0.1`):
/// `{"error": "..."}` and nothing else.
pub fn official_error(body: &Value) -> String {
    let message = body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("not an official error body: {body}"));
    assert!(!message.is_empty(), "{body}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    message.to_string()
}

pub fn error_code(body: &Value) -> String {
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {body}"));
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    code.to_string()
}
