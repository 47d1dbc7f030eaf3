//! Artifacts given to `manifest init`: their digests, which package each belongs to, and how
//! they are recorded in the release extension.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use protocol::formats::registry;
use protocol::manifest::{ArtifactDigests, ArtifactHasher};
use serde_json::{Map, Value, json};

use super::input::str_field;
use crate::files;

/// An artifact's digests, and the package of the manifest it belongs to.
#[derive(Debug)]
pub(super) struct HashedArtifact {
    pub(super) path: PathBuf,
    pub(super) file_name: String,
    pub(super) digests: ArtifactDigests,
    /// Its index in the manifest's `packages`.
    pub(super) package: usize,
}

pub(super) fn hash_file(path: &Path) -> Result<(String, ArtifactDigests)> {
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = ArtifactHasher::new();
    files::stream(&mut file, path, |chunk| hasher.update(chunk))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .with_context(|| format!("{} is not a file", path.display()))?;
    Ok((file_name, hasher.finish()))
}

/// The registry type an artifact's file name says it is for.
fn artifact_registry(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        Some(registry::NPM)
    } else if lower.ends_with(".whl") || lower.ends_with(".tar.gz") {
        Some(registry::PYPI)
    } else if lower.ends_with(".mcpb") {
        Some(registry::MCPB)
    } else if lower.ends_with(".nupkg") {
        Some(registry::NUGET)
    } else {
        None
    }
}

/// The file-name prefix each packager gives a package's artifacts.
fn artifact_prefix(registry_type: &str, identifier: &str) -> String {
    match registry_type {
        // npm pack: @scope/name -> scope-name-1.2.3.tgz
        registry::NPM => identifier
            .trim_start_matches('@')
            .replace('/', "-")
            .to_ascii_lowercase(),
        // wheels and sdists: runs of -_. become _
        registry::PYPI => protocol::names::normalize_pypi_name(identifier).replace('-', "_"),
        registry::MCPB => identifier
            .rsplit('/')
            .next()
            .unwrap_or(identifier)
            .to_ascii_lowercase(),
        _ => identifier.to_ascii_lowercase(),
    }
}

pub(super) fn match_package(
    doc: &Map<String, Value>,
    path: &Path,
    file_name: &str,
) -> Result<usize> {
    let packages: Vec<(usize, &str, &str)> = doc
        .get("packages")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    Some((
                        i,
                        str_field(p, "registryType")?,
                        str_field(p, "identifier")?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let kind = artifact_registry(file_name);
    let candidates: Vec<&(usize, &str, &str)> = packages
        .iter()
        .filter(|(_, rt, _)| kind.is_none_or(|k| k == *rt))
        .collect();
    match candidates.as_slice() {
        [] => match kind {
            Some(kind) => bail!(
                "{} looks like a {kind} artifact, but the manifest lists no {kind} package",
                path.display()
            ),
            None => bail!(
                "{}: the manifest lists no package to record it for",
                path.display()
            ),
        },
        [(i, _, _)] => Ok(*i),
        many => {
            let lower = file_name.to_ascii_lowercase();
            let by_name: Vec<usize> = many
                .iter()
                .filter(|(_, rt, id)| {
                    let prefix = artifact_prefix(rt, id);
                    lower.starts_with(&prefix) || lower.replace('-', "_").starts_with(&prefix)
                })
                .map(|(i, _, _)| *i)
                .collect();
            match by_name.as_slice() {
                [i] => Ok(*i),
                _ => bail!(
                    "cannot tell which package {} belongs to (the manifest lists {}); name the \
                     file after its package, as npm pack and Python builds do",
                    path.display(),
                    many.iter()
                        .map(|(_, rt, id)| format!("{rt} {id}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    }
}

/// Records each artifact under its package, replacing what an earlier run recorded for that
/// package. An MCP bundle's SHA-256 also goes into its package's `fileSha256`, which clients
/// check on download (as does any package that already had one).
pub(super) fn record_artifacts(
    doc: &mut Map<String, Value>,
    release: &mut Map<String, Value>,
    artifacts: &[HashedArtifact],
) {
    if artifacts.is_empty() {
        return;
    }
    let mut entries: Vec<Value> = match release.remove("artifacts") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let Some(packages) = doc.get_mut("packages").and_then(Value::as_array_mut) else {
        return;
    };
    // (registryType, identifier) of each package an artifact is recorded for in this run.
    let touched: Vec<(String, String)> = artifacts
        .iter()
        .filter_map(|a| packages.get(a.package))
        .map(|p| {
            let field = |k| str_field(p, k).unwrap_or_default().to_owned();
            (field("registryType"), field("identifier"))
        })
        .collect();
    entries.retain(|e| {
        let key = (
            str_field(e, "registryType").unwrap_or_default().to_owned(),
            str_field(e, "identifier").unwrap_or_default().to_owned(),
        );
        !touched.contains(&key)
    });
    for (a, (registry_type, identifier)) in artifacts.iter().zip(&touched) {
        let Some(package) = packages.get_mut(a.package).and_then(Value::as_object_mut) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("registryType".to_owned(), json!(registry_type));
        entry.insert("identifier".to_owned(), json!(identifier));
        if let Some(version) = package.get("version").filter(|v| v.is_string()) {
            entry.insert("version".to_owned(), version.clone());
        }
        entry.insert("fileName".to_owned(), json!(a.file_name));
        entry.insert("sha256".to_owned(), json!(a.digests.sha256));
        if registry_type == registry::NPM {
            entry.insert("integrity".to_owned(), json!(a.digests.integrity));
        }
        entries.push(Value::Object(entry));
        if registry_type == registry::MCPB || package.contains_key("fileSha256") {
            package.insert("fileSha256".to_owned(), json!(a.digests.sha256));
        }
    }
    release.insert("artifacts".to_owned(), Value::Array(entries));
}
