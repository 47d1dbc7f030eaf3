//! [`Namespace`]: the reverse-DNS part of a server name before the slash, and the GitHub owner
//! or domain that proves a key for it.

use std::fmt;
use std::str::FromStr;

use super::token::{is_dns_label, is_token};
use super::{excerpt, string_serde};
use crate::error::Error;
use crate::formats::SERVER_NAME_MAX_LEN;

/// The part of a server name before the slash: a reverse-DNS namespace such as `com.example`
/// or `io.github.octocat`.
///
/// Letters, digits, dots and hyphens, starting and ending with a letter or digit (the official
/// registry's publish-time rule; its JSON schema is slightly looser).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
// The field is visible to `server_name`, which builds a namespace it has already checked.
pub struct Namespace(pub(super) String);

/// GitHub namespaces: `io.github.<owner>`. Compared case-insensitively, like DNS.
const GITHUB_NAMESPACE_PREFIX: &str = "io.github.";
/// GitHub's limit on user and organisation names.
const GITHUB_LOGIN_MAX_LEN: usize = 39;

impl Namespace {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For `io.github.<owner>`, the GitHub owner (user or organisation) whose repository proves
    /// the key. `None` for every other namespace, including deeper ones like `io.github.a.b`.
    pub fn github_owner(&self) -> Option<&str> {
        let owner = strip_prefix_ignore_ascii_case(&self.0, GITHUB_NAMESPACE_PREFIX)?;
        is_github_login(owner).then_some(owner)
    }

    /// For a reverse-DNS namespace such as `com.example.mcp`, the domain that proves the key:
    /// `mcp.example.com` (lowercased). `None` for GitHub namespaces (`io.github.*` and
    /// `io.github` itself name GitHub's domain, which no maintainer controls) and for namespaces
    /// that are not a plausible domain (a single label, a numeric top-level label, an invalid
    /// label).
    pub fn domain(&self) -> Option<String> {
        let lower = self.0.to_ascii_lowercase();
        if lower == "io.github" || lower.starts_with(GITHUB_NAMESPACE_PREFIX) {
            return None;
        }
        let labels: Vec<&str> = lower.split('.').collect();
        if labels.len() < 2 || !labels.iter().all(|l| is_dns_label(l)) {
            return None;
        }
        // A top-level label is never all digits; this also rules out IP-address lookalikes.
        if labels[0].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let domain = labels.iter().rev().copied().collect::<Vec<_>>().join(".");
        (domain.len() <= 253).then_some(domain)
    }
}

fn strip_prefix_ignore_ascii_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// GitHub logins: letters, digits and single inner hyphens, at most 39 characters.
fn is_github_login(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= GITHUB_LOGIN_MAX_LEN
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub(super) fn namespace_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("the namespace before the slash is empty")
    } else if !is_token(s, b".-") {
        Some(
            "the namespace must be reverse-DNS (like com.example or io.github.owner): letters, \
             digits, dots and hyphens, starting and ending with a letter or digit",
        )
    } else {
        None
    }
}

impl FromStr for Namespace {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        if let Some(reason) = namespace_problem(s) {
            return Err(Error::InvalidServerName {
                input: excerpt(s),
                reason: reason.to_owned(),
            });
        }
        if s.len() > SERVER_NAME_MAX_LEN - 2 {
            return Err(Error::InvalidServerName {
                input: excerpt(s),
                reason: format!(
                    "the namespace is too long (a whole name has at most {SERVER_NAME_MAX_LEN} characters)"
                ),
            });
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Namespace({:?})", self.0)
    }
}

string_serde!(Namespace, "a reverse-DNS namespace such as io.github.owner");
