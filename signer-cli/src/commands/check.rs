//! `mcp-sign check TARGET --registry URL`: may this release be installed?
//!
//! Every check that can be done offline is done here, against the registry's pinned log key:
//! the evidence of the verdict (`protocol::log::evidence::check_release`: checkpoint signature,
//! inclusion proofs, manifest digest against the log, maintainer signature, logged namespace
//! proof), consistency with the last checkpoint this client saw, rollback of "latest", the
//! artifact's digest, and the trust level against `--min-level`. Exit 0 allowed, 1 refused,
//! 2 error.

use std::str::FromStr;

use anyhow::{Context, Result, anyhow, bail};
use protocol::ArtifactState;
use protocol::api::VerifyResponse;
use protocol::log::evidence::check_release;
use protocol::manifest::release::Artifact;
use protocol::manifest::{ReleaseExtension, Sha256Digest, Sha512Integrity};
use protocol::oci_tag;
use protocol::trust::{ReasonCode, TrustLevel};
use protocol::{PackageRef, Version};
use serde_json::{Value, json};

use super::log_trust_store::{self, Consistency, LogState};
use super::registry_client::{RegistryClient, query_value, verdict_line};
use super::tool_pins;
use crate::cli::CheckArgs;
use crate::output::Output;
use crate::{EXIT_VERIFICATION_FAILED, Reported};

/// What was asked.
enum Target {
    Release { name: String, version: String },
    Latest { name: String },
    Package(PackageRef),
}

fn parse_target(t: &str) -> Result<Target> {
    // Server names never contain ':'; package references always do.
    if t.contains(':') {
        let p = PackageRef::from_str(t).map_err(|e| anyhow!("{e}"))?;
        return Ok(Target::Package(p));
    }
    match t.split_once('@') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => Ok(Target::Release {
            name: name.to_string(),
            version: version.to_string(),
        }),
        Some(_) => bail!("expected NAME@VERSION, NAME or a package reference, not {t:?}"),
        None => Ok(Target::Latest {
            name: t.to_string(),
        }),
    }
}

#[derive(Default)]
struct Report {
    checks: Vec<Value>,
    refusals: Vec<String>,
    notes: Vec<String>,
}

impl Report {
    fn pass(&mut self, check: &str, detail: String) {
        self.checks
            .push(json!({"check": check, "ok": true, "detail": detail}));
    }

    fn fail(&mut self, check: &str, detail: String) {
        self.checks
            .push(json!({"check": check, "ok": false, "detail": detail.clone()}));
        self.refusals.push(detail);
    }
}

