//! What is skipped (logged, counted, listed in the summary) and the retry list that brings it
//! back in the next crawl.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::Crawler;
use super::repo_lookup::RepoAnswer;
use super::run::Run;
use crate::error::{Error, Result};
use crate::retry::{MAX_LISTED_SKIPS, RETRY_KEY, Skipped};
use crate::store::CrawlStore;

/// Whether a failed request may work next time (the crawl goes on without it) rather than
/// meaning the crawl cannot go on.
pub(super) fn temporary(e: &Error) -> bool {
    matches!(e, Error::Http(_) | Error::Status { .. })
}

impl Crawler {
    /// Notes a skipped result or repository: logged, counted, listed in the summary, and put
    /// on the retry list when it names a repository. Returns whether it did.
    pub(super) fn skip(&self, run: &Run, full_name: Option<&str>, reason: &str) -> bool {
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
    pub(super) async fn save_retry(&self, store: &Arc<dyn CrawlStore>, run: &Run) -> Result<()> {
        let changes = run.retry().take_changes();
        match changes {
            Some(text) => store.save(RETRY_KEY, &text).await,
            None => Ok(()),
        }
    }

    /// Asks for every repository on the retry list again, before anything else.
    pub(super) async fn retry_listed(&self, store: &Arc<dyn CrawlStore>, run: &Run) -> Result<()> {
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
}
