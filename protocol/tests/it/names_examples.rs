//! Server names, namespaces, versions and package references: what parses, what does not, and
//! the helpers the registry relies on.

use protocol::names::{RegistryType, normalize_pypi_name};
use protocol::{Error, Namespace, PackageRef, ServerName, Version};

#[test]
fn server_names() {
    let name: ServerName = "io.github.octocat/weather-mcp".parse().unwrap();
    assert_eq!(name.namespace().as_str(), "io.github.octocat");
    assert_eq!(name.name(), "weather-mcp");
    assert_eq!(name.to_string(), "io.github.octocat/weather-mcp");
    for ok in [
        "a/b",
        "com.example/mcp",
        "io.github.Octo-Cat/my_server.v2",
        "x1/y",
    ] {
        assert_eq!(ok.parse::<ServerName>().unwrap().as_str(), ok);
    }
    for bad in [
        "",
        "ab",
        "noslash",
        "a/b/c",
        "/name",
        "ns/",
        "ns/na me",
        "ns/-x",
        "-ns/x",
        "ns./x",
        "io.github.octocat/ümlaut",
        "ns/x_",
    ] {
        assert!(
            matches!(
                bad.parse::<ServerName>(),
                Err(Error::InvalidServerName { .. })
            ),
            "{bad:?} parsed"
        );
    }
    let long = format!("com.example/{}", "a".repeat(189));
    assert_eq!(long.len(), 201);
    assert!(long.parse::<ServerName>().is_err());
    assert!(long[..200].parse::<ServerName>().is_ok());
    // Serde goes through the parser.
    let n: ServerName = serde_json::from_str("\"com.example/mcp\"").unwrap();
    assert_eq!(serde_json::to_string(&n).unwrap(), "\"com.example/mcp\"");
    assert!(serde_json::from_str::<ServerName>("\"bad\"").is_err());
    // Order is the order of the strings.
    let mut names: Vec<ServerName> = ["a/x", "a.b/x", "a-b/x"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    names.sort();
    let sorted: Vec<&str> = names.iter().map(ServerName::as_str).collect();
    assert_eq!(sorted, ["a-b/x", "a.b/x", "a/x"]);
}

#[test]
fn namespaces_name_their_proof() {
    let ns = |s: &str| s.parse::<Namespace>().unwrap();
    assert_eq!(ns("io.github.octocat").github_owner(), Some("octocat"));
    assert_eq!(ns("IO.GitHub.Octo-Cat").github_owner(), Some("Octo-Cat"));
    assert_eq!(ns("io.github.octocat").domain(), None);
    assert_eq!(ns("io.github.a.b").github_owner(), None);
    assert_eq!(ns("io.github.a.b").domain(), None);
    assert_eq!(ns("io.github").domain(), None);
    assert_eq!(ns("io.github").github_owner(), None);

    assert_eq!(ns("com.example").domain().as_deref(), Some("example.com"));
    assert_eq!(
        ns("com.Example.mcp").domain().as_deref(),
        Some("mcp.example.com")
    );
    assert_eq!(ns("com.example").github_owner(), None);
    assert_eq!(ns("localhost").domain(), None);
    assert_eq!(ns("1.example").domain(), None);
    assert_eq!(ns("com.-example").domain(), None);
    assert_eq!(ns("com..example").domain(), None);
    assert!("".parse::<Namespace>().is_err());
    assert!("a/b".parse::<Namespace>().is_err());
}

#[test]
fn versions() {
    for ok in [
        "1.2.3",
        "0.0.1-seed",
        "1.0.0-rc.1+build.5",
        "2025.01.02",
        "v1.2",
        "1",
        "lingo.dev@0.111.4",
        "1.2.3-next",
        "x",
    ] {
        assert_eq!(ok.parse::<Version>().unwrap().as_str(), ok);
    }
    for bad in [
        "",
        "latest",
        "LATEST",
        "^1.2.3",
        "~1.2",
        ">=1.0.0",
        "<2",
        "=1.0.0",
        "1.x",
        "1.2.X",
        "1.*",
        "x.x",
        "1.2 || 1.3",
        "1.0.0 - 2.0.0",
        "*",
        "1.0 beta",
        "1.0\n",
        "1.0\u{0}",
    ] {
        assert!(
            matches!(bad.parse::<Version>(), Err(Error::InvalidVersion { .. })),
            "{bad:?} parsed"
        );
    }
    assert!("1".repeat(255).parse::<Version>().is_ok());
    assert!("1".repeat(256).parse::<Version>().is_err());
    let err = "latest".parse::<Version>().unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid version \"latest\": \"latest\" is not a version; pin the exact version you published"
    );
}

#[test]
fn version_ordering_follows_the_official_registry() {
    let v = |s: &str| s.parse::<Version>().unwrap();
    assert_eq!(v("1.2.3").semver(), Some(semver::Version::new(1, 2, 3)));
    assert_eq!(v("v1.2.3").semver(), None);
    assert!(v("1.10.0").is_newer_than(&v("1.9.0")));
    assert!(!v("1.9.0").is_newer_than(&v("1.10.0")));
    assert!(v("1.0.0").is_newer_than(&v("1.0.0-rc.1")));
    assert!(v("1.0.0-rc.10").is_newer_than(&v("1.0.0-rc.9")));
    // Build metadata does not count.
    assert!(!v("1.0.0+b").is_newer_than(&v("1.0.0+a")));
    assert!(!v("1.0.0+a").is_newer_than(&v("1.0.0+b")));
    // A semantic version beats one that is not.
    assert!(v("0.0.1").is_newer_than(&v("2024-release")));
    assert!(!v("2024-release").is_newer_than(&v("0.0.1")));
    // Neither: string order (the official registry would use publication time).
    assert!(v("b").is_newer_than(&v("a")));
    assert!(!v("a").is_newer_than(&v("a")));
}

