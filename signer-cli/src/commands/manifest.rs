//! `manifest init` and `manifest check`: build a release manifest from a project folder, and
//! list every problem of one.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use protocol::Manifest;
use protocol::formats::artifacts::NPM_OWNERSHIP_FIELD;
use protocol::formats::release::{COMMIT_SHA1_HEX_LEN, COMMIT_SHA256_HEX_LEN};
use protocol::formats::{
    MANIFEST_MAX_LEN, RELEASE_FORMAT_VERSION, RELEASE_META_KEY, SERVER_SCHEMA_URL, registry,
};
use protocol::manifest::{self, ArtifactDigests, ArtifactHasher, FINGERPRINT_KEY, Report};
use serde_json::{Map, Value, json};

use crate::cli::{ManifestCheckArgs, ManifestInitArgs};
use crate::files::{self, Mode};
use crate::output::Output;
use crate::{EXIT_BAD_INPUT, Reported};

/// Read size when streaming an artifact through the hashes.
const CHUNK_LEN: usize = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// check

pub(crate) fn check(args: ManifestCheckArgs, out: &Output) -> Result<()> {
    // A file over the limit reads as one byte too many, which `check` reports as too large.
    let bytes = read_bounded(&args.file)?;
    let report = manifest::check(&bytes);
    let file = args.file.display().to_string();
    let mut human = problem_lines(&report);

    if !report.is_ok() {
        let errors = report.errors().count();
        let warnings = report.warnings().count();
        human.push_str(&format!(
            "\n{file}: {}, {}\n",
            count(errors, "error"),
            count(warnings, "warning")
        ));
        out.result(
            &human,
            json!({"ok": false, "file": file, "problems": report.problems()}),
        );
        return Err(Reported {
            summary: format!(
                "{file} is not a valid release manifest ({})",
                count(errors, "error")
            ),
            exit_code: EXIT_BAD_INPUT,
        }
        .into());
    }

    // `check` found no error, so `parse` succeeds; it gives the name and digest to show.
    let manifest = Manifest::parse(bytes)?;
    let warnings = report.warnings().count();
    let warning_text = if warnings == 0 {
        String::new()
    } else {
        format!(" ({})", count(warnings, "warning"))
    };
    human.push_str(&format!(
        "{file}: valid release manifest for {}@{}{warning_text}\n",
        manifest.name(),
        manifest.version()
    ));
    if manifest.release().is_none() {
        human.push_str(&format!(
            "note: it has no release extension (_meta[\"{RELEASE_META_KEY}\"]); \
             `mcp-sign manifest init` records artifact digests and tools\n"
        ));
    }
    out.result(
        &human,
        json!({
            "ok": true,
            "file": file,
            "name": manifest.name(),
            "version": manifest.version(),
            "sha256": manifest.sha256_hex(),
            "hasReleaseExtension": manifest.release().is_some(),
            "problems": report.problems(),
        }),
    );
    Ok(())
}

/// The file's bytes, but no more than one past the manifest size limit: enough for the checker
/// to say it is too large without reading a huge file into memory.
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let limit = u64::try_from(MANIFEST_MAX_LEN)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    file.take(limit)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

/// A JSON input of `init` (server.json, package.json, the tools file), refused if it is larger
/// than any manifest can be.
fn read_json(path: &Path) -> Result<Value> {
    let bytes = read_bounded(path)?;
    if bytes.len() > MANIFEST_MAX_LEN {
        bail!("{} is larger than {MANIFEST_MAX_LEN} bytes", path.display());
    }
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", path.display()))
}

fn problem_lines(report: &Report) -> String {
    report
        .problems()
        .iter()
        .map(|p| format!("{} [{}]\n", p, p.code))
        .collect()
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

// ---------------------------------------------------------------------------------------------
// init

/// What a manifest was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    ServerJson,
    PackageJson,
    Pyproject,
}

impl Source {
    fn file_name(self) -> &'static str {
        match self {
            Self::ServerJson => "server.json",
            Self::PackageJson => "package.json",
            Self::Pyproject => "pyproject.toml",
        }
    }
}

/// An artifact's digests, and the package of the manifest it belongs to.
#[derive(Debug)]
struct HashedArtifact {
    path: PathBuf,
    file_name: String,
    digests: ArtifactDigests,
    package: usize,
}

