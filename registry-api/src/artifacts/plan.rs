//! What would be checked for a release: for each package of its server.json, where its
//! registry is asked (the URLs) and which digests the signed manifest gives to compare.

use std::collections::BTreeMap;

use protocol::PackageRef;
use protocol::formats::artifacts::DOCKER_HUB_REGISTRY_URL;
use protocol::formats::registry::{DOCKER_HUB_HOST, MCPB, NPM, NUGET, OCI, PYPI};
use protocol::manifest::ReleaseExtension;
use protocol::manifest::digest::{ContentDigest, Sha256Digest, Sha512Integrity};
use serde_json::Value;

/// The package registries' base URLs (settings, so tests and private mirrors work).
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub npm: String,
    pub pypi: String,
    /// Every OCI registry through this URL (a mirror), unless `oci_map` names the host.
    pub oci: Option<String>,
    /// OCI registry host (as in image references, e.g. `docker.io`, `ghcr.io`) → base URL.
    pub oci_map: BTreeMap<String, String>,
}

impl Endpoints {
    /// The registry API base URL of an OCI registry host.
    pub fn oci_base(&self, host: &str) -> String {
        if let Some(u) = self.oci_map.get(host) {
            return trim(u);
        }
        if let Some(u) = &self.oci {
            return trim(u);
        }
        if host == DOCKER_HUB_HOST {
            DOCKER_HUB_REGISTRY_URL.to_string()
        } else {
            format!("https://{host}")
        }
    }
}

pub(crate) fn trim(u: &str) -> String {
    u.trim_end_matches('/').to_string()
}

/// The digests the signed manifest gives for a package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The artifact file's SHA-256 (`artifacts[].sha256` or `packages[].fileSha256`).
    pub sha256: Option<Sha256Digest>,
    /// npm's `sha512-...` integrity.
    pub integrity: Option<Sha512Integrity>,
    /// The OCI image manifest digest (`artifacts[].ociDigest`, or the identifier's `@sha256:`).
    pub oci_digest: Option<ContentDigest>,
    /// The artifact's file name, when the manifest gives one (PyPI has several files).
    pub file_name: Option<String>,
}

impl Expected {
    pub fn is_empty(&self) -> bool {
        self.sha256.is_none() && self.integrity.is_none() && self.oci_digest.is_none()
    }
}

/// An OCI tag or digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OciReference {
    Tag(String),
    Digest(ContentDigest),
}

impl OciReference {
    pub fn as_str(&self) -> String {
        match self {
            OciReference::Tag(t) => t.clone(),
            OciReference::Digest(d) => d.to_string(),
        }
    }
}

/// Where a package lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Npm {
        name: String,
        version: String,
    },
    Pypi {
        name: String,
        version: String,
    },
    Oci {
        /// e.g. `docker.io`, `ghcr.io`
        host: String,
        /// e.g. `library/nginx`, `owner/image`
        repository: String,
        reference: OciReference,
    },
    Mcpb {
        url: String,
    },
    /// Cannot be checked: the message says why.
    Unsupported {
        why: String,
    },
}

/// One package of a release and how it is checked.
#[derive(Debug, Clone)]
pub struct PackagePlan {
    /// The package reference (`npm:@scope/pkg@1.2.3`, ...), or `TYPE:IDENTIFIER` when it does
    /// not parse.
    pub package: String,
    pub target: Target,
    pub expected: Expected,
    /// The first URLs the check fetches (OCI: the manifest; the token service and blobs follow
    /// from the answers).
    pub urls: Vec<String>,
}

impl PackagePlan {
    /// The first URL the check fetches; empty when the plan has none (unsupported targets).
    pub fn first_url(&self) -> &str {
        self.urls.first().map(String::as_str).unwrap_or("")
    }
}

/// Percent-encodes a path segment (npm scopes: `@scope/pkg` → `@scope%2fpkg`).
fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace("%40", "@")
}

/// The plan of every package in a server.json (with or without the release extension).
pub fn plan(server: &Value, endpoints: &Endpoints) -> Vec<PackagePlan> {
    let ext = ReleaseExtension::of(server);
    let mut out = Vec::new();
    for p in protocol::manifest::packages(server) {
        let registry_type = p.get("registryType").and_then(Value::as_str).unwrap_or("");
        let identifier = p.get("identifier").and_then(Value::as_str).unwrap_or("");
        let version = p.get("version").and_then(Value::as_str);
        out.push(plan_package(
            registry_type,
            identifier,
            version,
            p.get("fileSha256").and_then(Value::as_str),
            ext.as_ref(),
            endpoints,
        ));
    }
    out
}

