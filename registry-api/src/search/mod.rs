//! Search: one tantivy index per replica, owned by [`SearchIndex`], derived from the database
//! and rebuildable at any time.
//!
//! - **Where:** `<data-dir>/search/` (memory-mapped), with a `SCHEMA_VERSION` file. An index
//!   that is missing, unreadable or from another schema version is rebuilt on start.
//! - **What:** one document per server, from its latest release (see [`document`] and
//!   [`schema`]); ranking in [`query`].
//! - **Freshness:** triggers append the id of every changed server to `search_changes` in the
//!   same transaction as the change (migrations `0003_search.sql`). A background task polls
//!   the table every [`POLL_INTERVAL`] and re-indexes those servers, so every replica follows
//!   the database within a second. The index's commit payload records the *floor*: every
//!   change at or below it is in the index. On restart the task resumes above the floor.
//! - **Out-of-order commits (PostgreSQL):** a transaction may take sequence number 5, and
//!   commit after 6 is already visible. The poller applies whatever it sees above the floor
//!   (remembering what it applied, so nothing is applied twice), but moves the floor past a
//!   number only once every transaction that was running when it saw that number has ended
//!   (`pg_snapshot_xmin` of a later snapshot has passed the `pg_snapshot_xmax` it noted). Until
//!   then it re-reads above the floor, which picks up late commits. SQLite has one writer at a
//!   time, so numbers become visible in order and the floor follows at once.

mod answers;
pub mod document;
pub mod highlight;
mod index;
mod index_dir;
pub mod query;
mod rebuild;
mod results;
pub mod schema;
mod sync;
#[cfg(test)]
mod tests;

pub use index::{Opened, SearchIndex};
pub use query::{FacetCounts, Filters, MatchTier, RankKey};
pub use rebuild::RebuildReport;
pub use results::{Hit, Results};
pub use sync::POLL_INTERVAL;
