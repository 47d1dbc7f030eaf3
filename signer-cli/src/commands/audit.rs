//! `audit`: the MCP servers configured on this machine, and what is risky about each: what it
//! runs and which package version that resolves to, unpinned versions, plaintext secrets (never
//! printed), missing sandboxing and, with `--registry`, the registry's verdict.

mod config;
mod launch;
mod locations;
mod registry;
mod secrets;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::Result;
use protocol::scan::Severity;
use protocol::trust::TrustLevel;
use serde::Serialize;
use serde_json::json;

use self::config::{Entry, Transport};
use self::launch::{Launch, Pin, Source};
use self::locations::{Candidate, Env, Os};
use crate::cli::AuditArgs;
use crate::output::Output;
use crate::{EXIT_BAD_INPUT, EXIT_VERIFICATION_FAILED, Reported};

/// Configuration files larger than this are skipped (`~/.claude.json` holds history too, but
/// not this much).
const CONFIG_MAX_LEN: u64 = 64 * 1024 * 1024;

/// One thing found about a configured server.
#[derive(Debug, Clone, Serialize)]
struct Finding {
    code: &'static str,
    severity: Severity,
    message: String,
    /// Where in the entry (`env.GITHUB_TOKEN`, `args[3]`, `headers.Authorization`, `url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    /// `npm:@scope/pkg@1.2.3`, `pypi:name==1.0`, `oci:image:tag`, a URL, or a local program.
    source: String,
    /// The exact version (or digest) it resolves to, when pinned.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    pinned: bool,
    /// What the registry is asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    registry_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Verdict {
    level: TrustLevel,
    reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServerReport {
    name: String,
    client: &'static str,
    config: String,
    /// Where in the file (`mcpServers.github`).
    at: String,
    /// `stdio`, `http`, `sse` or `streamable-http`.
    transport: String,
    /// The command line or URL, with secrets masked.
    runs: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<Package>,
    /// `none` (runs as you), `container`, or `remote` (runs elsewhere).
    sandbox: &'static str,
    disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Verdict>,
    highest: Option<Severity>,
    findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
struct Problem {
    server: String,
    message: String,
}

#[derive(Debug, Clone, Serialize)]
struct ConfigReport {
    path: String,
    client: &'static str,
    /// `ok`, or `skipped` (unreadable or invalid; see `error`).
    status: &'static str,
    servers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<Problem>,
}

pub(crate) fn audit(args: AuditArgs, out: &Output) -> Result<()> {
    let env = Env::from_process();
    let os = Os::current();
    let verifier = args
        .registry
        .as_deref()
        .map(registry::Verifier::new)
        .transpose()?;
    let explicit = !args.configs.is_empty();
    let files: Vec<Candidate> = if explicit {
        args.configs
            .iter()
            .map(|p| Candidate {
                client: locations::guess_client(p),
                path: p.clone(),
            })
            .collect()
    } else {
        locations::candidates(os, &env)
            .into_iter()
            .filter(|c| c.path.is_file())
            .collect()
    };

    let mut configs = Vec::new();
    let mut servers = Vec::new();
    let mut explicit_failures = 0usize;
    for file in &files {
        let shown = display_path(&file.path, &env, os, explicit);
        let text = match read_config(&file.path) {
            Ok(text) => text,
            Err(error) => {
                explicit_failures += usize::from(explicit);
                configs.push(skipped(&shown, file.client, error));
                continue;
            }
        };
        let parsed = match config::parse(&text) {
            Ok(parsed) => parsed,
            Err(error) => {
                explicit_failures += usize::from(explicit);
                configs.push(skipped(&shown, file.client, error));
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
        let mut cache: BTreeMap<String, Result<Verdict, String>> = BTreeMap::new();
        for server in &mut servers {
            let Some(reference) = server.package.as_ref().and_then(|p| p.registry_ref.clone())
            else {
                continue;
            };
            let answer = cache
                .entry(reference.clone())
                .or_insert_with(|| {
                    verifier
                        .verify(&reference)
                        .map(|r| Verdict {
                            level: r.verdict.level,
                            reasons: r.verdict.reasons.into_iter().map(|r| r.message).collect(),
                        })
                        .map_err(|e| format!("{e:#}"))
                })
                .clone();
            apply_verdict(server, &reference, answer);
        }
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

fn skipped(path: &str, client: &'static str, error: String) -> ConfigReport {
    ConfigReport {
        path: path.to_owned(),
        client,
        status: "skipped",
        servers: 0,
        error: Some(error),
        problems: Vec::new(),
    }
}

fn read_config(path: &Path) -> Result<String, String> {
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
fn display_path(path: &Path, env: &Env, os: Os, explicit: bool) -> String {
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

fn analyze(entry: &Entry, client: &'static str, config: &str) -> ServerReport {
    let mut findings = Vec::new();
    let (transport, runs, package, sandbox) = match &entry.transport {
        Transport::Stdio { command, args } => {
            let launch = launch::resolve(command, args);
            stdio_findings(&launch, &mut findings);
            for (i, arg) in args.iter().enumerate() {
                arg_secret(i, arg, args, &mut findings);
            }
            let package = package(&launch.source);
            let sandbox = if launch.container.is_some() {
                "container"
            } else {
                "none"
            };
            (
                "stdio".to_owned(),
                masked_command(command, args),
                Some(package),
                sandbox,
            )
        }
        Transport::Remote { kind, url, headers } => {
            remote_findings(url, &mut findings);
            for (k, v) in headers {
                check_secret(&format!("headers.{k}"), k, v, &mut findings);
            }
            (kind.clone(), masked_url(url), None, "remote")
        }
    };
    for (k, v) in &entry.env {
        check_secret(&format!("env.{k}"), k, v, &mut findings);
    }
    ServerReport {
        name: printable(&entry.name),
        client,
        config: config.to_owned(),
        at: printable(&entry.at),
        transport,
        runs,
        package,
        sandbox,
        disabled: entry.disabled,
        verdict: None,
        highest: None,
        findings,
    }
}

fn package(source: &Source) -> Package {
    let pin = source.pin();
    Package {
        source: printable(&source.display()),
        version: match &pin {
            Pin::Exact(v) => Some(v.clone()),
            _ => None,
        },
        pinned: !matches!(pin, Pin::Floating(_)),
        registry_ref: source.package_ref(),
    }
}

fn finding(
    code: &'static str,
    severity: Severity,
    message: String,
    field: Option<String>,
) -> Finding {
    Finding {
        code,
        severity,
        message,
        field,
    }
}

fn stdio_findings(launch: &Launch, findings: &mut Vec<Finding>) {
    let shown = printable(&launch.source.display());
    match launch.source.pin() {
        Pin::Floating(why) => findings.push(finding(
            "unpinned-version",
            Severity::Warning,
            format!(
                "{} runs {shown} unpinned ({why}): a new release runs without review; pin an exact version",
                launch.launcher
            ),
            None,
        )),
        Pin::Exact(_) if launch.refresh => findings.push(finding(
            "unpinned-version",
            Severity::Warning,
            format!("{} re-resolves {shown} at every start", launch.launcher),
            None,
        )),
        Pin::Exact(_) | Pin::NotApplicable => {}
    }
    if let Source::Local { program } = &launch.source {
        findings.push(finding(
            "local-program",
            Severity::Info,
            format!(
                "runs a program from this machine ({}): its origin and version cannot be checked",
                printable(program)
            ),
            None,
        ));
    }
    match &launch.container {
        None => findings.push(finding(
            "no-sandbox",
            Severity::Info,
            "runs directly on this machine with your permissions (files, network, credentials); \
             not in a container"
                .to_owned(),
            None,
        )),
        Some(weak) if !weak.is_empty() => findings.push(finding(
            "weak-sandbox",
            Severity::Warning,
            format!(
                "runs in a container, but {} gives it your files or the machine",
                printable(&weak.join(", "))
            ),
            None,
        )),
        Some(_) => {}
    }
}

fn remote_findings(url: &str, findings: &mut Vec<Finding>) {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let host = parsed.host_str().unwrap_or_default().to_owned();
            findings.push(finding(
                "remote-server",
                Severity::Info,
                format!(
                    "connects to {}: the server runs elsewhere, its code cannot be checked here",
                    printable(&host)
                ),
                None,
            ));
            let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1")
                || host.starts_with("127.");
            if parsed.scheme() == "http" && !loopback {
                findings.push(finding(
                    "insecure-transport",
                    Severity::Warning,
                    "plain http:// to another machine: anyone on the way can read and change the traffic".to_owned(),
                    Some("url".to_owned()),
                ));
            }
            if let Some(password) = parsed.password()
                && !secrets::is_reference(password)
            {
                findings.push(secret_finding("url", "a password in the URL", password));
            }
            for (k, v) in parsed.query_pairs() {
                if secrets::is_reference(&v) {
                    continue;
                }
                if let Some(what) = secrets::shape(&v) {
                    findings.push(secret_finding(&format!("url ?{k}="), what, &v));
                } else if secrets::secret_name(&k) && secrets::looks_secret(&v) {
                    findings.push(secret_finding(&format!("url ?{k}="), "a secret", &v));
                }
            }
        }
        Err(e) => findings.push(finding(
            "invalid-url",
            Severity::Warning,
            format!("the URL does not parse: {e}"),
            Some("url".to_owned()),
        )),
    }
}

fn secret_finding(field: &str, what: &str, value: &str) -> Finding {
    finding(
        "plaintext-secret",
        Severity::High,
        format!(
            "{} holds {what} in plain text ({}): anything that reads this file has it; use an input \
             variable, an environment reference or the system keychain",
            printable(field),
            secrets::mask(value)
        ),
        Some(printable(field)),
    )
}

fn check_secret(field: &str, name: &str, value: &str, findings: &mut Vec<Finding>) {
    if secrets::is_reference(value) {
        return;
    }
    if let Some(what) = secrets::shape(value) {
        findings.push(secret_finding(field, what, value));
    } else if secrets::secret_name(name) && secrets::looks_secret(value) {
        findings.push(secret_finding(field, "a secret", value));
    }
}

fn arg_secret(i: usize, arg: &str, args: &[String], findings: &mut Vec<Finding>) {
    let field = format!("args[{i}]");
    if let Some((flag, value)) = arg.split_once('=')
        && flag.starts_with('-')
    {
        check_secret(&field, flag, value, findings);
        return;
    }
    if let Some(what) = secrets::shape(arg) {
        findings.push(secret_finding(&field, what, arg));
        return;
    }
    let flag = i.checked_sub(1).and_then(|p| args.get(p));
    if let Some(flag) = flag
        && flag.starts_with('-')
        && secrets::secret_name(flag)
        && !secrets::is_reference(arg)
        && secrets::looks_secret(arg)
    {
        findings.push(secret_finding(&field, "a secret", arg));
    }
    if arg.contains("://")
        && let Ok(url) = url::Url::parse(arg)
        && let Some(password) = url.password()
        && !secrets::is_reference(password)
    {
        findings.push(secret_finding(&field, "a password in a URL", password));
    }
}

/// The command line for display: secrets masked, control characters escaped.
fn masked_command(command: &str, args: &[String]) -> String {
    let mut words = vec![quote(&printable(command))];
    for (i, arg) in args.iter().enumerate() {
        let prev_is_secret_flag = i
            .checked_sub(1)
            .and_then(|p| args.get(p))
            .is_some_and(|f| f.starts_with('-') && secrets::secret_name(f));
        let shown = if let Some((flag, value)) = arg.split_once('=')
            && flag.starts_with('-')
            && (secrets::secret_name(flag) || secrets::shape(value).is_some())
            && !secrets::is_reference(value)
        {
            format!("{flag}={}", secrets::mask(value))
        } else if secrets::shape(arg).is_some()
            || (prev_is_secret_flag && !secrets::is_reference(arg))
        {
            secrets::mask(arg)
        } else if arg.contains("://") {
            masked_url(arg)
        } else {
            arg.clone()
        };
        words.push(quote(&printable(&shown)));
    }
    words.join(" ")
}

/// A URL for display: password and secret query values masked.
fn masked_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return printable(url);
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("****"));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let secret = !secrets::is_reference(&v)
                && (secrets::shape(&v).is_some()
                    || (secrets::secret_name(&k) && secrets::looks_secret(&v)));
            let v = if secret {
                secrets::mask(&v)
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    printable(parsed.as_str())
}

fn quote(word: &str) -> String {
    if word.is_empty() || word.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("{word:?}")
    } else {
        word.to_owned()
    }
}

/// Text from a configuration file made safe for a terminal: control and invisible characters
/// as `\u{...}`.
fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let invisible = matches!(
            u32::from(c),
            0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF | 0xE0000..=0xE007F
        );
        if c.is_control() || invisible {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

fn apply_verdict(server: &mut ServerReport, reference: &str, answer: Result<Verdict, String>) {
    match answer {
        Ok(verdict) => {
            let level = verdict.level;
            let (severity, what) = if level.is_negative() {
                (Severity::High, "the registry flags it")
            } else if level < TrustLevel::Signed {
                (
                    Severity::Warning,
                    "below the default client policy (signed): no valid signed release",
                )
            } else {
                (Severity::Info, "meets the default client policy (signed)")
            };
            let reasons = if verdict.reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", printable(&verdict.reasons.join("; ")))
            };
            server.findings.push(finding(
                "registry-verdict",
                severity,
                format!("registry verdict for {reference}: {level}, {what}{reasons}"),
                None,
            ));
            server.verdict = Some(verdict);
        }
        Err(error) => server.findings.push(finding(
            "registry-error",
            Severity::Warning,
            format!("no registry verdict for {reference}: {}", printable(&error)),
            None,
        )),
    }
}

fn render(
    configs: &[ConfigReport],
    servers: &[ServerReport],
    explicit: bool,
    (high, warning, info): (usize, usize, usize),
) -> String {
    let mut text = String::new();
    if configs.is_empty() {
        text.push_str(if explicit {
            "no configuration files given\n"
        } else {
            "no MCP client configuration found in the known locations (pass --config PATH)\n"
        });
        return text;
    }
    text.push_str("MCP client configurations:\n");
    for c in configs {
        match &c.error {
            Some(error) => text.push_str(&format!(
                "  {} ({}): skipped: {}\n",
                c.path, c.client, error
            )),
            None => text.push_str(&format!(
                "  {} ({}): {} server{}\n",
                c.path,
                c.client,
                c.servers,
                if c.servers == 1 { "" } else { "s" }
            )),
        }
        for p in &c.problems {
            text.push_str(&format!(
                "    skipped {}: {}\n",
                printable(&p.server),
                p.message
            ));
        }
    }
    if servers.is_empty() {
        text.push_str("\nno servers configured\n");
        return text;
    }

    let rows: Vec<[String; 6]> = servers
        .iter()
        .map(|s| {
            let (package, version) = match &s.package {
                Some(p) => (
                    p.source.clone(),
                    match (&p.version, p.pinned) {
                        (Some(v), _) => v.clone(),
                        (None, false) => "unpinned".to_owned(),
                        (None, true) => "-".to_owned(),
                    },
                ),
                None => (s.runs.clone(), "-".to_owned()),
            };
            [
                format!("{}{}", s.name, if s.disabled { " (disabled)" } else { "" }),
                s.client.to_owned(),
                package,
                version,
                s.sandbox.to_owned(),
                s.verdict
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |v| v.level.to_string()),
            ]
        })
        .collect();
    let headers = [
        "SERVER", "CLIENT", "PACKAGE", "VERSION", "SANDBOX", "VERDICT",
    ];
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(56));
        }
    }
    text.push('\n');
    let line = |cells: Vec<String>, highest: &str| {
        let mut l = String::from("  ");
        for (cell, w) in cells.iter().zip(widths) {
            l.push_str(&pad(cell, w));
            l.push_str("  ");
        }
        l.push_str(highest);
        l.push('\n');
        l
    };
    text.push_str(&line(headers.map(str::to_owned).to_vec(), "HIGHEST"));
    for (row, s) in rows.iter().zip(servers) {
        let highest = s
            .highest
            .map_or_else(|| "-".to_owned(), |h| h.as_str().to_uppercase());
        text.push_str(&line(row.to_vec(), &highest));
    }

