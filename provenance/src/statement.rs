//! The signed in-toto statement: its subjects (which artifact, which digest) and, for SLSA
//! provenance, the source the predicate says the build came from. Parsed only after the DSSE
//! signature over it verified.

use serde::Deserialize;
use std::collections::BTreeMap;

use crate::{Digest, Error};

/// SLSA provenance v1, npm's since 2023 and GitHub's `attest-build-provenance`.
pub(crate) const SLSA_V1: &str = "https://slsa.dev/provenance/v1";
/// SLSA provenance v0.2, npm's first provenance format.
pub(crate) const SLSA_V0_2: &str = "https://slsa.dev/provenance/v0.2";
/// PyPI's publish attestation (PEP 740): no predicate, the certificate says everything.
pub(crate) const PYPI_PUBLISH_V1: &str = "https://docs.pypi.org/attestations/publish/v1";

const STATEMENT_TYPES: [&str; 2] = [
    "https://in-toto.io/Statement/v1",
    "https://in-toto.io/Statement/v0.1",
];

#[derive(Debug, Deserialize)]
pub(crate) struct Statement {
    #[serde(rename = "_type")]
    statement_type: String,
    subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub(crate) predicate_type: String,
    #[serde(default)]
    predicate: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Subject {
    #[serde(default)]
    name: String,
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

/// Where the SLSA predicate says the artifact was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlsaSource {
    /// The source repository, as the predicate spells it (`git+https://github.com/o/r@ref`).
    pub(crate) repository: String,
    /// The commit.
    pub(crate) commit: String,
    /// GitHub's build type also names the workflow's repository.
    pub(crate) workflow_repository: Option<String>,
    /// `runDetails.builder.id` (v1) or `builder.id` (v0.2).
    pub(crate) builder: String,
}

impl Statement {
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, Error> {
        let statement: Self = serde_json::from_slice(payload)
            .map_err(|e| Error::MalformedStatement(e.to_string()))?;
        if !STATEMENT_TYPES.contains(&statement.statement_type.as_str()) {
            return Err(Error::MalformedStatement(format!(
                "statement type {:?} is not an in-toto statement",
                statement.statement_type
            )));
        }
        Ok(statement)
    }

    /// Refuses unless a subject is named `name` and carries exactly `digest`.
    pub(crate) fn require_subject(&self, name: &str, digest: &Digest) -> Result<(), Error> {
        let Some(subject) = self.subject.iter().find(|s| same_subject(&s.name, name)) else {
            let found = self
                .subject
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>();
            return Err(Error::SubjectMismatch {
                expected: name.to_owned(),
                found: if found.is_empty() {
                    "no subject".into()
                } else {
                    found.join(", ")
                },
            });
        };
        let found = subject.digest.get(digest.algorithm());
        if found.map(|hex| hex.to_ascii_lowercase()) != Some(digest.hex()) {
            return Err(Error::DigestMismatch {
                subject: name.to_owned(),
                algorithm: digest.algorithm(),
                expected: digest.hex(),
                found: found.cloned().unwrap_or_else(|| "none".into()),
            });
        }
        Ok(())
    }

    /// The source of an SLSA provenance predicate; `None` for a predicate type that has none
    /// (PyPI's publish attestation), an error for one this crate does not read.
    pub(crate) fn slsa_source(&self) -> Result<Option<SlsaSource>, Error> {
        let predicate = || self.predicate.clone().unwrap_or_default();
        let malformed = |e: serde_json::Error| Error::MalformedPredicate(e.to_string());
        match self.predicate_type.as_str() {
            SLSA_V1 => serde_json::from_value::<SlsaV1>(predicate())
                .map_err(malformed)?
                .source()
                .map(Some),
            SLSA_V0_2 => serde_json::from_value::<SlsaV02>(predicate())
                .map_err(malformed)?
                .source()
                .map(Some),
            PYPI_PUBLISH_V1 => Ok(None),
            other => Err(Error::UnsupportedPredicate(other.to_owned())),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlsaV1 {
    build_definition: BuildDefinition,
    run_details: RunDetails,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BuildDefinition {
    #[serde(default)]
    external_parameters: ExternalParameters,
    #[serde(default)]
    resolved_dependencies: Vec<ResourceDescriptor>,
}

#[derive(Deserialize, Default)]
struct ExternalParameters {
    #[serde(default)]
    workflow: Option<Workflow>,
}

#[derive(Deserialize)]
struct Workflow {
    #[serde(default)]
    repository: Option<String>,
}

#[derive(Deserialize)]
struct ResourceDescriptor {
    #[serde(default)]
    uri: String,
    #[serde(default)]
    digest: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RunDetails {
    builder: Builder,
}

#[derive(Deserialize)]
struct Builder {
    id: String,
}

impl SlsaV1 {
    fn source(self) -> Result<SlsaSource, Error> {
        // The source checkout is the git dependency; GitHub's and GitLab's build types list it
        // first, with its commit under `gitCommit`.
        let dependency = self
            .build_definition
            .resolved_dependencies
            .into_iter()
            .find(|d| d.uri.starts_with("git+"))
            .ok_or_else(|| {
                Error::MalformedPredicate("no git source among resolvedDependencies".into())
            })?;
        let commit = git_commit(&dependency.digest)?;
        Ok(SlsaSource {
            repository: dependency.uri,
            commit,
            workflow_repository: self
                .build_definition
                .external_parameters
                .workflow
                .and_then(|w| w.repository),
            builder: self.run_details.builder.id,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlsaV02 {
    builder: Builder,
    invocation: Invocation,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    config_source: ResourceDescriptor,
}

impl SlsaV02 {
    fn source(self) -> Result<SlsaSource, Error> {
        let commit = git_commit(&self.invocation.config_source.digest)?;
        Ok(SlsaSource {
            repository: self.invocation.config_source.uri,
            commit,
            workflow_repository: None,
            builder: self.builder.id,
        })
    }
}

/// Subject names are equal, reading an npm scope's `@` the same whether percent-encoded (as the
/// package-URL spec writes it, `pkg:npm/%40scope/name`) or not.
fn same_subject(a: &str, b: &str) -> bool {
    let decode = |n: &str| n.replacen("pkg:npm/%40", "pkg:npm/@", 1);
    a == b || decode(a) == decode(b)
}

fn git_commit(digest: &BTreeMap<String, String>) -> Result<String, Error> {
    let commit = digest
        .get("gitCommit")
        .or_else(|| digest.get("sha1"))
        .ok_or_else(|| Error::MalformedPredicate("the git source has no commit digest".into()))?;
    let is_commit =
        matches!(commit.len(), 40 | 64) && commit.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_commit {
        return Err(Error::MalformedPredicate(format!(
            "{commit:?} is not a git commit id"
        )));
    }
    Ok(commit.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_npm_subjects_match_encoded_or_not() {
        assert!(same_subject(
            "pkg:npm/%40sigstore/cli@1.0.0",
            "pkg:npm/@sigstore/cli@1.0.0"
        ));
        assert!(same_subject(
            "pkg:npm/sigstore@5.0.0",
            "pkg:npm/sigstore@5.0.0"
        ));
        assert!(!same_subject(
            "pkg:npm/%40sigstore/cli@1.0.0",
            "pkg:npm/sigstore/cli@1.0.0"
        ));
        assert!(!same_subject(
            "pkg:npm/sigstore@5.0.0",
            "pkg:npm/sigstore@5.0.1"
        ));
    }
}
