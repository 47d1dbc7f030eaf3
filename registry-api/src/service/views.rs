//! Database rows → wire types (`protocol::api`). Rows are never serialized directly.

use protocol::api::{
    KeyInfo, KeyProof, OfficialMeta, ProofKind, RegistryMeta, ReleaseInfo, ReleaseOrigin,
    ReleaseScan, ResponseMeta, ServerResponse, ServerStatus, ToolsDiffInfo,
};
use protocol::trust::{self, Reason, SignatureFacts, TrustFacts, Verdict};

use crate::clock::rfc3339;
use crate::db::keys::GrantRow;
use crate::db::releases::ReleaseRow;
use crate::error::{Error, Result};

/// The facts the database holds about a release, as [`trust::compute`] takes them.
pub fn trust_facts(row: &ReleaseRow) -> TrustFacts {
    TrustFacts {
        known: true,
        // A signed release is only stored after its signature verified with a key proven for
        // the name (service::publish), so both hold for every stored signature.
        signature: row
            .key_id
            .as_ref()
            .filter(|_| row.signature.is_some())
            .map(|key_id| SignatureFacts {
                key_id: key_id.clone(),
                valid: true,
                key_proven: true,
                key_revoked: row.key_revoked_at.is_some(),
            }),
        yanked: row.yanked_at.map(|_| row.yank_reason.clone()),
        deprecated: row.deprecated_at.map(|_| row.deprecation_message.clone()),
        malicious: row.malicious_reason.clone(),
        // Every signed release is appended to the log in the transaction that stores it
        // (service::publish), and releases signed before the log existed are appended at
        // start-up (service::log::backfill): a stored signature means a logged release.
        logged: row.signature.is_some(),
        // The registry's own artifact check (crate::artifacts) keeps these on the release row.
        artifacts_verified: row.artifacts_state.as_deref() == Some(ARTIFACTS_VERIFIED),
        artifact_problems: artifact_problems(row),
        // The scanner's findings are added by `verdict_with` (views that carry the scan).
        high_severity_findings: 0,
        tools_changed: None,
        publisher_vetted: row.publisher_vetted,
        // The registry's provenance check (crate::artifacts::provenance) keeps its facts on
        // the release row; before its first decision there are none.
        provenance: row
            .provenance_facts
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok()),
    }
}

/// `releases.artifacts_state` of a release whose artifacts all matched.
pub const ARTIFACTS_VERIFIED: &str = "verified";

/// Why the artifacts of a signed release are not verified, as the last check stored it. Not
/// checked yet: none, so the verdict gives the generic `artifacts_not_verified` reason.
fn artifact_problems(row: &ReleaseRow) -> Vec<Reason> {
    if row.signature.is_none() || row.artifacts_state.as_deref() == Some(ARTIFACTS_VERIFIED) {
        return Vec::new();
    }
    row.artifacts_problems
        .as_deref()
        .and_then(|json| serde_json::from_str::<Vec<Reason>>(json).ok())
        .unwrap_or_default()
}

pub fn verdict(row: &ReleaseRow) -> Verdict {
    trust::compute(&trust_facts(row))
}

/// The verdict with the scanner's findings and the tools diff (`service::scan`) as facts.
pub fn verdict_with(
    row: &ReleaseRow,
    scan: Option<&ReleaseScan>,
    tools_diff: Option<&ToolsDiffInfo>,
) -> Verdict {
    let mut facts = trust_facts(row);
    if let Some(s) = scan {
        facts.high_severity_findings = u32::try_from(s.summary.high).unwrap_or(u32::MAX);
    }
    facts.tools_changed = tools_diff.map(crate::service::scan::tools_change_facts);
    trust::compute(&facts)
}

pub fn origin(row: &ReleaseRow) -> Result<ReleaseOrigin> {
    ReleaseOrigin::parse(&row.origin)
        .ok_or_else(|| Error::Internal(format!("unknown release origin {:?}", row.origin)))
}

/// A release's official lifecycle status, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialStatus {
    pub status: ServerStatus,
    pub message: Option<String>,
    /// Unix ms of the last status change, when known.
    pub changed_at: Option<i64>,
}

