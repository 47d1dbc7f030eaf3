//! PyPI: the release file whose sha256 the signed manifest records, downloaded from PyPI's
//! JSON API, checked, kept in the cache, and `uvx --from FILE` to run it.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use protocol::manifest::Sha256Digest;
use protocol::manifest::release::Artifact;
use serde_json::Value;

use super::fetch::Fetcher;
use crate::VerificationFailed;
use crate::files;
use crate::launch::pypi::UV_VALUE_OPTIONS;

/// The verified file of `name==version`.
pub(crate) fn verified_file(
    fetch: &Fetcher,
    pypi: &str,
    name: &str,
    version: &str,
    artifact: &Artifact,
    cache: &Path,
) -> Result<Option<PathBuf>> {
    let Some(signed) = artifact.sha256 else {
        return Ok(None);
    };
    let url = format!("{}/pypi/{name}/{version}/json", pypi.trim_end_matches('/'));
    let doc = fetch
        .json(&url)?
        .ok_or_else(|| anyhow!("PyPI has no {name}=={version} ({url})"))?;
    let files_of = doc
        .get("urls")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let entry = files_of.iter().find(|f| {
        f.get("digests")
            .and_then(|d| d.get("sha256"))
            .and_then(Value::as_str)
            .is_some_and(|h| format!("sha256:{h}") == signed.to_string())
    });
    let Some(entry) = entry else {
        return Err(VerificationFailed(anyhow!(
            "PyPI lists no file of {name}=={version} with the signed {signed}"
        ))
        .into());
    };
    let (Some(file_url), Some(filename)) = (
        entry.get("url").and_then(Value::as_str),
        entry.get("filename").and_then(Value::as_str),
    ) else {
        return Err(anyhow!("{url} lists a file without url or filename"));
    };
    if filename.contains(['/', '\\']) {
        return Err(anyhow!("{url} lists a file name with a path: {filename:?}"));
    }
    let bytes = fetch.artifact(file_url)?;
    let got = Sha256Digest::of(&bytes);
    if got != signed {
        return Err(VerificationFailed(anyhow!(
            "{filename} from {file_url} has {got}, not the signed {signed}"
        ))
        .into());
    }
    // The file keeps its name (uv reads the version from it), in a folder named by digest.
    let dir = cache
        .join("pypi")
        .join(signed.to_string().replace(':', "-"));
    crate::dirs::create_private(&dir)?;
    let path = dir.join(filename);
    if !path.exists() {
        files::write(&path, &bytes, files::Mode::Private)?;
    }
    Ok(Some(path))
}

/// `uvx [flags] SPEC ARGS...` rewritten to `uvx [flags] --from FILE PROGRAM ARGS...`, where
/// PROGRAM is the package's name (uvx's default). `None` for other shapes (`--from` given).
pub(crate) fn rewrite_uvx(args: &[String], file: &Path, name: &str) -> Option<Vec<String>> {
    if args
        .iter()
        .any(|a| a == "--from" || a.starts_with("--from="))
    {
        return None;
    }
    let mut at = None;
    let mut i = 0;
    while i < args.len() {
        if UV_VALUE_OPTIONS.contains(&args[i].as_str()) {
            i += 2;
            continue;
        }
        if !args[i].starts_with('-') {
            at = Some(i);
            break;
        }
        i += 1;
    }
    let at = at?;
    let mut out = args[..at].to_vec();
    out.push("--from".to_owned());
    out.push(file.display().to_string());
    out.push(name.to_owned());
    out.extend(args[at + 1..].iter().cloned());
    Some(out)
}
