//! Signed statements (revoke, rotate, yank, un-yank, deprecate, un-deprecate) and the
//! signature checks they share with publishing.

use std::str::FromStr;

use protocol::api::{DeprecateRequest, ReleaseInfo, Statement, YankRequest};
use protocol::formats::STATEMENT_MAX_SKEW_SECS;
use protocol::grant;
use protocol::log::{LogRecord, ReleaseAction};
use protocol::{PublicKey, Signature};

use crate::db::keys::{GrantRow, KeyRow};
use crate::db::releases::ReleaseRow;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
use crate::service::{latest, views};

/// Parses a `.minisig` text from a request.
pub fn parse_signature(text: &str) -> Result<Signature> {
    Signature::from_str(text).map_err(|e| {
        Error::InvalidSignature(format!("the signature is not a minisign signature: {e}"))
    })
}

/// Verifies `data` with a stored key. Legacy (non-prehashed) signatures are refused.
pub fn verify(key: &KeyRow, data: &[u8], signature: &Signature, what: &str) -> Result<()> {
    let public = PublicKey::from_str(&key.public_key)
        .map_err(|e| Error::Internal(format!("stored key {} does not parse: {e}", key.key_id)))?;
    public.verify(data, signature, false).map_err(|e| {
        Error::InvalidSignature(format!(
            "the signature does not verify over the {what} with key {}: {e}",
            key.key_id
        ))
    })
}

/// The signing key as stored; refuses unknown and revoked keys.
pub async fn live_key(db: &Db, signature: &Signature) -> Result<KeyRow> {
    let key_id = signature.key_id().to_string();
    let key = db::keys::find(db, &key_id).await?.ok_or_else(|| {
        Error::NotAuthorized(format!(
            "the signature was made by key {key_id}, which is not registered with this \
             registry: register it first (mcp-sign key register)"
        ))
    })?;
    if key.revoked_at.is_some() {
        return Err(Error::KeyRevoked(format!(
            "key {key_id} has been revoked and can no longer sign: register a new key"
        )));
    }
    Ok(key)
}

/// The grant of `key_id` that covers the server `name` whose manifest points at
/// `repository_url`: a domain grant for its namespace, or a GitHub grant for that repository.
pub async fn covering_grant(
    db: &Db,
    key_id: &str,
    name: &str,
    repository_url: Option<&str>,
) -> Result<GrantRow> {
    let grants = db::keys::grants_of_key(db, key_id).await?;
    // The rule clients check too (`mcp-sign check`, `log verify`): one function in protocol,
    // namespace included.
    let found = grant::covering(&grants, name, repository_url);
    if let Some(g) = found {
        return Ok(g.clone());
    }
    let proven: Vec<String> = grants
        .iter()
        .map(|g| format!("{} via {}", g.namespace, g.proof_target))
        .collect();
    Err(Error::NotAuthorized(format!(
        "key {key_id} may not publish {name}: it is proven for [{}]; a GitHub proof covers only \
         servers whose repository.url is the proven repository (this one has {}). Register the \
         key for this namespace and repository first",
        proven.join(", "),
        repository_url.unwrap_or("none"),
    )))
}

/// Refuses statements issued too far from `now` (unix seconds, the registry's clock; bounds
/// replay).
pub fn check_fresh(issued_at: i64, now: i64) -> Result<()> {
    // abs_diff cannot overflow, whatever number the request carries.
    if now.abs_diff(issued_at) > STATEMENT_MAX_SKEW_SECS.unsigned_abs() {
        return Err(Error::StaleStatement(format!(
            "the statement was issued at {issued_at} (unix seconds) but the registry's clock says \
             {now}: sign a fresh statement (clocks may differ by at most {STATEMENT_MAX_SKEW_SECS} s)"
        )));
    }
    Ok(())
}

pub fn statement_text(s: &Statement<'_>) -> Result<String> {
    s.to_text().map_err(Error::BadRequest)
}

