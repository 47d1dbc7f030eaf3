//! Artifact digests as they are spelled in manifests and package references, and a streaming
//! hasher that computes them.
//!
//! | type | spelling | used for |
//! |---|---|---|
//! | [`Sha256Digest`] | 64 lowercase hex digits | `fileSha256`, release artifact `sha256` |
//! | [`ContentDigest`] | `sha256:` + 64 lowercase hex digits | OCI image digests, tool fingerprints |
//! | [`Sha512Integrity`] | `sha512-` + standard padded base64 | npm's `dist.integrity` |
//!
//! Parsing accepts exactly the spelling [`Display`](std::fmt::Display) writes (lowercase hex,
//! canonical base64), so a digest round-trips byte for byte and two equal digests are always
//! spelled the same way.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::Error;
use crate::formats::digest::{NPM_INTEGRITY_PREFIX, SHA256_PREFIX};
use crate::names::{excerpt, string_serde};

/// A SHA-256 digest, spelled as 64 lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// The digest with these bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The SHA-256 digest of `data`.
    pub fn of(data: &[u8]) -> Self {
        Self(Sha256::digest(data).into())
    }

    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({self})")
    }
}

impl FromStr for Sha256Digest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        parse_hex32(s)
            .map(Self)
            .map_err(|reason| Error::InvalidDigest {
                input: excerpt(s),
                reason: reason.to_owned(),
            })
    }
}

/// 64 lowercase hex digits → 32 bytes. Uppercase is refused so the spelling is unique.
fn parse_hex32(s: &str) -> Result<[u8; 32], &'static str> {
    if s.len() != 64 {
        return Err("expected a SHA-256 digest: 64 hexadecimal digits");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("expected lowercase hexadecimal digits (0-9, a-f)");
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).map_err(|_| "expected hexadecimal digits")?;
    Ok(out)
}

string_serde!(Sha256Digest, "a SHA-256 digest (64 lowercase hex digits)");

/// A SHA-256 content digest spelled `sha256:<64 lowercase hex>`: the form of OCI image digests
/// and of tool fingerprints.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentDigest(Sha256Digest);

impl ContentDigest {
    pub const fn new(sha256: Sha256Digest) -> Self {
        Self(sha256)
    }

    /// The content digest of `data`.
    pub fn of(data: &[u8]) -> Self {
        Self(Sha256Digest::of(data))
    }

    pub const fn sha256(&self) -> &Sha256Digest {
        &self.0
    }
}

impl fmt::Display for ContentDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SHA256_PREFIX}{}", self.0)
    }
}

impl fmt::Debug for ContentDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentDigest({self})")
    }
}

impl FromStr for ContentDigest {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidDigest {
            input: excerpt(s),
            reason: reason.to_owned(),
        };
        let Some(hex) = s.strip_prefix(SHA256_PREFIX) else {
            return Err(invalid(
                "expected \"sha256:\" followed by 64 lowercase hex digits",
            ));
        };
        parse_hex32(hex)
            .map(|b| Self(Sha256Digest(b)))
            .map_err(invalid)
    }
}

string_serde!(
    ContentDigest,
    "a content digest (\"sha256:\" and 64 lowercase hex digits)"
);

/// npm's Subresource-Integrity string for a package tarball: `sha512-<base64>`, as in
/// `dist.integrity` of the npm registry and `integrity` of package-lock.json.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha512Integrity([u8; 64]);

impl Sha512Integrity {
    pub const fn from_bytes(bytes: [u8; 64]) -> Self {
        Self(bytes)
    }

    /// The integrity string of `data`.
    pub fn of(data: &[u8]) -> Self {
        Self(Sha512::digest(data).into())
    }

    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Display for Sha512Integrity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{NPM_INTEGRITY_PREFIX}{}", BASE64.encode(self.0))
    }
}

impl fmt::Debug for Sha512Integrity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha512Integrity({self})")
    }
}

impl FromStr for Sha512Integrity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidDigest {
            input: excerpt(s),
            reason: reason.to_owned(),
        };
        let Some(b64) = s.strip_prefix(NPM_INTEGRITY_PREFIX) else {
            return Err(invalid(
                "expected npm's integrity string: \"sha512-\" followed by base64",
            ));
        };
        // 64 bytes are 88 base64 characters with padding; the engine refuses non-canonical
        // trailing bits, so only one spelling decodes.
        if b64.len() != 88 {
            return Err(invalid("expected 88 base64 characters after \"sha512-\""));
        }
        let bytes = BASE64
            .decode(b64)
            .map_err(|_| invalid("expected standard base64 after \"sha512-\""))?;
        let bytes: [u8; 64] = bytes
            .try_into()
            .map_err(|_| invalid("expected a 64-byte SHA-512 digest"))?;
        Ok(Self(bytes))
    }
}

string_serde!(
    Sha512Integrity,
    "an npm integrity string (\"sha512-\" and base64)"
);

/// Streams an artifact through SHA-256 and SHA-512 at once, so a caller reading a large file in
/// chunks gets every digest a manifest records without holding the file in memory.
///
/// ```
/// use protocol::manifest::ArtifactHasher;
/// let mut hasher = ArtifactHasher::new();
/// hasher.update(b"ab");
/// hasher.update(b"c");
/// let digests = hasher.finish();
/// assert_eq!(
///     digests.sha256.to_string(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// assert_eq!(digests.len, 3);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ArtifactHasher {
    sha256: Sha256,
    sha512: Sha512,
    len: u64,
}

impl ArtifactHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        self.sha512.update(chunk);
        self.len = self.len.saturating_add(chunk.len() as u64);
    }

    pub fn finish(self) -> ArtifactDigests {
        ArtifactDigests {
            sha256: Sha256Digest(self.sha256.finalize().into()),
            integrity: Sha512Integrity(self.sha512.finalize().into()),
            len: self.len,
        }
    }
}

/// Lets a caller `std::io::copy` a reader into the hasher. Writing never fails.
impl std::io::Write for ArtifactHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What [`ArtifactHasher`] computed for one artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArtifactDigests {
    /// For `fileSha256` and the release extension's `sha256`.
    pub sha256: Sha256Digest,
    /// npm's integrity string (meaningful for npm tarballs).
    pub integrity: Sha512Integrity,
    /// The artifact's size in bytes.
    pub len: u64,
}
