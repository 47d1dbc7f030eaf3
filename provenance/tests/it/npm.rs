//! npm SLSA provenance of the real `sigstore@5.0.0`: accepted for its own repository, and each
//! refusal with its own reason.

use provenance::{Digest, Error, ExpectedSource, NpmPackage, verify_npm};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha512};

use crate::fixtures::{
    corrupt_signature, edit_base64, fixture, json, public_good, replace, root_with_other_fulcio,
    to_bytes,
};

const DOCUMENT: &str = "sigstore-5.0.0.attestations.json";
const BUNDLE: &str = "/attestations/0/bundle";

fn package() -> NpmPackage {
    let version = json("sigstore-5.0.0.version.json");
    let integrity = version["dist"]["integrity"]
        .as_str()
        .expect("dist.integrity");
    NpmPackage {
        name: "sigstore".into(),
        version: "5.0.0".into(),
        integrity: Digest::from_npm_integrity(integrity).unwrap(),
    }
}

fn sigstore_js() -> ExpectedSource {
    let version = json("sigstore-5.0.0.version.json");
    let url = version["repository"]["url"]
        .as_str()
        .expect("repository.url");
    ExpectedSource::new("io.github.sigstore/sigstore-js", url).unwrap()
}

fn verify(document: &[u8]) -> Result<provenance::Provenance, Error> {
    verify_npm(&public_good(), document, &package(), &sigstore_js())
}

fn edited(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut document = json(DOCUMENT);
    edit(&mut document);
    to_bytes(&document)
}

#[test]
fn sigstore_5_0_0_was_built_by_ci_from_sigstore_js() {
    let provenance = verify(&fixture(DOCUMENT)).expect("the real provenance verifies");
    assert_eq!(provenance.package, "pkg:npm/sigstore@5.0.0");
    assert_eq!(provenance.repository, "github.com/sigstore/sigstore-js");
    assert!(
        provenance.commit.starts_with("7d2900e"),
        "{}",
        provenance.commit
    );
    assert_eq!(
        provenance.commit,
        "7d2900eca1c22b3f87c13987c8d4b7c9a29b733a"
    );
    assert_eq!(
        provenance.workflow,
        ".github/workflows/release.yml@refs/heads/main"
    );
    assert_eq!(
        provenance.builder,
        "https://github.com/actions/runner/github-hosted"
    );
    assert_eq!(
        provenance.certificate_identity,
        "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main"
    );
    assert_eq!(
        provenance.issuer,
        "https://token.actions.githubusercontent.com"
    );
    let entry =
        &json(DOCUMENT)["attestations"][0]["bundle"]["verificationMaterial"]["tlogEntries"][0];
    assert_eq!(
        provenance.rekor_log_index.to_string(),
        entry["logIndex"].as_str().unwrap()
    );
    assert_eq!(
        provenance.integrated_time.to_string(),
        entry["integratedTime"].as_str().unwrap()
    );
    assert_eq!(provenance.digest, package().integrity);
}

#[test]
fn the_real_tarball_has_the_version_documents_integrity() {
    let tarball = fixture("sigstore-5.0.0.tgz");
    assert_eq!(
        Sha512::digest(&tarball).as_slice(),
        package().integrity.as_bytes()
    );
}

#[test]
fn refused_for_a_server_whose_repository_is_another_one() {
    let other =
        ExpectedSource::new("io.github.octo/weather", "https://github.com/octo/weather").unwrap();
    let err = verify_npm(&public_good(), &fixture(DOCUMENT), &package(), &other).unwrap_err();
    assert!(
        matches!(&err, Error::RepositoryMismatch { expected, found, .. }
            if expected == "github.com/octo/weather" && found.contains("sigstore/sigstore-js")),
        "{err}"
    );
}

#[test]
fn refused_for_a_server_whose_name_is_not_its_repositorys_owner() {
    let err = ExpectedSource::new(
        "io.github.octo/sigstore",
        "https://github.com/sigstore/sigstore-js",
    )
    .unwrap_err();
    assert!(matches!(err, Error::OwnerMismatch { .. }), "{err}");
}

#[test]
fn refused_for_another_package_name() {
    let other = NpmPackage {
        name: "sigstore-evil".into(),
        ..package()
    };
    let err = verify_npm(&public_good(), &fixture(DOCUMENT), &other, &sigstore_js()).unwrap_err();
    assert!(
        matches!(&err, Error::SubjectMismatch { expected, found }
            if expected == "pkg:npm/sigstore-evil@5.0.0" && found == "pkg:npm/sigstore@5.0.0"),
        "{err}"
    );
    let other_version = NpmPackage {
        version: "5.0.1".into(),
        ..package()
    };
    let err = verify_npm(
        &public_good(),
        &fixture(DOCUMENT),
        &other_version,
        &sigstore_js(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::SubjectMismatch { .. }), "{err}");
}

#[test]
fn refused_when_the_tarball_digest_differs_from_the_subject() {
    let other = NpmPackage {
        integrity: Digest::Sha512(Sha512::digest(b"another tarball").into()),
        ..package()
    };
    let err = verify_npm(&public_good(), &fixture(DOCUMENT), &other, &sigstore_js()).unwrap_err();
    assert!(
        matches!(&err, Error::DigestMismatch { algorithm: "sha512", found, .. }
            if found.starts_with("849a897e")),
        "{err}"
    );
}

