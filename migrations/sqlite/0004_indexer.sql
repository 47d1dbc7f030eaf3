-- The indexer (issue 5). Keep in step with migrations/postgres/0004_indexer.sql.
-- Times are unix milliseconds; flags are integers 0/1.

-- GitHub repositories the crawler recorded, by GitHub's repository id. A repository deleted
-- and re-created under the same name gets a new id: the old row is kept with `replaced_at`.
CREATE TABLE github_repos (
    github_id INTEGER PRIMARY KEY NOT NULL,
    -- lower-case owner/repo, for lookups; `display_name` as GitHub spells it.
    full_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    owner_type TEXT,
    description TEXT,
    stars INTEGER NOT NULL,
    forks INTEGER NOT NULL,
    license TEXT,
    archived INTEGER NOT NULL,
    is_fork INTEGER NOT NULL,
    default_branch TEXT,
    -- JSON array of strings.
    topics TEXT NOT NULL,
    -- RFC 3339 as GitHub wrote it: compared exactly to tell whether files must be re-read.
    pushed_at TEXT,
    repo_created_at TEXT,
    -- The minisign public key file found at .well-known/mcp-sign.pub, and its key id.
    key_file TEXT,
    key_id TEXT,
    -- JSON array of {path, reason}: repository files that were skipped.
    problems TEXT NOT NULL,
    -- The server name the repository's files derive, and sha256 of the derived listing
    -- without its version (a new crawled release is stored only when it changes).
    server_name TEXT,
    listing_sha256 TEXT,
    first_seen_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    replaced_at INTEGER,
    replaced_by INTEGER
);
CREATE INDEX github_repos_full_name ON github_repos (full_name);
CREATE INDEX servers_github_repository_id ON servers (github_repository_id);

-- The crawler's and the mirror's state: ETags and page summaries, run progress, cursors.
CREATE TABLE crawl_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