/// What a maintainer's lifecycle statement about one release changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseChange<'a> {
    /// Yank, with the reason (none when empty).
    Yank(Option<&'a str>),
    Unyank,
    /// Deprecate, with the message (none when empty).
    Deprecate(Option<&'a str>),
    Undeprecate,
}

impl<'a> ReleaseChange<'a> {
    /// The leaf's action and the maintainer's text (a yank's reason, a deprecation's message).
    fn action(self) -> (ReleaseAction, Option<&'a str>) {
        match self {
            ReleaseChange::Yank(reason) => (ReleaseAction::Yank, reason),
            ReleaseChange::Unyank => (ReleaseAction::Unyank, None),
            ReleaseChange::Deprecate(message) => (ReleaseAction::Deprecate, message),
            ReleaseChange::Undeprecate => (ReleaseAction::Undeprecate, None),
        }
    }

    /// The statement the maintainer signed.
    fn statement(self, name: &'a str, version: &'a str, issued_at: i64) -> Statement<'a> {
        let (action, text) = self.action();
        action.statement(name, version, text, issued_at)
    }

    /// The row as it will be once the change applies (to tell whether the status changes).
    fn applied_to(self, row: &ReleaseRow, now_ms: i64) -> ReleaseRow {
        let mut after = row.clone();
        match self {
            ReleaseChange::Yank(reason) => {
                after.yanked_at = Some(now_ms);
                after.yank_reason = reason.map(str::to_string);
            }
            ReleaseChange::Unyank => (after.yanked_at, after.yank_reason) = (None, None),
            ReleaseChange::Deprecate(message) => {
                after.deprecated_at = Some(now_ms);
                after.deprecation_message = message.map(str::to_string);
            }
            ReleaseChange::Undeprecate => {
                (after.deprecated_at, after.deprecation_message) = (None, None);
            }
        }
        after
    }

    fn is_yank(self) -> bool {
        self.action().0.is_yank()
    }

    /// The log leaf recording the statement.
    fn record(
        self,
        row: &ReleaseRow,
        key_id: &str,
        signed: &SignedStatement<'_>,
        now_ms: i64,
    ) -> LogRecord {
        let (action, text) = self.action();
        LogRecord::ReleaseStatement {
            action,
            name: row.name.clone(),
            version: row.version.clone(),
            text: text.map(str::to_string),
            key_id: key_id.to_string(),
            issued_at: signed.issued_at,
            signature: signed.signature.to_string(),
            time_ms: now_ms,
        }
    }
}

/// The signed parts of a lifecycle request.
#[derive(Debug, Clone, Copy)]
pub struct SignedStatement<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub issued_at: i64,
    /// The `.minisig` text.
    pub signature: &'a str,
}

/// `POST /v1/yank` (`yank = true`) and `POST /v1/unyank`; an un-yank takes no reason.
pub async fn set_yanked(db: &Db, log: &Log, req: &YankRequest, yank: bool) -> Result<ReleaseInfo> {
    let change = match (yank, req.reason.as_deref()) {
        (true, reason) => ReleaseChange::Yank(reason.filter(|r| !r.is_empty())),
        (false, None) => ReleaseChange::Unyank,
        (false, Some(_)) => return Err(bad_request("an un-yank takes no reason")),
    };
    let signed = SignedStatement::of(&req.name, &req.version, req.issued_at, &req.signature);
    apply_release_statement(db, log, &signed, change).await
}

/// `POST /v1/deprecate` (`deprecate = true`) and `POST /v1/undeprecate`; an un-deprecation
/// takes no message.
pub async fn set_deprecated(
    db: &Db,
    log: &Log,
    req: &DeprecateRequest,
    deprecate: bool,
) -> Result<ReleaseInfo> {
    let change = match (deprecate, req.message.as_deref()) {
        (true, message) => ReleaseChange::Deprecate(message.filter(|m| !m.is_empty())),
        (false, None) => ReleaseChange::Undeprecate,
        (false, Some(_)) => {
            return Err(bad_request(
                "an un-deprecation takes no message: leave out \"message\"",
            ));
        }
    };
    let signed = SignedStatement::of(&req.name, &req.version, req.issued_at, &req.signature);
    apply_release_statement(db, log, &signed, change).await
}