#[test]
fn refused_when_the_payload_was_changed() {
    let document = edited(|d| {
        edit_base64(d, &format!("{BUNDLE}/dsseEnvelope/payload"), |payload| {
            replace(
                payload,
                "7d2900eca1c22b3f87c13987c8d4b7c9a29b733a",
                "0000000000000000000000000000000000000000",
            );
        })
    });
    let err = verify(&document).unwrap_err();
    assert!(matches!(err, Error::SignatureInvalid(_)), "{err}");
}

#[test]
fn refused_when_the_signature_was_changed() {
    let document = edited(|d| {
        edit_base64(d, &format!("{BUNDLE}/dsseEnvelope/signatures/0/sig"), |s| {
            corrupt_signature(s)
        })
    });
    let err = verify(&document).unwrap_err();
    assert!(matches!(err, Error::SignatureInvalid(_)), "{err}");
}

#[test]
fn refused_when_the_certificate_does_not_chain_to_the_trusted_root() {
    let err = verify_npm(
        &root_with_other_fulcio(),
        &fixture(DOCUMENT),
        &package(),
        &sigstore_js(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::CertificateNotTrusted(_)), "{err}");
}

#[test]
fn refused_without_a_transparency_log_proof() {
    let entry = format!("{BUNDLE}/verificationMaterial/tlogEntries/0");
    let no_proof = edited(|d| {
        d.pointer_mut(&entry)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("inclusionProof");
    });
    assert_eq!(
        verify(&no_proof).unwrap_err(),
        Error::NoTransparencyLogProof
    );
    let no_entries = edited(|d| {
        *d.pointer_mut(&format!("{BUNDLE}/verificationMaterial/tlogEntries"))
            .unwrap() = json!([]);
    });
    assert_eq!(
        verify(&no_entries).unwrap_err(),
        Error::NoTransparencyLogProof
    );
}

#[test]
fn refused_when_the_inclusion_proof_does_not_lead_to_the_signed_checkpoint() {
    let document = edited(|d| {
        let hash = format!("{BUNDLE}/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0");
        edit_base64(d, &hash, |h| h[0] ^= 0x01);
    });
    let err = verify(&document).unwrap_err();
    assert!(matches!(err, Error::TransparencyLogInvalid(_)), "{err}");
}

#[test]
fn refused_with_two_signatures() {
    let document = edited(|d| {
        let signatures = d
            .pointer_mut(&format!("{BUNDLE}/dsseEnvelope/signatures"))
            .unwrap();
        let first = signatures[0].clone();
        signatures.as_array_mut().unwrap().push(first);
    });
    assert_eq!(
        verify(&document).unwrap_err(),
        Error::SignatureCount { found: 2 }
    );
}

#[test]
fn refused_without_slsa_provenance() {
    let document = edited(|d| {
        d["attestations"][0]["predicateType"] =
            json!("https://github.com/npm/attestation/tree/main/specs/publish/v0.1");
    });
    let err = verify(&document).unwrap_err();
    assert!(
        matches!(&err, Error::NoProvenance { found } if found.contains("publish")),
        "{err}"
    );
    let empty = to_bytes(&json!({ "attestations": [] }));
    assert!(matches!(
        verify(&empty).unwrap_err(),
        Error::NoProvenance { .. }
    ));
}

#[test]
fn scoped_names_are_package_urls() {
    let scoped = NpmPackage {
        name: "@sigstore/cli".into(),
        ..package()
    };
    assert_eq!(scoped.subject(), "pkg:npm/%40sigstore/cli@5.0.0");
}

/// What the registry logs is enough to verify again: the leaf's package, digest and repository
/// with the document it carries (`mcp-sign log verify`).
#[test]
fn a_logged_leaf_re_verifies_from_its_own_fields() {
    let logged_digest = package().integrity.to_string();
    let again = provenance::reverify(
        &public_good(),
        "io.github.sigstore/sigstore-js",
        "npm:sigstore@5.0.0",
        &logged_digest,
        "github.com/sigstore/sigstore-js",
        &fixture(DOCUMENT),
    )
    .expect("the logged provenance verifies again");
    assert_eq!(again, verify(&fixture(DOCUMENT)).unwrap());
    // Another package, digest or repository than the one logged is refused.
    let other_digest = Digest::Sha512([0; 64]).to_string();
    for (package, digest, repository) in [
        (
            "npm:sigstore@5.0.1",
            logged_digest.as_str(),
            "github.com/sigstore/sigstore-js",
        ),
        (
            "npm:sigstore@5.0.0",
            other_digest.as_str(),
            "github.com/sigstore/sigstore-js",
        ),
        (
            "npm:sigstore@5.0.0",
            logged_digest.as_str(),
            "github.com/sigstore/other",
        ),
        (
            "oci:sigstore",
            logged_digest.as_str(),
            "github.com/sigstore/sigstore-js",
        ),
    ] {
        assert!(
            provenance::reverify(
                &public_good(),
                "io.github.sigstore/sigstore-js",
                package,
                digest,
                repository,
                &fixture(DOCUMENT),
            )
            .is_err(),
            "{package} {digest} {repository}"
        );
    }
}
