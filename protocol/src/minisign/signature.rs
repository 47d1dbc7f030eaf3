//! The `.minisig` file: four lines, two of them signed.
//!
//! ```text
//! untrusted comment: <free text, not signed>
//! base64(<algorithm "ED" or "Ed"> <key id: 8> <Ed25519 signature of the data: 64>)
//! trusted comment: <free text, signed by the global signature>
//! base64(<Ed25519 signature of (signature || trusted comment): 64>)
//! ```

use std::fmt;
use std::str::FromStr;

use super::{
    KeyId, check_comment, decode_base64, encode_base64, show_alg, split_lines, untrusted_comment,
};
use crate::error::{Error, Result};
use crate::formats::minisign as layout;

const WHAT: &str = "signature";

/// What a signature signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    /// `ED`: Ed25519 over the BLAKE2b-512 hash of the data. What minisign 0.11 and this crate
    /// write.
    Prehashed,
    /// `Ed`: Ed25519 over the data itself, written by minisign before 0.8 (and `minisign -l`).
    Legacy,
}

impl SignatureAlgorithm {
    /// The two-byte tag in the file.
    pub const fn tag(self) -> [u8; layout::ALG_LEN] {
        match self {
            Self::Prehashed => layout::SIG_ALG_PREHASHED,
            Self::Legacy => layout::SIG_ALG_LEGACY,
        }
    }

    fn from_tag(tag: [u8; layout::ALG_LEN]) -> Option<Self> {
        if tag == layout::SIG_ALG_PREHASHED {
            Some(Self::Prehashed)
        } else if tag == layout::SIG_ALG_LEGACY {
            Some(Self::Legacy)
        } else {
            None
        }
    }
}

/// A detached minisign signature, as in a `.minisig` file.
///
/// Parse one with [`str::parse`] (strict: every line is checked, and a file written by
/// [`Signature::to_file_string`] reads back identically); make one with
/// [`SecretKey::sign`](super::SecretKey::sign); check one with
/// [`PublicKey::verify`](super::PublicKey::verify). Serialised as the file's text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    pub(super) algorithm: SignatureAlgorithm,
    pub(super) key_id: KeyId,
    pub(super) signature: [u8; layout::SIGNATURE_LEN],
    pub(super) untrusted_comment: String,
    pub(super) trusted_comment: String,
    pub(super) global_signature: [u8; layout::SIGNATURE_LEN],
}

impl Signature {
    /// Parse a `.minisig` file.
    pub fn from_file_str(s: &str) -> Result<Self> {
        let lines = split_lines(s);
        let malformed = |reason: &str| Error::Malformed {
            what: WHAT,
            reason: reason.to_owned(),
        };

        let first = lines.first().copied().unwrap_or_default();
        if lines.len() == 1 && first.is_empty() {
            return Err(malformed("the file is empty"));
        }
        let untrusted_comment = untrusted_comment(first, WHAT)?;

        let sig_line = lines
            .get(1)
            .ok_or_else(|| malformed("the signature line is missing"))?;
        let sig: [u8; layout::SIGNATURE_BYTES] = decode_base64(sig_line, WHAT, "signature line")?;
        let (alg, rest) = sig.split_at(layout::ALG_LEN);
        let (key_id, signature) = rest.split_at(layout::KEY_ID_LEN);
        let algorithm = [alg[0], alg[1]];
        let algorithm = SignatureAlgorithm::from_tag(algorithm).ok_or_else(|| {
            malformed(&format!(
                "unknown signature algorithm {} (expected \"ED\", or \"Ed\" for legacy signatures)",
                show_alg(alg)
            ))
        })?;

        let tc_line = lines.get(2).ok_or_else(|| {
            malformed("the trusted comment line is missing (the file has only two lines)")
        })?;
        let trusted_comment = tc_line
            .strip_prefix(layout::TRUSTED_COMMENT_PREFIX)
            .ok_or_else(|| {
                malformed(&format!(
                    "the third line must start with {:?}",
                    layout::TRUSTED_COMMENT_PREFIX
                ))
            })?;
        check_comment(trusted_comment, layout::TRUSTED_COMMENT_MAX_LEN)
            .map_err(|err| malformed(&format!("bad trusted comment: {err}")))?;

        let global_line = lines.get(3).ok_or_else(|| {
            malformed("the global signature line (the fourth line, which signs the trusted comment) is missing")
        })?;
        let global_signature = decode_base64(global_line, WHAT, "global signature line")?;
        if lines.len() > 4 {
            return Err(malformed("unexpected text after the fourth line"));
        }

        Ok(Self {
            algorithm,
            key_id: KeyId::from_bytes(to_array(key_id)),
            signature: to_array(signature),
            untrusted_comment: untrusted_comment.to_owned(),
            trusted_comment: trusted_comment.to_owned(),
            global_signature,
        })
    }

