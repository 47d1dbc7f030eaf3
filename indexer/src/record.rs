//! What the crawler yields per repository, and the checks that turn repository files (which
//! anyone can write) into facts or into a recorded reason for skipping them.

use std::str::FromStr;

use protocol::formats::{SERVER_SCHEMA_URL_PREFIX, WELL_KNOWN_KEY_PATH};
use protocol::{PublicKey, ServerName};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The repository files the crawler reads, at the repository root.
pub const SERVER_JSON: &str = "server.json";
pub const PACKAGE_JSON: &str = "package.json";
pub const PYPROJECT_TOML: &str = "pyproject.toml";
/// The largest key file read (a minisign public key file is about 100 bytes).
pub const KEY_FILE_MAX_BYTES: usize = 4096;

/// One repository as found on GitHub: its metadata and what its files say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepoRecord {
    /// GitHub's numeric repository id: survives renames, changes when a repository is deleted
    /// and re-created under the same name.
    pub github_id: i64,
    /// `Owner/Repo`, as GitHub spells it.
    pub full_name: String,
    pub html_url: String,
    pub owner_login: String,
    /// `User` or `Organization`.
    pub owner_type: Option<String>,
    pub description: Option<String>,
    pub stars: i64,
    pub forks: i64,
    /// SPDX id of the license GitHub detected (`MIT`, `NOASSERTION`, ...).
    pub license: Option<String>,
    pub archived: bool,
    pub fork: bool,
    /// RFC 3339.
    pub created_at: Option<String>,
    /// RFC 3339; the crawler re-reads files only when this moved.
    pub pushed_at: Option<String>,
    pub default_branch: Option<String>,
    pub topics: Vec<String>,
    /// Whether the files below were read this time. `false`: only the metadata changed (stars,
    /// topics, ...) and the files are as last recorded.
    pub files_read: bool,
    pub server_json: Option<ServerJsonFacts>,
    pub package_json: Option<PackageJsonFacts>,
    pub pyproject: Option<PyprojectFacts>,
    /// The text of `.well-known/mcp-sign.pub`, when it holds a valid minisign public key.
    pub key_file: Option<String>,
    /// Files that were skipped, and why.
    pub problems: Vec<FileProblem>,
}

impl RepoRecord {
    /// `https://github.com/owner/repo` as manifests spell repository URLs.
    pub fn repository_url(&self) -> String {
        format!("https://github.com/{}", self.full_name)
    }
}

/// A repository file that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileProblem {
    pub path: String,
    pub reason: String,
}

/// A `server.json` in the official MCP registry's schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerJsonFacts {
    pub name: String,
    pub version: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `packages[]`, each an object, as written.
    pub packages: Vec<Value>,
    /// `remotes[]`, each an object, as written.
    pub remotes: Vec<Value>,
}

/// The fields of a `package.json` that name an MCP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageJsonFacts {
    /// The npm package name.
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    /// The MCP server name the package claims (`mcpName`), checked to be a valid name.
    pub mcp_name: Option<String>,
}

/// The `[project]` table of a `pyproject.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PyprojectFacts {
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
}

fn problem(path: &str, reason: impl Into<String>) -> FileProblem {
    FileProblem {
        path: path.to_string(),
        reason: reason.into(),
    }
}

/// An optional string field: absent or null is `None`, another type refuses the file.
fn opt_str(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`{key}` must be a string, not {}",
            type_name(other)
        )),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object_array(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Vec<Value>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            if let Some(bad) = items.iter().find(|v| !v.is_object()) {
                return Err(format!("`{key}` must hold objects, not {}", type_name(bad)));
            }
            Ok(items.clone())
        }
        Some(other) => Err(format!(
            "`{key}` must be an array, not {}",
            type_name(other)
        )),
    }
}

fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(format!("must be a JSON object, not {}", type_name(&other))),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

fn server_name(s: &str) -> Result<String, String> {
    ServerName::from_str(s)
        .map(|n| n.as_str().to_string())
        .map_err(|e| e.to_string())
}

/// Reads a `server.json`. Files without the MCP schema are not MCP server manifests.
pub fn parse_server_json(bytes: &[u8]) -> Result<ServerJsonFacts, FileProblem> {
    let p = |r: String| problem(SERVER_JSON, r);
    let obj = json_object(bytes).map_err(p)?;
    let schema = opt_str(&obj, "$schema").map_err(p)?;
    if !schema
        .as_deref()
        .is_some_and(|s| s.starts_with(SERVER_SCHEMA_URL_PREFIX))
    {
        return Err(p(format!(
            "not an MCP server.json: `$schema` is not a schema under {SERVER_SCHEMA_URL_PREFIX}"
        )));
    }
    let name = match opt_str(&obj, "name").map_err(p)? {
        Some(n) => server_name(&n).map_err(|e| p(format!("`name`: {e}")))?,
        None => return Err(p("`name` is missing".to_string())),
    };
    Ok(ServerJsonFacts {
        name,
        version: opt_str(&obj, "version").map_err(p)?,
        title: opt_str(&obj, "title").map_err(p)?,
        description: opt_str(&obj, "description").map_err(p)?,
        packages: object_array(&obj, "packages").map_err(p)?,
        remotes: object_array(&obj, "remotes").map_err(p)?,
    })
}

