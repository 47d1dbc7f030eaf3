//! Every reason this crate refuses build provenance, one variant each, so callers (the registry's
//! verdict reasons, tests) match on the reason and people read what was wrong.
//!
//! All of them are final for the bytes given: this crate does no I/O, so nothing here is a
//! temporary failure. A caller that could not fetch the attestations has its own error for that.

/// Why build provenance was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The attestation document (npm's attestations endpoint, PyPI's Integrity API) is not JSON
    /// of the shape the package registry serves.
    #[error("the attestation document is malformed: {0}")]
    MalformedDocument(String),

    /// The document holds no attestation this crate verifies (npm: no SLSA provenance, only e.g.
    /// npm's own publish attestation).
    #[error("the package carries no build provenance (attestations found: {found})")]
    NoProvenance {
        /// The predicate types that were there, comma-separated, or `none`.
        found: String,
    },

    /// The Sigstore bundle is not a well-formed v0.2/v0.3 bundle with a DSSE envelope and a
    /// signing certificate.
    #[error("the Sigstore bundle is malformed: {0}")]
    MalformedBundle(String),

    /// A DSSE envelope in a Sigstore bundle has exactly one signature; more or fewer cannot be
    /// bound to the one certificate.
    #[error("the DSSE envelope must carry exactly one signature, it carries {found}")]
    SignatureCount {
        /// How many signatures the envelope has.
        found: usize,
    },

    /// The bundle has no Rekor entry with an inclusion proof: nothing shows the signature was
    /// published in the transparency log.
    #[error(
        "the bundle carries no transparency-log inclusion proof, so nothing shows the signature \
         was published in Rekor"
    )]
    NoTransparencyLogProof,

    /// The signing certificate does not chain to a Fulcio CA of the trusted root, was not valid
    /// at the signed time, or lacks code signing.
    #[error(
        "the signing certificate is not trusted: it must chain to the Sigstore trusted root's \
         Fulcio CA and be valid at the signing time ({0})"
    )]
    CertificateNotTrusted(String),

    /// The Rekor entry (inclusion proof, checkpoint, signed entry timestamp, or its agreement
    /// with the bundle) does not verify against the trusted root's Rekor keys.
    #[error(
        "the transparency-log entry does not verify against the trusted root's Rekor keys: {0}"
    )]
    TransparencyLogInvalid(String),

    /// No signing time could be established from the log or a timestamp authority.
    #[error("no trusted signing time could be established: {0}")]
    SigningTimeUnverified(String),

    /// The DSSE signature over the envelope's payload does not verify with the certificate's
    /// key: the statement was changed after signing, or the signature was.
    #[error(
        "the signature does not verify with the signing certificate's key (the statement or the \
         signature was changed): {0}"
    )]
    SignatureInvalid(String),

    /// The trusted root itself is unusable (malformed, or keys and certificates that cannot be
    /// parsed).
    #[error("the Sigstore trusted root cannot be used: {0}")]
    TrustRootInvalid(String),

    /// The DSSE payload is not an in-toto statement.
    #[error("the signed statement is malformed: {0}")]
    MalformedStatement(String),

    /// No subject of the statement names the package (or file) it was offered for.
    #[error("the attestation is for {found}, not for {expected}")]
    SubjectMismatch {
        /// The subject name that was looked for, e.g. `pkg:npm/sigstore@5.0.0`.
        expected: String,
        /// The subject names the statement has, comma-separated.
        found: String,
    },

    /// The subject's digest differs from the artifact's digest the package registry serves.
    #[error(
        "the attestation's {algorithm} digest for {subject} is {found}, but the package \
         registry serves an artifact with {expected}"
    )]
    DigestMismatch {
        /// The subject name.
        subject: String,
        /// `sha256` or `sha512`.
        algorithm: &'static str,
        /// The artifact's digest (hex).
        expected: String,
        /// The subject's digest (hex), or `none` when it has none of that algorithm.
        found: String,
    },

    /// The statement's predicate type is not one this crate reads.
    #[error("unsupported attestation predicate type {0:?}")]
    UnsupportedPredicate(String),

    /// The SLSA provenance predicate lacks what names the source (repository, commit).
    #[error("the SLSA provenance predicate is malformed: {0}")]
    MalformedPredicate(String),

    /// A Fulcio certificate extension this check needs is absent.
    #[error("the signing certificate has no {claim}, so it does not say which build signed")]
    MissingClaim {
        /// Which claim, e.g. `source repository URI (1.3.6.1.4.1.57264.1.12)`.
        claim: &'static str,
    },

    /// The certificate was issued for an identity provider whose identity does not name a
    /// source repository on a host this crate knows (GitHub Actions, GitLab CI).
    #[error(
        "the certificate was issued through {0:?}, not GitHub Actions or GitLab CI, so it names \
         no source repository"
    )]
    UnsupportedIssuer(String),

    /// A source repository named by the certificate, the predicate or the publisher is not the
    /// server's own repository.
    #[error("the {claim} is {found}, but the server's repository is {expected}")]
    RepositoryMismatch {
        /// Which statement named it.
        claim: &'static str,
        /// The server's repository, e.g. `github.com/sigstore/sigstore-js`.
        expected: String,
        /// What the claim says.
        found: String,
    },

    /// The predicate's commit differs from the one the certificate was issued for.
    #[error("the {claim} names commit {found}, but the signing certificate names {expected}")]
    CommitMismatch {
        /// Which statement named it.
        claim: &'static str,
        /// The certificate's source repository digest.
        expected: String,
        /// What the claim says.
        found: String,
    },

    /// The workflow that signed is not a workflow of the server's repository.
    #[error("the signing workflow {found} is not a workflow of {expected}")]
    WorkflowMismatch {
        /// The server's repository URL.
        expected: String,
        /// The certificate's build configuration URI.
        found: String,
    },

    /// PyPI's Trusted Publisher for the file is not the server's repository and workflow.
    #[error(
        "PyPI's Trusted Publisher is {found}, but the attestation was expected from {expected}"
    )]
    PublisherMismatch {
        /// What the certificate and the server's repository say.
        expected: String,
        /// What the publisher object says.
        found: String,
    },

    /// A Trusted Publisher kind that names no GitHub or GitLab repository.
    #[error(
        "unsupported PyPI Trusted Publisher kind {0:?} (only GitHub and GitLab name a repository)"
    )]
    UnsupportedPublisher(String),

    /// The server's repository URL is not a GitHub or GitLab repository.
    #[error("the server's repository URL {0:?} is not a github.com or gitlab.com repository")]
    InvalidRepositoryUrl(String),

    /// An `io.github.OWNER/*` server whose repository belongs to someone else.
    #[error(
        "server {name} is in the namespace of GitHub account {owner}, but its repository \
         {repository} is not one of {owner}'s"
    )]
    OwnerMismatch {
        /// The server name.
        name: String,
        /// The `OWNER` of the name.
        owner: String,
        /// The repository it claims.
        repository: String,
    },

    /// A digest given by the caller (npm `dist.integrity`, PyPI sha256) cannot be read.
    #[error("the artifact digest {0:?} is not a sha512 integrity or a sha256 hex digest")]
    InvalidDigest(String),
}
