//! The provenance crate's integration tests: one binary, a module per area.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod fixtures;
mod never_panics;
mod npm;
mod pypi;
