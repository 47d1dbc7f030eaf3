//! The registry's own artifact checks (the `verified` level).
//!
//! For each package of a signed release the registry asks the package's registry for the
//! artifact's metadata and compares the digest the maintainer signed: npm ([`npm`]:
//! `dist.integrity`, or the tarball's sha256), PyPI ([`pypi`]: `digests.sha256` of the release
//! files), OCI ([`oci`]: the manifest digest of the tag or digest reference) and MCP bundles
//! ([`mcpb`]: download and hash). It also checks that the package names the server, as the
//! official MCP registry does (npm `mcpName`, `mcp-name:` in the PyPI README, the OCI label
//! `io.modelcontextprotocol.server.name`). Every request goes through [`crate::outbound::Fetcher`]
//! (allow-listed hosts, limits, no private addresses).
//!
//! A release whose packages all match is `verified` (with no high scanner finding, which
//! `protocol::trust::compute` decides). Checks run in the background ([`spawn_scheduler`]), are
//! repeated every `--artifact-recheck-interval`, and temporary failures are retried with a
//! backoff. A change of the release's state is written to the release row; becoming verified,
//! and a later mismatch that downgrades a verified release (a re-pushed tag, a changed tarball),
//! are also appended to the transparency log in the same transaction. A temporary failure
//! never downgrades a verified release: an outage of npm is not evidence against it.

pub mod mcpb;
pub mod npm;
pub mod oci;
pub mod plan;
pub mod pypi;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use clap::Args;
use protocol::formats::artifacts as formats;
use protocol::log::LogRecord;
use protocol::trust::{Reason, ReasonCode};

use crate::clock::now_ms;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::outbound::{self as fetch, FetchError, FetchLimits, Fetcher, Hosts};
use crate::service::log::{self as tlog, Log};
use crate::service::views::ARTIFACTS_VERIFIED;
use plan::{Endpoints, PackagePlan, Target};

/// The artifact-check settings (flags of every subcommand, each with an environment variable).
#[derive(Debug, Clone, Args)]
pub struct ArtifactArgs {
    /// The npm registry (or a mirror) whose version documents are compared.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_NPM_REGISTRY_URL",
        value_name = "URL",
        default_value = protocol::formats::registry::NPM_BASE_URL
    )]
    pub npm_registry_url: String,

    /// PyPI (or a mirror) whose JSON API is compared.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_PYPI_URL",
        value_name = "URL",
        default_value = protocol::formats::registry::PYPI_BASE_URL
    )]
    pub pypi_url: String,

    /// Ask every OCI registry through this URL (a pull-through mirror) instead of the host the
    /// image names. [default: the image's host; docker.io is https://registry-1.docker.io]
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OCI_REGISTRY_URL",
        value_name = "URL"
    )]
    pub oci_registry_url: Option<String>,

    /// Ask the OCI registry HOST (as image references spell it, e.g. docker.io, ghcr.io) at
    /// URL. Repeatable; the environment variable takes a comma-separated list.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OCI_REGISTRY_MAP",
        value_name = "HOST=URL",
        value_delimiter = ','
    )]
    pub oci_registry_map: Vec<String>,

    /// A host artifact checks may fetch from (registries, token services, CDNs). Repeatable;
    /// replaces the default list (registry.npmjs.org, pypi.org, files.pythonhosted.org,
    /// registry-1.docker.io, auth.docker.io, production.cloudflare.docker.com, ghcr.io,
    /// pkg-containers.githubusercontent.com, quay.io, cdn.quay.io, github.com,
    /// objects.githubusercontent.com, release-assets.githubusercontent.com). The hosts of the
    /// URLs above are always allowed.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_ALLOW_HOSTS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    pub artifact_allow_host: Vec<String>,

    /// Largest response an artifact check reads (tarballs and bundles are hashed whole).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_MAX_BYTES",
        value_name = "BYTES",
        default_value_t = formats::DEFAULT_MAX_BYTES
    )]
    pub artifact_max_bytes: u64,

    /// Timeout of each artifact-check request, in seconds (fractions allowed).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_TIMEOUT",
        value_name = "SECS",
        default_value_t = formats::DEFAULT_TIMEOUT_SECS
    )]
    pub artifact_timeout: f64,

    /// Re-check every signed release's artifacts this often, in seconds (a re-pushed tag or a
    /// changed tarball downgrades the release); 0 turns re-checks off (first checks still run).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_RECHECK_INTERVAL",
        value_name = "SECS",
        default_value_t = formats::DEFAULT_RECHECK_INTERVAL_SECS
    )]
    pub artifact_recheck_interval: u64,

    /// Tests only: let outbound fetches (artifact checks, namespace proofs) reach private,
    /// loopback and link-local addresses.
    #[arg(long, global = true, env = "MCP_REGISTRY_ALLOW_PRIVATE_ARTIFACT_HOSTS")]
    pub allow_private_artifact_hosts: bool,
}

