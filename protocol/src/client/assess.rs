//! The evaluation of a `/v1/verify` answer: may this release be installed?
//!
//! [`assess`] runs, in order: the target against what the registry answered for
//! (mix-and-match), the package-names-it check, the log evidence
//! ([`crate::log::evidence::check_release`]); then, with the consistency decision the caller
//! made for the checkpoint ([`PendingAssessment::conclude`]): rollback of "latest" against the
//! versions remembered, the artifact's digest, the registry's own artifact checks, the tools
//! against the user's pins, the trust level against the client's floor, deprecation notes and a
//! revoked key. Everything the client must fetch or remember is a parameter or a result.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use super::consistency::Consistency;
use super::{Target, artifact_matches};
use crate::api::VerifyResponse;
use crate::log::evidence::check_release;
use crate::log::{LogVerifier, SignedCheckpoint};
use crate::manifest::ReleaseExtension;
use crate::oci_tag;
use crate::trust::{ReasonCode, TrustLevel, Verdict};
use crate::{ArtifactState, Version};

/// What the client brings to the decision besides the registry's answer.
#[derive(Debug, Clone)]
pub struct AssessInput<'a> {
    pub target: &'a Target,
    /// The target as the user wrote it, for messages.
    pub asked: &'a str,
    /// The lowest trust level the user accepts (`--min-level`).
    pub min_level: TrustLevel,
    /// The registry's pinned log key.
    pub verifier: &'a LogVerifier,
    /// How the key was chosen, in one line (the `registry-key` check).
    pub registry_key: String,
    /// The latest version of each server this client has seen (rollback).
    pub remembered_latest: &'a BTreeMap<String, String>,
    /// Where the client remembers what it saw, for messages.
    pub remembered_in: &'a str,
    /// A downloaded file to compare with the signed artifacts: its label and bytes.
    pub artifact: Option<(&'a str, &'a [u8])>,
    /// The user's tool pins, compared with the release's tools by the caller.
    pub pinned_tools: Option<PinnedTools>,
}

/// The release's tools against the user's pins (the comparison itself is the caller's).
#[derive(Debug, Clone)]
pub struct PinnedTools {
    /// Where the pins are, for messages.
    pub source: String,
    /// The server the pins are for, when they say.
    pub server: Option<String>,
    /// How many tools the release declares.
    pub release_tools: usize,
    /// How the tools differ, when they do: one line for people and the JSON for machines.
    pub difference: Option<(String, Value)>,
}

/// The manifest the registry served (`Null` without one) and its release extension. The log
/// evidence is checked over the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct ServedRelease {
    pub manifest: Value,
    pub release: Option<ReleaseExtension>,
}

impl ServedRelease {
    pub fn of(resp: &VerifyResponse) -> Self {
        let manifest: Value = resp
            .manifest
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok())
            .unwrap_or(Value::Null);
        let release = ReleaseExtension::of(&manifest);
        ServedRelease { manifest, release }
    }
}

/// One check and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

/// The decision: every check, the refusals (none: allowed), notes for the user, and what the
/// client should remember.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub checks: Vec<CheckLine>,
    pub refusals: Vec<String>,
    pub notes: Vec<String>,
    /// The checkpoint the evidence led to, when it checked out.
    pub checkpoint: Option<SignedCheckpoint>,
    pub level: TrustLevel,
    /// The release the registry answered for (empty when it knows none).
    pub name: String,
    pub version: String,
    /// How the tools differ from the pins, for machines.
    pub tools_diff: Option<Value>,
    /// A newer latest version to remember: `(name, version)`.
    pub remember_latest: Option<(String, String)>,
}

impl Assessment {
    fn new(resp: &VerifyResponse) -> Self {
        Assessment {
            checks: Vec::new(),
            refusals: Vec::new(),
            notes: Vec::new(),
            checkpoint: None,
            level: resp.verdict.level,
            name: resp.name.clone().unwrap_or_default(),
            version: resp.version.clone().unwrap_or_default(),
            tools_diff: None,
            remember_latest: None,
        }
    }

    pub fn allowed(&self) -> bool {
        self.refusals.is_empty()
    }

    /// Whether what the log showed should be remembered: also when refusing for other reasons
    /// once the evidence checked out, since it is still true.
    pub fn remember(&self) -> bool {
        self.refusals.is_empty() || self.checkpoint.is_some()
    }

