//! PEP 740 provenance of the real `pypi_attestations-0.0.19.tar.gz` (published from
//! trailofbits/pypi-attestations by a Trusted Publisher): accepted for its own repository, and
//! each refusal with its own reason.

use provenance::{Digest, Error, ExpectedSource, PypiFile, verify_pypi};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::fixtures::{
    corrupt_signature, edit_base64, fixture, json, public_good, replace, root_with_other_fulcio,
    to_bytes,
};

const DOCUMENT: &str = "pypi_attestations-0.0.19.tar.gz.provenance";
const FILENAME: &str = "pypi_attestations-0.0.19.tar.gz";
const ATTESTATION: &str = "/attestation_bundles/0/attestations/0";
const PUBLISHER: &str = "/attestation_bundles/0/publisher";

fn file() -> PypiFile {
    // The sha256 PyPI lists for the file, which is that of the committed sdist.
    let sha256 = Sha256::digest(fixture(FILENAME));
    PypiFile {
        filename: FILENAME.into(),
        sha256: Digest::Sha256(sha256.into()),
    }
}

fn pypi_attestations() -> ExpectedSource {
    ExpectedSource::new(
        "io.github.trailofbits/pypi-attestations",
        "https://github.com/trailofbits/pypi-attestations",
    )
    .unwrap()
}

fn verify(document: &[u8]) -> Result<provenance::Provenance, Error> {
    verify_pypi(&public_good(), document, &file(), &pypi_attestations())
}

fn edited(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut document = json(DOCUMENT);
    edit(&mut document);
    to_bytes(&document)
}

#[test]
fn pypi_attestations_0_0_19_was_published_from_its_repository() {
    let provenance = verify(&fixture(DOCUMENT)).expect("the real provenance verifies");
    assert_eq!(provenance.package, FILENAME);
    assert_eq!(
        provenance.digest,
        Digest::from_sha256_hex("9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3")
            .unwrap()
    );
    assert_eq!(
        provenance.repository,
        "github.com/trailofbits/pypi-attestations"
    );
    assert_eq!(
        provenance.commit,
        "08802efe1f8e5fec4ad842d6b8ce97656092ee72"
    );
    assert_eq!(
        provenance.workflow,
        ".github/workflows/release.yml@refs/tags/v0.0.19"
    );
    // A publish attestation has no SLSA predicate: the builder is the certificate's runner.
    assert_eq!(provenance.builder, "github-hosted");
    assert_eq!(
        provenance.certificate_identity,
        "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"
    );
    assert_eq!(provenance.rekor_log_index, 153_454_663);
    assert_eq!(provenance.integrated_time, 1_733_354_041);
}

#[test]
fn refused_for_a_server_whose_repository_is_another_one() {
    let other =
        ExpectedSource::new("io.github.octo/weather", "https://github.com/octo/weather").unwrap();
    let err = verify_pypi(&public_good(), &fixture(DOCUMENT), &file(), &other).unwrap_err();
    assert!(matches!(err, Error::RepositoryMismatch { .. }), "{err}");
}

#[test]
fn refused_for_another_file_name() {
    let other = PypiFile {
        filename: "pypi_attestations-0.0.20.tar.gz".into(),
        ..file()
    };
    let err = verify_pypi(
        &public_good(),
        &fixture(DOCUMENT),
        &other,
        &pypi_attestations(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::SubjectMismatch { found, .. } if found == FILENAME),
        "{err}"
    );
}

#[test]
fn refused_when_the_file_digest_differs_from_the_subject() {
    let other = PypiFile {
        sha256: Digest::Sha256(Sha256::digest(b"another file").into()),
        ..file()
    };
    let err = verify_pypi(
        &public_good(),
        &fixture(DOCUMENT),
        &other,
        &pypi_attestations(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::DigestMismatch {
                algorithm: "sha256",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn refused_when_the_statement_was_changed() {
    let document = edited(|d| {
        edit_base64(
            d,
            &format!("{ATTESTATION}/envelope/statement"),
            |statement| {
                replace(statement, "publish/v1", "publish/v2");
            },
        )
    });
    let err = verify(&document).unwrap_err();
    assert!(matches!(err, Error::SignatureInvalid(_)), "{err}");
}

#[test]
fn refused_when_the_signature_was_changed() {
    let document = edited(|d| {
        edit_base64(d, &format!("{ATTESTATION}/envelope/signature"), |s| {
            corrupt_signature(s)
        })
    });
    let err = verify(&document).unwrap_err();
    assert!(matches!(err, Error::SignatureInvalid(_)), "{err}");
}

#[test]
fn refused_when_the_certificate_does_not_chain_to_the_trusted_root() {
    let err = verify_pypi(
        &root_with_other_fulcio(),
        &fixture(DOCUMENT),
        &file(),
        &pypi_attestations(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::CertificateNotTrusted(_)), "{err}");
}

#[test]
fn refused_without_a_transparency_log_proof() {
    let entries = format!("{ATTESTATION}/verification_material/transparency_entries");
    let no_proof = edited(|d| {
        d.pointer_mut(&format!("{entries}/0"))
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove("inclusionProof");
    });
    assert_eq!(
        verify(&no_proof).unwrap_err(),
        Error::NoTransparencyLogProof
    );
    let no_entries = edited(|d| *d.pointer_mut(&entries).unwrap() = json!([]));
    assert_eq!(
        verify(&no_entries).unwrap_err(),
        Error::NoTransparencyLogProof
    );
}

#[test]
fn refused_when_the_trusted_publisher_is_another_repository_or_workflow() {
    let other_repository = edited(|d| {
        d.pointer_mut(PUBLISHER).unwrap()["repository"] = json!("octo/pypi-attestations");
    });
    let err = verify(&other_repository).unwrap_err();
    assert!(
        matches!(&err, Error::PublisherMismatch { found, .. } if found.contains("octo")),
        "{err}"
    );
    let other_workflow = edited(|d| {
        d.pointer_mut(PUBLISHER).unwrap()["workflow"] = json!("other.yml");
    });
    let err = verify(&other_workflow).unwrap_err();
    assert!(
        matches!(&err, Error::PublisherMismatch { found, .. } if found.contains("other.yml")),
        "{err}"
    );
    let google = edited(|d| d.pointer_mut(PUBLISHER).unwrap()["kind"] = json!("Google"));
    assert_eq!(
        verify(&google).unwrap_err(),
        Error::UnsupportedPublisher("Google".into())
    );
}
