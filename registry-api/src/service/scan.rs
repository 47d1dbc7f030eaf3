//! The tool-poisoning scanner on every release (issue 7): `protocol::scan::scan_manifest` runs
//! on each manifest the registry stores (publish, import, seed, mirror, crawl), its findings
//! are stored per release with the scanner version (`release_scans`), and reads show them.
//! Findings never refuse a release: they are facts, and a high one keeps it from `verified`
//! (`protocol::trust::compute`). Releases without a current scan (stored before the scanner,
//! or by an older scanner version) are scanned at start-up by [`backfill`]; until then reads
//! scan them on the fly, so every answer carries a scan.
//!
//! The rug-pull check is here too: [`tools_diff`] compares a release's tools with those of the
//! previous version of the same server that declares tools.

use std::collections::HashMap;
use std::str::FromStr;

use protocol::Version;
use protocol::api::{ReleaseScan, ScanSummary, ToolsDiffInfo};
use protocol::formats::scan::{MAX_STORED_FINDINGS, SCANNER_VERSION};
use protocol::manifest::ReleaseExtension;
use protocol::scan::{Finding, Severity, diff_tools, scan_manifest};
use protocol::trust::ToolsChangeFacts;
use serde_json::Value;

use crate::db::releases::ReleaseRow;
use crate::db::scans::ScanRow;
use crate::db::{self, Db, Tx};
use crate::error::{Error, Result};

/// Releases scanned per transaction by [`backfill`].
const BACKFILL_PAGE: i64 = 200;

/// Scans manifest bytes. Bytes that are not JSON (never stored: every path validates them)
/// scan as an empty document.
pub fn scan_bytes(bytes: &[u8]) -> ReleaseScan {
    let value: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
    scan_value(&value)
}

/// Scans a parsed manifest.
pub fn scan_value(value: &Value) -> ReleaseScan {
    let report = scan_manifest(value);
    let summary = ScanSummary {
        scanner_version: SCANNER_VERSION,
        tools: report.tools,
        high: report.count(Severity::High),
        warning: report.count(Severity::Warning),
        info: report.count(Severity::Info),
    };
    let truncated = report.findings.len() > MAX_STORED_FINDINGS;
    let mut findings = report.findings;
    findings.truncate(MAX_STORED_FINDINGS);
    ReleaseScan {
        summary,
        findings,
        truncated,
    }
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// The stored row of a release's scan.
pub fn scan_row(release_id: i64, scan: &ReleaseScan) -> Result<ScanRow> {
    let findings = serde_json::to_string(&scan.findings)
        .map_err(|e| Error::Internal(format!("cannot serialize scanner findings: {e}")))?;
    Ok(ScanRow {
        release_id,
        scanner_version: i64::from(scan.summary.scanner_version),
        tools: to_i64(scan.summary.tools),
        high: to_i64(scan.summary.high),
        warning: to_i64(scan.summary.warning),
        info: to_i64(scan.summary.info),
        findings,
        truncated: scan.truncated,
    })
}

/// Stores the scan of a release inside the transaction that stores the release.
pub async fn store(tx: &mut Tx, release_id: i64, scan: &ReleaseScan, now_ms: i64) -> Result<()> {
    db::scans::upsert(tx, &scan_row(release_id, scan)?, now_ms).await
}

/// Scans and stores a release in one step (for callers that hold the bytes inside their
/// transaction, such as the crawler).
pub async fn scan_and_store(tx: &mut Tx, release_id: i64, bytes: &[u8], now_ms: i64) -> Result<()> {
    store(tx, release_id, &scan_bytes(bytes), now_ms).await
}

/// Scans every release that has no scan by the current scanner version; returns how many.
/// Idempotent, and safe to run on several replicas at once (the last write wins with the same
/// result).
pub async fn backfill(db: &Db) -> Result<u64> {
    let version = i64::from(SCANNER_VERSION);
    let mut after = 0;
    let mut done = 0u64;
    loop {
        let page = db::scans::unscanned(db, version, after, BACKFILL_PAGE).await?;
        let Some(last) = page.last().map(|(id, _)| *id) else {
            break;
        };
        let scans: Vec<(i64, ReleaseScan)> = page
            .iter()
            .map(|(id, bytes)| (*id, scan_bytes(bytes)))
            .collect();
        let now = db.now_ms();
        let mut tx = db.begin().await?;
        for (id, scan) in &scans {
            store(&mut tx, *id, scan, now).await?;
        }
        tx.commit().await?;
        done += scans.len() as u64;
        after = last;
    }
    Ok(done)
}

fn from_row(row: &ScanRow) -> Result<ReleaseScan> {
    let findings: Vec<Finding> = serde_json::from_str(&row.findings).map_err(|e| {
        Error::Internal(format!(
            "stored scanner findings of release {} are not readable: {e}",
            row.release_id
        ))
    })?;
    Ok(ReleaseScan {
        summary: ScanSummary {
            scanner_version: u32::try_from(row.scanner_version).unwrap_or(0),
            tools: to_usize(row.tools),
            high: to_usize(row.high),
            warning: to_usize(row.warning),
            info: to_usize(row.info),
        },
        findings,
        truncated: row.truncated,
    })
}

/// The scans of these releases: the stored ones by the current scanner version, the others
/// scanned now (not stored: the next start-up's [`backfill`] does that).
pub async fn scans_of(db: &Db, rows: &[ReleaseRow]) -> Result<HashMap<i64, ReleaseScan>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let stored = db::scans::of_releases(db, &ids).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let scan = match stored.get(&row.id) {
            Some(s) if s.scanner_version >= i64::from(SCANNER_VERSION) => from_row(s)?,
            _ => scan_bytes(&row.manifest),
        };
        out.insert(row.id, scan);
    }
    Ok(out)
}