impl Default for ArtifactArgs {
    fn default() -> Self {
        ArtifactArgs {
            npm_registry_url: protocol::formats::registry::NPM_BASE_URL.to_string(),
            pypi_url: protocol::formats::registry::PYPI_BASE_URL.to_string(),
            oci_registry_url: None,
            oci_registry_map: Vec::new(),
            artifact_allow_host: Vec::new(),
            artifact_max_bytes: formats::DEFAULT_MAX_BYTES,
            artifact_timeout: formats::DEFAULT_TIMEOUT_SECS,
            artifact_recheck_interval: formats::DEFAULT_RECHECK_INTERVAL_SECS,
            allow_private_artifact_hosts: false,
        }
    }
}

/// The outcome for one package (the wire and row names live with the enum in `protocol`).
pub use protocol::ArtifactState as PackageState;

/// What was compared for one package, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageResult {
    /// The package reference, e.g. `npm:@scope/pkg@1.2.3`.
    pub package: String,
    pub state: PackageState,
    /// What was compared, e.g. `npm dist.integrity`.
    pub compared: Option<String>,
    pub expected: Option<String>,
    pub observed: Option<String>,
    /// The ownership marker found, e.g. `mcpName io.github.o/s`.
    pub ownership: Option<String>,
    /// A sentence for people: what matched, or what is wrong and how to fix it.
    pub message: String,
}

