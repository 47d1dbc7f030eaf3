//! Discovery: GitHub repository search by topics and keywords, and code search for MCP
//! manifests, each query split into creation-date (or file-size) ranges until every range is
//! under the search cap; then the files of each new or pushed repository.
//!
//! Every search page is requested with the ETag of its last answer; a 304 means nothing on it
//! changed (stars, pushes and topics are all in the page), so nothing else is requested for
//! it. Progress is saved per page after its repositories are recorded: a crawl that is killed
//! resumes at the page it was on.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use octocrab::models::Repository;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration as Days, OffsetDateTime};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::github::{ACCEPT_JSON, ACCEPT_RAW, Github, MAX_JSON_BODY, StatsSnapshot};
use crate::record::{
    self, FileProblem, KEY_FILE_MAX_BYTES, PACKAGE_JSON, PYPROJECT_TOML, RepoRecord, SERVER_JSON,
};
use crate::store::CrawlStore;

/// GitHub search never returns more than this many results for one query.
pub const GITHUB_SEARCH_CAP: u64 = 1000;
/// GitHub code search indexes files up to this size, in bytes.
const CODE_SEARCH_MAX_FILE: u64 = 384 * 1024;

/// What to search and how hard to work.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Repository search queries (`topic:mcp-server`, keywords, ...), split by `created:`.
    pub repo_queries: Vec<String>,
    /// Code search queries (`filename:server.json ...`), split by `size:`.
    pub code_queries: Vec<String>,
    /// Results one query can return (GitHub: 1,000).
    pub search_cap: u64,
    /// Results per search page (GitHub: at most 100).
    pub per_page: u32,
    /// Repositories read at the same time.
    pub concurrency: usize,
    /// The earliest creation date searched.
    pub earliest: Date,
    /// Repository files above this size are skipped (with a recorded reason).
    pub max_file_bytes: u64,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            repo_queries: vec![
                "topic:mcp-server".to_string(),
                "topic:model-context-protocol".to_string(),
                "topic:mcp".to_string(),
                "\"mcp server\" in:name,description".to_string(),
                "\"model context protocol\" in:name,description".to_string(),
            ],
            code_queries: vec![
                "filename:server.json \"static.modelcontextprotocol.io/schemas\"".to_string(),
                "filename:package.json mcpName".to_string(),
            ],
            search_cap: GITHUB_SEARCH_CAP,
            per_page: 100,
            concurrency: 8,
            earliest: Date::from_calendar_date(2008, time::Month::January, 1).unwrap_or(Date::MIN),
            max_file_bytes: 512 * 1024,
        }
    }
}

/// Where a crawl is, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CrawlProgress {
    pub pages: u64,
    pub repositories: u64,
    pub read: u64,
    pub requests: u64,
}

/// What a crawl did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrawlSummary {
    /// The run's number (runs are numbered 1, 2, ...).
    pub run: u64,
    /// Whether it continued a run that was interrupted.
    pub resumed: bool,
    /// Search ranges (query × date or size range) searched.
    pub ranges: u64,
    /// Ranges still above the cap at one day (or one byte): only their first results were seen.
    pub truncated_ranges: u64,
    /// Search pages answered with content.
    pub pages_fetched: u64,
    /// Search pages answered 304 (unchanged since the last crawl).
    pub pages_not_modified: u64,
    /// Search pages done before an interruption, not requested again.
    pub pages_resumed: u64,
    /// Distinct repositories seen in this process.
    pub repositories: u64,
    /// Repositories whose files were read (new, or pushed since the last crawl).
    pub read: u64,
    /// Repositories recorded with new metadata only (not pushed since).
    pub metadata_only: u64,
    /// Files skipped, with a recorded reason.
    pub problems: u64,
    pub requests: StatsSnapshot,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RunState {
    id: u64,
    finished: bool,
}

/// A search page's last answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PageState {
    etag: Option<String>,
    /// The run that last finished this page.
    run: u64,
    total: u64,
    next: Option<String>,
    /// Code search pages: the repositories named on the page. Code results hold no push time,
    /// so an unchanged page still has each of its repositories asked about (conditionally).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    repos: Vec<String>,
    /// Repository pages: the ids on the page, counted as seen when the page is unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ids: Vec<i64>,
}

