//! The registry's log key and its checkpoints: C2SP `tlog-checkpoint` bodies signed as C2SP
//! `signed-note`s with Ed25519.
//!
//! Key strings are Go's `golang.org/x/mod/sumdb/note` formats, which C2SP specifies:
//! - verifier key: `<name>+<8 hex key hash>+<base64(0x01 || 32-byte public key)>`;
//! - signer key (the key file): `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(0x01 || seed)>`.
//!
//! The key name is the log's origin, so a checkpoint's first line equals the name of the key
//! that signed it. Ed25519 signatures are deterministic: two replicas sharing the key sign a
//! given tree (origin, size, root) with byte-identical checkpoints.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use signed_note::{Note, Signer as _, StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::checkpoint::Checkpoint;

use super::{Hash, hash_to_base64, log_err};
use crate::error::Result;

const ALG_ED25519: u8 = 1;

/// The registry's private log key.
#[derive(Clone)]
pub struct LogSigner {
    signer: StandardSigner,
    seed: zeroize::Zeroizing<[u8; 32]>,
    verifier_key: String,
}

impl std::fmt::Debug for LogSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogSigner")
            .field("verifier_key", &self.verifier_key)
            .finish_non_exhaustive()
    }
}

/// Key names (origins) may not be empty, hold whitespace or `+`.
pub fn check_origin(origin: &str) -> Result<()> {
    if signed_note::is_key_name_valid(origin) && !origin.contains('\n') {
        Ok(())
    } else {
        Err(log_err(format!(
            "{origin:?} cannot be a log origin: it must be non-empty, without spaces or '+'"
        )))
    }
}

impl LogSigner {
    /// A key named `origin` from a 32-byte Ed25519 seed.
    pub fn from_seed(origin: &str, seed: [u8; 32]) -> Result<Self> {
        check_origin(origin)?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let mut public = vec![ALG_ED25519];
        public.extend_from_slice(signing.verifying_key().as_bytes());
        let id = signed_note::key_id(origin, &public);
        let mut private = zeroize::Zeroizing::new(vec![ALG_ED25519]);
        private.extend_from_slice(&seed);
        let skey = zeroize::Zeroizing::new(format!(
            "PRIVATE+KEY+{origin}+{id:08x}+{}",
            BASE64.encode(private.as_slice())
        ));
        let signer = StandardSigner::new(&skey)
            .map_err(|e| log_err(format!("cannot make the log key: {e}")))?;
        let verifier_key = format!("{origin}+{id:08x}+{}", BASE64.encode(&public));
        Ok(LogSigner {
            signer,
            seed: zeroize::Zeroizing::new(seed),
            verifier_key,
        })
    }

    /// A new random key named `origin`.
    pub fn generate(
        origin: &str,
        rng: &mut (impl rand_core::RngCore + rand_core::CryptoRng),
    ) -> Result<Self> {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut());
        Self::from_seed(origin, *seed)
    }

    /// Parses a key file (`PRIVATE+KEY+name+hash+base64`). The key is renamed to `origin` when
    /// given (the name is part of the verifier key, so clients see a new key).
    pub fn from_key_file(text: &str, origin: Option<&str>) -> Result<Self> {
        let text = text.trim();
        let bad = || {
            log_err("the log key file is not a signed-note private key (PRIVATE+KEY+NAME+HASH+KEY)")
        };
        StandardSigner::new(text).map_err(|e| log_err(format!("the log key file: {e}")))?;
        let mut parts = text.splitn(5, '+');
        let (Some("PRIVATE"), Some("KEY"), Some(name), Some(_), Some(b64)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let raw = zeroize::Zeroizing::new(BASE64.decode(b64).map_err(|_| bad())?);
        let seed: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, rest)) => rest.try_into().map_err(|_| bad())?,
            _ => return Err(bad()),
        };
        Self::from_seed(origin.unwrap_or(name), seed)
    }

    /// The key file text (secret).
    pub fn to_key_file(&self) -> zeroize::Zeroizing<String> {
        let mut private = zeroize::Zeroizing::new(vec![ALG_ED25519]);
        private.extend_from_slice(self.seed.as_ref());
        zeroize::Zeroizing::new(format!(
            "PRIVATE+KEY+{}+{:08x}+{}\n",
            self.origin(),
            self.signer.key_id(),
            BASE64.encode(private.as_slice())
        ))
    }

    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The public verifier key string clients pin.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// Signs the checkpoint of a tree: the C2SP signed note, as served at `/log/checkpoint`.
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<String> {
        let cp = Checkpoint::new(self.origin(), size, root, "")
            .map_err(|_| log_err("cannot build the checkpoint"))?;
        let mut note = Note::new(&cp.to_bytes(), &[])
            .map_err(|e| log_err(format!("cannot build the note: {e}")))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| log_err(format!("cannot sign the checkpoint: {e}")))?;
        String::from_utf8(note.to_bytes()).map_err(|_| log_err("the note is not UTF-8"))
    }
}

/// A pinned verifier key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVerifier {
    key: String,
    name: String,
}

/// A checkpoint whose signature checked out.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// The whole signed note, as received.
    pub note: String,
}

impl SignedCheckpoint {
    pub fn root_base64(&self) -> String {
        hash_to_base64(&self.root)
    }
}

impl LogVerifier {
    pub fn new(verifier_key: &str) -> Result<Self> {
        let key = verifier_key.trim();
        let v = StandardVerifier::new(key).map_err(|e| {
            log_err(format!(
                "{key:?} is not a signed-note verifier key (NAME+HASH+BASE64): {e}"
            ))
        })?;
        Ok(LogVerifier {
            key: key.to_string(),
            name: signed_note::Verifier::name(&v).to_string(),
        })
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The key's name, which is the log's origin.
    pub fn origin(&self) -> &str {
        &self.name
    }

    /// Verifies the note's signature by this key and parses the checkpoint in it. Other
    /// signatures (witnesses) are allowed and ignored.
    pub fn verify_checkpoint(&self, note_text: &str) -> Result<SignedCheckpoint> {
        let verifier = StandardVerifier::new(&self.key)
            .map_err(|e| log_err(format!("the verifier key: {e}")))?;
        let note = Note::from_bytes(note_text.as_bytes())
            .map_err(|e| log_err(format!("the checkpoint is not a signed note: {e}")))?;
        let list = VerifierList::new(vec![Box::new(verifier)]);
        note.verify(&list).map_err(|e| {
            log_err(format!(
                "the checkpoint is not signed by the registry's log key {}: {e}",
                self.key
            ))
        })?;
        let cp = Checkpoint::from_bytes(note.text())
            .map_err(|_| log_err("the signed note is not a tlog checkpoint"))?;
        if cp.origin() != self.name {
            return Err(log_err(format!(
                "the checkpoint is for the log {:?}, not {:?}",
                cp.origin(),
                self.name
            )));
        }
        Ok(SignedCheckpoint {
            origin: cp.origin().to_string(),
            size: cp.size(),
            root: *cp.hash(),
            note: note_text.to_string(),
        })
    }
}

/// Reads a checkpoint note's body without checking any signature (to show what a bad note
/// claims, or to read a stored copy).
pub fn parse_unverified(note_text: &str) -> Result<(String, u64, Hash)> {
    let note = Note::from_bytes(note_text.as_bytes())
        .map_err(|e| log_err(format!("not a signed note: {e}")))?;
    let cp = Checkpoint::from_bytes(note.text())
        .map_err(|_| log_err("the signed note is not a tlog checkpoint"))?;
    Ok((cp.origin().to_string(), cp.size(), *cp.hash()))
}
