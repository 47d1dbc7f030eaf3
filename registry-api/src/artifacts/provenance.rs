//! Build provenance of a release's npm and PyPI packages (issue 15): the attestations are
//! fetched from the operator's configured registries through the artifact checks' safe
//! [`Fetcher`], and verified by the `provenance` crate against the shipped Sigstore trusted root
//! and the server's own repository.
//!
//! Only the configured `--npm-registry-url` and `--pypi-url` are asked, never a URL a document
//! names (npm's `dist.attestations.url`): where the registry looks is its operator's setting.
//! [`check`] answers one package; `provenance_store` keeps the release's outcome and logs it.

use protocol::trust::{AttestedPackage, ProvenanceFacts, Reason, ReasonCode};
use provenance::{Digest, ExpectedSource, NpmPackage, Provenance, PypiFile, TrustRoot};
use serde_json::Value;

use super::plan::{PackagePlan, Target};
use crate::outbound::{FetchError, Fetcher};

/// Verified provenance of one artifact, with the attestation document it was verified from (the
/// log leaf carries it, so a monitor re-verifies it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub provenance: Provenance,
    /// The document as the package registry served it (npm's attestations of the version, or
    /// PyPI's provenance object of the file).
    pub document: Vec<u8>,
}

/// What the provenance check of one package found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Built by CI from the server's repository (for PyPI: every file of the release).
    Attested(Vec<Evidence>),
    /// The package carries no build provenance (npm lists no attestations, PyPI has none for a
    /// file), or it is not an npm or PyPI package: the message says which.
    Absent(String),
    /// Provenance was there and refused: the reason, for good.
    Refused(String),
    /// The registry could not be asked now; retried later, and never evidence against a
    /// package.
    Temporary(String),
}

/// Checks the provenance of `plan`'s package for the server `server_name`, whose server.json
/// names `repository_url`.
pub async fn check(
    fetcher: &Fetcher,
    root: &TrustRoot,
    endpoints: &super::plan::Endpoints,
    plan: &PackagePlan,
    server_name: &str,
    repository_url: Option<&str>,
) -> Outcome {
    let Some(repository_url) = repository_url else {
        return Outcome::Absent(format!(
            "{}: the server.json names no repository, so no provenance can be its own",
            plan.package
        ));
    };
    let expected = match ExpectedSource::new(server_name, repository_url) {
        Ok(expected) => expected,
        Err(e) => return Outcome::Refused(format!("{}: {e}", plan.package)),
    };
    let lookup = Lookup {
        fetcher,
        root,
        version_doc: plan.first_url(),
        expected: &expected,
    };
    match &plan.target {
        Target::Npm { name, version } => lookup.npm(&endpoints.npm, name, version).await,
        Target::Pypi { name, version } => lookup.pypi(&endpoints.pypi, name, version).await,
        _ => Outcome::Absent(format!(
            "{}: only npm and PyPI packages carry build provenance",
            plan.package
        )),
    }
    .labelled(&plan.package)
}

/// Where one package's provenance is looked up, and what it must show.
struct Lookup<'a> {
    fetcher: &'a Fetcher,
    root: &'a TrustRoot,
    /// The package's version document (npm) or JSON document (PyPI).
    version_doc: &'a str,
    expected: &'a ExpectedSource,
}