pub(crate) fn init(args: ManifestInitArgs, out: &Output) -> Result<()> {
    files::ensure_writable(&args.output, args.force)?;
    let source_commit = args
        .source_commit
        .as_deref()
        .map(parse_commit)
        .transpose()?;
    let (mut doc, source) = read_project(&args.dir)?;
    if doc.get("_meta").is_some_and(|m| !m.is_object()) {
        bail!(
            "the existing manifest's _meta is not a JSON object; fix it first (mcp-sign manifest check)"
        );
    }
    let tools = args
        .tools
        .as_deref()
        .map(|p| read_tools(p, out))
        .transpose()?;

    let mut artifacts = Vec::new();
    for path in &args.artifacts {
        let (file_name, digests) = hash_file(path)?;
        let package = match_package(&doc, path, &file_name)?;
        artifacts.push(HashedArtifact {
            path: path.clone(),
            file_name,
            digests,
            package,
        });
    }

    let mut release = take_release(&mut doc);
    record_artifacts(&mut doc, &mut release, &artifacts);
    if let Some(tools) = &tools {
        release.insert("tools".to_owned(), Value::Array(tools.clone()));
    }
    if let Some(commit) = &source_commit {
        release.insert("sourceCommit".to_owned(), json!(commit));
    }
    record_secrets(&doc, &mut release);
    let doc = finish_document(doc, release);

    let mut bytes =
        serde_json::to_vec_pretty(&Value::Object(doc)).context("cannot render the manifest")?;
    bytes.push(b'\n');
    let report = manifest::check(&bytes);
    if !report.is_ok() {
        let errors = report.errors().count();
        let human = format!(
            "{}\nThe manifest built from {} has {}; nothing was written. Fix the source and run \
             the command again.\n",
            problem_lines(&report),
            source.file_name(),
            count(errors, "error")
        );
        out.result(
            &human,
            json!({"ok": false, "file": args.output, "problems": report.problems()}),
        );
        return Err(Reported {
            summary: format!(
                "the manifest is not valid ({}); nothing was written",
                count(errors, "error")
            ),
            exit_code: EXIT_BAD_INPUT,
        }
        .into());
    }
    files::write(&args.output, &bytes, Mode::Public)?;

    let manifest = Manifest::parse(bytes)?;
    let output = args.output.display().to_string();
    out.result(
        &init_summary(&manifest, source, &output, &artifacts, &report),
        json!({
            "ok": true,
            "file": output,
            "source": source.file_name(),
            "name": manifest.name(),
            "version": manifest.version(),
            "sha256": manifest.sha256_hex(),
            "packages": manifest.server().packages.iter().map(package_label).collect::<Vec<_>>(),
            "artifacts": artifacts.iter().map(|a| json!({
                "file": a.path,
                "package": manifest.server().packages.get(a.package).map(package_label),
                "sha256": a.digests.sha256,
                "integrity": a.digests.integrity,
                "size": a.digests.len,
            })).collect::<Vec<_>>(),
            "tools": manifest.release().map_or(0, |r| r.tools.len()),
            "secrets": manifest.release().map(|r| r.secrets.iter().map(|s| s.name.clone()).collect::<Vec<_>>()),
            "problems": report.problems(),
        }),
    );
    Ok(())
}

fn init_summary(
    manifest: &Manifest,
    source: Source,
    output: &str,
    artifacts: &[HashedArtifact],
    report: &Report,
) -> String {
    let mut s = format!(
        "Wrote {output} for {}@{} (from {})\n",
        manifest.name(),
        manifest.version(),
        source.file_name()
    );
    for package in &manifest.server().packages {
        s.push_str(&format!("  package:  {}\n", package_label(package)));
    }
    for a in artifacts {
        let package = manifest
            .server()
            .packages
            .get(a.package)
            .map(package_label)
            .unwrap_or_default();
        s.push_str(&format!(
            "  artifact: {} -> {package}\n            sha256 {}\n",
            a.file_name, a.digests.sha256
        ));
        if manifest
            .server()
            .packages
            .get(a.package)
            .is_some_and(|p| p.registry_type == registry::NPM)
        {
            s.push_str(&format!("            {}\n", a.digests.integrity));
        }
    }
    let release = manifest.release();
    if let Some(commit) = release.and_then(|r| r.source_commit.as_deref()) {
        s.push_str(&format!("  source commit: {commit}\n"));
    }
    let tools = release.map_or(0, |r| r.tools.len());
    if tools > 0 {
        s.push_str(&format!("  tools:    {} (fingerprints recorded)\n", tools));
    }
    let secrets: Vec<&str> = release
        .map(|r| r.secrets.iter().map(|s| s.name.as_str()).collect())
        .unwrap_or_default();
    if !secrets.is_empty() {
        s.push_str(&format!("  secrets:  {}\n", secrets.join(", ")));
    }
    let problems = problem_lines(report);
    if !problems.is_empty() {
        s.push('\n');
        s.push_str(&problems);
    }

    s.push_str("\nNext steps:\n");
    let mut step = 1;
    let mut next = |s: &mut String, text: String| {
        s.push_str(&format!("  {step}. {text}\n"));
        step += 1;
    };
    if release.is_some_and(|r| r.capabilities.is_none()) {
        next(
            &mut s,
            format!(
                "Declare what the server can do in {output}: under _meta[\"{RELEASE_META_KEY}\"] add\n     \
                 \"capabilities\": {{\"filesystem\": \"none|read|write\", \"network\": true|false, \"exec\": true|false}}"
            ),
        );
    }
    if artifacts.is_empty() && release.is_some_and(|r| r.artifacts.is_empty()) {
        next(
            &mut s,
            "Record artifact digests: --artifact <package.tgz|.whl|.mcpb> (repeatable)".to_owned(),
        );
    }
    if tools == 0 {
        next(
            &mut s,
            "Record the tools: --tools <tools/list result as JSON>".to_owned(),
        );
    }
    if release.is_some_and(|r| r.source_commit.is_none()) {
        next(
            &mut s,
            "Record the source commit: --source-commit $(git rev-parse HEAD)".to_owned(),
        );
    }
    next(
        &mut s,
        format!("Review {output}, then sign it: mcp-sign sign {output}"),
    );
    s
}

