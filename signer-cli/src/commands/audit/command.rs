//! The `audit` command: find (or take) the configuration files, read each, look at every
//! server, ask the registry when told to, then print and pick the exit code.

use std::io::Read;
use std::path::Path;

use anyhow::Result;
use protocol::scan::Severity;
use serde_json::json;

use super::findings::analyze;
use super::fix;
use super::locations::{self, Candidate, Env, Os};
use super::render::render;
use super::report::{ConfigReport, Problem};
use super::safe_display::printable;
use super::{config, registry};
use crate::cli::AuditArgs;
use crate::output::Output;
use crate::{EXIT_BAD_INPUT, EXIT_VERIFICATION_FAILED, Reported};

/// Configuration files larger than this are skipped (`~/.claude.json` holds history too, but
/// not this much).
const CONFIG_MAX_LEN: u64 = 64 * 1024 * 1024;

pub(crate) fn audit(args: AuditArgs, out: &Output) -> Result<()> {
    if args.undo {
        return fix::undo(&args, out);
    }
    if args.fix {
        return fix::fix(&args, out);
    }
    let env = Env::from_process();
    let os = Os::current();
    let verifier = args
        .registry
        .as_deref()
        .map(registry::Verifier::new)
        .transpose()?;
    let (files, explicit) = config_files(&args, &env, os);

    let mut configs = Vec::new();
    let mut servers = Vec::new();
    let mut explicit_failures = 0usize;
    for file in &files {
        let shown = display_path(&file.path, &env, os, explicit);
        let text = match read_config(&file.path) {
            Ok(text) => text,
            Err(error) => {
                explicit_failures += usize::from(explicit);
                configs.push(ConfigReport::skipped(&shown, file.client, error));
                continue;
            }
        };
        let parsed = match config::parse(&text) {
            Ok(parsed) => parsed,
            Err(error) => {
                explicit_failures += usize::from(explicit);
                configs.push(ConfigReport::skipped(&shown, file.client, error));
                continue;
            }
        };
        configs.push(ConfigReport {
            path: shown.clone(),
            client: file.client,
            status: "ok",
            servers: parsed.entries.len(),
            error: None,
            problems: parsed
                .problems
                .iter()
                .map(|p| Problem {
                    server: p.at.clone(),
                    message: p.message.clone(),
                })
                .collect(),
        });
        for entry in &parsed.entries {
            servers.push(analyze(entry, file.client, &shown));
        }
    }

    if let Some(verifier) = &verifier {
        registry::add_verdicts(verifier, &mut servers);
    }
    for server in &mut servers {
        server
            .findings
            .sort_by_key(|f| std::cmp::Reverse(f.severity));
        server.highest = server.findings.iter().map(|f| f.severity).max();
    }

    let count = |s: Severity| {
        servers
            .iter()
            .flat_map(|v| &v.findings)
            .filter(|f| f.severity == s)
            .count()
    };
    let (high, warning, info) = (
        count(Severity::High),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let human = render(&configs, &servers, explicit, (high, warning, info));
    out.result(
        &human,
        json!({
            "ok": high == 0 && explicit_failures == 0,
            "configs": configs,
            "servers": servers,
            "counts": {"high": high, "warning": warning, "info": info},
        }),
    );
    if explicit_failures > 0 {
        return Err(Reported {
            summary: format!(
                "{explicit_failures} of the configuration files given could not be read"
            ),
            exit_code: EXIT_BAD_INPUT,
        }
        .into());
    }
    if high > 0 {
        return Err(Reported {
            summary: format!(
                "{high} high finding{} in the MCP server configuration",
                if high == 1 { "" } else { "s" }
            ),
            exit_code: EXIT_VERIFICATION_FAILED,
        }
        .into());
    }
    Ok(())
}

/// The files to look at: those given with --config (`true`), else the known locations that
/// exist.
pub(super) fn config_files(args: &AuditArgs, env: &Env, os: Os) -> (Vec<Candidate>, bool) {
    if args.configs.is_empty() {
        let found = locations::candidates(os, env)
            .into_iter()
            .filter(|c| c.path.is_file())
            .collect();
        return (found, false);
    }
    let given = args
        .configs
        .iter()
        .map(|p| Candidate {
            client: locations::guess_client(p),
            path: p.clone(),
        })
        .collect();
    (given, true)
}

/// A configuration file's text, or why it is skipped.
pub(super) fn read_config(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut bytes = Vec::new();
    file.take(CONFIG_MAX_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > CONFIG_MAX_LEN {
        return Err(format!("larger than {CONFIG_MAX_LEN} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())
}

/// `~/...` for files under the home folder (found ones), the path as given otherwise.
pub(super) fn display_path(path: &Path, env: &Env, os: Os, explicit: bool) -> String {
    if !explicit
        && let Some(home) = env.home(os)
        && let Ok(rest) = path.strip_prefix(home)
    {
        return format!("~/{}", rest.to_string_lossy().replace('\\', "/"));
    }
    if !explicit
        && let Some(cwd) = &env.cwd
        && let Ok(rest) = path.strip_prefix(cwd)
    {
        return format!("./{}", rest.to_string_lossy().replace('\\', "/"));
    }
    printable(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn display_for_test(path: &str, home: &str) -> String {
        let env = Env {
            home: Some(PathBuf::from(home)),
            ..Env::default()
        };
        display_path(Path::new(path), &env, Os::Linux, false)
    }

    #[test]
    fn paths_under_home_are_shortened() {
        assert_eq!(
            display_for_test("/h/.cursor/mcp.json", "/h"),
            "~/.cursor/mcp.json"
        );
        assert_eq!(display_for_test("/x/y.json", "/h"), "/x/y.json");
    }
}
