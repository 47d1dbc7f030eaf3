//! What verified provenance proves, in the terms the registry shows and logs.

use crate::Digest;
use crate::bundle::VerifiedBundle;
use crate::identity::CertificateSource;
use crate::source::ExpectedSource;
use crate::statement::SlsaSource;

/// A package (or file) provably built by CI from the server's repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The attestation subject that was matched: `pkg:npm/NAME@VERSION`, or a PyPI file name.
    pub package: String,
    /// The artifact's digest, equal to the subject's.
    pub digest: Digest,
    /// The server's repository, `github.com/OWNER/NAME`.
    pub repository: String,
    /// The commit it was built from (certificate and predicate agree), lower-case hex.
    pub commit: String,
    /// The workflow that ran, in the repository, with its ref:
    /// `.github/workflows/release.yml@refs/heads/main`.
    pub workflow: String,
    /// Who ran the build: the SLSA builder id (`https://github.com/actions/runner/github-hosted`),
    /// or without an SLSA predicate (PyPI publish attestations) the certificate's runner
    /// environment (`github-hosted`).
    pub builder: String,
    /// The signing certificate's identity (SAN): the workflow that requested it.
    pub certificate_identity: String,
    /// The certificate's OIDC issuer.
    pub issuer: String,
    /// The Rekor entry's log index.
    pub rekor_log_index: u64,
    /// When Rekor integrated the entry (unix seconds).
    pub integrated_time: i64,
}

impl Provenance {
    pub(crate) fn new(
        subject: &str,
        digest: &Digest,
        expected: &ExpectedSource,
        verified: &VerifiedBundle,
        certificate: CertificateSource,
        slsa: Option<SlsaSource>,
    ) -> Self {
        let builder = match slsa {
            Some(slsa) => slsa.builder,
            None => certificate.runner_environment,
        };
        Self {
            package: subject.to_owned(),
            digest: digest.clone(),
            repository: expected.repository().to_string(),
            commit: certificate.commit,
            workflow: certificate.workflow,
            builder,
            certificate_identity: certificate.identity,
            issuer: certificate.issuer,
            rekor_log_index: verified.rekor_log_index,
            integrated_time: verified.integrated_time,
        }
    }
}
