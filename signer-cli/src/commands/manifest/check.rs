//! `manifest check`: every problem of one release manifest, for people or as one JSON document.

use anyhow::Result;
use protocol::Manifest;
use protocol::formats::RELEASE_META_KEY;
use protocol::manifest::{self, Report};
use serde_json::json;

use super::input::read_bounded;
use crate::cli::ManifestCheckArgs;
use crate::output::Output;
use crate::{EXIT_BAD_INPUT, Reported};

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

pub(super) fn problem_lines(report: &Report) -> String {
    report
        .problems()
        .iter()
        .map(|p| format!("{} [{}]\n", p, p.code))
        .collect()
}

pub(super) fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
