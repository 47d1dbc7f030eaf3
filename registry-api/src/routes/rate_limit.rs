//! Write requests (POST) are rate-limited per client address, in memory, per replica: a fixed
//! one-minute window. Behind a reverse proxy every client shares the proxy's address, so set
//! the limit for the proxy (or 0 and limit at the proxy).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::state::AppState;

const WINDOW: Duration = Duration::from_secs(60);
/// Forget idle addresses once this many are tracked, so the map cannot grow without bound.
const PRUNE_AT: usize = 10_000;

#[derive(Debug)]
pub struct WriteLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl WriteLimiter {
    /// `per_minute == 0` turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        WriteLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one write from `ip`; `Err(seconds until the window ends)` when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable.
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= PRUNE_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        if entry.1 >= self.per_minute {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }
}

pub(super) async fn limit_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::POST
        && let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>()
        && let Err(retry_after_secs) = state.limiter.check(addr.ip(), Instant::now())
    {
        return Error::RateLimited {
            per_minute: state.limiter.per_minute(),
            retry_after_secs,
        }
        .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_address_and_window() {
        let limiter = WriteLimiter::new(2);
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0).is_err());
        assert!(limiter.check(b, t0).is_ok(), "addresses are counted apart");
        assert!(
            limiter.check(a, t0 + WINDOW).is_ok(),
            "a new window starts afresh"
        );
    }

    #[test]
    fn zero_means_off() {
        let limiter = WriteLimiter::new(0);
        let a: IpAddr = [127, 0, 0, 1].into();
        assert!((0..1000).all(|_| limiter.check(a, Instant::now()).is_ok()));
    }
}
