//! What is risky about one configured server: unpinned versions, local programs, missing or
//! weak sandboxing, remote and plain-http servers, and secrets written in plain text.

use protocol::scan::Severity;

use super::config::{Entry, Transport};
use super::report::{Finding, Package, ServerReport, finding};
use super::safe_display::{masked_command, masked_url, printable};
use super::{fix_entry, secrets};
use crate::launch::{self, Launch, Pin, Source};

pub(super) fn analyze(entry: &Entry, client: &'static str, config: &str) -> ServerReport {
    let mut findings = Vec::new();
    let (transport, runs, package, sandbox) = match &entry.transport {
        Transport::Stdio { command, args } if fix_entry::wrapped_url(command, args).is_some() => {
            // `mcp-sign run --url`: a remote server behind the gateway.
            if let Some(url) = fix_entry::wrapped_url(command, args) {
                remote_findings(url, &mut findings);
            }
            for (i, arg) in args.iter().enumerate() {
                arg_secret(i, arg, args, &mut findings);
            }
            (
                "stdio".to_owned(),
                masked_command(command, args),
                None,
                "remote",
            )
        }
        Transport::Stdio { command, args } => {
            // Through the gateway `audit --fix` writes, what matters is what it starts.
            let (inner, inner_args) =
                fix_entry::wrapped_command(command, args).unwrap_or((command, args));
            let launch = launch::resolve(inner, inner_args);
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
                check_secret(&format!("url ?{k}="), &k, &v, findings);
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
    if let Some(what) = secrets::plaintext(name, value) {
        findings.push(secret_finding(field, what, value));
    }
}

pub(super) fn arg_secret(i: usize, arg: &str, args: &[String], findings: &mut Vec<Finding>) {
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