    /// `NAME@VERSION` the registry answered for, or what was asked when it knows none.
    pub fn label(&self, asked: &str) -> String {
        if self.name.is_empty() {
            asked.to_string()
        } else {
            format!("{}@{}", self.name, self.version)
        }
    }

    fn record(&mut self, check: &str, ok: bool, detail: String) {
        if !ok {
            self.refusals.push(detail.clone());
        }
        self.checks.push(CheckLine {
            check: check.to_string(),
            ok,
            detail,
        });
    }

    fn pass(&mut self, check: &str, detail: String) {
        self.record(check, true, detail);
    }

    fn fail(&mut self, check: &str, detail: String) {
        self.record(check, false, detail);
    }
}

/// A verdict in one line: `trust: LEVEL (reason; reason)`.
pub fn verdict_line(verdict: &Verdict) -> String {
    let reasons: Vec<&str> = verdict.reasons.iter().map(|r| r.message.as_str()).collect();
    format!("trust: {} ({})", verdict.level, reasons.join("; "))
}

/// The checks before consistency; the caller decides consistency for
/// [`checkpoint`](Self::checkpoint) and [`conclude`](Self::conclude)s.
#[derive(Debug)]
pub struct PendingAssessment<'a> {
    input: &'a AssessInput<'a>,
    resp: &'a VerifyResponse,
    served: &'a ServedRelease,
    a: Assessment,
}

/// Starts the assessment of the registry's answer `resp` (with `served`, its manifest).
pub fn assess<'a>(
    input: &'a AssessInput<'a>,
    resp: &'a VerifyResponse,
    served: &'a ServedRelease,
) -> PendingAssessment<'a> {
    let mut a = Assessment::new(resp);
    a.pass("registry-key", input.registry_key.clone());
    check_target(&mut a, input);
    if let Target::Package(p) = input.target
        && a.refusals.is_empty()
    {
        check_package(&mut a, p, served);
    }
    if a.refusals.is_empty() {
        check_evidence(&mut a, input, resp);
    }
    PendingAssessment {
        input,
        resp,
        served,
        a,
    }
}

/// The registry must answer for what was asked.
fn check_target(a: &mut Assessment, input: &AssessInput<'_>) {
    let (name, version) = (a.name.clone(), a.version.clone());
    if a.level == TrustLevel::Unknown {
        a.fail("known", format!("{} is not in the registry", input.asked));
    } else if let Target::Release {
        name: n,
        version: v,
    } = input.target
        && (n != &name || v != &version)
    {
        a.fail(
            "target",
            format!("mix-and-match: asked for {n}@{v}, the registry answered for {name}@{version}"),
        );
    } else if let Target::Latest { name: n } = input.target
        && n != &name
    {
        a.fail(
            "target",
            format!("mix-and-match: asked for {n}, the registry answered for {name}"),
        );
    }
}

/// A package query must be answered with a release that names the package.
fn check_package(a: &mut Assessment, p: &crate::PackageRef, served: &ServedRelease) {
    let names_it = crate::manifest::packages(&served.manifest).any(|pkg| {
        let rt = pkg
            .get("registryType")
            .and_then(Value::as_str)
            .unwrap_or("");
        let id = pkg.get("identifier").and_then(Value::as_str).unwrap_or("");
        let v = pkg.get("version").and_then(Value::as_str);
        // The release extension's image digest, for `oci:…@sha256:` questions.
        let signed = served
            .release
            .iter()
            .flat_map(|r| &r.artifacts)
            .find(|a| a.registry_type == rt && a.identifier == id)
            .and_then(|a| a.oci_digest.as_ref());
        // The same rule the registry stores packages by (tag in the identifier wins).
        oci_tag::reference_names_entry(p, rt, id, v, signed)
    });
    let (name, version) = (&a.name, &a.version);
    if names_it {
        let detail = format!("the signed manifest of {name}@{version} names {p}");
        a.pass("package", detail);
    } else {
        let detail = format!("mix-and-match: the manifest of {name}@{version} does not name {p}");
        a.fail("package", detail);
    }
}

