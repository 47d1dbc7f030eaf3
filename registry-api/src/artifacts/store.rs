//! Storing a check: the per-package results, the schedule, the release's state and, when trust
//! changed, an `artifact-check` leaf of the transparency log.

use protocol::log::LogRecord;

use super::{Checker, ReleaseCheck, ReleaseState};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
use crate::service::views::ARTIFACTS_VERIFIED;

/// Packages listed in one `artifact-check` record, and the longest reason written there.
const MAX_LOGGED_PACKAGES: usize = 32;
const MAX_LOGGED_REASON: usize = 4096;

/// `s` cut to at most `max` bytes at a character boundary, marked with `…` when cut.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
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
            db.now_ms(),
        )
        .await?;
    }
    // The log records what changes trust: a release becoming verified, and a verified one
    // losing it. Problems of a release that was never verified leave its level as it was
    // (signed); they are in its verdict, not the log.
    let logged = changed && (state == ReleaseState::Verified || was_verified);
    if logged {
        let record = check_record(release, state, check, db.now_ms());
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
    time_ms: i64,
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
        time_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifacts::PackageResult;

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
        let record = check_record(&release, ReleaseState::Mismatch, &check, 0);
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
