//! `mcp-sign pins list|approve`: what `mcp-sign run` pinned for a server, and accepting a tool
//! it hid, after seeing what changed.

use std::path::PathBuf;

use anyhow::{Result, bail};
use protocol::scan::{DiffOp, diff_tools, text_diff};
use serde_json::{Value, json};

use crate::cli::{PinsApproveArgs, PinsListArgs};
use crate::guard::pin_store::{self, PinStore};
use crate::guard::review::high_finding;
use crate::output::Output;

fn path_of(server: &str, pins: Option<&PathBuf>) -> Result<PathBuf> {
    match pins {
        Some(p) => Ok(p.clone()),
        None => Ok(pin_store::default_dir()?.join(pin_store::file_name(server))),
    }
}

fn open_existing(server: &str, pins: Option<&PathBuf>) -> Result<PinStore> {
    let path = path_of(server, pins)?;
    if !path.exists() {
        bail!(
            "no pins for {server} at {} (mcp-sign run writes them on first use; give --pins if \
             the server ran with another file)",
            path.display()
        );
    }
    PinStore::open(&path, server)
}

pub(crate) fn list(args: PinsListArgs, out: &Output) -> Result<()> {
    let store = open_existing(&args.server, args.pins.as_ref())?;
    let mut human = format!("pins of {} in {}\n", args.server, store.path().display());
    for (name, fp) in store.pinned() {
        human.push_str(&format!("  pinned   {name} {fp}\n"));
    }
    for (name, p) in store.pending() {
        human.push_str(&format!(
            "  waiting  {name} {} ({}, seen {}): mcp-sign pins approve {} {name}\n",
            p.fingerprint, p.reason, p.seen_at, args.server
        ));
    }
    out.result(
        &human,
        json!({"server": args.server, "pins": store.path(), "pinned": store.pinned(), "pending": store.pending()}),
    );
    Ok(())
}

/// The change from `old` to `new`, for people: each changed field, and a line diff of
/// changed strings.
fn describe_change(old: Option<&Value>, new: &Value) -> String {
    let Some(old) = old else {
        return format!(
            "new tool:\n{}\n",
            serde_json::to_string_pretty(new).unwrap_or_default()
        );
    };
    let diff = diff_tools(std::slice::from_ref(old), std::slice::from_ref(new));
    let mut text = String::new();
    for change in diff.changed.iter().flat_map(|c| &c.fields) {
        text.push_str(&format!("{} ({:?}):\n", change.path, change.kind));
        match (&change.old, &change.new) {
            (Some(Value::String(a)), Some(Value::String(b))) => {
                for line in text_diff(a, b) {
                    let mark = match line.op {
                        DiffOp::Equal => ' ',
                        DiffOp::Delete => '-',
                        DiffOp::Insert => '+',
                    };
                    text.push_str(&format!("  {mark} {}\n", line.text));
                }
            }
            (a, b) => {
                let show = |v: &Option<Value>| {
                    v.as_ref()
                        .map_or_else(|| "(none)".to_owned(), |v| v.to_string())
                };
                text.push_str(&format!("  - {}\n  + {}\n", show(a), show(b)));
            }
        }
    }
    if text.is_empty() {
        text.push_str("no field differs (the fingerprints differ only in formatting)\n");
    }
    text
}

pub(crate) fn approve(args: PinsApproveArgs, out: &Output) -> Result<()> {
    let mut store = open_existing(&args.server, args.pins.as_ref())?;
    let Some(pending) = store.pending().get(&args.tool).cloned() else {
        // `approve` words the error (what waits, where).
        store.approve(&args.tool, args.accept_findings)?;
        unreachable!("approve fails when nothing waits");
    };
    let finding = high_finding(&pending.definition);
    if let Some(finding) = &finding
        && !args.accept_findings
    {
        bail!(
            "the scanner rates {} high: {finding}; if you have read the definition and trust \
             it, pass --accept-findings",
            args.tool
        );
    }
    let change = describe_change(store.definition(&args.tool), &pending.definition);
    let approval = store.approve(&args.tool, args.accept_findings && finding.is_some())?;
    store.save()?;
    let human = format!(
        "{change}approved {} of {} ({}); mcp-sign run shows it from the next tools/list\n",
        args.tool, args.server, approval.approved.fingerprint
    );
    out.result(
        &human,
        json!({
            "server": args.server,
            "tool": args.tool,
            "fingerprint": approval.approved.fingerprint,
            "previous": approval.previous,
            "approved": approval.approved.definition,
            "acceptedFindings": finding,
        }),
    );
    Ok(())
}
