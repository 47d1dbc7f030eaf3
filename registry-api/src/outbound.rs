//! The one outbound HTTP client policy, for every fetch of an address that comes from outside
//! or from configuration (package registries, artifact files, domain proofs, GitHub proofs):
//! hosts from an allow-list (or, for domain proofs, any public host with redirects only within
//! the same site), redirects followed by hand and checked like the first request, a response
//! size limit (streamed, aborted past it), a timeout, and no private, loopback or link-local
//! addresses after DNS resolution, at the check and again when connecting, unless the
//! test-mode setting (`--allow-private-artifact-hosts`) allows them.
//!
//! Errors are a closed enum that tells *temporary* failures (timeouts, connection errors, 5xx,
//! 429: retried later) from *definitive* ones (not found, oversize, a refused host, redirect
//! or address: a fact about the artifact that a retry will not change).

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};

/// At most this many redirects per request (npm and PyPI answer directly; Docker Hub's blobs
/// redirect once to their CDN).
const MAX_REDIRECTS: usize = 5;

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FetchError {
    #[error("{url} did not answer within {secs:.1} s (retried later)")]
    Timeout { url: String, secs: f64 },
    #[error("cannot connect to {url}: {detail} (retried later)")]
    Connect { url: String, detail: String },
    #[error("{url} answered {status} (retried later)")]
    Unavailable { url: String, status: u16 },
    #[error("{url} answered 404: not found")]
    NotFound { url: String },
    #[error("{url} answered {status}")]
    Refused { url: String, status: u16 },
    #[error(
        "{url} sent more than {limit} bytes: refused (raise --artifact-max-bytes if the \
         artifact is legitimately this large)"
    )]
    TooLarge { url: String, limit: u64 },
    #[error(
        "{url} is on host {host:?}, which is not allow-listed for artifact checks (add it \
         with --artifact-allow-host)"
    )]
    HostNotAllowed { url: String, host: String },
    #[error("{from} redirected to {to}, whose host is not allow-listed: refused")]
    RedirectNotAllowed { from: String, to: String },
    #[error("{url} redirected more than {MAX_REDIRECTS} times")]
    TooManyRedirects { url: String },
    #[error(
        "{url} resolves to {addr}, a private, loopback or link-local address: refused (only \
         --allow-private-artifact-hosts, for tests, permits it)"
    )]
    PrivateAddress { url: String, addr: String },
    #[error("{url}: {detail}")]
    Invalid { url: String, detail: String },
}

impl FetchError {
    /// Whether a later attempt may succeed (the check is retried with a backoff).
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout { .. }
                | FetchError::Connect { .. }
                | FetchError::Unavailable { .. }
        )
    }
}

/// A response read in full (within the size limit).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL that answered, after redirects.
    pub url: String,
}

impl Response {
    /// The response, or the error its status means: 404/410 not found, 429 and 5xx
    /// temporary, other non-2xx refused.
    pub fn ok(self) -> Result<Response, FetchError> {
        let status = self.status;
        if status.is_success() {
            return Ok(self);
        }
        let url = self.url;
        Err(match status.as_u16() {
            404 | 410 => FetchError::NotFound { url },
            429 | 500..=599 => FetchError::Unavailable {
                url,
                status: status.as_u16(),
            },
            s => FetchError::Refused { url, status: s },
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON.
    pub fn json(&self) -> Result<serde_json::Value, FetchError> {
        serde_json::from_slice(&self.body).map_err(|e| FetchError::Invalid {
            url: self.url.clone(),
            detail: format!("the answer is not JSON: {e}"),
        })
    }
}

/// Which hosts a fetcher may reach.
#[derive(Debug, Clone)]
pub enum Hosts {
    /// Only these (lower-case, no port); redirects only to them.
    Only(BTreeSet<String>),
    /// Any public host (a domain proof names its own); redirects only within the first host's
    /// site (`example.com` ↔ `www.example.com`) and scheme.
    AnyPublicSameSite,
}

/// The fetcher's limits.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    pub hosts: Hosts,
    pub max_bytes: u64,
    pub timeout: Duration,
    /// Test mode: private and loopback addresses are allowed.
    pub allow_private: bool,
}

/// The safe fetcher. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: Arc<FetchLimits>,
}

impl Fetcher {
    pub fn new(limits: FetchLimits) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            .user_agent(concat!("mcp-registry/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: limits.allow_private,
            }))
            .build()
            .map_err(|e| FetchError::Invalid {
                url: String::new(),
                detail: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Fetcher {
            client,
            limits: Arc::new(limits),
        })
    }