impl PackageResult {
    pub fn matched(package: &str, compared: &str, expected: String, observed: String) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Matched,
            message: format!("{package}: {compared} {observed} matches the manifest"),
            compared: Some(compared.to_string()),
            expected: Some(expected),
            observed: Some(observed),
            ownership: None,
        }
    }

    pub fn mismatch(
        package: &str,
        compared: &str,
        expected: String,
        observed: Option<String>,
    ) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Mismatch,
            message: format!(
                "{package}: {compared} is {}, but the signed manifest gives {expected}: the \
                 published artifact is not the one the maintainer signed",
                observed.as_deref().unwrap_or("missing")
            ),
            compared: Some(compared.to_string()),
            expected: Some(expected),
            observed,
            ownership: None,
        }
    }

    /// The digest matched but the package does not name the server.
    pub fn ownership_missing(matched: PackageResult, message: String) -> Self {
        PackageResult {
            state: PackageState::OwnershipMissing,
            message,
            ..matched
        }
    }

    pub fn failed(package: &str, message: String) -> Self {
        PackageResult {
            package: package.to_string(),
            state: PackageState::Failed,
            compared: None,
            expected: None,
            observed: None,
            ownership: None,
            message,
        }
    }

    pub fn no_digest(package: &str) -> Self {
        Self::failed(
            package,
            format!(
                "{package}: the signed manifest records no digest for this package to compare \
                 (record it with `mcp-sign manifest init --artifact FILE` and publish a new \
                 version)"
            ),
        )
    }

    pub fn fetch_failed(package: &str, e: &FetchError) -> Self {
        let mut r = Self::failed(package, format!("{package}: {e}"));
        if e.is_temporary() {
            r.state = PackageState::Temporary;
        }
        r
    }

    /// A stored result (`artifact_results`).
    pub fn from_row(r: db::artifacts::ResultRow) -> Self {
        // A row written by a newer registry with a state this one does not know reads as a
        // definitive failure: never as a match.
        let state = r.state.parse().unwrap_or(PackageState::Failed);
        PackageResult {
            package: r.package,
            state,
            compared: r.compared,
            expected: r.expected,
            observed: r.observed,
            ownership: r.ownership,
            message: r.reason.unwrap_or_default(),
        }
    }

    /// The verdict reason for a package that is not matched.
    pub fn reason(&self) -> Option<Reason> {
        let code = match self.state {
            PackageState::Matched => return None,
            PackageState::Mismatch => ReasonCode::ArtifactMismatch,
            PackageState::OwnershipMissing => ReasonCode::OwnershipMissing,
            PackageState::Temporary => ReasonCode::ArtifactsCheckPending,
            PackageState::Failed => ReasonCode::ArtifactCheckFailed,
        };
        Some(Reason {
            code,
            message: self.message.clone(),
        })
    }

    /// The log record's line: `<package> <compared> <expected> <observed>` (`-` for none;
    /// spaces in `compared` become `_`).
    pub fn log_line(&self) -> String {
        let dash = |s: &Option<String>| {
            s.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| s.replace([' ', '\n', '\r'], "_"))
                .unwrap_or_else(|| "-".to_string())
        };
        format!(
            "{} {} {} {} {}",
            self.package.replace([' ', '\n', '\r'], "_"),
            self.state.as_str(),
            dash(&self.compared),
            dash(&self.expected),
            dash(&self.observed)
        )
    }
}

/// The state of a release's artifacts as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseState {
    Verified,
    /// Not decided: a temporary failure (or not checked yet).
    Pending,
    Mismatch,
    OwnershipMissing,
    Failed,
}

impl ReleaseState {
    /// As stored in `releases.artifacts_state`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseState::Verified => ARTIFACTS_VERIFIED,
            ReleaseState::Pending => "pending",
            ReleaseState::Mismatch => "mismatch",
            ReleaseState::OwnershipMissing => "ownership_missing",
            ReleaseState::Failed => "failed",
        }
    }

    /// As written in the log's `artifact-check` records.
    pub fn log_result(self) -> &'static str {
        match self {
            ReleaseState::OwnershipMissing => "ownership-missing",
            other => other.as_str(),
        }
    }

    /// The worst package outcome decides: mismatch, then ownership, then failure, then
    /// temporary; all matched is verified.
    pub fn of(results: &[PackageResult]) -> ReleaseState {
        let has = |s: PackageState| results.iter().any(|r| r.state == s);
        if results.is_empty() {
            ReleaseState::Failed
        } else if has(PackageState::Mismatch) {
            ReleaseState::Mismatch
        } else if has(PackageState::OwnershipMissing) {
            ReleaseState::OwnershipMissing
        } else if has(PackageState::Failed) {
            ReleaseState::Failed
        } else if has(PackageState::Temporary) {
            ReleaseState::Pending
        } else {
            ReleaseState::Verified
        }
    }
}

/// The check of one release.
#[derive(Debug, Clone)]
pub struct ReleaseCheck {
    pub results: Vec<PackageResult>,
    pub state: ReleaseState,
}

impl ReleaseCheck {
    /// The verdict reasons (empty when verified).
    pub fn reasons(&self) -> Vec<Reason> {
        if self.results.is_empty() {
            return vec![Reason {
                code: ReasonCode::ArtifactCheckFailed,
                message: "the release names no packages, so there is no artifact to confirm"
                    .to_string(),
            }];
        }
        self.results
            .iter()
            .filter_map(PackageResult::reason)
            .collect()
    }
}

