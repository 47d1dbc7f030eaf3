//! `mcp-sign`'s integration tests, in one binary: each module drives the real binary (and, for
//! the registry commands, the real registry in-process) for one area of behaviour. Shared fakes
//! and the minisign runner are the `testkit` crate.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod audit_cli;
mod audit_fix;
mod check_artifacts;
mod check_log;
mod check_provenance;
mod deprecate_cli;
mod gateway;
mod keys_cli;
mod keys_interop;
mod manifest_cli;
mod mcp_harness;
mod registry_e2e;
mod run_artifact;
mod run_bad_input;
mod run_real_servers;
mod scan_cli;
mod secret_cli;
mod support;
