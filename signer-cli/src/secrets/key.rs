//! A secret's name in the store: 1 to 128 of `A-Z a-z 0-9 . _ / -`, so it is safe as a
//! keychain account name, a JSON key and a command-line word alike.

use std::fmt;
use std::str::FromStr;

/// The longest key.
const MAX_LEN: usize = 128;

/// What a key may hold, for error messages.
const ALLOWED: &str = "letters, digits, '.', '_', '/' and '-'";

/// A valid secret name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct SecretKey(String);

/// Why a text is not a [`SecretKey`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum KeyError {
    #[error("a secret name cannot be empty; use 1 to {MAX_LEN} of {ALLOWED}")]
    Empty,
    #[error("a secret name is at most {MAX_LEN} characters (this one has {0}); use a shorter name")]
    TooLong(usize),
    #[error("a secret name may hold only {ALLOWED}; {0:?} is not allowed")]
    BadChar(char),
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-')
}

impl SecretKey {
    /// The key `audit --fix` files a server's variable or header under: `SERVER.NAME`, with
    /// every character a key cannot hold replaced by `_` and cut to the longest key.
    pub(crate) fn for_server(server: &str, name: &str) -> Self {
        let mut key: String = format!("{server}.{name}")
            .chars()
            .map(|c| if allowed(c) { c } else { '_' })
            .collect();
        // Only ASCII is left, so cutting at a byte count is at a character boundary.
        key.truncate(MAX_LEN);
        Self(key)
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SecretKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(KeyError::Empty);
        }
        if let Some(c) = s.chars().find(|c| !allowed(*c)) {
            return Err(KeyError::BadChar(c));
        }
        if s.len() > MAX_LEN {
            return Err(KeyError::TooLong(s.len()));
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_errors_say_what_is_allowed() {
        for k in [
            "github.GITHUB_PERSONAL_ACCESS_TOKEN",
            "a",
            "team/prod-db.PASSWORD",
        ] {
            assert_eq!(k.parse::<SecretKey>().unwrap().to_string(), k);
        }
        assert_eq!("".parse::<SecretKey>(), Err(KeyError::Empty));
        let err = "a b".parse::<SecretKey>().unwrap_err();
        assert_eq!(err, KeyError::BadChar(' '));
        assert!(err.to_string().contains("letters, digits"), "{err}");
        assert_eq!(
            "x".repeat(129).parse::<SecretKey>(),
            Err(KeyError::TooLong(129))
        );
        assert!("x".repeat(128).parse::<SecretKey>().is_ok());
    }

    #[test]
    fn server_keys_are_sanitised() {
        assert_eq!(
            SecretKey::for_server("github", "GITHUB_PERSONAL_ACCESS_TOKEN").as_str(),
            "github.GITHUB_PERSONAL_ACCESS_TOKEN"
        );
        let odd = SecretKey::for_server("my server@1 é", "X-Api-Key");
        assert_eq!(odd.as_str(), "my_server_1__.X-Api-Key");
        assert_eq!(odd.as_str().parse::<SecretKey>().unwrap(), odd);
        assert_eq!(
            SecretKey::for_server(&"s".repeat(200), "N").as_str().len(),
            128
        );
    }
}
