//! [`Version`]: the exact version a maintainer published, never a range or `latest`, and how
//! two versions order.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use super::{excerpt, string_serde};
use crate::error::Error;
use crate::formats::VERSION_MAX_LEN;

/// A release version: the exact version a maintainer published, such as `1.2.3` or
/// `2025.1.0-beta.2`.
///
/// The official registry's rules: not empty, at most 255 characters, not `latest`, and not a
/// version range (`^1.2`, `~1.2`, `>=1`, `1.x`, `1.*`, `1 - 2`, `1 || 2`). Semantic versioning
/// is recommended but not required. In addition this crate refuses whitespace and control
/// characters: a version is one token, because it appears in URLs, package references
/// (`npm:pkg@1.2.3`) and signed comments (`name@version`).
///
/// `Version` has no `Ord`: versions that are not semantic versions have no meaningful order.
/// Use [`Version::is_newer_than`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Version(String);

/// Why a string is not a version; the manifest checker maps each kind to its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionProblem {
    Empty,
    TooLong,
    Latest,
    Range,
    Whitespace,
}

impl VersionProblem {
    pub(crate) fn message(self, input: &str) -> String {
        match self {
            Self::Empty => "the version is empty; use the exact version you published".to_owned(),
            Self::TooLong => format!("a version has at most {VERSION_MAX_LEN} characters"),
            Self::Latest => format!(
                "{:?} is not a version; pin the exact version you published",
                excerpt(input)
            ),
            Self::Range => format!(
                "{:?} is a version range; pin the exact version you published",
                excerpt(input)
            ),
            Self::Whitespace => {
                "a version is a single token without spaces or control characters".to_owned()
            }
        }
    }
}

pub(crate) fn version_problem(s: &str) -> Option<VersionProblem> {
    if s.is_empty() {
        return Some(VersionProblem::Empty);
    }
    if s.chars().count() > VERSION_MAX_LEN {
        return Some(VersionProblem::TooLong);
    }
    if s.trim().eq_ignore_ascii_case("latest") {
        return Some(VersionProblem::Latest);
    }
    if looks_like_range(s) {
        return Some(VersionProblem::Range);
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(VersionProblem::Whitespace);
    }
    None
}

/// `v?\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?`, the version shape inside the official registry's
/// range patterns.
fn is_range_operand(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    let (core, pre) = match s.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (s, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let core_ok = (1..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let pre_ok = pre.is_none_or(|p| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    });
    core_ok && pre_ok
}

/// The official registry's range detection (comparators, hyphen ranges, `||` unions, `x`/`*`
/// wildcards), plus a lone `*`. Unlike the official check, a wildcard only counts in the
/// numeric part, so a pre-release such as `1.2.3-next` is not mistaken for a range.
fn looks_like_range(s: &str) -> bool {
    let s = s.trim();
    if s == "*" {
        return true;
    }
    // ^1.2.3, ~1.2.3, >=1.0.0, <=1.0.0, >1, <1, =1.0.0
    for op in [">=", "<=", "^", "~", ">", "<", "="] {
        if let Some(rest) = s.strip_prefix(op)
            && is_range_operand(rest.trim_start())
        {
            return true;
        }
    }
    // 1.2.3 - 2.0.0
    if let Some(ws) = s.find(char::is_whitespace) {
        let (left, right) = s.split_at(ws);
        if let Some(right) = right.trim_start().strip_prefix('-')
            && is_range_operand(left)
            && is_range_operand(right.trim_start())
        {
            return true;
        }
    }
    // 1.2 || 1.3
    if s.contains("||") && s.split("||").all(|part| is_range_operand(part.trim())) {
        return true;
    }
    // 1.x, 1.2.*, x.x (wildcards in the numeric components only)
    let core = s.split_once('-').map_or(s, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    if (2..=3).contains(&parts.len()) {
        let is_wild = |p: &str| matches!(p, "x" | "X" | "*");
        let is_num = |p: &str, first: bool| {
            let p = if first {
                p.strip_prefix('v').unwrap_or(p)
            } else {
                p
            };
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
        };
        let shaped = parts
            .iter()
            .enumerate()
            .all(|(i, p)| is_wild(p) || is_num(p, i == 0));
        if shaped && parts.iter().any(|p| is_wild(p)) {
            return true;
        }
    }
    false
}

impl Version {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The version as a semantic version, if it is one (`1.2.3`, `1.0.0-rc.1+build`; not
    /// `v1.2.3` or `1.2`).
    pub fn semver(&self) -> Option<semver::Version> {
        semver::Version::parse(&self.0).ok()
    }

    /// Orders two versions the way the official registry picks its "latest" version:
    ///
    /// - both semantic versions: semantic-version precedence (build metadata ignored);
    /// - exactly one a semantic version: the semantic version is newer;
    /// - neither: the official registry uses the publication time, which a version string does
    ///   not carry, so this falls back to comparing the strings byte by byte. Callers that know
    ///   publication times should use them for this case.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        match (self.semver(), other.semver()) {
            (Some(a), Some(b)) => a.cmp_precedence(&b),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => self.0.cmp(&other.0),
        }
    }

    /// Whether `self` sorts after `other` under [`Version::cmp_precedence`].
    pub fn is_newer_than(&self, other: &Version) -> bool {
        self.cmp_precedence(other) == Ordering::Greater
    }
}

impl FromStr for Version {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match version_problem(s) {
            Some(problem) => Err(Error::InvalidVersion {
                input: excerpt(s),
                reason: problem.message(s),
            }),
            None => Ok(Self(s.to_owned())),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({:?})", self.0)
    }
}

string_serde!(Version, "an exact version such as 1.2.3");
