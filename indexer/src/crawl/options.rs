//! What a crawl searches for and how hard it works: [`CrawlOptions`] and GitHub's search cap.

use time::Date;

/// GitHub search never returns more than this many results for one query.
pub const GITHUB_SEARCH_CAP: u64 = 1000;
/// GitHub code search indexes files up to this size, in bytes.
pub(super) const CODE_SEARCH_MAX_FILE: u64 = 384 * 1024;

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
