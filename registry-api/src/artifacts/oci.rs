//! OCI: the registry HTTP API v2. The manifest of the tag (or digest) is fetched with the
//! media types `docker pull` accepts; its digest is the SHA-256 of the exact bytes served (the
//! `Docker-Content-Digest` header must agree). A `401` with `WWW-Authenticate: Bearer realm=...`
//! is answered with an anonymous pull token from the realm. The ownership label
//! `io.modelcontextprotocol.server.name` is read from the image config blob (of the
//! linux/amd64 image, or the first one, of an index).

use protocol::formats::artifacts::{OCI_MANIFEST_ACCEPT, OCI_OWNERSHIP_LABEL};
use protocol::manifest::digest::ContentDigest;
use serde_json::Value;

use super::plan::{Expected, OciReference};
use super::{PackageResult, PackageState};
use crate::outbound::{FetchError, Fetcher, Response};

/// A registry session: the base URL, the repository and the pull token once one was needed.
struct Session<'a> {
    fetcher: &'a Fetcher,
    base: String,
    repository: String,
    token: Option<String>,
}

impl Session<'_> {
    async fn get(&mut self, path: &str, accept: Option<&str>) -> Result<Response, FetchError> {
        self.request(reqwest::Method::GET, path, accept).await
    }

    async fn request(
        &mut self,
        method: reqwest::Method,
        path: &str,
        accept: Option<&str>,
    ) -> Result<Response, FetchError> {
        let url = format!("{}/v2/{}/{path}", self.base, self.repository);
        let mut headers: Vec<(&str, String)> = Vec::new();
        if let Some(a) = accept {
            headers.push(("accept", a.to_string()));
        }
        if let Some(t) = &self.token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        let resp = self.fetcher.request(method.clone(), &url, &headers).await?;
        if resp.status.as_u16() != 401 || self.token.is_some() {
            return resp.ok();
        }
        let challenge = resp.header("www-authenticate").unwrap_or("").to_string();
        self.token = Some(self.token_for(&url, &challenge).await?);
        if let Some(t) = &self.token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        self.fetcher.request(method, &url, &headers).await?.ok()
    }

    /// An anonymous pull token from the challenge's realm.
    async fn token_for(&self, url: &str, challenge: &str) -> Result<String, FetchError> {
        let params = parse_bearer_challenge(challenge).ok_or_else(|| FetchError::Refused {
            url: url.to_string(),
            status: 401,
        })?;
        let get = |k: &str| {
            params
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        };
        let realm = get("realm").ok_or_else(|| FetchError::Invalid {
            url: url.to_string(),
            detail: "the Bearer challenge has no realm".to_string(),
        })?;
        let mut token_url = url::Url::parse(&realm).map_err(|e| FetchError::Invalid {
            url: url.to_string(),
            detail: format!("the token realm {realm:?} is not a URL: {e}"),
        })?;
        {
            let mut q = token_url.query_pairs_mut();
            if let Some(s) = get("service") {
                q.append_pair("service", &s);
            }
            let scope =
                get("scope").unwrap_or_else(|| format!("repository:{}:pull", self.repository));
            q.append_pair("scope", &scope);
        }
        let doc = self
            .fetcher
            .get(token_url.as_str(), &[])
            .await?
            .ok()?
            .json()?;
        doc.get("token")
            .or_else(|| doc.get("access_token"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| FetchError::Invalid {
                url: token_url.to_string(),
                detail: "the token answer has no token".to_string(),
            })
    }
}

/// The digest a registry reports for a tag or digest reference with a `HEAD` of the manifest
/// (`Docker-Content-Digest`); `None` when it sends none. Docker Hub does not count HEAD
/// requests against its pull rate limit.
pub async fn head_digest(
    fetcher: &Fetcher,
    base: String,
    repository: &str,
    reference: &OciReference,
) -> Result<Option<String>, FetchError> {
    let mut session = Session {
        fetcher,
        base,
        repository: repository.to_string(),
        token: None,
    };
    let resp = session
        .request(
            reqwest::Method::HEAD,
            &format!("manifests/{}", reference.as_str()),
            Some(OCI_MANIFEST_ACCEPT),
        )
        .await?;
    Ok(resp
        .header("docker-content-digest")
        .filter(|d| d.starts_with("sha256:"))
        .map(str::to_string))
}

