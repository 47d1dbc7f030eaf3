//! The protocol crate's integration tests, in one binary: examples and property tests of the
//! parsers (names, manifests, minisign files), interoperability with the real `minisign`, the
//! log's proofs, and the scanner's labelled corpus (`tests/corpus/`).

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, unreachable_pub)]

mod log_proptest;
mod manifest_check;
mod manifest_release;
mod manifest_seed;
mod minisign_interop;
mod minisign_roundtrip;
mod names_examples;
mod names_proptest;
mod scan_corpus;
mod scan_eval;
