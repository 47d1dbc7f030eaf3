//! Before `mcp-sign run` starts a server: the exact version its command resolves to, and the
//! bytes it will run, checked against the signed manifest's digests and kept in mcp-sign's
//! cache, with the command rewritten to run that verified copy:
//!
//! | launcher | verified copy |
//! |---|---|
//! | `npx` | the npm tarball (signed sha512/sha256 and npm's `dist.integrity`), run with `npx --package=FILE` |
//! | `uvx` | the PyPI file with the signed sha256, run with `uvx --from FILE` |
//! | `docker`/`podman run` | the image pinned to the signed digest, `image@sha256:...` |

mod fetch;
mod npm;
mod oci;
mod pypi;

use std::path::Path;

use anyhow::Result;
use protocol::manifest::ReleaseExtension;
use protocol::manifest::release::Artifact;

pub(crate) use self::fetch::Fetcher;
use crate::launch::{Launch, Pin, Source};

/// Where packages come from.
#[derive(Debug, Clone)]
pub(crate) struct PackageSources {
    pub(crate) npm: String,
    pub(crate) pypi: String,
}

/// The package a command runs, at an exact version where it has one.
#[derive(Debug, Clone)]
pub(crate) struct ExactPackage {
    /// For the registry's `/v1/verify?package=` (`npm:@s/p@1.2.3`).
    pub(crate) reference: String,
    pub(crate) version: Option<String>,
    /// Set when the command's version was not exact and was resolved.
    pub(crate) resolved: Option<String>,
}

/// What the command runs (`None` for a local program or a URL), with an unpinned npm
/// version resolved to the exact one npm serves now.
pub(crate) fn exact_package(
    launch: &Launch,
    fetch: &Fetcher,
    sources: &PackageSources,
) -> Result<Option<ExactPackage>> {
    match &launch.source {
        Source::Npm { name, spec } if !matches!(launch.source.pin(), Pin::Exact(_)) => {
            let (version, note) = npm::resolve_version(fetch, &sources.npm, name, spec.as_deref())?;
            Ok(Some(ExactPackage {
                reference: format!("npm:{name}@{version}"),
                version: Some(version),
                resolved: note,
            }))
        }
        source => Ok(source.package_ref().map(|reference| ExactPackage {
            reference,
            version: match source.pin() {
                Pin::Exact(v) => Some(v),
                _ => None,
            },
            resolved: None,
        })),
    }
}

/// What to run instead, and what was checked.
#[derive(Debug)]
pub(crate) struct Verified {
    pub(crate) args: Vec<String>,
    pub(crate) note: String,
}

fn signed_artifact<'a>(
    release: &'a ReleaseExtension,
    registry_type: &str,
    name: &str,
) -> Option<&'a Artifact> {
    release
        .artifacts
        .iter()
        .find(|a| a.registry_type == registry_type && a.identifier == name)
}

/// Check the artifact `launch` runs against `release` and rewrite `args` (the launcher's
/// arguments) to run the verified copy. `Ok(None)`: the manifest records no digest for it, or
/// the launcher is one this cannot point at a file (then it runs as written).
pub(crate) fn verified_command(
    launch: &Launch,
    version: Option<&str>,
    args: &[String],
    release: &ReleaseExtension,
    fetch: &Fetcher,
    sources: &PackageSources,
    cache: &Path,
) -> Result<Option<Verified>> {
    match &launch.source {
        Source::Npm { name, .. } => {
            let (Some(artifact), Some(version)) = (signed_artifact(release, "npm", name), version)
            else {
                return Ok(None);
            };
            let tarball =
                npm::verified_tarball(fetch, &sources.npm, name, version, artifact, cache)?;
            if launch.launcher != "npx" {
                return Ok(None);
            }
            Ok(npm::rewrite_npx(args, &tarball.path, &tarball.bin).map(|args| Verified {
                args,
                note: format!(
                    "npm:{name}@{version} matches the signed manifest ({}); running the verified \
                     copy {}",
                    tarball.integrity,
                    tarball.path.display()
                ),
            }))
        }
        Source::Pypi { name, .. } => {
            let (Some(artifact), Some(version)) = (signed_artifact(release, "pypi", name), version)
            else {
                return Ok(None);
            };
            let Some(file) =
                pypi::verified_file(fetch, &sources.pypi, name, version, artifact, cache)?
            else {
                return Ok(None);
            };
            if launch.launcher != "uvx" {
                return Ok(None);
            }
            Ok(pypi::rewrite_uvx(args, &file, name).map(|args| Verified {
                args,
                note: format!(
                    "pypi:{name}=={version} matches the signed sha256; running the verified copy {}",
                    file.display()
                ),
            }))
        }
        Source::Oci { image, tag, digest } => {
            let Some(artifact) = signed_artifact(release, "oci", image) else {
                return Ok(None);
            };
            Ok(
                oci::pin_image(args, image, tag.as_deref(), digest.as_deref(), artifact)?.map(
                    |args| Verified {
                        note: format!(
                            "running {image} pinned to the signed digest {}",
                            artifact
                                .oci_digest
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default()
                        ),
                        args,
                    },
                ),
            )
        }
        _ => Ok(None),
    }
}

/// The launcher's arguments with an unpinned npm spec replaced by the exact version that was
/// checked (`pkg` or `pkg@latest` becomes `pkg@1.2.3`), so the version checked is the one run.
pub(crate) fn pin_version(
    launch: &Launch,
    args: &[String],
    version: Option<&str>,
) -> Option<Vec<String>> {
    let (Source::Npm { name, spec }, Some(version)) = (&launch.source, version) else {
        return None;
    };
    let written = match spec {
        Some(s) => format!("{name}@{s}"),
        None => name.clone(),
    };
    let exact = format!("{name}@{version}");
    let mut out = args.to_vec();
    let at = out
        .iter()
        .position(|a| a == &written || a.strip_prefix("--package=") == Some(written.as_str()))?;
    out[at] = if out[at].starts_with("--package=") {
        format!("--package={exact}")
    } else {
        exact
    };
    Some(out)
}
