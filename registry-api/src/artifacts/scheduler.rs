//! The scheduler: runs the checks that are due (first checks, re-checks, retries), once
//! ([`run_due`]) or in the background ([`spawn_scheduler`]).

use std::time::Duration;

use super::{Checker, PackageResult, ProvenanceApplied, ReleaseState, apply, apply_provenance};
use crate::db::artifacts::Queue;
use crate::db::{self, Db};
use crate::error::Result;
use crate::service::log::Log;

/// What one scheduler run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    pub checked: usize,
    pub verified: usize,
    /// Releases that were verified and are not any more.
    pub downgraded: usize,
    pub pending: usize,
    pub problems: usize,
    /// Releases whose build provenance was checked (listed and signed).
    pub provenance_checked: usize,
    /// Of those: attested now.
    pub attested: usize,
    /// Releases that were attested and are not any more.
    pub attestations_lost: usize,
}

/// How long a claimed check is reserved for the replica that claimed it.
const CLAIM_LEASE_MS: i64 = 10 * 60 * 1000;

/// Releases one run checks at most, per queue.
const BATCH: i64 = 500;

/// Runs the checks due now by the database's clock ([`Db::clock`]; tests set one with
/// [`Db::with_clock`] to run a schedule without waiting): first checks, re-checks and retries of
/// the artifacts of signed releases, then of the build provenance of every release.
/// `progress(done, total, release)` follows it.
pub async fn run_due(
    db: &Db,
    log: &Log,
    checker: &Checker,
    progress: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<RunReport> {
    let now = db.now_ms();
    let due = db::artifacts::due(db, Queue::Artifacts, now, BATCH).await?;
    let due_provenance = if checker.trust_root().is_some() {
        db::artifacts::due(db, Queue::Provenance, now, BATCH).await?
    } else {
        Vec::new()
    };
    let mut report = RunReport::default();
    let total = due.len() + due_provenance.len();
    for (i, d) in due.iter().enumerate() {
        let label = format!("{}@{}", d.name, d.version);
        progress(i, total, &label);
        let lease = now.saturating_add(CLAIM_LEASE_MS);
        if !db::artifacts::claim(db, Queue::Artifacts, d.release_id, now, lease).await? {
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
    for (i, d) in due_provenance.iter().enumerate() {
        let label = format!("{}@{} (provenance)", d.name, d.version);
        progress(due.len() + i, total, &label);
        let lease = now.saturating_add(CLAIM_LEASE_MS);
        if !db::artifacts::claim(db, Queue::Provenance, d.release_id, now, lease).await? {
            continue;
        }
        let Some(outcomes) = checker.check_provenance(&d.manifest, &d.name).await else {
            continue; // provenance checks are off
        };
        let applied = match apply_provenance(db, log, checker, d, &outcomes, now).await {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(release = %label, error = %e, "cannot store the provenance check");
                continue;
            }
        };
        report.provenance_checked += 1;
        let state = match applied.state {
            ProvenanceApplied::Attested => "attested",
            ProvenanceApplied::Unattested => "unattested",
            ProvenanceApplied::Pending => "pending",
        };
        metrics::counter!("registry_provenance_checks_total", "state" => state).increment(1);
        if applied.state == ProvenanceApplied::Attested {
            report.attested += 1;
        }
        if applied.lost {
            report.attestations_lost += 1;
        }
    }
    progress(total, total, "");
    Ok(report)
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
            match run_due(&db, &log, &checker, &|_, _, _| {}).await {
                Ok(r) if r.checked + r.provenance_checked > 0 => tracing::info!(
                    checked = r.checked,
                    verified = r.verified,
                    downgraded = r.downgraded,
                    pending = r.pending,
                    problems = r.problems,
                    provenance_checked = r.provenance_checked,
                    attested = r.attested,
                    attestations_lost = r.attestations_lost,
                    "artifact checks"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "artifact checks failed; retrying"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}