impl Lookup<'_> {
    /// The version document, or the outcome of not getting it.
    async fn version_document(&self) -> Result<Value, Outcome> {
        self.fetcher
            .get_json(self.version_doc)
            .await
            .map_err(|e| fetch_failed(&e))
    }

    /// An npm package: its attestations at the registry's attestations endpoint, checked
    /// against the `dist.integrity` of its version document.
    async fn npm(&self, base: &str, name: &str, version: &str) -> Outcome {
        let doc = match self.version_document().await {
            Ok(doc) => doc,
            Err(outcome) => return outcome,
        };
        let Some(integrity) = doc.pointer("/dist/integrity").and_then(Value::as_str) else {
            return Outcome::Refused("the npm version document has no dist.integrity".into());
        };
        if doc.pointer("/dist/attestations").is_none() {
            return Outcome::Absent("npm lists no attestations for this version".into());
        }
        let integrity = match Digest::from_npm_integrity(integrity) {
            Ok(digest) => digest,
            Err(e) => return Outcome::Refused(e.to_string()),
        };
        // npm's own spelling: the scope's slash encoded, as in its version document URLs.
        let url = format!(
            "{}/-/npm/v1/attestations/{}@{version}",
            base.trim_end_matches('/'),
            name.replace('/', "%2f")
        );
        let document = match self.fetcher.get(&url, &[]).await.and_then(|r| r.ok()) {
            Ok(response) => response.body,
            Err(e) => return fetch_failed(&e),
        };
        let package = NpmPackage {
            name: name.to_owned(),
            version: version.to_owned(),
            integrity,
        };
        match provenance::verify_npm(self.root, &document, &package, self.expected) {
            Ok(provenance) => Outcome::Attested(vec![Evidence {
                provenance,
                document,
            }]),
            Err(e) => Outcome::Refused(e.to_string()),
        }
    }

    /// A PyPI release: every file it lists must have PEP 740 provenance (Integrity API),
    /// checked against the file's sha256.
    async fn pypi(&self, base: &str, project: &str, version: &str) -> Outcome {
        let doc = match self.version_document().await {
            Ok(doc) => doc,
            Err(outcome) => return outcome,
        };
        let files = super::pypi::release_files(&doc);
        if files.is_empty() {
            return Outcome::Absent("PyPI lists no files for this version".into());
        }
        // Whichever file an installer picks must be attested, so every one is checked.
        let mut attested = Vec::new();
        for (filename, sha256) in files {
            let sha256 = match Digest::from_sha256_hex(sha256) {
                Ok(digest) => digest,
                Err(e) => return Outcome::Refused(format!("{filename}: {e}")),
            };
            let url = format!(
                "{}/integrity/{project}/{version}/{filename}/provenance",
                base.trim_end_matches('/')
            );
            let document = match self.fetcher.get(&url, &[]).await.and_then(|r| r.ok()) {
                Ok(response) => response.body,
                Err(FetchError::NotFound { .. }) => {
                    return Outcome::Absent(format!(
                        "{filename} has no PEP 740 provenance on PyPI"
                    ));
                }
                Err(e) => return fetch_failed(&e),
            };
            let file = PypiFile {
                filename: filename.to_owned(),
                sha256,
            };
            match provenance::verify_pypi(self.root, &document, &file, self.expected) {
                Ok(provenance) => attested.push(Evidence {
                    provenance,
                    document,
                }),
                Err(e) => return Outcome::Refused(format!("{filename}: {e}")),
            }
        }
        Outcome::Attested(attested)
    }
}

fn fetch_failed(e: &FetchError) -> Outcome {
    match e {
        FetchError::NotFound { .. } => Outcome::Absent(e.to_string()),
        e if e.is_temporary() => Outcome::Temporary(e.to_string()),
        e => Outcome::Refused(e.to_string()),
    }
}

impl Outcome {
    /// Names the package in every message, as the artifact checks' reasons do.
    fn labelled(self, package: &str) -> Self {
        let label = |m: String| {
            if m.starts_with(package) {
                m
            } else {
                format!("{package}: {m}")
            }
        };
        match self {
            Self::Attested(p) => Self::Attested(p),
            Self::Absent(m) => Self::Absent(label(m)),
            Self::Refused(m) => Self::Refused(label(m)),
            Self::Temporary(m) => Self::Temporary(label(m)),
        }
    }
}

/// An attested artifact as verdicts and the log name it: the plan's package reference for npm
/// (`npm:sigstore@5.0.0`), the file for PyPI (`pypi:FILENAME`; it is attested file by file, and
/// `provenance::LoggedPackage` reads both back).
pub fn attested_package(package: &str, p: &Provenance) -> AttestedPackage {
    AttestedPackage {
        package: match package.split_once(':') {
            Some(("pypi", _)) => format!("pypi:{}", p.package),
            _ => package.to_owned(),
        },
        repository: p.repository.clone(),
        commit: p.commit.clone(),
        workflow: p.workflow.clone(),
        builder: p.builder.clone(),
        rekor_log_index: p.rekor_log_index,
        digest: p.digest.to_string(),
        identity: p.certificate_identity.clone(),
    }
}

/// The trust facts of a release from the outcome of each of its packages (`package`, the plan's
/// reference such as `npm:sigstore@5.0.0`): attested artifacts, and one `provenance_missing`
/// reason for every package that is not. A temporary failure is missing for now; the caller
/// keeps an earlier verdict rather than store it (temporary failures never downgrade).
pub fn facts(outcomes: &[(String, Outcome)]) -> ProvenanceFacts {
    let mut facts = ProvenanceFacts::default();
    for (package, outcome) in outcomes {
        match outcome {
            Outcome::Attested(found) => facts.attested.extend(
                found
                    .iter()
                    .map(|e| attested_package(package, &e.provenance)),
            ),
            Outcome::Absent(why) | Outcome::Refused(why) | Outcome::Temporary(why) => {
                facts.missing.push(Reason {
                    code: ReasonCode::ProvenanceMissing,
                    message: why.clone(),
                });
            }
        }
    }
    facts
}
