//! Operator statements (`mcp-registry admin official|unofficial|flag|unflag`): signed with an
//! operator key, checked against the configured operator public keys, stored, applied and
//! logged in one transaction.

use std::str::FromStr;

use protocol::api::{OperatorAction, Statement};
use protocol::log::LogRecord;
use protocol::{Namespace, PublicKey, ServerName, Version};

use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::service::log::{self as tlog, Log};
use crate::service::statements::{check_fresh, parse_signature};

/// A signed operator statement.
#[derive(Debug, Clone)]
pub struct OperatorStatement {
    pub action: OperatorAction,
    /// A namespace (official, unofficial) or `NAME[@VERSION]` (flag, unflag).
    pub subject: String,
    pub reason: Option<String>,
    /// Unix seconds.
    pub issued_at: i64,
    /// The `.minisig` text over [`OperatorStatement::text`].
    pub signature: String,
}

/// What a statement is about, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Namespace(String),
    Server(String),
    Release(String, String),
}

impl OperatorStatement {
    /// The exact text the operator signs.
    pub fn text(
        action: OperatorAction,
        subject: &str,
        reason: Option<&str>,
        issued_at: i64,
    ) -> Result<String> {
        Statement::Operator {
            action,
            subject,
            reason,
            issued_at,
        }
        .to_text()
        .map_err(Error::BadRequest)
    }

    /// Parses the subject for the action: namespaces are compared lower-case.
    pub fn subject(&self) -> Result<Subject> {
        match self.action {
            OperatorAction::Official | OperatorAction::Unofficial => {
                let ns = Namespace::from_str(&self.subject).map_err(|e| {
                    Error::BadRequest(format!(
                        "{} takes a namespace such as io.github.owner or com.example: {e}",
                        self.action
                    ))
                })?;
                Ok(Subject::Namespace(ns.as_str().to_ascii_lowercase()))
            }
            OperatorAction::Flag | OperatorAction::Unflag => {
                let (name, version) = match self.subject.rsplit_once('@') {
                    Some((n, v)) => (n, Some(v)),
                    None => (self.subject.as_str(), None),
                };
                let name = ServerName::from_str(name).map_err(|e| {
                    Error::BadRequest(format!(
                        "{} takes NAME or NAME@VERSION (e.g. io.github.o/server@1.0.0): {e}",
                        self.action
                    ))
                })?;
                match version {
                    None => Ok(Subject::Server(name.as_str().to_string())),
                    Some(v) => {
                        let v = Version::from_str(v).map_err(|e| {
                            Error::BadRequest(format!("bad version in {}: {e}", self.subject))
                        })?;
                        Ok(Subject::Release(
                            name.as_str().to_string(),
                            v.as_str().to_string(),
                        ))
                    }
                }
            }
        }
    }
}

/// What applying a statement did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub subject: Subject,
    pub key_id: String,
    pub log_index: u64,
    /// False when the state was already so (the statement is still stored and logged).
    pub changed: bool,
}

/// Checks and applies a statement. `operator_keys` are the configured operator public keys.
pub async fn apply(
    db: &Db,
    log: &Log,
    operator_keys: &[PublicKey],
    st: &OperatorStatement,
) -> Result<Applied> {
    let subject = st.subject()?;
    let reason = st.reason.as_deref().filter(|r| !r.trim().is_empty());
    if st.action == OperatorAction::Flag && reason.is_none() {
        return Err(Error::BadRequest(
            "a flag needs a reason (--reason \"...\"): it is shown in every verdict".to_string(),
        ));
    }
    let text = OperatorStatement::text(st.action, &st.subject, reason, st.issued_at)?;
    let signature = parse_signature(&st.signature)?;
    let key_id = signature.key_id().to_string();
    let key = operator_keys
        .iter()
        .find(|k| k.key_id().to_string() == key_id)
        .ok_or_else(|| {
            Error::NotAuthorized(format!(
                "the statement is signed by key {key_id}, which is not a configured operator key \
                 (add its public key with --operator-public-key)"
            ))
        })?;
    key.verify(text.as_bytes(), &signature, false)
        .map_err(|e| {
            Error::InvalidSignature(format!(
                "the operator statement's signature does not verify with key {key_id}: {e}"
            ))
        })?;
    check_fresh(st.issued_at, db.clock().now_secs())?;

    let now = db.now_ms();
    let mut tx = db::log::begin_write(db).await?;
    let (last, replay) = db::operator::last_about(&mut tx, &st.subject, &st.signature).await?;
    if replay || last.is_some_and(|l| l > st.issued_at) {
        return Err(Error::StaleStatement(format!(
            "a newer (or this same) statement about {} was applied already: sign a fresh one",
            st.subject
        )));
    }
    let id = db::operator::insert(
        &mut tx,
        &db::operator::NewStatement {
            action: st.action.as_str(),
            subject: &st.subject,
            reason,
            key_id: &key_id,
            issued_at: st.issued_at,
            signature: &st.signature,
        },
        now,
    )
    .await?;
    let changed = match (&subject, st.action) {
        (Subject::Namespace(ns), OperatorAction::Official) => {
            db::operator::set_official(&mut tx, ns, reason, id, now).await?;
            true
        }
        (Subject::Namespace(ns), _) => db::operator::unset_official(&mut tx, ns).await?,
        (Subject::Server(name), action) => {
            let flag = (action == OperatorAction::Flag).then_some(reason).flatten();
            if !db::operator::flag_server(&mut tx, name, flag, now).await? {
                return Err(Error::NotFound(format!(
                    "no server {name} in this registry"
                )));
            }
            true
        }
        (Subject::Release(name, version), action) => {
            let flag = (action == OperatorAction::Flag).then_some(reason).flatten();
            if !db::operator::flag_release(&mut tx, name, version, flag, now).await? {
                return Err(Error::NotFound(format!(
                    "no release {name}@{version} in this registry"
                )));
            }
            true
        }
    };
    let record = LogRecord::Operator {
        action: st.action,
        subject: st.subject.clone(),
        reason: reason.map(str::to_string),
        key_id: key_id.clone(),
        issued_at: st.issued_at,
        signature: st.signature.clone(),
        time_ms: now,
    };
    let log_index = tlog::append(&mut tx, db, &record).await?;
    tx.commit().await?;
    tlog::checkpoint(db, log).await?;
    Ok(Applied {
        subject,
        key_id,
        log_index,
        changed,
    })
}
