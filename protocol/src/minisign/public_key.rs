//! Public keys (`minisign.pub`) and signature verification.
//!
//! The cryptographic check itself is done by the `minisign-verify` crate; this module checks the
//! key id and the algorithm first, and classifies failures, so errors say what went wrong.

use std::fmt;
use std::str::FromStr;

use blake2::{Blake2b512, Digest as _};
use ed25519_dalek::Verifier as _;

use super::signature::{Signature, SignatureAlgorithm};
use super::{KeyId, decode_base64, encode_base64, show_alg, split_lines, untrusted_comment};
use crate::error::{Error, Result};
use crate::formats::minisign as layout;

const WHAT: &str = "public key";

/// A minisign public key: an Ed25519 key and the id that signatures name it by.
///
/// Parse a `minisign.pub` file or a bare base64 key with [`PublicKey::from_file_str`] (or
/// [`str::parse`]). Serialised as its base64 string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    key_id: KeyId,
    key: [u8; layout::PUBLIC_KEY_LEN],
}

impl PublicKey {
    /// Parse the key's base64 form (the second line of a `minisign.pub` file, or what
    /// `minisign -P` takes). Surrounding whitespace is ignored.
    pub fn from_base64(s: &str) -> Result<Self> {
        let bytes: [u8; layout::PUBLIC_KEY_BYTES] = decode_base64(s.trim(), WHAT, "key")?;
        let (alg, rest) = bytes.split_at(layout::ALG_LEN);
        if alg != layout::SIG_ALG {
            return Err(Error::Malformed {
                what: WHAT,
                reason: format!(
                    "unsupported signature algorithm {} (minisign keys use \"Ed\")",
                    show_alg(alg)
                ),
            });
        }
        let (key_id, key) = rest.split_at(layout::KEY_ID_LEN);
        let mut id = [0u8; layout::KEY_ID_LEN];
        id.copy_from_slice(key_id);
        let mut k = [0u8; layout::PUBLIC_KEY_LEN];
        k.copy_from_slice(key);
        Self::from_parts(KeyId::from_bytes(id), k)
    }

    /// Parse a `minisign.pub` file (an untrusted comment line, then the base64 key), or a bare
    /// base64 key on one line.
    pub fn from_file_str(s: &str) -> Result<Self> {
        let lines = split_lines(s);
        match lines.as_slice() {
            [""] => Err(Error::Malformed {
                what: WHAT,
                reason: "the file is empty".to_owned(),
            }),
            [key] if !key.starts_with(layout::UNTRUSTED_COMMENT_PREFIX) => Self::from_base64(key),
            [comment, key] => {
                untrusted_comment(comment, WHAT)?;
                Self::from_base64(key)
            }
            [_] => Err(Error::Malformed {
                what: WHAT,
                reason: "the base64 key line after the comment is missing".to_owned(),
            }),
            _ => Err(Error::Malformed {
                what: WHAT,
                reason: format!(
                    "expected two lines (an untrusted comment and the base64 key), found {}",
                    lines.len()
                ),
            }),
        }
    }

