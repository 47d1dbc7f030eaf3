//! Signature files from anywhere: parsing never panics, whatever parses writes back identically
//! (modulo line ends), and verifying it against a fixed key never panics or wrongly succeeds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::{KeyId, PublicKey, Signature};

/// A `minisign -G -W` key; the fuzzer can copy its key id from the seed corpus.
const PUBLIC: &str = "RWTCk52NzjVv2gsuIzF7WvuDEKQh8ouxapRuWCqbUt37r7qwZin5yotg";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sig) = text.parse::<Signature>() else {
        return;
    };

    let written = sig.to_file_string();
    let again: Signature = written.parse().expect("own output parses");
    assert_eq!(again, sig);
    assert_eq!(again.to_file_string(), written);
    // With LF line ends and a final newline, the input is already canonical: byte-exact.
    if !text.contains('\r') && text.ends_with('\n') {
        assert_eq!(written, text);
    }
    assert!(sig.key_id().to_string().parse::<KeyId>().is_ok());

    let public = PublicKey::from_base64(PUBLIC).expect("valid key");
    for allow_legacy in [false, true] {
        let result = public.verify(b"hello\n", &sig, allow_legacy);
        if let Ok(mut verifier) = public.verifier(&sig, allow_legacy) {
            verifier.update(b"hello\n");
            // Streaming and one-shot always agree.
            assert_eq!(verifier.finalize().is_ok(), result.is_ok());
        } else {
            assert!(result.is_err());
        }
    }
});
