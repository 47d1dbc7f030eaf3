//! Names: server names, their namespaces, versions and package references.
//!
//! Each type is parsed once, from a string, into a value that is known to be valid ("parse,
//! don't validate"). `Display` writes back exactly the string that was parsed, and the serde
//! impls go through the same parser, so a value read from JSON is as valid as one built in code.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::formats::package_ref::{
    NPM_NAME_MAX_LEN, NUGET_ID_MAX_LEN, OCI_NAME_MAX_LEN, OCI_TAG_MAX_LEN, PYPI_VERSION_SEPARATOR,
};
use crate::formats::registry::{DOCKER_HUB_HOST, DOCKER_HUB_LIBRARY, MCPB, NPM, NUGET, OCI, PYPI};
use crate::formats::{SERVER_NAME_MAX_LEN, SERVER_NAME_MIN_LEN, VERSION_MAX_LEN};
use crate::manifest::digest::ContentDigest;
use crate::oci_tag::{OciParts, split_reference};

/// Implements `Serialize` (via `Display`) and `Deserialize` (via `FromStr`) for a string type.
macro_rules! string_serde {
    ($ty:ty, $expecting:literal) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}
pub(crate) use string_serde;

/// At most this many characters of a rejected input are quoted back in an error message.
const EXCERPT_MAX_CHARS: usize = 120;

/// The start of `s`, for quoting rejected input in messages without echoing megabytes.
pub(crate) fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_MAX_CHARS) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Namespace and ServerName

/// The part of a server name before the slash: a reverse-DNS namespace such as `com.example`
/// or `io.github.octocat`.
///
/// Letters, digits, dots and hyphens, starting and ending with a letter or digit (the official
/// registry's publish-time rule; its JSON schema is slightly looser).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Namespace(String);

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

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Letters and digits at both ends, `allowed` punctuation inside.
fn is_token(s: &str, allowed: &[u8]) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || allowed.contains(b))
        }
        _ => false,
    }
}

fn namespace_problem(s: &str) -> Option<&'static str> {
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

// ---------------------------------------------------------------------------------------------
// Version

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

// ---------------------------------------------------------------------------------------------
// Package references

/// The package registries a [`PackageRef`] can name, spelled as in server.json's
/// `registryType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegistryType {
    Npm,
    Pypi,
    Oci,
    Nuget,
    /// An MCP bundle downloaded from a URL.
    Mcpb,
}

impl RegistryType {
    pub const ALL: [RegistryType; 5] = [Self::Npm, Self::Pypi, Self::Oci, Self::Nuget, Self::Mcpb];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Npm => NPM,
            Self::Pypi => PYPI,
            Self::Oci => OCI,
            Self::Nuget => NUGET,
            Self::Mcpb => MCPB,
        }
    }
}

impl FromStr for RegistryType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| Error::InvalidPackageRef {
                input: excerpt(s),
                reason: "unknown registry type; expected npm, pypi, oci, nuget or mcpb".to_owned(),
            })
    }
}

impl fmt::Display for RegistryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

string_serde!(
    RegistryType,
    "a registry type (npm, pypi, oci, nuget or mcpb)"
);

/// A reference to a package in a package registry, as clients ask about it:
///
/// | form | example |
/// |---|---|
/// | `npm:<name>[@<version>]` | `npm:@scope/pkg@1.2.3`, `npm:pkg` |
/// | `pypi:<name>[==<version>]` | `pypi:mcp-server-git==1.0` |
/// | `oci:<[registry/]repository>[:<tag>][@sha256:<hex>]` | `oci:ghcr.io/o/i@sha256:…`, `oci:docker.io/library/x:1.0` |
/// | `nuget:<id>[@<version>]` | `nuget:Contoso.Mcp@1.0.0` |
/// | `mcpb:<https URL>` | `mcpb:https://github.com/o/r/releases/download/v1/s.mcpb` |
///
/// Versions (and OCI tags) follow the [`Version`] rules: a reference pins a release or names
/// the package as a whole, never a range or `latest`. [`PackageRef::name`] is the package's
/// `identifier` as server.json spells it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PackageRef {
    registry_type: RegistryType,
    name: String,
    version: Option<Version>,
    digest: Option<ContentDigest>,
}

