//! A release's lifecycle: yank and un-yank, deprecate and un-deprecate, and the limit on a
//! deprecation message.

use serde::{Deserialize, Serialize};

use super::Statement;
use crate::formats;

/// `POST /v1/yank` and `POST /v1/unyank`: a namespace key's signature over
/// [`Statement::Yank`] or [`Statement::Unyank`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YankRequest {
    pub name: String,
    pub version: String,
    /// Only for yank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub issued_at: i64,
    pub signature: String,
}

/// `POST /v1/deprecate` and `POST /v1/undeprecate`: a namespace key's signature over
/// [`Statement::Deprecate`] or [`Statement::Undeprecate`]. A deprecated release stays
/// installable and keeps its trust level; the official `_meta` says `deprecated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeprecateRequest {
    pub name: String,
    pub version: String,
    /// Only for deprecate: what users should do instead (one line, at most
    /// [`formats::STATUS_MESSAGE_MAX_CHARS`] characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub message: Option<String>,
    /// Unix seconds; the registry accepts statements issued within
    /// [`formats::STATEMENT_MAX_SKEW_SECS`] of its clock.
    pub issued_at: i64,
    /// The `.minisig` text of the signature over the statement.
    pub signature: String,
}

impl YankRequest {
    /// The statement the signature must cover: a yank, or with `yank = false` an un-yank
    /// (which has no reason).
    pub fn statement(&self, yank: bool) -> Statement<'_> {
        if yank {
            Statement::Yank {
                name: &self.name,
                version: &self.version,
                reason: self.reason.as_deref(),
                issued_at: self.issued_at,
            }
        } else {
            Statement::Unyank {
                name: &self.name,
                version: &self.version,
                issued_at: self.issued_at,
            }
        }
    }
}

impl DeprecateRequest {
    /// The statement the signature must cover: a deprecation, or with `deprecate = false` its
    /// withdrawal.
    pub fn statement(&self, deprecate: bool) -> Statement<'_> {
        if deprecate {
            Statement::Deprecate {
                name: &self.name,
                version: &self.version,
                message: self.message.as_deref(),
                issued_at: self.issued_at,
            }
        } else {
            Statement::Undeprecate {
                name: &self.name,
                version: &self.version,
                issued_at: self.issued_at,
            }
        }
    }
}

/// Refuses a lifecycle status message (a deprecation message) the official registry would not
/// accept: longer than [`formats::STATUS_MESSAGE_MAX_CHARS`] characters.
pub fn check_status_message(message: &str) -> Result<(), String> {
    let chars = message.chars().count();
    if chars > formats::STATUS_MESSAGE_MAX_CHARS {
        return Err(format!(
            "the deprecation message is too long ({chars} characters; at most {} are allowed): \
             shorten it, or point to a page with the details",
            formats::STATUS_MESSAGE_MAX_CHARS
        ));
    }
    Ok(())
}
