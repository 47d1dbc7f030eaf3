//! A local GitHub-like server for the crawler's tests, built from the 358 seed servers'
//! repositories. It enforces what GitHub does: pagination with `Link` headers, the search cap
//! (1,000 by default, configurable), ETag/304, primary rate limits per resource with
//! `x-ratelimit-*` headers (304s are free), a secondary limit answered with `retry-after`,
//! and occasional 502s.

// Handlers answer early with a whole response; boxing it would only add noise here.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use serde_json::{Value, json};
use time::{Date, Duration as Days};

/// A valid minisign public key file (from protocol's tests).
pub const KEY_FILE: &str = "untrusted comment: minisign public key DA6F35CE8D9D93C2
RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg
";

#[derive(Debug, Clone)]
pub struct Repo {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub description: Option<String>,
    pub topics: Vec<String>,
    pub created: Date,
    pub pushed_at: String,
    pub stars: i64,
    pub forks: i64,
    pub archived: bool,
    pub fork: bool,
    pub org: bool,
    /// Root files: name → bytes. `.well-known/mcp-sign.pub` is a path too.
    pub files: HashMap<String, Vec<u8>>,
    /// Sizes the root listing reports when they differ from the bytes (a lying listing).
    pub listed_sizes: HashMap<String, u64>,
    /// JSON pointers (`/owner/gravatar_id`) left out of this repository's objects, in search
    /// results and `/repos/{owner}/{repo}` alike (GitHub's answers vary).
    pub omit: Vec<String>,
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
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
    /// resource → (remaining, reset unix secs)
    limits: HashMap<&'static str, (i64, i64)>,
    counter: u64,
}

#[derive(Debug, Clone)]
pub struct FakeGithub {
    pub url: String,
    pub world: Arc<Mutex<World>>,
}

fn seed() -> Vec<Value> {
    let text = include_str!("../../../seed/official-registry-seed.json");
    serde_json::from_str(text).expect("seed")
}

/// The seed servers' repositories, with plausible GitHub facts: creation dates spread over
/// 2016–2025, topics on three quarters of them (the rest are found by keywords or code
/// search), the seed's server.json in most, package.json / pyproject.toml from their packages,
/// and a key file in every tenth.
pub fn seed_repos() -> Vec<Repo> {
    let mut by_name: HashMap<String, Repo> = HashMap::new();
    let mut order = Vec::new();
    let start = Date::from_calendar_date(2016, time::Month::January, 1).expect("date");
    for (i, s) in seed().iter().enumerate() {
        let url = s["repository"]["url"].as_str().unwrap_or_default();
        let mut parts = url.trim_start_matches("https://github.com/").split('/');
        let (Some(owner), Some(name)) = (parts.next(), parts.next()) else {
            continue;
        };
        let name = name.trim_end_matches(".git");
        let key = format!("{owner}/{name}").to_lowercase();
        if by_name.contains_key(&key) {
            continue;
        }
        let n = order.len();
        let id = s["repository"]["id"]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500_000_000 + i64::try_from(i).unwrap_or(0));
        // Spread over ten years, deterministic, not in seed order.
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let created = start + Days::days(i64::try_from(h.finish() % 3650).unwrap_or(0));
        let topics: Vec<String> = match n % 4 {
            0 => vec!["mcp-server".into()],
            1 => vec!["model-context-protocol".into(), "ai".into()],
            2 => vec!["mcp".into(), "llm".into()],
            _ => vec![],
        };
        let mut files = HashMap::new();
        let mut server = s.clone();
        server["$schema"] = json!(protocol::formats::SERVER_SCHEMA_URL);
        server["version"] = json!("1.0.0");
        // Every topic-less repository has a server.json (code search finds it); most others too.
        if n % 4 == 3 || n % 3 != 0 {
            files.insert(
                "server.json".to_string(),
                serde_json::to_vec_pretty(&server).expect("json"),
            );
        }
        for p in s["packages"].as_array().into_iter().flatten() {
            match p["registryType"].as_str() {
                Some("npm") => {
                    files.insert(
                        "package.json".to_string(),
                        serde_json::to_vec_pretty(&json!({
                            "name": p["identifier"],
                            "version": p["version"],
                            "mcpName": s["name"],
                        }))
                        .expect("json"),
                    );
                }
                Some("pypi") => {
                    files.insert(
                        "pyproject.toml".to_string(),
                        format!(
                            "[project]\nname = {:?}\nversion = {:?}\n",
                            p["identifier"].as_str().unwrap_or("x"),
                            p["version"].as_str().unwrap_or("0.1.0")
                        )
                        .into_bytes(),
                    );
                }
                _ => {}
            }
        }
        if n % 10 == 0 {
            files.insert(
                ".well-known/mcp-sign.pub".to_string(),
                KEY_FILE.as_bytes().to_vec(),
            );
        }
        files.insert("README.md".to_string(), b"# readme\n".to_vec());
        order.push(key.clone());
        by_name.insert(
            key,
            Repo {
                id,
                owner: owner.to_string(),
                name: name.to_string(),
                description: s["description"].as_str().map(str::to_string),
                topics,
                created,
                pushed_at: "2025-10-01T12:00:00Z".to_string(),
                stars: i64::try_from(h.finish() % 5000).unwrap_or(0),
                forks: i64::try_from(h.finish() % 300).unwrap_or(0),
                archived: n % 37 == 5,
                fork: n % 41 == 7,
                org: n % 2 == 0,
                files,
                listed_sizes: HashMap::new(),
                omit: Vec::new(),
            },
        );
    }
    order
        .into_iter()
        .filter_map(|k| by_name.remove(&k))
        .collect()
}