    /// The key with this id and Ed25519 public key. Fails if the bytes are not an Ed25519 point,
    /// which no real key is.
    pub fn from_parts(key_id: KeyId, key: [u8; layout::PUBLIC_KEY_LEN]) -> Result<Self> {
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| Error::Malformed {
            what: WHAT,
            reason: "the key is not a valid Ed25519 public key".to_owned(),
        })?;
        Ok(Self { key_id, key })
    }

    /// For keys derived from a secret key, whose point is valid by construction.
    pub(super) fn from_verified_parts(key_id: KeyId, key: [u8; layout::PUBLIC_KEY_LEN]) -> Self {
        Self { key_id, key }
    }

    /// The key's id, as signatures made with it name it.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The raw Ed25519 public key.
    pub fn as_bytes(&self) -> &[u8; layout::PUBLIC_KEY_LEN] {
        &self.key
    }

    /// The base64 form: what `minisign -P` takes and the second line of the file.
    pub fn to_base64(&self) -> String {
        let mut bytes = [0u8; layout::PUBLIC_KEY_BYTES];
        bytes[..layout::ALG_LEN].copy_from_slice(&layout::SIG_ALG);
        bytes[layout::ALG_LEN..layout::ALG_LEN + layout::KEY_ID_LEN]
            .copy_from_slice(self.key_id.as_bytes());
        bytes[layout::ALG_LEN + layout::KEY_ID_LEN..].copy_from_slice(&self.key);
        encode_base64(&bytes)
    }

    /// The `minisign.pub` file, byte for byte as `minisign -G` writes it.
    pub fn to_file_string(&self) -> String {
        format!(
            "{}{}{}\n{}\n",
            layout::UNTRUSTED_COMMENT_PREFIX,
            layout::PUBLIC_KEY_COMMENT_PREFIX,
            self.key_id,
            self.to_base64()
        )
    }

    /// Verify `sig` over `data`, trusted comment included.
    ///
    /// Legacy (non-prehashed) signatures are refused unless `allow_legacy`.
    ///
    /// # Errors
    /// [`Error::KeyIdMismatch`] if another key made the signature, [`Error::LegacySignature`],
    /// [`Error::BadSignature`] if the data does not match, [`Error::BadTrustedComment`] if the
    /// data matches but the trusted comment was changed.
    pub fn verify(&self, data: &[u8], sig: &Signature, allow_legacy: bool) -> Result<()> {
        self.check_applicable(sig, allow_legacy)?;
        match sig.algorithm {
            SignatureAlgorithm::Legacy => self.check(data, sig),
            SignatureAlgorithm::Prehashed => self.check(&Blake2b512::digest(data), sig),
        }
    }

    /// Start verifying `sig` over data fed in pieces, for files too large to hold in memory.
    ///
    /// The key id and algorithm are checked now, so a wrong key fails before any data is read.
    /// A legacy signature (if allowed) signs the whole data, so for one the data is buffered.
    pub fn verifier<'a>(
        &'a self,
        sig: &'a Signature,
        allow_legacy: bool,
    ) -> Result<StreamVerifier<'a>> {
        self.check_applicable(sig, allow_legacy)?;
        let state = match sig.algorithm {
            SignatureAlgorithm::Prehashed => VerifyState::Prehashed(Blake2b512::new()),
            SignatureAlgorithm::Legacy => VerifyState::Legacy(Vec::new()),
        };
        Ok(StreamVerifier {
            key: self,
            sig,
            state,
        })
    }

    fn check_applicable(&self, sig: &Signature, allow_legacy: bool) -> Result<()> {
        if sig.key_id != self.key_id {
            return Err(Error::KeyIdMismatch {
                signature: sig.key_id,
                key: self.key_id,
            });
        }
        if sig.is_legacy() && !allow_legacy {
            return Err(Error::LegacySignature);
        }
        Ok(())
    }

    /// Check the Ed25519 signature over `message` (the data for a legacy signature, its
    /// BLAKE2b-512 hash otherwise) and the global signature over the trusted comment.
    fn check(&self, message: &[u8], sig: &Signature) -> Result<()> {
        // minisign-verify's legacy mode is plain Ed25519 over the message it is given, which for
        // a prehashed signature is exactly the hash: this lets one hashing pass serve streaming.
        let internal = |what: &str| Error::Malformed {
            what: "signature",
            reason: format!("internal error: minisign-verify rejected the {what} encoding"),
        };
        let mv_key = minisign_verify::PublicKey::from_base64(&self.to_base64())
            .map_err(|_| internal("public key"))?;
        let raw = format!(
            "{}\n{}\n{}{}\n{}\n",
            layout::UNTRUSTED_COMMENT_PREFIX,
            encode_base64(&sig.signature_line_bytes(SignatureAlgorithm::Legacy)),
            layout::TRUSTED_COMMENT_PREFIX,
            sig.trusted_comment,
            encode_base64(&sig.global_signature),
        );
        let mv_sig = minisign_verify::Signature::decode(&raw).map_err(|_| internal("signature"))?;
        match mv_key.verify(message, &mv_sig, true) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.classify_failure(message, sig)),
        }
    }

    /// minisign-verify says only "invalid"; tell a changed file from a changed trusted comment.
    fn classify_failure(&self, message: &[u8], sig: &Signature) -> Error {
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&self.key) else {
            return Error::BadSignature;
        };
        let data_ok = key
            .verify(
                message,
                &ed25519_dalek::Signature::from_bytes(&sig.signature),
            )
            .is_ok();
        let global_ok = key
            .verify(
                &sig.global_message(),
                &ed25519_dalek::Signature::from_bytes(&sig.global_signature),
            )
            .is_ok();
        if data_ok && !global_ok {
            Error::BadTrustedComment
        } else {
            Error::BadSignature
        }
    }
}

