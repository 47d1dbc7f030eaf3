//! `run --registry`: the verdict before start, through the same library call as `check`, and
//! the command rewritten to run the bytes that were checked.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{Result, anyhow};
use protocol::trust::TrustLevel;
use serde_json::{Value, json};

use crate::VerificationFailed;
use crate::cli::RunArgs;
use crate::commands::check::{CheckRequest, assess};
use crate::guard::audit_log::AuditLog;
use crate::launch::Launch;
use crate::prelaunch::{self, Fetcher, PackageSources};

/// What the registry said that the session uses.
#[derive(Debug, Default)]
pub(super) struct Verified {
    /// The registry's name of the server.
    pub(super) name: Option<String>,
    /// The signed manifest's tools, by name, when the release is signed.
    pub(super) signed_tools: Option<BTreeMap<String, Value>>,
    /// The launcher's arguments to run instead (the verified copy).
    pub(super) args: Option<Vec<String>>,
}

fn refuse(log: &mut AuditLog, reason: &str, fields: Value) -> anyhow::Error {
    log.record(
        "start_refused",
        fields,
        &format!("refused to start: {reason}"),
    );
    VerificationFailed(anyhow!("refused to start: {reason}")).into()
}

pub(super) fn verify(
    args: &RunArgs,
    registry: &str,
    launch: &Launch,
    program_args: &[String],
    log: &mut AuditLog,
) -> Result<Verified> {
    let min_level = args
        .min_level
        .as_deref()
        .map(TrustLevel::from_str)
        .transpose()
        .map_err(|e| anyhow!("--min-level: {e}"))?;
    let fetch = Fetcher::new()?;
    let sources = PackageSources {
        npm: args.npm_registry_url.clone(),
        pypi: args.pypi_url.clone(),
    };
    let Some(package) = prelaunch::exact_package(launch, &fetch, &sources)? else {
        let what = launch.source.display();
        if min_level.is_some() {
            return Err(refuse(
                log,
                &format!(
                    "{what} is not a package the registry can vouch for (--min-level was given)"
                ),
                json!({"reason": "not-a-package", "runs": what}),
            ));
        }
        log.record(
            "unverified",
            json!({"runs": what}),
            &format!("warning: {what} is not a package, so the registry cannot vouch for it"),
        );
        return Ok(Verified::default());
    };
    if let Some(note) = &package.resolved {
        log.record(
            "version_resolved",
            json!({"package": package.reference}),
            note,
        );
    }
    let outcome = assess(
        &CheckRequest {
            target: &package.reference,
            registry,
            trust: &args.trust,
            min_level: min_level.unwrap_or(TrustLevel::Listed),
            artifact: None,
            pin_tools: None,
        },
        &mut |note| log.record("registry_key", json!({}), note),
    )?;
    let verdict = &outcome.assessment;
    let level = verdict.level;
    if level == TrustLevel::Unknown && min_level.is_none() {
        log.record(
            "unverified",
            json!({"package": package.reference, "level": level.as_str()}),
            &format!(
                "warning: {} is not in the registry at {registry}: nothing about it is verified",
                package.reference
            ),
        );
        return Ok(Verified::default());
    }
    if !verdict.allowed() {
        return Err(refuse(
            log,
            &format!("{}: {}", package.reference, verdict.refusals.join("; ")),
            json!({"package": package.reference, "level": level.as_str(), "refusals": verdict.refusals}),
        ));
    }
    for note in &verdict.notes {
        log.record("note", json!({"package": package.reference}), note);
    }
    let label = format!("{}@{}", verdict.name, verdict.version);
    if !level.satisfies(TrustLevel::Signed) {
        log.record(
            "verdict",
            json!({"package": package.reference, "level": level.as_str()}),
            &format!("warning: {label} is only {level}: its maintainer did not sign it"),
        );
    } else {
        log.record(
            "verdict",
            json!({"package": package.reference, "level": level.as_str()}),
            &format!("{label} is {level}; the signature and the log evidence check out"),
        );
    }
    let mut verified = Verified {
        name: (!verdict.name.is_empty()).then(|| verdict.name.clone()),
        ..Verified::default()
    };
    if let Some(release) = &outcome.release {
        if !release.tools.is_empty() {
            verified.signed_tools = Some(
                release
                    .tools
                    .iter()
                    .filter_map(|t| Some((t.name.clone(), serde_json::to_value(t).ok()?)))
                    .collect(),
            );
        }
        let cache = crate::dirs::cache_dir()?;
        match prelaunch::verified_command(
            launch,
            package.version.as_deref(),
            program_args,
            release,
            &fetch,
            &sources,
            &cache,
        ) {
            Ok(Some(v)) => {
                log.record(
                    "artifact_verified",
                    json!({"package": package.reference, "args": v.args}),
                    &v.note,
                );
                verified.args = Some(v.args);
            }
            Ok(None) => {}
            Err(e) => {
                return Err(refuse(
                    log,
                    &format!("{e:#}"),
                    json!({"package": package.reference, "reason": "artifact"}),
                ));
            }
        }
    }
    if verified.args.is_none()
        && package.resolved.is_some()
        && let Some(args) = prelaunch::pin_version(launch, program_args, package.version.as_deref())
    {
        verified.args = Some(args);
    }
    Ok(verified)
}
