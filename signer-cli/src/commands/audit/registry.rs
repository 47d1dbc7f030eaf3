//! The registry's verdict on a configured package: `GET {registry}/v1/verify?package=...`.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use protocol::api::{ErrorBody, VerifyResponse};

/// A small blocking client for the one read `audit` needs.
///
/// (`registry_client::RegistryClient` only POSTs; a shared `get` there would let this go.)
#[derive(Debug)]
pub(crate) struct Verifier {
    base: url::Url,
    http: reqwest::blocking::Client,
}

impl Verifier {
    pub(crate) fn new(base: &str) -> Result<Self> {
        let parsed =
            url::Url::parse(base).map_err(|e| anyhow!("--registry {base:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("--registry must be an http:// or https:// URL, not {base:?}");
        }
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("mcp-sign/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(20))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Self { base: parsed, http })
    }

    /// The verdict on `package` (`npm:@scope/pkg@1.2.3`, `pypi:pkg==1.0`, `oci:...`).
    pub(crate) fn verify(&self, package: &str) -> Result<VerifyResponse> {
        let mut url = self
            .base
            .join("v1/verify")
            .map_err(|e| anyhow!("cannot build the verify URL: {e}"))?;
        // Keep a base path (`https://host/registry/`) in front of v1/verify.
        if !self.base.path().ends_with('/') {
            let path = format!("{}/v1/verify", self.base.path().trim_end_matches('/'));
            url.set_path(&path);
        }
        url.query_pairs_mut().append_pair("package", package);
        let resp = self
            .http
            .get(url.clone())
            .send()
            .with_context(|| format!("cannot reach the registry at {}", self.base))?;
        let status = resp.status();
        let text = resp
            .text()
            .with_context(|| format!("cannot read the answer from {url}"))?;
        if !status.is_success() {
            return Err(match serde_json::from_str::<ErrorBody>(&text) {
                Ok(e) => anyhow!(
                    "the registry refused ({}, HTTP {}): {}",
                    e.error.code,
                    status.as_u16(),
                    e.error.message
                ),
                Err(_) => anyhow!("the registry answered HTTP {}", status.as_u16()),
            });
        }
        serde_json::from_str(&text).with_context(|| {
            format!(
                "the registry at {} sent an answer this client does not understand",
                self.base
            )
        })
    }
}