/// Reads the fields of a `package.json` that matter here.
pub fn parse_package_json(bytes: &[u8]) -> Result<PackageJsonFacts, FileProblem> {
    let p = |r: String| problem(PACKAGE_JSON, r);
    let obj = json_object(bytes).map_err(p)?;
    let mcp_name = opt_str(&obj, "mcpName")
        .map_err(p)?
        .map(|n| server_name(&n).map_err(|e| p(format!("`mcpName`: {e}"))))
        .transpose()?;
    Ok(PackageJsonFacts {
        name: opt_str(&obj, "name").map_err(p)?,
        version: opt_str(&obj, "version").map_err(p)?,
        description: opt_str(&obj, "description").map_err(p)?,
        mcp_name,
    })
}

/// Reads the `[project]` table of a `pyproject.toml`.
pub fn parse_pyproject(bytes: &[u8]) -> Result<PyprojectFacts, FileProblem> {
    let p = |r: String| problem(PYPROJECT_TOML, r);
    let text = std::str::from_utf8(bytes).map_err(|_| p("not UTF-8".to_string()))?;
    let doc: toml::Table = toml::from_str(text).map_err(|e| p(format!("not valid TOML: {e}")))?;
    let Some(project) = doc.get("project") else {
        return Ok(PyprojectFacts {
            name: None,
            version: None,
            description: None,
        });
    };
    let Some(project) = project.as_table() else {
        return Err(p("`project` must be a table".to_string()));
    };
    let field = |key: &str| -> Result<Option<String>, FileProblem> {
        match project.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(p(format!(
                "`project.{key}` must be a string, not {}",
                other.type_str()
            ))),
        }
    };
    Ok(PyprojectFacts {
        name: field("name")?,
        version: field("version")?,
        description: field("description")?,
    })
}

/// Reads `.well-known/mcp-sign.pub`: kept only when it is a minisign public key.
pub fn parse_key_file(bytes: &[u8]) -> Result<String, FileProblem> {
    let p = |r: String| problem(WELL_KNOWN_KEY_PATH, r);
    let text = std::str::from_utf8(bytes).map_err(|_| p("not UTF-8".to_string()))?;
    PublicKey::from_str(text).map_err(|e| p(format!("not a minisign public key: {e}")))?;
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_json_needs_the_schema_and_a_valid_name() {
        let ok = format!(
            r#"{{"$schema":"{}","name":"io.github.a/b","version":"1.0.0","packages":[{{"registryType":"npm"}}]}}"#,
            protocol::formats::SERVER_SCHEMA_URL
        );
        let f = parse_server_json(ok.as_bytes()).unwrap();
        assert_eq!(f.name, "io.github.a/b");
        assert_eq!(f.packages.len(), 1);
        assert!(parse_server_json(br#"{"name":"io.github.a/b"}"#).is_err());
        assert!(parse_server_json(b"[1]").is_err());
        assert!(parse_server_json(b"{").is_err());
        let wrong = ok.replace(r#""version":"1.0.0""#, r#""version":7"#);
        let e = parse_server_json(wrong.as_bytes()).unwrap_err();
        assert!(e.reason.contains("`version` must be a string"), "{e:?}");
        let bad_pkg = ok.replace(r#"[{"registryType":"npm"}]"#, "[1]");
        assert!(parse_server_json(bad_pkg.as_bytes()).is_err());
    }

    #[test]
    fn package_json_and_pyproject() {
        let f = parse_package_json(br#"{"name":"@a/b","mcpName":"io.github.a/b"}"#).unwrap();
        assert_eq!(f.mcp_name.as_deref(), Some("io.github.a/b"));
        assert!(parse_package_json(br#"{"mcpName":"no slash"}"#).is_err());
        assert!(parse_package_json(br#"{"name":["x"]}"#).is_err());
        let p = parse_pyproject(b"[project]\nname = \"x\"\nversion = \"1.0\"\n").unwrap();
        assert_eq!(p.name.as_deref(), Some("x"));
        assert!(parse_pyproject(b"[project]\nname = 3\n").is_err());
        assert!(parse_pyproject(b"[[[").is_err());
    }

    #[test]
    fn key_files_must_be_keys() {
        assert!(parse_key_file(b"hello").is_err());
    }
}
