//! npm: the document of `/-/npm/v1/attestations/{name}@{version}` (the URL a version document
//! names in `dist.attestations.url`), whose SLSA provenance bundle must prove that the tarball
//! with `dist.integrity` was built from the server's repository.

use serde::Deserialize;
use serde_json::Value;

use crate::bundle::verify_bundle;
use crate::check::{first, provenance_of};
use crate::statement::{SLSA_V0_2, SLSA_V1};
use crate::{Digest, Error, ExpectedSource, Provenance, TrustRoot};

/// The npm package version the attestations were fetched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpmPackage {
    /// The package name, e.g. `sigstore` or `@scope/name`.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// The version document's `dist.integrity`.
    pub integrity: Digest,
}

#[derive(Deserialize)]
struct Attestations {
    attestations: Vec<Attestation>,
}

#[derive(Deserialize)]
struct Attestation {
    #[serde(rename = "predicateType")]
    predicate_type: String,
    bundle: Value,
}

impl NpmPackage {
    /// The in-toto subject npm's provenance names: a package URL, with a scope's `@` encoded.
    pub fn subject(&self) -> String {
        let name = self
            .name
            .strip_prefix('@')
            .map_or_else(|| self.name.clone(), |n| format!("%40{n}"));
        format!("pkg:npm/{name}@{}", self.version)
    }
}

/// Verifies the attestations document `document` for `package`: every SLSA provenance bundle in
/// it must verify (npm's own publish attestation, signed by npm's key, is not build
/// provenance and is ignored), and the first one's source is returned.
pub fn verify_npm(
    root: &TrustRoot,
    document: &[u8],
    package: &NpmPackage,
    expected: &ExpectedSource,
) -> Result<Provenance, Error> {
    let document: Attestations =
        serde_json::from_slice(document).map_err(|e| Error::MalformedDocument(e.to_string()))?;
    let provenance: Vec<&Attestation> = document
        .attestations
        .iter()
        .filter(|a| [SLSA_V1, SLSA_V0_2].contains(&a.predicate_type.as_str()))
        .collect();
    if provenance.is_empty() {
        let found: Vec<&str> = document
            .attestations
            .iter()
            .map(|a| a.predicate_type.as_str())
            .collect();
        return Err(Error::NoProvenance {
            found: if found.is_empty() {
                "none".into()
            } else {
                found.join(", ")
            },
        });
    }
    let subject = package.subject();
    let all = provenance
        .iter()
        .map(|a| {
            let verified = verify_bundle(root, &a.bundle, &subject, &package.integrity)?;
            provenance_of(
                &subject,
                &package.integrity,
                &verified,
                expected,
                |_| Ok(()),
            )
        })
        .collect::<Result<Vec<_>, Error>>()?;
    first(all)
}