fn bad_request(message: &str) -> Error {
    Error::BadRequest(message.to_string())
}

impl<'a> SignedStatement<'a> {
    fn of(name: &'a str, version: &'a str, issued_at: i64, signature: &'a str) -> Self {
        SignedStatement {
            name,
            version,
            issued_at,
            signature,
        }
    }
}

/// A maintainer's lifecycle statement about one release: checked (the key is live and has a
/// grant covering the name, the signature verifies over the statement, the statement is
/// fresh and newer than the last one applied), applied and logged in one transaction;
/// answers once a checkpoint covers it.
pub async fn apply_release_statement(
    db: &Db,
    log: &Log,
    signed: &SignedStatement<'_>,
    change: ReleaseChange<'_>,
) -> Result<ReleaseInfo> {
    let row = db::releases::find(db, signed.name, signed.version)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no release {}@{} in this registry",
                signed.name, signed.version
            ))
        })?;
    let text = statement_text(&change.statement(signed.name, signed.version, signed.issued_at))?;
    let signature = parse_signature(signed.signature)?;
    let key = live_key(db, &signature).await?;
    let facts = super::manifest_facts(&row.manifest)?;
    covering_grant(db, &key.key_id, &row.name, facts.repository_url.as_deref()).await?;
    verify(&key, text.as_bytes(), &signature, "statement")?;
    check_fresh(signed.issued_at, db.clock().now_secs())?;

    let now = db.now_ms();
    let applied = db::releases::StatementApplied {
        release_id: row.id,
        statement_at: signed.issued_at,
        status_changed: views::official_status(&change.applied_to(&row, now)).status
            != views::official_status(&row).status,
        now_ms: now,
    };
    let mut tx = db.begin().await?;
    let done = match change {
        ReleaseChange::Yank(reason) => {
            db::releases::set_yanked(&mut tx, Some(reason), &applied).await?
        }
        ReleaseChange::Unyank => db::releases::set_yanked(&mut tx, None, &applied).await?,
        ReleaseChange::Deprecate(message) => {
            db::releases::set_deprecated(&mut tx, Some(message), &applied).await?
        }
        ReleaseChange::Undeprecate => db::releases::set_deprecated(&mut tx, None, &applied).await?,
    };
    if !done {
        return Err(Error::StaleStatement(format!(
            "a newer statement about {}@{} was applied already: sign a fresh one",
            row.name, row.version
        )));
    }
    // Only yanks decide which release is latest; a deprecated release may stay latest.
    if change.is_yank() {
        latest::refresh(&mut tx, row.server_id, now).await?;
    }
    let record = change.record(&row, &key.key_id, signed, now);
    tlog::append(&mut tx, db, &record).await?;
    tx.commit().await?;
    tlog::checkpoint(db, log).await?;
    tracing::info!(
        name = %row.name,
        version = %row.version,
        action = record.kind(),
        key_id = %key.key_id,
        "release lifecycle changed"
    );
    let row = db::releases::find(db, signed.name, signed.version)
        .await?
        .ok_or_else(|| {
            Error::Internal(format!(
                "the release vanished after a {} statement",
                record.kind()
            ))
        })?;
    views::release_info(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_bounds_and_extreme_values() {
        let now = 1_700_000_000;
        assert!(check_fresh(now, now).is_ok());
        assert!(check_fresh(now - STATEMENT_MAX_SKEW_SECS - 5, now).is_err());
        assert!(check_fresh(now + STATEMENT_MAX_SKEW_SECS + 5, now).is_err());
        assert!(check_fresh(i64::MIN, now).is_err());
        assert!(check_fresh(i64::MAX, now).is_err());
    }
}
