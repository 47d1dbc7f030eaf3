//! A second source: any registry that speaks the official MCP registry API. Pages through
//! `GET /v0.1/servers?updated_since=…&cursor=…` and yields each release's server.json; the
//! cursor is saved after every page (a killed run resumes there) and the newest `updatedAt`
//! seen becomes the next run's `updated_since`.

use std::sync::Arc;
use std::time::Duration;

use protocol::formats::OFFICIAL_META_KEY;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::{BoxFuture, Clock};
use crate::error::{Error, Result};

/// The largest page read from an upstream registry.
const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;
/// Servers asked for per page (the official API's maximum).
const PAGE_SIZE: u32 = 100;

/// One release from the upstream registry.
#[derive(Debug, Clone, PartialEq)]
pub struct MirroredServer {
    /// The server.json as the upstream serves it.
    pub server: Value,
    /// The upstream's `updatedAt` (RFC 3339), when it says.
    pub updated_at: Option<String>,
    /// The upstream's status (`active`, `deprecated`, `deleted`), when it says.
    pub status: Option<String>,
}

/// Where the mirror keeps its cursor, and where it puts what it finds (the registry).
pub trait MirrorStore: Send + Sync {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>>>;
    fn save<'a>(&'a self, key: &'a str, value: &'a str) -> BoxFuture<'a, Result<()>>;
    /// Stores one page of releases.
    fn servers(&self, page: Vec<MirroredServer>) -> BoxFuture<'_, Result<()>>;
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct MirrorState {
    /// `updated_since` of the run in progress (or of the next run).
    since: Option<String>,
    /// Where the run in progress is.
    cursor: Option<String>,
    /// The newest `updatedAt` seen in the run in progress.
    newest: Option<String>,
}

/// What a mirror run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorSummary {
    pub pages: u64,
    pub servers: u64,
    pub resumed: bool,
    /// The `updated_since` the next run will use.
    pub next_since: Option<String>,
}

/// A client of one upstream registry.
#[derive(Clone)]
pub struct Mirror {
    client: reqwest::Client,
    base: url::Url,
    clock: Arc<dyn Clock>,
    retry_base: Duration,
}

impl std::fmt::Debug for Mirror {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mirror")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl Mirror {
    /// `base` is the registry's URL (`https://registry.modelcontextprotocol.io`).
    pub fn new(base: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        let base = url::Url::parse(base.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("the upstream registry URL {base:?}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "the upstream registry URL {base} must be http(s)"
            )));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("mcp-trust-indexer/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Mirror {
            client,
            base,
            clock,
            retry_base: Duration::from_secs(1),
        })
    }

    /// Backoff after a failed page fetch (doubles per try).
    pub fn with_retry_base(mut self, d: Duration) -> Self {
        self.retry_base = d;
        self
    }

    fn state_key(&self) -> String {
        format!("mirror:{}", self.base.as_str().trim_end_matches('/'))
    }

    /// Mirrors everything updated since the last run (everything, the first time).
    pub async fn run(&self, store: &dyn MirrorStore) -> Result<MirrorSummary> {
        let key = self.state_key();
        let mut state: MirrorState = store
            .load(&key)
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let mut summary = MirrorSummary {
            resumed: state.cursor.is_some(),
            ..MirrorSummary::default()
        };
        loop {
            let page = self
                .page(state.since.as_deref(), state.cursor.as_deref())
                .await?;
            let servers = page
                .get("servers")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut out = Vec::with_capacity(servers.len());
            for item in servers {
                let Some(server) = item.get("server").cloned().filter(Value::is_object) else {
                    continue;
                };
                let official = item.get("_meta").and_then(|m| m.get(OFFICIAL_META_KEY));
                let updated_at = official
                    .and_then(|o| o.get("updatedAt"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(u) = &updated_at
                    && state.newest.as_ref().is_none_or(|n| later(u, n))
                {
                    state.newest = Some(u.clone());
                }
                out.push(MirroredServer {
                    server,
                    updated_at,
                    status: official
                        .and_then(|o| o.get("status"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                });
            }
            summary.pages += 1;
            summary.servers += u64::try_from(out.len()).unwrap_or(0);
            store.servers(out).await?;
            state.cursor = page
                .get("metadata")
                .and_then(|m| m.get("nextCursor"))
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if state.cursor.is_none() {
                if state.newest.is_some() {
                    state.since = state.newest.take();
                }
                save(store, &key, &state).await?;
                break;
            }
            save(store, &key, &state).await?;
        }
        summary.next_since = state.since;
        Ok(summary)
    }

    async fn page(&self, since: Option<&str>, cursor: Option<&str>) -> Result<Value> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::Config(format!("{} cannot be a base URL", self.base)))?
            .pop_if_empty()
            .extend(["v0.1", "servers"]);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("limit", &PAGE_SIZE.to_string());
            if let Some(s) = since {
                q.append_pair("updated_since", s);
            }
            if let Some(c) = cursor {
                q.append_pair("cursor", c);
            }
        }
        let mut attempt = 0u32;
        loop {
            let result = self.fetch(&url).await;
            match result {
                Ok(v) => return Ok(v),
                Err(e) if attempt < 4 => {
                    tracing::debug!("upstream page failed, retrying: {e}");
                    self.clock
                        .sleep(self.retry_base.saturating_mul(1 << attempt))
                        .await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn fetch(&self, url: &url::Url) -> Result<Value> {
        let mut resp = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| Error::Http(format!("GET {url}: {e}")))?;
        let status = resp.status();
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| Error::Http(format!("GET {url}: {e}")))?
        {
            if body.len() + chunk.len() > MAX_PAGE_BYTES {
                return Err(Error::Http(format!(
                    "GET {url}: the page is larger than {MAX_PAGE_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        if !status.is_success() {
            return Err(Error::Status {
                url: url.to_string(),
                status: status.as_u16(),
                message: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
            });
        }
        serde_json::from_slice(&body)
            .map_err(|e| Error::Http(format!("GET {url}: the answer is not JSON: {e}")))
    }
}

/// Whether RFC 3339 time `a` is after `b` (unparsable times compare as text).
fn later(a: &str, b: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    match (
        time::OffsetDateTime::parse(a, &Rfc3339),
        time::OffsetDateTime::parse(b, &Rfc3339),
    ) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

async fn save(store: &dyn MirrorStore, key: &str, state: &MirrorState) -> Result<()> {
    let text = serde_json::to_string(state)
        .map_err(|e| Error::Store(format!("cannot serialize the mirror state: {e}")))?;
    store.save(key, &text).await
}
