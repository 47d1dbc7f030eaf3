//! What the crawler remembers between runs, kept by its caller (the registry keeps it in its
//! database): ETags and page summaries of earlier requests, the query plan and the progress of
//! the current run, and what it last read of each repository. The crawler itself stores
//! nothing, so a crash or Ctrl-C loses at most the page it was working on.

use crate::clock::BoxFuture;
use crate::error::Result;
use crate::record::RepoRecord;

/// What the store remembers of a repository it was given before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRepo {
    /// GitHub's numeric id of the repository last recorded under this name.
    pub github_id: i64,
    /// `pushed_at` (RFC 3339) of the last record: a repository not pushed since is not re-read.
    pub pushed_at: Option<String>,
}

/// The crawl state and the sink for what the crawler finds. Implemented by the registry
/// (`registry::service::crawl`), and by tests in memory.
pub trait CrawlStore: Send + Sync {
    /// The value stored under `key` (crawler-private JSON), if any.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>>;
    /// Stores `value` under `key`, replacing what was there.
    fn save<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, Result<()>>;
    /// What was recorded of the repository `owner/name` (compared case-insensitively).
    fn seen<'a>(&'a self, full_name: &'a str) -> BoxFuture<'a, Result<Option<SeenRepo>>>;
    /// Stores what was found about one repository. Called once per repository that is new or
    /// was pushed since it was last recorded (and for metadata-only changes such as stars).
    fn record(&self, record: RepoRecord) -> BoxFuture<'_, Result<()>>;
}
