//! Property tests of the transparency log: for random trees of up to a few thousand leaves,
//! every inclusion proof and every consistency proof (from every smaller size to the tree)
//! verifies, and altering any byte of a proof, leaf, root or signed checkpoint makes
//! verification fail. Records and tile paths round-trip and never panic on input.

use proptest::prelude::*;
use protocol::log::{
    self, Hash, LogRecord, LogSigner, LogVerifier, ReleaseAction, TilePath, VecReader,
    consistency_proof, inclusion_proof, leaf_hash, stored_hashes_of, tree_hash, verify_consistency,
    verify_inclusion,
};

fn tree(size: usize, seed: u64) -> (Vec<Hash>, Vec<Hash>) {
    let leaves: Vec<Hash> = (0..size)
        .map(|i| leaf_hash(format!("leaf {seed} {i}").as_bytes()))
        .collect();
    let stored = stored_hashes_of(&leaves).unwrap();
    (leaves, stored)
}

fn flip(h: Hash, byte: usize, bit: u8) -> Hash {
    let mut b = h.0;
    b[byte % 32] ^= 1 << (bit % 8);
    Hash(b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn every_proof_verifies_and_tampering_fails(
        size in 1usize..3000,
        seed in any::<u64>(),
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let (leaves, stored) = tree(size, seed);
        let r = VecReader(&stored);
        let n = size as u64;
        let root = tree_hash(n, &r).unwrap();
        for (i, leaf) in leaves.iter().enumerate() {
            let i = i as u64;
            let proof = inclusion_proof(i, n, &r).unwrap();
            prop_assert!(verify_inclusion(&proof, i, n, *leaf, root).is_ok());
            // Tampering with the proof, the leaf or the root, or claiming another index, fails.
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = byte % bad.len();
                bad[k] = flip(bad[k], byte, bit);
                prop_assert!(verify_inclusion(&bad, i, n, *leaf, root).is_err());
            }
            prop_assert!(verify_inclusion(&proof, i, n, flip(*leaf, byte, bit), root).is_err());
            prop_assert!(verify_inclusion(&proof, i, n, *leaf, flip(root, byte, bit)).is_err());
            if n > 1 {
                prop_assert!(verify_inclusion(&proof, (i + 1) % n, n, *leaf, root).is_err());
            }
        }
        for m in 1..=n {
            let old = tree_hash(m, &r).unwrap();
            let proof = consistency_proof(m, n, &r).unwrap();
            prop_assert!(verify_consistency(&proof, m, old, n, root).is_ok());
            prop_assert!(verify_consistency(&proof, m, flip(old, byte, bit), n, root).is_err());
            prop_assert!(verify_consistency(&proof, m, old, n, flip(root, byte, bit)).is_err());
            if !proof.is_empty() {
                let mut bad = proof.clone();
                let k = (byte + m as usize) % bad.len();
                bad[k] = flip(bad[k], byte, bit);
                prop_assert!(verify_consistency(&bad, m, old, n, root).is_err());
            }
        }
    }

    #[test]
    fn random_pairs_of_sizes_are_consistent(
        size in 2usize..2000,
        picks in proptest::collection::vec((any::<u64>(), any::<u64>()), 50),
    ) {
        let (_, stored) = tree(size, 7);
        let r = VecReader(&stored);
        let n = size as u64;
        for (a, b) in picks {
            let (m, t) = {
                let x = a % n + 1;
                let y = b % n + 1;
                (x.min(y), x.max(y))
            };
            let proof = consistency_proof(m, t, &r).unwrap();
            let old = tree_hash(m, &r).unwrap();
            let new = tree_hash(t, &r).unwrap();
            prop_assert!(verify_consistency(&proof, m, old, t, new).is_ok());
            if m < t {
                // A proof for other sizes does not pass.
                prop_assert!(verify_consistency(&proof, m, old, t, tree_hash(t - 1, &r).unwrap()).is_err()
                    || tree_hash(t - 1, &r).unwrap() == new);
            }
        }
    }

    #[test]
    fn any_altered_byte_of_a_checkpoint_fails(size in 0u64..10_000, byte in any::<usize>(), bit in 0u8..8) {
        let signer = LogSigner::from_seed("example.com/log", [7; 32]).unwrap();
        let verifier = LogVerifier::new(signer.verifier_key()).unwrap();
        let root = leaf_hash(&size.to_be_bytes());
        let note = signer.sign_checkpoint(size, root).unwrap();
        let cp = verifier.verify_checkpoint(&note).unwrap();
        prop_assert_eq!((cp.size, cp.root), (size, root));
        let mut bytes = note.clone().into_bytes();
        let i = byte % bytes.len();
        bytes[i] ^= 1 << bit;
        if let Ok(bad) = String::from_utf8(bytes) {
            // Every byte counts: the note no longer verifies.
            let res = verifier.verify_checkpoint(&bad);
            prop_assert!(res.is_err(), "altered byte {} still verified: {:?}", i, bad);
        }
    }

    #[test]
    fn record_and_tile_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), s in ".{0,60}") {
        let _ = LogRecord::parse(&bytes);
        let _ = TilePath::parse(&s);
        let _ = log::tile::decode_bundle(&bytes);
        let _ = log::note::parse_unverified(&s);
        let _ = LogVerifier::new(&s);
    }

    #[test]
    fn tile_paths_round_trip(level in proptest::option::of(0u8..7), index in any::<u64>(), width in 1u64..=256) {
        let t = TilePath { level, index, width };
        prop_assert_eq!(TilePath::parse(&t.path()).unwrap(), t);
    }

    #[test]
    fn release_records_round_trip(
        name in "[a-z]{1,10}\\.[a-z]{1,10}/[a-z0-9-]{1,20}",
        version in "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        sig in "[ -~\n]{0,200}",
        time in any::<i64>(),
    ) {
        let r = LogRecord::Release {
            name,
            version,
            manifest_sha256: "00".repeat(32),
            key_id: "0123456789ABCDEF".into(),
            signature: sig.clone(),
            time_ms: time,
        };
        // An empty signature cannot be written (a required field); anything else round-trips.
        match r.to_bytes() {
            Ok(bytes) => prop_assert_eq!(LogRecord::parse(&bytes).unwrap(), r),
            Err(_) => prop_assert!(sig.is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Yank and deprecate records (both directions) round-trip for any one-line free text,
    /// and an empty text is simply absent.
    #[test]
    fn statement_records_round_trip(
        deprecate in any::<bool>(),
        on in any::<bool>(),
        name in "[a-z]{1,10}\\.[a-z]{1,10}/[a-z0-9-]{1,20}",
        version in "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        text in proptest::option::of("[^\r\n]{1,120}"),
        issued_at in any::<i64>(),
        time in any::<i64>(),
    ) {
        let action = match (deprecate, on) {
            (true, true) => ReleaseAction::Deprecate,
            (true, false) => ReleaseAction::Undeprecate,
            (false, true) => ReleaseAction::Yank,
            (false, false) => ReleaseAction::Unyank,
        };
        let r = LogRecord::ReleaseStatement {
            action,
            name,
            version,
            text,
            key_id: "0123456789ABCDEF".into(),
            issued_at,
            signature: "untrusted comment: x\nRWQ=\n".into(),
            time_ms: time,
        };
        let bytes = r.to_bytes().unwrap();
        prop_assert_eq!(LogRecord::parse(&bytes).unwrap(), r);
    }
}
