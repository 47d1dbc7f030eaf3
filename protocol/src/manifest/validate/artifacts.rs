//! The release extension's `artifacts[]`: each a package of the manifest, pinned by hash or
//! digest.

use std::collections::HashMap;

use serde_json::Value;

use super::Checker;
use super::json_reads::child;
use crate::formats::registry;
use crate::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use crate::names::excerpt;

const KNOWN_ARTIFACT_KEYS: &[&str] = &[
    "registryType",
    "identifier",
    "version",
    "fileName",
    "sha256",
    "integrity",
    "ociDigest",
];

impl<'a> Checker<'a> {
    pub(super) fn artifact(
        &mut self,
        path: &str,
        index: usize,
        value: &'a Value,
        seen: &mut HashMap<(String, String, String, String), usize>,
        covered: &mut [bool],
    ) {
        let Some(obj) = self.as_object(value, path) else {
            return;
        };
        let registry_type = self.string(obj, path, "registryType", true);
        let identifier = self.string(obj, path, "identifier", true);
        let version = self.string(obj, path, "version", false);
        if let Some(v) = version {
            self.version(&child(path, "version"), v);
        }
        if let Some(file) = self.string(obj, path, "fileName", false)
            && (file.is_empty() || file.contains(['/', '\\']) || file.chars().any(char::is_control))
        {
            self.error(
                &child(path, "fileName"),
                "invalid-file-name",
                "a file name has no directory part",
            );
        }
        let sha256 = self.string(obj, path, "sha256", false);
        if let Some(s) = sha256
            && s.parse::<Sha256Digest>().is_err()
        {
            self.error(
                &child(path, "sha256"),
                "invalid-sha256",
                format!(
                    "{:?} is not a SHA-256 digest: 64 lowercase hex digits",
                    excerpt(s)
                ),
            );
        }
        let integrity = self.string(obj, path, "integrity", false);
        if let Some(s) = integrity {
            if s.parse::<Sha512Integrity>().is_err() {
                self.error(
                    &child(path, "integrity"),
                    "invalid-integrity",
                    format!(
                        "{:?} is not an npm integrity string (sha512- and base64)",
                        excerpt(s)
                    ),
                );
            } else if registry_type.is_some_and(|rt| rt != registry::NPM) {
                self.warning(
                    &child(path, "integrity"),
                    "integrity-not-npm",
                    "integrity is npm's digest; other registries do not publish it",
                );
            }
        }
        let oci = self.string(obj, path, "ociDigest", false);
        if let Some(s) = oci {
            if s.parse::<ContentDigest>().is_err() {
                self.error(
                    &child(path, "ociDigest"),
                    "invalid-oci-digest",
                    format!(
                        "{:?} is not an image digest (sha256: and 64 lowercase hex digits)",
                        excerpt(s)
                    ),
                );
            } else if registry_type.is_some_and(|rt| rt != registry::OCI) {
                self.warning(
                    &child(path, "ociDigest"),
                    "oci-digest-not-oci",
                    "ociDigest only applies to oci packages",
                );
            }
        }
        if !["sha256", "integrity", "ociDigest"]
            .iter()
            .any(|k| obj.contains_key(*k))
        {
            self.error(
                path,
                "artifact-no-digest",
                "an artifact needs at least one digest: sha256, integrity or ociDigest",
            );
        }
        self.unknown_keys(obj, path, KNOWN_ARTIFACT_KEYS, "an artifact");

        let (Some(rt), Some(id)) = (registry_type, identifier) else {
            return;
        };
        let key = (
            rt.to_owned(),
            id.to_owned(),
            version.unwrap_or_default().to_owned(),
            obj.get("fileName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        );
        if let Some(first) = seen.insert(key.clone(), index) {
            seen.insert(key, first);
            self.warning(
                path,
                "duplicate-artifact",
                format!("the same artifact is already listed at artifacts[{first}]"),
            );
        }

        let matching: Vec<usize> = self
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.registry_type == Some(rt)
                    && p.identifier == Some(id)
                    && (version.is_none() || p.version.is_none() || p.version == version)
            })
            .map(|(i, _)| i)
            .collect();
        if matching.is_empty() && !self.packages_incomplete {
            let version_text = version
                .map(|v| format!(" and version {v:?}"))
                .unwrap_or_default();
            self.error(
                path,
                "artifact-unknown-package",
                format!(
                    "no package in packages[] has registryType {rt:?}, identifier {:?}{version_text}; \
                     record digests only for the packages the manifest lists",
                    excerpt(id)
                ),
            );
            return;
        }
        for &i in &matching {
            if let Some(flag) = covered.get_mut(i) {
                *flag = true;
            }
            let file_sha = self.packages.get(i).and_then(|p| p.file_sha256);
            if let (Some(ours), Some(theirs)) = (sha256, file_sha)
                && ours != theirs
            {
                let pkg_path = self
                    .packages
                    .get(i)
                    .map(|p| child(&p.path, "fileSha256"))
                    .unwrap_or_default();
                self.error(
                    &child(path, "sha256"),
                    "artifact-digest-mismatch",
                    format!("the sha256 differs from {pkg_path}; they describe the same file"),
                );
            }
        }
    }
}
