//! Discovery: GitHub repository search by topics and keywords, and code search for MCP
//! manifests, each query split into creation-date (or file-size) ranges until every range is
//! under the search cap; then the files of each new or pushed repository.
//!
//! Every search page is requested with the ETag of its last answer; a 304 means nothing on it
//! changed (stars, pushes and topics are all in the page), so nothing else is requested for
//! it. Progress is saved per page after its repositories are recorded: a crawl that is killed
//! resumes at the page it was on.
//!
//! Results are read with the crawler's own lenient models ([`crate::github_models`]): a
//! missing or odd non-essential field never costs a repository, and one bad result never
//! costs the rest of its page. What is skipped (a result without an id or `owner/name`, a
//! repository whose files could not be read) is logged, counted in the summary and retried
//! by the next crawl even when its page answers 304 (see [`crate::retry`]).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration as Days, OffsetDateTime};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::github::{ACCEPT_JSON, ACCEPT_RAW, Github, MAX_JSON_BODY, StatsSnapshot};
use crate::github_models::{CodeHitJson, RepoJson};
use crate::record::{
    self, FileProblem, KEY_FILE_MAX_BYTES, PACKAGE_JSON, PYPROJECT_TOML, RepoRecord, SERVER_JSON,
};
use crate::retry::{MAX_LISTED_SKIPS, RETRY_KEY, RetryList, Skipped};
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
    /// Search results and repositories skipped so far (retried by the next crawl).
    pub skipped: u64,
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
    /// Search results and repositories skipped this run (not recorded), each logged; those
    /// naming a repository are on the retry list, the others' pages are fetched in full next
    /// time.
    pub skipped: u64,
    /// What was skipped and why (the first [`MAX_LISTED_SKIPS`]).
    pub skips: Vec<Skipped>,
    /// Repositories skipped by earlier crawls and recorded by this one.
    pub retried: u64,
    /// Repositories on the retry list after this run, for the next crawl.
    pub retry_pending: u64,
    pub requests: StatsSnapshot,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RunState {
    id: u64,
    finished: bool,
}

/// The version of the models that read the stored pages. Pages stored by an older crawler
/// (0: octocrab's strict models, which skipped results silently) are fetched in full once,
/// so what that crawler skipped behind their ETags is read again.
const MODELS_VERSION: u32 = 1;

/// A search page's (or a repository's) last answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PageState {
    /// Never stored while the page had results that named no repository (see `unreadable`).
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
    /// [`MODELS_VERSION`] of the crawler that stored this (0: before versions).
    #[serde(default)]
    models: u32,
    /// Why results on the page that named no repository were skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    unreadable: Vec<String>,
}

impl PageState {
    fn new(run: u64, etag: Option<String>) -> Self {
        PageState {
            etag,
            run,
            total: 0,
            next: None,
            repos: Vec::new(),
            ids: Vec::new(),
            models: MODELS_VERSION,
            unreadable: Vec::new(),
        }
    }

    /// The ETag to send: none for a state stored by older models.
    fn usable_etag(&self) -> Option<&str> {
        (self.models >= MODELS_VERSION)
            .then_some(self.etag.as_deref())
            .flatten()
    }
}

/// What asking for one repository by name gave.
enum RepoAnswer {
    /// Read and recorded (or already recorded in this run).
    Recorded { etag: Option<String> },
    /// Unchanged since the ETag sent.
    NotModified { etag: Option<String> },
    /// GitHub says it is not there (any more).
    Gone(u16),
    /// Skipped, with a logged reason, and on the retry list.
    Skipped,
}

/// Whether a failed request may work next time (the crawl goes on without it) rather than
/// meaning the crawl cannot go on.
fn temporary(e: &Error) -> bool {
    matches!(e, Error::Http(_) | Error::Status { .. })
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
    skipped: AtomicU64,
    retried: AtomicU64,
}