impl FakeGithub {
    pub async fn start(repos: Vec<Repo>, settings: Settings) -> FakeGithub {
        let world = Arc::new(Mutex::new(World {
            repos,
            settings,
            ..World::default()
        }));
        let app = Router::new()
            .route("/search/repositories", get(search_repositories))
            .route("/search/code", get(search_code))
            .route("/repos/{owner}/{repo}", get(repo))
            .route("/repos/{owner}/{repo}/contents/", get(root_listing))
            .route("/repos/{owner}/{repo}/contents/{*path}", get(contents))
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
}

type St = State<Arc<Mutex<World>>>;

fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn etag_of(body: &[u8]) -> String {
    let mut h = DefaultHasher::new();
    body.hash(&mut h);
    format!("W/\"{:016x}\"", h.finish())
}

/// What every request goes through: the 502s, the secondary limit, the primary limit. Returns
/// the rate-limit headers, or the answer to send instead.
fn gate(
    w: &mut World,
    resource: &'static str,
    path: &str,
    headers: &HeaderMap,
) -> Result<(HeaderMap, Option<String>), Response> {
    w.counter += 1;
    let n = w.counter;
    let conditional = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut log = Logged {
        path: path.to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        conditional: conditional.is_some(),
        status: 200,
    };
    let failing = w.settings.fail_prefixes.iter().any(|p| path.starts_with(p));
    if failing || (w.settings.fail_every > 0 && n.is_multiple_of(w.settings.fail_every)) {
        log.status = 502;
        w.log.push(log);
        return Err((StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response());
    }
    if w.settings.secondary_at.contains(&n) {
        log.status = 403;
        w.log.push(log);
        return Err((
            StatusCode::FORBIDDEN,
            [("retry-after", "1")],
            axum::Json(json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."})),
        )
            .into_response());
    }
    let limit = match resource {
        "search" => w.settings.search_limit,
        "code_search" => w.settings.code_search_limit,
        _ => w.settings.core_limit,
    };
    let now = now_secs();
    let window = w.settings.window_secs;
    let entry = w.limits.entry(resource).or_insert((limit, now + window));
    if entry.1 <= now {
        *entry = (limit, now + window);
    }
    let (remaining, reset) = *entry;
    let mut h = HeaderMap::new();
    let hv = |v: String| HeaderValue::from_str(&v).expect("header");
    h.insert("x-ratelimit-limit", hv(limit.to_string()));
    h.insert("x-ratelimit-reset", hv(reset.to_string()));
    h.insert("x-ratelimit-resource", HeaderValue::from_static(resource));
    if remaining <= 0 {
        h.insert("x-ratelimit-remaining", hv("0".to_string()));
        log.status = 403;
        w.log.push(log);
        return Err((
            StatusCode::FORBIDDEN,
            h,
            axum::Json(json!({"message": "API rate limit exceeded"})),
        )
            .into_response());
    }
    w.log.push(log);
    Ok((h, conditional))
}

/// Sends `body` with an ETag, or 304 when the client has it (free: the count is given back).
fn answer(
    w: &mut World,
    resource: &'static str,
    mut h: HeaderMap,
    conditional: Option<String>,
    body: Vec<u8>,
    content_type: &'static str,
) -> Response {
    let etag = etag_of(&body);
    let remaining = w.limits.get(resource).map(|e| e.0).unwrap_or(0);
    h.insert("etag", HeaderValue::from_str(&etag).expect("etag"));
    if conditional.as_deref() == Some(etag.as_str()) {
        h.insert(
            "x-ratelimit-remaining",
            HeaderValue::from_str(&remaining.to_string()).expect("h"),
        );
        if let Some(l) = w.log.last_mut() {
            l.status = 304;
        }
        return (StatusCode::NOT_MODIFIED, h).into_response();
    }
    if let Some(e) = w.limits.get_mut(resource) {
        e.0 -= 1;
    }
    h.insert(
        "x-ratelimit-remaining",
        HeaderValue::from_str(&(remaining - 1).to_string()).expect("h"),
    );
    h.insert("content-type", HeaderValue::from_static(content_type));
    (StatusCode::OK, h, body).into_response()
}

fn owner_json(base: &str, login: &str, org: bool) -> Value {
    let u = format!("{base}/users/{login}");
    json!({
        "login": login, "id": 1, "node_id": "MDQ6VXNlcjE=",
        "avatar_url": "https://avatars.githubusercontent.com/u/1", "gravatar_id": "",
        "url": u, "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{u}/followers"), "following_url": format!("{u}/following"),
        "gists_url": format!("{u}/gists"), "starred_url": format!("{u}/starred"),
        "subscriptions_url": format!("{u}/subscriptions"), "organizations_url": format!("{u}/orgs"),
        "repos_url": format!("{u}/repos"), "events_url": format!("{u}/events"),
        "received_events_url": format!("{u}/received_events"),
        "type": if org { "Organization" } else { "User" }, "site_admin": false,
    })
}

/// Removes what the JSON pointer `pointer` points at.
fn remove_pointer(v: &mut Value, pointer: &str) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    if let Some(Value::Object(o)) = v.pointer_mut(parent) {
        o.remove(key);
    }
}

/// A repository object as this fake sends it (with `r.omit` left out).
pub fn repo_json(base: &str, r: &Repo) -> Value {
    let mut v = full_repo_json(base, r);
    for p in &r.omit {
        remove_pointer(&mut v, p);
    }
    v
}

fn full_repo_json(base: &str, r: &Repo) -> Value {
    json!({
        "id": r.id,
        "node_id": format!("R_{}", r.id),
        "name": r.name,
        "full_name": r.full_name(),
        "private": false,
        "owner": owner_json(base, &r.owner, r.org),
        "html_url": format!("https://github.com/{}", r.full_name()),
        "description": r.description,
        "fork": r.fork,
        "url": format!("{base}/repos/{}", r.full_name()),
        "created_at": format!("{}T10:00:00Z", r.created),
        "updated_at": r.pushed_at,
        "pushed_at": r.pushed_at,
        "stargazers_count": r.stars,
        "watchers_count": r.stars,
        "forks_count": r.forks,
        "archived": r.archived,
        "default_branch": "main",
        "topics": r.topics,
        "license": {"key": "mit", "name": "MIT License", "spdx_id": "MIT", "node_id": "MDc6TGljZW5zZTEz", "url": "https://api.github.com/licenses/mit"},
        "visibility": "public",
    })
}

/// Splits a query into words, keeping quoted phrases together.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn date_range(v: &str) -> Option<(Date, Date)> {
    let parse = |d: &str| -> Option<Date> {
        let mut it = d.split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: u8 = it.next()?.parse().ok()?;
        let day: u8 = it.next()?.parse().ok()?;
        Date::from_calendar_date(y, time::Month::try_from(m).ok()?, day).ok()
    };
    let (a, b) = v.split_once("..")?;
    Some((parse(a)?, parse(b)?))
}