fn plan_package(
    registry_type: &str,
    identifier: &str,
    version: Option<&str>,
    file_sha256: Option<&str>,
    ext: Option<&ReleaseExtension>,
    endpoints: &Endpoints,
) -> PackagePlan {
    let parsed = PackageRef::from_parts(registry_type, identifier, version);
    let package = match &parsed {
        Ok(r) => r.to_string(),
        Err(_) => format!("{registry_type}:{identifier}"),
    };
    let mut expected = Expected {
        sha256: file_sha256.and_then(|s| s.parse().ok()),
        ..Expected::default()
    };
    if let (Some(ext), Ok(r)) = (ext, &parsed) {
        let found = ext.artifacts.iter().find(|a| {
            r.names_package(&a.registry_type, &a.identifier)
                && match (&a.version, version) {
                    (Some(av), Some(pv)) => av.as_str() == pv,
                    _ => true,
                }
        });
        if let Some(a) = found {
            expected.sha256 = a.sha256.or(expected.sha256);
            expected.integrity = a.integrity;
            expected.oci_digest = a.oci_digest;
            expected.file_name = a.file_name.clone();
        }
    }
    let unsupported = |why: String, expected: &Expected| PackagePlan {
        package: package.clone(),
        target: Target::Unsupported { why },
        expected: expected.clone(),
        urls: Vec::new(),
    };
    let r = match parsed {
        Ok(r) => r,
        Err(e) => return unsupported(format!("the package does not parse: {e}"), &expected),
    };
    let version = r.version().map(|v| v.as_str().to_string());
    match registry_type {
        NPM | PYPI => {
            let Some(version) = version else {
                return unsupported(format!("{package} names no version to check"), &expected);
            };
            let (target, url) = if registry_type == NPM {
                let url = format!(
                    "{}/{}/{}",
                    trim(&endpoints.npm),
                    encode_segment(r.name()),
                    encode_segment(&version)
                );
                let t = Target::Npm {
                    name: r.name().to_string(),
                    version,
                };
                (t, url)
            } else {
                let url = format!(
                    "{}/pypi/{}/{}/json",
                    trim(&endpoints.pypi),
                    encode_segment(r.name()),
                    encode_segment(&version)
                );
                let t = Target::Pypi {
                    name: r.name().to_string(),
                    version,
                };
                (t, url)
            };
            PackagePlan {
                package,
                target,
                expected,
                urls: vec![url],
            }
        }
        OCI => {
            let full = r.normalized_name();
            let Some((host, repository)) = full.split_once('/') else {
                return unsupported(format!("{package} has no repository"), &expected);
            };
            if let Some(d) = r.oci_digest() {
                // A digest reference pins the image itself.
                expected.oci_digest = expected.oci_digest.or(Some(*d));
            }
            let reference = match (r.oci_digest(), version) {
                (Some(d), _) => OciReference::Digest(*d),
                (None, Some(tag)) => OciReference::Tag(tag),
                (None, None) => {
                    return unsupported(
                        format!("{package} names no tag or digest to check"),
                        &expected,
                    );
                }
            };
            let url = format!(
                "{}/v2/{repository}/manifests/{}",
                endpoints.oci_base(host),
                reference.as_str()
            );
            PackagePlan {
                package,
                target: Target::Oci {
                    host: host.to_string(),
                    repository: repository.to_string(),
                    reference,
                },
                expected,
                urls: vec![url],
            }
        }
        MCPB => PackagePlan {
            package,
            target: Target::Mcpb {
                url: r.name().to_string(),
            },
            expected,
            urls: vec![r.name().to_string()],
        },
        NUGET => unsupported(
            format!("{package}: NuGet packages are not checked by this registry yet"),
            &expected,
        ),
        other => unsupported(
            format!("{package}: unknown registry type {other:?}"),
            &expected,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn endpoints() -> Endpoints {
        Endpoints {
            npm: "https://registry.npmjs.org/".into(),
            pypi: "https://pypi.org".into(),
            oci: None,
            oci_map: BTreeMap::from([("ghcr.io".to_string(), "http://mirror:5000".to_string())]),
        }
    }

    #[test]
    fn plans_name_the_urls_and_the_signed_digests() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let server = json!({
            "name": "io.github.o/s",
            "packages": [
                {"registryType": "npm", "identifier": "@o/s", "version": "1.0.0"},
                {"registryType": "pypi", "identifier": "Mcp_Server.S", "version": "2.0"},
                {"registryType": "oci", "identifier": "nginx", "version": "1.27"},
                {"registryType": "oci", "identifier": format!("ghcr.io/o/s@{digest}")},
                {"registryType": "mcpb", "identifier": "https://github.com/o/s/releases/download/v1/s.mcpb",
                 "fileSha256": "cd".repeat(32)},
                {"registryType": "nuget", "identifier": "O.S", "version": "1.0.0"},
                {"registryType": "npm", "identifier": "@o/s"}
            ],
            "_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "artifacts": [
                {"registryType": "npm", "identifier": "@o/s", "version": "1.0.0", "sha256": "ef".repeat(32)}
            ]}}
        });
        let plans = plan(&server, &endpoints());
        let urls: Vec<Option<&str>> = plans
            .iter()
            .map(|p| p.urls.first().map(String::as_str))
            .collect();
        assert_eq!(
            urls,
            [
                Some("https://registry.npmjs.org/@o%2Fs/1.0.0"),
                Some("https://pypi.org/pypi/Mcp_Server.S/2.0/json"),
                Some("https://registry-1.docker.io/v2/library/nginx/manifests/1.27"),
                Some(format!("http://mirror:5000/v2/o/s/manifests/{digest}").as_str()),
                Some("https://github.com/o/s/releases/download/v1/s.mcpb"),
                None,
                None,
            ]
        );
        assert_eq!(
            plans[0].expected.sha256.map(|d| d.to_string()),
            Some("ef".repeat(32))
        );
        assert_eq!(
            plans[3].expected.oci_digest.map(|d| d.to_string()),
            Some(digest)
        );
        assert_eq!(
            plans[4].expected.sha256.map(|d| d.to_string()),
            Some("cd".repeat(32))
        );
        assert!(matches!(&plans[5].target, Target::Unsupported { why } if why.contains("NuGet")));
        assert!(
            matches!(&plans[6].target, Target::Unsupported { why } if why.contains("no version"))
        );
        assert_eq!(plans[2].package, "oci:nginx:1.27");
    }
}