/// Fetches and compares. Built once from the settings; cheap to share.
#[derive(Debug, Clone)]
pub struct Checker {
    fetcher: Fetcher,
    endpoints: Endpoints,
    recheck_ms: i64,
}

impl Checker {
    pub fn new(args: &ArtifactArgs) -> Result<Self> {
        let mut oci_map = BTreeMap::new();
        for entry in &args.oci_registry_map {
            let (host, url) = entry.split_once('=').ok_or_else(|| {
                Error::Config(format!(
                    "--oci-registry-map takes HOST=URL (e.g. docker.io=https://mirror.example), \
                     not {entry:?}"
                ))
            })?;
            oci_map.insert(host.trim().to_ascii_lowercase(), url.trim().to_string());
        }
        let endpoints = Endpoints {
            npm: args.npm_registry_url.clone(),
            pypi: args.pypi_url.clone(),
            oci: args.oci_registry_url.clone(),
            oci_map,
        };
        let mut allow: BTreeSet<String> = if args.artifact_allow_host.is_empty() {
            formats::DEFAULT_ALLOW_HOSTS
                .iter()
                .map(|h| h.to_string())
                .collect()
        } else {
            args.artifact_allow_host
                .iter()
                .map(|h| fetch::normalize_host(h.trim()))
                .collect()
        };
        let configured = [&endpoints.npm, &endpoints.pypi]
            .into_iter()
            .chain(endpoints.oci.iter())
            .chain(endpoints.oci_map.values());
        for u in configured {
            let parsed = url::Url::parse(u).map_err(|e| {
                Error::Config(format!("the package registry URL {u:?} is not a URL: {e}"))
            })?;
            if let Some(h) = parsed.host_str() {
                allow.insert(fetch::normalize_host(h));
            }
        }
        if !(args.artifact_timeout.is_finite() && args.artifact_timeout > 0.0) {
            return Err(Error::Config(format!(
                "--artifact-timeout must be a positive number of seconds, not {}",
                args.artifact_timeout
            )));
        }
        let fetcher = Fetcher::new(FetchLimits {
            hosts: Hosts::Only(allow),
            max_bytes: args.artifact_max_bytes,
            timeout: Duration::from_secs_f64(args.artifact_timeout),
            allow_private: args.allow_private_artifact_hosts,
        })
        .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Checker {
            fetcher,
            endpoints,
            recheck_ms: i64::try_from(args.artifact_recheck_interval.saturating_mul(1000))
                .unwrap_or(i64::MAX),
        })
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The plan of every package of a server.json.
    pub fn plan(&self, server: &serde_json::Value) -> Vec<PackagePlan> {
        plan::plan(server, &self.endpoints)
    }

    /// Checks every package of a manifest (the exact stored bytes) for server `name`.
    pub async fn check_manifest(&self, manifest: &[u8], name: &str) -> ReleaseCheck {
        self.recheck_manifest(manifest, name, &[]).await
    }

