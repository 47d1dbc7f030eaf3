//! minisign-compatible keys and signatures, byte-exact with minisign 0.11's files.
//!
//! - [`KeyId`]: the 8-byte key id, shown as minisign shows it (`%016X` of a little-endian u64).
//! - [`PublicKey`]: `minisign.pub` files and bare base64 keys; verification (whole buffers or
//!   streamed) with the `minisign-verify` crate.
//! - [`SecretKey`]: `minisign.key` files, scrypt-encrypted (`Sc`) or not; signing prehashed
//!   (`ED`: Ed25519 over the BLAKE2b-512 of the data, never Ed25519ph), whole or streamed.
//! - [`Signature`]: the four-line `.minisig` file.
//! - [`TrustedComment`]: the `timestamp:…\t<subject>` comments mcp-sign and the registry sign.
//!
//! Nothing here does I/O: callers pass file contents, data and randomness in.

mod key_id;
mod public_key;
mod secret_key;
mod signature;
mod trusted_comment;

pub use key_id::KeyId;
pub use public_key::{PublicKey, StreamVerifier};
pub use secret_key::{KdfLimits, KdfParams, SecretKey, StreamSigner};
pub use signature::{Signature, SignatureAlgorithm};
pub use trusted_comment::{CommentSubject, TrustedComment};
pub use zeroize::Zeroizing;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};
use crate::formats::minisign as layout;

/// Split a minisign text file into its lines.
///
/// Line ends may be LF or CRLF (files edited on Windows); at most one line end may follow the last
/// line, so `to_file_string` output round-trips byte for byte.
fn split_lines(s: &str) -> Vec<&str> {
    let body = match s.strip_suffix('\n') {
        Some(rest) => rest.strip_suffix('\r').unwrap_or(rest),
        None => s,
    };
    body.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// Strict base64 (standard alphabet, padding, no stray bits): one encoding per value, so a
/// parsed file writes back identically.
fn decode_base64<const N: usize>(line: &str, what: &'static str, field: &str) -> Result<[u8; N]> {
    let bytes = Zeroizing::new(STANDARD.decode(line).map_err(|_| Error::Malformed {
        what,
        reason: format!("the {field} is not valid base64"),
    })?);
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| Error::Malformed {
        what,
        reason: format!("the {field} decodes to {} bytes, expected {N}", bytes.len()),
    })
}

fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Check a trusted comment before signing, as [`SecretKey::sign`] will: one line, no NUL, at
/// most [`TRUSTED_COMMENT_MAX_LEN`](layout::TRUSTED_COMMENT_MAX_LEN) bytes. Lets a caller reject
/// a bad comment before asking for a password or reading a large file.
pub fn check_trusted_comment(comment: &str) -> Result<()> {
    check_comment(comment, layout::TRUSTED_COMMENT_MAX_LEN)
}

/// Check a comment that will be written after a prefix on a line of its own.
fn check_comment(comment: &str, max: usize) -> Result<()> {
    if comment.contains(['\n', '\r']) {
        return Err(Error::CommentNotOneLine);
    }
    if comment.contains('\0') {
        return Err(Error::CommentContainsNul);
    }
    if comment.len() > max {
        return Err(Error::CommentTooLong {
            len: comment.len(),
            max,
        });
    }
    Ok(())
}

/// The text of an untrusted comment line, after its prefix.
fn untrusted_comment<'a>(line: &'a str, what: &'static str) -> Result<&'a str> {
    let text = line
        .strip_prefix(layout::UNTRUSTED_COMMENT_PREFIX)
        .ok_or_else(|| Error::Malformed {
            what,
            reason: format!(
                "the first line must start with {:?}",
                layout::UNTRUSTED_COMMENT_PREFIX
            ),
        })?;
    check_comment(text, layout::UNTRUSTED_COMMENT_MAX_LEN).map_err(|err| Error::Malformed {
        what,
        reason: format!("bad untrusted comment: {err}"),
    })?;
    Ok(text)
}

/// Show an algorithm tag from a file for an error message.
fn show_alg(alg: &[u8]) -> String {
    format!("\"{}\"", alg.escape_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_lines_accepts_lf_crlf_and_one_final_newline() {
        assert_eq!(split_lines("a\nb"), ["a", "b"]);
        assert_eq!(split_lines("a\nb\n"), ["a", "b"]);
        assert_eq!(split_lines("a\r\nb\r\n"), ["a", "b"]);
        assert_eq!(split_lines("a\nb\n\n"), ["a", "b", ""]);
        assert_eq!(split_lines(""), [""]);
    }

    #[test]
    fn base64_is_strict() {
        assert!(decode_base64::<2>("RWQ=", "x", "y").is_ok());
        // Missing padding, stray bits, whitespace: each value has exactly one encoding.
        assert!(decode_base64::<2>("RWQ", "x", "y").is_err());
        assert!(decode_base64::<2>("RWR=", "x", "y").is_err());
        assert!(decode_base64::<2>(" RWQ=", "x", "y").is_err());
        let err = decode_base64::<3>("RWQ=", "signature", "signature line").unwrap_err();
        assert_eq!(
            err.to_string(),
            "signature is not a valid minisign file: the signature line decodes to 2 bytes, \
             expected 3"
        );
    }

    #[test]
    fn comments_are_one_line_without_nul_and_bounded() {
        assert!(check_comment("timestamp:1\tfile:x", 100).is_ok());
        assert!(matches!(
            check_comment("a\nb", 100),
            Err(Error::CommentNotOneLine)
        ));
        assert!(matches!(
            check_comment("a\rb", 100),
            Err(Error::CommentNotOneLine)
        ));
        assert!(matches!(
            check_comment("a\0b", 100),
            Err(Error::CommentContainsNul)
        ));
        assert!(matches!(
            check_comment("abcd", 3),
            Err(Error::CommentTooLong { len: 4, max: 3 })
        ));
    }

    #[test]
    fn comment_limits_match_minisign() {
        assert_eq!(layout::UNTRUSTED_COMMENT_MAX_LEN, 1003);
        assert_eq!(layout::TRUSTED_COMMENT_MAX_LEN, 8173);
        assert_eq!(layout::SECRET_KEY_BYTES, 158);
        assert_eq!(layout::PUBLIC_KEY_BYTES, 42);
        assert_eq!(layout::SIGNATURE_BYTES, 74);
    }
}