    /// The `.minisig` file, byte for byte as minisign writes it.
    pub fn to_file_string(&self) -> String {
        format!(
            "{}{}\n{}\n{}{}\n{}\n",
            layout::UNTRUSTED_COMMENT_PREFIX,
            self.untrusted_comment,
            encode_base64(&self.signature_line_bytes(self.algorithm)),
            layout::TRUSTED_COMMENT_PREFIX,
            self.trusted_comment,
            encode_base64(&self.global_signature),
        )
    }

    /// The decoded second line with the given algorithm tag.
    pub(super) fn signature_line_bytes(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> [u8; layout::SIGNATURE_BYTES] {
        let mut out = [0u8; layout::SIGNATURE_BYTES];
        out[..layout::ALG_LEN].copy_from_slice(&algorithm.tag());
        out[layout::ALG_LEN..layout::ALG_LEN + layout::KEY_ID_LEN]
            .copy_from_slice(self.key_id.as_bytes());
        out[layout::ALG_LEN + layout::KEY_ID_LEN..].copy_from_slice(&self.signature);
        out
    }

    /// The id of the key that made the signature.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Prehashed (current) or legacy.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// Whether this is a legacy (non-prehashed) signature, which verifiers refuse by default.
    pub fn is_legacy(&self) -> bool {
        self.algorithm == SignatureAlgorithm::Legacy
    }

    /// The signed comment, without its `trusted comment: ` prefix. Only trust it once the
    /// signature has been verified.
    pub fn trusted_comment(&self) -> &str {
        &self.trusted_comment
    }

    /// The unsigned comment, without its `untrusted comment: ` prefix. Anyone can change it.
    pub fn untrusted_comment(&self) -> &str {
        &self.untrusted_comment
    }

    /// The Ed25519 signature of the data (or of its BLAKE2b-512 hash).
    pub fn signature_bytes(&self) -> &[u8; layout::SIGNATURE_LEN] {
        &self.signature
    }

    /// The Ed25519 signature of the signature bytes followed by the trusted comment.
    pub fn global_signature_bytes(&self) -> &[u8; layout::SIGNATURE_LEN] {
        &self.global_signature
    }

    /// What the global signature signs: the signature followed by the trusted comment.
    pub(super) fn global_message(&self) -> Vec<u8> {
        let mut message = Vec::with_capacity(layout::SIGNATURE_LEN + self.trusted_comment.len());
        message.extend_from_slice(&self.signature);
        message.extend_from_slice(self.trusted_comment.as_bytes());
        message
    }
}

fn to_array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    // Callers split fixed-size arrays at constant offsets, so the lengths always match.
    out.copy_from_slice(&bytes[..N]);
    out
}

impl FromStr for Signature {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Self::from_file_str(s)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_file_string())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("algorithm", &self.algorithm)
            .field("key_id", &self.key_id)
            .field("untrusted_comment", &self.untrusted_comment)
            .field("trusted_comment", &self.trusted_comment)
            .finish_non_exhaustive()
    }
}

impl serde::Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_file_string())
    }
}

impl<'de> serde::Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by `minisign -S` (0.11) with a `minisign -G -W` key; see `public_key.rs` tests.
    const MINISIG_OK: &str = "untrusted comment: signature from minisign secret key
