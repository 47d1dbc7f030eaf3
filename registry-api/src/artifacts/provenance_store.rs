//! Storing a provenance check: the release's outcome (`releases.provenance_state` and the facts
//! its verdict reads), the schedule, and, when a release first becomes attested or loses it,
//! one `provenance` leaf per package of the transparency log in the same transaction.

use protocol::log::LogRecord;
use protocol::trust::{AttestedPackage, ProvenanceFacts};

use super::provenance::{Evidence, Outcome, attested_package, facts};
use super::{Checker, ReleaseState};
use crate::db::provenance::{self as store, ProvenanceCheckRow};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};

/// `releases.provenance_state` of a release whose every package is attested.
pub const PROVENANCE_ATTESTED: &str = "attested";
/// `releases.provenance_state` of a release checked and not attested.
pub const PROVENANCE_UNATTESTED: &str = "unattested";

/// The longest reason a `lost` leaf carries.
const MAX_LOGGED_REASON: usize = 4096;

/// What a provenance check left a release in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvenanceApplied {
    Attested,
    Unattested,
    /// Only temporary failures decided nothing: the earlier outcome stands.
    Pending,
}

/// Whether the release was attested before and is not any more (a lost leaf was logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvenanceResult {
    pub state: ProvenanceApplied,
    pub lost: bool,
}

/// Stores the provenance outcomes of `release`'s packages. A temporary failure of any package
/// changes nothing but the schedule (retried with the backoff): an outage of npm is no evidence
/// for or against the release.
pub async fn apply_provenance(
    db: &Db,
    log: &Log,
    checker: &Checker,
    release: &db::artifacts::DueRelease,
    outcomes: &[(String, Outcome)],
    now: i64,
) -> Result<ProvenanceResult> {
    let mut tx = db::log::begin_write(db).await?;
    let prev = store::prev(&mut tx, release.release_id).await?;
    let was_attested = prev.state.as_deref() == Some(PROVENANCE_ATTESTED);
    let temporary = outcomes
        .iter()
        .any(|(_, o)| matches!(o, Outcome::Temporary(_)));
    let found = facts(outcomes);
    let (state, next) = if temporary {
        let attempts = prev.attempts + 1;
        let next = checker.next_check_at(ReleaseState::Pending, attempts, now);
        (ProvenanceApplied::Pending, (attempts, next))
    } else if found.complete() {
        let next = checker.next_check_at(ReleaseState::Verified, 0, now);
        (ProvenanceApplied::Attested, (0, next))
    } else {
        let next = checker.next_check_at(ReleaseState::Failed, 0, now);
        (ProvenanceApplied::Unattested, (0, next))
    };
    let (attempts, next_check_at) = next;
    let stored = match state {
        ProvenanceApplied::Attested => Some(PROVENANCE_ATTESTED),
        ProvenanceApplied::Unattested => Some(PROVENANCE_UNATTESTED),
        ProvenanceApplied::Pending => None,
    };
    let attested_at = match state {
        ProvenanceApplied::Attested => prev.attested_at.or(Some(now)),
        _ => prev.attested_at,
    };
    store::upsert_check(
        &mut tx,
        &ProvenanceCheckRow {
            release_id: release.release_id,
            state: stored.unwrap_or("pending").to_owned(),
            attempts,
            checked_at: now,
            next_check_at,
            attested_at,
        },
    )
    .await?;
    let mut records = Vec::new();
    if let Some(stored) = stored {
        let json = serde_json::to_string(&found)
            .map_err(|e| Error::Internal(format!("cannot encode the provenance facts: {e}")))?;
        if prev.state.as_deref() != Some(stored) || prev.facts.as_deref() != Some(json.as_str()) {
            store::set_release(&mut tx, release.release_id, stored, &json, db.now_ms()).await?;
        }
        let time_ms = db.now_ms();
        match state {
            ProvenanceApplied::Attested if !was_attested => {
                records = attested_records(release, outcomes, time_ms);
            }
            ProvenanceApplied::Unattested if was_attested => {
                let before: ProvenanceFacts = prev
                    .facts
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default();
                records = lost_records(release, &before.attested, &found, time_ms);
            }
            _ => {}
        }
    }
    for record in &records {
        tlog::append(&mut tx, db, record).await?;
    }
    tx.commit().await?;
    if !records.is_empty() {
        tlog::checkpoint(db, log).await?;
    }
    let lost = was_attested && state == ProvenanceApplied::Unattested;
    if lost {
        tracing::warn!(
            release = %format!("{}@{}", release.name, release.version),
            "an attested release no longer has verified build provenance"
        );
    }
    Ok(ProvenanceResult { state, lost })
}

/// One `attested` leaf per attested artifact, each with the document it was verified from.
fn attested_records(
    release: &db::artifacts::DueRelease,
    outcomes: &[(String, Outcome)],
    time_ms: i64,
) -> Vec<LogRecord> {
    outcomes
        .iter()
        .flat_map(|(package, outcome)| match outcome {
            Outcome::Attested(found) => found
                .iter()
                .map(|e| attested_record(release, package, e, time_ms))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn attested_record(
    release: &db::artifacts::DueRelease,
    package: &str,
    evidence: &Evidence,
    time_ms: i64,
) -> LogRecord {
    let p = attested_package(package, &evidence.provenance);
    let leaf =
        |evidence: Option<String>| record(release, &p, RecordKind::Attested { evidence }, time_ms);
    // The document is JSON text; one too large for a leaf (64 KiB) is logged without it, and a
    // monitor counts that leaf as not re-verifiable.
    let with = leaf(String::from_utf8(evidence.document.clone()).ok());
    if with.to_bytes().is_ok() {
        with
    } else {
        leaf(None)
    }
}

/// One `lost` leaf per artifact that was attested before, with why the release is not now.
fn lost_records(
    release: &db::artifacts::DueRelease,
    before: &[AttestedPackage],
    now: &ProvenanceFacts,
    time_ms: i64,
) -> Vec<LogRecord> {
    let why = now
        .missing
        .iter()
        .map(|r| r.message.replace(['\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("; ");
    let why = super::store::truncate(&why, MAX_LOGGED_REASON);
    before
        .iter()
        .map(|p| {
            record(
                release,
                p,
                RecordKind::Lost {
                    reason: why.clone(),
                },
                time_ms,
            )
        })
        .collect()
}

enum RecordKind {
    Attested { evidence: Option<String> },
    Lost { reason: String },
}

fn record(
    release: &db::artifacts::DueRelease,
    p: &AttestedPackage,
    kind: RecordKind,
    time_ms: i64,
) -> LogRecord {
    let (result, evidence, reason) = match kind {
        RecordKind::Attested { evidence } => ("attested", evidence, None),
        RecordKind::Lost { reason } => ("lost", None, Some(reason).filter(|r| !r.is_empty())),
    };
    LogRecord::Provenance {
        name: release.name.clone(),
        version: release.version.clone(),
        manifest_sha256: release.manifest_sha256.clone(),
        result: result.to_owned(),
        package: p.package.clone(),
        digest: p.digest.clone(),
        repository: p.repository.clone(),
        commit: p.commit.clone(),
        identity: p.identity.clone(),
        rekor_log_index: i64::try_from(p.rekor_log_index).unwrap_or(i64::MAX),
        evidence,
        reason,
        time_ms,
    }
}