    /// [`Checker::check_manifest`] for a re-check: `prior` are the last check's results. An OCI
    /// image that matched with its ownership label before is re-checked with a `HEAD` of the
    /// manifest (which Docker Hub does not count as a pull); only a changed digest is fetched
    /// in full.
    pub async fn recheck_manifest(
        &self,
        manifest: &[u8],
        name: &str,
        prior: &[PackageResult],
    ) -> ReleaseCheck {
        let server: serde_json::Value = match serde_json::from_slice(manifest) {
            Ok(v) => v,
            Err(e) => {
                let r = PackageResult::failed("manifest", format!("the manifest is not JSON: {e}"));
                return ReleaseCheck {
                    state: ReleaseState::Failed,
                    results: vec![r],
                };
            }
        };
        let mut results = Vec::new();
        for p in self.plan(&server) {
            let known = prior.iter().find(|r| {
                r.package == p.package
                    && r.state == PackageState::Matched
                    && r.ownership.is_some()
                    && r.observed.is_some()
                    && r.observed == r.expected
            });
            let result = match (&p.target, known) {
                (
                    Target::Oci {
                        host,
                        repository,
                        reference,
                    },
                    Some(known),
                ) => {
                    let head = oci::head_digest(
                        &self.fetcher,
                        self.endpoints.oci_base(host),
                        repository,
                        reference,
                    )
                    .await;
                    match head {
                        Ok(Some(d)) if known.observed.as_deref() == Some(d.as_str()) => {
                            let mut r = known.clone();
                            r.message = format!(
                                "{}: {} {d} matches the manifest (HEAD; the ownership label was \
                                 read at an earlier check)",
                                p.package,
                                r.compared.as_deref().unwrap_or("digest")
                            );
                            r
                        }
                        // Changed, unknown, or HEAD refused: the full check decides.
                        _ => self.check_package(&p, name).await,
                    }
                }
                _ => self.check_package(&p, name).await,
            };
            results.push(result);
        }
        ReleaseCheck {
            state: ReleaseState::of(&results),
            results,
        }
    }

    pub async fn check_package(&self, p: &PackagePlan, server: &str) -> PackageResult {
        let url = p.urls.first().map(String::as_str).unwrap_or("");
        match &p.target {
            Target::Npm { .. } => {
                npm::check(&self.fetcher, &p.package, url, &p.expected, server).await
            }
            Target::Pypi { .. } => {
                pypi::check(&self.fetcher, &p.package, url, &p.expected, server).await
            }
            Target::Oci {
                host,
                repository,
                reference,
            } => {
                oci::check(
                    &self.fetcher,
                    &p.package,
                    self.endpoints.oci_base(host),
                    repository,
                    reference,
                    &p.expected,
                    server,
                )
                .await
            }
            Target::Mcpb { url } => mcpb::check(&self.fetcher, &p.package, url, &p.expected).await,
            Target::Unsupported { why } => PackageResult::failed(&p.package, why.clone()),
        }
    }

    /// When the next check of a release is due after one that ended in `state`, with
    /// `attempts` temporary failures in a row.
    pub fn next_check_at(&self, state: ReleaseState, attempts: i64, now: i64) -> i64 {
        let interval = if self.recheck_ms > 0 {
            self.recheck_ms
        } else {
            i64::MAX
        };
        if state == ReleaseState::Pending {
            let shift = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
            let backoff = i64::try_from(formats::RETRY_BASE_SECS * 1000)
                .unwrap_or(60_000)
                .saturating_mul(1_i64 << shift);
            // Retries stay within a day even with re-checks off.
            let cap = interval.min(86_400_000);
            return now.saturating_add(backoff.min(cap));
        }
        now.saturating_add(interval)
    }
}

/// What one scheduler run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    pub checked: usize,
    pub verified: usize,
    /// Releases that were verified and are not any more.
    pub downgraded: usize,
    pub pending: usize,
    pub problems: usize,
}

/// Packages listed in one `artifact-check` record, and the longest reason written there.
const MAX_LOGGED_PACKAGES: usize = 32;
const MAX_LOGGED_REASON: usize = 4096;

/// `s` cut to at most `max` bytes at a character boundary, marked with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// How long a claimed check is reserved for the replica that claimed it.
const CLAIM_LEASE_MS: i64 = 10 * 60 * 1000;

