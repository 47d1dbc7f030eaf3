//! PyPI: the provenance object (PEP 740) of `/integrity/{project}/{version}/{filename}/provenance`,
//! whose attestations must prove that the file with its sha256 was published by a Trusted
//! Publisher that is the server's repository.
//!
//! A PEP 740 attestation is a Sigstore bundle in other clothes; it is rewritten into a v0.3
//! bundle and verified by the same code as npm's, as `pypi-attestations` does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::bundle::verify_bundle;
use crate::check::{first, provenance_of};
use crate::identity::CertificateSource;
use crate::source::{Forge, Repository};
use crate::{Digest, Error, ExpectedSource, Provenance, TrustRoot};

/// The PyPI file the provenance was fetched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PypiFile {
    /// The distribution's file name, which PEP 740 statements name as their subject.
    pub filename: String,
    /// The file's sha256 (PyPI's `digests.sha256`).
    pub sha256: Digest,
}

#[derive(Deserialize)]
struct ProvenanceObject {
    version: u32,
    attestation_bundles: Vec<AttestationBundle>,
}

#[derive(Deserialize)]
struct AttestationBundle {
    publisher: Publisher,
    attestations: Vec<Attestation>,
}

#[derive(Deserialize)]
struct Publisher {
    kind: String,
    #[serde(default)]
    repository: Option<String>,
    /// GitHub: the workflow's file name.
    #[serde(default)]
    workflow: Option<String>,
    /// GitLab: the CI file's path.
    #[serde(default)]
    workflow_filepath: Option<String>,
}

#[derive(Deserialize)]
struct Attestation {
    version: u32,
    verification_material: VerificationMaterial,
    envelope: Envelope,
}

#[derive(Deserialize)]
struct VerificationMaterial {
    certificate: String,
    transparency_entries: Vec<Value>,
}

#[derive(Deserialize)]
struct Envelope {
    statement: String,
    signature: String,
}

/// Verifies the provenance object `document` for `file`: every attestation in every bundle
/// must verify and match its publisher; the first one's source is returned.
pub fn verify_pypi(
    root: &TrustRoot,
    document: &[u8],
    file: &PypiFile,
    expected: &ExpectedSource,
) -> Result<Provenance, Error> {
    let document: ProvenanceObject =
        serde_json::from_slice(document).map_err(|e| Error::MalformedDocument(e.to_string()))?;
    if document.version != 1 {
        return Err(Error::MalformedDocument(format!(
            "provenance object version {} is not 1",
            document.version
        )));
    }
    let mut all = Vec::new();
    for bundle in &document.attestation_bundles {
        for attestation in &bundle.attestations {
            let sigstore_bundle = to_sigstore_bundle(attestation)?;
            let verified = verify_bundle(root, &sigstore_bundle, &file.filename, &file.sha256)?;
            let publisher = |c: &CertificateSource| check_publisher(&bundle.publisher, c, expected);
            all.push(provenance_of(
                &file.filename,
                &file.sha256,
                &verified,
                expected,
                publisher,
            )?);
        }
    }
    first(all)
}

/// The Sigstore bundle a PEP 740 attestation stands for.
fn to_sigstore_bundle(attestation: &Attestation) -> Result<Value, Error> {
    if attestation.version != 1 {
        return Err(Error::MalformedDocument(format!(
            "attestation version {} is not 1",
            attestation.version
        )));
    }
    // Checked here so that a bad field is a malformed document, not a bundle parse error.
    for (field, value) in [
        (
            "certificate",
            &attestation.verification_material.certificate,
        ),
        ("statement", &attestation.envelope.statement),
        ("signature", &attestation.envelope.signature),
    ] {
        STANDARD.decode(value).map_err(|_| {
            Error::MalformedDocument(format!("the attestation's {field} is not base64"))
        })?;
    }
    Ok(json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": { "rawBytes": attestation.verification_material.certificate },
            "tlogEntries": attestation.verification_material.transparency_entries,
        },
        "dsseEnvelope": {
            "payload": attestation.envelope.statement,
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{ "sig": attestation.envelope.signature }],
        },
    }))
}

/// The Trusted Publisher PyPI recorded must be the repository and workflow the certificate
/// names: PyPI checked the publisher when the file was uploaded, the certificate proves the run.
fn check_publisher(
    publisher: &Publisher,
    certificate: &CertificateSource,
    expected: &ExpectedSource,
) -> Result<(), Error> {
    let forge = match publisher.kind.as_str() {
        "GitHub" => Forge::GitHub,
        "GitLab" => Forge::GitLab,
        other => return Err(Error::UnsupportedPublisher(other.to_owned())),
    };
    let repository = publisher.repository.as_deref().unwrap_or_default();
    let found = format!("{} {repository}", publisher.kind);
    let mismatch = |found: String| Error::PublisherMismatch {
        expected: format!("{} {}", publisher.kind, expected.repository().path()),
        found,
    };
    let same_repository = Repository::parse(&format!("{}/{repository}", forge.host()))
        .is_ok_and(|r| &r == expected.repository());
    if forge != certificate.forge || !same_repository {
        return Err(mismatch(found));
    }
    // GitHub records the workflow's file name, GitLab its path; the certificate's workflow is
    // `PATH@REF`.
    let workflow_path = certificate.workflow.split('@').next().unwrap_or_default();
    let same_workflow = match forge {
        Forge::GitHub => publisher
            .workflow
            .as_deref()
            .is_some_and(|w| workflow_path == format!(".github/workflows/{w}")),
        Forge::GitLab => publisher
            .workflow_filepath
            .as_deref()
            .is_some_and(|w| workflow_path == w),
    };
    if !same_workflow {
        let workflow = publisher
            .workflow
            .as_deref()
            .or(publisher.workflow_filepath.as_deref());
        return Err(mismatch(format!(
            "{found} workflow {}",
            workflow.unwrap_or("none")
        )));
    }
    Ok(())
}
