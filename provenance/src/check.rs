//! The source checks shared by npm and PyPI: the certificate's claims and, when the statement is
//! SLSA provenance, its predicate must both name the server's repository and the same commit.

use crate::Error;
use crate::bundle::VerifiedBundle;
use crate::digest::Digest;
use crate::identity::{CertificateSource, check_certificate};
use crate::provenance::Provenance;
use crate::source::ExpectedSource;
use crate::statement::SlsaSource;

pub(crate) fn check_source(
    verified: &VerifiedBundle,
    expected: &ExpectedSource,
) -> Result<(CertificateSource, Option<SlsaSource>), Error> {
    let certificate = check_certificate(&verified.certificate, expected)?;
    let slsa = verified.statement.slsa_source()?;
    if let Some(slsa) = &slsa {
        expected.require("SLSA predicate's source repository", &slsa.repository)?;
        if let Some(workflow_repository) = &slsa.workflow_repository {
            expected.require("SLSA predicate's workflow repository", workflow_repository)?;
        }
        if slsa.commit != certificate.commit {
            return Err(Error::CommitMismatch {
                claim: "SLSA predicate's source",
                expected: certificate.commit,
                found: slsa.commit.clone(),
            });
        }
    }
    Ok((certificate, slsa))
}

/// The provenance a verified bundle gives `subject`, once its source holds and `publisher`
/// (PyPI's Trusted Publisher check; nothing for npm) accepts the certificate's claims.
pub(crate) fn provenance_of(
    subject: &str,
    digest: &Digest,
    verified: &VerifiedBundle,
    expected: &ExpectedSource,
    publisher: impl FnOnce(&CertificateSource) -> Result<(), Error>,
) -> Result<Provenance, Error> {
    let (certificate, slsa) = check_source(verified, expected)?;
    publisher(&certificate)?;
    Ok(Provenance::new(
        subject,
        digest,
        expected,
        verified,
        certificate,
        slsa,
    ))
}

/// The first of the provenances that every attestation gave (each had to verify).
pub(crate) fn first(all: Vec<Provenance>) -> Result<Provenance, Error> {
    all.into_iter().next().ok_or(Error::NoProvenance {
        found: "none".into(),
    })
}
