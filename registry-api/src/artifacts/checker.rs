//! The checker: fetches each package's registry metadata and compares it with the manifest,
//! and decides when a release is checked next.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use provenance::TrustRoot;

use protocol::formats::artifacts as formats;

use super::plan::{self, Endpoints, PackagePlan, Target};
use super::provenance as provenance_check;
use super::{
    ArtifactArgs, PackageResult, PackageState, ReleaseCheck, ReleaseState, mcpb, npm, oci, pypi,
};
use crate::error::{Error, Result};
use crate::outbound::{self as fetch, FetchLimits, Fetcher, Hosts};

/// Fetches and compares. Built once from the settings; cheap to share.
#[derive(Debug, Clone)]
pub struct Checker {
    fetcher: Fetcher,
    endpoints: Endpoints,
    recheck_ms: i64,
    /// The Sigstore root build provenance must chain to; `None`: provenance checks are off.
    trust_root: Option<Arc<TrustRoot>>,
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
        let trust_root = if args.no_provenance_checks {
            None
        } else {
            Some(Arc::new(trust_root(args.sigstore_trusted_root.as_deref())?))
        };
        Ok(Checker {
            fetcher,
            endpoints,
            trust_root,
            recheck_ms: i64::try_from(args.artifact_recheck_interval.saturating_mul(1000))
                .unwrap_or(i64::MAX),
        })
    }

    /// The Sigstore trusted root, when provenance checks are on.
    pub fn trust_root(&self) -> Option<&TrustRoot> {
        self.trust_root.as_deref()
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
        match &p.target {
            Target::Npm { .. } => npm::check(&self.fetcher, p, server).await,
            Target::Pypi { .. } => pypi::check(&self.fetcher, p, server).await,
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

    /// Checks the build provenance of every package of a manifest for server `name`: each
    /// package with its outcome (`None` when provenance checks are off).
    pub async fn check_provenance(
        &self,
        manifest: &[u8],
        name: &str,
    ) -> Option<Vec<(String, provenance_check::Outcome)>> {
        let root = self.trust_root.as_deref()?;
        let server: serde_json::Value = match serde_json::from_slice(manifest) {
            Ok(v) => v,
            Err(e) => {
                let why = format!("the manifest is not JSON: {e}");
                return Some(vec![(
                    "manifest".into(),
                    provenance_check::Outcome::Refused(why),
                )]);
            }
        };
        let repository = server.pointer("/repository/url").and_then(|v| v.as_str());
        let mut outcomes = Vec::new();
        for p in self.plan(&server) {
            let outcome =
                provenance_check::check(&self.fetcher, root, &self.endpoints, &p, name, repository)
                    .await;
            outcomes.push((p.package.clone(), outcome));
        }
        Some(outcomes)
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

/// The configured trusted root (`--sigstore-trusted-root`), or the shipped public-good one.
fn trust_root(path: Option<&std::path::Path>) -> Result<TrustRoot> {
    let Some(path) = path else {
        return TrustRoot::public_good()
            .map_err(|e| Error::Config(format!("the shipped Sigstore trusted root: {e}")));
    };
    let json = std::fs::read_to_string(path).map_err(|e| {
        Error::Config(format!(
            "cannot read --sigstore-trusted-root {}: {e}",
            path.display()
        ))
    })?;
    TrustRoot::from_json(&json).map_err(|e| {
        Error::Config(format!(
            "--sigstore-trusted-root {} is not a Sigstore trusted_root.json: {e}",
            path.display()
        ))
    })
}
