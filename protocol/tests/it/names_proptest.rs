//! Property tests: every `FromStr`/`Display` pair round-trips, valid inputs always parse, and no
//! input makes a parser panic.

use proptest::prelude::*;
use protocol::manifest::{ContentDigest, Sha256Digest, Sha512Integrity};
use protocol::{Namespace, PackageRef, ServerName, Version};

fn namespace() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9.-]{0,30}[a-zA-Z0-9])?"
}

fn server_name() -> impl Strategy<Value = String> {
    (namespace(), "[a-zA-Z0-9]([a-zA-Z0-9._-]{0,30}[a-zA-Z0-9])?")
        .prop_map(|(ns, n)| format!("{ns}/{n}"))
}

fn semver_like() -> impl Strategy<Value = String> {
    "(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})(-[a-z][a-z0-9]{0,6}(\\.[0-9]{1,3})?)?"
}

fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        semver_like(),
        // Non-semantic versions the official registry accepts too.
        "[0-9]{4}\\.[0-9]{2}\\.[0-9]{2}",
        "v[0-9]{1,3}\\.[0-9]{1,3}",
        // `latest` is reserved, and an `x` part (`x.0`) reads as a range (`1.x`), which the
        // parser refuses as the official registry does.
        "[a-z][a-z0-9._-]{0,10}".prop_filter("reserved", |s| s != "latest"
            && !s.split('.').any(|p| p == "x")),
    ]
}

fn hex64() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}"
}

fn package_ref() -> impl Strategy<Value = String> {
    let npm_part = "[a-z0-9][a-z0-9._~-]{0,15}";
    let npm = (
        proptest::option::of(npm_part),
        npm_part,
        proptest::option::of(version()),
    )
        .prop_map(|(scope, name, v)| {
            let scope = scope.map(|s| format!("@{s}/")).unwrap_or_default();
            let v = v.map(|v| format!("@{v}")).unwrap_or_default();
            format!("npm:{scope}{name}{v}")
        });
    let pypi = (
        "[A-Za-z0-9]([A-Za-z0-9._-]{0,15}[A-Za-z0-9])?",
        proptest::option::of(version()),
    )
        .prop_map(|(n, v)| {
            format!(
                "pypi:{n}{}",
                v.map(|v| format!("=={v}")).unwrap_or_default()
            )
        });
    // No dots: a first component with a dot would be a registry host (Docker's rule).
    let component = "[a-z0-9]{1,6}((_|__|-+)[a-z0-9]{1,6}){0,2}";
    let oci = (
        proptest::option::of(("[a-z0-9]{1,8}\\.[a-z]{2,5}", proptest::option::of(1u16..))),
        proptest::collection::vec(component, 1..4),
        proptest::option::of(semver_like()),
        proptest::option::of(hex64()),
    )
        .prop_map(|(domain, path, tag, digest)| {
            let mut s = "oci:".to_owned();
            if let Some((host, port)) = domain {
                s.push_str(&host);
                if let Some(port) = port {
                    s.push_str(&format!(":{port}"));
                }
                s.push('/');
            }
            s.push_str(&path.join("/"));
            if let Some(tag) = tag {
                s.push_str(&format!(":{tag}"));
            }
            if let Some(d) = digest {
                s.push_str(&format!("@sha256:{d}"));
            }
            s
        });
    let nuget = (
        "[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}",
        proptest::option::of(semver_like()),
    )
        .prop_map(|(id, v)| {
            format!(
                "nuget:{id}{}",
                v.map(|v| format!("@{v}")).unwrap_or_default()
            )
        });
    let mcpb = "[a-z]{1,10}\\.[a-z]{2,4}/[a-zA-Z0-9/._-]{0,30}\\.mcpb"
        .prop_map(|rest| format!("mcpb:https://{rest}"));
    prop_oneof![npm, pypi, oci, nuget, mcpb]
}

