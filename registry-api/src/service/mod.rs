//! The rules: validation, signature and proof checks, trust. Handlers call these; these call
//! `db`. Nothing here knows about HTTP beyond the error it returns.

pub mod crawl;
pub mod import;
pub mod keys;
pub mod latest;
pub mod log;
pub mod log_reads;
pub mod operator;
pub mod paging;
pub mod proofs;
pub mod publish;
pub mod reads;
pub mod scan;
pub mod search;
pub mod search_request;
pub mod statements;
pub mod store_release;
pub mod views;

use protocol::PackageRef;
use serde_json::Value;

use crate::error::{Error, Result};

/// What the registry indexes from a manifest besides its name and version.
#[derive(Debug, Clone, Default)]
pub struct ManifestFacts {
    pub description: Option<String>,
    pub repository_url: Option<String>,
    /// (registry type, normalised identifier, version) of each package.
    pub packages: Vec<(String, String, String)>,
}

/// Reads the indexed facts from manifest bytes (already known to be a JSON object).
pub fn manifest_facts(bytes: &[u8]) -> Result<ManifestFacts> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::BadRequest(format!("the manifest is not valid JSON: {e}")))?;
    Ok(facts_of(&value))
}

/// The indexed facts of a parsed manifest.
pub fn facts_of(value: &Value) -> ManifestFacts {
    let description = value
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_string);
    let repository_url = value
        .get("repository")
        .and_then(|r| r.get("url"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut packages = Vec::new();
    for p in protocol::manifest::packages(value) {
        let (Some(registry_type), Some(identifier)) = (
            p.get("registryType").and_then(Value::as_str),
            p.get("identifier").and_then(Value::as_str),
        ) else {
            continue;
        };
        let version = p.get("version").and_then(Value::as_str).unwrap_or("");
        // Store the name the way lookups compare it (PEP 503 for PyPI, ...); names the
        // parser does not understand are kept as written. An OCI identifier may carry its tag.
        let (normalized, version) = match PackageRef::from_parts(registry_type, identifier, None) {
            Ok(r) => (
                r.normalized_name(),
                protocol::oci_tag::entry_version(registry_type, identifier, Some(version))
                    .unwrap_or(version)
                    .to_string(),
            ),
            Err(_) => (identifier.to_string(), version.to_string()),
        };
        packages.push((registry_type.to_string(), normalized, version));
    }
    ManifestFacts {
        description,
        repository_url,
        packages,
    }
}

/// `https://github.com/Owner/Repo(.git)(/)` → `owner/repo`; `None` for other URLs. The rule
/// lives in protocol, with the grant coverage that depends on it.
pub use protocol::grant::github_repository;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_facts_reads_packages() {
        let f = manifest_facts(
            br#"{"name":"io.github.a/b","version":"1","description":"d",
                 "repository":{"url":"https://github.com/a/b","source":"github"},
                 "packages":[{"registryType":"pypi","identifier":"My_Pkg","version":"1.0"}]}"#,
        )
        .unwrap();
        assert_eq!(f.description.as_deref(), Some("d"));
        assert_eq!(f.repository_url.as_deref(), Some("https://github.com/a/b"));
        assert_eq!(
            f.packages,
            [("pypi".to_string(), "my-pkg".to_string(), "1.0".to_string())]
        );
    }
}
