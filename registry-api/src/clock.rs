//! Time as the database stores it (unix milliseconds) and as the API shows it (RFC 3339).
//!
//! The registry reads the time in one place: the [`Clock`] its [`crate::db::Db`] handle
//! carries ([`crate::AppState::clock`]), the system clock unless a test sets another
//! ([`ManualClock`]). The trait is the indexer's, so the crawler runs on the same clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use indexer::{BoxFuture, Clock, SystemClock};

use crate::error::{Error, Result};

/// A clock that stands still until it is set or advanced: tests run schedules (artifact
/// re-checks, retries) at chosen times without sleeping. Sleeping advances it at once.
#[derive(Debug, Default)]
pub struct ManualClock {
    ms: AtomicI64,
}

impl ManualClock {
    /// A clock showing `ms` (unix milliseconds).
    pub fn at_ms(ms: i64) -> Self {
        ManualClock {
            ms: AtomicI64::new(ms),
        }
    }

    /// Sets the time to `ms` (unix milliseconds).
    pub fn set_ms(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }

    /// Moves the time on by `ms` milliseconds.
    pub fn advance_ms(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.advance_ms(i64::try_from(duration.as_millis()).unwrap_or(i64::MAX));
        Box::pin(std::future::ready(()))
    }
}

/// RFC 3339 in UTC with millisecond precision, e.g. `2025-01-02T03:04:05.678Z`.
pub fn rfc3339(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// Parses an RFC 3339 timestamp from a query parameter.
pub fn parse_rfc3339(param: &str, value: &str) -> Result<i64> {
    let t = OffsetDateTime::parse(value, &Rfc3339).map_err(|_| {
        Error::BadRequest(format!(
            "{param} must be an RFC 3339 timestamp such as 2025-01-31T12:00:00Z, not {value:?}"
        ))
    })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| Error::BadRequest(format!("{param} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ms = 1_700_000_000_123;
        assert_eq!(rfc3339(ms), "2023-11-14T22:13:20.123Z");
        assert_eq!(parse_rfc3339("t", &rfc3339(ms)).unwrap(), ms);
        assert!(parse_rfc3339("t", "yesterday").is_err());
    }

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at_ms(5_000);
        assert_eq!((clock.now_ms(), clock.now_secs()), (5_000, 5));
        clock.sleep(Duration::from_millis(1_500)).await;
        assert_eq!(clock.now_ms(), 6_500);
        clock.set_ms(-1);
        assert_eq!(clock.now_secs(), -1);
    }
}
