//! Secret keys (`minisign.key`) and signing.
//!
//! The decoded key line is, in order: signature algorithm `Ed`, key derivation `Sc` (scrypt) or
//! two zero bytes (unencrypted), checksum algorithm `B2`, a 32-byte salt, the scrypt opslimit and
//! memlimit (little-endian u64), then 104 bytes XORed with the scrypt output: key id (8), Ed25519
//! secret key (seed then public key, 64), and the BLAKE2b-256 of `Ed || key id || secret key`.

use std::fmt;

use blake2::digest::consts::U32;
use blake2::{Blake2b, Blake2b512, Digest as _};
use ed25519_dalek::Signer as _;
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::public_key::PublicKey;
use super::signature::{Signature, SignatureAlgorithm};
use super::{KeyId, check_comment, decode_base64, encode_base64, show_alg, split_lines};
use crate::error::{Error, Result};
use crate::formats::minisign as layout;

const WHAT: &str = "secret key";

// Offsets into the decoded key line.
const KDF_ALG: usize = layout::ALG_LEN;
const CHK_ALG: usize = KDF_ALG + layout::ALG_LEN;
const SALT: usize = CHK_ALG + layout::ALG_LEN;
const OPSLIMIT: usize = SALT + layout::KDF_SALT_LEN;
const MEMLIMIT: usize = OPSLIMIT + 8;
const ENCRYPTED: usize = MEMLIMIT + 8;

type Blake2b256 = Blake2b<U32>;
type EncryptedPart = [u8; layout::SECRET_KEY_ENCRYPTED_BYTES];

/// The scrypt cost recorded in an encrypted key file, in libsodium's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// libsodium's `opslimit`: roughly the number of salsa20/8 cores to run.
    pub opslimit: u64,
    /// libsodium's `memlimit`: roughly the bytes of memory to use.
    pub memlimit: u64,
}

impl KdfParams {
    /// What `minisign -G` writes (libsodium's "sensitive" level: 1 GiB, a second or two).
    pub const MINISIGN_DEFAULT: Self = Self {
        opslimit: layout::KDF_OPSLIMIT,
        memlimit: layout::KDF_MEMLIMIT,
    };

    /// scrypt's `(log2 N, r, p)` as libsodium's `pickparams` chooses them, so keys decrypt
    /// exactly as minisign decrypts them.
    fn scrypt_cost(self) -> ScryptCost {
        let ops = self.opslimit.max(layout::KDF_OPSLIMIT_FLOOR);
        let r = u64::from(layout::KDF_SCRYPT_R);
        let log_n_for = |max_n: u64| (1..63u8).find(|&n| (1u64 << n) > max_n / 2).unwrap_or(63);
        if ops < self.memlimit / 32 {
            let log_n = log_n_for(ops / (r * 4));
            ScryptCost {
                log_n,
                r: layout::KDF_SCRYPT_R,
                p: 1,
            }
        } else {
            let log_n = log_n_for(self.memlimit / (r * 128));
            let max_rp = ((ops / 4) >> log_n).min(layout::KDF_SCRYPT_MAX_RP);
            // `max_rp` is at most 0x3fffffff, so the quotient fits.
            let p = u32::try_from(max_rp / r).unwrap_or(u32::MAX);
            ScryptCost {
                log_n,
                r: layout::KDF_SCRYPT_R,
                p,
            }
        }
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::MINISIGN_DEFAULT
    }
}

/// The most work a key file may ask for before it is decrypted.
///
/// Parameters come from the (untrusted) file, so they are checked before anything is derived:
/// a hostile file cannot make the reader allocate or compute without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfLimits {
    /// The largest accepted opslimit.
    pub max_opslimit: u64,
    /// The largest accepted memlimit, and the most memory scrypt may actually use.
    pub max_memlimit: u64,
}

impl KdfLimits {
    /// Room for every key minisign or mcp-sign writes, and four times more.
    pub const DEFAULT: Self = Self {
        max_opslimit: layout::KDF_OPSLIMIT_MAX,
        max_memlimit: layout::KDF_MEMLIMIT_MAX,
    };

