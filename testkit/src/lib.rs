//! What the workspace's tests share, so each outside service has one fake: GitHub (REST API,
//! contents, namespace-proof key files and domains), the package registries (npm, PyPI, OCI),
//! the real `minisign` binary, real MCP servers and a real MCP client (`mcp`), a scratch folder
//! for CLI runs, and (feature `registry`) `TestApp`, the real registry on port 0 against a
//! fresh database.
//!
//! A dev-dependency only: nothing shipped may depend on it.

// Test support: a failed unwrap or expect is a failed test, with its location.
#![allow(clippy::unwrap_used)]

#[cfg(feature = "registry")]
pub mod app;
pub mod github;
pub mod mcp;
pub mod minisign;
pub mod packages;
pub mod scratch;

/// Polls `check` every 20 ms until it holds; panics naming `what` after 30 s. Tests wait for a
/// condition with this instead of sleeping; the bound only keeps a broken test from hanging
/// (how fast things happen is the benchmarks' business, not asserted here).
pub async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Blocks until the system clock reaches the next unix second. Signed statements about one
/// release need increasing seconds; a test whose statement landed in the same second as the
/// one before waits for exactly that condition instead of sleeping a fixed second.
pub fn wait_for_next_second() {
    let second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    };
    let start = second();
    while second() == start {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
