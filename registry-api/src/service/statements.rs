//! Signed statements (revoke, rotate, yank, un-yank) and the signature checks they share with
//! publishing.

use std::str::FromStr;

use protocol::api::{ReleaseInfo, Statement, YankRequest};
use protocol::formats::STATEMENT_MAX_SKEW_SECS;
use protocol::grant;
use protocol::{PublicKey, Signature};

use crate::clock::{now_ms, now_secs};
use crate::db::keys::{GrantRow, KeyRow};
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

/// The grant of `key_id` that covers a server name in `namespace` whose manifest points at
/// `repository_url`: a domain grant for the namespace, or a GitHub grant for that repository.
pub async fn covering_grant(
    db: &Db,
    key_id: &str,
    name: &str,
    namespace: &str,
    repository_url: Option<&str>,
) -> Result<GrantRow> {
    let grants = db::keys::grants_of_key(db, key_id).await?;
    // The rule clients check too (`mcp-sign check`, `log verify`): one function in protocol.
    let found = grants.iter().find(|g| {
        g.namespace.eq_ignore_ascii_case(namespace)
            && grant::covers(
                &grant::Grant {
                    namespace: &g.namespace,
                    proof_kind: &g.proof_kind,
                    proof_target: &g.proof_target,
                },
                name,
                repository_url,
            )
    });
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

/// Refuses statements issued too far from now (bounds replay).
pub fn check_fresh(issued_at: i64) -> Result<()> {
    let now = now_secs();
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

/// `POST /v1/yank` (`yank = true`) and `POST /v1/unyank`.
/// Logged (yank/unyank record) in the same transaction; answers once a checkpoint covers it.
pub async fn set_yanked(db: &Db, log: &Log, req: &YankRequest, yank: bool) -> Result<ReleaseInfo> {
    if !yank && req.reason.is_some() {
        return Err(Error::BadRequest("an un-yank takes no reason".to_string()));
    }
    let row = db::releases::find(db, &req.name, &req.version)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no release {}@{} in this registry",
                req.name, req.version
            ))
        })?;
    let statement = if yank {
        Statement::Yank {
            name: &req.name,
            version: &req.version,
            reason: req.reason.as_deref(),
            issued_at: req.issued_at,
        }
    } else {
        Statement::Unyank {
            name: &req.name,
            version: &req.version,
            issued_at: req.issued_at,
        }
    };
    let text = statement_text(&statement)?;
    let signature = parse_signature(&req.signature)?;
    let key = live_key(db, &signature).await?;
    let facts = super::manifest_facts(&row.manifest)?;
    covering_grant(
        db,
        &key.key_id,
        &row.name,
        &row.namespace,
        facts.repository_url.as_deref(),
    )
    .await?;
    verify(&key, text.as_bytes(), &signature, "statement")?;
    check_fresh(req.issued_at)?;

    let now = now_ms();
    let mut tx = db.begin().await?;
    let reason = req.reason.as_deref().filter(|r| !r.is_empty());
    let applied = db::releases::set_yanked(
        &mut tx,
        row.id,
        if yank { Some(reason) } else { None },
        req.issued_at,
        now,
    )
    .await?;
    if !applied {
        return Err(Error::StaleStatement(format!(
            "a newer statement about {}@{} was applied already: sign a fresh one",
            row.name, row.version
        )));
    }
    latest::refresh(&mut tx, row.server_id, now).await?;
    let record = protocol::log::LogRecord::Yank {
        yank,
        name: row.name.clone(),
        version: row.version.clone(),
        reason: reason.map(str::to_string),
        key_id: key.key_id.clone(),
        issued_at: req.issued_at,
        signature: req.signature.clone(),
        time_ms: now,
    };
    tlog::append(&mut tx, db, &record).await?;
    tx.commit().await?;
    tlog::checkpoint(db, log).await?;
    tracing::info!(name = %row.name, version = %row.version, yank, key_id = %key.key_id, "yank state changed");
    let row = db::releases::find(db, &req.name, &req.version)
        .await?
        .ok_or_else(|| Error::Internal("the release vanished after a yank".to_string()))?;
    views::release_info(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_bounds_and_extreme_values() {
        assert!(check_fresh(now_secs()).is_ok());
        assert!(check_fresh(now_secs() - STATEMENT_MAX_SKEW_SECS - 5).is_err());
        assert!(check_fresh(now_secs() + STATEMENT_MAX_SKEW_SECS + 5).is_err());
        assert!(check_fresh(i64::MIN).is_err());
        assert!(check_fresh(i64::MAX).is_err());
    }
}
