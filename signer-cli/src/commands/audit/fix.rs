//! `audit --fix` and `audit --undo`: every server of each configuration starts through
//! `mcp-sign run`, and each plaintext secret moves into the secret store.
//!
//! Only the server entries that change are replaced in the file's text, so comments,
//! formatting and every other key stay as they were. An entry that holds a comment would lose
//! it: such a file is refused (with the reason) and the others are still fixed. Each file is
//! written atomically with its mode kept, after its secrets are stored and its backup (for
//! `--undo`) is saved in mcp-sign's state folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};
use similar::TextDiff;
use zeroize::Zeroizing;

use super::command::{config_files, display_path, read_config};
use super::config::server_tables;
use super::fix_backup::{self, Backup};
use super::fix_entry::{self, Moved, Wrapper};
use super::locations::{Env, Os};
use super::{findings, secrets, spans};
use crate::cli::AuditArgs;
use crate::output::Output;
use crate::secrets::{SecretKey, SecretStore};
use crate::{EXIT_VERIFICATION_FAILED, Reported, files};

/// One file's new text and what moves out of it.
struct Plan {
    fixed: String,
    servers: Vec<String>,
    moved: Vec<Moved>,
    /// Secrets `run` cannot inject (in `args`): left in place, named for people.
    left: Vec<String>,
}

/// What happened to one file, for the report.
struct FileResult {
    path: String,
    status: &'static str,
    message: String,
    diff: String,
    secrets: Vec<String>,
}

pub(super) fn fix(args: &AuditArgs, out: &Output) -> Result<()> {
    let env = Env::from_process();
    let os = Os::current();
    let (candidates, explicit) = config_files(args, &env, os);
    let exe = std::env::current_exe().context("cannot find the path of this mcp-sign")?;
    let exe = exe
        .to_str()
        .ok_or_else(|| anyhow!("the path of this mcp-sign, {}, is not UTF-8", exe.display()))?
        .to_owned();
    let wrapper = Wrapper {
        exe: &exe,
        registry: args.registry.as_deref(),
    };
    // Opened only when some file has a secret to move (or to check a key is free).
    let mut store: Option<SecretStore> = None;
    let mut chosen: BTreeMap<SecretKey, Zeroizing<String>> = BTreeMap::new();
    let mut results = Vec::new();
    for file in &candidates {
        let shown = display_path(&file.path, &env, os, explicit);
        let result = fix_file(
            &file.path,
            &shown,
            &wrapper,
            args.dry_run,
            &mut store,
            &mut chosen,
        );
        results.push(result.unwrap_or_else(|e| FileResult {
            path: shown.clone(),
            status: "refused",
            message: format!("{e:#}"),
            diff: String::new(),
            secrets: Vec::new(),
        }));
    }
    report(&results, out, args.dry_run)
}

fn fix_file(
    path: &Path,
    shown: &str,
    wrapper: &Wrapper<'_>,
    dry_run: bool,
    store: &mut Option<SecretStore>,
    chosen: &mut BTreeMap<SecretKey, Zeroizing<String>>,
) -> Result<FileResult> {
    let text = read_config(path).map_err(|e| anyhow!("{e}"))?;
    let plan = {
        let mut choose =
            |server: &str, name: &str, value: &str| choose_key(server, name, value, store, chosen);
        plan(&text, wrapper, &mut choose)?
    };
    let Some(plan) = plan else {
        return Ok(FileResult {
            path: shown.to_owned(),
            status: "unchanged",
            message: "every server already starts through `mcp-sign run`".to_owned(),
            diff: String::new(),
            secrets: Vec::new(),
        });
    };
    let diff = masked_diff(&text, &plan.fixed, shown, &plan.moved);
    let keys: Vec<String> = plan.moved.iter().map(|m| m.key.to_string()).collect();
    let mut message = format!(
        "{} wrapped ({})",
        count(plan.servers.len(), "server"),
        plan.servers.join(", ")
    );
    if !plan.moved.is_empty() {
        let fields: Vec<String> = plan
            .moved
            .iter()
            .map(|m| format!("{} -> {}", m.field, m.key))
            .collect();
        message.push_str(&format!(
            "; {} moved to the secret store ({})",
            count(plan.moved.len(), "secret"),
            fields.join(", ")
        ));
    }
    if !plan.left.is_empty() {
        message.push_str(&format!(
            "; still in plain text, because `run` can only inject variables and headers: {} \
             (make the server read it from an environment variable, then move it with \
             `mcp-sign secret set`)",
            plan.left.join(", ")
        ));
    }
    if dry_run {
        return Ok(FileResult {
            path: shown.to_owned(),
            status: "would fix",
            message,
            diff,
            secrets: keys,
        });
    }
    if !plan.moved.is_empty() {
        let store = open(store)?;
        for m in &plan.moved {
            store.set(&m.key, &m.value)?;
        }
    }
    let real = std::fs::canonicalize(path)
        .with_context(|| format!("cannot resolve {}", path.display()))?;
    let mode = file_mode(&real)?;
    fix_backup::save(&Backup {
        path: real.clone(),
        original: text,
        fixed: plan.fixed.clone(),
        mode,
    })?;
    write_keeping_mode(&real, &plan.fixed, mode)?;
    Ok(FileResult {
        path: shown.to_owned(),
        status: "fixed",
        message,
        diff,
        secrets: keys,
    })
}

