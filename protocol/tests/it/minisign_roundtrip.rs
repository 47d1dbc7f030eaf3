//! Property tests: everything written parses back to the same value, every signature made
//! verifies, and any change to signed bytes is caught.

// Test code: a failed unwrap is a failed test, with its location.

use blake2::{Blake2b512, Digest};
use proptest::prelude::*;
use protocol::minisign::{KdfParams, SignatureAlgorithm};
use protocol::{Error, KeyId, PublicKey, SecretKey, Signature};
use rand_core::{CryptoRng, RngCore};

/// A deterministic CSPRNG-shaped generator (BLAKE2b in counter mode), so proptest can shrink and
/// replay failures. Test-only: never use a seedable RNG for real keys.
struct SeededRng {
    seed: [u8; 32],
    counter: u64,
    buffer: Vec<u8>,
}

impl SeededRng {
    fn new(seed: [u8; 32]) -> Self {
        Self {
            seed,
            counter: 0,
            buffer: Vec::new(),
        }
    }
}

impl RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            if self.buffer.is_empty() {
                let mut h = Blake2b512::new();
                h.update(self.seed);
                h.update(self.counter.to_le_bytes());
                self.counter += 1;
                self.buffer = h.finalize().to_vec();
            }
            *byte = self.buffer.pop().unwrap();
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for SeededRng {}

/// Cheap scrypt for tests: N = 1024, 1 MiB.
const FAST: KdfParams = KdfParams {
    opslimit: 32_768,
    memlimit: 1 << 20,
};

fn key(seed: [u8; 32]) -> SecretKey {
    SecretKey::generate(&mut SeededRng::new(seed))
}

