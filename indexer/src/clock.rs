//! Time, injectable: the crawler waits for rate-limit resets and backs off through a [`Clock`],
//! so tests can see and shorten the waits.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, for the object-safe traits of this crate.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The current time and a way to wait.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Unix seconds now.
    fn now_secs(&self) -> i64;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
}

/// The system clock and tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_secs(&self) -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}
