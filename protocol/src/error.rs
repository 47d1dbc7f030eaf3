//! The crate's one error type.

use crate::manifest::Problem;
use crate::minisign::KeyId;

/// Everything that can go wrong parsing or checking the formats in this crate.
///
/// Messages are written for the person who has to fix the input: they say what is wrong and,
/// where it is not obvious, what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid server name {input:?}: {reason}")]
    InvalidServerName { input: String, reason: String },

    #[error("invalid version {input:?}: {reason}")]
    InvalidVersion { input: String, reason: String },

    #[error("invalid package reference {input:?}: {reason}")]
    InvalidPackageRef { input: String, reason: String },

    #[error("invalid key id {input:?}: expected 16 hexadecimal digits, as minisign prints them")]
    InvalidKeyId { input: String },

    #[error("invalid digest {input:?}: {reason}")]
    InvalidDigest { input: String, reason: String },

    /// A key or signature file that is not in minisign's format.
    #[error("{what} is not a valid minisign file: {reason}")]
    Malformed { what: &'static str, reason: String },

    #[error("the secret key uses an unsupported algorithm ({reason})")]
    UnsupportedKey { reason: String },

    #[error("wrong password for the secret key (its checksum does not match)")]
    WrongPassword,

    #[error("the secret key is encrypted: a password is needed")]
    PasswordRequired,

    #[error(
        "the signature was made by key {signature}, but the public key is {key}: \
         use the public key of the key that signed the file"
    )]
    KeyIdMismatch { signature: KeyId, key: KeyId },

    #[error(
        "the signature is a legacy (non-prehashed) minisign signature; \
         re-sign the file with a current signer, or pass --allow-legacy to accept it"
    )]
    LegacySignature,

    #[error(
        "signature verification failed: the file was changed after signing, or it was signed by another key"
    )]
    BadSignature,

    #[error("the trusted comment was changed after signing (its global signature does not verify)")]
    BadTrustedComment,

    #[error("the comment is too long ({len} bytes; at most {max} are allowed)")]
    CommentTooLong { len: usize, max: usize },

    #[error("the comment must be a single line")]
    CommentNotOneLine,

    #[error("the comment must not contain NUL characters (minisign would cut it short there)")]
    CommentContainsNul,

    #[error(
        "the secret key asks for more work to decrypt than allowed (opslimit {opslimit}, \
         memlimit {memlimit} bytes; at most {max_opslimit} and {max_memlimit}): it was not \
         written by minisign or mcp-sign, or it was tampered with"
    )]
    KdfLimitExceeded {
        opslimit: u64,
        memlimit: u64,
        max_opslimit: u64,
        max_memlimit: u64,
    },

    #[error("the manifest is not valid JSON: {message} (line {line}, column {column})")]
    ManifestSyntax {
        message: String,
        line: usize,
        column: usize,
    },

    #[error("{}", format_problems(.0))]
    ManifestInvalid(Vec<Problem>),

    /// Input to the tool scanner (`scan`) that is not JSON, too large, or not one of the
    /// shapes it reads (a release manifest, a `tools/list` result, an array of tools).
    #[error("cannot scan this input: {0}")]
    ScanInput(String),

    /// A transparency-log record, proof, checkpoint, signed note or tile path that does not
    /// parse or does not check out (`log`).
    #[error("transparency log: {0}")]
    Log(String),
}

fn format_problems(problems: &[Problem]) -> String {
    let errors: Vec<&Problem> = problems.iter().filter(|p| p.is_error()).collect();
    let mut out = format!(
        "the manifest has {} problem{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for p in errors {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
