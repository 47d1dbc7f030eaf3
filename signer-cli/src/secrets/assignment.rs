//! One `--env` or `--header` flag of `mcp-sign run`: `NAME=secret:KEY` takes the value from
//! the secret store, anything else after the first `=` is the literal value.

use std::fmt;
use std::str::FromStr;

use super::key::{KeyError, SecretKey};

/// The prefix that makes a value a reference into the store.
const SECRET_PREFIX: &str = "secret:";

/// Where an assignment's value comes from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum AssignedValue {
    /// From the store.
    Secret(SecretKey),
    /// As written (it is on the command line already, but still kept out of `Debug`).
    Literal(String),
}

impl fmt::Debug for AssignedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secret(key) => write!(f, "Secret({key})"),
            Self::Literal(v) => write!(f, "Literal(<{} bytes>)", v.len()),
        }
    }
}

/// `NAME=secret:KEY` or `NAME=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assignment {
    pub(crate) name: String,
    pub(crate) value: AssignedValue,
}

/// Why a flag is not an [`Assignment`]. Never holds the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AssignmentError {
    #[error("expected NAME=secret:KEY or NAME=VALUE, with no '=' in it")]
    NoEquals,
    #[error("the name before '=' is empty; write NAME=secret:KEY or NAME=VALUE")]
    EmptyName,
    #[error("the name {0:?} holds whitespace or a control character; use a plain name")]
    BadName(String),
    #[error("in {name}=secret:KEY, {source}")]
    BadKey {
        name: String,
        #[source]
        source: KeyError,
    },
}

impl Assignment {
    /// `NAME=secret:KEY`.
    pub(crate) fn secret(name: &str, key: SecretKey) -> Self {
        Self {
            name: name.to_owned(),
            value: AssignedValue::Secret(key),
        }
    }

    /// `NAME=VALUE`.
    pub(crate) fn literal(name: &str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: AssignedValue::Literal(value.to_owned()),
        }
    }
}

impl FromStr for Assignment {
    type Err = AssignmentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, value) = s.split_once('=').ok_or(AssignmentError::NoEquals)?;
        if name.is_empty() {
            return Err(AssignmentError::EmptyName);
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AssignmentError::BadName(name.to_owned()));
        }
        let value = match value.strip_prefix(SECRET_PREFIX) {
            Some(key) => {
                AssignedValue::Secret(key.parse().map_err(|source| AssignmentError::BadKey {
                    name: name.to_owned(),
                    source,
                })?)
            }
            None => AssignedValue::Literal(value.to_owned()),
        };
        Ok(Self {
            name: name.to_owned(),
            value,
        })
    }
}

impl fmt::Display for Assignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            AssignedValue::Secret(key) => write!(f, "{}={SECRET_PREFIX}{key}", self.name),
            AssignedValue::Literal(v) => write!(f, "{}={v}", self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_and_literal_values() {
        let a: Assignment = "GITHUB_TOKEN=secret:github.GITHUB_TOKEN".parse().unwrap();
        assert_eq!(
            a.value,
            AssignedValue::Secret("github.GITHUB_TOKEN".parse().unwrap())
        );
        assert_eq!(a.to_string(), "GITHUB_TOKEN=secret:github.GITHUB_TOKEN");
        let b: Assignment = "X=a=b".parse().unwrap();
        assert_eq!(b.value, AssignedValue::Literal("a=b".to_owned()));
        assert_eq!(b.to_string(), "X=a=b");
        let empty: Assignment = "X=".parse().unwrap();
        assert_eq!(empty.value, AssignedValue::Literal(String::new()));
        assert!(!format!("{b:?}").contains("a=b"));
    }

    #[test]
    fn bad_flags_say_how_to_write_them() {
        assert_eq!("X".parse::<Assignment>(), Err(AssignmentError::NoEquals));
        assert_eq!("=v".parse::<Assignment>(), Err(AssignmentError::EmptyName));
        assert!(matches!(
            "A B=v".parse::<Assignment>(),
            Err(AssignmentError::BadName(_))
        ));
        let err = "X=secret:".parse::<Assignment>().unwrap_err();
        assert!(err.to_string().contains("cannot be empty"), "{err}");
    }
}
