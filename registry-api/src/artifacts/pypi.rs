//! PyPI: the JSON API (`GET {pypi}/pypi/{name}/{version}/json`) lists the release's files with
//! `digests.sha256`; `info.description` (the README) holds `mcp-name: <server name>`.

use protocol::formats::artifacts::PYPI_OWNERSHIP_MARKER;
use protocol::ownership::readme_names_server;
use serde_json::Value;

use super::plan::PackagePlan;
use super::{PackageResult, PackageState};
use crate::outbound::Fetcher;

/// (file name, hex sha256) of every file the JSON document of a release lists.
pub(super) fn release_files(doc: &Value) -> Vec<(&str, &str)> {
    doc.get("urls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            Some((
                f.get("filename").and_then(Value::as_str)?,
                f.pointer("/digests/sha256").and_then(Value::as_str)?,
            ))
        })
        .collect()
}

/// Checks the package's JSON document (its first URL) against the expected sha256, and the
/// ownership marker against `server`.
pub async fn check(fetcher: &Fetcher, plan: &PackagePlan, server: &str) -> PackageResult {
    let (package, url, expected) = (plan.package.as_str(), plan.first_url(), &plan.expected);
    let Some(want) = &expected.sha256 else {
        return PackageResult::no_digest(package);
    };
    let doc = match fetcher.get_json(url).await {
        Ok(v) => v,
        Err(e) => return PackageResult::fetch_failed(package, &e),
    };
    let files = release_files(&doc);
    let want_hex = want.to_string();
    let candidates: Vec<&(&str, &str)> = files
        .iter()
        .filter(|(name, _)| expected.file_name.as_deref().is_none_or(|f| f == *name))
        .collect();
    let found = candidates
        .iter()
        .find(|(_, sha)| sha.eq_ignore_ascii_case(&want_hex));
    let mut result = match found {
        Some((name, sha)) => PackageResult::matched(
            package,
            &format!("PyPI digests.sha256 of {name}"),
            want_hex.clone(),
            sha.to_ascii_lowercase(),
        ),
        None if files.is_empty() => {
            return PackageResult::failed(
                package,
                format!("{package}: PyPI lists no files for this version"),
            );
        }
        None => {
            let observed: Vec<String> = candidates
                .iter()
                .map(|(name, sha)| format!("{name}={sha}"))
                .collect();
            return PackageResult::mismatch(
                package,
                "PyPI digests.sha256",
                want_hex,
                Some(if observed.is_empty() {
                    format!(
                        "no file named {}",
                        expected.file_name.as_deref().unwrap_or("?")
                    )
                } else {
                    observed.join(",")
                }),
            );
        }
    };
    if result.state != PackageState::Matched {
        return result;
    }
    let readme = doc
        .pointer("/info/description")
        .and_then(Value::as_str)
        .unwrap_or("");
    if readme_names_server(readme, server) {
        result.ownership = Some(format!("{PYPI_OWNERSHIP_MARKER} {server}"));
        result
    } else {
        PackageResult::ownership_missing(
            result,
            format!(
                "{package}: the README on PyPI does not contain \"{PYPI_OWNERSHIP_MARKER} {server}\" \
                 (add that line to the README and publish a new version)"
            ),
        )
    }
}
