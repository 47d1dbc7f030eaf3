//! `manifest init`: build a release manifest from a project folder (server.json, package.json
//! or pyproject.toml), with the artifacts' digests, the tools and the source commit.

use anyhow::{Context, Result, bail};
use protocol::Manifest;
use protocol::formats::release::{COMMIT_SHA1_HEX_LEN, COMMIT_SHA256_HEX_LEN};
use protocol::formats::{RELEASE_META_KEY, registry};
use protocol::manifest::{self, Report};
use serde_json::{Value, json};

use super::artifacts::{HashedArtifact, hash_file, match_package, record_artifacts};
use super::check::{count, problem_lines};
use super::project::{Source, read_project};
use super::release_extension::{finish_document, take_release};
use super::secrets::record_secrets;
use super::tools::read_tools;
use crate::cli::ManifestInitArgs;
use crate::files::{self, Mode};
use crate::output::Output;
use crate::{EXIT_BAD_INPUT, Reported};

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