/// The official status (see `ServerStatus`): `deleted` when the operators took the release
/// down (flagged malicious) or its maintainer yanked it; else `deprecated` when the maintainer
/// deprecated it or its key was revoked; else `active`.
pub fn official_status(row: &ReleaseRow) -> OfficialStatus {
    let with = |prefix: &str, text: &Option<String>| match text.as_deref() {
        Some(t) if !t.is_empty() => format!("{prefix}: {t}"),
        _ => prefix.to_string(),
    };
    let (status, message) = if let Some(why) = &row.malicious_reason {
        (
            ServerStatus::Deleted,
            Some(format!("taken down by the registry's operators: {why}")),
        )
    } else if row.yanked_at.is_some() {
        (
            ServerStatus::Deleted,
            Some(with("yanked by the maintainer", &row.yank_reason)),
        )
    } else if row.deprecated_at.is_some() {
        // The maintainer's own words, as the official registry shows them.
        let message = match row.deprecation_message.as_deref() {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => "deprecated by the maintainer".to_string(),
        };
        (ServerStatus::Deprecated, Some(message))
    } else if let (Some(key), Some(_)) = (&row.key_id, row.key_revoked_at) {
        (
            ServerStatus::Deprecated,
            Some(format!(
                "the maintainer's signing key {key} was revoked: this release is no longer \
                 trusted; use a release signed with their new key"
            )),
        )
    } else {
        (ServerStatus::Active, None)
    };
    // A revocation changes the status of every release of the key without touching them, so
    // its time comes from the key.
    let changed_at = match (status, row.key_revoked_at) {
        (ServerStatus::Deprecated, Some(revoked)) => row
            .status_changed_at
            .map_or(Some(revoked), |at| Some(at.max(revoked))),
        _ => row.status_changed_at,
    };
    OfficialStatus {
        status,
        message: message.map(within_status_limit),
        changed_at,
    }
}

