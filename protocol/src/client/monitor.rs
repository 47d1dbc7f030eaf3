//! The log monitor's checks of every leaf (`mcp-sign log verify`): every signature in the log
//! re-verified with the keys as the log itself recorded them, and the order the log must keep.
//!
//! - a key leaf: its key id matches the key inside, and a rotation is signed by the old key;
//! - a revocation: of a key the log recorded, signed by that key when it says it is;
//! - a yank or deprecation (or their withdrawal): the maintainer's statement, signed by a key
//!   the log recorded;
//! - an artifact check: follows the release it checks, with the same manifest;
//! - an operator statement: signed by one of the operator keys given (none: counted only);
//! - build provenance: the Sigstore evidence in an `attested` leaf re-verified by the caller's
//!   [`ProvenanceCheck`] (the client plugs in the `provenance` crate; none: counted only), and a
//!   `lost` leaf follows an `attested` one of the same package;
//! - a release: signed by a recorded key not revoked before; the caller fetches the manifest
//!   ([`Monitor::leaf`] returns a [`LoggedRelease`]) and hands the registry's answer to
//!   [`Monitor::served`], which checks its SHA-256 against the leaf, the signature over it,
//!   and that the key's logged grant covers the release (`crate::grant::covering`, the rule
//!   the registry applies at publish time).

use std::collections::HashMap;
use std::str::FromStr;

use crate::api::{Statement, VerifyResponse};
use crate::grant;
use crate::log::{LogRecord, ProvenanceLeaf};
use crate::manifest::Sha256Digest;
use crate::{PublicKey, Signature};

/// What a key grant in the log says the key may sign (`crate::grant`).
#[derive(Debug)]
struct LoggedGrant {
    namespace: String,
    proof_kind: String,
    proof_target: String,
}

impl grant::AsGrant for LoggedGrant {
    fn as_grant(&self) -> grant::Grant<'_> {
        grant::Grant::new(&self.namespace, &self.proof_kind, &self.proof_target)
    }
}

#[derive(Debug, Default)]
struct KeyState {
    public: Option<PublicKey>,
    grants: Vec<LoggedGrant>,
    revoked: bool,
}

impl KeyState {
    /// Whether one of the key's logged grants covers the release, as the registry decides
    /// at publish time.
    fn covers(&self, name: &str, repository_url: Option<&str>) -> bool {
        grant::covering(&self.grants, name, repository_url).is_some()
    }

    fn proven_for(&self) -> String {
        let list: Vec<String> = self
            .grants
            .iter()
            .map(|g| format!("{} via {} {}", g.namespace, g.proof_kind, g.proof_target))
            .collect();
        list.join(", ")
    }
}

/// A release leaf whose manifest the caller fetches (`/v1/verify?server=NAME&version=VERSION`)
/// for [`Monitor::served`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRelease {
    /// The leaf's index.
    pub entry: usize,
    pub name: String,
    pub version: String,
    manifest_sha256: String,
    key_id: String,
    signature: String,
}

/// How much of the log was re-verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorCounts {
    /// Release leaves.
    pub releases: usize,
    /// Signed statements re-verified: rotations, revocations, yanks, deprecations.
    pub statements: usize,
    pub artifact_checks: usize,
    pub operator_statements: usize,
    /// Operator statements whose signature verified with a given operator key.
    pub operator_verified: usize,
    /// Provenance leaves (attested and lost).
    pub provenance: usize,
    /// `attested` leaves whose Sigstore evidence re-verified.
    pub provenance_verified: usize,
}