struct Run {
    id: u64,
    seen: Mutex<HashSet<i64>>,
    counters: Counters,
    retry: Mutex<RetryList>,
    skips: Mutex<Vec<Skipped>>,
}

impl Run {
    fn retry(&self) -> MutexGuard<'_, RetryList> {
        // The list stays consistent when a holder panics: each change is one map operation.
        self.retry.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
                skipped: run.counters.skipped.load(Ordering::Relaxed),
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
        let retry = RetryList::from_json(store.load(RETRY_KEY).await?.as_deref());
        let run = Run {
            id,
            seen: Mutex::new(HashSet::new()),
            counters: Counters::default(),
            retry: Mutex::new(retry),
            skips: Mutex::new(Vec::new()),
        };
        self.retry_listed(&store, &run).await?;
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
        self.save_retry(&store, &run).await?;
        save_json(store.as_ref(), RUN_KEY, &RunState { id, finished: true }).await?;
        let after = self.inner.github.stats.snapshot();
        let c = &run.counters;
        let repositories = run.seen.lock().map(|s| s.len()).unwrap_or(0);
        let retry_pending = u64::try_from(run.retry().len()).unwrap_or(0);
        if retry_pending > 0 {
            tracing::warn!(
                repositories = retry_pending,
                "repositories skipped by this or earlier crawls are retried by the next crawl"
            );
        }
        let skips = std::mem::take(&mut *run.skips.lock().unwrap_or_else(PoisonError::into_inner));
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
            skipped: c.skipped.load(Ordering::Relaxed),
            skips,
            retried: c.retried.load(Ordering::Relaxed),
            retry_pending,
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
                        state.unreadable = self.repos(store, run, items).await?;
                    }
                    (Kind::Code, PageItems::NotModified) => {
                        let names = state.repos.clone();
                        self.code_hits(store, run, names).await?;
                    }
                    (Kind::Code, PageItems::Fresh(items)) => {
                        let mut names = Vec::with_capacity(items.len());
                        for item in items {
                            match CodeHitJson::full_name(item) {
                                Ok(n) => names.push(n),
                                Err(u) => {
                                    self.skip(run, None, &u.reason);
                                    state.unreadable.push(u.reason);
                                }
                            }
                        }
                        names.dedup();
                        self.code_hits(store, run, names.clone()).await?;
                        state.repos = names;
                    }
                }
                if !state.unreadable.is_empty() {
                    // Nothing names these results: only the whole page brings them back.
                    state.etag = None;
                }
                // The retry list first: a crash before the page's ETag is saved costs the
                // page again, never a skipped result.
                self.save_retry(store, run).await?;
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
        let etag = cached.as_ref().and_then(PageState::usable_etag);
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
                        total: c.total,
                        next: c.next,
                        repos: c.repos,
                        ids: c.ids,
                        ..PageState::new(run.id, reply.etag.or(c.etag))
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
                        total,
                        next: reply.next,
                        ..PageState::new(run.id, reply.etag)
                    },
                    PageItems::Fresh(items),
                ))
            }
            // Past the search cap GitHub answers 422: the range ends here.
            (422, _) => Ok((PageState::new(run.id, None), PageItems::Resumed)),
            (status, _) => Err(Error::Status {
                url: url.to_string(),
                status,
                message: String::from_utf8_lossy(&reply.body[..reply.body.len().min(200)])
                    .into_owned(),
            }),
        }
    }

    /// Repository search items: full repository objects, each read on its own. Returns why
    /// the results that named no repository were skipped (the others were recorded, or are
    /// on the retry list).
    async fn repos(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        items: Vec<Value>,
    ) -> Result<Vec<String>> {
        let mut recs = Vec::with_capacity(items.len());
        let mut unreadable = Vec::new();
        for item in items {
            match RepoJson::from_value(item).and_then(RepoJson::into_record) {
                Ok(r) => recs.push(r),
                Err(u) => {
                    if !self.skip(run, u.full_name.as_deref(), &u.reason) {
                        unreadable.push(u.reason);
                    }
                }
            }
        }
        self.process(store, run, recs).await?;
        Ok(unreadable)
    }

    /// Notes a skipped result or repository: logged, counted, listed in the summary, and put
    /// on the retry list when it names a repository. Returns whether it did.
    fn skip(&self, run: &Run, full_name: Option<&str>, reason: &str) -> bool {
        tracing::warn!(
            repository = full_name.unwrap_or("?"),
            "skipped: {reason}; the next crawl tries it again"
        );
        run.counters.skipped.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut skips) = run.skips.lock()
            && skips.len() < MAX_LISTED_SKIPS
        {
            skips.push(Skipped {
                repository: full_name.map(str::to_string),
                reason: reason.to_string(),
            });
        }
        match full_name {
            Some(name) => {
                run.retry().add(name, reason, run.id);
                true
            }
            None => false,
        }
    }

    /// Saves the retry list when it changed.
    async fn save_retry(&self, store: &Arc<dyn CrawlStore>, run: &Run) -> Result<()> {
        let changes = run.retry().take_changes();
        match changes {
            Some(text) => store.save(RETRY_KEY, &text).await,
            None => Ok(()),
        }
    }

    /// Asks for every repository on the retry list again, before anything else.
    async fn retry_listed(&self, store: &Arc<dyn CrawlStore>, run: &Run) -> Result<()> {
        let names = run.retry().names();
        if names.is_empty() {
            return Ok(());
        }
        tracing::info!(
            repositories = names.len(),
            "retrying repositories that earlier crawls skipped"
        );
        for name in names {
            run.retry().untouch(&name);
            let answer = self.repo_by_name(store, run, &name, None).await?;
            {
                let mut list = run.retry();
                match answer {
                    RepoAnswer::Gone(status) => {
                        tracing::info!(repository = %name, status,
                        "a repository on the retry list is gone from GitHub; dropped from the list");
                        list.remove(&name);
                    }
                    RepoAnswer::Recorded { .. } if !list.touched(&name) => {
                        list.remove(&name);
                        run.counters.retried.fetch_add(1, Ordering::Relaxed);
                    }
                    // Skipped again (and counted again): it stays.
                    RepoAnswer::Recorded { .. } | RepoAnswer::Skipped => {}
                    // Not asked conditionally, so not expected; it stays until it is read.
                    RepoAnswer::NotModified { .. } => {}
                }
            }
            self.save_retry(store, run).await?;
        }
        Ok(())
    }

    /// `GET /repos/{full_name}` (conditional on `etag`), recorded when it answers. A request
    /// that fails, or an answer that is not a usable repository, is skipped and put on the
    /// retry list.
    async fn repo_by_name(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        full_name: &str,
        etag: Option<&str>,
    ) -> Result<RepoAnswer> {
        let path = format!("/repos/{full_name}");
        let reply = match self
            .inner
            .github
            .get(&path, etag, ACCEPT_JSON, MAX_JSON_BODY)
            .await
        {
            Ok(r) => r,
            Err(e) if temporary(&e) => {
                self.skip(run, Some(full_name), &format!("reading it failed: {e}"));
                return Ok(RepoAnswer::Skipped);
            }
            Err(e) => return Err(e),
        };
        match reply.status {
            200 => match RepoJson::from_slice(&reply.body).and_then(RepoJson::into_record) {
                Ok(rec) => {
                    let skipped = self.process(store, run, vec![rec]).await?;
                    Ok(if skipped > 0 {
                        RepoAnswer::Skipped
                    } else {
                        RepoAnswer::Recorded { etag: reply.etag }
                    })
                }
                Err(u) => {
                    self.skip(run, Some(full_name), &u.reason);
                    Ok(RepoAnswer::Skipped)
                }
            },
            304 => Ok(RepoAnswer::NotModified { etag: reply.etag }),
            404 | 410 | 451 => Ok(RepoAnswer::Gone(reply.status)),
            status => {
                self.skip(
                    run,
                    Some(full_name),
                    &format!("GitHub answered {status} for {path}"),
                );
                Ok(RepoAnswer::Skipped)
            }
        }
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
            let etag = cached.as_ref().and_then(PageState::usable_etag);
            let answer = self.repo_by_name(store, run, full_name, etag).await?;
            let etag = match answer {
                RepoAnswer::Recorded { etag } => etag,
                RepoAnswer::NotModified { etag } => {
                    if let Some(s) = seen_now
                        && let Ok(mut set) = run.seen.lock()
                    {
                        set.insert(s.github_id);
                    }
                    etag.or(cached.and_then(|c| c.etag))
                }
                RepoAnswer::Gone(status) => {
                    tracing::debug!(%full_name, status, "repository not readable");
                    None
                }
                // On the retry list; asked for in full next time.
                RepoAnswer::Skipped => None,
            };
            let state = PageState {
                total: 1,
                ..PageState::new(run.id, etag)
            };
            self.save_retry(store, run).await?;
            save_json(store.as_ref(), &key, &state).await?;
        }
        Ok(())
    }

    /// Records the repositories: files are read (concurrently) for new or pushed ones. A
    /// repository whose files could not be read is skipped (not recorded, so the retry reads
    /// it as new or pushed); returns how many were.
    async fn process(
        &self,
        store: &Arc<dyn CrawlStore>,
        run: &Run,
        recs: Vec<RepoRecord>,
    ) -> Result<u64> {
        let semaphore = Arc::new(Semaphore::new(self.inner.options.concurrency.max(1)));
        let mut tasks: JoinSet<Result<(RepoRecord, Option<Error>)>> = JoinSet::new();
        let mut skipped = 0;
        for mut rec in recs {
            let id = rec.github_id;
            if !run.seen.lock().is_ok_and(|mut s| s.insert(id)) {
                continue;
            }
            let seen = store.seen(&rec.full_name).await?;
            let unchanged = seen
                .as_ref()
                .is_some_and(|s| s.github_id == id && s.pushed_at == rec.pushed_at);
            if unchanged {
                run.counters.metadata_only.fetch_add(1, Ordering::Relaxed);
                let name = rec.full_name.clone();
                store.record(rec).await?;
                run.retry().remove(&name);
                continue;
            }
            let this = self.clone();
            let semaphore = semaphore.clone();
            tasks.spawn(async move {
                let _permit = semaphore
                    .acquire_owned()
                    .await
                    .map_err(|e| Error::Http(format!("the crawl was stopped: {e}")))?;
                match this.read_files(&mut rec).await {
                    Ok(()) => Ok((rec, None)),
                    Err(e) if temporary(&e) => Ok((rec, Some(e))),
                    Err(e) => Err(e),
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (rec, failed) =
                done.map_err(|e| Error::Http(format!("a repository task failed: {e}")))??;
            if let Some(e) = failed {
                skipped += 1;
                self.skip(
                    run,
                    Some(&rec.full_name),
                    &format!("reading its files failed: {e}"),
                );
                self.report(run);
                continue;
            }
            run.counters.read.fetch_add(1, Ordering::Relaxed);
            run.counters.problems.fetch_add(
                u64::try_from(rec.problems.len()).unwrap_or(0),
                Ordering::Relaxed,
            );
            let name = rec.full_name.clone();
            store.record(rec).await?;
            run.retry().remove(&name);
            self.report(run);
        }
        Ok(skipped)
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
        // A 200 that is not a listing is a broken answer: the repository is tried again.
        let entries: Vec<Value> = serde_json::from_slice(&listing.body).map_err(|e| {
            Error::Http(format!(
                "GET /repos/{}/contents/: the listing is not a JSON list: {e}",
                rec.full_name
            ))
        })?;
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