#[test]
fn package_refs() {
    let r: PackageRef = "npm:@scope/pkg@1.2.3".parse().unwrap();
    assert_eq!(r.registry_type(), RegistryType::Npm);
    assert_eq!(r.name(), "@scope/pkg");
    assert_eq!(r.version().unwrap().as_str(), "1.2.3");
    assert_eq!(r.to_string(), "npm:@scope/pkg@1.2.3");

    let r: PackageRef = "npm:pkg".parse().unwrap();
    assert_eq!((r.name(), r.version()), ("pkg", None));

    let r: PackageRef = "pypi:Mcp_Server.Git==1.0".parse().unwrap();
    assert_eq!(r.name(), "Mcp_Server.Git");
    assert_eq!(r.version().unwrap().as_str(), "1.0");
    assert_eq!(r.normalized_name(), "mcp-server-git");
    assert!(r.same_package(&"pypi:mcp-server-git".parse().unwrap()));
    assert!(r.names_package("pypi", "MCP-server_git"));
    assert!(!r.names_package("npm", "mcp-server-git"));
    assert_eq!(normalize_pypi_name("A__b-.C"), "a-b-c");

    let digest = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let r: PackageRef = format!("oci:ghcr.io/o/i@{digest}").parse().unwrap();
    assert_eq!(r.name(), "ghcr.io/o/i");
    assert_eq!(r.version(), None);
    assert_eq!(r.oci_digest().unwrap().to_string(), digest);
    assert_eq!(r.to_string(), format!("oci:ghcr.io/o/i@{digest}"));

    let r: PackageRef = "oci:docker.io/library/x:1.0".parse().unwrap();
    assert_eq!(
        (r.name(), r.version().unwrap().as_str()),
        ("docker.io/library/x", "1.0")
    );
    assert!(r.same_package(&"oci:x".parse().unwrap()));
    assert!(r.names_package("oci", "x"));
    assert_eq!(
        "oci:mcp/server:2"
            .parse::<PackageRef>()
            .unwrap()
            .normalized_name(),
        "docker.io/mcp/server"
    );
    let r: PackageRef = format!("oci:localhost:5000/a/b:1.0@{digest}")
        .parse()
        .unwrap();
    assert_eq!(r.name(), "localhost:5000/a/b");
    assert_eq!(r.version().unwrap().as_str(), "1.0");

    let r: PackageRef = "nuget:Contoso.Mcp@1.0.0".parse().unwrap();
    assert!(r.names_package("nuget", "contoso.mcp"));

    let url = "https://github.com/o/r/releases/download/v1.0.0/server.mcpb";
    let r: PackageRef = format!("mcpb:{url}").parse().unwrap();
    assert_eq!(
        (r.registry_type(), r.name(), r.version()),
        (RegistryType::Mcpb, url, None)
    );

    for bad in [
        "",
        "npm",
        "npm:",
        "npm:@scope",
        "npm:@/pkg",
        "npm:pkg@",
        "npm:pkg@latest",
        "npm:pkg@^1",
        "npm:.hidden",
        "npm:has space",
        "pypi:-bad",
        "pypi:ok==",
        "pypi:ok==>=1",
        "oci:",
        "oci:UPPER/x",
        "oci:x:latest",
        "oci:x@sha256:abc",
        "oci:x:-tag",
        "oci:a//b",
        "maven:g:a",
        "mcpb:http://x/y",
        "mcpb:not a url",
        "cargo:serde@1",
    ] {
        assert!(
            matches!(
                bad.parse::<PackageRef>(),
                Err(Error::InvalidPackageRef { .. })
            ),
            "{bad:?} parsed"
        );
    }
}

#[test]
fn package_refs_from_server_json_parts() {
    let r = PackageRef::from_parts("pypi", "mcp-server-git", Some("1.0")).unwrap();
    assert_eq!(r.to_string(), "pypi:mcp-server-git==1.0");
    let r = PackageRef::from_parts("oci", "ghcr.io/o/i", Some("1.0")).unwrap();
    assert_eq!(r.to_string(), "oci:ghcr.io/o/i:1.0");
    let r = PackageRef::from_parts("oci", "ghcr.io/o/i:1.0", Some("1.0")).unwrap();
    assert_eq!(r.to_string(), "oci:ghcr.io/o/i:1.0");
    let r = PackageRef::from_parts("mcpb", "https://example.com/s.mcpb", Some("1.0")).unwrap();
    assert_eq!(r.to_string(), "mcpb:https://example.com/s.mcpb");
    assert!(PackageRef::from_parts("maven", "g:a", Some("1")).is_err());
}

#[test]
fn errors_quote_only_the_start_of_huge_input() {
    let huge = "x".repeat(100_000);
    let err = huge.parse::<ServerName>().unwrap_err().to_string();
    assert!(err.len() < 500, "{}", err.len());
}

#[test]
fn package_refs_from_parts_keep_the_parts() {
    // Found by fuzzing: "ne@ondatabase/x" must not become name "ne" at version "ondatabase/x".
    assert!(PackageRef::from_parts("npm", "ne@ondatabase/mcp-server-neon", Some("0.4.0")).is_err());
    assert!(PackageRef::from_parts("npm", "ne@ondatabase/mcp-server-neon", None).is_err());
    assert!(PackageRef::from_parts("pypi", "a==1", Some("2")).is_err());
    assert!(PackageRef::from_parts("nuget", "a@1", None).is_err());
    let r = PackageRef::from_parts("npm", "@scope/pkg", None).unwrap();
    assert_eq!(r.to_string(), "npm:@scope/pkg");
}
