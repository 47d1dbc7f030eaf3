//! A small stand-in for GitHub's REST API (`/repos/{owner}/{repo}` and the contents API) and
//! for domains serving `/.well-known/mcp-sign.pub`, on a local port.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: i64,
    /// The owner GitHub reports (differs from the URL's after a transfer).
    pub owner: String,
    pub name: String,
    pub key_file: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct World {
    /// By lower-case `owner/repo` as requested.
    pub repos: HashMap<String, Repo>,
    /// Domain → key file.
    pub domains: HashMap<String, String>,
    /// Domain → where its key file URL redirects.
    pub redirects: HashMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct FakeGithub {
    pub url: String,
    pub world: Arc<Mutex<World>>,
}

impl FakeGithub {
    pub async fn start() -> FakeGithub {
        let world = Arc::new(Mutex::new(World::default()));
        let app = Router::new()
            .route("/repos/{owner}/{repo}", get(repo))
            .route("/repos/{owner}/{repo}/contents/{*path}", get(contents))
            .route("/{domain}/.well-known/mcp-sign.pub", get(domain_key))
            .with_state(world.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeGithub {
            url: format!("http://{addr}"),
            world,
        }
    }

    /// A repository `owner/name` owned by `owner`, holding `key_file` (if any).
    pub fn add_repo(&self, owner: &str, name: &str, key_file: Option<String>) {
        self.add_repo_owned_by(owner, name, owner, key_file);
    }

    /// A repository requested as `owner/name` that GitHub reports as owned by `actual_owner`.
    pub fn add_repo_owned_by(
        &self,
        owner: &str,
        name: &str,
        actual_owner: &str,
        key_file: Option<String>,
    ) {
        let mut w = self.world.lock().expect("lock");
        let id = 1000 + i64::try_from(w.repos.len()).unwrap_or(0);
        w.repos.insert(
            format!("{owner}/{name}").to_lowercase(),
            Repo {
                id,
                owner: actual_owner.to_string(),
                name: name.to_string(),
                key_file,
            },
        );
    }

    pub fn add_redirect(&self, domain: &str, location: String) {
        self.world
            .lock()
            .expect("lock")
            .redirects
            .insert(domain.to_string(), location);
    }

    pub fn add_domain(&self, domain: &str, key_file: String) {
        self.world
            .lock()
            .expect("lock")
            .domains
            .insert(domain.to_string(), key_file);
    }
}

type St = State<Arc<Mutex<World>>>;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": "Not Found"}))).into_response()
}

async fn repo(State(w): St, Path((owner, name)): Path<(String, String)>) -> Response {
    let w = w.lock().expect("lock");
    match w.repos.get(&format!("{owner}/{name}").to_lowercase()) {
        Some(r) => Json(json!({
            "id": r.id,
            "name": r.name,
            "full_name": format!("{}/{}", r.owner, r.name),
            "owner": {"login": r.owner, "id": 1},
            "default_branch": "main",
        }))
        .into_response(),
        None => not_found(),
    }
}

async fn contents(
    State(w): St,
    Path((owner, name, path)): Path<(String, String, String)>,
) -> Response {
    let w = w.lock().expect("lock");
    // Requests come for the full_name GitHub reported; find the repo by it.
    let repo = w
        .repos
        .values()
        .find(|r| r.owner.eq_ignore_ascii_case(&owner) && r.name.eq_ignore_ascii_case(&name));
    match (repo.and_then(|r| r.key_file.clone()), path.as_str()) {
        (Some(file), ".well-known/mcp-sign.pub") => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(file.as_bytes());
            // GitHub wraps base64 content at 60 columns.
            let wrapped: Vec<String> = b64
                .as_bytes()
                .chunks(60)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            Json(json!({
                "type": "file",
                "encoding": "base64",
                "path": path,
                "content": wrapped.join("\n") + "\n",
            }))
            .into_response()
        }
        _ => not_found(),
    }
}

async fn domain_key(State(w): St, Path(domain): Path<String>) -> Response {
    let w = w.lock().expect("lock");
    if let Some(location) = w.redirects.get(&domain) {
        return (StatusCode::FOUND, [("location", location.clone())]).into_response();
    }
    match w.domains.get(&domain) {
        Some(file) => file.clone().into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
