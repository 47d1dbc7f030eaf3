//! Which artifact of a signed manifest a downloaded file is: the file's npm sha512 integrity
//! or its sha256 must be one the maintainer signed.

use crate::PackageRef;
use crate::manifest::release::Artifact;
use crate::manifest::{ReleaseExtension, Sha256Digest, Sha512Integrity};

/// Whether a file is one of the signed artifacts, and a sentence saying what was compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactMatch {
    pub matched: bool,
    pub detail: String,
}

/// Compares a file (`bytes`, shown as `file`) with the artifacts of the signed manifest (with
/// a package target, only that package's artifacts).
pub fn artifact_matches(
    release: Option<&ReleaseExtension>,
    bytes: &[u8],
    file: &str,
    package: Option<&PackageRef>,
) -> ArtifactMatch {
    let sha = Sha256Digest::of(bytes);
    let integrity = Sha512Integrity::of(bytes);
    let artifacts: Vec<&Artifact> = release
        .into_iter()
        .flat_map(|r| &r.artifacts)
        .filter(|a| package.is_none_or(|p| p.names_package(&a.registry_type, &a.identifier)))
        .collect();
    let label = |a: &Artifact| format!("{}:{}", a.registry_type, a.identifier);
    let hit = |detail: String| ArtifactMatch {
        matched: true,
        detail,
    };
    for a in &artifacts {
        if a.integrity == Some(integrity) {
            return hit(format!(
                "{file}: npm integrity {integrity} is listed in the signed manifest (artifact {})",
                label(a)
            ));
        }
        if a.sha256 == Some(sha) {
            return hit(format!(
                "{file}: sha256 {sha} is listed in the signed manifest (artifact {})",
                label(a)
            ));
        }
    }
    let recorded: Vec<String> = artifacts
        .iter()
        .map(|a| {
            let digests: Vec<String> = [
                a.sha256.as_ref().map(ToString::to_string),
                a.integrity.as_ref().map(ToString::to_string),
                a.oci_digest.as_ref().map(ToString::to_string),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!("{} {}", label(a), digests.join(" "))
        })
        .collect();
    ArtifactMatch {
        matched: false,
        detail: format!(
            "artifact digest mismatch: {file} has sha256 {sha} and npm integrity {integrity}, \
             which no artifact of the signed manifest lists (it records: {})",
            if recorded.is_empty() {
                "nothing".to_string()
            } else {
                recorded.join("; ")
            }
        ),
    }
}
