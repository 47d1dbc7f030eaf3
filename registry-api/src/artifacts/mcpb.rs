//! MCP bundles and other release files named by URL (GitHub release assets): downloaded within
//! the size limit and hashed. There is no ownership marker to read; the URL is what the signed
//! manifest names.

use protocol::manifest::digest::Sha256Digest;

use super::PackageResult;
use super::plan::Expected;
use crate::outbound::Fetcher;

pub async fn check(
    fetcher: &Fetcher,
    package: &str,
    url: &str,
    expected: &Expected,
) -> PackageResult {
    let Some(want) = &expected.sha256 else {
        return PackageResult::no_digest(package);
    };
    let body = match fetcher.get(url, &[]).await.and_then(|r| r.ok()) {
        Ok(r) => r.body,
        Err(e) => return PackageResult::fetch_failed(package, &e),
    };
    let got = Sha256Digest::of(&body);
    if got == *want {
        let mut r =
            PackageResult::matched(package, "file sha256", want.to_string(), got.to_string());
        r.ownership = Some("the signed manifest names this URL".to_string());
        r
    } else {
        PackageResult::mismatch(
            package,
            "file sha256",
            want.to_string(),
            Some(got.to_string()),
        )
    }
}
