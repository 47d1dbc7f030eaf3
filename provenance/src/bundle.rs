//! One Sigstore bundle with a DSSE envelope, verified end to end by `sigstore-verify`: the
//! certificate chain to the trusted root's Fulcio CA at the signing time (and its SCT), the Rekor
//! entry's inclusion proof against a checkpoint signed by the trusted root's Rekor key, its signed
//! entry timestamp and its agreement with the bundle, the DSSE signature over the PAE with the
//! leaf key, and the statement's binding to the artifact digest. What it cannot know (which
//! subject name, which repository) the callers check on the result.

use serde_json::Value;
use sigstore_verify::crypto::CertificateInfo;
use sigstore_verify::types::{Artifact, Bundle, SignatureContent};
use sigstore_verify::{Error as SigstoreError, VerificationPolicy};

use crate::statement::Statement;
use crate::{Digest, Error, TrustRoot};

const IN_TOTO: &str = "application/vnd.in-toto+json";

/// A bundle whose signature, certificate chain and log entry verified, with its statement
/// naming the expected subject with the expected digest.
#[derive(Debug)]
pub(crate) struct VerifiedBundle {
    pub(crate) statement: Statement,
    pub(crate) certificate: CertificateInfo,
    pub(crate) rekor_log_index: u64,
    /// Unix seconds, from the Rekor entry's signed entry timestamp.
    pub(crate) integrated_time: i64,
}

/// Verifies `bundle` (the JSON of a Sigstore bundle) for the artifact `subject` with `digest`.
pub(crate) fn verify_bundle(
    root: &TrustRoot,
    bundle: &Value,
    subject: &str,
    digest: &Digest,
) -> Result<VerifiedBundle, Error> {
    precheck(bundle)?;
    let parsed = Bundle::from_json(&bundle.to_string())
        .map_err(|e| Error::MalformedBundle(e.to_string()))?;
    let SignatureContent::DsseEnvelope(envelope) = &parsed.content else {
        return Err(Error::MalformedBundle(
            "the bundle signs no DSSE envelope".into(),
        ));
    };
    if envelope.payload_type != IN_TOTO {
        return Err(Error::MalformedBundle(format!(
            "the DSSE payload type is {:?}, not an in-toto statement",
            envelope.payload_type
        )));
    }
    let artifact = Artifact::from_digest(digest.to_sigstore()?);
    // The identity is checked by the caller against the server's repository, on the claims
    // this returns; a fixed identity here could not express "any workflow of this repository".
    let result = root
        .verifier()
        .verify(artifact, &parsed, &VerificationPolicy::any_identity());
    let result = match result {
        Ok(result) => result,
        // Said as which subject has which digest, which the statement (now signature-checked,
        // since the binding is checked after the signature) can tell.
        Err(SigstoreError::ArtifactMismatch(detail)) => {
            let statement = Statement::parse(envelope.payload.as_bytes())?;
            statement.require_subject(subject, digest)?;
            return Err(Error::DigestMismatch {
                subject: subject.to_owned(),
                algorithm: digest.algorithm(),
                expected: digest.hex(),
                found: detail,
            });
        }
        Err(e) => return Err(refusal(e)),
    };
    let statement = Statement::parse(envelope.payload.as_bytes())?;
    statement.require_subject(subject, digest)?;
    let certificate = result
        .certificate()
        .cloned()
        .ok_or_else(|| Error::MalformedBundle("the bundle has no signing certificate".into()))?;
    let entry = parsed
        .verification_material
        .tlog_entries
        .first()
        .ok_or(Error::NoTransparencyLogProof)?;
    let integrated_time = result
        .integrated_time()
        .map(|time| time.as_second())
        .ok_or_else(|| {
            Error::SigningTimeUnverified("the Rekor entry has no integrated time".into())
        })?;
    Ok(VerifiedBundle {
        statement,
        certificate,
        rekor_log_index: entry.log_index.get(),
        integrated_time,
    })
}

/// Refusals the typed bundle cannot express, each with its own reason: `sigstore-types` rejects
/// a multi-signature envelope as a parse error, and a bundle without a proof would otherwise be
/// told apart from a bad proof only by message.
fn precheck(bundle: &Value) -> Result<(), Error> {
    let Some(bundle) = bundle.as_object() else {
        return Err(Error::MalformedBundle(
            "the bundle is not a JSON object".into(),
        ));
    };
    let signatures = bundle
        .get("dsseEnvelope")
        .and_then(|envelope| envelope.get("signatures"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::MalformedBundle("the bundle has no DSSE envelope with signatures".into())
        })?;
    if signatures.len() != 1 {
        return Err(Error::SignatureCount {
            found: signatures.len(),
        });
    }
    let entries = bundle
        .get("verificationMaterial")
        .and_then(|material| material.get("tlogEntries"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // Only an inclusion proof against a signed checkpoint shows the entry is in the log; a
    // signed entry timestamp alone is Rekor's promise to include it.
    if entries.is_empty()
        || entries
            .iter()
            .any(|entry| entry.get("inclusionProof").is_none())
    {
        return Err(Error::NoTransparencyLogProof);
    }
    Ok(())
}

/// Our reason for a refusal of `sigstore-verify`.
fn refusal(error: SigstoreError) -> Error {
    let detail = error.to_string();
    match error {
        SigstoreError::Certificate(_) => Error::CertificateNotTrusted(detail),
        SigstoreError::TransparencyLog(_) => Error::TransparencyLogInvalid(detail),
        SigstoreError::Timestamp(_) => Error::SigningTimeUnverified(detail),
        SigstoreError::SignatureInvalid(_) => Error::SignatureInvalid(detail),
        SigstoreError::InvalidTrustRoot(_)
        | SigstoreError::TrustRoot(_)
        | SigstoreError::TrustedCertificate(_) => Error::TrustRootInvalid(detail),
        // Malformed or unsupported bundles, and whatever later versions add.
        _ => Error::MalformedBundle(detail),
    }
}
