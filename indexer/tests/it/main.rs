//! The indexer's integration tests: crawls against testkit's fake GitHub, which enforces
//! GitHub's pagination, search cap, ETags and rate limits.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod crawl;
mod support;