/// What a search page needs done.
enum PageItems {
    /// Finished earlier in this run.
    Resumed,
    /// Unchanged since the last crawl.
    NotModified,
    Fresh(Vec<Value>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Repos,
    Code,
}

/// A slice of one query: creation dates (repositories) or file sizes (code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Created(Date, Date),
    Size(u64, u64),
}

impl Range {
    fn qualifier(&self) -> String {
        match *self {
            Range::Created(a, b) => format!("created:{a}..{b}"),
            Range::Size(a, b) => format!("size:{a}..{b}"),
        }
    }

    fn split(&self) -> Option<(Range, Range)> {
        match *self {
            Range::Created(a, b) if a < b => {
                let mid = a + Days::days((b - a).whole_days() / 2);
                Some((
                    Range::Created(a, mid),
                    Range::Created(mid + Days::days(1), b),
                ))
            }
            Range::Size(a, b) if a < b => {
                let mid = a + (b - a) / 2;
                Some((Range::Size(a, mid), Range::Size(mid + 1, b)))
            }
            _ => None,
        }
    }
}

const RUN_KEY: &str = "github:run";

fn page_key(url: &str) -> String {
    format!("github:page:{url}")
}

fn repo_key(full_name: &str) -> String {
    format!("github:repo:{}", full_name.to_lowercase())
}

