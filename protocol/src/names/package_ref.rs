//! [`PackageRef`]: `npm:`, `pypi:`, `oci:`, `nuget:` and `mcpb:` references to a package, their
//! per-registry syntax and normalisation.

use std::fmt;
use std::str::FromStr;

use super::registry_type::RegistryType;
use super::token::{is_dns_label, is_token};
use super::version::Version;
use super::{excerpt, string_serde};
use crate::error::Error;
use crate::formats::package_ref::{
    NPM_NAME_MAX_LEN, NUGET_ID_MAX_LEN, OCI_NAME_MAX_LEN, OCI_TAG_MAX_LEN, PYPI_VERSION_SEPARATOR,
};
use crate::formats::registry::{DOCKER_HUB_HOST, DOCKER_HUB_LIBRARY, MCPB, OCI, PYPI};
use crate::manifest::digest::ContentDigest;
use crate::oci_tag::{OciParts, split_reference};

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