fn open(store: &mut Option<SecretStore>) -> Result<&SecretStore> {
    if store.is_none() {
        *store = Some(SecretStore::open()?);
    }
    store
        .as_ref()
        .ok_or_else(|| anyhow!("the secret store could not be opened"))
}

/// The key for `server`'s secret `name`: `SERVER.NAME`, or `SERVER.NAME-2`, ... when that
/// key already holds a different value (in the store or earlier in this run).
fn choose_key(
    server: &str,
    name: &str,
    value: &str,
    store: &mut Option<SecretStore>,
    chosen: &mut BTreeMap<SecretKey, Zeroizing<String>>,
) -> SecretKey {
    let mut n = 1;
    loop {
        let key = if n == 1 {
            SecretKey::for_server(server, name)
        } else {
            SecretKey::for_server(server, &format!("{name}-{n}"))
        };
        let free = match chosen.get(&key) {
            Some(v) => v.as_str() == value,
            None => match open(store).and_then(|s| s.get(&key)) {
                Ok(Some(v)) => v.as_str() == value,
                Ok(None) => true,
                // The write will report the store's problem; here any key will do.
                Err(_) => true,
            },
        };
        if free || n >= 100 {
            chosen.insert(key.clone(), Zeroizing::new(value.to_owned()));
            return key;
        }
        n += 1;
    }
}

/// The file's text with every server entry that needs it rewritten, or `None` if none does.
fn plan(
    text: &str,
    wrapper: &Wrapper<'_>,
    choose: &mut fix_entry::ChooseKey<'_>,
) -> Result<Option<Plan>> {
    let blanked = spans::blank_jsonc(text);
    let root: Value = serde_json::from_str(&blanked).map_err(|e| {
        anyhow!(
            "not valid JSON (line {}, column {}); fix the file first",
            e.line(),
            e.column()
        )
    })?;
    let Value::Object(root) = root else {
        return Err(anyhow!("not a JSON object"));
    };
    let tree = spans::parse(&blanked).ok_or_else(|| anyhow!("cannot locate the servers in it"))?;
    let unit = spans::indent_unit(text);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut servers = Vec::new();
    let mut moved = Vec::new();
    let mut left = Vec::new();
    for table in server_tables(&root) {
        let Value::Object(entries) = table.servers else {
            continue;
        };
        for (name, entry) in entries {
            let at = format!("{}.{name}", table.at);
            let rewritten = fix_entry::rewrite(name, entry, wrapper, choose)
                .map_err(|e| anyhow!("the server {at} {e}; fix it by hand and run --fix again"))?;
            let Some(rewritten) = rewritten else { continue };
            let mut path = table.path.clone();
            path.push(name.clone());
            let node = tree
                .find(&path)
                .ok_or_else(|| anyhow!("cannot locate the server {at} in the text"))?;
            if spans::has_comment(text, &blanked, node.start, node.end) {
                return Err(anyhow!(
                    "the server entry {at} holds comments, which rewriting it would drop; move \
                     them out of the entry (or wrap it in `mcp-sign run` by hand) and run --fix \
                     again"
                ));
            }
            let indent = spans::line_indent(text, node.start);
            edits.push((
                node.start,
                node.end,
                spans::render(&rewritten.entry, indent, unit),
            ));
            left.extend(args_secrets(&at, &rewritten.entry));
            servers.push(name.clone());
            moved.extend(rewritten.moved);
        }
    }
    if edits.is_empty() {
        return Ok(None);
    }
    edits.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut fixed = text.to_owned();
    for (start, end, replacement) in edits {
        fixed.replace_range(start..end, &replacement);
    }
    Ok(Some(Plan {
        fixed,
        servers,
        moved,
        left,
    }))
}

/// The arguments of a rewritten entry that audit still reports as plaintext secrets.
fn args_secrets(at: &str, entry: &Value) -> Vec<String> {
    let args: Vec<String> = entry
        .get("args")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        findings::arg_secret(i, arg, &args, &mut found);
    }
    found
        .iter()
        .map(|f| format!("{at}.{}", f.field.as_deref().unwrap_or("args")))
        .collect()
}

/// A unified diff from `old` to `new` with every moved secret masked.
fn masked_diff(old: &str, new: &str, shown: &str, moved: &[Moved]) -> String {
    let diff = TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(shown, shown)
        .to_string();
    let mut values: Vec<&str> = moved.iter().map(|m| m.value.as_str()).collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let diff = values.into_iter().fold(diff, |diff, value| {
        let escaped = serde_json::to_string(value).unwrap_or_default();
        let escaped = escaped
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
            .unwrap_or(value);
        let masked = secrets::mask(value);
        diff.replace(escaped, &masked).replace(value, &masked)
    });
    // Secrets that do not move (in `args`) are in the diff's lines too.
    mask_secret_lines(&diff)
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[cfg(unix)]
fn file_mode(path: &Path) -> Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Some(meta.permissions().mode() & 0o7777))
}

