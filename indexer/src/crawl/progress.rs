//! Where a crawl is, for a progress bar: [`CrawlProgress`], reported as the crawl goes on.

use std::sync::atomic::Ordering;

use super::Crawler;
use super::run::Run;

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

impl Crawler {
    pub(super) fn report(&self, run: &Run) {
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
}
