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

//!
//! Where things are: `options` (what to search), `run` (one crawl from start to summary),
//! `search` (search pages, range splitting and ETags), `range` (the slices a query is split
//! into), `repo_lookup` (asking for one repository by name, for code hits and retries),
//! `repo_files` (recording repositories and reading their files), `skip_and_retry` (what is
//! skipped and the retry list), `state` (what is stored between crawls) and `progress`.

mod options;
mod progress;
mod range;
mod repo_files;
mod repo_lookup;
mod run;
mod search;
mod skip_and_retry;
mod state;

use std::sync::Arc;

pub use self::options::{CrawlOptions, GITHUB_SEARCH_CAP};
pub use self::progress::CrawlProgress;
pub use self::run::CrawlSummary;
use crate::clock::Clock;
use crate::github::Github;

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
}
