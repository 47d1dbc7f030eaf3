//! One crawl run from start to [`CrawlSummary`]: the run number (an interrupted run is
//! continued), the retry list first, then every repository and code query, and the counters.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::Crawler;
use super::options::CODE_SEARCH_MAX_FILE;
use super::range::{Kind, Range};
use super::state::{load_json, save_json};
use crate::error::Result;
use crate::github::StatsSnapshot;
use crate::retry::{RETRY_KEY, RetryList, Skipped};
use crate::store::CrawlStore;

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
pub(super) struct RunState {
    pub(super) id: u64,
    pub(super) finished: bool,
}

pub(super) const RUN_KEY: &str = "github:run";

/// Counters of one run.
#[derive(Default)]
pub(super) struct Counters {
    pub(super) ranges: AtomicU64,
    pub(super) truncated: AtomicU64,
    pub(super) pages_fetched: AtomicU64,
    pub(super) pages_not_modified: AtomicU64,
    pub(super) pages_resumed: AtomicU64,
    pub(super) read: AtomicU64,
    pub(super) metadata_only: AtomicU64,
    pub(super) problems: AtomicU64,
    pub(super) skipped: AtomicU64,
    pub(super) retried: AtomicU64,
}

/// One run's state, shared by its tasks: what was seen, the counters, the retry list and the
/// skips listed in the summary.
pub(super) struct Run {
    pub(super) id: u64,
    pub(super) seen: Mutex<HashSet<i64>>,
    pub(super) counters: Counters,
    pub(super) retry: Mutex<RetryList>,
    pub(super) skips: Mutex<Vec<Skipped>>,
}

impl Run {
    pub(super) fn retry(&self) -> MutexGuard<'_, RetryList> {
        // The list stays consistent when a holder panics: each change is one map operation.
        self.retry.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Crawler {
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
}