impl PackageRef {
    pub fn registry_type(&self) -> RegistryType {
        self.registry_type
    }

    /// The package's identifier as server.json spells it: `@scope/pkg`, `mcp-server-git`,
    /// `ghcr.io/o/i` (no tag or digest), `Contoso.Mcp`, or the bundle URL.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pinned version (for OCI: the tag), if any.
    pub fn version(&self) -> Option<&Version> {
        self.version.as_ref()
    }

    /// The image digest of an OCI reference, if any.
    pub fn oci_digest(&self) -> Option<&ContentDigest> {
        self.digest.as_ref()
    }

    /// The name in the form the registry compares: PyPI names normalised per PEP 503, NuGet ids
    /// lowercased, OCI names with Docker Hub's implied `docker.io/` (and `library/`) spelled
    /// out and the host lowercased, npm names and bundle URLs as written.
    pub fn normalized_name(&self) -> String {
        match self.registry_type {
            RegistryType::Npm | RegistryType::Mcpb => self.name.clone(),
            RegistryType::Pypi => normalize_pypi_name(&self.name),
            RegistryType::Nuget => self.name.to_ascii_lowercase(),
            RegistryType::Oci => normalize_oci_name(&self.name),
        }
    }

    /// Whether both name the same package (same registry, same normalised name), whatever
    /// their versions.
    pub fn same_package(&self, other: &PackageRef) -> bool {
        self.registry_type == other.registry_type
            && self.normalized_name() == other.normalized_name()
    }

    /// Whether this reference names the package `identifier` of `registry_type` as server.json
    /// lists it, comparing names like [`PackageRef::same_package`].
    pub fn names_package(&self, registry_type: &str, identifier: &str) -> bool {
        if registry_type != self.registry_type.as_str() {
            return false;
        }
        match self.registry_type {
            RegistryType::Npm | RegistryType::Mcpb => self.name == identifier,
            RegistryType::Pypi => {
                normalize_pypi_name(&self.name) == normalize_pypi_name(identifier)
            }
            RegistryType::Nuget => self.name.eq_ignore_ascii_case(identifier),
            RegistryType::Oci => normalize_oci_name(&self.name) == normalize_oci_name(identifier),
        }
    }

    /// Build a reference from server.json's `registryType`, `identifier` and `version`
    /// (for OCI the identifier may carry a tag or digest itself).
    pub fn from_parts(
        registry_type: &str,
        identifier: &str,
        version: Option<&str>,
    ) -> Result<Self, Error> {
        let mut s = format!("{registry_type}:{identifier}");
        // An OCI identifier may pin itself with a tag or digest; a bundle URL is the release
        // itself. Otherwise the version is appended with the registry's separator.
        let oci_pinned = registry_type == OCI && {
            let parts = split_reference(identifier);
            parts.tag.is_some() || parts.digest.is_some()
        };
        let appended = match (version, registry_type) {
            (None, _) | (_, MCPB) => None,
            (Some(_), OCI) if oci_pinned => None,
            (Some(v), PYPI) => Some((PYPI_VERSION_SEPARATOR, v)),
            (Some(v), OCI) => Some((":", v)),
            (Some(v), _) => Some(("@", v)),
        };
        if let Some((sep, v)) = appended {
            s.push_str(sep);
            s.push_str(v);
        }
        let parsed: PackageRef = s.parse()?;
        // The parts must come back as they went in: an npm identifier "a@b/c" would otherwise
        // be read as the name "a" at version "b/c".
        let identifier_kept = parsed.name == identifier || (oci_pinned && appended.is_none());
        let version_kept = match appended {
            Some((_, v)) => parsed.version.as_ref().is_some_and(|p| p.as_str() == v),
            None => true,
        };
        if !(identifier_kept && version_kept) {
            return Err(pkg_error(
                &s,
                "the identifier is not a valid package name for its registry",
            ));
        }
        Ok(parsed)
    }
}

/// A PyPI project name normalised per PEP 503: lowercase, runs of `-`, `_` and `.` as one `-`.
pub fn normalize_pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

