//! `scan`: look for tool poisoning in a release manifest, a `tools/list` result or an array of
//! tool definitions (the rules are in `protocol::scan`).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use protocol::formats::MANIFEST_MAX_LEN;
use protocol::formats::scan::{SCANNER_MODEL, SCANNER_VERSION};
use protocol::scan::{self, Finding, Report, Severity, Subject};
use serde_json::json;

use crate::cli::ScanArgs;
use crate::output::Output;
use crate::{EXIT_VERIFICATION_FAILED, Reported};

pub(crate) fn scan(args: ScanArgs, out: &Output) -> Result<()> {
    let (label, bytes) = read_input(&args.file)?;
    let (subject, report) = scan::scan_json(&bytes).map_err(|e| anyhow!("{label}: {e}"))?;
    let failing = report
        .findings
        .iter()
        .filter(|f| f.severity >= args.fail_on)
        .count();

    let human = render(&label, subject, &report, args.explain);
    out.result(
        &human,
        json!({
            "ok": failing == 0,
            "file": label,
            "subject": subject.as_str(),
            "tools": report.tools,
            "highest": report.highest(),
            "counts": {
                "high": report.count(Severity::High),
                "warning": report.count(Severity::Warning),
                "info": report.count(Severity::Info),
            },
            "failOn": args.fail_on,
            "scanner": { "version": SCANNER_VERSION, "model": SCANNER_MODEL },
            "findings": report.findings,
        }),
    );
    if failing > 0 {
        return Err(Reported {
            summary: format!(
                "{label}: {failing} finding{} at {} or above",
                if failing == 1 { "" } else { "s" },
                args.fail_on
            ),
            exit_code: EXIT_VERIFICATION_FAILED,
        }
        .into());
    }
    Ok(())
}

/// The input's bytes and how to name it, refusing more than a manifest may hold.
fn read_input(path: &Path) -> Result<(String, Vec<u8>)> {
    let limit = u64::try_from(MANIFEST_MAX_LEN)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    let label = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        "<stdin>".to_owned()
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", path.display()))?;
        path.display().to_string()
    };
    if bytes.len() > MANIFEST_MAX_LEN {
        bail!("{label} is larger than {MANIFEST_MAX_LEN} bytes");
    }
    Ok((label, bytes))
}

fn describe(subject: Subject, tools: usize) -> String {
    let tools = format!("{tools} tool{}", if tools == 1 { "" } else { "s" });
    match subject {
        Subject::Manifest => format!("a release manifest with {tools}"),
        Subject::ToolsList => format!("a tools/list result with {tools}"),
        Subject::JsonRpc => format!("a JSON-RPC tools/list response with {tools}"),
        Subject::ToolArray => format!("an array of {tools}"),
    }
}

fn render(label: &str, subject: Subject, report: &Report, explain: bool) -> String {
    let mut text = format!("{label}: {}\n", describe(subject, report.tools));
    if explain {
        text.push_str(&format!(
            "scanner: version {SCANNER_VERSION}, {}\n",
            model()
        ));
    }
    for f in &report.findings {
        text.push_str(&finding_lines(f));
        if explain {
            text.push_str(&why_lines(f));
        }
    }
    let n = report.findings.len();
    if n == 0 {
        text.push_str("no findings\n");
    } else {
        text.push_str(&format!(
            "{n} finding{} ({} high, {} warning, {} info)\n",
            if n == 1 { "" } else { "s" },
            report.count(Severity::High),
            report.count(Severity::Warning),
            report.count(Severity::Info),
        ));
    }
    text
}

/// One finding for people. Excerpts and paths come escaped from the scanner: nothing here can
/// move the cursor or hide text in the terminal.
fn finding_lines(f: &Finding) -> String {
    let key = if f.location == scan::Location::Key {
        " (key)"
    } else {
        ""
    };
    let tool = f
        .tool
        .as_deref()
        .map(|t| format!("  tool {t}"))
        .unwrap_or_default();
    let mut text = format!(
        "{:<8} {:<20} {}{key} [{}..{}]{tool}\n         {}\n",
        f.severity.as_str().to_uppercase(),
        f.code.as_str(),
        f.path,
        f.span.start,
        f.span.end,
        f.message,
    );
    if !f.excerpt.is_empty() {
        text.push_str(&format!("         > {}\n", f.excerpt));
    }
    if let Some(decoded) = &f.decoded {
        text.push_str(&format!("         hidden text: \"{decoded}\"\n"));
    }
    text
}

fn model() -> String {
    match SCANNER_MODEL {
        Some(digest) => format!("model {digest}"),
        None => "model: none \u{2014} rules only".to_owned(),
    }
}

/// Why a finding fired, for `--explain`: its rule, the words it matched (in the decoded text
/// when a decoding revealed them), the decodings, where it is, and what raised its severity.
/// Everything printed comes escaped from the scanner.
fn why_lines(f: &Finding) -> String {
    let rule = f
        .message
        .split(" (in the hidden text")
        .next()
        .and_then(|m| m.split(" (inside the hidden text").next())
        .and_then(|m| m.split("; high together with").next())
        .unwrap_or(&f.message);
    let mut text = format!(
        "         why:\n           rule      {} \u{2014} {rule}\n",
        f.code
    );
    match (&f.matched, f.excerpt.is_empty()) {
        (Some(m), _) => text.push_str(&format!(
            "           matched   \"{m}\" (in the decoded text)\n"
        )),
        (None, false) => text.push_str(&format!("           matched   \"{}\"\n", f.excerpt)),
        (None, true) => {}
    }
    if f.decoding.is_empty() {
        text.push_str("           decoding  none (the text as written)\n");
    } else {
        text.push_str(&format!(
            "           decoding  {} (outermost first)\n",
            f.decoding.join(" > ")
        ));
    }
    let key = if f.location == scan::Location::Key {
        " (the key)"
    } else {
        ""
    };
    text.push_str(&format!(
        "           where     {}{key}, bytes {}..{}\n",
        f.path, f.span.start, f.span.end
    ));
    if f.raised_with.is_empty() {
        text.push_str(&format!(
            "           severity  {} (the rule's own)\n",
            f.severity
        ));
    } else {
        let with: Vec<&str> = f.raised_with.iter().map(|c| c.as_str()).collect();
        text.push_str(&format!(
            "           severity  {}: raised by {} in the same {}\n",
            f.severity,
            with.join(", "),
            if f.tool.is_some() {
                "tool"
            } else {
                "server metadata"
            }
        ));
    }
    text
}
