//! Reading the project a manifest is built from: server.json as it is, or a new document from
//! package.json (its `mcpName`) or pyproject.toml (the README's `mcp-name:` line).

use std::path::Path;

use anyhow::{Context, Result, bail};
use protocol::formats::artifacts::NPM_OWNERSHIP_FIELD;
use protocol::formats::registry;
use protocol::manifest;
use serde_json::{Map, Value, json};

use super::input::{read_bounded, read_json, str_field};
use super::repository_url::repository;
use crate::files;

/// What a manifest was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    ServerJson,
    PackageJson,
    Pyproject,
}

impl Source {
    pub(super) fn file_name(self) -> &'static str {
        match self {
            Self::ServerJson => "server.json",
            Self::PackageJson => "package.json",
            Self::Pyproject => "pyproject.toml",
        }
    }
}

pub(super) fn read_project(dir: &Path) -> Result<(Map<String, Value>, Source)> {
    let server = dir.join("server.json");
    if server.is_file() {
        // The manifest's own parser: it refuses duplicate keys, which serde_json would resolve
        // silently.
        let bytes = read_bounded(&server)?;
        let report = manifest::check(&bytes);
        if let Some(p) = report
            .problems()
            .iter()
            .find(|p| matches!(p.code, "invalid-json" | "too-large"))
        {
            bail!("{}: {}", server.display(), p.message);
        }
        let value: Value = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not valid JSON", server.display()))?;
        let Value::Object(doc) = value else {
            bail!("{} is not a JSON object", server.display());
        };
        return Ok((doc, Source::ServerJson));
    }

    let package_json = dir.join("package.json");
    let mut missing_mcp_name = false;
    if package_json.is_file() {
        let value = read_json(&package_json)?;
        if protocol::ownership::npm_server_name(&value).is_some() {
            return Ok((
                from_package_json(&value, &package_json)?,
                Source::PackageJson,
            ));
        }
        missing_mcp_name = true;
    }

    let pyproject = dir.join("pyproject.toml");
    if pyproject.is_file() {
        return Ok((from_pyproject(&pyproject, dir)?, Source::Pyproject));
    }

    if missing_mcp_name {
        bail!(
            "{} has no \"mcpName\"; add the server name the registry publishes, e.g. \
             \"mcpName\": \"io.github.<owner>/<name>\", and run the command again",
            package_json.display()
        );
    }
    bail!(
        "found nothing to build a manifest from in {}: no server.json, no package.json with \
         \"mcpName\", no pyproject.toml",
        dir.display()
    )
}

fn from_package_json(pkg: &Value, path: &Path) -> Result<Map<String, Value>> {
    let field = |key: &str| {
        str_field(pkg, key).with_context(|| format!("{} has no \"{key}\" string", path.display()))
    };
    let mcp_name = protocol::ownership::npm_server_name(pkg)
        .with_context(|| format!("{} has no \"{NPM_OWNERSHIP_FIELD}\" string", path.display()))?;
    let name = field("name")?;
    let version = field("version")?;
    let description = str_field(pkg, "description").unwrap_or_default();

    let mut doc = Map::new();
    doc.insert("name".to_owned(), json!(mcp_name));
    doc.insert("description".to_owned(), json!(description));
    doc.insert("version".to_owned(), json!(version));
    let (repo_url, subfolder) = match pkg.get("repository") {
        Some(Value::String(s)) => (Some(s.as_str()), None),
        Some(Value::Object(o)) => (
            o.get("url").and_then(Value::as_str),
            o.get("directory").and_then(Value::as_str),
        ),
        _ => (None, None),
    };
    if let Some(repo) = repo_url.and_then(|u| repository(u, subfolder)) {
        doc.insert("repository".to_owned(), repo);
    }
    doc.insert(
        "packages".to_owned(),
        json!([{
            "registryType": registry::NPM,
            "registryBaseUrl": registry::NPM_BASE_URL,
            "identifier": name,
            "version": version,
            "transport": {"type": "stdio"},
        }]),
    );
    Ok(doc)
}

fn from_pyproject(path: &Path, dir: &Path) -> Result<Map<String, Value>> {
    let text = files::read_to_string(path)?;
    let table: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let project = table
        .get("project")
        .and_then(toml::Value::as_table)
        .with_context(|| format!("{} has no [project] table", path.display()))?;
    let get = |key: &str| project.get(key).and_then(toml::Value::as_str);
    let name = get("name").with_context(|| format!("{} has no [project] name", path.display()))?;
    let Some(version) = get("version") else {
        let dynamic = project
            .get("dynamic")
            .and_then(toml::Value::as_array)
            .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("version")));
        if dynamic {
            bail!(
                "{}: the version is dynamic (set by the build backend); set [project] version, \
                 or write server.json by hand and run the command again",
                path.display()
            );
        }
        bail!("{} has no [project] version", path.display());
    };
    let description = get("description").unwrap_or_default();

    let readme = match project.get("readme") {
        Some(toml::Value::String(file)) => Some(dir.join(file)),
        Some(toml::Value::Table(t)) => t
            .get("file")
            .and_then(toml::Value::as_str)
            .map(|f| dir.join(f)),
        _ => ["README.md", "README.rst", "README"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file()),
    };
    let inline_readme = match project.get("readme") {
        Some(toml::Value::Table(t)) => t.get("text").and_then(toml::Value::as_str),
        _ => None,
    };
    let readme_text = match (&readme, inline_readme) {
        (_, Some(text)) => Some(text.to_owned()),
        (Some(p), None) if p.is_file() => Some(files::read_to_string(p)?),
        _ => None,
    };
    let Some(mcp_name) = readme_text
        .as_deref()
        .and_then(|t| protocol::ownership::readme_server_names(t).next())
        .map(str::to_owned)
    else {
        let where_ = readme
            .as_ref()
            .map_or_else(|| "the README".to_owned(), |p| p.display().to_string());
        bail!(
            "no server name: add a line `mcp-name: io.github.<owner>/<name>` to {where_} (the \
             official registry looks for it in the package's PyPI description) and run the \
             command again"
        );
    };

    let mut doc = Map::new();
    doc.insert("name".to_owned(), json!(mcp_name));
    doc.insert("description".to_owned(), json!(description));
    doc.insert("version".to_owned(), json!(version));
    if let Some(urls) = project.get("urls").and_then(toml::Value::as_table) {
        // Prefer the keys that name the source code; fall back to any forge URL.
        let preferred = [
            "repository",
            "source",
            "source code",
            "code",
            "github",
            "homepage",
        ];
        let mut candidates: Vec<(usize, &str)> = urls
            .iter()
            .filter_map(|(k, v)| {
                let rank = preferred
                    .iter()
                    .position(|p| k.eq_ignore_ascii_case(p))
                    .unwrap_or(preferred.len());
                v.as_str().map(|u| (rank, u))
            })
            .collect();
        candidates.sort_by_key(|(rank, _)| *rank);
        if let Some(repo) = candidates
            .iter()
            .find_map(|(_, u)| repository(u, None).filter(|r| r["source"] != json!("unknown")))
        {
            doc.insert("repository".to_owned(), repo);
        }
    }
    doc.insert(
        "packages".to_owned(),
        json!([{
            "registryType": registry::PYPI,
            "registryBaseUrl": registry::PYPI_BASE_URL,
            "identifier": name,
            "version": version,
            "transport": {"type": "stdio"},
        }]),
    );
    Ok(doc)
}