fn normalize_oci_name(name: &str) -> String {
    match split_oci_domain(name) {
        (Some(domain), path) => {
            let domain = domain.to_ascii_lowercase();
            let domain = match domain.as_str() {
                "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_HOST.to_owned(),
                _ => domain,
            };
            if domain == DOCKER_HUB_HOST && !path.contains('/') {
                format!("{domain}/{DOCKER_HUB_LIBRARY}/{path}")
            } else {
                format!("{domain}/{path}")
            }
        }
        (None, path) if path.contains('/') => format!("{DOCKER_HUB_HOST}/{path}"),
        (None, path) => format!("{DOCKER_HUB_HOST}/{DOCKER_HUB_LIBRARY}/{path}"),
    }
}

/// Docker's rule: the first component is a registry host if it has a dot or a port, or is
/// `localhost`.
fn split_oci_domain(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

fn pkg_error(input: &str, reason: impl Into<String>) -> Error {
    Error::InvalidPackageRef {
        input: excerpt(input),
        reason: reason.into(),
    }
}

fn npm_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("the npm package name is empty");
    }
    if name.len() > NPM_NAME_MAX_LEN {
        return Some("an npm package name has at most 214 characters");
    }
    // URL-safe characters as npm allows them; uppercase only exists in old packages.
    let ok_chars = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    };
    let pkg = if let Some(scoped) = name.strip_prefix('@') {
        let Some((scope, pkg)) = scoped.split_once('/') else {
            return Some("a scoped npm name is @scope/name");
        };
        if scope.is_empty() || !ok_chars(scope) || scope.starts_with('.') {
            return Some("the npm scope has letters, digits, -, ., _ and ~");
        }
        pkg
    } else {
        name
    };
    if pkg.is_empty() || !ok_chars(pkg) {
        return Some("an npm package name has letters, digits, -, ., _ and ~");
    }
    if pkg.starts_with('.') || pkg.starts_with('_') {
        return Some("an npm package name cannot start with . or _");
    }
    None
}

fn pypi_name_ok(name: &str) -> bool {
    is_token(name, b"._-")
}

