//! `mcp-sign check TARGET --registry URL`: may this release be installed?
//!
//! The decision is `protocol::client::assess` (mix-and-match, the log evidence, consistency
//! with the last checkpoint this client saw, rollback of "latest", the artifact's digest, tools
//! against pins, the trust level against `--min-level`); this file is its I/O: the registry,
//! the pinned key and the state files ([`assess`], which `run` calls too), then printing and
//! `--write-pins`. Exit 0 allowed, 1 refused, 2 error.

use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result, anyhow};
use protocol::api::VerifyResponse;
use protocol::client::{self, AssessInput, Assessment, PinnedTools, ServedRelease, Target};
use protocol::manifest::ReleaseExtension;
use protocol::trust::TrustLevel;
use serde_json::json;

use super::log_trust_store::{self, LogState, Pinned};
use super::registry_client::{RegistryClient, query_value};
use super::tool_pins;
use crate::cli::{CheckArgs, LogTrustArgs};
use crate::output::Output;
use crate::{EXIT_VERIFICATION_FAILED, Reported};

/// What to check, and against what.
pub(crate) struct CheckRequest<'a> {
    /// NAME@VERSION, NAME or a package reference, as the user wrote it.
    pub(crate) target: &'a str,
    /// The registry's base URL.
    pub(crate) registry: &'a str,
    /// Where the registry's key is pinned and what this client saw is remembered.
    pub(crate) trust: &'a LogTrustArgs,
    pub(crate) min_level: TrustLevel,
    /// A downloaded artifact to compare with the signed manifest: its label and bytes.
    pub(crate) artifact: Option<(String, Vec<u8>)>,
    /// Tool pins (`--pin-tools`) to compare the release's tools with.
    pub(crate) pin_tools: Option<&'a Path>,
}

/// What the registry answered and what was decided.
pub(crate) struct CheckOutcome {
    pub(crate) assessment: Assessment,
    pub(crate) response: VerifyResponse,
    pub(crate) release: Option<ReleaseExtension>,
    /// The registry's log key and how it was chosen.
    pub(crate) pinned: Pinned,
}

/// Everything `check` does but printing and writing pins: asks the registry, decides with
/// `protocol::client::assess`, and remembers what the log showed. `note` hears progress
/// (which registry key is used, before anything can fail).
pub(crate) fn assess(req: &CheckRequest<'_>, note: &mut dyn FnMut(&str)) -> Result<CheckOutcome> {
    let target = Target::from_str(req.target)?;
    let pinned_tools = req.pin_tools.map(tool_pins::load).transpose()?;
    let client = RegistryClient::new(req.registry)?;
    let pinned = log_trust_store::pin(req.trust, &client)?;
    let mut state = LogState::load(req.trust, &pinned.verifier)?;
    note(&pinned.describe());

    let query: Vec<String> = target
        .verify_query()
        .iter()
        .map(|(k, v)| format!("{k}={}", query_value(v)))
        .collect();
    let resp: VerifyResponse = client.get_json(&format!("/v1/verify?{}", query.join("&")))?;
    let served = ServedRelease::of(&resp);

    let pinned_tools = match (&pinned_tools, req.pin_tools) {
        (Some(pins), Some(path)) => {
            let tools = tool_pins::release_tools(served.release.as_ref());
            let diff = tool_pins::compare(pins, &tools)?;
            Some(PinnedTools {
                source: path.display().to_string(),
                server: pins.server.clone(),
                release_tools: tools.len(),
                difference: (!diff.is_empty()).then(|| (diff.describe(), diff.to_json())),
            })
        }
        _ => None,
    };
    let state_path = state.path().to_path_buf();
    let remembered_in = state_path.display().to_string();
    let assessment = {
        let input = AssessInput {
            target: &target,
            asked: req.target,
            min_level: req.min_level,
            verifier: &pinned.verifier,
            registry_key: pinned.describe(),
            remembered_latest: &state.latest,
            remembered_in: &remembered_in,
            artifact: req
                .artifact
                .as_ref()
                .map(|(label, bytes)| (label.as_str(), bytes.as_slice())),
            pinned_tools,
        };
        let pending = client::assess(&input, &resp, &served);
        let consistency = match pending.checkpoint() {
            Some(cp) => Some(log_trust_store::check_consistency(
                &client,
                &pinned.verifier,
                &mut state.checkpoint,
                &state_path,
                cp,
            )?),
            None => None,
        };
        pending.conclude(consistency)
    };

    if assessment.remember() {
        // Remember the checkpoint and versions even when refusing for other reasons: what the
        // log showed is still true.
        if let Some((name, version)) = &assessment.remember_latest {
            state.latest.insert(name.clone(), version.clone());
        }
        state.save()?;
    }
    let ServedRelease { release, .. } = served;
    Ok(CheckOutcome {
        assessment,
        response: resp,
        release,
        pinned,
    })
}