    for s in servers {
        text.push_str(&format!(
            "\n{} ({}, {} {})\n",
            s.name, s.client, s.config, s.at
        ));
        text.push_str(&format!("  runs: {}\n", s.runs));
        for f in &s.findings {
            text.push_str(&format!(
                "  {:<8} {:<18} {}\n",
                f.severity.as_str().to_uppercase(),
                f.code,
                f.message
            ));
        }
    }
    let n_configs = configs.iter().filter(|c| c.error.is_none()).count();
    text.push_str(&format!(
        "\n{} server{} in {} configuration{}: {high} high, {warning} warning, {info} info\n",
        servers.len(),
        if servers.len() == 1 { "" } else { "s" },
        n_configs,
        if n_configs == 1 { "" } else { "s" },
    ));
    text
}

/// `cell` padded (or cut with `…`) to `width` characters.
fn pad(cell: &str, width: usize) -> String {
    let n = cell.chars().count();
    if n > width {
        let mut s: String = cell.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        format!("{cell}{}", " ".repeat(width - n))
    }
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

    #[test]
    fn command_lines_are_masked() {
        let ghp = format!("ghp_{}", "a1B2".repeat(9));
        let args: Vec<String> = vec![
            "-y".into(),
            "pkg".into(),
            "--token".into(),
            "s3cr3t-value-123".into(),
            format!("--key={ghp}"),
            "https://u:pw123456@h.example/x?api_key=abcdefgh1234".into(),
            ghp.clone(),
        ];
        let shown = masked_command("npx", &args);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains(&ghp[4..]), "{shown}");
        assert!(!shown.contains("pw123456"), "{shown}");
        assert!(!shown.contains("abcdefgh1234"), "{shown}");
        assert_eq!(
            shown,
            "npx -y pkg --token **** --key=ghp_**** https://u:****@h.example/x?api_key=**** ghp_****"
        );
        let mut findings = Vec::new();
        for (i, a) in args.iter().enumerate() {
            arg_secret(i, a, &args, &mut findings);
        }
        let fields: Vec<&str> = findings.iter().filter_map(|f| f.field.as_deref()).collect();
        assert_eq!(fields, ["args[3]", "args[4]", "args[5]", "args[6]"]);
    }

    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(printable("a\u{1b}[2Kb\u{202e}"), "a\\u{1b}[2Kb\\u{202e}");
    }
}
