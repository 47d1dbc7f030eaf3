//! What a maintainer's signed statement about one release does, as its log leaf records it.

use std::fmt;
use std::str::FromStr;

use crate::api::Statement;

/// The four release statements: each is one kind of [`super::LogRecord::ReleaseStatement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReleaseAction {
    Yank,
    Unyank,
    Deprecate,
    Undeprecate,
}

impl ReleaseAction {
    pub const ALL: [ReleaseAction; 4] = [
        ReleaseAction::Yank,
        ReleaseAction::Unyank,
        ReleaseAction::Deprecate,
        ReleaseAction::Undeprecate,
    ];

    /// The leaf's kind (and the statement's first word).
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseAction::Yank => "yank",
            ReleaseAction::Unyank => "unyank",
            ReleaseAction::Deprecate => "deprecate",
            ReleaseAction::Undeprecate => "undeprecate",
        }
    }

    /// Whether it is a yank or its reverse (rather than a deprecation or its reverse).
    pub fn is_yank(self) -> bool {
        matches!(self, ReleaseAction::Yank | ReleaseAction::Unyank)
    }

    /// The leaf field holding the maintainer's text: a yank's `reason`, a deprecation's
    /// `message` (the reverses carry none).
    pub fn text_field(self) -> &'static str {
        if self.is_yank() { "reason" } else { "message" }
    }

    /// The statement the maintainer signed, rebuilt from the leaf's fields.
    #[rustfmt::skip] // one line per action reads as the table it is
    pub fn statement<'a>(
        self,
        name: &'a str,
        version: &'a str,
        text: Option<&'a str>,
        issued_at: i64,
    ) -> Statement<'a> {
        match self {
            ReleaseAction::Yank => Statement::Yank { name, version, reason: text, issued_at },
            ReleaseAction::Unyank => Statement::Unyank { name, version, issued_at },
            ReleaseAction::Deprecate => Statement::Deprecate { name, version, message: text, issued_at },
            ReleaseAction::Undeprecate => Statement::Undeprecate { name, version, issued_at },
        }
    }
}

impl fmt::Display for ReleaseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReleaseAction {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReleaseAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not yank, unyank, deprecate or undeprecate"))
    }
}