    fn check(self, params: KdfParams) -> Result<ScryptCost> {
        let cost = params.scrypt_cost();
        if params.opslimit > self.max_opslimit
            || params.memlimit > self.max_memlimit
            || cost.memory_bytes() > u128::from(self.max_memlimit)
        {
            return Err(Error::KdfLimitExceeded {
                opslimit: params.opslimit,
                memlimit: params.memlimit,
                max_opslimit: self.max_opslimit,
                max_memlimit: self.max_memlimit,
            });
        }
        Ok(cost)
    }
}

impl Default for KdfLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ScryptCost {
    log_n: u8,
    r: u32,
    p: u32,
}

impl ScryptCost {
    /// What scrypt allocates: the `N * r * 128` table and the `p * r * 128` block buffer.
    fn memory_bytes(self) -> u128 {
        let r = u128::from(self.r);
        128 * r * ((1u128 << self.log_n) + u128::from(self.p))
    }
}

/// The scrypt key stream that encrypts the secret part of a key file.
fn derive_stream(
    password: &str,
    salt: &[u8; layout::KDF_SALT_LEN],
    params: KdfParams,
    limits: KdfLimits,
) -> Result<Zeroizing<EncryptedPart>> {
    let cost = limits.check(params)?;
    let invalid = || Error::UnsupportedKey {
        reason: format!(
            "its scrypt parameters (opslimit {}, memlimit {}) are invalid",
            params.opslimit, params.memlimit
        ),
    };
    // The output length argument only matters for scrypt's password-hash strings.
    let scrypt_params =
        scrypt::Params::new(cost.log_n, cost.r, cost.p, 32).map_err(|_| invalid())?;
    let mut stream = Zeroizing::new([0u8; layout::SECRET_KEY_ENCRYPTED_BYTES]);
    scrypt::scrypt(
        password.as_bytes(),
        salt,
        &scrypt_params,
        stream.as_mut_slice(),
    )
    .map_err(|_| invalid())?;
    Ok(stream)
}

/// BLAKE2b-256 of `Ed || key id || secret key`, as minisign computes it.
fn checksum(key_id: &[u8], secret_key: &[u8]) -> [u8; layout::CHECKSUM_LEN] {
    let mut hasher = Blake2b256::new();
    hasher.update(layout::SIG_ALG);
    hasher.update(key_id);
    hasher.update(secret_key);
    hasher.finalize().into()
}

fn xor_in_place(buf: &mut EncryptedPart, stream: &EncryptedPart) {
    for (b, s) in buf.iter_mut().zip(stream.iter()) {
        *b ^= s;
    }
}

/// A key file decoded, not yet decrypted.
struct RawKey {
    encrypted: bool,
    salt: [u8; layout::KDF_SALT_LEN],
    kdf: KdfParams,
    secret: Zeroizing<EncryptedPart>,
}

impl RawKey {
    fn parse(s: &str) -> Result<Self> {
        let malformed = |reason: &str| Error::Malformed {
            what: WHAT,
            reason: reason.to_owned(),
        };
        let line = match split_lines(s).as_slice() {
            [""] => return Err(malformed("the file is empty")),
            [comment, line] => {
                super::untrusted_comment(comment, WHAT)?;
                *line
            }
            [_] => {
                return Err(malformed(
                    "expected two lines (an untrusted comment and the base64 key), found one",
                ));
            }
            lines => {
                return Err(malformed(&format!(
                    "expected two lines (an untrusted comment and the base64 key), found {}",
                    lines.len()
                )));
            }
        };
        let bytes: Zeroizing<[u8; layout::SECRET_KEY_BYTES]> =
            Zeroizing::new(decode_base64(line, WHAT, "key")?);
        let unsupported = |reason: String| Error::UnsupportedKey { reason };
        let sig_alg = &bytes[..KDF_ALG];
        if sig_alg != layout::SIG_ALG {
            return Err(unsupported(format!(
                "signature algorithm {}; minisign keys use \"Ed\"",
                show_alg(sig_alg)
            )));
        }
        let chk_alg = &bytes[CHK_ALG..SALT];
        if chk_alg != layout::CHK_ALG {
            return Err(unsupported(format!(
                "checksum algorithm {}; minisign keys use \"B2\"",
                show_alg(chk_alg)
            )));
        }
        let kdf_alg = &bytes[KDF_ALG..CHK_ALG];
        let encrypted = if kdf_alg == layout::KDF_ALG_SCRYPT {
            true
        } else if kdf_alg == layout::KDF_ALG_NONE {
            false
        } else {
            return Err(unsupported(format!(
                "key derivation {}; minisign keys use \"Sc\" (scrypt) or none",
                show_alg(kdf_alg)
            )));
        };
        let mut salt = [0u8; layout::KDF_SALT_LEN];
        salt.copy_from_slice(&bytes[SALT..OPSLIMIT]);
        let mut u64_at = [0u8; 8];
        u64_at.copy_from_slice(&bytes[OPSLIMIT..MEMLIMIT]);
        let opslimit = u64::from_le_bytes(u64_at);
        u64_at.copy_from_slice(&bytes[MEMLIMIT..ENCRYPTED]);
        let memlimit = u64::from_le_bytes(u64_at);
        let mut secret = Zeroizing::new([0u8; layout::SECRET_KEY_ENCRYPTED_BYTES]);
        secret.copy_from_slice(&bytes[ENCRYPTED..]);
        Ok(Self {
            encrypted,
            salt,
            kdf: KdfParams { opslimit, memlimit },
            secret,
        })
    }
}