/// Re-verifies the Sigstore evidence of an `attested` provenance leaf: `Err` says what is wrong.
/// `protocol` has no Sigstore verifier, so the client passes one (`mcp-sign` uses the
/// `provenance` crate, as the registry does).
pub type ProvenanceCheck = Box<dyn Fn(&ProvenanceLeaf<'_>) -> Result<(), String> + Send + Sync>;

/// The monitor's state while it reads the log from the first leaf on.
#[derive(Default)]
pub struct Monitor {
    keys: HashMap<String, KeyState>,
    /// Release NAME@VERSION → the manifest SHA-256 its `release` leaf recorded.
    logged_releases: HashMap<String, String>,
    /// `NAME@VERSION PACKAGE` of every package the log says is attested now.
    attested: std::collections::HashSet<String>,
    operator_keys: Vec<PublicKey>,
    provenance_check: Option<ProvenanceCheck>,
    problems: Vec<String>,
    counts: MonitorCounts,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor")
            .field("keys", &self.keys.len())
            .field("counts", &self.counts)
            .field("problems", &self.problems)
            .field("verifies_provenance", &self.provenance_check.is_some())
            .finish()
    }
}

fn verify_sig(key: &PublicKey, data: &[u8], sig: &str) -> Result<(), String> {
    let sig = Signature::from_str(sig).map_err(|e| format!("the signature does not parse: {e}"))?;
    key.verify(data, &sig, false).map_err(|e| e.to_string())
}

impl Monitor {
    /// A monitor that verifies operator statements with `operator_keys` (none: they are
    /// counted, not verified).
    pub fn new(operator_keys: Vec<PublicKey>) -> Self {
        Monitor {
            operator_keys,
            ..Monitor::default()
        }
    }

