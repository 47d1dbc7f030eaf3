//! One fake GitHub for every test: the REST API the crawler walks (repository and code search
//! with `Link` pagination and the search cap, `/repos/{owner}/{repo}`, the contents API raw
//! or base64), the namespace-proof reads (`.well-known/mcp-sign.pub` in a repository, a
//! transferred repository answering under its new owner), and domains serving their key file
//! at `/{domain}/.well-known/mcp-sign.pub`. It enforces what GitHub does: ETag/304, primary
//! rate limits per resource with `x-ratelimit-*` headers (304s are free), a secondary limit
//! answered with `retry-after`, and configurable 502s.

mod gate;
mod json;
mod repos;
mod search;
mod seed;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use time::Date;

pub use json::repo_json;
pub use seed::{KEY_FILE, seed_repos};

/// The path of the key file a repository or domain proves its namespace with.
pub const KEY_PATH: &str = ".well-known/mcp-sign.pub";

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: i64,
    /// The owner GitHub reports (after a transfer, not the one in older URLs).
    pub owner: String,
    pub name: String,
    /// Lower-case `owner/name`s the repository is also found under (before a transfer).
    pub former_names: Vec<String>,
    pub description: Option<String>,
    pub topics: Vec<String>,
    pub created: Date,
    pub pushed_at: String,
    pub stars: i64,
    pub forks: i64,
    pub archived: bool,
    pub fork: bool,
    pub org: bool,
    /// Files by path: name → bytes. `.well-known/mcp-sign.pub` is a path too.
    pub files: HashMap<String, Vec<u8>>,
    /// Sizes the root listing reports when they differ from the bytes (a lying listing).
    pub listed_sizes: HashMap<String, u64>,
    /// JSON pointers (`/owner/gravatar_id`) left out of this repository's objects, in search
    /// results and `/repos/{owner}/{repo}` alike (GitHub's answers vary).
    pub omit: Vec<String>,
}

impl Repo {
    /// A plain public repository with no files.
    pub fn new(id: i64, owner: &str, name: &str) -> Repo {
        Repo {
            id,
            owner: owner.to_string(),
            name: name.to_string(),
            former_names: Vec::new(),
            description: None,
            topics: Vec::new(),
            created: Date::from_calendar_date(2020, time::Month::January, 1).expect("date"),
            pushed_at: "2025-10-01T12:00:00Z".to_string(),
            stars: 0,
            forks: 0,
            archived: false,
            fork: false,
            org: false,
            files: HashMap::new(),
            listed_sizes: HashMap::new(),
            omit: Vec::new(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }

    /// Whether a request for `owner/name` reaches this repository (case-insensitively, and
    /// under a former name).
    fn answers_to(&self, owner: &str, name: &str) -> bool {
        (self.owner.eq_ignore_ascii_case(owner) && self.name.eq_ignore_ascii_case(name))
            || self
                .former_names
                .contains(&format!("{owner}/{name}").to_lowercase())
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub search_cap: usize,
    /// Requests per window for each resource.
    pub core_limit: i64,
    pub search_limit: i64,
    pub code_search_limit: i64,
    pub window_secs: i64,
    /// Every n-th request (counting all) answers 502; 0 = never.
    pub fail_every: u64,
    /// These request numbers answer 403 with `retry-after: 1` (a secondary limit).
    pub secondary_at: Vec<u64>,
    /// Requests whose path starts with one of these answer 502, every time (an outage of
    /// one repository's reads).
    pub fail_prefixes: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            search_cap: 1000,
            core_limit: 5000,
            search_limit: 1000,
            code_search_limit: 1000,
            window_secs: 3600,
            fail_every: 0,
            secondary_at: Vec::new(),
            fail_prefixes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    /// The `Authorization` header the request carried.
    pub authorization: Option<String>,
    pub conditional: bool,
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct World {
    pub repos: Vec<Repo>,
    pub settings: Settings,
    pub log: Vec<Logged>,
    /// Domain → key file served at `/{domain}/.well-known/mcp-sign.pub`.
    pub domains: HashMap<String, String>,
    /// Domain → where its key file URL redirects.
    pub redirects: HashMap<String, String>,
    /// resource → (remaining, reset unix secs)
    limits: HashMap<&'static str, (i64, i64)>,
    counter: u64,
}

impl World {
    fn find(&self, owner: &str, name: &str) -> Option<&Repo> {
        self.repos.iter().find(|r| r.answers_to(owner, name))
    }
}

#[derive(Debug, Clone)]
pub struct FakeGithub {
    pub url: String,
    pub world: Arc<Mutex<World>>,
}

type St = State<Arc<Mutex<World>>>;

impl FakeGithub {
    /// A GitHub with no repositories yet, for namespace proofs: add them with `add_repo`.
    pub async fn empty() -> FakeGithub {
        FakeGithub::start(Vec::new(), Settings::default()).await
    }

    pub async fn start(repos: Vec<Repo>, settings: Settings) -> FakeGithub {
        let world = Arc::new(Mutex::new(World {
            repos,
            settings,
            ..World::default()
        }));
        let app = Router::new()
            .route("/search/repositories", get(search::repositories))
            .route("/search/code", get(search::code))
            .route("/repos/{owner}/{repo}", get(repos::repo))
            .route("/repos/{owner}/{repo}/contents/", get(repos::root_listing))
            .route(
                "/repos/{owner}/{repo}/contents/{*path}",
                get(repos::contents),
            )
            .route("/{domain}/.well-known/mcp-sign.pub", get(repos::domain_key))
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

    pub fn log(&self) -> Vec<Logged> {
        self.world.lock().expect("lock").log.clone()
    }

    pub fn clear_log(&self) {
        self.world.lock().expect("lock").log.clear();
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.world.lock().expect("lock"))
    }

    /// A repository `owner/name` owned by `owner`, holding `key_file` (if any).
    pub fn add_repo(&self, owner: &str, name: &str, key_file: Option<String>) {
        self.add_repo_owned_by(owner, name, owner, key_file);
    }

    /// A repository requested as `owner/name` that GitHub reports as owned by `actual_owner`
    /// (transferred), holding `key_file` (if any).
    pub fn add_repo_owned_by(
        &self,
        owner: &str,
        name: &str,
        actual_owner: &str,
        key_file: Option<String>,
    ) {
        let mut w = self.world.lock().expect("lock");
        let requested = format!("{owner}/{name}").to_lowercase();
        // Numbered before a replaced repository is dropped, so ids stay unique.
        let id = 1000 + i64::try_from(w.repos.len()).unwrap_or(0);
        w.repos.retain(|r| {
            r.full_name().to_lowercase() != requested && !r.former_names.contains(&requested)
        });
        let mut repo = Repo::new(id, actual_owner, name);
        if !actual_owner.eq_ignore_ascii_case(owner) {
            repo.former_names.push(requested);
        }
        if let Some(file) = key_file {
            repo.files.insert(KEY_PATH.to_string(), file.into_bytes());
        }
        w.repos.push(repo);
    }

    pub fn add_redirect(&self, domain: &str, location: String) {
        self.with(|w| w.redirects.insert(domain.to_string(), location));
    }

    pub fn add_domain(&self, domain: &str, key_file: String) {
        self.with(|w| w.domains.insert(domain.to_string(), key_file));
    }
}