/// A minisign secret key. Its secret bytes are wiped from memory when it is dropped, and
/// `Debug` shows only the key id and public key.
pub struct SecretKey {
    key_id: KeyId,
    signing_key: ed25519_dalek::SigningKey,
}

impl SecretKey {
    /// A new key pair with a random key id, as `minisign -G` makes one.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let signing_key = ed25519_dalek::SigningKey::generate(rng);
        let mut key_id = [0u8; layout::KEY_ID_LEN];
        rng.fill_bytes(&mut key_id);
        Self {
            key_id: KeyId::from_bytes(key_id),
            signing_key,
        }
    }

    /// Whether a key file is encrypted, so a caller knows whether to ask for a password.
    /// Cheap: it only decodes the file.
    pub fn is_encrypted(file: &str) -> Result<bool> {
        RawKey::parse(file).map(|raw| raw.encrypted)
    }

    /// Read a `minisign.key` file, decrypting it with `password` if it is encrypted.
    ///
    /// # Errors
    /// [`Error::PasswordRequired`] if it is encrypted and `password` is `None`,
    /// [`Error::WrongPassword`], [`Error::KdfLimitExceeded`] if its scrypt parameters are beyond
    /// [`KdfLimits::DEFAULT`], [`Error::UnsupportedKey`], [`Error::Malformed`].
    pub fn from_file_str(file: &str, password: Option<&str>) -> Result<Self> {
        Self::from_file_str_with_limits(file, password, KdfLimits::DEFAULT)
    }

    /// [`SecretKey::from_file_str`] with explicit limits on the key derivation's cost (a fuzzer,
    /// or a server reading keys from strangers, wants them tighter).
    pub fn from_file_str_with_limits(
        file: &str,
        password: Option<&str>,
        limits: KdfLimits,
    ) -> Result<Self> {
        let RawKey {
            encrypted,
            salt,
            kdf,
            mut secret,
        } = RawKey::parse(file)?;
        if encrypted {
            let password = password.ok_or(Error::PasswordRequired)?;
            let stream = derive_stream(password, &salt, kdf, limits)?;
            xor_in_place(&mut secret, &stream);
        }
        let (key_id, rest) = secret.split_at(layout::KEY_ID_LEN);
        let (keypair, chk) = rest.split_at(layout::SECRET_KEY_LEN);
        let expected = Zeroizing::new(checksum(key_id, keypair));
        if chk != expected.as_slice() {
            // minisign's `-W` writes unencrypted keys with an all-zero checksum and never
            // checks it; only a non-zero, wrong one is a sign of damage.
            if encrypted {
                return Err(Error::WrongPassword);
            }
            if chk.iter().any(|&b| b != 0) {
                return Err(Error::Malformed {
                    what: WHAT,
                    reason: "its checksum does not match: the file is damaged".to_owned(),
                });
            }
        }
        let mut keypair_bytes = Zeroizing::new([0u8; layout::SECRET_KEY_LEN]);
        keypair_bytes.copy_from_slice(keypair);
        let signing_key =
            ed25519_dalek::SigningKey::from_keypair_bytes(&keypair_bytes).map_err(|_| {
                Error::Malformed {
                    what: WHAT,
                    reason: "its public half does not match its secret half: the file is damaged"
                        .to_owned(),
                }
            })?;
        let mut id = [0u8; layout::KEY_ID_LEN];
        id.copy_from_slice(key_id);
        Ok(Self {
            key_id: KeyId::from_bytes(id),
            signing_key,
        })
    }

    /// The `minisign.key` file: encrypted with `password` using minisign's default scrypt cost
    /// (about a second or two and 1 GiB of memory), or unencrypted if `password` is `None`.
    /// `rng` draws the salt.
    pub fn to_file_string(
        &self,
        password: Option<&str>,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Zeroizing<String>> {
        self.to_file_string_with_kdf(password, KdfParams::MINISIGN_DEFAULT, rng)
    }

    /// [`SecretKey::to_file_string`] with an explicit scrypt cost (tests want it cheap). The
    /// cost must be within [`KdfLimits::DEFAULT`], so the key can be read back.
    pub fn to_file_string_with_kdf(
        &self,
        password: Option<&str>,
        kdf: KdfParams,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Zeroizing<String>> {
        let mut bytes = Zeroizing::new([0u8; layout::SECRET_KEY_BYTES]);
        bytes[..KDF_ALG].copy_from_slice(&layout::SIG_ALG);
        bytes[CHK_ALG..SALT].copy_from_slice(&layout::CHK_ALG);
        let keypair = Zeroizing::new(self.signing_key.to_keypair_bytes());
        let mut secret = Zeroizing::new([0u8; layout::SECRET_KEY_ENCRYPTED_BYTES]);
        let (id, rest) = secret.split_at_mut(layout::KEY_ID_LEN);
        let (sk, chk) = rest.split_at_mut(layout::SECRET_KEY_LEN);
        id.copy_from_slice(self.key_id.as_bytes());
        sk.copy_from_slice(keypair.as_slice());
        chk.copy_from_slice(&checksum(self.key_id.as_bytes(), keypair.as_slice()));
        let comment = match password {
            Some(password) => {
                let mut salt = [0u8; layout::KDF_SALT_LEN];
                rng.fill_bytes(&mut salt);
                let stream = derive_stream(password, &salt, kdf, KdfLimits::DEFAULT)?;
                xor_in_place(&mut secret, &stream);
                bytes[KDF_ALG..CHK_ALG].copy_from_slice(&layout::KDF_ALG_SCRYPT);
                bytes[SALT..OPSLIMIT].copy_from_slice(&salt);
                bytes[OPSLIMIT..MEMLIMIT].copy_from_slice(&kdf.opslimit.to_le_bytes());
                bytes[MEMLIMIT..ENCRYPTED].copy_from_slice(&kdf.memlimit.to_le_bytes());
                layout::SECRET_KEY_COMMENT_ENCRYPTED
            }
            // Unencrypted: no KDF, zero salt and limits, as `minisign -G -W` writes; but a real
            // checksum, so damage is detected.
            None => layout::SECRET_KEY_COMMENT_UNENCRYPTED,
        };
        bytes[ENCRYPTED..].copy_from_slice(secret.as_slice());
        let line = Zeroizing::new(encode_base64(bytes.as_slice()));
        Ok(Zeroizing::new(format!(
            "{}{comment}\n{}\n",
            layout::UNTRUSTED_COMMENT_PREFIX,
            *line
        )))
    }

    /// The key id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verified_parts(self.key_id, self.signing_key.verifying_key().to_bytes())
    }

    /// Sign `data` (prehashed, as minisign 0.11 does), with a signed one-line `trusted_comment`.
    ///
    /// # Errors
    /// [`Error::CommentNotOneLine`], [`Error::CommentContainsNul`], [`Error::CommentTooLong`].
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<Signature> {
        let mut signer = self.signer(trusted_comment)?;
        signer.update(data);
        Ok(signer.finalize())
    }

    /// Start signing data fed in pieces, for files too large to hold in memory. The comment is
    /// checked now, before any data is read.
    pub fn signer(&self, trusted_comment: &str) -> Result<StreamSigner<'_>> {
        check_comment(trusted_comment, layout::TRUSTED_COMMENT_MAX_LEN)?;
        Ok(StreamSigner {
            key: self,
            trusted_comment: trusted_comment.to_owned(),
            hasher: Blake2b512::new(),
        })
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("key_id", &self.key_id)
            .field("public_key", &self.public_key().to_base64())
            .finish_non_exhaustive()
    }
}

