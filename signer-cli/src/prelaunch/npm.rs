//! npm: the exact version an `npx` spec resolves to, the tarball checked against the signed
//! digest and npm's own integrity, kept in the cache, and the `npx` command that runs it.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use protocol::manifest::release::Artifact;
use protocol::manifest::{Sha256Digest, Sha512Integrity};
use serde_json::Value;

use super::fetch::Fetcher;
use crate::VerificationFailed;
use crate::files;

fn doc_url(registry: &str, name: &str) -> String {
    format!(
        "{}/{}",
        registry.trim_end_matches('/'),
        name.replacen('/', "%2f", 1)
    )
}

/// The exact version `spec` (a version, a dist-tag, a range, or none for `latest`) names,
/// and a note when it was not exact.
pub(crate) fn resolve_version(
    fetch: &Fetcher,
    registry: &str,
    name: &str,
    spec: Option<&str>,
) -> Result<(String, Option<String>)> {
    if let Some(v) = spec.filter(|v| semver::Version::parse(v).is_ok()) {
        return Ok((v.to_owned(), None));
    }
    let url = doc_url(registry, name);
    let doc = fetch
        .json(&url)?
        .ok_or_else(|| anyhow!("npm has no package {name} ({url})"))?;
    let wanted = spec.unwrap_or("latest");
    let version = if let Some(v) = doc
        .get("dist-tags")
        .and_then(|t| t.get(wanted))
        .and_then(Value::as_str)
    {
        v.to_owned()
    } else {
        let range = semver::VersionReq::parse(wanted).map_err(|e| {
            anyhow!("{name}@{wanted} is neither a dist-tag nor a version range: {e}")
        })?;
        doc.get("versions")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
            .filter_map(|v| semver::Version::parse(v).ok())
            .filter(|v| range.matches(v))
            .max()
            .map(|v| v.to_string())
            .ok_or_else(|| anyhow!("no version of {name} matches {wanted}"))?
    };
    Ok((
        version.clone(),
        Some(format!(
            "{name}@{wanted} is not an exact version: resolved to {version}"
        )),
    ))
}

/// A tarball that matched its signed digest, in the cache.
#[derive(Debug)]
pub(crate) struct VerifiedTarball {
    pub(crate) path: PathBuf,
    pub(crate) integrity: Sha512Integrity,
    /// The program `npx` runs from it.
    pub(crate) bin: String,
}

/// Download `name@version`, check it against the signed `artifact` and npm's `dist.integrity`,
/// and keep it in `cache`.
pub(crate) fn verified_tarball(
    fetch: &Fetcher,
    registry: &str,
    name: &str,
    version: &str,
    artifact: &Artifact,
    cache: &Path,
) -> Result<VerifiedTarball> {
    if artifact.integrity.is_none() && artifact.sha256.is_none() {
        bail!("the signed manifest gives no digest for npm:{name}");
    }
    let url = format!("{}/{version}", doc_url(registry, name));
    let doc = fetch
        .json(&url)?
        .ok_or_else(|| anyhow!("npm has no {name}@{version} ({url})"))?;
    let dist = doc.get("dist").cloned().unwrap_or(Value::Null);
    let tarball_url = dist
        .get("tarball")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("{url} names no dist.tarball"))?;
    let bytes = fetch.artifact(tarball_url)?;
    let integrity = Sha512Integrity::of(&bytes);
    let sha256 = Sha256Digest::of(&bytes);
    let signed_ok = artifact.integrity.is_none_or(|i| i == integrity)
        && artifact.sha256.is_none_or(|s| s == sha256);
    if !signed_ok {
        return Err(VerificationFailed(anyhow!(
            "the npm tarball of {name}@{version} ({tarball_url}) is not the one its maintainer \
             signed: it has {integrity} and sha256 {sha256}, the signed manifest records {}",
            [
                artifact.integrity.map(|i| i.to_string()),
                artifact.sha256.map(|s| s.to_string())
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ")
        ))
        .into());
    }
    if let Some(npm) = dist.get("integrity").and_then(Value::as_str)
        && npm != integrity.to_string()
    {
        return Err(VerificationFailed(anyhow!(
            "npm's own integrity for {name}@{version} is {npm}, but the tarball it served has \
             {integrity}"
        ))
        .into());
    }
    let bin = bin_name(&bytes, name)?;
    let dir = cache.join("npm");
    crate::dirs::create_private(&dir)?;
    let path = dir.join(format!("{}.tgz", sha256.to_string().replace(':', "-")));
    if !path.exists() {
        files::write(&path, &bytes, files::Mode::Private)?;
    }
    Ok(VerifiedTarball {
        path,
        integrity,
        bin,
    })
}

