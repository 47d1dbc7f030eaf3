//! Namespace proofs: fetching `.well-known/mcp-sign.pub` from GitHub (REST contents API) or
//! from a domain, and checking that it is the key being registered.

use std::time::Duration;

use base64::Engine as _;
use protocol::PublicKey;
use protocol::api::ProofKind;
use protocol::formats::WELL_KNOWN_KEY_PATH;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::outbound::{FetchError, FetchLimits, Fetcher, Hosts, normalize_host};

/// Where proofs are fetched from. Tests point both at local servers.
#[derive(Debug, Clone)]
pub struct ProofConfig {
    /// GitHub's REST API, `https://api.github.com` unless overridden.
    pub github_api_url: String,
    /// Optional token, only to raise GitHub's rate limit.
    pub github_token: Option<String>,
    /// When set, domain proofs are fetched from `{base}/{domain}/.well-known/mcp-sign.pub`
    /// instead of `https://{domain}/.well-known/mcp-sign.pub` (for tests).
    pub domain_proof_base_url: Option<String>,
    /// Test mode (`--allow-private-artifact-hosts`): proofs may be fetched from private and
    /// loopback addresses. Off in production: a domain that resolves to this machine or the
    /// operator's network is refused before any connection.
    pub allow_private_hosts: bool,
}

/// A proof that held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proven {
    pub kind: ProofKind,
    /// Lower-case `owner/repo`, or the domain.
    pub target: String,
    pub repository_id: Option<i64>,
    /// Where the key file was found.
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Proofs {
    /// Only GitHub's API host (it answers renamed repositories with a redirect on that host).
    github: Fetcher,
    /// Any public host, redirects only within the domain (`example.com` ↔ `www.example.com`),
    /// so neither the name's addresses nor a redirect can make the registry fetch from
    /// anywhere else (an internal address, say).
    domain: Fetcher,
    config: ProofConfig,
}

/// Key files are tiny; refuse to read more than this from anyone.
const MAX_RESPONSE_BYTES: u64 = 256 * 1024;

#[derive(Debug, Deserialize)]
struct GithubRepo {
    id: i64,
    full_name: String,
    owner: GithubOwner,
}

#[derive(Debug, Deserialize)]
struct GithubOwner {
    login: String,
}

#[derive(Debug, Deserialize)]
struct GithubContent {
    content: String,
    encoding: String,
}

impl Proofs {
    pub fn new(config: ProofConfig) -> Result<Self> {
        let github_host = url::Url::parse(&config.github_api_url)
            .ok()
            .and_then(|u| u.host_str().map(normalize_host))
            .ok_or_else(|| {
                Error::Config(format!(
                    "the GitHub API URL {:?} is not an http(s) URL with a host",
                    config.github_api_url
                ))
            })?;
        let fetcher = |hosts: Hosts| {
            Fetcher::new(FetchLimits {
                hosts,
                max_bytes: MAX_RESPONSE_BYTES,
                timeout: Duration::from_secs(20),
                allow_private: config.allow_private_hosts,
            })
            .map_err(|e| Error::Config(e.to_string()))
        };
        Ok(Proofs {
            github: fetcher(Hosts::Only([github_host].into_iter().collect()))?,
            domain: fetcher(Hosts::AnyPublicSameSite)?,
            config,
        })
    }

