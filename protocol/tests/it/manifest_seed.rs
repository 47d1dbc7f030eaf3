//! Every server.json of the seed data set (358 real entries from the official MCP registry)
//! parses as a manifest: the checker is strict where the schema is, lenient where real data is.

use protocol::{Manifest, Severity};
use serde_json::Value;

fn seed() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../seed/official-registry-seed.json"
    );
    let text = std::fs::read_to_string(path).expect("the seed data set is in the repository");
    serde_json::from_str(&text).expect("the seed is a JSON array")
}

#[test]
fn every_seed_entry_parses() {
    let entries = seed();
    assert_eq!(entries.len(), 358);
    for entry in &entries {
        let bytes = serde_json::to_vec_pretty(entry).unwrap();
        let manifest = match Manifest::parse(bytes.clone()) {
            Ok(m) => m,
            Err(err) => panic!("{}: {err}", entry["name"]),
        };
        assert_eq!(manifest.bytes(), &bytes[..]);
        assert_eq!(manifest.name().as_str(), entry["name"].as_str().unwrap());
        assert_eq!(
            manifest.version().as_str(),
            entry["version"].as_str().unwrap()
        );
        assert!(manifest.release().is_none());
        assert!(
            manifest
                .warnings()
                .iter()
                .all(|w| w.severity == Severity::Warning)
        );
        assert!(
            manifest
                .warnings()
                .iter()
                .any(|w| w.code == "schema-missing" && w.path == "$[\"$schema\"]"),
            "{}: {:?}",
            entry["name"],
            manifest.warnings()
        );
        assert_eq!(
            manifest.server().packages.len(),
            entry["packages"].as_array().unwrap().len()
        );
    }
}

#[test]
fn seed_warnings_are_the_expected_kinds() {
    // The seed is real data: long or empty descriptions, servers whose repository moved to
    // another owner. Nothing else.
    let allowed = [
        "schema-missing",
        "description-too-long",
        "description-empty",
        "repository-owner-mismatch",
    ];
    for entry in seed() {
        let report = protocol::manifest::check(&serde_json::to_vec(&entry).unwrap());
        for problem in report.problems() {
            assert!(
                allowed.contains(&problem.code),
                "{}: {problem}",
                entry["name"]
            );
        }
    }
}

#[test]
fn seed_packages_mostly_have_package_refs() {
    let mut refs = 0;
    let mut total = 0;
    for entry in seed() {
        let manifest = Manifest::parse(serde_json::to_vec(&entry).unwrap()).unwrap();
        for package in &manifest.server().packages {
            total += 1;
            if let Some(r) = package.package_ref() {
                refs += 1;
                assert_eq!(r.registry_type().as_str(), package.registry_type);
                assert!(r.names_package(&package.registry_type, &package.identifier));
                // The reference spells itself the same way after a round trip.
                assert_eq!(r.to_string().parse::<protocol::PackageRef>().unwrap(), r);
            }
        }
    }
    // A few OCI identifiers in the seed are not valid image names (e.g. "@edubase/mcp").
    assert!(refs * 100 / total >= 95, "{refs} of {total}");
}