/// The program `npx` would run from the package: its only `bin`, or the one named after the
/// package (as npx chooses).
fn bin_name(tarball: &[u8], name: &str) -> Result<String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball));
    let mut manifest = None;
    for entry in archive
        .entries()
        .context("the npm tarball is not a gzipped tar")?
    {
        let mut entry = entry.context("the npm tarball is not a gzipped tar")?;
        let path = entry.path()?.to_string_lossy().into_owned();
        // npm packs into `package/`, though some tarballs use another top folder.
        if path.matches('/').count() == 1 && path.ends_with("/package.json") {
            let mut text = String::new();
            entry
                .by_ref()
                .take(4 * 1024 * 1024)
                .read_to_string(&mut text)?;
            manifest = Some(text);
            break;
        }
    }
    let manifest: Value = serde_json::from_str(
        &manifest.ok_or_else(|| anyhow!("the npm tarball has no package.json"))?,
    )
    .context("the package.json in the npm tarball is not JSON")?;
    let unscoped = name.rsplit('/').next().unwrap_or(name);
    match manifest.get("bin") {
        Some(Value::String(_)) => Ok(unscoped.to_owned()),
        Some(Value::Object(bins)) if bins.len() == 1 => {
            Ok(bins.keys().next().cloned().unwrap_or_default())
        }
        Some(Value::Object(bins)) if bins.contains_key(unscoped) => Ok(unscoped.to_owned()),
        Some(Value::Object(bins)) => bail!(
            "{name} has several programs ({}); name one with `npx -p {name} PROGRAM`",
            bins.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
        _ => bail!("{name} has no program (`bin` in its package.json) for npx to run"),
    }
}

/// `npx [flags] SPEC ARGS...` or `npx [flags] --package SPEC [--] PROGRAM ARGS...` rewritten
/// to run `tarball`. `None` when the arguments have another shape.
pub(crate) fn rewrite_npx(args: &[String], tarball: &Path, bin: &str) -> Option<Vec<String>> {
    let file = tarball.display().to_string();
    let mut out = Vec::with_capacity(args.len() + 3);
    let mut iter = args.iter().enumerate();
    while let Some((i, a)) = iter.next() {
        if a.starts_with("--package=") {
            out.push(format!("--package={file}"));
            out.extend(args[i + 1..].iter().cloned());
            return Some(out);
        }
        if a == "-p" || a == "--package" {
            iter.next()?;
            out.push(format!("--package={file}"));
            out.extend(args.get(i + 2..)?.iter().cloned());
            return Some(out);
        }
        if a == "--" {
            return None;
        }
        if a.starts_with('-') {
            out.push(a.clone());
            continue;
        }
        // The positional package spec; what follows are the program's arguments.
        out.push(format!("--package={file}"));
        out.push("--".to_owned());
        out.push(bin.to_owned());
        out.extend(args[i + 1..].iter().cloned());
        return Some(out);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn npx_rewrites() {
        let t = Path::new("/c/x.tgz");
        assert_eq!(
            rewrite_npx(&s(&["-y", "@s/p@1.0.0", "/tmp", "--flag"]), t, "p").unwrap(),
            s(&["-y", "--package=/c/x.tgz", "--", "p", "/tmp", "--flag"])
        );
        assert_eq!(
            rewrite_npx(&s(&["--package", "@s/p@1", "--", "prog", "a"]), t, "p").unwrap(),
            s(&["--package=/c/x.tgz", "--", "prog", "a"])
        );
        assert_eq!(
            rewrite_npx(&s(&["--package=@s/p@1", "prog"]), t, "p").unwrap(),
            s(&["--package=/c/x.tgz", "prog"])
        );
        assert!(rewrite_npx(&s(&["-y"]), t, "p").is_none());
    }
}
