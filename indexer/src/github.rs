//! A polite GitHub REST client on octocrab: conditional requests with ETags, the rate-limit
//! headers read after every response and waited on before the next, `retry-after` and
//! secondary limits honoured, 5xx retried with backoff. Bodies are read with a size cap.
//!
//! octocrab's typed `get` maps every non-2xx answer to an error and hides the headers, so
//! requests go through its raw `_get_with_headers` (auth, base URI, timeouts and TLS stay
//! octocrab's). Bodies are parsed by the crawler's own lenient models
//! ([`crate::github_models`]), not octocrab's, which refuse a repository for one missing field.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::header::{ACCEPT, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH, LINK};
use http_body_util::{BodyExt, Limited};
use octocrab::Octocrab;

use crate::clock::Clock;
use crate::error::{Error, Result};

/// GitHub's JSON media type.
pub const ACCEPT_JSON: &str = "application/vnd.github+json";
/// The contents API's raw media type: the file's bytes instead of base64 in JSON.
pub const ACCEPT_RAW: &str = "application/vnd.github.raw+json";
/// The largest JSON body read (a search page of 100 repositories is ~600 KB).
pub const MAX_JSON_BODY: usize = 8 * 1024 * 1024;

/// Where the client talks to and how hard it tries.
#[derive(Clone)]
pub struct GithubConfig {
    /// `https://api.github.com`, or a GitHub Enterprise API URL (`https://HOST/api/v3`).
    pub api_url: String,
    /// A token raises the rate limits; it is sent only to `api_url` and never logged.
    pub token: Option<String>,
    /// First backoff after a 5xx or a secondary limit without `retry-after`; doubles per try.
    pub retry_base: Duration,
    /// Tries of one request that fails with 5xx or a transport error.
    pub max_retries: u32,
    /// Waits for rate limits allowed for one request before giving up.
    pub max_rate_waits: u32,
}

impl std::fmt::Debug for GithubConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubConfig")
            .field("api_url", &self.api_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("retry_base", &self.retry_base)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl GithubConfig {
    pub fn new(api_url: &str, token: Option<String>) -> Self {
        GithubConfig {
            api_url: api_url.to_string(),
            token: token.filter(|t| !t.is_empty()),
            retry_base: Duration::from_secs(2),
            max_retries: 5,
            max_rate_waits: 20,
        }
    }
}

/// Request counts, for the crawl summary and for tests.
#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    /// Requests sent with `If-None-Match`.
    pub conditional: AtomicU64,
    /// Answers 304 Not Modified (free on GitHub's primary rate limit).
    pub not_modified: AtomicU64,
    /// Waits for a primary rate limit's reset.
    pub rate_limit_waits: AtomicU64,
    /// Waits for a secondary limit (`retry-after`, or 403/429 without limit headers).
    pub secondary_waits: AtomicU64,
    /// Retries after a 5xx or a transport error.
    pub retries: AtomicU64,
}

/// A snapshot of [`Stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatsSnapshot {
    pub requests: u64,
    pub conditional: u64,
    pub not_modified: u64,
    pub rate_limit_waits: u64,
    pub secondary_waits: u64,
    pub retries: u64,
}

impl Stats {
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            conditional: self.conditional.load(Ordering::Relaxed),
            not_modified: self.not_modified.load(Ordering::Relaxed),
            rate_limit_waits: self.rate_limit_waits.load(Ordering::Relaxed),
            secondary_waits: self.secondary_waits.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
        }
    }
}

/// An answer the caller handles: 200, 304, or another 4xx than 403/429 (404, 422, ...).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    /// The `rel="next"` link, relative to the API URL when it points there.
    pub next: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
struct Limit {
    remaining: i64,
    reset: i64,
}

/// The GitHub client. Cheap to share behind an `Arc`.
pub struct Github {
    octo: Octocrab,
    base: String,
    config: GithubConfig,
    clock: Arc<dyn Clock>,
    limits: Mutex<HashMap<String, Limit>>,
    pub stats: Stats,
}

