//! Log data from a registry or a monitor's download: records, signed checkpoints, tile paths
//! and entry bundles. Parsing never panics; whatever parses re-encodes to the same bytes; a
//! checkpoint never verifies under a key that did not sign it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::log::{self, LogRecord, LogSigner, TilePath};

fuzz_target!(|data: &[u8]| {
    // Records are canonical: a parsed record writes back exactly the input.
    if let Ok(record) = LogRecord::parse(data) {
        let bytes = record.to_bytes().expect("a parsed record encodes");
        assert_eq!(bytes, data);
    }

    // Entry bundles: decode, re-encode, decode again gives the same records.
    if let Ok(records) = log::tile::decode_bundle(data) {
        let encoded = log::tile::encode_bundle(records.iter().map(Vec::as_slice))
            .expect("decoded records encode");
        assert_eq!(
            log::tile::decode_bundle(&encoded).expect("own bundle"),
            records
        );
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(tile) = TilePath::parse(text) {
        assert_eq!(
            TilePath::parse(&tile.path()).expect("own path parses"),
            tile
        );
    }

    // A fixed log key: fuzzed notes must never verify under it (the fuzzer cannot sign).
    let signer = LogSigner::from_seed("fuzz.example/log", [7; 32]).expect("valid origin");
    let verifier = log::LogVerifier::new(signer.verifier_key()).expect("own verifier key");
    let _ = log::note::parse_unverified(text);
    if let Ok(checkpoint) = verifier.verify_checkpoint(text) {
        // Only possible if the input is a note this key really signed for that size and root.
        let resigned = signer
            .sign_checkpoint(checkpoint.size, checkpoint.root)
            .expect("signing a parsed checkpoint");
        assert!(verifier.verify_checkpoint(&resigned).is_ok());
    }
});
