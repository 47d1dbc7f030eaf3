//! npm: the version document (`GET {registry}/{name}/{version}`) gives `dist.integrity`
//! (sha512), `dist.shasum` (sha1), `dist.tarball` and the package.json's `mcpName`.

use protocol::formats::artifacts::NPM_OWNERSHIP_FIELD;
use protocol::manifest::digest::{Sha256Digest, Sha512Integrity};
use serde_json::Value;
use sha2::Digest as _;

use super::plan::PackagePlan;
use super::{PackageResult, PackageState};
use crate::outbound::Fetcher;

/// Checks the plan's version document (its first URL) against the expected digests, and
/// `mcpName` against `server`.
pub async fn check(fetcher: &Fetcher, plan: &PackagePlan, server: &str) -> PackageResult {
    let (package, url, expected) = (plan.package.as_str(), plan.first_url(), &plan.expected);
    if expected.integrity.is_none() && expected.sha256.is_none() {
        return PackageResult::no_digest(package);
    }
    let doc = match fetcher.get_json(url).await {
        Ok(v) => v,
        Err(e) => return PackageResult::fetch_failed(package, &e),
    };
    let dist = doc.get("dist");
    let integrity = dist
        .and_then(|d| d.get("integrity"))
        .and_then(Value::as_str)
        .and_then(sha512_of_sri);
    let shasum = dist
        .and_then(|d| d.get("shasum"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    let tarball = dist.and_then(|d| d.get("tarball")).and_then(Value::as_str);

    let mut result = if let Some(want) = &expected.integrity {
        match &integrity {
            Some(got) if got == want => PackageResult::matched(
                package,
                "npm dist.integrity",
                want.to_string(),
                got.to_string(),
            ),
            Some(got) => PackageResult::mismatch(
                package,
                "npm dist.integrity",
                want.to_string(),
                Some(got.to_string()),
            ),
            None => PackageResult::failed(
                package,
                format!("{package}: the npm version document has no sha512 dist.integrity"),
            ),
        }
    } else if let Some(want) = &expected.sha256 {
        let Some(tarball) = tarball else {
            return PackageResult::failed(
                package,
                format!("{package}: the npm version document has no dist.tarball to hash"),
            );
        };
        let body = match fetcher.get(tarball, &[]).await.and_then(|r| r.ok()) {
            Ok(r) => r.body,
            Err(e) => return PackageResult::fetch_failed(package, &e),
        };
        let got = Sha256Digest::of(&body);
        // The tarball must also be the one npm's own metadata describes.
        let sri = Sha512Integrity::of(&body);
        let sha1 = hex::encode(sha1::Sha1::digest(&body));
        if integrity.is_some_and(|i| i != sri) || shasum.as_ref().is_some_and(|s| *s != sha1) {
            let mut r = PackageResult::mismatch(
                package,
                "npm dist.integrity/dist.shasum of the tarball",
                integrity.map(|i| i.to_string()).unwrap_or_default(),
                Some(sri.to_string()),
            );
            r.message = format!(
                "{package}: the tarball npm serves (sha512 {sri}, sha1 {sha1}) is not the one its \
                 own dist.integrity/dist.shasum describe: the package was tampered with"
            );
            return r;
        }
        if got == *want {
            PackageResult::matched(package, "tarball sha256", want.to_string(), got.to_string())
        } else {
            PackageResult::mismatch(
                package,
                "tarball sha256",
                want.to_string(),
                Some(got.to_string()),
            )
        }
    } else {
        return PackageResult::no_digest(package);
    };
    if result.state != PackageState::Matched {
        return result;
    }
    let owner = protocol::ownership::npm_server_name(&doc);
    match owner {
        Some(n) if n == server => {
            result.ownership = Some(format!("{NPM_OWNERSHIP_FIELD} {n}"));
            result
        }
        other => PackageResult::ownership_missing(
            result,
            format!(
                "{package}: package.json has {} instead of \"{NPM_OWNERSHIP_FIELD}\": \"{server}\" \
                 (add it and publish a new version)",
                match other {
                    Some(n) => format!("{NPM_OWNERSHIP_FIELD} {n:?}"),
                    None => format!("no {NPM_OWNERSHIP_FIELD}"),
                }
            ),
        ),
    }
}

/// The sha512 entry of a Subresource-Integrity string (it may list several hashes).
pub fn sha512_of_sri(sri: &str) -> Option<Sha512Integrity> {
    sri.split_whitespace()
        .filter(|h| h.starts_with("sha512-"))
        .find_map(|h| h.parse().ok())
}