pub(crate) fn check(args: CheckArgs, out: &Output) -> Result<()> {
    let min_level =
        TrustLevel::from_str(&args.min_level).map_err(|e| anyhow!("--min-level: {e}"))?;
    let artifact = match &args.artifact {
        Some(p) => Some((
            p.display().to_string(),
            std::fs::read(p).with_context(|| format!("cannot read --artifact {}", p.display()))?,
        )),
        None => None,
    };
    let req = CheckRequest {
        target: &args.target,
        registry: &args.registry.registry,
        trust: &args.trust,
        min_level,
        artifact,
        pin_tools: args.pin_tools.as_deref(),
    };
    let outcome = assess(&req, &mut |n| out.note(n))?;
    let CheckOutcome {
        assessment: mut report,
        response: resp,
        release,
        pinned,
        ..
    } = outcome;
    let (name, version) = (report.name.clone(), report.version.clone());

    if report.allowed()
        && let Some(path) = &args.write_pins
    {
        let release_tools = tool_pins::release_tools(release.as_ref());
        let file = tool_pins::pins_file(&name, &version, &release_tools)?;
        crate::files::write(
            path,
            format!("{}\n", serde_json::to_string_pretty(&file)?).as_bytes(),
            crate::files::Mode::Public,
        )?;
        report.notes.push(format!(
            "pinned the fingerprints of {} tools of {name}@{version} in {}",
            release_tools.len(),
            path.display()
        ));
    }
    render(&args.target, min_level, &report, &resp, &pinned, out)
}

/// Prints the decision (people and `--json`) and turns a refusal into exit code 1.
fn render(
    asked: &str,
    min_level: TrustLevel,
    report: &Assessment,
    resp: &VerifyResponse,
    pinned: &Pinned,
    out: &Output,
) -> Result<()> {
    let allowed = report.allowed();
    let level = report.level;
    let label = report.label(asked);
    let checkpoint = report.checkpoint.as_ref();
    let machine = json!({
        "ok": allowed,
        "allowed": allowed,
        "exitCode": if allowed { 0 } else { EXIT_VERIFICATION_FAILED },
        "target": asked,
        "name": resp.name,
        "version": resp.version,
        "level": level.as_str(),
        "minLevel": min_level.as_str(),
        "registryKey": {"key": pinned.verifier.key(), "source": pinned.source_name()},
        "checkpoint": checkpoint.map(|c| json!({"origin": c.origin, "size": c.size, "root": c.root_base64()})),
        "checks": report.checks,
        "refusals": report.refusals,
        "notes": report.notes,
        "toolsDiff": report.tools_diff,
        "verdict": resp.verdict,
    });
    let mut human = String::new();
    for c in &report.checks {
        human.push_str(&format!(
            "{} {}: {}\n",
            if c.ok { "ok  " } else { "FAIL" },
            c.check,
            c.detail
        ));
    }
    for n in &report.notes {
        human.push_str(&format!("note: {n}\n"));
    }
    if allowed {
        human.push_str(&format!("allowed: {label} is {level}\n"));
        out.result(&human, machine);
        Ok(())
    } else {
        human.push_str(&format!(
            "refused: {label}: {}\n",
            report.refusals.join("; ")
        ));
        out.result(&human, machine);
        Err(Reported {
            summary: format!("refused: {}", report.refusals.join("; ")),
            exit_code: EXIT_VERIFICATION_FAILED,
        }
        .into())
    }
}
