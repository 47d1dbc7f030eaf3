//! The source checks shared by npm and PyPI: the certificate's claims and, when the statement is
//! SLSA provenance, its predicate must both name the server's repository and the same commit.

use crate::Error;
use crate::bundle::VerifiedBundle;
use crate::identity::{CertificateSource, check_certificate};
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