/// Cuts a status message to the official `statusMessage` bound (a yank reason or an operator's
/// reason with its prefix can be longer).
fn within_status_limit(message: String) -> String {
    let max = protocol::formats::STATUS_MESSAGE_MAX_CHARS;
    if message.chars().count() <= max {
        return message;
    }
    let mut cut: String = message.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// The official `{server, _meta}` object.
pub fn server_response(row: &ReleaseRow) -> Result<ServerResponse> {
    let server: serde_json::Value = serde_json::from_slice(&row.manifest).map_err(|e| {
        Error::Internal(format!(
            "stored manifest of {}@{} is not JSON: {e}",
            row.name, row.version
        ))
    })?;
    let lifecycle = official_status(row);
    Ok(ServerResponse {
        server,
        meta: ResponseMeta {
            official: Some(OfficialMeta {
                status: lifecycle.status,
                status_message: lifecycle.message,
                status_changed_at: lifecycle.changed_at.map(rfc3339),
                published_at: rfc3339(row.published_at),
                updated_at: rfc3339(row.updated_at),
                is_latest: row.is_latest,
            }),
            registry: Some(RegistryMeta {
                trust: verdict(row),
                origin: origin(row)?,
                manifest_sha256: row.manifest_sha256.clone(),
                key_id: row.key_id.clone(),
                log: None,
                github: None,
                scan: None,
            }),
        },
    })
}

pub fn release_info(row: &ReleaseRow) -> Result<ReleaseInfo> {
    Ok(ReleaseInfo {
        name: row.name.clone(),
        version: row.version.clone(),
        origin: origin(row)?,
        published_at: rfc3339(row.published_at),
        updated_at: rfc3339(row.updated_at),
        manifest_sha256: row.manifest_sha256.clone(),
        key_id: row.key_id.clone(),
        yanked: row.yanked_at.is_some(),
        yank_reason: row.yank_reason.clone(),
        deprecated: row.deprecated_at.is_some(),
        deprecation_message: row.deprecation_message.clone(),
        is_latest: row.is_latest,
        trust: verdict(row),
        log: None,
        scan: None,
    })
}

pub fn key_info(g: &GrantRow) -> Result<KeyInfo> {
    let kind = ProofKind::parse(&g.proof_kind)
        .ok_or_else(|| Error::Internal(format!("unknown proof kind {:?}", g.proof_kind)))?;
    let (repository, domain) = match kind {
        ProofKind::Github => (Some(g.proof_target.clone()), None),
        ProofKind::Domain => (None, Some(g.proof_target.clone())),
    };
    Ok(KeyInfo {
        key_id: g.key.key_id.clone(),
        public_key: g.key.public_key.clone(),
        namespace: g.namespace.clone(),
        proof: KeyProof {
            kind,
            repository,
            repository_id: g.proof_repository_id,
            domain,
            url: g.proof_url.clone(),
        },
        registered_at: rfc3339(g.granted_at),
        revoked_at: g.key.revoked_at.map(rfc3339),
        revoke_reason: g.key.revoke_reason.clone(),
        rotated_from: g.key.rotated_from.clone(),
    })
}

/// The last artifact check of a release, per package (`GET /v1/verify`).
pub async fn artifact_checks(
    db: &crate::db::Db,
    release_id: i64,
) -> Result<Vec<protocol::api::ArtifactCheckInfo>> {
    Ok(crate::db::artifacts::results_of(db, release_id)
        .await?
        .into_iter()
        .map(|r| protocol::api::ArtifactCheckInfo {
            package: r.package,
            state: r.state.parse().unwrap_or(protocol::ArtifactState::Failed),
            compared: r.compared,
            expected: r.expected,
            observed: r.observed,
            ownership: r.ownership,
            message: r.reason.unwrap_or_default(),
            checked_at: rfc3339(r.checked_at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ReleaseRow {
        ReleaseRow {
            id: 1,
            server_id: 1,
            name: "io.github.o/s".into(),
            namespace: "io.github.o".into(),
            version: "1.0.0".into(),
            manifest: b"{}".to_vec(),
            manifest_sha256: "00".into(),
            signature: Some("sig".into()),
            key_id: Some("0123456789ABCDEF".into()),
            origin: "publish".into(),
            published_at: 1,
            updated_at: 1,
            is_latest: true,
            yanked_at: None,
            yank_reason: None,
            deprecated_at: None,
            deprecation_message: None,
            status_changed_at: None,
            last_statement_at: None,
            key_revoked_at: None,
            malicious_reason: None,
            artifacts_state: None,
            artifacts_problems: None,
            provenance_state: None,
            provenance_facts: None,
            publisher_vetted: false,
        }
    }

    #[test]
    fn status_mapping_strongest_first() {
        let mut r = row();
        assert_eq!(official_status(&r).status, ServerStatus::Active);
        assert_eq!(official_status(&r).message, None);

        r.key_revoked_at = Some(50);
        let s = official_status(&r);
        assert_eq!(s.status, ServerStatus::Deprecated);
        assert!(s.message.unwrap().contains("0123456789ABCDEF was revoked"));
        assert_eq!(s.changed_at, Some(50), "a revocation's time is the key's");

        r.deprecated_at = Some(20);
        r.deprecation_message = Some("use 2.0.0".into());
        r.status_changed_at = Some(20);
        let s = official_status(&r);
        assert_eq!(s.status, ServerStatus::Deprecated);
        assert_eq!(s.message.as_deref(), Some("use 2.0.0"));
        assert_eq!(s.changed_at, Some(50));

        r.yanked_at = Some(60);
        r.status_changed_at = Some(60);
        let s = official_status(&r);
        assert_eq!(s.status, ServerStatus::Deleted);
        assert_eq!(s.message.as_deref(), Some("yanked by the maintainer"));
        assert_eq!(s.changed_at, Some(60));

        r.malicious_reason = Some("steals tokens".into());
        let s = official_status(&r);
        assert_eq!(s.status, ServerStatus::Deleted);
        assert_eq!(
            s.message.as_deref(),
            Some("taken down by the registry's operators: steals tokens")
        );
    }

    #[test]
    fn status_messages_fit_the_official_bound() {
        let mut r = row();
        r.yanked_at = Some(1);
        r.yank_reason = Some("é".repeat(600));
        let m = official_status(&r).message.unwrap();
        assert_eq!(
            m.chars().count(),
            protocol::formats::STATUS_MESSAGE_MAX_CHARS
        );
        assert!(m.ends_with('…'));
        // The deprecation reason never lowers the level.
        let mut r = row();
        let before = verdict(&r).level;
        r.deprecated_at = Some(1);
        assert_eq!(verdict(&r).level, before);
    }
}