/// Percent-encodes a search query for a URL.
fn encode(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// The GitHub crawler. Cheap to clone.
#[derive(Clone)]
pub struct Crawler {
    inner: Arc<Inner>,
}

struct Inner {
    github: Github,
    options: CrawlOptions,
    clock: Arc<dyn Clock>,
    progress: Option<Arc<dyn Fn(CrawlProgress) + Send + Sync>>,
}

impl std::fmt::Debug for Crawler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crawler")
            .field("github", &self.inner.github)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// Counters of one run.
#[derive(Default)]
struct Counters {
    ranges: AtomicU64,
    truncated: AtomicU64,
    pages_fetched: AtomicU64,
    pages_not_modified: AtomicU64,
    pages_resumed: AtomicU64,
    read: AtomicU64,
    metadata_only: AtomicU64,
    problems: AtomicU64,
}

struct Run {
    id: u64,
    seen: Mutex<HashSet<i64>>,
    counters: Counters,
}

impl Crawler {
    pub fn new(github: Github, options: CrawlOptions, clock: Arc<dyn Clock>) -> Self {
        Crawler {
            inner: Arc::new(Inner {
                github,
                options,
                clock,
                progress: None,
            }),
        }
    }

    /// Calls `f` as the crawl goes on (before the crawler is cloned).
    pub fn with_progress(mut self, f: Arc<dyn Fn(CrawlProgress) + Send + Sync>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.progress = Some(f);
        }
        self
    }

    pub fn github(&self) -> &Github {
        &self.inner.github
    }

    fn report(&self, run: &Run) {
        if let Some(f) = &self.inner.progress {
            let seen = run.seen.lock().map(|s| s.len()).unwrap_or(0);
            f(CrawlProgress {
                pages: run.counters.pages_fetched.load(Ordering::Relaxed)
                    + run.counters.pages_not_modified.load(Ordering::Relaxed)
                    + run.counters.pages_resumed.load(Ordering::Relaxed),
                repositories: u64::try_from(seen).unwrap_or(0),
                read: run.counters.read.load(Ordering::Relaxed),
                requests: self.inner.github.stats.requests.load(Ordering::Relaxed),
            });
        }
    }

    /// Runs one crawl to its end, continuing an interrupted one.
    pub async fn crawl(&self, store: Arc<dyn CrawlStore>) -> Result<CrawlSummary> {
        let before = self.inner.github.stats.snapshot();
        let previous: Option<RunState> = load_json(store.as_ref(), RUN_KEY).await?;
        let (id, resumed) = match previous {
            Some(r) if !r.finished => (r.id, true),
            Some(r) => (r.id + 1, false),
            None => (1, false),
        };
        save_json(
            store.as_ref(),
            RUN_KEY,
            &RunState {
                id,
                finished: false,
            },
        )
        .await?;
        if resumed {
            tracing::info!(run = id, "resuming the interrupted crawl");
        }
        let run = Run {
            id,
            seen: Mutex::new(HashSet::new()),
            counters: Counters::default(),
        };
        // Ranges end on the last day of the current year, not today: the search URLs (and so
        // their ETags) stay the same all year, so an unchanged range costs one 304.
        let year = OffsetDateTime::from_unix_timestamp(self.inner.clock.now_secs())
            .map(|t| t.year())
            .unwrap_or(2025);
        let end = Date::from_calendar_date(year, time::Month::December, 31)
            .unwrap_or(self.inner.options.earliest);
        for q in &self.inner.options.repo_queries {
            let range = Range::Created(self.inner.options.earliest, end);
            self.search(&store, &run, Kind::Repos, q, range).await?;
        }
        for q in &self.inner.options.code_queries {
            let range = Range::Size(0, CODE_SEARCH_MAX_FILE);
            self.search(&store, &run, Kind::Code, q, range).await?;
        }
        save_json(store.as_ref(), RUN_KEY, &RunState { id, finished: true }).await?;
        let after = self.inner.github.stats.snapshot();
        let c = &run.counters;
        let repositories = run.seen.lock().map(|s| s.len()).unwrap_or(0);
        Ok(CrawlSummary {
            run: id,
            resumed,
            ranges: c.ranges.load(Ordering::Relaxed),
            truncated_ranges: c.truncated.load(Ordering::Relaxed),
            pages_fetched: c.pages_fetched.load(Ordering::Relaxed),
            pages_not_modified: c.pages_not_modified.load(Ordering::Relaxed),
            pages_resumed: c.pages_resumed.load(Ordering::Relaxed),
            repositories: u64::try_from(repositories).unwrap_or(0),
            read: c.read.load(Ordering::Relaxed),
            metadata_only: c.metadata_only.load(Ordering::Relaxed),
            problems: c.problems.load(Ordering::Relaxed),
            requests: StatsSnapshot {
                requests: after.requests - before.requests,
                conditional: after.conditional - before.conditional,
                not_modified: after.not_modified - before.not_modified,
                rate_limit_waits: after.rate_limit_waits - before.rate_limit_waits,
                secondary_waits: after.secondary_waits - before.secondary_waits,
                retries: after.retries - before.retries,
            },
        })
    }

    fn search_url(&self, kind: Kind, q: &str, range: Range) -> String {
        let endpoint = match kind {
            Kind::Repos => "repositories",
            Kind::Code => "code",
        };
        format!(
            "/search/{endpoint}?q={}&per_page={}&page=1",
            encode(&format!("{q} {}", range.qualifier())),
            self.inner.options.per_page
        )
    }

    /// Searches one query over `range`, splitting ranges above the cap.
    async fn search(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        kind: Kind,
        q: &str,
        range: Range,
    ) -> Result<()> {
        let mut stack = vec![range];
        while let Some(range) = stack.pop() {
            run.counters.ranges.fetch_add(1, Ordering::Relaxed);
            let mut url = Some(self.search_url(kind, q, range));
            let mut first = true;
            while let Some(page_url) = url.take() {
                let (state, items) = self.page(store, run, &page_url).await?;
                if first && state.total > self.inner.options.search_cap {
                    if let Some((a, b)) = range.split() {
                        save_json(store.as_ref(), &page_key(&page_url), &state).await?;
                        stack.push(b);
                        stack.push(a);
                        break;
                    }
                    run.counters.truncated.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(query = q, range = %range.qualifier(), total = state.total,
                        "more results than the search cap in one day; only the first are seen");
                }
                first = false;
                let mut state = state;
                match (kind, items) {
                    (Kind::Code, PageItems::Resumed) => {}
                    (Kind::Repos, PageItems::Resumed | PageItems::NotModified) => {
                        if let Ok(mut seen) = run.seen.lock() {
                            seen.extend(state.ids.iter().copied());
                        }
                    }
                    (Kind::Repos, PageItems::Fresh(items)) => {
                        state.ids = items
                            .iter()
                            .filter_map(|i| i.get("id").and_then(Value::as_i64))
                            .collect();
                        self.repos(store, run, items).await?;
                    }
                    (Kind::Code, PageItems::NotModified) => {
                        let names = state.repos.clone();
                        self.code_hits(store, run, names).await?;
                    }
                    (Kind::Code, PageItems::Fresh(items)) => {
                        let mut names: Vec<String> = items
                            .iter()
                            .filter_map(|i| {
                                i.get("repository")
                                    .and_then(|r| r.get("full_name"))
                                    .and_then(Value::as_str)
                                    .map(str::to_string)
                            })
                            .collect();
                        names.dedup();
                        self.code_hits(store, run, names.clone()).await?;
                        state.repos = names;
                    }
                }
                save_json(store.as_ref(), &page_key(&page_url), &state).await?;
                self.report(run);
                url = state.next.clone();
            }
        }
        Ok(())
    }

    /// One search page: its state, and its items when they must be looked at (not when it is
    /// unchanged since the last crawl or was finished earlier in this run).
    async fn page(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        url: &str,
    ) -> Result<(PageState, PageItems)> {
        let cached: Option<PageState> = load_json(store.as_ref(), &page_key(url)).await?;
        if let Some(c) = &cached
            && c.run == run.id
        {
            run.counters.pages_resumed.fetch_add(1, Ordering::Relaxed);
            return Ok((c.clone(), PageItems::Resumed));
        }
        let etag = cached.as_ref().and_then(|c| c.etag.as_deref());
        let reply = self
            .inner
            .github
            .get(url, etag, ACCEPT_JSON, MAX_JSON_BODY)
            .await?;
        match (reply.status, cached) {
            (304, Some(c)) => {
                run.counters
                    .pages_not_modified
                    .fetch_add(1, Ordering::Relaxed);
                Ok((
                    PageState {
                        etag: reply.etag.or(c.etag),
                        run: run.id,
                        total: c.total,
                        next: c.next,
                        repos: c.repos,
                        ids: c.ids,
                    },
                    PageItems::NotModified,
                ))
            }
            (200, _) => {
                run.counters.pages_fetched.fetch_add(1, Ordering::Relaxed);
                let body: Value = serde_json::from_slice(&reply.body)
                    .map_err(|e| Error::Http(format!("GET {url}: the answer is not JSON: {e}")))?;
                let total = body.get("total_count").and_then(Value::as_u64).unwrap_or(0);
                let items = match body.get("items") {
                    Some(Value::Array(items)) => items.clone(),
                    _ => Vec::new(),
                };
                Ok((
                    PageState {
                        etag: reply.etag,
                        run: run.id,
                        total,
                        next: reply.next,
                        repos: Vec::new(),
                        ids: Vec::new(),
                    },
                    PageItems::Fresh(items),
                ))
            }
            // Past the search cap GitHub answers 422: the range ends here.
            (422, _) => Ok((
                PageState {
                    etag: None,
                    run: run.id,
                    total: 0,
                    next: None,
                    repos: Vec::new(),
                    ids: Vec::new(),
                },
                PageItems::Resumed,
            )),
            (status, _) => Err(Error::Status {
                url: url.to_string(),
                status,
                message: String::from_utf8_lossy(&reply.body[..reply.body.len().min(200)])
                    .into_owned(),
            }),
        }
    }

    /// Repository search items: full repository objects.
    async fn repos(&self, store: &Arc<dyn CrawlStore>, run: &Run, items: Vec<Value>) -> Result<()> {
        let mut repos = Vec::with_capacity(items.len());
        for item in items {
            match serde_json::from_value::<Repository>(item) {
                Ok(r) => repos.push(r),
                Err(e) => tracing::warn!("skipped a search result that is not a repository: {e}"),
            }
        }
        self.process(store, run, repos).await
    }

    /// Code search items name a repository only: its metadata is asked for (conditionally:
    /// a 304 means it was not pushed and its stars and topics did not change).
    async fn code_hits(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        names: Vec<String>,
    ) -> Result<()> {
        for full_name in &names {
            let full_name = full_name.as_str();
            let seen_now = store.seen(full_name).await?;
            if let Some(s) = &seen_now
                && run.seen.lock().is_ok_and(|set| set.contains(&s.github_id))
            {
                continue;
            }
            let key = repo_key(full_name);
            let cached: Option<PageState> = load_json(store.as_ref(), &key).await?;
            if cached.as_ref().is_some_and(|c| c.run == run.id) {
                continue;
            }
            let path = format!("/repos/{full_name}");
            let reply = self
                .inner
                .github
                .get(
                    &path,
                    cached.as_ref().and_then(|c| c.etag.as_deref()),
                    ACCEPT_JSON,
                    MAX_JSON_BODY,
                )
                .await?;
            let state = PageState {
                etag: reply.etag.clone().or(cached.and_then(|c| c.etag)),
                run: run.id,
                total: 1,
                next: None,
                repos: Vec::new(),
                ids: Vec::new(),
            };
            match reply.status {
                200 => match serde_json::from_slice::<Repository>(&reply.body) {
                    Ok(r) => {
                        self.process(store, run, vec![r]).await?;
                    }
                    Err(e) => {
                        tracing::warn!(%full_name, "skipped a repository GitHub described oddly: {e}")
                    }
                },
                304 => {
                    if let Some(s) = seen_now
                        && let Ok(mut set) = run.seen.lock()
                    {
                        set.insert(s.github_id);
                    }
                }
                _ => tracing::debug!(%full_name, status = reply.status, "repository not readable"),
            }
            save_json(store.as_ref(), &key, &state).await?;
        }
        Ok(())
    }

    /// Records the repositories: files are read (concurrently) for new or pushed ones.
    async fn process(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        repos: Vec<Repository>,
    ) -> Result<()> {
        let semaphore = Arc::new(Semaphore::new(self.inner.options.concurrency.max(1)));
        let mut tasks: JoinSet<Result<RepoRecord>> = JoinSet::new();
        for repo in repos {
            let Ok(id) = i64::try_from(repo.id.0) else {
                continue;
            };
            if !run.seen.lock().is_ok_and(|mut s| s.insert(id)) {
                continue;
            }
            let mut rec = base_record(&repo, id);
            let seen = store.seen(&rec.full_name).await?;
            let unchanged = seen
                .as_ref()
                .is_some_and(|s| s.github_id == id && s.pushed_at == rec.pushed_at);
            if unchanged {
                run.counters.metadata_only.fetch_add(1, Ordering::Relaxed);
                store.record(rec).await?;
                continue;
            }
            let this = self.clone();
            let semaphore = semaphore.clone();
            tasks.spawn(async move {
                let _permit = semaphore
                    .acquire_owned()
                    .await
                    .map_err(|e| Error::Http(format!("the crawl was stopped: {e}")))?;
                this.read_files(&mut rec).await?;
                Ok(rec)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let rec = done.map_err(|e| Error::Http(format!("a repository task failed: {e}")))??;
            run.counters.read.fetch_add(1, Ordering::Relaxed);
            run.counters.problems.fetch_add(
                u64::try_from(rec.problems.len()).unwrap_or(0),
                Ordering::Relaxed,
            );
            store.record(rec).await?;
            self.report(run);
        }
        Ok(())
    }

    /// Reads the root listing, then the files that are there.
    async fn read_files(&self, rec: &mut RepoRecord) -> Result<()> {
        rec.files_read = true;
        let gh = &self.inner.github;
        let listing = gh
            .get(
                &format!("/repos/{}/contents/", rec.full_name),
                None,
                ACCEPT_JSON,
                MAX_JSON_BODY,
            )
            .await?;
        if listing.status != 200 {
            // An empty repository has no contents (404).
            return Ok(());
        }
        let entries: Vec<Value> = serde_json::from_slice(&listing.body).unwrap_or_default();
        let entry = |name: &str| {
            entries
                .iter()
                .find(|e| e.get("name").and_then(Value::as_str) == Some(name))
        };
        let max = self.inner.options.max_file_bytes;
        for name in [SERVER_JSON, PACKAGE_JSON, PYPROJECT_TOML] {
            let Some(e) = entry(name) else { continue };
            if e.get("type").and_then(Value::as_str) != Some("file") {
                continue;
            }
            let size = e.get("size").and_then(Value::as_u64).unwrap_or(0);
            if size > max {
                rec.problems.push(FileProblem {
                    path: name.to_string(),
                    reason: format!("too large ({size} bytes; at most {max} are read)"),
                });
                continue;
            }
            let bytes = match self.raw_file(&rec.full_name, name, max).await? {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(reason) => {
                    rec.problems.push(FileProblem {
                        path: name.to_string(),
                        reason,
                    });
                    continue;
                }
            };
            let parsed = match name {
                SERVER_JSON => record::parse_server_json(&bytes).map(|f| rec.server_json = Some(f)),
                PACKAGE_JSON => {
                    record::parse_package_json(&bytes).map(|f| rec.package_json = Some(f))
                }
                _ => record::parse_pyproject(&bytes).map(|f| rec.pyproject = Some(f)),
            };
            if let Err(p) = parsed {
                rec.problems.push(p);
            }
        }
        if entry(".well-known")
            .is_some_and(|e| e.get("type").and_then(Value::as_str) == Some("dir"))
        {
            let path = protocol::formats::WELL_KNOWN_KEY_PATH;
            match self
                .raw_file(&rec.full_name, path, KEY_FILE_MAX_BYTES as u64)
                .await?
            {
                Ok(Some(bytes)) => match record::parse_key_file(&bytes) {
                    Ok(key) => rec.key_file = Some(key),
                    Err(p) => rec.problems.push(p),
                },
                Ok(None) => {}
                Err(reason) => rec.problems.push(FileProblem {
                    path: path.to_string(),
                    reason,
                }),
            }
        }
        Ok(())
    }

    /// A file's bytes (`Ok(None)`: not there; inner `Err`: skipped, with the reason).
    async fn raw_file(
        &self,
        full_name: &str,
        path: &str,
        max: u64,
    ) -> Result<std::result::Result<Option<Vec<u8>>, String>> {
        let max = usize::try_from(max).unwrap_or(usize::MAX);
        match self
            .inner
            .github
            .get(
                &format!("/repos/{full_name}/contents/{path}"),
                None,
                ACCEPT_RAW,
                max,
            )
            .await
        {
            Ok(r) if r.status == 200 => Ok(Ok(Some(r.body))),
            Ok(r) if r.status == 404 => Ok(Ok(None)),
            Ok(r) => Ok(Err(format!("GitHub answered {}", r.status))),
            // A body above the cap is the file's fault, not the crawl's.
            Err(Error::Http(m)) if m.contains("larger than") => {
                Ok(Err(format!("too large (more than {max} bytes)")))
            }
            Err(e) => Err(e),
        }
    }
}

/// The metadata part of a record, from GitHub's repository object.
fn base_record(r: &Repository, id: i64) -> RepoRecord {
    let owner_login = r
        .owner
        .as_ref()
        .map(|o| o.login.clone())
        .unwrap_or_default();
    let full_name = r
        .full_name
        .clone()
        .unwrap_or_else(|| format!("{owner_login}/{}", r.name));
    RepoRecord {
        github_id: id,
        html_url: r
            .html_url
            .as_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| format!("https://github.com/{full_name}")),
        full_name,
        owner_login,
        owner_type: r.owner.as_ref().map(|o| o.r#type.clone()),
        description: r.description.clone(),
        stars: i64::from(r.stargazers_count.unwrap_or(0)),
        forks: i64::from(r.forks_count.unwrap_or(0)),
        license: r.license.as_ref().map(|l| l.spdx_id.clone()),
        archived: r.archived.unwrap_or(false),
        fork: r.fork.unwrap_or(false),
        created_at: r.created_at.map(|t| t.to_rfc3339()),
        pushed_at: r.pushed_at.map(|t| t.to_rfc3339()),
        default_branch: r.default_branch.clone(),
        topics: r.topics.clone().unwrap_or_default(),
        files_read: false,
        server_json: None,
        package_json: None,
        pyproject: None,
        key_file: None,
        problems: Vec::new(),
    }
}

async fn load_json<T: for<'de> Deserialize<'de>>(
    store: &dyn CrawlStore,
    key: &str,
) -> Result<Option<T>> {
    Ok(store
        .load(key)
        .await?
        .and_then(|s| serde_json::from_str(&s).ok()))
}

async fn save_json<T: Serialize>(store: &dyn CrawlStore, key: &str, value: &T) -> Result<()> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::Store(format!("cannot serialize the crawl state: {e}")))?;
    store.save(key, &text).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_split_in_halves_without_overlap() {
        let a = Date::from_calendar_date(2020, time::Month::January, 1).unwrap();
        let b = Date::from_calendar_date(2020, time::Month::January, 4).unwrap();
        let (l, r) = Range::Created(a, b).split().unwrap();
        assert_eq!(l.qualifier(), "created:2020-01-01..2020-01-02");
        assert_eq!(r.qualifier(), "created:2020-01-03..2020-01-04");
        assert!(Range::Created(a, a).split().is_none());
        let (l, r) = Range::Size(0, 9).split().unwrap();
        assert_eq!((l, r), (Range::Size(0, 4), Range::Size(5, 9)));
    }
}