/// Verifies a signature over data fed in pieces; made by [`PublicKey::verifier`].
pub struct StreamVerifier<'a> {
    key: &'a PublicKey,
    sig: &'a Signature,
    state: VerifyState,
}

enum VerifyState {
    Prehashed(Blake2b512),
    Legacy(Vec<u8>),
}

impl StreamVerifier<'_> {
    /// Feed the next piece of the data.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            VerifyState::Prehashed(hasher) => hasher.update(data),
            VerifyState::Legacy(buffer) => buffer.extend_from_slice(data),
        }
    }

    /// Check the signature over everything fed. Same errors as [`PublicKey::verify`].
    pub fn finalize(self) -> Result<()> {
        match self.state {
            VerifyState::Prehashed(hasher) => self.key.check(&hasher.finalize(), self.sig),
            VerifyState::Legacy(buffer) => self.key.check(&buffer, self.sig),
        }
    }
}

impl fmt::Debug for StreamVerifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamVerifier")
            .field("key_id", &self.key.key_id)
            .field("algorithm", &self.sig.algorithm)
            .finish_non_exhaustive()
    }
}

impl FromStr for PublicKey {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::from_file_str(s)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.key_id, self.to_base64())
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::from_base64(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made by `minisign -G -W` (0.11), with the signatures below made by `minisign -S`.
    const PUB_FILE: &str = "untrusted comment: minisign public key DA6F35CE8D9D93C2
RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg
";
    const DATA: &[u8] = b"hello\n";
    const SIG: &str = "untrusted comment: signature from minisign secret key
RUTCk52NzjVv2v9fHnYaTjXEkHybMnVC1fWZesr/F/vzFUzhyO/lwYmrb1sZjnhDkSO+gdLku2MRMm2NvN0Y9U3jkekDArC6Wwo=
trusted comment: timestamp:1795607452\tfile:f.txt\thashed
NfnMBtj2HzkSzhDh0U8/lg2LG5J+h2OSVVE+ubndAmUdKSNciT46RShnKeCRG3JhVd6ZSw5DfnOL1m6CS1HyCw==
";
    // `minisign -S -l`: legacy.
    const LEGACY_SIG: &str = "untrusted comment: signature from minisign secret key
RWTCk52NzjVv2uQEWj7M05qClxnbBPy5bExzX/bYgZX+7mndqvhCMwyKtIkGVFuEw5I2hNqCMcmuGKFiTd28GZnSvSr0ES8rBAw=
trusted comment: timestamp:1795607452\tfile:f.txt
36JQgAji4lgsM79AfemBzoXxW5fQm5FlhlPznktU3/A/jNANYL2rhIYQysfHhfys3MoZoQcI04wIkN9OU/vuCg==
";

    fn key() -> PublicKey {
        PUB_FILE.parse().unwrap()
    }

    #[test]
    fn parses_and_rewrites_minisign_key_byte_for_byte() {
        let key = key();
        assert_eq!(key.key_id().to_string(), "DA6F35CE8D9D93C2");
        assert_eq!(key.to_file_string(), PUB_FILE);
        assert_eq!(
            key.to_base64(),
            "RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg"
        );
        assert_eq!(PublicKey::from_base64(&key.to_base64()).unwrap(), key);
        // A bare base64 line, with or without newline, is a key too.
        assert_eq!(
            PublicKey::from_file_str(&format!("{}\n", key.to_base64())).unwrap(),
            key
        );
        assert_eq!(
            PUB_FILE.replace('\n', "\r\n").parse::<PublicKey>().unwrap(),
            key
        );
        assert_eq!(
            format!("{key:?}"),
            format!("PublicKey(DA6F35CE8D9D93C2, {})", key.to_base64())
        );
    }

    #[test]
    fn malformed_keys_say_why() {
        let reason = |s: &str| match PublicKey::from_file_str(s) {
            Err(Error::Malformed {
                what: "public key",
                reason,
            }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(reason(""), "the file is empty");
        assert_eq!(reason("%%%%\n"), "the key is not valid base64");
        assert_eq!(
            reason("untrusted comment: x\n"),
            "the base64 key line after the comment is missing"
        );
        assert!(reason("untrusted comment: x\nAAAA\nBBBB\n").starts_with("expected two lines"));
        assert!(reason("comment\nRWTC\n").starts_with("the first line must start with"));
        assert_eq!(
            reason("RWTCk52N"),
            "the key decodes to 6 bytes, expected 42"
        );
        let mut raw: [u8; 42] = decode_base64(&key().to_base64(), "t", "t").unwrap();
        raw[1] = b'D';
        assert!(reason(&encode_base64(&raw)).starts_with("unsupported signature algorithm \"ED\""));
        // Not a curve point: y = 2 does not decompress.
        let mut raw: [u8; 42] = decode_base64(&key().to_base64(), "t", "t").unwrap();
        raw[10..].copy_from_slice(&[0; 32]);
        raw[10] = 2;
        assert_eq!(
            reason(&encode_base64(&raw)),
            "the key is not a valid Ed25519 public key"
        );
    }

    #[test]
    fn verifies_minisign_signatures() {
        let sig: Signature = SIG.parse().unwrap();
        key().verify(DATA, &sig, false).unwrap();
        let key = key();
        let mut stream = key.verifier(&sig, false).unwrap();
        stream.update(b"hel");
        stream.update(b"");
        stream.update(b"lo\n");
        stream.finalize().unwrap();
    }

    #[test]
    fn legacy_needs_permission() {
        let sig: Signature = LEGACY_SIG.parse().unwrap();
        assert!(matches!(
            key().verify(DATA, &sig, false),
            Err(Error::LegacySignature)
        ));
        assert!(matches!(
            key().verifier(&sig, false),
            Err(Error::LegacySignature)
        ));
        key().verify(DATA, &sig, true).unwrap();
        let key = key();
        let mut stream = key.verifier(&sig, true).unwrap();
        stream.update(b"hello");
        stream.update(b"\n");
        stream.finalize().unwrap();
        assert!(matches!(
            key.verify(b"hello", &sig, true),
            Err(Error::BadSignature)
        ));
    }

    #[test]
    fn failures_are_specific() {
        let sig: Signature = SIG.parse().unwrap();
        assert!(matches!(
            key().verify(b"hello!\n", &sig, false),
            Err(Error::BadSignature)
        ));

        let mut tampered = sig.clone();
        tampered.trusted_comment.push('!');
        assert!(matches!(
            key().verify(DATA, &tampered, false),
            Err(Error::BadTrustedComment)
        ));
        // Both changed: the data is what failed first.
        assert!(matches!(
            key().verify(b"x", &tampered, false),
            Err(Error::BadSignature)
        ));

        let mut other_id = sig.clone();
        other_id.key_id = KeyId::from_bytes([1; 8]);
        let err = key().verify(DATA, &other_id, false).unwrap_err();
        assert!(matches!(err, Error::KeyIdMismatch { .. }));
        assert_eq!(
            err.to_string(),
            "the signature was made by key 0101010101010101, but the public key is \
             DA6F35CE8D9D93C2: use the public key of the key that signed the file"
        );
    }

    #[test]
    fn serde_as_base64() {
        let json = serde_json::to_string(&key()).unwrap();
        assert_eq!(json, format!("\"{}\"", key().to_base64()));
        assert_eq!(serde_json::from_str::<PublicKey>(&json).unwrap(), key());
    }
}
