//! [`ServerName`]: `namespace/name`, and why a string is not one.

use std::fmt;
use std::str::FromStr;

use super::namespace::{Namespace, namespace_problem};
use super::token::is_token;
use super::{excerpt, string_serde};
use crate::error::Error;
use crate::formats::{SERVER_NAME_MAX_LEN, SERVER_NAME_MIN_LEN};

/// A server name, `namespace/name`, such as `io.github.octocat/weather` or `com.example/mcp`.
///
/// 3 to 200 characters; the namespace is a [`Namespace`]; the name after the slash has
/// letters, digits, dots, underscores and hyphens, starting and ending with a letter or digit.
/// Names compare exactly (the official registry treats them case-sensitively).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerName {
    // Declared first so the derived order is the order of the full strings.
    full: String,
    namespace: Namespace,
}

/// Why a string is not a server name; the manifest checker maps each kind to its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerNameProblem {
    TooShort,
    TooLong,
    Pattern(&'static str),
}

impl ServerNameProblem {
    pub(crate) fn message(self) -> String {
        match self {
            Self::TooShort => {
                format!("a server name has at least {SERVER_NAME_MIN_LEN} characters")
            }
            Self::TooLong => format!("a server name has at most {SERVER_NAME_MAX_LEN} characters"),
            Self::Pattern(reason) => reason.to_owned(),
        }
    }
}

pub(crate) fn server_name_problem(s: &str) -> Option<ServerNameProblem> {
    let len = s.chars().count();
    if len < SERVER_NAME_MIN_LEN {
        return Some(ServerNameProblem::TooShort);
    }
    if len > SERVER_NAME_MAX_LEN {
        return Some(ServerNameProblem::TooLong);
    }
    let Some((namespace, name)) = s.split_once('/') else {
        return Some(ServerNameProblem::Pattern(
            "a server name is namespace/name, like io.github.owner/server: the slash is missing",
        ));
    };
    if name.contains('/') {
        return Some(ServerNameProblem::Pattern(
            "a server name has exactly one slash, between the namespace and the name",
        ));
    }
    if let Some(reason) = namespace_problem(namespace) {
        return Some(ServerNameProblem::Pattern(reason));
    }
    if name.is_empty() {
        return Some(ServerNameProblem::Pattern(
            "the name after the slash is empty",
        ));
    }
    if !is_token(name, b"._-") {
        return Some(ServerNameProblem::Pattern(
            "the name after the slash has letters, digits, dots, underscores and hyphens, \
             starting and ending with a letter or digit",
        ));
    }
    None
}

impl ServerName {
    pub fn as_str(&self) -> &str {
        &self.full
    }

    pub fn namespace(&self) -> &Namespace {
        &self.namespace
    }

    /// The part after the slash.
    pub fn name(&self) -> &str {
        // The namespace never contains a slash, so the name starts right after it.
        self.full
            .get(self.namespace.0.len() + 1..)
            .unwrap_or_default()
    }
}

impl FromStr for ServerName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(problem) = server_name_problem(s) {
            return Err(Error::InvalidServerName {
                input: excerpt(s),
                reason: problem.message(),
            });
        }
        let namespace = s.split_once('/').map(|(ns, _)| ns).unwrap_or_default();
        Ok(Self {
            full: s.to_owned(),
            namespace: Namespace(namespace.to_owned()),
        })
    }
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

impl fmt::Debug for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerName({:?})", self.full)
    }
}

string_serde!(ServerName, "a server name such as io.github.owner/server");