RUTCk52NzjVv2v9fHnYaTjXEkHybMnVC1fWZesr/F/vzFUzhyO/lwYmrb1sZjnhDkSO+gdLku2MRMm2NvN0Y9U3jkekDArC6Wwo=
trusted comment: timestamp:1795607452\tfile:f.txt\thashed
NfnMBtj2HzkSzhDh0U8/lg2LG5J+h2OSVVE+ubndAmUdKSNciT46RShnKeCRG3JhVd6ZSw5DfnOL1m6CS1HyCw==
";

    fn reason(input: &str) -> String {
        match input.parse::<Signature>() {
            Err(Error::Malformed { what, reason }) => {
                assert_eq!(what, "signature");
                reason
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn parses_and_rewrites_minisign_output_byte_for_byte() {
        let sig: Signature = MINISIG_OK.parse().unwrap();
        assert_eq!(sig.key_id().to_string(), "DA6F35CE8D9D93C2");
        assert_eq!(sig.algorithm(), SignatureAlgorithm::Prehashed);
        assert!(!sig.is_legacy());
        assert_eq!(
            sig.trusted_comment(),
            "timestamp:1795607452\tfile:f.txt\thashed"
        );
        assert_eq!(
            sig.untrusted_comment(),
            "signature from minisign secret key"
        );
        assert_eq!(sig.to_file_string(), MINISIG_OK);
        assert_eq!(sig.to_string(), MINISIG_OK);
        // CRLF and a missing final newline read the same.
        let crlf = MINISIG_OK.replace('\n', "\r\n");
        assert_eq!(crlf.parse::<Signature>().unwrap(), sig);
        assert_eq!(MINISIG_OK.trim_end().parse::<Signature>().unwrap(), sig);
    }

    fn lines() -> Vec<String> {
        MINISIG_OK.lines().map(str::to_owned).collect()
    }

    #[test]
    fn specific_reasons() {
        assert_eq!(reason(""), "the file is empty");
        assert!(reason("hello\n").starts_with("the first line must start with"));
        let l = lines();
        assert_eq!(
            reason(&format!("{}\n", l[0])),
            "the signature line is missing"
        );
        assert!(
            reason(&format!("{}\n{}\n", l[0], l[1]))
                .starts_with("the trusted comment line is missing")
        );
        assert!(
            reason(&format!("{}\n{}\n{}\n", l[0], l[1], l[2]))
                .starts_with("the global signature line")
        );
        assert_eq!(
            reason(&format!("{}\n{}!\n{}\n{}\n", l[0], l[1], l[2], l[3])),
            "the signature line is not valid base64"
        );
        assert_eq!(
            reason(&format!(
                "{}\n{}\n{}\n{}\n",
                l[0],
                &l[1][..l[1].len() - 4],
                l[2],
                l[3]
            )),
            "the signature line decodes to 72 bytes, expected 74"
        );
        assert_eq!(
            reason(&format!("{}\n{}\n{}\n{}\n", l[0], l[1], l[2], &l[3][4..])),
            "the global signature line decodes to 61 bytes, expected 64"
        );
        assert!(
            reason(&format!("{}\n{}\ncomment: x\n{}\n", l[0], l[1], l[3]))
                .starts_with("the third line must start with \"trusted comment: \"")
        );
        assert_eq!(
            reason(&format!("{MINISIG_OK}extra\n")),
            "unexpected text after the fourth line"
        );
        assert_eq!(
            reason(&format!("{MINISIG_OK}\n")),
            "unexpected text after the fourth line"
        );
        // Unknown algorithm: replace the tag with "XX".
        let mut raw: [u8; 74] = decode_base64(&l[1], "t", "t").unwrap();
        raw[..2].copy_from_slice(b"XX");
        assert!(
            reason(&format!(
                "{}\n{}\n{}\n{}\n",
                l[0],
                encode_base64(&raw),
                l[2],
                l[3]
            ))
            .starts_with("unknown signature algorithm \"XX\"")
        );
        // Comments: a NUL, a carriage return, too long.
        assert!(
            reason(&format!(
                "{}\n{}\ntrusted comment: a\0b\n{}\n",
                l[0], l[1], l[3]
            ))
            .contains("NUL")
        );
        assert!(
            reason(&format!(
                "{}\n{}\ntrusted comment: a\rb\n{}\n",
                l[0], l[1], l[3]
            ))
            .contains("single line")
        );
        let long = "x".repeat(layout::TRUSTED_COMMENT_MAX_LEN + 1);
        assert!(
            reason(&format!(
                "{}\n{}\ntrusted comment: {long}\n{}\n",
                l[0], l[1], l[3]
            ))
            .contains("too long")
        );
        let long = "x".repeat(layout::UNTRUSTED_COMMENT_MAX_LEN + 1);
        assert!(
            reason(&format!(
                "untrusted comment: {long}\n{}\n{}\n{}\n",
                l[1], l[2], l[3]
            ))
            .contains("too long")
        );
    }

    #[test]
    fn longest_comments_are_accepted() {
        let l = lines();
        let tc = "t".repeat(layout::TRUSTED_COMMENT_MAX_LEN);
        let uc = "u".repeat(layout::UNTRUSTED_COMMENT_MAX_LEN);
        let text = format!(
            "untrusted comment: {uc}\n{}\ntrusted comment: {tc}\n{}\n",
            l[1], l[3]
        );
        let sig: Signature = text.parse().unwrap();
        assert_eq!(sig.to_file_string(), text);
    }

    #[test]
    fn legacy_tag_parses() {
        let l = lines();
        let mut raw: [u8; 74] = decode_base64(&l[1], "t", "t").unwrap();
        raw[..2].copy_from_slice(b"Ed");
        let text = format!("{}\n{}\n{}\n{}\n", l[0], encode_base64(&raw), l[2], l[3]);
        let sig: Signature = text.parse().unwrap();
        assert!(sig.is_legacy());
        assert_eq!(sig.to_file_string(), text);
    }

    #[test]
    fn serde_as_file_text() {
        let sig: Signature = MINISIG_OK.parse().unwrap();
        let json = serde_json::to_string(&sig).unwrap();
        assert_eq!(serde_json::from_str::<Signature>(&json).unwrap(), sig);
        assert!(serde_json::from_str::<Signature>("\"nope\"").is_err());
    }

    #[test]
    fn debug_is_short() {
        let sig: Signature = MINISIG_OK.parse().unwrap();
        let debug = format!("{sig:?}");
        assert!(debug.contains("DA6F35CE8D9D93C2"), "{debug}");
    }
}