/// If `s` parses, it displays as exactly `s`, and re-parses to an equal value.
fn round_trips<T>(s: &str) -> Result<(), TestCaseError>
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    if let Ok(v) = s.parse::<T>() {
        prop_assert_eq!(v.to_string(), s);
        prop_assert_eq!(v.to_string().parse::<T>().ok(), Some(v));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_server_names_round_trip(s in server_name()) {
        let name: ServerName = s.parse().unwrap();
        prop_assert_eq!(name.to_string(), s.clone());
        prop_assert_eq!(format!("{}/{}", name.namespace(), name.name()), s.clone());
        let json = serde_json::to_string(&name).unwrap();
        prop_assert_eq!(serde_json::from_str::<ServerName>(&json).unwrap(), name);
    }

    #[test]
    fn valid_namespaces_round_trip(s in namespace()) {
        let ns: Namespace = s.parse().unwrap();
        prop_assert_eq!(ns.to_string(), s);
        if let Some(domain) = ns.domain() {
            prop_assert!(domain.split('.').count() >= 2);
        }
    }

    #[test]
    fn valid_versions_round_trip(s in version()) {
        let v: Version = s.parse().unwrap();
        prop_assert_eq!(v.to_string(), s.clone());
        prop_assert!(!v.is_newer_than(&v));
        let json = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(serde_json::from_str::<Version>(&json).unwrap(), v);
    }

    #[test]
    fn semver_ordering_is_consistent(a in semver_like(), b in semver_like()) {
        let (va, vb) = (a.parse::<Version>().unwrap(), b.parse::<Version>().unwrap());
        prop_assert!(!(va.is_newer_than(&vb) && vb.is_newer_than(&va)));
        prop_assert_eq!(va.cmp_precedence(&vb), vb.cmp_precedence(&va).reverse());
    }

    #[test]
    fn valid_package_refs_round_trip(s in package_ref()) {
        let r: PackageRef = match s.parse() {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("{s:?}: {e}"))),
        };
        prop_assert_eq!(r.to_string(), s.clone());
        prop_assert!(r.same_package(&r));
        let json = serde_json::to_string(&r).unwrap();
        prop_assert_eq!(serde_json::from_str::<PackageRef>(&json).unwrap(), r);
    }

    #[test]
    fn digests_round_trip(bytes in proptest::array::uniform32(any::<u8>()), wide in proptest::collection::vec(any::<u8>(), 64)) {
        let d = Sha256Digest::from_bytes(bytes);
        prop_assert_eq!(d.to_string().parse::<Sha256Digest>().unwrap(), d);
        let c = ContentDigest::new(d);
        prop_assert_eq!(c.to_string().parse::<ContentDigest>().unwrap(), c);
        let wide: [u8; 64] = wide.try_into().unwrap();
        let i = Sha512Integrity::from_bytes(wide);
        prop_assert_eq!(i.to_string().parse::<Sha512Integrity>().unwrap(), i);
    }

    #[test]
    fn parsers_never_panic_and_accepted_input_round_trips(s in "\\PC{0,80}|.{0,40}|[a-z]{1,6}:[ -~]{0,60}") {
        round_trips::<ServerName>(&s)?;
        round_trips::<Namespace>(&s)?;
        round_trips::<Version>(&s)?;
        round_trips::<PackageRef>(&s)?;
        round_trips::<Sha256Digest>(&s)?;
        round_trips::<ContentDigest>(&s)?;
        round_trips::<Sha512Integrity>(&s)?;
    }

    #[test]
    fn near_misses_never_panic(s in package_ref(), cut in 0usize..80, junk in "[ -~]{0,3}") {
        // Truncated and spliced references are refused or round-trip; they never panic.
        let cut = s.char_indices().nth(cut).map_or(s.len(), |(i, _)| i);
        let mangled = format!("{}{junk}{}", &s[..cut], &s[cut..]);
        round_trips::<PackageRef>(&mangled)?;
        round_trips::<PackageRef>(&s[..cut])?;
    }

    #[test]
    fn the_manifest_checker_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let report = protocol::manifest::check(&bytes);
        prop_assert_eq!(report.is_ok(), protocol::Manifest::parse(bytes).is_ok());
    }
}
