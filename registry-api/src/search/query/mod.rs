//! Turning what a person typed into a ranked, faceted page of servers.
//!
//! Ranking, in tiers that boosts never cross:
//! 1. `exact`: the query is a server name (whole, the part after `/`, or that part without
//!    `mcp`/`server` affixes), a package identifier or `owner/repo`;
//! 2. `prefix`: a server name (or its part after `/`) starts with the query;
//! 3. `all_terms`: every word matched somewhere (name, package, title, description, tools,
//!    owner, topics);
//! 4. `some_terms`: only when fewer than [`MIN_ALL_TERMS_HITS`] servers match every word.
//!
//! Within a tier, BM25 over the fields (name words weigh most) times a bounded boost
//! (≤ 1.25×) for trust level and GitHub stars; yanked, revoked and malicious servers get half.
//! Words of 4+ letters also match as prefixes (`postgres` → `postgresql`) and, when a word is
//! rare in the index (fewer than [`FUZZY_BELOW_DOCS`] servers), within one edit, a
//! transposition counting as one (`githb` → `github`). Ties break on the server id, so pages
//! are stable: a cursor is the rank key of the last hit, and the next page holds what ranks
//! strictly after it.
//!
//! Where each piece lives: [`words`] (the query's words), [`word_query`] (field weights),
//! [`one_edit`] (typos), [`name_key_query`] (name prefix and name contains), [`column_cache`]
//! (per-segment arrays), [`collector`] (one pass for page, total and facets), [`boost`], and
//! [`run`] (putting them together).

mod boost;
mod collector;
mod column_cache;
mod doc_bits;
mod filters;
mod name_key_query;
mod one_edit;
mod rank_key;
mod run;
mod word_query;
mod words;

pub use boost::boost;
pub use column_cache::ColumnCache;
pub use filters::{FacetCounts, Filters};
pub use one_edit::within_one_edit;
pub use rank_key::{MatchTier, NAME_CONTAINS_TIER, RankKey};
pub use run::{MAX_QUERY_CHARS, MIN_ALL_TERMS_HITS, Ranked, Request, run};
pub use words::{FUZZY_BELOW_DOCS, MAX_WORDS, MIN_EXPAND_LEN, PREFIX_BELOW_DOCS, Word, words};