/// Trusted comments minisign accepts: one line, no NUL.
fn comment() -> impl Strategy<Value = String> {
    "[^\r\n\0]{0,300}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn key_id_display_parse_round_trip(bytes: [u8; 8]) {
        let id = KeyId::from_bytes(bytes);
        let shown = id.to_string();
        prop_assert_eq!(shown.len(), 16);
        prop_assert!(shown.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
        prop_assert_eq!(shown.parse::<KeyId>().unwrap(), id);
        prop_assert_eq!(shown.to_lowercase().parse::<KeyId>().unwrap(), id);
        prop_assert_eq!(u64::from_str_radix(&shown, 16).unwrap(), u64::from_le_bytes(bytes));
        let json = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<KeyId>(&json).unwrap(), id);
    }

    #[test]
    fn key_id_parse_never_panics(s in "\\PC{0,20}") {
        if let Ok(id) = s.parse::<KeyId>() {
            // Up to 16 digits (minisign 0.11 dropped leading zeros); shown padded to 16.
            prop_assert!(!s.is_empty() && s.len() <= 16);
            let shown = id.to_string();
            let given = s.to_uppercase();
            prop_assert_eq!(shown.len(), 16);
            prop_assert_eq!(shown.trim_start_matches('0'), given.trim_start_matches('0'));
        }
    }

    #[test]
    fn public_key_file_round_trip(seed: [u8; 32]) {
        let public = key(seed).public_key();
        let file = public.to_file_string();
        prop_assert_eq!(
            file.lines().next().unwrap(),
            format!("untrusted comment: minisign public key {}", public.key_id())
        );
        let back: PublicKey = file.parse().unwrap();
        prop_assert_eq!(&back, &public);
        prop_assert_eq!(back.to_file_string(), file);
        prop_assert_eq!(PublicKey::from_base64(&public.to_base64()).unwrap(), public);
    }

    #[test]
    fn secret_key_file_round_trip_unencrypted(seed: [u8; 32]) {
        let secret = key(seed);
        let mut rng = SeededRng::new(seed);
        let file = secret.to_file_string(None, &mut rng).unwrap();
        prop_assert!(!SecretKey::is_encrypted(&file).unwrap());
        let back = SecretKey::from_file_str(&file, None).unwrap();
        prop_assert_eq!(back.public_key(), secret.public_key());
        prop_assert_eq!(&*back.to_file_string(None, &mut rng).unwrap(), &*file);
    }

    #[test]
    fn secret_key_file_round_trip_encrypted(seed: [u8; 32], password in "\\PC{0,40}") {
        let secret = key(seed);
        let file = secret
            .to_file_string_with_kdf(Some(&password), FAST, &mut SeededRng::new(seed))
            .unwrap();
        prop_assert!(SecretKey::is_encrypted(&file).unwrap());
        let back = SecretKey::from_file_str(&file, Some(&password)).unwrap();
        prop_assert_eq!(back.public_key(), secret.public_key());
        let wrong = format!("{password}x");
        prop_assert!(matches!(
            SecretKey::from_file_str(&file, Some(&wrong)),
            Err(Error::WrongPassword)
        ));
    }

    #[test]
    fn sign_verify_and_signature_file_round_trip(
        seed: [u8; 32],
        data in proptest::collection::vec(any::<u8>(), 0..4096),
        trusted in comment(),
    ) {
        let secret = key(seed);
        let public = secret.public_key();
        let sig = secret.sign(&data, &trusted).unwrap();
        prop_assert_eq!(sig.key_id(), public.key_id());
        prop_assert_eq!(sig.algorithm(), SignatureAlgorithm::Prehashed);
        prop_assert_eq!(sig.trusted_comment(), trusted.as_str());
        public.verify(&data, &sig, false).unwrap();

        let file = sig.to_file_string();
        let back: Signature = file.parse().unwrap();
        prop_assert_eq!(&back, &sig);
        prop_assert_eq!(back.to_file_string(), file);
        public.verify(&data, &back, false).unwrap();

        // Streaming, in uneven pieces, agrees with one-shot.
        let mut signer = secret.signer(&trusted).unwrap();
        let mut verifier = public.verifier(&sig, false).unwrap();
        for piece in data.chunks(97) {
            signer.update(piece);
            verifier.update(piece);
        }
        verifier.finalize().unwrap();
        prop_assert_eq!(signer.finalize(), sig);
    }

    #[test]
    fn any_changed_data_byte_fails(
        seed: [u8; 32],
        data in proptest::collection::vec(any::<u8>(), 1..2048),
        index: prop::sample::Index,
        flip in 1u8..=255,
    ) {
        let secret = key(seed);
        let sig = secret.sign(&data, "c").unwrap();
        let mut changed = data.clone();
        changed[index.index(data.len())] ^= flip;
        prop_assert!(matches!(
            secret.public_key().verify(&changed, &sig, false),
            Err(Error::BadSignature)
        ));
    }

    /// Changing any byte of the signature file outside the (unsigned) untrusted comment line
    /// makes it unparseable or unverifiable; it never verifies. (The final line end is not
    /// signed either: a CR there reads as a CRLF line end.)
    #[test]
    fn any_changed_signature_byte_fails(
        seed: [u8; 32],
        data in proptest::collection::vec(any::<u8>(), 0..256),
        trusted in comment(),
        index: prop::sample::Index,
        flip in 1u8..=255,
    ) {
        let secret = key(seed);
        let public = secret.public_key();
        let file = secret.sign(&data, &trusted).unwrap().to_file_string();
        let first_line_end = file.find('\n').unwrap();
        let signed_part = file.len() - first_line_end - 2;
        let at = first_line_end + 1 + index.index(signed_part);
        let mut bytes = file.into_bytes();
        bytes[at] ^= flip;
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        if let Ok(sig) = text.parse::<Signature>() {
            let result = public.verify(&data, &sig, true);
            prop_assert!(result.is_err(), "changed byte {at} still verifies");
        }
    }

    #[test]
    fn any_changed_public_key_byte_fails(
        seed: [u8; 32],
        data in proptest::collection::vec(any::<u8>(), 0..256),
        index: prop::sample::Index,
        flip in 1u8..=255,
    ) {
        let secret = key(seed);
        let sig = secret.sign(&data, "c").unwrap();
        let line = secret.public_key().to_base64();
        let mut bytes = line.into_bytes();
        let at = index.index(bytes.len());
        bytes[at] ^= flip;
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        if let Ok(public) = PublicKey::from_base64(&text) {
            prop_assert!(public.verify(&data, &sig, false).is_err());
        }
    }

    #[test]
    fn other_keys_are_refused(seed: [u8; 32], other_seed: [u8; 32], data: Vec<u8>) {
        prop_assume!(seed != other_seed);
        let signer = key(seed);
        let other = key(other_seed);
        let sig = signer.sign(&data, "c").unwrap();
        prop_assert!(
            matches!(other.public_key().verify(&data, &sig, false), Err(Error::KeyIdMismatch { .. })),
            "a different key id is named as such"
        );
        // Same key id, different key (a forged or mixed-up key file): the signature is bad.
        let impostor = PublicKey::from_parts(signer.key_id(), *other.public_key().as_bytes()).unwrap();
        prop_assert!(matches!(impostor.verify(&data, &sig, false), Err(Error::BadSignature)));
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,400}") {
        let _ = s.parse::<PublicKey>();
        let _ = s.parse::<Signature>();
        let _ = SecretKey::is_encrypted(&s);
        let _ = SecretKey::from_file_str(&s, None);
    }
}