    /// Proves `key` for `io.github.<owner>` with `.well-known/mcp-sign.pub` in `repository`
    /// (`owner/repo`), which must belong to `owner`.
    pub async fn github(&self, owner: &str, repository: &str, key: &PublicKey) -> Result<Proven> {
        let Some((repo_owner, repo_name)) = split_repository(repository) else {
            return Err(Error::BadRequest(format!(
                "repository must be OWNER/REPO as on GitHub, not {repository:?}"
            )));
        };
        if !repo_owner.eq_ignore_ascii_case(owner) {
            return Err(not_owned(repository, owner));
        }
        let base = self.config.github_api_url.trim_end_matches('/');
        let repo_url = format!("{base}/repos/{repo_owner}/{repo_name}");
        let repo: GithubRepo = match self.get(&repo_url, true).await? {
            Some(body) => serde_json::from_slice(&body).map_err(|e| {
                Error::Upstream(format!(
                    "GitHub answered {repo_url} with unexpected JSON: {e}"
                ))
            })?,
            None => {
                return Err(Error::ProofFailed(format!(
                    "GitHub has no public repository {repository}; check the name"
                )));
            }
        };
        // The API follows renames and transfers: the owner it reports is the one that counts.
        if !repo.owner.login.eq_ignore_ascii_case(owner) {
            return Err(not_owned(&repo.full_name, owner));
        }
        let contents_url = format!(
            "{base}/repos/{}/contents/{WELL_KNOWN_KEY_PATH}",
            repo.full_name
        );
        let Some(body) = self.get(&contents_url, true).await? else {
            return Err(Error::ProofFailed(format!(
                "{} has no {WELL_KNOWN_KEY_PATH} on its default branch: commit your public key \
                 there (mcp-sign keygen writes it), then register again",
                repo.full_name
            )));
        };
        let content: GithubContent = serde_json::from_slice(&body).map_err(|e| {
            Error::Upstream(format!(
                "GitHub answered {contents_url} with unexpected JSON: {e}"
            ))
        })?;
        if content.encoding != "base64" {
            return Err(Error::Upstream(format!(
                "GitHub sent {WELL_KNOWN_KEY_PATH} in encoding {:?}; expected base64",
                content.encoding
            )));
        }
        // GitHub wraps the base64 at 60 columns.
        let compact: String = content.content.split_whitespace().collect();
        let file = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| {
                Error::Upstream(format!(
                    "GitHub sent {WELL_KNOWN_KEY_PATH} as invalid base64"
                ))
            })?;
        let where_ = format!("{} in {}", WELL_KNOWN_KEY_PATH, repo.full_name);
        check_same_key(&file, key, &where_)?;
        Ok(Proven {
            kind: ProofKind::Github,
            target: repo.full_name.to_ascii_lowercase(),
            repository_id: Some(repo.id),
            url: format!(
                "https://github.com/{}/blob/HEAD/{WELL_KNOWN_KEY_PATH}",
                repo.full_name
            ),
        })
    }

    /// Proves `key` for a reverse-domain namespace with
    /// `https://<domain>/.well-known/mcp-sign.pub`.
    pub async fn domain(&self, domain: &str, key: &PublicKey) -> Result<Proven> {
        let url = match &self.config.domain_proof_base_url {
            Some(base) => format!(
                "{}/{domain}/{WELL_KNOWN_KEY_PATH}",
                base.trim_end_matches('/')
            ),
            None => format!("https://{domain}/{WELL_KNOWN_KEY_PATH}"),
        };
        let Some(file) = self.get(&url, false).await? else {
            return Err(Error::ProofFailed(format!(
                "{url} does not exist: publish your public key there, then register again"
            )));
        };
        check_same_key(&file, key, &url)?;
        Ok(Proven {
            kind: ProofKind::Domain,
            target: domain.to_string(),
            repository_id: None,
            url,
        })
    }

    /// GET through the outbound policy; `None` on 404.
    async fn get(&self, url: &str, github: bool) -> Result<Option<Vec<u8>>> {
        let mut headers = Vec::new();
        let fetcher = if github {
            headers.push(("accept", "application/vnd.github+json".to_string()));
            if let Some(token) = &self.config.github_token {
                headers.push(("authorization", format!("Bearer {token}")));
            }
            &self.github
        } else {
            &self.domain
        };
        let answer = fetcher.get(url, &headers).await.and_then(|r| r.ok());
        match answer {
            Ok(resp) => Ok(Some(resp.body)),
            Err(FetchError::NotFound { .. }) => Ok(None),
            Err(e @ FetchError::RedirectNotAllowed { .. }) => Err(Error::ProofFailed(format!(
                "{e}; serve the key file at this address itself (redirects are followed only \
                 within the same domain)"
            ))),
            Err(e @ (FetchError::PrivateAddress { .. } | FetchError::HostNotAllowed { .. })) => {
                Err(Error::ProofFailed(format!(
                    "{e}. Namespace proofs are fetched only from public addresses: the \
                     domain must resolve to a public server"
                )))
            }
            Err(e) if e.is_temporary() => Err(Error::Upstream(format!("{e}; try again later"))),
            Err(e) => Err(Error::ProofFailed(e.to_string())),
        }
    }
}

fn split_repository(repository: &str) -> Option<(&str, &str)> {
    let (owner, repo) = repository.split_once('/')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 100
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s != "."
            && s != ".."
    };
    (ok(owner) && ok(repo)).then_some((owner, repo))
}

fn not_owned(repository: &str, owner: &str) -> Error {
    Error::ProofFailed(format!(
        "repository {repository} is not owned by {owner}: a key for io.github.{owner} must be \
         proven by a repository that belongs to {owner}"
    ))
}

fn check_same_key(file: &[u8], key: &PublicKey, where_: &str) -> Result<()> {
    let text = std::str::from_utf8(file)
        .map_err(|_| Error::ProofFailed(format!("{where_} is not a text file")))?;
    let published: PublicKey = text
        .trim()
        .parse()
        .map_err(|e| Error::ProofFailed(format!("{where_} is not a minisign public key: {e}")))?;
    if published.key_id() != key.key_id() || published.as_bytes() != key.as_bytes() {
        return Err(Error::ProofFailed(format!(
            "{where_} holds key {}, not the key {} being registered: publish this key there \
             (or register the key that is published)",
            published.key_id(),
            key.key_id()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_are_owner_slash_name() {
        assert_eq!(split_repository("octo/repo.rs"), Some(("octo", "repo.rs")));
        assert_eq!(split_repository("octo"), None);
        assert_eq!(split_repository("octo/a/b"), None);
        assert_eq!(split_repository("octo/.."), None);
        assert_eq!(split_repository("/repo"), None);
    }
}