    pub fn limits(&self) -> &FetchLimits {
        &self.limits
    }

    /// Whether `url` is on an allowed host (the check every request passes; private
    /// addresses are refused separately, after resolution).
    pub fn allows(&self, url: &str) -> bool {
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(normalize_host))
            .is_some_and(|h| self.allows_host(&h))
    }

    fn allows_host(&self, host: &str) -> bool {
        match &self.limits.hosts {
            Hosts::Only(hosts) => hosts.contains(host),
            Hosts::AnyPublicSameSite => !host.is_empty(),
        }
    }

    /// Whether a redirect from `first` (the request's first URL) to `next` may be followed.
    fn allows_redirect(&self, first: &url::Url, next: &url::Url) -> bool {
        if !matches!(next.scheme(), "http" | "https") || !self.allows(next.as_str()) {
            return false;
        }
        match &self.limits.hosts {
            Hosts::Only(_) => true,
            Hosts::AnyPublicSameSite => {
                let origin = first.host_str().map(normalize_host).unwrap_or_default();
                let host = next.host_str().map(normalize_host).unwrap_or_default();
                next.scheme() == first.scheme()
                    && (host == origin
                        || host.ends_with(&format!(".{origin}"))
                        || origin.ends_with(&format!(".{host}")))
            }
        }
    }

    /// GET `url` with `headers`, following allow-listed redirects; any final status is
    /// returned (see [`Response::ok`]).
    pub async fn get(&self, url: &str, headers: &[(&str, String)]) -> Result<Response, FetchError> {
        self.request(Method::GET, url, headers).await
    }

    /// GET a JSON document (`Accept: application/json`): a non-success status or a body
    /// that is not JSON is an error.
    pub async fn get_json(&self, url: &str) -> Result<serde_json::Value, FetchError> {
        self.get(url, &[("accept", "application/json".into())])
            .await?
            .ok()?
            .json()
    }

    pub async fn request(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<Response, FetchError> {
        let mut current = self.checked_url(url).await?;
        let first = current.clone();
        let first_host = current.host_str().map(normalize_host);
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self.client.request(method.clone(), current.clone());
            let same_host = current.host_str().map(normalize_host) == first_host;
            for (name, value) in headers {
                // Credentials stay with the host they were meant for (a CDN redirect target
                // must not see the registry's token).
                if !same_host && name.eq_ignore_ascii_case("authorization") {
                    continue;
                }
                if let Ok(v) = HeaderValue::from_str(value) {
                    req = req.header(*name, v);
                }
            }
            let resp = req
                .send()
                .await
                .map_err(|e| self.send_error(current.as_str(), &e))?;
            let status = resp.status();
            if status.is_redirection() {
                let Some(location) = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok())
                else {
                    return Err(FetchError::Invalid {
                        url: current.to_string(),
                        detail: format!("redirect {status} without a Location"),
                    });
                };
                let next = current.join(location).map_err(|e| FetchError::Invalid {
                    url: current.to_string(),
                    detail: format!("bad redirect Location {location:?}: {e}"),
                })?;
                if !self.allows_redirect(&first, &next) {
                    return Err(FetchError::RedirectNotAllowed {
                        from: current.to_string(),
                        to: next.to_string(),
                    });
                }
                current = self.checked_url(next.as_str()).await?;
                continue;
            }
            return self.read(current.to_string(), resp).await;
        }
        Err(FetchError::TooManyRedirects {
            url: url.to_string(),
        })
    }

    /// Parses `url`, checks its scheme and host against the allow-list, and its addresses
    /// against the private ranges (the resolver checks again when connecting, so a name that
    /// changes its address in between is refused too).
    async fn checked_url(&self, url: &str) -> Result<url::Url, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::Invalid {
            url: url.to_string(),
            detail: format!("not a URL: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::Invalid {
                url: url.to_string(),
                detail: "only http and https URLs are fetched".to_string(),
            });
        }
        let host = parsed.host_str().map(normalize_host).unwrap_or_default();
        if !self.allows_host(&host) {
            return Err(FetchError::HostNotAllowed {
                url: url.to_string(),
                host,
            });
        }
        if self.limits.allow_private {
            return Ok(parsed);
        }
        let port = parsed.port_or_known_default().unwrap_or(443);
        let addrs: Vec<IpAddr> = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            _ => match tokio::net::lookup_host((host.as_str(), port)).await {
                Ok(a) => a.map(|s| s.ip()).collect(),
                Err(e) => {
                    return Err(FetchError::Connect {
                        url: url.to_string(),
                        detail: format!("cannot resolve {host}: {e}"),
                    });
                }
            },
        };
        if let Some(bad) = addrs.iter().find(|ip| !is_public(**ip)) {
            return Err(FetchError::PrivateAddress {
                url: url.to_string(),
                addr: bad.to_string(),
            });
        }
        Ok(parsed)
    }

    fn send_error(&self, url: &str, e: &reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout {
                url: url.to_string(),
                secs: self.limits.timeout.as_secs_f64(),
            }
        } else {
            FetchError::Connect {
                url: url.to_string(),
                detail: error_chain(e),
            }
        }
    }

    /// Reads the body, refusing it past the size limit without reading further.
    async fn read(&self, url: String, mut resp: reqwest::Response) -> Result<Response, FetchError> {
        let limit = self.limits.max_bytes;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { url, limit });
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(FetchError::TooLarge { url, limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.send_error(&url, &e)),
            }
        }
        Ok(Response {
            status,
            headers,
            body,
            url,
        })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Host names compare lower-case, IPv6 literals without brackets.