fn package_label(p: &protocol::manifest::schema::Package) -> String {
    match p.package_ref() {
        Some(r) => r.to_string(),
        None => match &p.version {
            Some(v) => format!("{} {}@{v}", p.registry_type, p.identifier),
            None => format!("{} {}", p.registry_type, p.identifier),
        },
    }
}

fn parse_commit(s: &str) -> Result<String> {
    let lower = s.trim().to_ascii_lowercase();
    let ok = (lower.len() == COMMIT_SHA1_HEX_LEN || lower.len() == COMMIT_SHA256_HEX_LEN)
        && lower.bytes().all(|b| b.is_ascii_hexdigit());
    if !ok {
        bail!(
            "--source-commit {s:?} is not a full commit id (40 hex digits; `git rev-parse HEAD` prints it)"
        );
    }
    Ok(lower)
}

// --- reading the project ---------------------------------------------------------------------

fn read_project(dir: &Path) -> Result<(Map<String, Value>, Source)> {
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

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
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

/// server.json's `repository` from a package manager's repository URL: `git+https://…git`,
/// `git@github.com:o/r.git`, `github:o/r` and `o/r` become `https://github.com/o/r`.
fn repository(raw: &str, subfolder: Option<&str>) -> Option<Value> {
    let url = normalize_repo_url(raw)?;
    let host = url
        .split("://")
        .nth(1)?
        .split('/')
        .next()?
        .to_ascii_lowercase();
    let source = match host.as_str() {
        "github.com" | "www.github.com" => "github",
        "gitlab.com" | "www.gitlab.com" => "gitlab",
        "bitbucket.org" => "bitbucket",
        _ => "unknown",
    };
    let mut repo = json!({"url": url, "source": source});
    if let Some(sub) = subfolder
        .map(|s| s.trim_matches('/'))
        .filter(|s| !s.is_empty() && *s != ".")
    {
        repo["subfolder"] = json!(sub.trim_start_matches("./"));
    }
    Some(repo)
}

fn normalize_repo_url(raw: &str) -> Option<String> {
    let s = raw.trim();
    let s = s.strip_prefix("git+").unwrap_or(s);
    let https = if let Some(rest) = s.strip_prefix("git@") {
        // git@github.com:owner/repo.git
        let (host, path) = rest.split_once(':')?;
        format!("https://{host}/{path}")
    } else if let Some(rest) = s.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        format!("https://{rest}")
    } else if let Some(rest) = s.strip_prefix("git://") {
        format!("https://{rest}")
    } else if let Some(rest) = s.strip_prefix("github:") {
        format!("https://github.com/{rest}")
    } else if let Some(rest) = s.strip_prefix("gitlab:") {
        format!("https://gitlab.com/{rest}")
    } else if s.starts_with("https://") || s.starts_with("http://") {
        s.to_owned()
    } else if !s.contains(':') && s.matches('/').count() == 1 {
        // npm's "owner/repo" shorthand means GitHub.
        format!("https://github.com/{s}")
    } else {
        return None;
    };
    let trimmed = https.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    (!trimmed.chars().any(char::is_whitespace)).then(|| trimmed.to_owned())
}

// --- tools ----------------------------------------------------------------------------------

