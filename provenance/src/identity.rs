//! The signing certificate's Fulcio claims (OIDs under 1.3.6.1.4.1.57264.1) held against the
//! server's repository. Fulcio copies them from the CI provider's identity token, so once the
//! certificate chains to the trusted root they say which repository, commit and workflow ran.

use sigstore_verify::crypto::CertificateInfo;

use crate::Error;
use crate::source::{ExpectedSource, Forge};

/// What a verified certificate says about the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificateSource {
    pub(crate) forge: Forge,
    /// `.1.13`, lower-case hex.
    pub(crate) commit: String,
    /// The workflow file in the repository with its ref, e.g.
    /// `.github/workflows/release.yml@refs/heads/main` (from `.1.18`, else `.1.9`).
    pub(crate) workflow: String,
    /// `.1.11`, e.g. `github-hosted`; empty when absent (older certificates).
    pub(crate) runner_environment: String,
    /// The SAN: the workflow that requested the certificate.
    pub(crate) identity: String,
    /// The OIDC issuer.
    pub(crate) issuer: String,
}

const SOURCE_REPOSITORY: &str = "source repository URI (1.3.6.1.4.1.57264.1.12)";
const SOURCE_DIGEST: &str = "source repository digest (1.3.6.1.4.1.57264.1.13)";
const BUILD_CONFIG: &str = "build config URI (1.3.6.1.4.1.57264.1.18)";

/// Refuses a certificate that was not issued to a CI run of the server's own repository.
pub(crate) fn check_certificate(
    info: &CertificateInfo,
    expected: &ExpectedSource,
) -> Result<CertificateSource, Error> {
    let claims = &info.ci_claims;
    let issuer = info.issuer.clone().unwrap_or_default();
    let forge =
        Forge::from_issuer(&issuer).ok_or_else(|| Error::UnsupportedIssuer(issuer.clone()))?;
    let repository = claims
        .source_repository_uri
        .as_deref()
        .ok_or(Error::MissingClaim {
            claim: SOURCE_REPOSITORY,
        })?;
    expected.require("certificate's source repository", repository)?;
    // A GitHub token can only be issued for a repository on GitHub; Fulcio records both, and the
    // two must agree, or a GitLab certificate could claim a GitHub repository.
    if forge != expected.repository().forge() {
        return Err(Error::RepositoryMismatch {
            claim: "certificate's OIDC issuer",
            expected: expected.repository().to_string(),
            found: issuer,
        });
    }
    let commit = claims
        .source_repository_digest
        .as_deref()
        .filter(|d| matches!(d.len(), 40 | 64) && d.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or(Error::MissingClaim {
            claim: SOURCE_DIGEST,
        })?
        .to_ascii_lowercase();
    let config = claims
        .build_config_uri
        .as_deref()
        .or(claims.build_signer_uri.as_deref())
        .ok_or(Error::MissingClaim {
            claim: BUILD_CONFIG,
        })?;
    let workflow = workflow_in(config, expected)?;
    Ok(CertificateSource {
        forge,
        commit,
        workflow,
        runner_environment: claims.runner_environment.clone().unwrap_or_default(),
        identity: info
            .identity
            .as_ref()
            .map(|san| san.as_str().to_owned())
            .unwrap_or_default(),
        issuer,
    })
}

/// The workflow path (with `@ref`) of `config`, a build config URI such as
/// `https://github.com/o/r/.github/workflows/release.yml@refs/heads/main`, which must be in the
/// server's repository: the top-level workflow is what the repository's maintainers control.
fn workflow_in(config: &str, expected: &ExpectedSource) -> Result<String, Error> {
    let repository = expected.repository();
    let prefix = format!("{}/", repository.url());
    let mismatch = || Error::WorkflowMismatch {
        expected: repository.url(),
        found: config.to_owned(),
    };
    // Paths compare case-insensitively (source.rs keeps them lower case); the rest is kept.
    let head = config.get(..prefix.len()).ok_or_else(mismatch)?;
    if !head.eq_ignore_ascii_case(&prefix) {
        return Err(mismatch());
    }
    let rest = config.get(prefix.len()..).unwrap_or_default();
    // GitLab writes `project//.gitlab-ci.yml`.
    let rest = rest.trim_start_matches('/');
    if rest.is_empty() {
        return Err(mismatch());
    }
    Ok(rest.to_owned())
}
