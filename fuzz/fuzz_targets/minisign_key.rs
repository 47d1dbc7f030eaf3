//! Key files from anywhere: public and secret key parsing never panics, never allocates without
//! bound, and whatever parses writes back to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::minisign::{KdfLimits, KdfParams, Zeroizing};
use protocol::{Error, PublicKey, SecretKey};

/// Far below minisign's 1 GiB: the fuzzer must not be able to make each input cost seconds.
/// Key files asking for more are refused before anything is derived.
const LIMITS: KdfLimits = KdfLimits {
    max_opslimit: 1 << 16,
    max_memlimit: 1 << 20,
};

/// A deterministic stand-in for a CSPRNG (only the salt of re-encrypted keys comes from it).
struct Counter(u8);

impl rand_core::RngCore for Counter {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }
    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::CryptoRng for Counter {}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(public) = PublicKey::from_file_str(text) {
        let again = PublicKey::from_file_str(&public.to_file_string()).expect("own output parses");
        assert_eq!(again, public);
        assert_eq!(
            PublicKey::from_base64(&public.to_base64()).expect("own base64"),
            public
        );
    }

    let encrypted = SecretKey::is_encrypted(text);
    let without = SecretKey::from_file_str_with_limits(text, None, LIMITS);
    let with = SecretKey::from_file_str_with_limits(text, Some("password"), LIMITS);
    match encrypted {
        // The cheap check and the full parse agree on what is a key file.
        Err(_) => assert!(without.is_err() && with.is_err()),
        Ok(true) => assert!(matches!(without, Err(Error::PasswordRequired))),
        Ok(false) => assert_eq!(without.is_ok(), with.is_ok()),
    }
    for secret in [without, with].into_iter().flatten() {
        // Whatever reads, writes back to the same key, encrypted or not.
        let plain: Zeroizing<String> = secret
            .to_file_string(None, &mut Counter(0))
            .expect("unencrypted write");
        let back = SecretKey::from_file_str_with_limits(&plain, None, LIMITS).expect("reads back");
        assert_eq!(back.public_key(), secret.public_key());
        let cheap = KdfParams {
            opslimit: 32_768,
            memlimit: 1 << 16,
        };
        let locked = secret
            .to_file_string_with_kdf(Some("pw"), cheap, &mut Counter(0))
            .expect("write");
        let back =
            SecretKey::from_file_str_with_limits(&locked, Some("pw"), LIMITS).expect("reads back");
        assert_eq!(back.public_key(), secret.public_key());
        // Signatures made with a key from anywhere verify with its public key.
        let sig = secret.sign(data, "fuzz").expect("sign");
        secret
            .public_key()
            .verify(data, &sig, false)
            .expect("verify");
    }
});