/// Tool definitions from an MCP `tools/list` result (`{"tools": [...]}`, or the whole JSON-RPC
/// response), or a plain array; each gets its fingerprint.
fn read_tools(path: &Path, out: &Output) -> Result<Vec<Value>> {
    let value = read_json(path)?;
    let result = value
        .get("result")
        .filter(|r| r.get("tools").is_some())
        .unwrap_or(&value);
    if result.get("nextCursor").is_some_and(|c| !c.is_null()) {
        out.note(&format!(
            "note: {} has a nextCursor: the server has more tools; record every page",
            path.display()
        ));
    }
    let tools = match result {
        Value::Array(items) => items,
        Value::Object(o) => match o.get("tools") {
            Some(Value::Array(items)) => items,
            _ => bail!(
                "{} has no \"tools\" array (expected a tools/list result or an array)",
                path.display()
            ),
        },
        _ => bail!(
            "{} is neither a tools/list result nor an array of tools",
            path.display()
        ),
    };
    let mut recorded = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        let Value::Object(def) = tool else {
            bail!("{}: tool {i} is not a JSON object", path.display());
        };
        if !def.get("name").is_some_and(Value::is_string) {
            bail!("{}: tool {i} has no \"name\"", path.display());
        }
        let mut def = def.clone();
        def.remove(FINGERPRINT_KEY);
        let fingerprint = manifest::tool_fingerprint(&Value::Object(def.clone()));
        def.insert(FINGERPRINT_KEY.to_owned(), json!(fingerprint));
        recorded.push(Value::Object(def));
    }
    Ok(recorded)
}

// --- artifacts ------------------------------------------------------------------------------

fn hash_file(path: &Path) -> Result<(String, ArtifactDigests)> {
    let mut file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = ArtifactHasher::new();
    let mut buf = vec![0u8; CHUNK_LEN];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }
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

fn match_package(doc: &Map<String, Value>, path: &Path, file_name: &str) -> Result<usize> {
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
fn record_artifacts(
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

/// Lists every input marked `isSecret` in the release's `secrets`, keeping entries already
/// there.
fn record_secrets(doc: &Map<String, Value>, release: &mut Map<String, Value>) {
    let mut secrets: Vec<Value> = match release.remove("secrets") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let mut inputs: Vec<&Value> = Vec::new();
    for package in doc
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        inputs.extend(
            package
                .get("environmentVariables")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
        inputs.extend(
            package
                .get("transport")
                .and_then(|t| t.get("headers"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for remote in doc
        .get("remotes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        inputs.extend(
            remote
                .get("headers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for input in inputs {
        if input.get("isSecret") != Some(&Value::Bool(true)) {
            continue;
        }
        let Some(name) = str_field(input, "name") else {
            continue;
        };
        if secrets.iter().any(|s| str_field(s, "name") == Some(name)) {
            continue;
        }
        let mut secret = Map::new();
        secret.insert("name".to_owned(), json!(name));
        if let Some(d) = str_field(input, "description") {
            secret.insert("description".to_owned(), json!(d));
        }
        secret.insert(
            "required".to_owned(),
            json!(input.get("isRequired") == Some(&Value::Bool(true))),
        );
        secrets.push(Value::Object(secret));
    }
    if !secrets.is_empty() {
        release.insert("secrets".to_owned(), Value::Array(secrets));
    }
}

/// Takes the release extension out of `_meta` (a fresh one if there is none).
fn take_release(doc: &mut Map<String, Value>) -> Map<String, Value> {
    let existing = doc
        .get_mut("_meta")
        .and_then(Value::as_object_mut)
        .and_then(|meta| meta.remove(RELEASE_META_KEY));
    match existing {
        Some(Value::Object(release)) => release,
        _ => Map::new(),
    }
}

/// `$schema` first, the release extension back under `_meta` with its keys in the documented
/// order, everything else as it was.
fn finish_document(doc: Map<String, Value>, mut release: Map<String, Value>) -> Map<String, Value> {
    let mut ordered_release = Map::new();
    ordered_release.insert("formatVersion".to_owned(), json!(RELEASE_FORMAT_VERSION));
    release.remove("formatVersion");
    for key in [
        "sourceCommit",
        "artifacts",
        "tools",
        "capabilities",
        "secrets",
        "oauth",
    ] {
        if let Some(v) = release.remove(key) {
            ordered_release.insert(key.to_owned(), v);
        }
    }
    ordered_release.extend(release);

    let mut out = Map::new();
    out.insert("$schema".to_owned(), json!(SERVER_SCHEMA_URL));
    let mut meta = Map::new();
    for (key, value) in doc {
        match key.as_str() {
            "$schema" => {}
            "_meta" => {
                if let Value::Object(m) = value {
                    meta = m;
                }
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    meta.insert(RELEASE_META_KEY.to_owned(), Value::Object(ordered_release));
    out.insert("_meta".to_owned(), Value::Object(meta));
    out
}