/// The tools of a release's extension (`None` when it declares none).
fn tools_of(row: &ReleaseRow) -> Option<Vec<Value>> {
    let value: Value = serde_json::from_slice(&row.manifest).ok()?;
    let tools: Vec<Value> = ReleaseExtension::of(&value)?
        .tools
        .iter()
        .filter_map(|t| serde_json::to_value(t).ok())
        .collect();
    (!tools.is_empty()).then_some(tools)
}

/// How `row`'s tools differ from those of the newest older version (by version precedence) of
/// the same server that declares tools. `releases` are the server's releases (any order).
pub fn tools_diff(row: &ReleaseRow, releases: &[ReleaseRow]) -> Option<ToolsDiffInfo> {
    let tools = tools_of(row)?;
    let version = Version::from_str(&row.version).ok()?;
    let previous = releases
        .iter()
        .filter(|r| r.id != row.id && r.server_id == row.server_id)
        .filter_map(|r| Version::from_str(&r.version).ok().map(|v| (v, r)))
        .filter(|(v, _)| version.is_newer_than(v))
        .filter_map(|(v, r)| tools_of(r).map(|t| (v, r, t)))
        .reduce(|best, next| {
            if next.0.is_newer_than(&best.0) {
                next
            } else {
                best
            }
        })?;
    let (_, prev_row, prev_tools) = previous;
    let diff = diff_tools(&prev_tools, &tools);
    Some(ToolsDiffInfo {
        previous_version: prev_row.version.clone(),
        added: diff.added,
        removed: diff.removed,
        changed: diff.changed,
        unchanged: diff.unchanged,
    })
}

/// The trust facts of a tools diff.
pub fn tools_change_facts(diff: &ToolsDiffInfo) -> ToolsChangeFacts {
    ToolsChangeFacts {
        previous_version: diff.previous_version.clone(),
        added: diff.added.len(),
        removed: diff.removed.len(),
        changed: diff.changed.len(),
    }
}
