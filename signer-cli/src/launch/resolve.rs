//! From a command line to a [`Launch`]: which launcher runs it, shell wrappers (`cmd /c`,
//! `sh -c`) looked through.

use super::docker::oci;
use super::npm::npm;
use super::nuget::nuget;
use super::pypi::pypi;
use super::{Launch, Source};

/// The program's name without folders and Windows extensions, lowercase.
fn program_name(command: &str) -> String {
    let base = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let lower = base.to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    lower
}

/// Split a shell command line into words (quotes and backslashes, no expansion).
pub(super) fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Resolve a command line. Shell wrappers (`cmd /c`, `sh -c`) are looked through, at most a
/// few levels deep.
pub(crate) fn resolve(command: &str, args: &[String]) -> Launch {
    resolve_depth(command, args, 0)
}

fn resolve_depth(command: &str, args: &[String], depth: usize) -> Launch {
    let prog = program_name(command);
    let local = || Launch {
        launcher: prog.clone(),
        source: Source::Local {
            program: std::iter::once(command.to_owned())
                .chain(args.iter().take(1).cloned())
                .collect::<Vec<_>>()
                .join(" "),
        },
        container: None,
        refresh: false,
    };
    if depth > 4 {
        return local();
    }
    let first = args.first().map(String::as_str);
    match prog.as_str() {
        "cmd" if matches!(first, Some("/c" | "/C" | "/k" | "/K")) => match args.get(1) {
            Some(inner) => resolve_depth(inner, args.get(2..).unwrap_or_default(), depth + 1),
            None => local(),
        },
        "sh" | "bash" | "zsh" | "dash" => {
            let pos = args
                .iter()
                .position(|a| a == "-c" || a == "-lc" || a == "-ic");
            match pos.and_then(|i| args.get(i + 1)) {
                Some(line) => {
                    let words = shell_words(line);
                    match words.split_first() {
                        Some((cmd, rest)) => resolve_depth(cmd, rest, depth + 1),
                        None => local(),
                    }
                }
                None => local(),
            }
        }
        "npx" | "bunx" | "pnpx" => npm(&prog, args).unwrap_or_else(local),
        "npm" | "pnpm" | "yarn" | "bun" if matches!(first, Some("exec" | "x" | "dlx")) => {
            npm(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "uvx" => pypi(&prog, args).unwrap_or_else(local),
        "uv" if args
            .get(..2)
            .is_some_and(|a| a[0] == "tool" && a[1] == "run") =>
        {
            pypi(&prog, args.get(2..).unwrap_or_default()).unwrap_or_else(local)
        }
        "pipx" if first == Some("run") => {
            pypi(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "docker" | "podman" if first == Some("run") => {
            oci(&prog, args.get(1..).unwrap_or_default()).unwrap_or_else(local)
        }
        "dnx" => nuget(&prog, args).unwrap_or_else(local),
        _ => local(),
    }
}