/// Runs the checks due at `now` (unix ms; tests pass a clock of their own): first checks of
/// signed releases, re-checks, retries. `progress(done, total, release)` follows it.
pub async fn run_due(
    db: &Db,
    log: &Log,
    checker: &Checker,
    now: i64,
    progress: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<RunReport> {
    let due = db::artifacts::due(db, now, 500).await?;
    let mut report = RunReport::default();
    let total = due.len();
    for (i, d) in due.iter().enumerate() {
        let label = format!("{}@{}", d.name, d.version);
        progress(i, total, &label);
        if !db::artifacts::claim(db, d.release_id, now, now.saturating_add(CLAIM_LEASE_MS)).await? {
            continue; // another replica has it
        }
        let prior: Vec<PackageResult> = db::artifacts::results_of(db, d.release_id)
            .await?
            .into_iter()
            .map(PackageResult::from_row)
            .collect();
        let check = checker.recheck_manifest(&d.manifest, &d.name, &prior).await;
        // One release that cannot be stored (a database hiccup) must not stop the others; its
        // claim expires and it is checked again.
        let applied = match apply(db, log, checker, d, &check, now).await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(release = %label, error = %e, "cannot store the artifact check");
                continue;
            }
        };
        report.checked += 1;
        metrics::counter!("registry_artifact_checks_total", "state" => applied.state.as_str())
            .increment(1);
        match applied.state {
            ReleaseState::Verified => report.verified += 1,
            ReleaseState::Pending => report.pending += 1,
            _ => report.problems += 1,
        }
        if applied.downgraded {
            report.downgraded += 1;
        }
    }
    progress(total, total, "");
    Ok(report)
}

/// The state a check left a release in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub state: ReleaseState,
    pub changed: bool,
    pub downgraded: bool,
}

/// Stores a check: the per-package results, the schedule, and (when it changed) the release's
/// state with a log leaf, in one transaction; then signs a checkpoint covering the leaf.
pub async fn apply(
    db: &Db,
    log: &Log,
    checker: &Checker,
    release: &db::artifacts::DueRelease,
    check: &ReleaseCheck,
    now: i64,
) -> Result<Applied> {
    let mut tx = db::log::begin_write(db).await?;
    let prev = db::artifacts::check_state(&mut tx, release.release_id).await?;
    let was_verified = prev.release_state.as_deref() == Some(ARTIFACTS_VERIFIED);
    // An outage is no evidence against a verified release: it stays verified until a check
    // says otherwise.
    let state = if check.state == ReleaseState::Pending && was_verified {
        ReleaseState::Verified
    } else {
        check.state
    };
    let problems = if state == ReleaseState::Verified {
        None
    } else {
        Some(
            serde_json::to_string(&check.reasons())
                .map_err(|e| Error::Internal(format!("cannot encode the reasons: {e}")))?,
        )
    };
    let attempts = if check.state == ReleaseState::Pending {
        prev.attempts + 1
    } else {
        0
    };
    let next = checker.next_check_at(check.state, attempts, now);
    let changed = prev.release_state.as_deref() != Some(state.as_str());
    let verified_at = match state {
        ReleaseState::Verified => prev.verified_at.or(Some(now)),
        _ => prev.verified_at,
    };
    db::artifacts::replace_results(&mut tx, release.release_id, &check.results, now).await?;
    db::artifacts::upsert_check(
        &mut tx,
        &db::artifacts::CheckRow {
            release_id: release.release_id,
            state: state.as_str().to_string(),
            attempts,
            checked_at: now,
            next_check_at: next,
            verified_at,
        },
    )
    .await?;
    if changed || prev.release_problems != problems {
        db::artifacts::set_release_state(
            &mut tx,
            release.release_id,
            state.as_str(),
            problems.as_deref(),
            now_ms(),
        )
        .await?;
    }
    // The log records what changes trust: a release becoming verified, and a verified one
    // losing it. Problems of a release that was never verified leave its level as it was
    // (signed); they are in its verdict, not the log.
    let logged = changed && (state == ReleaseState::Verified || was_verified);
    if logged {
        let record = check_record(release, state, check);
        tlog::append(&mut tx, db, &record).await?;
    }
    tx.commit().await?;
    if logged {
        tlog::checkpoint(db, log).await?;
    }
    let downgraded = was_verified && state != ReleaseState::Verified;
    if downgraded {
        tracing::warn!(
            release = %format!("{}@{}", release.name, release.version),
            state = state.as_str(),
            "a verified release failed its artifact re-check and was downgraded"
        );
    }
    Ok(Applied {
        state,
        changed,
        downgraded,
    })
}

