//! Names from anywhere: every parser in `protocol::names` (and the digest spellings) never
//! panics, and whatever parses displays as exactly the input and re-parses to an equal value.
#![no_main]

use std::fmt::{Debug, Display};
use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use protocol::manifest::{ContentDigest, Sha256Digest, Sha512Integrity};
use protocol::names::{RegistryType, normalize_pypi_name};
use protocol::{Namespace, PackageRef, ServerName, Version};

/// Parses `s` as `T`; if that succeeds, `Display` gives back `s` and re-parses to an equal value.
fn round_trip<T>(s: &str) -> Option<T>
where
    T: FromStr + Display + PartialEq + Debug,
{
    let value = s.parse::<T>().ok()?;
    let shown = value.to_string();
    assert_eq!(shown, s, "Display changed the input");
    let again = shown.parse::<T>().ok();
    assert_eq!(
        again.as_ref(),
        Some(&value),
        "Display output does not re-parse equal"
    );
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    if let Some(name) = round_trip::<ServerName>(s) {
        assert_eq!(format!("{}/{}", name.namespace(), name.name()), s);
        assert!(!name.name().is_empty());
    }
    if let Some(ns) = round_trip::<Namespace>(s) {
        let owner = ns.github_owner();
        let domain = ns.domain();
        // A namespace proves through GitHub or through a domain, never both.
        assert!(owner.is_none() || domain.is_none());
        if let Some(d) = domain {
            assert!(d.contains('.') && d.len() <= 253);
        }
    }
    if let Some(v) = round_trip::<Version>(s) {
        let _ = v.semver();
        assert!(!v.is_newer_than(&v));
    }
    if let Some(r) = round_trip::<PackageRef>(s) {
        assert!(r.same_package(&r));
        assert!(r.names_package(r.registry_type().as_str(), r.name()));
        let _ = r.normalized_name();
    }
    round_trip::<RegistryType>(s);
    round_trip::<Sha256Digest>(s);
    round_trip::<ContentDigest>(s);
    round_trip::<Sha512Integrity>(s);

    let normalized = normalize_pypi_name(s);
    assert_eq!(
        normalize_pypi_name(&normalized),
        normalized,
        "PEP 503 normalisation is idempotent"
    );
});