/// The log evidence, unless the release is unsigned and the user accepts that.
fn check_evidence(a: &mut Assessment, input: &AssessInput<'_>, resp: &VerifyResponse) {
    if resp.log.is_none() && !input.min_level.satisfies(TrustLevel::Signed) {
        a.notes.push(
            "no transparency-log evidence (the release is not signed); allowed by --min-level"
                .to_string(),
        );
        return;
    }
    match check_release(resp, input.verifier) {
        Ok(checked) => {
            a.pass(
                "checkpoint",
                format!(
                    "checkpoint of {} for tree size {} is signed by the pinned key",
                    checked.checkpoint.origin, checked.checkpoint.size
                ),
            );
            a.pass(
                "inclusion",
                format!(
                    "release record (leaf {}) and key record (leaf {}) are in the tree",
                    checked.release_index, checked.key_index
                ),
            );
            a.pass(
                "manifest",
                format!(
                    "manifest sha256 {} is the one the log recorded for {}@{}",
                    checked.manifest_sha256, checked.name, checked.version
                ),
            );
            a.pass(
                "signature",
                format!(
                    "the maintainer's signature verifies with key {}, whose namespace proof is \
                     in the log",
                    checked.key_id
                ),
            );
            a.checkpoint = Some(checked.checkpoint);
        }
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.strip_prefix("transparency log: ").unwrap_or(&msg);
            a.fail("evidence", msg.to_string());
        }
    }
}

impl PendingAssessment<'_> {
    /// The checkpoint whose consistency with the one remembered the caller must decide
    /// ([`super::ConsistencyCheck`]); none when the evidence did not check out.
    pub fn checkpoint(&self) -> Option<&SignedCheckpoint> {
        self.a.checkpoint.as_ref()
    }

    /// Finishes with the consistency decision for [`checkpoint`](Self::checkpoint) (`Err` is a
    /// refusal; `None` when there is no checkpoint, or it could not be decided).
    pub fn conclude(self, consistency: Option<Result<Consistency, String>>) -> Assessment {
        let PendingAssessment {
            input,
            resp,
            served,
            mut a,
        } = self;
        if let Some(cp) = a.checkpoint.clone() {
            check_consistency(&mut a, &cp, consistency, input.remembered_in);
        }
        check_rollback(&mut a, input);
        if let Some((file, bytes)) = input.artifact {
            let m = artifact_matches(served.release.as_ref(), bytes, file, input.target.package());
            a.record("artifact", m.matched, m.detail);
        }
        check_registry_artifacts(&mut a, input.target, resp);
        if let Some(pins) = &input.pinned_tools
            && a.level != TrustLevel::Unknown
        {
            check_pinned_tools(&mut a, pins);
        }
        note_tools_changed(&mut a, resp);
        check_trust(&mut a, input.min_level, &resp.verdict);
        // A deprecation refuses nothing (the release is what its maintainer published), but
        // the user should hear what the maintainer says to use instead.
        for r in resp
            .verdict
            .reasons
            .iter()
            .filter(|r| r.code == ReasonCode::Deprecated)
        {
            a.notes.push(r.message.clone());
        }
        if let Some(k) = &resp.key
            && let Some(at) = &k.revoked_at
            && a.level != TrustLevel::Revoked
        {
            a.fail(
                "key",
                format!("revoked key: key {} was revoked at {at}", k.key_id),
            );
        }
        a
    }
}

fn check_consistency(
    a: &mut Assessment,
    cp: &SignedCheckpoint,
    consistency: Option<Result<Consistency, String>>,
    remembered_in: &str,
) {
    match consistency {
        Some(Ok(Consistency::First)) => a.pass(
            "consistency",
            format!(
                "first checkpoint seen from this log (size {}); remembered in {remembered_in}",
                cp.size
            ),
        ),
        Some(Ok(Consistency::Same)) => a.pass(
            "consistency",
            format!("same tree as seen before (size {})", cp.size),
        ),
        Some(Ok(Consistency::Proven { from, to })) => {
            if cp.size < to {
                a.notes.push(format!(
                    "the registry served an older checkpoint (size {}) than this client has \
                     seen (size {to})",
                    cp.size
                ));
            }
            a.pass(
                "consistency",
                format!("the log of size {to} extends the one of size {from} (consistency proof)"),
            );
        }
        Some(Err(refusal)) => a.fail("consistency", refusal),
        None => a.fail(
            "consistency",
            format!(
                "the consistency of the checkpoint (size {}) with the one seen before was not \
                 checked",
                cp.size
            ),
        ),
    }
}

