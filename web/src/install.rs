//! Install snippets pinned to the exact version and, where the maintainer signed one, the
//! artifact digest: what a careful person would type.

use protocol::manifest::release::{Artifact, ReleaseExtension};
use serde_json::Value;

/// One way to install a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The package registry type (`npm`, `pypi`, `oci`, `nuget`, `mcpb`) or `remote`.
    pub kind: String,
    /// The package identifier (or remote URL).
    pub identifier: String,
    /// What to run.
    pub command: String,
    /// Whether the command pins a content digest, not only a version.
    pub digest_pinned: bool,
    /// How to check the artifact, or why it cannot be pinned further.
    pub note: Option<String>,
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The signed artifacts of the release extension, when it parses.
fn artifacts(server: &Value) -> Vec<Artifact> {
    ReleaseExtension::of(server)
        .map(|ext| ext.artifacts)
        .unwrap_or_default()
}

/// Snippets for every package and remote of a server.json, pinned to `version` when a
/// package names none.
pub fn snippets(server: &Value) -> Vec<Snippet> {
    let release_version = str_of(server, "version").unwrap_or("");
    let signed = artifacts(server);
    let mut out = Vec::new();
    for p in protocol::manifest::packages(server) {
        let (Some(kind), Some(id)) = (str_of(p, "registryType"), str_of(p, "identifier")) else {
            continue;
        };
        let version = str_of(p, "version").unwrap_or(release_version);
        let artifact = signed.iter().find(|a| {
            a.registry_type == kind
                && a.identifier == id
                && a.version.as_ref().is_none_or(|v| v.to_string() == version)
        });
        let file_sha256 = str_of(p, "fileSha256").map(str::to_string).or_else(|| {
            artifact
                .and_then(|a| a.sha256.as_ref())
                .map(|d| d.to_string())
        });
        out.push(package_snippet(kind, id, version, artifact, file_sha256));
    }
    for r in protocol::manifest::remotes(server) {
        if let Some(url) = str_of(r, "url") {
            let transport = str_of(r, "type").unwrap_or("streamable-http");
            out.push(Snippet {
                kind: "remote".into(),
                identifier: url.into(),
                command: format!("{{ \"type\": \"{transport}\", \"url\": \"{url}\" }}"),
                digest_pinned: false,
                note: Some("A remote server runs elsewhere: nothing to pin locally.".into()),
            });
        }
    }
    out
}

fn package_snippet(
    kind: &str,
    id: &str,
    version: &str,
    artifact: Option<&Artifact>,
    file_sha256: Option<String>,
) -> Snippet {
    let mut s = Snippet {
        kind: kind.into(),
        identifier: id.into(),
        command: String::new(),
        digest_pinned: false,
        note: None,
    };
    match kind {
        "npm" => {
            s.command = format!("npx -y {id}@{version}");
            match artifact.and_then(|a| a.integrity.as_ref()) {
                Some(integrity) => {
                    s.digest_pinned = true;
                    s.note = Some(format!(
                        "Signed npm integrity: {integrity} (compare: npm view {id}@{version} dist.integrity)"
                    ));
                }
                None => s.note = Some("No signed integrity: pinned by version only.".into()),
            }
        }
        "pypi" => match file_sha256 {
            Some(hex) => {
                s.digest_pinned = true;
                s.command = format!(
                    "echo '{id}=={version} --hash=sha256:{hex}' > requirements.txt\npip install --require-hashes -r requirements.txt"
                );
                s.note = Some(format!("Or without the hash check: uvx {id}=={version}"));
            }
            None => {
                s.command = format!("uvx {id}=={version}");
                s.note = Some("No signed sha256: pinned by version only.".into());
            }
        },
        "oci" => match artifact.and_then(|a| a.oci_digest.as_ref()) {
            Some(digest) => {
                let image = id.split_once(':').map_or(id, |(image, _tag)| image);
                s.digest_pinned = true;
                s.command = format!("docker run -i --rm {image}@{digest}");
            }
            None => {
                s.command = if id.contains(':') {
                    format!("docker run -i --rm {id}")
                } else {
                    format!("docker run -i --rm {id}:{version}")
                };
                s.note = Some("No signed image digest: a tag can be moved.".into());
            }
        },
        "mcpb" => {
            let file = id.rsplit('/').next().unwrap_or(id);
            match file_sha256 {
                Some(hex) => {
                    s.digest_pinned = true;
                    s.command = format!("curl -fLO {id}\necho '{hex}  {file}' | sha256sum -c -");
                }
                None => {
                    s.command = format!("curl -fLO {id}");
                    s.note = Some("No sha256 for this bundle: check it another way.".into());
                }
            }
        }
        "nuget" => {
            s.command = format!("dnx {id}@{version} --yes");
            s.note = Some("Pinned by version only (NuGet packages are signed by NuGet).".into());
        }
        other => {
            s.command = format!("{other}: {id} {version}");
            s.note = Some("An unknown package type: install it with its own tools.".into());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pins_versions_and_digests() {
        let hex = "a".repeat(64);
        let server = serde_json::json!({
            "name": "io.github.a/b",
            "version": "1.2.3",
            "packages": [
                {"registryType": "npm", "identifier": "@a/b", "version": "1.2.3"},
                {"registryType": "pypi", "identifier": "b", "version": "1.2.3", "fileSha256": hex},
                {"registryType": "oci", "identifier": "ghcr.io/a/b:1.2.3"},
                {"registryType": "mcpb", "identifier": "https://x.test/b.mcpb", "fileSha256": hex}
            ],
            "remotes": [{"type": "sse", "url": "https://x.test/sse"}],
            "_meta": {"dev.mcp-trust/release": {"formatVersion": 1, "artifacts": [
                {"registryType": "npm", "identifier": "@a/b", "version": "1.2.3",
                 "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="},
                {"registryType": "oci", "identifier": "ghcr.io/a/b:1.2.3",
                 "ociDigest": format!("sha256:{hex}")}
            ]}}
        });
        let s = snippets(&server);
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].command, "npx -y @a/b@1.2.3");
        assert!(s[0].digest_pinned, "{:?}", s[0]);
        assert!(
            s[1].command
                .contains(&format!("b==1.2.3 --hash=sha256:{hex}"))
        );
        assert_eq!(
            s[2].command,
            format!("docker run -i --rm ghcr.io/a/b@sha256:{hex}")
        );
        assert!(s[3].command.contains(&format!("{hex}  b.mcpb")));
        assert_eq!(s[4].kind, "remote");
    }

    #[test]
    fn unsigned_packages_say_so() {
        let server = serde_json::json!({
            "version": "0.1.0",
            "packages": [{"registryType": "pypi", "identifier": "x"}]
        });
        let s = snippets(&server);
        assert_eq!(s[0].command, "uvx x==0.1.0");
        assert!(!s[0].digest_pinned);
    }
}
