//! Manifests from anywhere: `check` and `Manifest::parse` never panic, agree on what is
//! acceptable, and what parses is internally consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::manifest::{self, ServerJson, tool_fingerprint};
use protocol::{Manifest, PackageRef};

fuzz_target!(|data: &[u8]| {
    let report = manifest::check(data);
    for problem in report.problems() {
        assert!(!problem.path.is_empty() && problem.path.starts_with('$'));
        assert!(!problem.code.is_empty() && !problem.message.is_empty());
        let _ = problem.to_string();
    }

    let parsed = Manifest::parse(data);
    // One checker: `parse` accepts exactly what `check` finds no error in.
    assert_eq!(
        report.is_ok(),
        parsed.is_ok(),
        "check and parse disagree: {:?}",
        report
    );
    let Ok(m) = parsed else { return };

    assert_eq!(m.bytes(), data);
    assert_eq!(m.warnings(), report.problems());
    assert!(m.warnings().iter().all(|w| !w.is_error()));
    assert_eq!(m.name(), &m.server().name);

    // The typed view of server.json, written back out, is itself a valid manifest.
    let mut server: ServerJson = m.server().clone();
    server.meta = None;
    let again = serde_json::to_vec(&server).expect("typed view serialises");
    let report_again = manifest::check(&again);
    assert!(
        report_again.is_ok(),
        "typed view is invalid: {:?}",
        report_again
    );

    for package in &m.server().packages {
        if let Some(r) = package.package_ref() {
            assert_eq!(r.to_string().parse::<PackageRef>().ok(), Some(r.clone()));
            assert!(
                r.names_package(&package.registry_type, &package.identifier)
                    || package.registry_type == "oci"
            );
        }
    }

    if let Some(release) = m.release() {
        let raw = &m.value()["_meta"][protocol::formats::RELEASE_META_KEY]["tools"];
        for (i, tool) in release.tools.iter().enumerate() {
            assert_eq!(tool.fingerprint.to_string(), tool_fingerprint(&raw[i]));
        }
    }
});