/// Signs data fed in pieces; made by [`SecretKey::signer`].
pub struct StreamSigner<'a> {
    key: &'a SecretKey,
    trusted_comment: String,
    hasher: Blake2b512,
}

impl StreamSigner<'_> {
    /// Feed the next piece of the data.
    pub fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// The signature over everything fed.
    pub fn finalize(self) -> Signature {
        let hash = self.hasher.finalize();
        let signing_key = &self.key.signing_key;
        let signature = signing_key.sign(&hash).to_bytes();
        let mut sig = Signature {
            algorithm: SignatureAlgorithm::Prehashed,
            key_id: self.key.key_id,
            signature,
            untrusted_comment: layout::SIGNATURE_COMMENT.to_owned(),
            trusted_comment: self.trusted_comment,
            global_signature: [0; layout::SIGNATURE_LEN],
        };
        sig.global_signature = signing_key.sign(&sig.global_message()).to_bytes();
        sig
    }
}

impl fmt::Debug for StreamSigner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSigner")
            .field("key_id", &self.key.key_id)
            .field("trusted_comment", &self.trusted_comment)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    /// `minisign -G -W` (0.11): unencrypted, all-zero checksum.
    const MINISIGN_UNENCRYPTED: &str = "untrusted comment: minisign encrypted secret key
RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwpOdjc41b9olGdetwt5RNIv8fZI2cDrdrx+sB3nClIuvMqHajDAmsQsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
";
    /// The signature `minisign -S` made of `hello\n` with that key.
    const MINISIGN_SIG: &str = "untrusted comment: signature from minisign secret key
RUTCk52NzjVv2v9fHnYaTjXEkHybMnVC1fWZesr/F/vzFUzhyO/lwYmrb1sZjnhDkSO+gdLku2MRMm2NvN0Y9U3jkekDArC6Wwo=
trusted comment: timestamp:1795607452\tfile:f.txt\thashed
NfnMBtj2HzkSzhDh0U8/lg2LG5J+h2OSVVE+ubndAmUdKSNciT46RShnKeCRG3JhVd6ZSw5DfnOL1m6CS1HyCw==
";
    /// Cheap enough for unit tests: N = 1024, 1 MiB.
    const FAST: KdfParams = KdfParams {
        opslimit: 32_768,
        memlimit: 1 << 20,
    };

    #[test]
    fn pickparams_matches_libsodium() {
        // minisign's default: N = 2^20, r = 8, p = 1 (1 GiB).
        assert_eq!(
            KdfParams::MINISIGN_DEFAULT.scrypt_cost(),
            ScryptCost {
                log_n: 20,
                r: 8,
                p: 1
            }
        );
        assert_eq!(
            KdfParams::MINISIGN_DEFAULT.scrypt_cost().memory_bytes(),
            (1 << 30) + 1024
        );
        // libsodium's "interactive" level: opslimit 2^19, memlimit 2^24 → N = 2^14, p = 1.
        let interactive = KdfParams {
            opslimit: 524_288,
            memlimit: 16_777_216,
        };
        assert_eq!(
            interactive.scrypt_cost(),
            ScryptCost {
                log_n: 14,
                r: 8,
                p: 1
            }
        );
        // opslimit well below memlimit / 32: memory follows opslimit.
        let ops_bound = KdfParams {
            opslimit: 32_768,
            memlimit: 1 << 30,
        };
        assert_eq!(
            ops_bound.scrypt_cost(),
            ScryptCost {
                log_n: 10,
                r: 8,
                p: 1
            }
        );
        // Tiny memlimit, big opslimit: small N, many lanes.
        let lanes = KdfParams {
            opslimit: 1 << 20,
            memlimit: 0,
        };
        assert_eq!(
            lanes.scrypt_cost(),
            ScryptCost {
                log_n: 1,
                r: 8,
                p: 16_384
            }
        );
        // Extreme values neither overflow nor panic.
        let huge = KdfParams {
            opslimit: u64::MAX,
            memlimit: u64::MAX,
        };
        assert_eq!(huge.scrypt_cost().log_n, 53);
        let _ = KdfParams {
            opslimit: u64::MAX,
            memlimit: 0,
        }
        .scrypt_cost();
        assert_eq!(
            FAST.scrypt_cost(),
            ScryptCost {
                log_n: 10,
                r: 8,
                p: 1
            }
        );
    }

    #[test]
    fn reads_minisign_unencrypted_key_and_signs_identically() {
        assert!(!SecretKey::is_encrypted(MINISIGN_UNENCRYPTED).unwrap());
        let key = SecretKey::from_file_str(MINISIGN_UNENCRYPTED, None).unwrap();
        assert_eq!(key.key_id().to_string(), "DA6F35CE8D9D93C2");
        assert_eq!(
            key.public_key().to_base64(),
            "RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg"
        );
        // Ed25519 is deterministic: same key, data and comment give minisign's exact bytes.
        let sig = key
            .sign(b"hello\n", "timestamp:1795607452\tfile:f.txt\thashed")
            .unwrap();
        let expected: Signature = MINISIGN_SIG.parse().unwrap();
        assert_eq!(sig.signature_bytes(), expected.signature_bytes());
        assert_eq!(
            sig.global_signature_bytes(),
            expected.global_signature_bytes()
        );
        assert_eq!(sig.untrusted_comment(), layout::SIGNATURE_COMMENT);
        key.public_key().verify(b"hello\n", &sig, false).unwrap();
    }

    #[test]
    fn encrypted_round_trip() {
        let key = SecretKey::generate(&mut OsRng);
        let file = key
            .to_file_string_with_kdf(Some("correct horse"), FAST, &mut OsRng)
            .unwrap();
        assert!(file.starts_with("untrusted comment: minisign encrypted secret key\n"));
        assert!(SecretKey::is_encrypted(&file).unwrap());
        let back = SecretKey::from_file_str(&file, Some("correct horse")).unwrap();
        assert_eq!(back.key_id(), key.key_id());
        assert_eq!(back.public_key(), key.public_key());
        assert!(matches!(
            SecretKey::from_file_str(&file, None),
            Err(Error::PasswordRequired)
        ));
        assert!(matches!(
            SecretKey::from_file_str(&file, Some("wrong")),
            Err(Error::WrongPassword)
        ));
    }

    #[test]
    fn unencrypted_round_trip_ignores_password() {
        let key = SecretKey::generate(&mut OsRng);
        let file = key.to_file_string(None, &mut OsRng).unwrap();
        assert!(file.starts_with("untrusted comment: minisign secret key\n"));
        let back = SecretKey::from_file_str(&file, Some("unused")).unwrap();
        assert_eq!(back.public_key(), key.public_key());
        // Written again, byte for byte the same (no salt when unencrypted).
        assert_eq!(*back.to_file_string(None, &mut OsRng).unwrap(), *file);
    }

    fn with_bytes(file: &str, edit: impl FnOnce(&mut [u8; layout::SECRET_KEY_BYTES])) -> String {
        let mut lines = file.lines();
        let comment = lines.next().unwrap();
        let mut raw: [u8; layout::SECRET_KEY_BYTES] =
            decode_base64(lines.next().unwrap(), "t", "t").unwrap();
        edit(&mut raw);
        format!("{comment}\n{}\n", encode_base64(&raw))
    }

    #[test]
    fn damaged_or_unsupported_keys_are_refused() {
        let ok = MINISIGN_UNENCRYPTED;
        let unsupported = |s: &str| match SecretKey::from_file_str(s, Some("pw")) {
            Err(Error::UnsupportedKey { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(unsupported(&with_bytes(ok, |b| b[0] = b'X')).starts_with("signature algorithm"));
        assert!(unsupported(&with_bytes(ok, |b| b[2] = b'X')).starts_with("key derivation"));
        assert!(unsupported(&with_bytes(ok, |b| b[4] = b'X')).starts_with("checksum algorithm"));
        assert!(SecretKey::is_encrypted(&with_bytes(ok, |b| b[2] = b'X')).is_err());

        let malformed = |s: &str| match SecretKey::from_file_str(s, None) {
            Err(Error::Malformed {
                what: "secret key",
                reason,
            }) => reason,
            other => panic!("{other:?}"),
        };
        // A non-zero checksum that does not match.
        assert!(malformed(&with_bytes(ok, |b| b[157] = 1)).contains("checksum"));
        // The public half of the secret key does not match its seed.
        assert!(malformed(&with_bytes(ok, |b| b[100] ^= 1)).contains("public half"));
        assert_eq!(malformed(""), "the file is empty");
        assert!(malformed("untrusted comment: x\n").starts_with("expected two lines"));
        assert!(malformed("a\nb\nc\n").contains("found 3"));
        assert_eq!(
            malformed("untrusted comment: x\nAAAA\n"),
            "the key decodes to 3 bytes, expected 158"
        );
    }

    #[test]
    fn hostile_kdf_params_are_refused_before_deriving() {
        let key = SecretKey::generate(&mut OsRng);
        let file = key
            .to_file_string_with_kdf(Some("pw"), FAST, &mut OsRng)
            .unwrap();
        let set = |ops: u64, mem: u64| {
            with_bytes(&file, |b| {
                b[OPSLIMIT..MEMLIMIT].copy_from_slice(&ops.to_le_bytes());
                b[MEMLIMIT..ENCRYPTED].copy_from_slice(&mem.to_le_bytes());
            })
        };
        for (ops, mem) in [
            (layout::KDF_OPSLIMIT, layout::KDF_MEMLIMIT_MAX + 1),
            (layout::KDF_OPSLIMIT_MAX + 1, layout::KDF_MEMLIMIT),
            (u64::MAX, u64::MAX),
            (u64::MAX, 0),
        ] {
            let err = SecretKey::from_file_str(&set(ops, mem), Some("pw")).unwrap_err();
            assert!(
                matches!(err, Error::KdfLimitExceeded { .. }),
                "{ops} {mem}: {err:?}"
            );
        }
        // Tight limits refuse minisign's defaults too.
        let tight = KdfLimits {
            max_opslimit: 1 << 16,
            max_memlimit: 1 << 20,
        };
        let err = SecretKey::from_file_str_with_limits(
            &set(layout::KDF_OPSLIMIT, layout::KDF_MEMLIMIT),
            Some("pw"),
            tight,
        )
        .unwrap_err();
        assert!(matches!(err, Error::KdfLimitExceeded { .. }));
        // Changed (but allowed) parameters derive another stream: a wrong password, in effect.
        let err = SecretKey::from_file_str(&set(65_536, 1 << 20), Some("pw")).unwrap_err();
        assert!(matches!(err, Error::WrongPassword));
        // Writing refuses what reading would refuse.
        let too_big = KdfParams {
            opslimit: u64::MAX,
            memlimit: 1 << 20,
        };
        assert!(
            key.to_file_string_with_kdf(Some("pw"), too_big, &mut OsRng)
                .is_err()
        );
    }

    #[test]
    fn comments_are_checked_before_signing() {
        let key = SecretKey::generate(&mut OsRng);
        assert!(matches!(
            key.sign(b"x", "a\nb"),
            Err(Error::CommentNotOneLine)
        ));
        assert!(matches!(key.signer("a\0b"), Err(Error::CommentContainsNul)));
        let long = "x".repeat(layout::TRUSTED_COMMENT_MAX_LEN + 1);
        assert!(matches!(
            key.sign(b"x", &long),
            Err(Error::CommentTooLong { .. })
        ));
        let longest = "x".repeat(layout::TRUSTED_COMMENT_MAX_LEN);
        let sig = key.sign(b"x", &longest).unwrap();
        key.public_key().verify(b"x", &sig, false).unwrap();
        let empty = key.sign(b"", "").unwrap();
        key.public_key().verify(b"", &empty, false).unwrap();
    }

    #[test]
    fn streaming_matches_one_shot() {
        let key = SecretKey::generate(&mut OsRng);
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let whole = key.sign(&data, "c").unwrap();
        let mut signer = key.signer("c").unwrap();
        for chunk in data.chunks(4097) {
            signer.update(chunk);
        }
        assert_eq!(signer.finalize(), whole);
        let public = key.public_key();
        let mut verifier = public.verifier(&whole, false).unwrap();
        for chunk in data.chunks(999) {
            verifier.update(chunk);
        }
        verifier.finalize().unwrap();
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = SecretKey::from_file_str(MINISIGN_UNENCRYPTED, None).unwrap();
        let debug = format!("{key:?}");
        assert!(
            debug.starts_with("SecretKey { key_id: KeyId(DA6F35CE8D9D93C2)"),
            "{debug}"
        );
        let seed = encode_base64(key.signing_key.as_bytes());
        assert!(!debug.contains(&seed));
        assert!(!debug.contains("secret_key"), "{debug}");
    }
}
