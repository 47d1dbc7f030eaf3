//! The registry's integration tests, in one binary (one link of the whole registry instead of
//! one per file). Each module is one area of behaviour; the shared harness (`TestApp`, the fake
//! GitHub and package registries) is the `testkit` crate.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod admin;
mod artifacts;
mod browser;
mod cli;
mod crawl;
mod deprecate;
mod import;
mod log;
mod migrations;
mod provenance;
mod publish;
mod reads;
mod scan;
mod search;
mod site;
mod site_fixture;
