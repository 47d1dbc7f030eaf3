//! What the workspace's tests share, so each outside service has one fake: GitHub (REST API,
//! contents, namespace-proof key files and domains), the package registries (npm, PyPI, OCI),
//! the real `minisign` binary, a scratch folder for CLI runs, and (feature `registry`)
//! `TestApp`, the real registry on port 0 against a fresh database.
//!
//! A dev-dependency only: nothing shipped may depend on it.

// Test support: a failed unwrap or expect is a failed test, with its location.
#![allow(clippy::unwrap_used)]

#[cfg(feature = "registry")]
pub mod app;
pub mod github;
pub mod minisign;
pub mod packages;
pub mod scratch;

/// Polls `check` every 20 ms until it returns `Some`, for at most `timeout`; panics naming
/// `what` if it never does. Tests wait for a condition with this instead of sleeping.
pub async fn eventually<T, F, Fut>(what: &str, timeout: std::time::Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
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