    /// What is wrong so far, one sentence each, starting with the entry.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    pub fn counts(&self) -> MonitorCounts {
        self.counts
    }

    /// Re-verify the evidence of provenance leaves with `check`.
    pub fn with_provenance_check(mut self, check: ProvenanceCheck) -> Self {
        self.provenance_check = Some(check);
        self
    }

    /// Whether provenance evidence is re-verified ([`Monitor::with_provenance_check`]).
    pub fn verifies_provenance(&self) -> bool {
        self.provenance_check.is_some()
    }

    /// Whether operator statements are verified (operator keys were given).
    pub fn verifies_operators(&self) -> bool {
        !self.operator_keys.is_empty()
    }

    /// Checks leaf `entry` (its raw bytes), in log order. A release leaf signed by a recorded
    /// key comes back for the caller to fetch its manifest.
    pub fn leaf(&mut self, entry: usize, raw: &[u8]) -> Option<LoggedRelease> {
        let rec = match LogRecord::parse(raw) {
            Ok(r) => r,
            Err(e) => {
                self.problems.push(format!("entry {entry}: {e}"));
                return None;
            }
        };
        if let Some(r) = rec.as_release() {
            return self.release(entry, r);
        }
        if let Some(p) = rec.as_provenance() {
            self.provenance(entry, &p);
            return None;
        }
        match rec {
            LogRecord::Key {
                key_id,
                public_key,
                namespace,
                proof_kind,
                proof_target,
                rotated_from,
                rotation_signature,
                rotation_issued_at,
                ..
            } => {
                let public = match PublicKey::from_str(&public_key) {
                    Ok(p) => p,
                    Err(e) => {
                        self.problems
                            .push(format!("entry {entry}: key {key_id}: {e}"));
                        return None;
                    }
                };
                if public.key_id().to_string() != key_id {
                    self.problems.push(format!(
                        "entry {entry}: key {key_id} has another key id inside"
                    ));
                }
                if let (Some(old), Some(sig), Some(at)) =
                    (&rotated_from, &rotation_signature, rotation_issued_at)
                {
                    let statement = Statement::RotateKey {
                        old_key_id: old,
                        new_key_id: &key_id,
                        namespace: &namespace,
                        issued_at: at,
                    };
                    let what = format!("rotation to {key_id}");
                    // A rotation names its old key, so a missing one is said so.
                    match self.check_statement(entry, &statement, old, sig, &what) {
                        Err(_) if !self.keys.contains_key(old) => self.problems.push(format!(
                            "entry {entry}: rotation from {old}, a key the log never recorded"
                        )),
                        Err(p) => {
                            self.problems.push(p);
                            self.counts.statements += 1;
                        }
                        Ok(()) => self.counts.statements += 1,
                    }
                }
                let k = self.keys.entry(key_id).or_default();
                k.public = Some(public);
                k.grants.push(LoggedGrant {
                    namespace,
                    proof_kind,
                    proof_target,
                });
            }
            LogRecord::KeyRevoke {
                key_id,
                reason,
                issued_at,
                signature,
                ..
            } => {
                if !self.keys.contains_key(&key_id) {
                    self.problems
                        .push(format!("entry {entry}: revocation of unknown key {key_id}"));
                    return None;
                }
                if let (Some(sig), Some(at)) = (&signature, issued_at)
                    && self.keys.get(&key_id).is_some_and(|k| k.public.is_some())
                {
                    let statement = Statement::RevokeKey {
                        key_id: &key_id,
                        reason: reason.as_deref(),
                        issued_at: at,
                    };
                    let what = format!("revocation of {key_id}");
                    if let Err(p) = self.check_statement(entry, &statement, &key_id, sig, &what) {
                        self.problems.push(p);
                    }
                    self.counts.statements += 1;
                }
                if let Some(k) = self.keys.get_mut(&key_id) {
                    k.revoked = true;
                }
            }
            LogRecord::ReleaseStatement {
                ref name,
                ref version,
                ref key_id,
                ref signature,
                ..
            } => {
                // The statement as the registry checked it, rebuilt by protocol.
                if let Some(statement) = rec.release_statement() {
                    let what = format!("{} of {name}@{version}", statement.action());
                    if let Err(p) =
                        self.check_statement(entry, &statement, key_id, signature, &what)
                    {
                        self.problems.push(p);
                    }
                    self.counts.statements += 1;
                }
            }
            LogRecord::ArtifactCheck {
                name,
                version,
                manifest_sha256,
                ..
            } => {
                // The registry's own check of a release it logged before, by its manifest.
                self.counts.artifact_checks += 1;
                match self.logged_releases.get(&format!("{name}@{version}")) {
                    Some(sha) if *sha == manifest_sha256 => {}
                    Some(sha) => self.problems.push(format!(
                        "entry {entry}: artifact check of {name}@{version} names manifest \
                         {manifest_sha256}, the release leaf recorded {sha}"
                    )),
                    None => self.problems.push(format!(
                        "entry {entry}: artifact check of {name}@{version}, a release the log \
                         never recorded"
                    )),
                }
            }
            LogRecord::Operator {
                action,
                subject,
                reason,
                key_id,
                issued_at,
                signature,
                ..
            } => {
                self.counts.operator_statements += 1;
                if self.operator_keys.is_empty() {
                    return None;
                }
                let text = Statement::Operator {
                    action,
                    subject: &subject,
                    reason: reason.as_deref(),
                    issued_at,
                }
                .to_text()
                .unwrap_or_default();
                let key = self
                    .operator_keys
                    .iter()
                    .find(|k| k.key_id().to_string() == key_id);
                match key.map(|public| verify_sig(public, text.as_bytes(), &signature)) {
                    Some(Ok(())) => self.counts.operator_verified += 1,
                    Some(Err(e)) => self
                        .problems
                        .push(format!("entry {entry}: {action} {subject}: {e}")),
                    None => self.problems.push(format!(
                        "entry {entry}: {action} {subject} is signed by {key_id}, not by a given \
                         --operator-key"
                    )),
                }
            }
            LogRecord::Release { .. } | LogRecord::Provenance { .. } => {}
        }
        None
    }

    /// A provenance leaf: an `attested` one's evidence re-verified, a `lost` one following the
    /// `attested` leaf of its package.
    fn provenance(&mut self, entry: usize, p: &ProvenanceLeaf<'_>) {
        self.counts.provenance += 1;
        let what = format!("provenance of {} for {}@{}", p.package, p.name, p.version);
        let key = format!("{}@{} {}", p.name, p.version, p.package);
        match p.result {
            "attested" => {
                self.attested.insert(key);
                // A document too large for a leaf is logged without it: counted, not verified.
                let (Some(check), Some(_)) = (&self.provenance_check, p.evidence) else {
                    return;
                };
                match check(p) {
                    Ok(()) => self.counts.provenance_verified += 1,
                    Err(e) => self.problems.push(format!("entry {entry}: {what}: {e}")),
                }
            }
            "lost" => {
                if !self.attested.remove(&key) {
                    self.problems.push(format!(
                        "entry {entry}: {what} is logged as lost, but the log never recorded it \
                         attested"
                    ));
                }
            }
            other => self.problems.push(format!(
                "entry {entry}: {what} has the result {other:?} (attested or lost)"
            )),
        }
    }

    /// A maintainer's statement (rotation, revocation, yank, deprecation, or their withdrawal),
    /// checked with the key as the log recorded it; the problem to report otherwise.
    fn check_statement(
        &self,
        entry: usize,
        statement: &Statement<'_>,
        key_id: &str,
        signature: &str,
        what: &str,
    ) -> Result<(), String> {
        let Some(public) = self.keys.get(key_id).and_then(|k| k.public.as_ref()) else {
            return Err(format!(
                "entry {entry}: {what} by {key_id}, a key the log never recorded"
            ));
        };
        let text = statement
            .to_text()
            .map_err(|e| format!("entry {entry}: {what}: the statement cannot be rebuilt: {e}"))?;
        verify_sig(public, text.as_bytes(), signature)
            .map_err(|e| format!("entry {entry}: {what}: {e}"))
    }

    fn release(&mut self, entry: usize, r: crate::log::ReleaseLeaf<'_>) -> Option<LoggedRelease> {
        self.counts.releases += 1;
        self.logged_releases.insert(
            format!("{}@{}", r.name, r.version),
            r.manifest_sha256.to_owned(),
        );
        let Some(k) = self.keys.get(r.key_id) else {
            self.problems.push(format!(
                "entry {entry}: {}@{} signed by {}, a key the log never recorded",
                r.name, r.version, r.key_id
            ));
            return None;
        };
        if k.revoked {
            self.problems.push(format!(
                "entry {entry}: {}@{} logged after its key {} was revoked",
                r.name, r.version, r.key_id
            ));
        }
        Some(LoggedRelease {
            entry,
            name: r.name.to_owned(),
            version: r.version.to_owned(),
            manifest_sha256: r.manifest_sha256.to_owned(),
            key_id: r.key_id.to_owned(),
            signature: r.signature.to_owned(),
        })
    }

    /// Checks the registry's answer for a logged release (`Err`: why it could not be fetched).
    pub fn served(&mut self, release: &LoggedRelease, resp: Result<&VerifyResponse, String>) {
        let LoggedRelease {
            entry,
            name,
            version,
            manifest_sha256,
            key_id,
            signature,
        } = release;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                self.problems
                    .push(format!("entry {entry}: cannot fetch {name}@{version}: {e}"));
                return;
            }
        };
        let Some(manifest) = &resp.manifest else {
            self.problems.push(format!(
                "entry {entry}: the registry has no manifest for {name}@{version}"
            ));
            return;
        };
        let Some(k) = self.keys.get(key_id) else {
            return;
        };
        let sha = Sha256Digest::of(manifest.as_bytes()).to_string();
        let mut problems = Vec::new();
        if &sha != manifest_sha256 {
            problems.push(format!(
                "entry {entry}: the registry serves {name}@{version} with sha256 {sha}, the log \
                 recorded {manifest_sha256}"
            ));
        } else if let Some(public) = &k.public
            && let Err(e) = verify_sig(public, manifest.as_bytes(), signature)
        {
            problems.push(format!("entry {entry}: {name}@{version}: {e}"));
        }
        // The grant must cover the release as the registry decides it: a GitHub proof covers
        // only the servers whose repository is the proven one.
        let repository_url = serde_json::from_str::<serde_json::Value>(manifest)
            .ok()
            .and_then(|m| m.pointer("/repository/url")?.as_str().map(str::to_owned));
        if &sha == manifest_sha256 && !k.covers(name, repository_url.as_deref()) {
            problems.push(format!(
                "entry {entry}: {name}@{version}: key {key_id} is proven for [{}], which does \
                 not cover this server with repository {}: the registry should have refused it",
                k.proven_for(),
                repository_url.as_deref().unwrap_or("none")
            ));
        }
        self.problems.extend(problems);
    }
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