fn nuget_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= NUGET_ID_MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && id
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An OCI path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn oci_component_ok(c: &str) -> bool {
    let bytes = c.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !alnum(first) || !alnum(last) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(&bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// A registry host: DNS labels separated by dots, optionally `:port`.
fn oci_domain_ok(d: &str) -> bool {
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && !host.is_empty() && host.split('.').all(is_dns_label)
}

/// OCI tags: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn oci_tag_ok(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= OCI_TAG_MAX_LEN
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && t.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn parse_version_part(input: &str, v: &str) -> Result<Version, Error> {
    v.parse::<Version>().map_err(|err| match err {
        Error::InvalidVersion { reason, .. } => pkg_error(input, reason),
        other => other,
    })
}

fn parse_npm(input: &str, rest: &str) -> Result<PackageRef, Error> {
    // The version follows the first `@` that does not start a scope.
    let search_from = usize::from(rest.starts_with('@'));
    let (name, version) = match rest[search_from..].find('@') {
        Some(at) => (
            &rest[..search_from + at],
            Some(&rest[search_from + at + 1..]),
        ),
        None => (rest, None),
    };
    if let Some(reason) = npm_name_problem(name) {
        return Err(pkg_error(input, reason));
    }
    let version = version.map(|v| parse_version_part(input, v)).transpose()?;
    Ok(PackageRef {
        registry_type: RegistryType::Npm,
        name: name.to_owned(),
        version,
        digest: None,
    })
}

fn parse_pypi(input: &str, rest: &str) -> Result<PackageRef, Error> {
    let (name, version) = match rest.split_once(PYPI_VERSION_SEPARATOR) {
        Some((name, version)) => (name, Some(version)),
        None => (rest, None),
    };
    if !pypi_name_ok(name) {
        return Err(pkg_error(
            input,
            "a PyPI name has letters, digits, ., _ and -, starting and ending with a letter or \
             digit; pin a version with ==",
        ));
    }
    let version = version.map(|v| parse_version_part(input, v)).transpose()?;
    Ok(PackageRef {
        registry_type: RegistryType::Pypi,
        name: name.to_owned(),
        version,
        digest: None,
    })
}

fn parse_nuget(input: &str, rest: &str) -> Result<PackageRef, Error> {
    let (name, version) = match rest.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (rest, None),
    };
    if !nuget_id_ok(name) {
        return Err(pkg_error(
            input,
            "a NuGet id has letters, digits, ., _ and - (at most 100)",
        ));
    }
    let version = version.map(|v| parse_version_part(input, v)).transpose()?;
    Ok(PackageRef {
        registry_type: RegistryType::Nuget,
        name: name.to_owned(),
        version,
        digest: None,
    })
}

fn parse_oci(input: &str, rest: &str) -> Result<PackageRef, Error> {
    let OciParts { name, tag, digest } = split_reference(rest);
    let digest = digest
        .map(|d| {
            d.parse::<ContentDigest>().map_err(|_| {
                pkg_error(
                    input,
                    "an OCI digest is @sha256: followed by 64 lowercase hex digits",
                )
            })
        })
        .transpose()?;
    if name.is_empty() || name.len() > OCI_NAME_MAX_LEN {
        return Err(pkg_error(input, "an OCI name has 1 to 255 characters"));
    }
    let (domain, path) = split_oci_domain(name);
    if domain.is_some_and(|d| !oci_domain_ok(d)) {
        return Err(pkg_error(
            input,
            "the OCI registry host is not a valid host[:port]",
        ));
    }
    if !path.split('/').all(oci_component_ok) {
        return Err(pkg_error(
            input,
            "an OCI repository has lowercase letters, digits and separators (., _, __, -) \
             between slashes",
        ));
    }
    let version = match tag {
        Some(tag) if !oci_tag_ok(tag) => {
            return Err(pkg_error(
                input,
                "an OCI tag has letters, digits, _, . and - (at most 128)",
            ));
        }
        Some(tag) => Some(parse_version_part(input, tag).map_err(|_| {
            pkg_error(
                input,
                "the tag is not a release version (mutable tags such as latest cannot be \
                 verified); use a version tag or @sha256:<digest>",
            )
        })?),
        None => None,
    };
    Ok(PackageRef {
        registry_type: RegistryType::Oci,
        name: name.to_owned(),
        version,
        digest,
    })
}

fn parse_mcpb(input: &str, rest: &str) -> Result<PackageRef, Error> {
    let bad = || {
        pkg_error(
            input,
            "an MCP bundle reference is mcpb: followed by an https:// URL",
        )
    };
    if rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let url = url::Url::parse(rest).map_err(|_| bad())?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    // Keep the URL as written, not as `Url` re-serialises it, so it round-trips exactly.
    Ok(PackageRef {
        registry_type: RegistryType::Mcpb,
        name: rest.to_owned(),
        version: None,
        digest: None,
    })
}

impl FromStr for PackageRef {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let Some((kind, rest)) = s.split_once(':') else {
            return Err(pkg_error(
                s,
                "expected <registry>:<package>, like npm:@scope/pkg@1.2.3, pypi:name==1.0 or \
                 oci:ghcr.io/owner/image@sha256:<digest>",
            ));
        };
        let kind: RegistryType = kind.parse().map_err(|_| {
            pkg_error(
                s,
                "unknown registry; expected npm:, pypi:, oci:, nuget: or mcpb:",
            )
        })?;
        match kind {
            RegistryType::Npm => parse_npm(s, rest),
            RegistryType::Pypi => parse_pypi(s, rest),
            RegistryType::Oci => parse_oci(s, rest),
            RegistryType::Nuget => parse_nuget(s, rest),
            RegistryType::Mcpb => parse_mcpb(s, rest),
        }
    }
}

impl fmt::Display for PackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.registry_type, self.name)?;
        if let Some(v) = &self.version {
            let sep = match self.registry_type {
                RegistryType::Pypi => PYPI_VERSION_SEPARATOR,
                RegistryType::Oci => ":",
                _ => "@",
            };
            write!(f, "{sep}{v}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackageRef({:?})", self.to_string())
    }
}

string_serde!(
    PackageRef,
    "a package reference such as npm:@scope/pkg@1.2.3"
);
