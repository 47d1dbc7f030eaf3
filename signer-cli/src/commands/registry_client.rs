//! A small blocking client for the registry's `/v1` write API, speaking the wire types of
//! `protocol::api`, plus what the registry commands share: signing statements.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow, bail};
use protocol::api::{ErrorBody, Statement};
use protocol::minisign::TrustedComment;
use protocol::{SecretKey, Signature};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug)]
pub(crate) struct RegistryClient {
    base: String,
    http: reqwest::blocking::Client,
}

impl RegistryClient {
    pub(crate) fn new(base: &str) -> Result<Self> {
        let parsed =
            url::Url::parse(base).map_err(|e| anyhow!("--registry {base:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("--registry must be an http:// or https:// URL, not {base:?}");
        }
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("mcp-sign/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .context("cannot set up the HTTP client")?;
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }

    /// POSTs `body` as JSON and decodes the answer; a refusal becomes an error with the
    /// registry's message.
    pub(crate) fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R> {
        let url = format!("{}{path}", self.base);
        let resp = self
            .http
            .post(&url)
            .json(body)
            .send()
            .with_context(|| format!("cannot reach the registry at {url}"))?;
        let bytes = read_answer(&url, resp)?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!("the registry at {url} sent an answer this client does not understand")
        })
    }

    /// GETs `path` and returns the body; a refusal becomes an error with the registry's message.
    pub(crate) fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .with_context(|| format!("cannot reach the registry at {url}"))?;
        read_answer(&url, resp)
    }

    pub(crate) fn get_text(&self, path: &str) -> Result<String> {
        String::from_utf8(self.get_bytes(path)?)
            .map_err(|_| anyhow!("the registry sent text that is not UTF-8 for {path}"))
    }

    pub(crate) fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R> {
        let bytes = self.get_bytes(path)?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "the registry at {}{path} sent an answer this client does not understand",
                self.base
            )
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }
}

/// The body of a successful answer; a refusal becomes an error carrying the registry's message.
fn read_answer(url: &str, resp: reqwest::blocking::Response) -> Result<Vec<u8>> {
    let status = resp.status();
    let bytes = resp
        .bytes()
        .with_context(|| format!("cannot read the answer from {url}"))?;
    if status.is_success() {
        return Ok(bytes.to_vec());
    }
    Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(e) => anyhow!(
            "the registry refused ({}, HTTP {}): {}",
            e.error.code,
            status.as_u16(),
            e.error.message
        ),
        Err(_) => anyhow!("the registry answered HTTP {} from {url}", status.as_u16()),
    })
}

/// Percent-encodes a query parameter value.
pub(crate) fn query_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

pub(crate) fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Signs a statement's canonical text; the trusted comment names the action.
pub(crate) fn sign_statement(key: &SecretKey, statement: &Statement<'_>) -> Result<Signature> {
    let text = statement.to_text().map_err(|e| anyhow!(e))?;
    let comment =
        TrustedComment::statement(u64::try_from(now_secs()).unwrap_or(0), statement.action());
    Ok(key.sign(text.as_bytes(), &comment.to_string())?)
}

/// `NAME@VERSION` → (name, version). Server names have no `@`, so the first one splits.
pub(crate) fn split_release(release: &str) -> Result<(&str, &str)> {
    match release.split_once('@') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => Ok((name, version)),
        _ => bail!("expected NAME@VERSION, e.g. io.github.you/server@1.2.3, not {release:?}"),
    }
}

/// The verdict as one line for people.
pub(crate) use protocol::client::verdict_line;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_split_at_the_at_sign() {
        assert_eq!(
            split_release("io.github.a/b@1.0.0").unwrap(),
            ("io.github.a/b", "1.0.0")
        );
        assert!(split_release("io.github.a/b").is_err());
        assert!(split_release("@1.0").is_err());
        assert!(split_release("a/b@").is_err());
    }

    #[test]
    fn registry_urls_are_checked() {
        assert!(RegistryClient::new("http://127.0.0.1:8080/").is_ok());
        assert!(RegistryClient::new("ftp://x").is_err());
        assert!(RegistryClient::new("not a url").is_err());
    }
}