pub fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, carrier-grade NAT, unspecified, multicast or documentation space.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// Resolves names and drops non-public addresses, so a connection never reaches one (also
/// when a name's address changes between the check and the connection).
#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{host} has no public address"),
                ))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let iter: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(iter)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["104.16.0.1", "151.101.0.223", "2606:4700::6810:1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn private_addresses_and_other_hosts_are_refused_before_connecting() {
        let fetcher = Fetcher::new(FetchLimits {
            hosts: Hosts::Only(
                ["127.0.0.1", "localhost", "169.254.169.254"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
            max_bytes: 1024,
            timeout: Duration::from_secs(1),
            allow_private: false,
        })
        .unwrap();
        for url in [
            "http://127.0.0.1:9/x",
            "http://localhost:9/x",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            let err = fetcher.get(url, &[]).await.unwrap_err();
            assert!(
                matches!(err, FetchError::PrivateAddress { .. }),
                "{url}: {err}"
            );
            assert!(!err.is_temporary());
        }
        let err = fetcher.get("https://example.com/", &[]).await.unwrap_err();
        assert!(
            matches!(err, FetchError::HostNotAllowed { ref host, .. } if host == "example.com"),
            "{err}"
        );
        let err = fetcher.get("file:///etc/passwd", &[]).await.unwrap_err();
        assert!(matches!(err, FetchError::Invalid { .. }), "{err}");
    }

    #[test]
    fn temporary_errors_are_told_apart() {
        let url = "https://x".to_string();
        assert!(
            FetchError::Unavailable {
                url: url.clone(),
                status: 503
            }
            .is_temporary()
        );
        assert!(
            FetchError::Timeout {
                url: url.clone(),
                secs: 1.0
            }
            .is_temporary()
        );
        assert!(!FetchError::NotFound { url: url.clone() }.is_temporary());
        assert!(!FetchError::TooLarge { url, limit: 1 }.is_temporary());
    }
}