/// `Bearer realm="...",service="...",scope="..."` → the parameters.
pub fn parse_bearer_challenge(h: &str) -> Option<Vec<(String, String)>> {
    let rest = h
        .trim()
        .strip_prefix("Bearer")
        .or_else(|| h.trim().strip_prefix("bearer"))?;
    let mut out = Vec::new();
    let mut s = rest.trim_start();
    while !s.is_empty() {
        let (name, after) = s.split_once('=')?;
        let name = name.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (value, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.push((name, value));
        s = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some(out)
}

fn digest_of(resp: &Response) -> Result<ContentDigest, FetchError> {
    let computed = ContentDigest::of(&resp.body);
    if let Some(h) = resp.header("docker-content-digest")
        && h.starts_with("sha256:")
        && h != computed.to_string()
    {
        return Err(FetchError::Invalid {
            url: resp.url.clone(),
            detail: format!(
                "Docker-Content-Digest {h} is not the digest of the manifest served ({computed})"
            ),
        });
    }
    Ok(computed)
}

#[allow(clippy::too_many_arguments)]
pub async fn check(
    fetcher: &Fetcher,
    package: &str,
    base: String,
    repository: &str,
    reference: &OciReference,
    expected: &Expected,
    server: &str,
) -> PackageResult {
    let Some(want) = expected.oci_digest else {
        return PackageResult::no_digest(package);
    };
    let mut session = Session {
        fetcher,
        base,
        repository: repository.to_string(),
        token: None,
    };
    let manifest = match session
        .get(
            &format!("manifests/{}", reference.as_str()),
            Some(OCI_MANIFEST_ACCEPT),
        )
        .await
    {
        Ok(r) => r,
        Err(e) => return PackageResult::fetch_failed(package, &e),
    };
    let got = match digest_of(&manifest) {
        Ok(d) => d,
        Err(e) => return PackageResult::fetch_failed(package, &e),
    };
    let what = match reference {
        OciReference::Tag(t) => format!("OCI manifest digest of tag {t}"),
        OciReference::Digest(_) => "OCI manifest digest".to_string(),
    };
    if got != want {
        return PackageResult::mismatch(package, &what, want.to_string(), Some(got.to_string()));
    }
    let result = PackageResult::matched(package, &what, want.to_string(), got.to_string());
    match label(&mut session, &manifest).await {
        Ok(Some(n)) if n == server => {
            let mut r = result;
            r.ownership = Some(format!("label {OCI_OWNERSHIP_LABEL}={n}"));
            r
        }
        Ok(other) => PackageResult::ownership_missing(
            result,
            format!(
                "{package}: the image has {} instead of the label {OCI_OWNERSHIP_LABEL}={server} \
                 (add `LABEL {OCI_OWNERSHIP_LABEL}=\"{server}\"` to the Dockerfile and push a new \
                 image)",
                match other {
                    Some(n) => format!("{OCI_OWNERSHIP_LABEL}={n:?}"),
                    None => "no such label".to_string(),
                }
            ),
        ),
        Err(e) => {
            let mut r = PackageResult::fetch_failed(package, &e);
            if r.state == PackageState::Temporary {
                r.compared = result.compared;
            }
            r
        }
    }
}

/// The ownership label of the image (for an index: of its linux/amd64 image, or the first).
async fn label(
    session: &mut Session<'_>,
    manifest: &Response,
) -> Result<Option<String>, FetchError> {
    let mut doc = manifest.json()?;
    if let Some(list) = doc.get("manifests").and_then(Value::as_array) {
        let pick = list
            .iter()
            .find(|m| {
                m.pointer("/platform/os").and_then(Value::as_str) == Some("linux")
                    && m.pointer("/platform/architecture").and_then(Value::as_str) == Some("amd64")
            })
            .or_else(|| list.first());
        let Some(digest) = pick.and_then(|m| m.get("digest")).and_then(Value::as_str) else {
            return Err(FetchError::Invalid {
                url: manifest.url.clone(),
                detail: "the image index lists no manifests".to_string(),
            });
        };
        let child = session
            .get(&format!("manifests/{digest}"), Some(OCI_MANIFEST_ACCEPT))
            .await?;
        if digest_of(&child)?.to_string() != digest {
            return Err(FetchError::Invalid {
                url: child.url.clone(),
                detail: format!("the manifest served for {digest} has another digest"),
            });
        }
        doc = child.json()?;
    }
    let Some(config) = doc.pointer("/config/digest").and_then(Value::as_str) else {
        return Err(FetchError::Invalid {
            url: manifest.url.clone(),
            detail: "the image manifest has no config".to_string(),
        });
    };
    let blob = session.get(&format!("blobs/{config}"), None).await?;
    if ContentDigest::of(&blob.body).to_string() != config {
        return Err(FetchError::Invalid {
            url: blob.url.clone(),
            detail: format!("the config blob served for {config} has another digest"),
        });
    }
    let cfg = blob.json()?;
    Ok(cfg
        .pointer("/config/Labels")
        .and_then(|l| l.get(OCI_OWNERSHIP_LABEL))
        .and_then(Value::as_str)
        .map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenges_parse() {
        let p = parse_bearer_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/x:pull""#,
        )
        .unwrap();
        assert_eq!(
            p,
            [
                (
                    "realm".to_string(),
                    "https://auth.docker.io/token".to_string()
                ),
                ("service".to_string(), "registry.docker.io".to_string()),
                ("scope".to_string(), "repository:library/x:pull".to_string()),
            ]
        );
        assert!(parse_bearer_challenge("Basic realm=x").is_none());
    }
}