/// Which artifact of the signed manifest a file is, and by which digest: the npm sha512
/// integrity or the file's sha256 (with a package target, only that package's artifacts).
/// Returns whether one matched and a sentence saying what was compared.
fn artifact_matches(
    release: Option<&ReleaseExtension>,
    bytes: &[u8],
    file: &str,
    package: Option<&PackageRef>,
) -> (bool, String) {
    let sha = Sha256Digest::of(bytes);
    let integrity = Sha512Integrity::of(bytes);
    let artifacts: Vec<&Artifact> = release
        .into_iter()
        .flat_map(|r| &r.artifacts)
        .filter(|a| package.is_none_or(|p| p.names_package(&a.registry_type, &a.identifier)))
        .collect();
    let label = |a: &Artifact| format!("{}:{}", a.registry_type, a.identifier);
    for a in &artifacts {
        if a.integrity == Some(integrity) {
            return (
                true,
                format!(
                    "{file}: npm integrity {integrity} is listed in the signed manifest \
                     (artifact {})",
                    label(a)
                ),
            );
        }
        if a.sha256 == Some(sha) {
            return (
                true,
                format!(
                    "{file}: sha256 {sha} is listed in the signed manifest (artifact {})",
                    label(a)
                ),
            );
        }
    }
    let recorded: Vec<String> = artifacts
        .iter()
        .map(|a| {
            let digests: Vec<String> = [
                a.sha256.as_ref().map(ToString::to_string),
                a.integrity.as_ref().map(ToString::to_string),
                a.oci_digest.as_ref().map(ToString::to_string),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!("{} {}", label(a), digests.join(" "))
        })
        .collect();
    (
        false,
        format!(
            "artifact digest mismatch: {file} has sha256 {sha} and npm integrity {integrity}, \
             which no artifact of the signed manifest lists (it records: {})",
            if recorded.is_empty() {
                "nothing".to_string()
            } else {
                recorded.join("; ")
            }
        ),
    )
}

pub(crate) fn check(args: CheckArgs, out: &Output) -> Result<()> {
    let min_level =
        TrustLevel::from_str(&args.min_level).map_err(|e| anyhow!("--min-level: {e}"))?;
    let target = parse_target(&args.target)?;
    let artifact = match &args.artifact {
        Some(p) => Some((
            p.clone(),
            std::fs::read(p).with_context(|| format!("cannot read --artifact {}", p.display()))?,
        )),
        None => None,
    };
    let pinned_tools = args.pin_tools.as_deref().map(tool_pins::load).transpose()?;
    let client = RegistryClient::new(&args.registry.registry)?;
    let pinned = log_trust_store::pin(&args.trust, &client)?;
    let mut state = LogState::load(&args.trust, &pinned.verifier)?;
    out.note(&pinned.describe());

    let path = match &target {
        Target::Release { name, version } => format!(
            "/v1/verify?server={}&version={}",
            query_value(name),
            query_value(version)
        ),
        Target::Latest { name } => format!("/v1/verify?server={}", query_value(name)),
        Target::Package(p) => format!("/v1/verify?package={}", query_value(&p.to_string())),
    };
    let resp: VerifyResponse = client.get_json(&path)?;
    // The manifest the registry served (Null without one); the log evidence below is checked
    // over the same bytes.
    let manifest: Value = resp
        .manifest
        .as_deref()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let release = ReleaseExtension::of(&manifest);
    let mut report = Report::default();
    report.pass("registry-key", pinned.describe());

    let level = resp.verdict.level;
    let name = resp.name.clone().unwrap_or_default();
    let version = resp.version.clone().unwrap_or_default();
    if level == TrustLevel::Unknown {
        report.fail("known", format!("{} is not in the registry", args.target));
    } else if let Target::Release {
        name: n,
        version: v,
    } = &target
        && (n != &name || v != &version)
    {
        report.fail(
            "target",
            format!("mix-and-match: asked for {n}@{v}, the registry answered for {name}@{version}"),
        );
    } else if let Target::Latest { name: n } = &target
        && n != &name
    {
        report.fail(
            "target",
            format!("mix-and-match: asked for {n}, the registry answered for {name}"),
        );
    }

    // A package query must be answered with a release that names the package.
    if let Target::Package(p) = &target
        && report.refusals.is_empty()
    {
        let names_it = manifest
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|pkg| {
                let rt = pkg
                    .get("registryType")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let id = pkg.get("identifier").and_then(Value::as_str).unwrap_or("");
                let v = pkg.get("version").and_then(Value::as_str);
                // The release extension's image digest, for `oci:…@sha256:` questions.
                let signed = release
                    .iter()
                    .flat_map(|r| &r.artifacts)
                    .find(|a| a.registry_type == rt && a.identifier == id)
                    .and_then(|a| a.oci_digest.as_ref());
                // The same rule the registry stores packages by (tag in the identifier wins).
                oci_tag::reference_names_entry(p, rt, id, v, signed)
            });
        if names_it {
            report.pass(
                "package",
                format!("the signed manifest of {name}@{version} names {p}"),
            );
        } else {
            report.fail(
                "package",
                format!("mix-and-match: the manifest of {name}@{version} does not name {p}"),
            );
        }
    }

    let mut checkpoint = None;
    if report.refusals.is_empty() {
        if resp.log.is_none() && !TrustLevel::Signed.satisfies(min_level) {
            report.notes.push(
                "no transparency-log evidence (the release is not signed); allowed by --min-level"
                    .to_string(),
            );
        } else {
            match check_release(&resp, &pinned.verifier) {
                Ok(checked) => {
                    report.pass(
                        "checkpoint",
                        format!(
                            "checkpoint of {} for tree size {} is signed by the pinned key",
                            checked.checkpoint.origin, checked.checkpoint.size
                        ),
                    );
                    report.pass(
                        "inclusion",
                        format!(
                            "release record (leaf {}) and key record (leaf {}) are in the tree",
                            checked.release_index, checked.key_index
                        ),
                    );
                    report.pass(
                        "manifest",
                        format!(
                            "manifest sha256 {} is the one the log recorded for {}@{}",
                            checked.manifest_sha256, checked.name, checked.version
                        ),
                    );
                    report.pass(
                        "signature",
                        format!(
                            "the maintainer's signature verifies with key {}, whose namespace \
                             proof is in the log",
                            checked.key_id
                        ),
                    );
                    checkpoint = Some(checked.checkpoint);
                }
                Err(e) => {
                    let msg = e.to_string();
                    let msg = msg.strip_prefix("transparency log: ").unwrap_or(&msg);
                    report.fail("evidence", msg.to_string());
                }
            }
        }
    }

    if let Some(cp) = &checkpoint {
        match log_trust_store::check_consistency(&client, &pinned.verifier, &mut state, cp)? {
            Ok(Consistency::First) => report.pass(
                "consistency",
                format!(
                    "first checkpoint seen from this log (size {}); remembered in {}",
                    cp.size,
                    state.path().display()
                ),
            ),
            Ok(Consistency::Same) => {
                report.pass(
                    "consistency",
                    format!("same tree as seen before (size {})", cp.size),
                );
            }
            Ok(Consistency::Proven { from, to }) => {
                if cp.size < to {
                    report.notes.push(format!(
                        "the registry served an older checkpoint (size {}) than this client has \
                         seen (size {to})",
                        cp.size
                    ));
                }
                report.pass(
                    "consistency",
                    format!(
                        "the log of size {to} extends the one of size {from} (consistency proof)"
                    ),
                );
            }
            Err(refusal) => report.fail("consistency", refusal),
        }
    }

    // Rollback: an older version served as latest after a newer one was seen.
    if report.refusals.is_empty() && !version.is_empty() {
        let served = Version::from_str(&version).ok();
        let seen = state
            .latest
            .get(&name)
            .and_then(|v| Version::from_str(v).ok());
        if let (Target::Latest { .. }, Some(served), Some(seen)) = (&target, &served, &seen) {
            if seen.is_newer_than(served) {
                report.fail(
                    "rollback",
                    format!(
                        "rollback: the registry served {name}@{served} as the latest version, \
                         but this client has seen {name}@{seen} before (if {seen} was yanked, \
                         check it explicitly: mcp-sign check {name}@{seen})"
                    ),
                );
            } else {
                report.pass(
                    "rollback",
                    format!("{served} is not older than {seen}, seen before"),
                );
            }
        }
        if matches!(target, Target::Latest { .. })
            && report.refusals.is_empty()
            && let Some(served) = served
            && seen.as_ref().is_none_or(|s| served.is_newer_than(s))
        {
            state.latest.insert(name.clone(), served.to_string());
        }
    }

    if let Some((path, bytes)) = &artifact {
        let package = match &target {
            Target::Package(p) => Some(p),
            _ => None,
        };
        let (hit, detail) = artifact_matches(
            release.as_ref(),
            bytes,
            &path.display().to_string(),
            package,
        );
        if hit {
            report.pass("artifact", detail);
        } else {
            report.fail("artifact", detail);
        }
    }

    // What the registry itself compared against the package registries (the `verified`
    // level): for a package reference, that package's check.
    for a in &resp.artifacts {
        if let Target::Package(p) = &target
            && !a
                .package
                .starts_with(&format!("{}:{}", p.registry_type(), p.name()))
        {
            continue;
        }
        let detail = match (a.state, &a.compared, &a.observed) {
            (ArtifactState::Matched, Some(what), Some(digest)) => format!(
                "{}: {what} {digest} matches the signed manifest (checked by the registry at {})",
                a.package, a.checked_at
            ),
            _ => format!(
                "{} (checked by the registry at {})",
                a.message, a.checked_at
            ),
        };
        if a.state == ArtifactState::Matched {
            report.pass("registry-artifact", detail);
        } else {
            report.notes.push(detail);
        }
    }

    // Tools against the user's pins (rug pulls).
    let release_tools = tool_pins::release_tools(release.as_ref());
    let mut tools_diff = None;
    if let (Some(p), Some(path)) = (&pinned_tools, &args.pin_tools)
        && level != TrustLevel::Unknown
    {
        match &p.server {
            Some(server) if !name.is_empty() && server != &name => report.fail(
                "tools",
                format!(
                    "the pins in {} are for {server}, not {name}",
                    path.display()
                ),
            ),
            _ => {
                let diff = tool_pins::compare(p, &release_tools)?;
                if diff.is_empty() {
                    report.pass(
                        "tools",
                        format!(
                            "the {} tools match the fingerprints pinned in {}",
                            release_tools.len(),
                            path.display()
                        ),
                    );
                } else {
                    report.fail(
                        "tools",
                        format!(
                            "tools differ from the fingerprints pinned in {}: {}",
                            path.display(),
                            diff.describe()
                        ),
                    );
                    tools_diff = Some(diff.to_json());
                }
            }
        }
    }
    if let Some(d) = &resp.tools_diff
        && !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty())
    {
        let names = |v: &[protocol::scan::ToolRef]| {
            v.iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        report.notes.push(format!(
            "the registry reports tools changed since {}: added [{}], removed [{}], changed [{}]",
            d.previous_version,
            names(&d.added),
            names(&d.removed),
            d.changed
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    // The trust level, with the registry's reasons.
    if level.is_negative() {
        let why: Vec<&str> = resp
            .verdict
            .reasons
            .iter()
            .map(|r| r.message.as_str())
            .collect();
        let prefix = match level {
            TrustLevel::Revoked => "revoked key",
            TrustLevel::Yanked => "yanked",
            _ => "malicious",
        };
        report.fail("trust", format!("{prefix}: {}", why.join("; ")));
    } else if level != TrustLevel::Unknown && !level.satisfies(min_level) {
        report.fail(
            "trust",
            format!(
                "trust level {level} is below the required {min_level} ({})",
                verdict_line(&resp.verdict)
            ),
        );
    } else if level != TrustLevel::Unknown {
        report.pass(
            "trust",
            format!("{level} satisfies --min-level {min_level}"),
        );
    }
    // A deprecation refuses nothing (the release is what its maintainer published), but the
    // user should hear what the maintainer says to use instead.
    for r in resp
        .verdict
        .reasons
        .iter()
        .filter(|r| r.code == ReasonCode::Deprecated)
    {
        report.notes.push(r.message.clone());
    }
    if let Some(k) = &resp.key
        && let Some(at) = &k.revoked_at
        && level != TrustLevel::Revoked
    {
        report.fail(
            "key",
            format!("revoked key: key {} was revoked at {at}", k.key_id),
        );
    }

    if report.refusals.is_empty() || checkpoint.is_some() {
        // Remember the checkpoint and versions even when refusing for other reasons: what the
        // log showed is still true.
        state.save()?;
    }

    if report.refusals.is_empty()
        && let Some(path) = &args.write_pins
    {
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

    let allowed = report.refusals.is_empty();
    let label = if name.is_empty() {
        args.target.clone()
    } else {
        format!("{name}@{version}")
    };
    let machine = json!({
        "ok": allowed,
        "allowed": allowed,
        "exitCode": if allowed { 0 } else { EXIT_VERIFICATION_FAILED },
        "target": args.target,
        "name": resp.name,
        "version": resp.version,
        "level": level.as_str(),
        "minLevel": min_level.as_str(),
        "registryKey": {"key": pinned.verifier.key(), "source": pinned.source_name()},
        "checkpoint": checkpoint.as_ref().map(|c| json!({"origin": c.origin, "size": c.size, "root": c.root_base64()})),
        "checks": report.checks,
        "refusals": report.refusals,
        "notes": report.notes,
        "toolsDiff": tools_diff,
        "verdict": resp.verdict,
    });
    let mut human = String::new();
    for c in &report.checks {
        let ok = c["ok"].as_bool().unwrap_or(false);
        human.push_str(&format!(
            "{} {}: {}\n",
            if ok { "ok  " } else { "FAIL" },
            c["check"].as_str().unwrap_or(""),
            c["detail"].as_str().unwrap_or("")
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
