//! The artifact digest the package registry serves, parsed once: npm's `dist.integrity` (SRI,
//! sha512) or a PyPI file's sha256. Attestation subjects are compared against it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sigstore_verify::types::{ArtifactDigest, DigestBytes, HashAlgorithm};

use crate::Error;

/// A digest of the artifact a package registry serves.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Digest {
    /// A PyPI file's sha256.
    Sha256([u8; 32]),
    /// An npm tarball's sha512 (`dist.integrity`).
    Sha512([u8; 64]),
}

impl Digest {
    /// Reads npm's `dist.integrity`: a Subresource Integrity string, of which the `sha512-`
    /// entry is used (npm also lists `sha1-` for old packages; that one proves nothing).
    pub fn from_npm_integrity(integrity: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidDigest(integrity.to_owned());
        let base64 = integrity
            .split_ascii_whitespace()
            .find_map(|entry| entry.strip_prefix("sha512-"))
            .ok_or_else(invalid)?;
        // SRI allows `?options` after the hash.
        let base64 = base64.split('?').next().unwrap_or(base64);
        let bytes = STANDARD.decode(base64).map_err(|_| invalid())?;
        Ok(Self::Sha512(bytes.try_into().map_err(|_| invalid())?))
    }

    /// Reads a sha256 digest in hex (PyPI's `digests.sha256`).
    pub fn from_sha256_hex(hex_digest: &str) -> Result<Self, Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_digest, &mut bytes)
            .map_err(|_| Error::InvalidDigest(hex_digest.to_owned()))?;
        Ok(Self::Sha256(bytes))
    }

    /// The in-toto digest-set key: `sha256` or `sha512`.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Sha256(_) => "sha256",
            Self::Sha512(_) => "sha512",
        }
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Sha256(bytes) => bytes,
            Self::Sha512(bytes) => bytes,
        }
    }

    /// Lower-case hex, as in-toto digest sets write it.
    pub fn hex(&self) -> String {
        hex::encode(self.as_bytes())
    }

    pub(crate) fn to_sigstore(&self) -> Result<ArtifactDigest, Error> {
        let algorithm = match self {
            Self::Sha256(_) => HashAlgorithm::Sha2256,
            Self::Sha512(_) => HashAlgorithm::Sha2512,
        };
        ArtifactDigest::new(algorithm, DigestBytes::new(self.as_bytes().to_vec()))
            .map_err(|e| Error::InvalidDigest(e.to_string()))
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm(), self.hex())
    }
}

/// Reads what [`Display`](std::fmt::Display) writes: `sha256:HEX` or `sha512:HEX` (the
/// transparency log's `digest` field).
impl std::str::FromStr for Digest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidDigest(s.to_owned());
        let (algorithm, hex_digest) = s.split_once(':').ok_or_else(invalid)?;
        match algorithm {
            "sha256" => Self::from_sha256_hex(hex_digest),
            "sha512" => {
                let mut bytes = [0u8; 64];
                hex::decode_to_slice(hex_digest, &mut bytes).map_err(|_| invalid())?;
                Ok(Self::Sha512(bytes))
            }
            _ => Err(invalid()),
        }
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_integrity_of_sigstore_5_0_0() {
        let digest = Digest::from_npm_integrity(
            "sha512-hJqJfoG/e4qFQaauQL00c6J6FrHLBGKtkFvW3JbTSIEFOhLrSjdSM/gWd/yUOfYo/gsERehTXGC1VZWX+9X4Dg==",
        )
        .unwrap();
        assert_eq!(
            digest.to_string(),
            "sha512:849a897e81bf7b8a8541a6ae40bd3473a27a16b1cb0462ad905bd6dc96d34881053a12eb4a375233f81677fc9439f628fe0b0445e8535c60b5559597fbd5f80e"
        );
    }

    #[test]
    fn the_logged_form_round_trips() {
        for digest in [Digest::Sha256([7; 32]), Digest::Sha512([9; 64])] {
            assert_eq!(digest.to_string().parse::<Digest>().unwrap(), digest);
        }
        for bad in ["sha1:00", "sha512:00", "sha256", "md5:00", ""] {
            assert!(bad.parse::<Digest>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sha1_only_integrity_and_bad_hex_are_refused() {
        for bad in [
            "sha1-wu0rdAtFuL9TPP3EpNxqqpHwlWw=",
            "sha512-short",
            "",
            "sha512-",
        ] {
            assert!(
                matches!(
                    Digest::from_npm_integrity(bad),
                    Err(Error::InvalidDigest(_))
                ),
                "{bad}"
            );
        }
        for bad in ["zz", "9bb1", &"0".repeat(65)] {
            assert!(
                matches!(Digest::from_sha256_hex(bad), Err(Error::InvalidDigest(_))),
                "{bad}"
            );
        }
    }
}