/// The `artifact-check` leaf of a check that changed a release's trust.
fn check_record(
    release: &db::artifacts::DueRelease,
    state: ReleaseState,
    check: &ReleaseCheck,
) -> LogRecord {
    let reason = if state == ReleaseState::Verified {
        None
    } else {
        let all = check
            .reasons()
            .iter()
            .map(|r| r.message.replace(['\n', '\r'], " "))
            .collect::<Vec<_>>()
            .join("; ");
        Some(truncate(&all, MAX_LOGGED_REASON))
    };
    // A record is at most 64 KiB: a release with very many packages logs the first ones
    // (the verdict and `artifact_results` keep them all).
    let mut artifacts: Vec<String> = check
        .results
        .iter()
        .take(MAX_LOGGED_PACKAGES)
        .map(|r| truncate(&r.log_line(), 1024))
        .collect();
    if check.results.len() > MAX_LOGGED_PACKAGES {
        artifacts.push(format!(
            "{}_more_packages - - - -",
            check.results.len() - MAX_LOGGED_PACKAGES
        ));
    }
    LogRecord::ArtifactCheck {
        name: release.name.clone(),
        version: release.version.clone(),
        manifest_sha256: release.manifest_sha256.clone(),
        result: state.log_result().to_string(),
        artifacts,
        reason,
        time_ms: now_ms(),
    }
}

/// Runs due checks every `poll` in the background (`serve`). With several replicas each runs
/// it; a claim in the database makes sure one replica checks a release at a time.
pub fn spawn_scheduler(
    db: Db,
    log: std::sync::Arc<Log>,
    checker: std::sync::Arc<Checker>,
    poll: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_due(&db, &log, &checker, now_ms(), &|_, _, _| {}).await {
                Ok(r) if r.checked > 0 => tracing::info!(
                    checked = r.checked,
                    verified = r.verified,
                    downgraded = r.downgraded,
                    pending = r.pending,
                    problems = r.problems,
                    "artifact checks"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "artifact checks failed; retrying"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_records_stay_within_the_record_limit() {
        let long = "x".repeat(2000);
        let results: Vec<PackageResult> = (0..500)
            .map(|i| {
                PackageResult::mismatch(
                    &format!("npm:@o/p{i}@1.0.0"),
                    &long,
                    long.clone(),
                    Some(long.clone()),
                )
            })
            .collect();
        let check = ReleaseCheck {
            state: ReleaseState::of(&results),
            results,
        };
        let release = db::artifacts::DueRelease {
            release_id: 1,
            name: "io.github.o/s".into(),
            version: "1.0.0".into(),
            manifest: Vec::new(),
            manifest_sha256: "ab".repeat(32),
        };
        let record = check_record(&release, ReleaseState::Mismatch, &check);
        let bytes = record.to_bytes().unwrap();
        assert!(bytes.len() < 65_535);
        let LogRecord::ArtifactCheck {
            artifacts, reason, ..
        } = LogRecord::parse(&bytes).unwrap()
        else {
            panic!("not an artifact-check record")
        };
        assert_eq!(artifacts.len(), MAX_LOGGED_PACKAGES + 1);
        assert_eq!(
            artifacts.last().map(String::as_str),
            Some("468_more_packages - - - -")
        );
        assert!(reason.unwrap().ends_with('…'));
        assert_eq!(truncate("héllo", 3), "…");
        assert_eq!(truncate("hello", 5), "hello");
    }
}
