//! The statement signing text: what a key (or the operator key) signs to change state in the
//! registry, built the same way by the client and by the registry that verifies it.

use super::check_status_message;
use crate::formats;

/// A statement a key signs to change state in the registry. Its text is line-based and has no
/// room for ambiguity: every field is one line, and free text may not contain line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement<'a> {
    /// The key withdraws itself.
    RevokeKey {
        key_id: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
    /// The old key vouches for its successor. `namespace` is lower-case.
    RotateKey {
        old_key_id: &'a str,
        new_key_id: &'a str,
        namespace: &'a str,
        issued_at: i64,
    },
    Yank {
        name: &'a str,
        version: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
    Unyank {
        name: &'a str,
        version: &'a str,
        issued_at: i64,
    },
    /// The maintainer deprecates a release, with a message for its users (official status
    /// `deprecated`).
    Deprecate {
        name: &'a str,
        version: &'a str,
        message: Option<&'a str>,
        issued_at: i64,
    },
    Undeprecate {
        name: &'a str,
        version: &'a str,
        issued_at: i64,
    },
    /// An operator statement (`mcp-registry admin ...`), signed with the operator key:
    /// `subject` is a namespace (official, unofficial) or `NAME[@VERSION]` (flag, unflag).
    Operator {
        action: OperatorAction,
        subject: &'a str,
        reason: Option<&'a str>,
        issued_at: i64,
    },
}

/// What the registry's operators state about a publisher or a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorAction {
    /// The namespace's publisher is vetted: its verified releases become `official`.
    Official,
    /// Withdraws `Official`.
    Unofficial,
    /// A server (`NAME`) or one release (`NAME@VERSION`) is malicious.
    Flag,
    /// Withdraws `Flag`.
    Unflag,
}

impl OperatorAction {
    pub const ALL: [OperatorAction; 4] = [
        OperatorAction::Official,
        OperatorAction::Unofficial,
        OperatorAction::Flag,
        OperatorAction::Unflag,
    ];

    /// The name in statements and log records.
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorAction::Official => "official",
            OperatorAction::Unofficial => "unofficial",
            OperatorAction::Flag => "flag",
            OperatorAction::Unflag => "unflag",
        }
    }
}

impl std::fmt::Display for OperatorAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for OperatorAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OperatorAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown operator action {s:?}; expected official, unofficial, flag or unflag"
                )
            })
    }
}

impl Statement<'_> {
    /// The action's name, as in the statement's `action:` line.
    pub fn action(&self) -> &'static str {
        match self {
            Statement::RevokeKey { .. } => "revoke-key",
            Statement::RotateKey { .. } => "rotate-key",
            Statement::Yank { .. } => "yank",
            Statement::Unyank { .. } => "unyank",
            Statement::Deprecate { .. } => "deprecate",
            Statement::Undeprecate { .. } => "undeprecate",
            Statement::Operator { action, .. } => action.as_str(),
        }
    }

    /// The exact text that is signed. Errors when free text would break the line format.
    pub fn to_text(&self) -> Result<String, String> {
        let mut lines: Vec<(&str, String)> = vec![("action", self.action().to_string())];
        let issued_at = match *self {
            Statement::RevokeKey {
                key_id,
                reason,
                issued_at,
            } => {
                lines.push(("key-id", key_id.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
            Statement::RotateKey {
                old_key_id,
                new_key_id,
                namespace,
                issued_at,
            } => {
                lines.push(("old-key-id", old_key_id.to_string()));
                lines.push(("new-key-id", new_key_id.to_string()));
                lines.push(("namespace", namespace.to_string()));
                issued_at
            }
            Statement::Yank {
                name,
                version,
                reason,
                issued_at,
            } => {
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
            Statement::Unyank {
                name,
                version,
                issued_at,
            }
            | Statement::Undeprecate {
                name,
                version,
                issued_at,
            } => {
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                issued_at
            }
            Statement::Deprecate {
                name,
                version,
                message,
                issued_at,
            } => {
                let message = message.unwrap_or("");
                check_status_message(message)?;
                lines.push(("name", name.to_string()));
                lines.push(("version", version.to_string()));
                lines.push(("message", message.to_string()));
                issued_at
            }
            Statement::Operator {
                action: _,
                subject,
                reason,
                issued_at,
            } => {
                lines.push(("subject", subject.to_string()));
                lines.push(("reason", reason.unwrap_or("").to_string()));
                issued_at
            }
        };
        lines.push(("issued-at", issued_at.to_string()));
        let mut out = String::from(formats::STATEMENT_HEADER);
        out.push('\n');
        for (key, value) in lines {
            if value.contains(['\n', '\r']) {
                return Err(format!("the statement's {key} must be a single line"));
            }
            // The message's bound is in characters (the official registry's), checked above.
            if key != "message" && value.len() > formats::STATEMENT_FIELD_MAX_LEN {
                return Err(format!(
                    "the statement's {key} is too long ({} bytes; at most {} are allowed)",
                    value.len(),
                    formats::STATEMENT_FIELD_MAX_LEN
                ));
            }
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&value);
            out.push('\n');
        }
        Ok(out)
    }
}