/// An older version served as latest after a newer one was seen is a rollback; a newer one is
/// remembered.
fn check_rollback(a: &mut Assessment, input: &AssessInput<'_>) {
    if !a.refusals.is_empty() || a.version.is_empty() {
        return;
    }
    let (name, version) = (a.name.clone(), a.version.clone());
    let served = Version::from_str(&version).ok();
    let seen = input
        .remembered_latest
        .get(&name)
        .and_then(|v| Version::from_str(v).ok());
    let latest = matches!(input.target, Target::Latest { .. });
    if latest && let (Some(served), Some(seen)) = (&served, &seen) {
        if seen.is_newer_than(served) {
            a.fail(
                "rollback",
                format!(
                    "rollback: the registry served {name}@{served} as the latest version, but \
                     this client has seen {name}@{seen} before (if {seen} was yanked, check it \
                     explicitly: mcp-sign check {name}@{seen})"
                ),
            );
        } else {
            a.pass(
                "rollback",
                format!("{served} is not older than {seen}, seen before"),
            );
        }
    }
    if latest
        && a.refusals.is_empty()
        && let Some(served) = served
        && seen.as_ref().is_none_or(|s| served.is_newer_than(s))
    {
        a.remember_latest = Some((name, served.to_string()));
    }
}

/// What the registry itself compared against the package registries (the `verified` level):
/// for a package reference, that package's check.
fn check_registry_artifacts(a: &mut Assessment, target: &Target, resp: &VerifyResponse) {
    for c in &resp.artifacts {
        if let Target::Package(p) = target
            && !c
                .package
                .starts_with(&format!("{}:{}", p.registry_type(), p.name()))
        {
            continue;
        }
        let detail = match (c.state, &c.compared, &c.observed) {
            (ArtifactState::Matched, Some(what), Some(digest)) => format!(
                "{}: {what} {digest} matches the signed manifest (checked by the registry at {})",
                c.package, c.checked_at
            ),
            _ => format!(
                "{} (checked by the registry at {})",
                c.message, c.checked_at
            ),
        };
        if c.state == ArtifactState::Matched {
            a.pass("registry-artifact", detail);
        } else {
            a.notes.push(detail);
        }
    }
}

/// Tools against the user's pins (rug pulls).
fn check_pinned_tools(a: &mut Assessment, pins: &PinnedTools) {
    let source = &pins.source;
    match &pins.server {
        Some(server) if !a.name.is_empty() && server != &a.name => {
            let detail = format!("the pins in {source} are for {server}, not {}", a.name);
            a.fail("tools", detail);
        }
        _ => match &pins.difference {
            None => a.pass(
                "tools",
                format!(
                    "the {} tools match the fingerprints pinned in {source}",
                    pins.release_tools
                ),
            ),
            Some((described, json)) => {
                a.fail(
                    "tools",
                    format!("tools differ from the fingerprints pinned in {source}: {described}"),
                );
                a.tools_diff = Some(json.clone());
            }
        },
    }
}

/// What the registry says changed in the tools since the previous version.
fn note_tools_changed(a: &mut Assessment, resp: &VerifyResponse) {
    let Some(d) = &resp.tools_diff else { return };
    if d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty() {
        return;
    }
    let names = |v: &[crate::scan::ToolRef]| {
        v.iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    a.notes.push(format!(
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

/// The trust level against the floor, with the registry's reasons; negative levels always
/// refuse.
fn check_trust(a: &mut Assessment, min_level: TrustLevel, verdict: &Verdict) {
    let level = a.level;
    if level.is_negative() {
        let why: Vec<&str> = verdict.reasons.iter().map(|r| r.message.as_str()).collect();
        let prefix = match level {
            TrustLevel::Revoked => "revoked key",
            TrustLevel::Yanked => "yanked",
            _ => "malicious",
        };
        a.fail("trust", format!("{prefix}: {}", why.join("; ")));
    } else if level != TrustLevel::Unknown && !level.satisfies(min_level) {
        a.fail(
            "trust",
            format!(
                "trust level {level} is below the required {min_level} ({})",
                verdict_line(verdict)
            ),
        );
    } else if level != TrustLevel::Unknown {
        a.pass(
            "trust",
            format!("{level} satisfies --min-level {min_level}"),
        );
    }
}

#[cfg(test)]
#[path = "assess_tests.rs"]
mod tests;