fn page_of(
    base: &str,
    path: &str,
    q: &str,
    per_page: usize,
    page: usize,
    total: usize,
    cap: usize,
) -> Result<(std::ops::Range<usize>, Option<String>), Response> {
    let visible = total.min(cap);
    let start = (page - 1) * per_page;
    if start >= cap && page > 1 {
        return Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"message": "Only the first 1000 search results are available"})),
        )
            .into_response());
    }
    let end = (start + per_page).min(visible);
    let last = visible.div_ceil(per_page).max(1);
    let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let link = |p: usize, rel: &str| {
        format!("<{base}{path}?q={enc}&per_page={per_page}&page={p}>; rel=\"{rel}\"")
    };
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    let link = (!links.is_empty()).then(|| links.join(", "));
    Ok((start.min(end)..end, link))
}

fn params(p: &HashMap<String, String>) -> (String, usize, usize) {
    let q = p.get("q").cloned().unwrap_or_default();
    let per_page = p
        .get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(30usize)
        .clamp(1, 100);
    let page = p
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    (q, per_page, page)
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn search_repositories(
    State(w): St,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let base = base_url(&headers);
    let (q, per_page, page) = params(&p);
    let (h, cond) = match gate(
        &mut w,
        "search",
        &format!("/search/repositories?q={q}&page={page}"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let toks = tokens(&q);
    let mut matched: Vec<&Repo> = w
        .repos
        .iter()
        .filter(|r| {
            let mut ok = true;
            let mut words = Vec::new();
            let mut in_fields: Option<Vec<String>> = None;
            for t in &toks {
                if let Some(v) = t.strip_prefix("topic:") {
                    ok &= r.topics.iter().any(|x| x == v);
                } else if let Some(v) = t.strip_prefix("created:") {
                    ok &= date_range(v).is_some_and(|(a, b)| a <= r.created && r.created <= b);
                } else if let Some(v) = t.strip_prefix("in:") {
                    in_fields = Some(v.split(',').map(str::to_string).collect());
                } else {
                    words.push(t.to_lowercase());
                }
            }
            let fields = in_fields.unwrap_or_else(|| vec!["name".into(), "description".into()]);
            let mut hay = String::new();
            if fields.iter().any(|f| f == "name") {
                hay.push_str(&r.name.to_lowercase().replace(['-', '_'], " "));
                hay.push(' ');
            }
            if fields.iter().any(|f| f == "description") {
                hay.push_str(&r.description.clone().unwrap_or_default().to_lowercase());
            }
            ok && words.iter().all(|wd| hay.contains(wd.as_str()))
        })
        .collect();
    matched.sort_by_key(|r| r.id);
    let total = matched.len();
    let (range, link) = match page_of(
        &base,
        "/search/repositories",
        &q,
        per_page,
        page,
        total,
        w.settings.search_cap,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let items: Vec<Value> = matched[range].iter().map(|r| repo_json(&base, r)).collect();
    let body = serde_json::to_vec(&json!({
        "total_count": total, "incomplete_results": false, "items": items
    }))
    .expect("json");
    let mut h = h;
    if let Some(l) = link {
        h.insert("link", HeaderValue::from_str(&l).expect("link"));
    }
    answer(&mut w, "search", h, cond, body, "application/json")
}

async fn search_code(
    State(w): St,
    headers: HeaderMap,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let mut w = w.lock().expect("lock");
    let base = base_url(&headers);
    let (q, per_page, page) = params(&p);
    let (h, cond) = match gate(
        &mut w,
        "code_search",
        &format!("/search/code?q={q}&page={page}"),
        &headers,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let toks = tokens(&q);
    let mut hits: Vec<(&Repo, String)> = Vec::new();
    for r in &w.repos {
        let mut filename = None;
        let mut size = None;
        let mut words = Vec::new();
        for t in &toks {
            if let Some(v) = t.strip_prefix("filename:") {
                filename = Some(v.to_string());
            } else if let Some(v) = t.strip_prefix("size:") {
                size = v
                    .split_once("..")
                    .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
            } else {
                words.push(t.clone());
            }
        }
        for (name, bytes) in &r.files {
            if filename.as_deref().is_some_and(|f| f != name) {
                continue;
            }
            if size.is_some_and(|(a, b)| bytes.len() < a || bytes.len() > b) {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            if words.iter().all(|wd| text.contains(wd.as_str())) {
                hits.push((r, name.clone()));
            }
        }
    }
    hits.sort_by_key(|(r, n)| (r.id, n.clone()));
    let total = hits.len();
    let (range, link) = match page_of(
        &base,
        "/search/code",
        &q,
        per_page,
        page,
        total,
        w.settings.search_cap,
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let items: Vec<Value> = hits[range]
        .iter()
        .map(|(r, name)| {
            json!({
                "name": name, "path": name, "sha": "0000",
                "repository": {"id": r.id, "name": r.name, "full_name": r.full_name(),
                               "owner": owner_json(&base, &r.owner, r.org)},
            })
        })
        .collect();
    let body = serde_json::to_vec(&json!({
        "total_count": total, "incomplete_results": false, "items": items
    }))
    .expect("json");
    let mut h = h;
    if let Some(l) = link {
        h.insert("link", HeaderValue::from_str(&l).expect("link"));
    }
    answer(&mut w, "code_search", h, cond, body, "application/json")
}

fn find<'a>(w: &'a World, owner: &str, name: &str) -> Option<&'a Repo> {
    w.repos
        .iter()
        .find(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"message": "Not Found"})),
    )
        .into_response()
}

async fn repo(
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
    let Some(r) = find(&w, &owner, &name) else {
        return not_found();
    };
    let body = serde_json::to_vec(&repo_json(&base, r)).expect("json");
    answer(&mut w, "core", h, cond, body, "application/json")
}

async fn root_listing(
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
    let Some(r) = find(&w, &owner, &name) else {
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

async fn contents(
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
    let Some(r) = find(&w, &owner, &name) else {
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
        let body = serde_json::to_vec(&json!({
            "type": "file", "encoding": "base64", "path": path, "size": bytes.len(),
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
        }))
        .expect("json");
        answer(&mut w, "core", h, cond, body, "application/json")
    }
}
