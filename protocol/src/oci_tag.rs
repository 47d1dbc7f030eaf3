//! OCI image references (`name[:tag][@sha256:…]`) and which server.json package entry a
//! reference names at which tag: one rule for the registry (storing and looking up packages),
//! `mcp-sign check` (is the answer about the package asked for?) and `mcp-sign audit` (reading
//! `docker run` lines).

use crate::formats::registry::OCI;
use crate::manifest::digest::ContentDigest;
use crate::names::PackageRef;

/// An image reference split into its parts, unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OciParts<'a> {
    /// Everything before the tag and digest: `ghcr.io/o/i`, `localhost:5000/i`, `nginx`.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// What follows `@`, e.g. `sha256:<hex>`.
    pub digest: Option<&'a str>,
}

/// Splits `name[:tag][@digest]` as Docker does: the digest follows the first `@`; the tag
/// follows the last `:` after the last `/` (a colon before it belongs to a `host:port`).
pub fn split_reference(reference: &str) -> OciParts<'_> {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest.get(last_slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => {
            let colon = last_slash + colon;
            (rest.get(..colon).unwrap_or(rest), rest.get(colon + 1..))
        }
        None => (rest, None),
    };
    OciParts { name, tag, digest }
}

/// The version a server.json package entry is published at, as lookups compare it. For OCI
/// the identifier may pin itself (`ghcr.io/o/i:1.0.0`), and its own tag wins over `version`
/// (the official registry's older entries put the tag only there).
pub fn entry_version<'a>(
    registry_type: &str,
    identifier: &'a str,
    version: Option<&'a str>,
) -> Option<&'a str> {
    if registry_type == OCI
        && let Some(tag) = split_reference(identifier).tag
    {
        return Some(tag);
    }
    version
}

/// Whether `reference` (`oci:ghcr.io/o/i:1.0.0`, `oci:ghcr.io/o/i@sha256:…`, `npm:@s/p@1.0.0`,
/// or one without a version) names the server.json package entry `registry_type` /
/// `identifier` / `version` — and, when it pins one, at that version (see [`entry_version`])
/// and that image digest: the identifier's own `@sha256:` or `signed_digest` (the release
/// extension's `ociDigest` for the entry).
pub fn reference_names_entry(
    reference: &PackageRef,
    registry_type: &str,
    identifier: &str,
    version: Option<&str>,
    signed_digest: Option<&ContentDigest>,
) -> bool {
    // An OCI identifier that pins itself names the image without its tag and digest.
    let name = if registry_type == OCI {
        split_reference(identifier).name
    } else {
        identifier
    };
    if !reference.names_package(registry_type, name) {
        return false;
    }
    let version_ok = reference.version().is_none_or(|want| {
        entry_version(registry_type, identifier, version) == Some(want.as_str())
    });
    let digest_ok = reference.oci_digest().is_none_or(|want| {
        let own = split_reference(identifier)
            .digest
            .and_then(|d| d.parse::<ContentDigest>().ok());
        own.as_ref() == Some(want) || signed_digest == Some(want)
    });
    version_ok && digest_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const E: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    fn r(s: &str) -> PackageRef {
        s.parse().expect("reference")
    }

    #[test]
    fn references_split_like_docker() {
        let p = |s| split_reference(s);
        assert_eq!(
            p("ghcr.io/o/i:1.0"),
            OciParts {
                name: "ghcr.io/o/i",
                tag: Some("1.0"),
                digest: None
            }
        );
        assert_eq!(
            p("localhost:5000/i"),
            OciParts {
                name: "localhost:5000/i",
                tag: None,
                digest: None
            }
        );
        assert_eq!(
            p("localhost:5000/i:2@sha256:ab"),
            OciParts {
                name: "localhost:5000/i",
                tag: Some("2"),
                digest: Some("sha256:ab")
            }
        );
        assert_eq!(p("nginx").tag, None);
        assert_eq!(p("nginx:latest").tag, Some("latest"));
        assert_eq!(p("a@b:c").name, "a");
        assert_eq!(p("").name, "");
    }

    #[test]
    fn the_identifier_tag_wins_for_oci_only() {
        assert_eq!(
            entry_version(OCI, "ghcr.io/o/i:1.0", Some("2.0")),
            Some("1.0")
        );
        assert_eq!(entry_version(OCI, "ghcr.io/o/i", Some("2.0")), Some("2.0"));
        assert_eq!(entry_version(OCI, "localhost:5000/i", None), None);
        assert_eq!(entry_version("npm", "a:b", Some("1")), Some("1"));
    }

    #[test]
    fn tags_and_digests_match_entries() {
        let tagged = r("oci:ghcr.io/o/i:1.0.0");
        assert!(reference_names_entry(
            &tagged,
            OCI,
            "ghcr.io/o/i",
            Some("1.0.0"),
            None
        ));
        assert!(reference_names_entry(
            &tagged,
            OCI,
            "ghcr.io/o/i:1.0.0",
            None,
            None
        ));
        assert!(reference_names_entry(
            &tagged,
            OCI,
            "ghcr.io/o/i:1.0.0",
            Some("9"),
            None
        ));
        assert!(!reference_names_entry(
            &tagged,
            OCI,
            "ghcr.io/o/i",
            Some("1.0.1"),
            None
        ));
        assert!(!reference_names_entry(
            &tagged,
            OCI,
            "ghcr.io/o/j",
            Some("1.0.0"),
            None
        ));
        assert!(!reference_names_entry(
            &tagged,
            "npm",
            "ghcr.io/o/i",
            Some("1.0.0"),
            None
        ));

        let pinned = r(&format!("oci:ghcr.io/o/i@{D}"));
        let d: ContentDigest = D.parse().expect("digest");
        let e: ContentDigest = E.parse().expect("digest");
        assert!(reference_names_entry(
            &pinned,
            OCI,
            &format!("ghcr.io/o/i@{D}"),
            None,
            None
        ));
        assert!(reference_names_entry(
            &pinned,
            OCI,
            "ghcr.io/o/i",
            Some("1"),
            Some(&d)
        ));
        assert!(!reference_names_entry(
            &pinned,
            OCI,
            "ghcr.io/o/i",
            Some("1"),
            Some(&e)
        ));
        assert!(!reference_names_entry(
            &pinned,
            OCI,
            "ghcr.io/o/i",
            Some("1"),
            None
        ));

        // No version or digest: any release of the package.
        let bare = r("oci:docker.io/library/nginx");
        assert!(reference_names_entry(&bare, OCI, "nginx", Some("1"), None));
        let npm = r("npm:@s/p@1.0.0");
        assert!(reference_names_entry(
            &npm,
            "npm",
            "@s/p",
            Some("1.0.0"),
            None
        ));
        assert!(!reference_names_entry(
            &npm,
            "npm",
            "@s/p",
            Some("1.0.1"),
            None
        ));
    }
}