impl std::fmt::Debug for Github {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Github")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Which rate limit a path counts against (GitHub's `x-ratelimit-resource`).
fn resource_of(path: &str) -> &'static str {
    if path.contains("/search/code") {
        "code_search"
    } else if path.contains("/search/") {
        "search"
    } else {
        "core"
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn header_i64(h: &HeaderMap, name: &str) -> Option<i64> {
    header(h, name).and_then(|v| v.trim().parse().ok())
}

/// The `rel="next"` URL of a `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

impl Github {
    pub fn new(config: GithubConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let base = config.api_url.trim_end_matches('/').to_string();
        url::Url::parse(&base)
            .map_err(|e| Error::Config(format!("the GitHub API URL {base:?}: {e}")))?;
        let mut builder = Octocrab::builder()
            .base_uri(base.as_str())
            .map_err(|e| Error::Config(format!("the GitHub API URL {base:?}: {e}")))?
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(60)));
        if let Some(token) = &config.token {
            builder = builder.personal_token(token.clone());
        }
        let octo = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot build the GitHub client: {e}")))?;
        Ok(Github {
            octo,
            base,
            config,
            clock,
            limits: Mutex::new(HashMap::new()),
            stats: Stats::default(),
        })
    }

    /// `url` relative to the API URL when it points there (so octocrab adds the token and the
    /// cache keys are stable), else as it is.
    pub fn relative(&self, url: &str) -> String {
        match url.strip_prefix(&self.base) {
            Some(rest) if rest.starts_with('/') => rest.to_string(),
            _ => url.to_string(),
        }
    }

    fn limit_of(&self, resource: &str) -> Option<Limit> {
        self.limits
            .lock()
            .ok()
            .and_then(|l| l.get(resource).copied())
    }

    fn note_limit(&self, resource: &str, headers: &HeaderMap) {
        let (Some(remaining), Some(reset)) = (
            header_i64(headers, "x-ratelimit-remaining"),
            header_i64(headers, "x-ratelimit-reset"),
        ) else {
            return;
        };
        let resource = header(headers, "x-ratelimit-resource").unwrap_or(resource);
        if let Ok(mut l) = self.limits.lock() {
            l.insert(resource.to_string(), Limit { remaining, reset });
        }
    }

    async fn wait_until(&self, reset: i64) {
        let now = self.clock.now_secs();
        // One second past the reset, as GitHub's clock and ours may differ a little.
        let secs = u64::try_from(reset - now + 1).unwrap_or(0).max(1);
        tracing::info!(secs, "GitHub rate limit reached; waiting for its reset");
        self.stats.rate_limit_waits.fetch_add(1, Ordering::Relaxed);
        self.clock.sleep(Duration::from_secs(secs)).await;
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.config
            .retry_base
            .saturating_mul(1u32 << attempt.min(10))
    }