#[cfg(not(unix))]
fn file_mode(_: &Path) -> Result<Option<u32>> {
    Ok(None)
}

fn write_keeping_mode(path: &Path, text: &str, mode: Option<u32>) -> Result<()> {
    let mode = mode.map_or(files::Mode::Public, files::Mode::Exact);
    files::write(path, text.as_bytes(), mode)
}

fn report(results: &[FileResult], out: &Output, dry_run: bool) -> Result<()> {
    let mut human = String::new();
    for r in results {
        human.push_str(&r.diff);
        human.push_str(&format!("{} {}: {}\n", r.status, r.path, r.message));
    }
    if results.is_empty() {
        human.push_str("no MCP client configuration found; name one with --config PATH\n");
    }
    let fixed = results.iter().filter(|r| r.status == "fixed").count();
    if fixed > 0 {
        human.push_str("undo with `mcp-sign audit --undo` (the same --config flags)\n");
    }
    if dry_run {
        human.push_str("dry run: nothing was written\n");
    }
    let refused = results.iter().filter(|r| r.status == "refused").count();
    out.result(
        &human,
        json!({
            "ok": refused == 0,
            "dryRun": dry_run,
            "files": results.iter().map(|r| json!({
                "path": r.path,
                "status": r.status,
                "message": r.message,
                "diff": r.diff,
                "secrets": r.secrets,
            })).collect::<Vec<_>>(),
        }),
    );
    if refused > 0 {
        return Err(Reported {
            summary: format!(
                "{} not fixed (see the reasons above)",
                count(refused, "configuration file")
            ),
            exit_code: EXIT_VERIFICATION_FAILED,
        }
        .into());
    }
    Ok(())
}

/// `--undo`: each configuration back as it was before its last fix.
pub(super) fn undo(args: &AuditArgs, out: &Output) -> Result<()> {
    let env = Env::from_process();
    let os = Os::current();
    let (candidates, explicit) = config_files(args, &env, os);
    let mut results = Vec::new();
    for file in &candidates {
        let shown = display_path(&file.path, &env, os, explicit);
        match undo_file(&file.path, &shown, args.dry_run) {
            Ok(Some(r)) => results.push(r),
            Ok(None) if explicit => results.push(FileResult {
                path: shown,
                status: "unchanged",
                message: "no backup of an `audit --fix` to undo".to_owned(),
                diff: String::new(),
                secrets: Vec::new(),
            }),
            Ok(None) => {}
            Err(e) => results.push(FileResult {
                path: shown,
                status: "refused",
                message: format!("{e:#}"),
                diff: String::new(),
                secrets: Vec::new(),
            }),
        }
    }
    report(&results, out, args.dry_run)
}

fn undo_file(path: &Path, shown: &str, dry_run: bool) -> Result<Option<FileResult>> {
    let real: PathBuf = std::fs::canonicalize(path)
        .with_context(|| format!("cannot resolve {}", path.display()))?;
    let Some((backup_file, backup)) = fix_backup::latest(&real)? else {
        return Ok(None);
    };
    let current = files::read_to_string(&real)?;
    if current != backup.fixed {
        return Err(anyhow!(
            "changed since `audit --fix` wrote it, so undoing would lose those changes; its \
             content before the fix is in {} (it holds the secrets that were moved)",
            backup_file.display()
        ));
    }
    // Restoring brings the plaintext secrets back: mask them in the diff like the fix did.
    let diff = TextDiff::from_lines(&current, &backup.original)
        .unified_diff()
        .context_radius(3)
        .header(shown, shown)
        .to_string();
    let diff = mask_secret_lines(&diff);
    if !dry_run {
        write_keeping_mode(&real, &backup.original, backup.mode)?;
        std::fs::remove_file(&backup_file)
            .with_context(|| format!("cannot remove {}", backup_file.display()))?;
        // The folder goes with its last backup (it fails, harmlessly, while others remain).
        if let Some(dir) = backup_file.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    Ok(Some(FileResult {
        path: shown.to_owned(),
        status: if dry_run { "would restore" } else { "restored" },
        message: "back as it was before `audit --fix` (the moved secrets stay in the store)"
            .to_owned(),
        diff,
        secrets: Vec::new(),
    }))
}

/// Every JSON string in `diff` that is a plaintext secret (by its shape, or by the key it is
/// under) masked.
fn mask_secret_lines(diff: &str) -> String {
    diff.lines()
        .map(|line| {
            let mut out = line.to_owned();
            let strings: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
            let mut previous = "";
            for s in strings {
                if secrets::plaintext(previous, s).is_some() {
                    out = out.replace(&format!("\"{s}\""), &format!("\"{}\"", secrets::mask(s)));
                }
                previous = s;
            }
            out.push('\n');
            out
        })
        .collect()
}
