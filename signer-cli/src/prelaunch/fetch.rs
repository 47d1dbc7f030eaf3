//! Downloads for the pre-launch checks: package documents and artifacts from npm, PyPI and the
//! like, with a timeout and a size cap (an artifact larger than the cap is refused, not
//! truncated).

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// The most an artifact may weigh.
pub(crate) const MAX_ARTIFACT_BYTES: u64 = 512 * 1024 * 1024;
/// The most a metadata document may weigh (npm packuments of busy packages are large).
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) struct Fetcher {
    http: reqwest::blocking::Client,
}

impl Fetcher {
    pub(crate) fn new() -> Result<Fetcher> {
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("mcp-sign/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(300))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Fetcher { http })
    }

    /// GET `url`, at most `cap` bytes; `None` for a 404.
    pub(crate) fn get(&self, url: &str, cap: u64) -> Result<Option<Vec<u8>>> {
        let resp = self
            .http
            .get(url)
            .header("accept", "application/json, */*")
            .send()
            .with_context(|| format!("cannot reach {url}"))?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !resp.status().is_success() {
            bail!("{url} answered {}", resp.status());
        }
        if resp.content_length().is_some_and(|n| n > cap) {
            bail!("{url} is larger than {cap} bytes");
        }
        let mut body = Vec::new();
        resp.take(cap + 1)
            .read_to_end(&mut body)
            .with_context(|| format!("cannot read {url}"))?;
        if body.len() as u64 > cap {
            bail!("{url} is larger than {cap} bytes");
        }
        Ok(Some(body))
    }

    pub(crate) fn json(&self, url: &str) -> Result<Option<Value>> {
        match self.get(url, MAX_DOCUMENT_BYTES)? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| anyhow!("{url} is not JSON: {e}")),
            None => Ok(None),
        }
    }

    pub(crate) fn artifact(&self, url: &str) -> Result<Vec<u8>> {
        self.get(url, MAX_ARTIFACT_BYTES)?
            .ok_or_else(|| anyhow!("{url} does not exist (404)"))
    }
}