    /// GET `path` (relative to the API URL, or absolute), conditional on `etag`; `accept` is
    /// the media type; bodies above `max_body` bytes are refused.
    pub async fn get(
        &self,
        path: &str,
        etag: Option<&str>,
        accept: &str,
        max_body: usize,
    ) -> Result<Reply> {
        let path = self.relative(path);
        let resource = resource_of(&path);
        let mut failures = 0u32;
        let mut rate_waits = 0u32;
        loop {
            if let Some(limit) = self.limit_of(resource)
                && limit.remaining <= 0
                && limit.reset >= self.clock.now_secs()
            {
                if rate_waits >= self.config.max_rate_waits {
                    return Err(Error::Http(format!(
                        "GitHub's {resource} rate limit stayed exhausted after {rate_waits} waits"
                    )));
                }
                rate_waits += 1;
                self.wait_until(limit.reset).await;
            }
            let mut headers = HeaderMap::new();
            headers.insert(
                ACCEPT,
                HeaderValue::from_str(accept)
                    .map_err(|e| Error::Config(format!("media type {accept:?}: {e}")))?,
            );
            headers.insert(
                "x-github-api-version",
                HeaderValue::from_static("2022-11-28"),
            );
            if let Some(tag) = etag
                && let Ok(v) = HeaderValue::from_str(tag)
            {
                headers.insert(IF_NONE_MATCH, v);
                self.stats.conditional.fetch_add(1, Ordering::Relaxed);
            }
            self.stats.requests.fetch_add(1, Ordering::Relaxed);
            let response = match self
                .octo
                ._get_with_headers(path.as_str(), Some(headers))
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    // octocrab's errors name the URL, never the Authorization header.
                    failures += 1;
                    if failures > self.config.max_retries {
                        return Err(Error::Http(format!("GET {path} failed: {e}")));
                    }
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    self.clock.sleep(self.backoff(failures - 1)).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            self.note_limit(resource, &headers);
            match status {
                304 => {
                    self.stats.not_modified.fetch_add(1, Ordering::Relaxed);
                    return Ok(Reply {
                        status,
                        etag: header(&headers, ETAG.as_str()).map(str::to_string),
                        next: None,
                        body: Vec::new(),
                    });
                }
                403 | 429 => {
                    let body = read_body(response.into_body(), 64 * 1024)
                        .await
                        .unwrap_or_default();
                    if rate_waits >= self.config.max_rate_waits {
                        return Err(Error::Status {
                            url: path,
                            status,
                            message: message_of(&body),
                        });
                    }
                    if let Some(secs) = header_i64(&headers, "retry-after") {
                        rate_waits += 1;
                        self.stats.secondary_waits.fetch_add(1, Ordering::Relaxed);
                        tracing::info!(secs, "GitHub asked to retry later");
                        self.clock
                            .sleep(Duration::from_secs(u64::try_from(secs).unwrap_or(0).max(1)))
                            .await;
                        continue;
                    }
                    if header_i64(&headers, "x-ratelimit-remaining") == Some(0) {
                        rate_waits += 1;
                        let reset = header_i64(&headers, "x-ratelimit-reset")
                            .unwrap_or_else(|| self.clock.now_secs() + 60);
                        self.wait_until(reset).await;
                        continue;
                    }
                    let message = message_of(&body);
                    if status == 429 || message.to_lowercase().contains("rate limit") {
                        rate_waits += 1;
                        self.stats.secondary_waits.fetch_add(1, Ordering::Relaxed);
                        self.clock.sleep(self.backoff(rate_waits)).await;
                        continue;
                    }
                    return Err(Error::Status {
                        url: path,
                        status,
                        message,
                    });
                }
                500..=599 => {
                    failures += 1;
                    if failures > self.config.max_retries {
                        return Err(Error::Status {
                            url: path,
                            status,
                            message: "server error (after retries)".to_string(),
                        });
                    }
                    self.stats.retries.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(status, %path, "GitHub server error; retrying");
                    self.clock.sleep(self.backoff(failures - 1)).await;
                    continue;
                }
                _ => {
                    let next = header(&headers, LINK.as_str())
                        .and_then(next_link)
                        .map(|u| self.relative(&u));
                    let etag = header(&headers, ETAG.as_str()).map(str::to_string);
                    let body = read_body(response.into_body(), max_body)
                        .await
                        .map_err(|e| Error::Http(format!("GET {path}: {e}")))?;
                    return Ok(Reply {
                        status,
                        etag,
                        next,
                        body,
                    });
                }
            }
        }
    }
}

/// Reads a body, refusing one above `max` bytes.
async fn read_body<B>(body: B, max: usize) -> std::result::Result<Vec<u8>, String>
where
    B: http_body::Body<Data = bytes::Bytes>,
    B::Error: std::fmt::Display + Send + Sync + 'static + std::error::Error,
{
    Limited::new(body, max)
        .collect()
        .await
        .map(|c| c.to_bytes().to_vec())
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                format!("the answer is larger than {max} bytes")
            } else {
                format!("reading the answer failed: {e}")
            }
        })
}

/// GitHub's error bodies are `{"message": "..."}`.
fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let link = r#"<https://api.github.com/search/repositories?q=x&page=2>; rel="next", <https://api.github.com/search/repositories?q=x&page=10>; rel="last""#;
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/search/repositories?q=x&page=2")
        );
        assert_eq!(next_link(r#"<u>; rel="prev""#), None);
    }

    #[test]
    fn resources() {
        assert_eq!(resource_of("/search/code?q=x"), "code_search");
        assert_eq!(resource_of("/search/repositories?q=x"), "search");
        assert_eq!(resource_of("/repos/a/b"), "core");
    }

    #[test]
    fn debug_hides_the_token() {
        let c = GithubConfig::new("https://api.github.com", Some("ghp_secret".into()));
        assert!(!format!("{c:?}").contains("ghp_secret"));
    }
}
