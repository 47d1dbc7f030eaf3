//! The Sigstore trusted root that every bundle must chain to: Fulcio CAs, Rekor keys, CT logs and
//! timestamp authorities. The public-good root ships in `data/trusted_root.json` (see
//! `data/README.md` for its origin and how to update it), so verification needs no network.

use sigstore_verify::Verifier;
use sigstore_verify::trust_root::TrustedRoot;

use crate::Error;

/// The Sigstore public-good instance's `trusted_root.json`, as shipped.
pub const PUBLIC_GOOD_TRUSTED_ROOT: &str = include_str!("../data/trusted_root.json");

/// A parsed trusted root with its keys and certificates prepared for verification.
pub struct TrustRoot {
    verifier: Verifier,
}

impl TrustRoot {
    /// The Sigstore public-good root shipped with this crate.
    pub fn public_good() -> Result<Self, Error> {
        Self::from_json(PUBLIC_GOOD_TRUSTED_ROOT)
    }

    /// A root in the `trusted_root.json` format (`application/vnd.dev.sigstore.trustedroot`),
    /// e.g. a newer one an operator configures, or a test root.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let root =
            TrustedRoot::from_json(json).map_err(|e| Error::TrustRootInvalid(e.to_string()))?;
        let verifier = Verifier::new(&root).map_err(|e| Error::TrustRootInvalid(e.to_string()))?;
        Ok(Self { verifier })
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

impl std::fmt::Debug for TrustRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustRoot").finish_non_exhaustive()
    }
}
