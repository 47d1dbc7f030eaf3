//! Fixed vectors: RFC 6962 (Certificate Transparency's 8-leaf reference tree: roots, inclusion
//! and consistency proofs) and Go's `sumdb/note` signed-note example. Property tests live in
//! `protocol/tests/log_proptest.rs`.

use super::*;

fn h(hex_str: &str) -> Hash {
    hash_from_slice(&hex::decode(hex_str).unwrap()).unwrap()
}

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees of 0..=8 of the leaves above (RFC 6962 test data of
/// certificate-transparency-go and trillian).
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_stored() -> Vec<Hash> {
    let leaves: Vec<Hash> = LEAVES
        .iter()
        .map(|l| leaf_hash(&hex::decode(l).unwrap()))
        .collect();
    stored_hashes_of(&leaves).unwrap()
}

#[test]
fn rfc6962_roots() {
    let stored = reference_stored();
    for (size, want) in ROOTS.iter().enumerate() {
        let root = tree_hash(size as u64, &VecReader(&stored)).unwrap();
        assert_eq!(root, h(want), "size {size}");
    }
}

#[test]
fn rfc6962_inclusion_proofs() {
    let stored = reference_stored();
    let r = VecReader(&stored);
    let cases: [(u64, u64, &[&str]); 3] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
    ];
    for (index, size, want) in cases {
        let proof = inclusion_proof(index, size, &r).unwrap();
        let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
        assert_eq!(proof, want, "leaf {index} of {size}");
        let leaf = leaf_hash(&hex::decode(LEAVES[index as usize]).unwrap());
        verify_inclusion(&want, index, size, leaf, h(ROOTS[size as usize])).unwrap();
    }
}

#[test]
fn rfc6962_consistency_proofs() {
    let stored = reference_stored();
    let r = VecReader(&stored);
    let cases: [(u64, u64, &[&str]); 3] = [
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (from, to, want) in cases {
        let proof = consistency_proof(from, to, &r).unwrap();
        let want: Vec<Hash> = want.iter().map(|s| h(s)).collect();
        assert_eq!(proof, want, "{from} -> {to}");
        verify_consistency(
            &want,
            from,
            h(ROOTS[from as usize]),
            to,
            h(ROOTS[to as usize]),
        )
        .unwrap();
        // The wrong old root fails.
        assert!(
            verify_consistency(
                &want,
                from,
                h(ROOTS[from as usize + 1]),
                to,
                h(ROOTS[to as usize])
            )
            .is_err()
        );
    }
    // Same size: only the same root is consistent.
    verify_consistency(&[], 4, h(ROOTS[4]), 4, h(ROOTS[4])).unwrap();
    assert!(verify_consistency(&[], 4, h(ROOTS[4]), 4, h(ROOTS[5])).is_err());
    assert!(verify_consistency(&[], 5, h(ROOTS[5]), 4, h(ROOTS[4])).is_err());
}

#[test]
fn two_pass_reading_asks_for_what_it_needs() {
    let stored = reference_stored();
    let need = needed_indexes(|r| inclusion_proof(5, 8, r)).unwrap();
    let mut map = HashMapReader::default();
    for i in need {
        map.0.insert(i, stored[i as usize]);
    }
    assert_eq!(
        inclusion_proof(5, 8, &map).unwrap(),
        inclusion_proof(5, 8, &VecReader(&stored)).unwrap()
    );
    // A reader missing a hash errors instead of panicking.
    assert!(inclusion_proof(5, 8, &HashMapReader::default()).is_err());
}

// --- signed notes -------------------------------------------------------------------------

/// golang.org/x/mod/sumdb/note's example key and note (note_test.go, the package docs).
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
then you don't know what your problem is.\n\
\n\
— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn go_note_vector_key_strings() {
    let signer = LogSigner::from_key_file(PETER_SKEY, None).unwrap();
    assert_eq!(signer.verifier_key(), PETER_VKEY);
    assert_eq!(signer.origin(), "PeterNeumann");
    assert_eq!(signer.to_key_file().trim(), PETER_SKEY);
    // The Go example note's signature, reproduced byte for byte (Ed25519 is deterministic).
    let text = "If you think cryptography is the answer to your problem,\n\
                then you don't know what your problem is.\n";
    let mut n = signed_note::Note::new(text.as_bytes(), &[]).unwrap();
    let s = signed_note::StandardSigner::new(PETER_SKEY).unwrap();
    n.add_sigs(&[&s]).unwrap();
    assert_eq!(String::from_utf8(n.to_bytes()).unwrap(), PETER_NOTE);
}

#[test]
fn checkpoints_sign_and_verify() {
    let signer = LogSigner::generate("example.com/log", &mut rand_core::OsRng).unwrap();
    let stored = reference_stored();
    let root = tree_hash(8, &VecReader(&stored)).unwrap();
    let note = signer.sign_checkpoint(8, root).unwrap();
    assert!(note.starts_with(&format!(
        "example.com/log\n8\n{}\n\n— example.com/log ",
        hash_to_base64(&root)
    )));
    let v = LogVerifier::new(signer.verifier_key()).unwrap();
    let cp = v.verify_checkpoint(&note).unwrap();
    assert_eq!((cp.size, cp.root), (8, root));
    // Deterministic: the same tree gives the same note (replicas agree byte for byte).
    assert_eq!(signer.sign_checkpoint(8, root).unwrap(), note);

    // Another key with the same name is refused.
    let other = LogSigner::generate("example.com/log", &mut rand_core::OsRng).unwrap();
    let forged = other.sign_checkpoint(8, root).unwrap();
    assert!(v.verify_checkpoint(&forged).is_err());
    // A note in Go's example format, by another key, is refused too.
    assert!(v.verify_checkpoint(PETER_NOTE).is_err());
    // Renaming the key changes the verifier key.
    let renamed = LogSigner::from_key_file(&signer.to_key_file(), Some("other/log")).unwrap();
    assert_ne!(renamed.verifier_key(), signer.verifier_key());
    assert_eq!(
        parse_unverified_root(&note),
        (String::from("example.com/log"), 8, root)
    );
}

fn parse_unverified_root(note_text: &str) -> (String, u64, Hash) {
    note::parse_unverified(note_text).unwrap()
}

#[test]
fn bad_key_files_and_origins_are_refused() {
    assert!(LogSigner::from_key_file("nonsense", None).is_err());
    assert!(LogSigner::from_key_file(PETER_VKEY, None).is_err());
    assert!(LogSigner::generate("has space", &mut rand_core::OsRng).is_err());
    assert!(LogSigner::generate("a+b", &mut rand_core::OsRng).is_err());
    assert!(LogVerifier::new("x+00000000+AAAA").is_err());
}

// --- tiles ----------------------------------------------------------------------------------

#[test]
fn tile_paths_follow_c2sp() {
    let cases = [
        ("tile/0/000", Some(0), 0, 256),
        ("tile/0/x001/234.p/5", Some(0), 1234, 5),
        ("tile/2/x001/x234/067", Some(2), 1_234_067, 256),
        ("tile/entries/000.p/1", None, 0, 1),
        ("tile/entries/x002/000", None, 2000, 256),
    ];
    for (path, level, index, width) in cases {
        let t = TilePath::parse(path).unwrap();
        assert_eq!(
            t,
            TilePath {
                level,
                index,
                width
            },
            "{path}"
        );
        assert_eq!(t.path(), path);
    }
    for bad in [
        "tile/0/1",
        "tile/0/0001",
        "tile/0/x000/001",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/05",
        "tile/8/000",
        "tile/data/000",
        "tile/0/abc",
        "tile/0/001/",
        "",
    ] {
        assert!(TilePath::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn tiles_exist_when_the_tree_covers_them() {
    let t = |level, index, width| TilePath {
        level,
        index,
        width,
    };
    assert!(t(Some(0), 0, 5).exists_in(5));
    assert!(!t(Some(0), 0, 6).exists_in(5));
    assert!(t(Some(0), 0, 256).exists_in(300));
    assert!(t(Some(0), 1, 44).exists_in(300));
    assert!(t(Some(1), 0, 1).exists_in(256));
    assert!(!t(Some(1), 0, 1).exists_in(255));
    assert!(!t(Some(7), u64::MAX, 256).exists_in(u64::MAX));
    assert_eq!(
        TilePath::tiles_for(300, Some(0)),
        vec![t(Some(0), 0, 256), t(Some(0), 1, 44)]
    );
    assert_eq!(TilePath::tiles_for(300, Some(1)), vec![t(Some(1), 0, 1)]);
    assert!(TilePath::tiles_for(300, Some(2)).is_empty());
}

#[test]
fn entry_bundles_round_trip() {
    let records: Vec<&[u8]> = vec![b"a", b"", b"hello"];
    let bundle = tile::encode_bundle(records.iter().copied()).unwrap();
    assert_eq!(&bundle[..3], &[0, 1, b'a']);
    assert_eq!(tile::decode_bundle(&bundle).unwrap(), records);
    assert!(tile::decode_bundle(&bundle[..bundle.len() - 1]).is_err());
    assert!(tile::decode_bundle(&[0]).is_err());
}

// --- records --------------------------------------------------------------------------------

fn sample_release() -> LogRecord {
    LogRecord::Release {
        name: "io.github.octo/weather".into(),
        version: "1.0.0".into(),
        manifest_sha256: "ab".repeat(32),
        key_id: "0123456789ABCDEF".into(),
        signature: "untrusted comment: x\nRWQ=\ntrusted comment: t\nAAA=\n".into(),
        time_ms: 1_764_000_000_000,
    }
}

#[test]
fn release_record_text_is_stable() {
    let bytes = sample_release().to_bytes().unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert_eq!(
        text,
        format!(
            "mcp-trust-log/v1 release\nname io.github.octo/weather\nversion 1.0.0\n\
             manifest-sha256 {}\nkey-id 0123456789ABCDEF\n\
             signature dW50cnVzdGVkIGNvbW1lbnQ6IHgKUldRPQp0cnVzdGVkIGNvbW1lbnQ6IHQKQUFBPQo=\n\
             time 1764000000000\n",
            "ab".repeat(32)
        )
    );
    assert_eq!(LogRecord::parse(&bytes).unwrap(), sample_release());
}

#[test]
fn every_record_kind_round_trips() {
    let records = [
        sample_release(),
        LogRecord::Key {
            key_id: "0123456789ABCDEF".into(),
            public_key: "RWQBI0VniavN7w==".into(),
            namespace: "io.github.octo".into(),
            proof_kind: "github".into(),
            proof_target: "octo/weather".into(),
            proof_url: "https://api.github.com/repos/octo/weather/contents/x".into(),
            proof_repository_id: Some(42),
            rotated_from: Some("FEDCBA9876543210".into()),
            rotation_signature: Some("sig\ntext\n".into()),
            rotation_issued_at: Some(17),
            time_ms: 5,
        },
        LogRecord::KeyRevoke {
            key_id: "0123456789ABCDEF".into(),
            reason: Some("key leaked: see  https://x".into()),
            issued_at: Some(1),
            signature: Some("s\n".into()),
            time_ms: 2,
        },
        LogRecord::KeyRevoke {
            key_id: "0123456789ABCDEF".into(),
            reason: Some("proof withdrawn".into()),
            issued_at: None,
            signature: None,
            time_ms: 2,
        },
        LogRecord::ReleaseStatement {
            action: crate::log::ReleaseAction::Yank,
            name: "io.github.octo/weather".into(),
            version: "1.0.0".into(),
            text: Some("broken".into()),
            key_id: "0123456789ABCDEF".into(),
            issued_at: 10,
            signature: "s\n".into(),
            time_ms: 11,
        },
        LogRecord::ReleaseStatement {
            action: crate::log::ReleaseAction::Unyank,
            name: "io.github.octo/weather".into(),
            version: "1.0.0".into(),
            text: None,
            key_id: "0123456789ABCDEF".into(),
            issued_at: 10,
            signature: "s\n".into(),
            time_ms: 11,
        },
        LogRecord::ReleaseStatement {
            action: crate::log::ReleaseAction::Deprecate,
            name: "io.github.octo/weather".into(),
            version: "1.0.0".into(),
            text: Some("use 2.0.0: the v1 API is going away".into()),
            key_id: "0123456789ABCDEF".into(),
            issued_at: 12,
            signature: "s\n".into(),
            time_ms: 13,
        },
        LogRecord::ReleaseStatement {
            action: crate::log::ReleaseAction::Undeprecate,
            name: "io.github.octo/weather".into(),
            version: "1.0.0".into(),
            text: None,
            key_id: "0123456789ABCDEF".into(),
            issued_at: 14,
            signature: "s\n".into(),
            time_ms: 15,
        },
    ];
    for r in records {
        let bytes = r.to_bytes().unwrap();
        assert_eq!(LogRecord::parse(&bytes).unwrap(), r, "{}", r.kind());
    }
}

#[test]
fn deprecate_records_have_a_stable_text() {
    let r = LogRecord::ReleaseStatement {
        action: crate::log::ReleaseAction::Deprecate,
        name: "io.github.octo/weather".into(),
        version: "1.0.0".into(),
        text: Some("use 2.0.0".into()),
        key_id: "0123456789ABCDEF".into(),
        issued_at: 1_764_000_000,
        signature: "s\n".into(),
        time_ms: 1_764_000_000_000,
    };
    assert_eq!(r.kind(), "deprecate");
    assert_eq!(r.subject(), "release io.github.octo/weather@1.0.0");
    let text = String::from_utf8(r.to_bytes().unwrap()).unwrap();
    assert_eq!(
        text,
        "mcp-trust-log/v1 deprecate\nname io.github.octo/weather\nversion 1.0.0\n\
         message use 2.0.0\nkey-id 0123456789ABCDEF\nissued-at 1764000000\nsignature cwo=\n\
         time 1764000000000\n"
    );
    // An un-deprecation carries no message; the kind names the direction.
    let undo = text
        .replace(" deprecate\n", " undeprecate\n")
        .replace("message use 2.0.0\n", "");
    match LogRecord::parse(undo.as_bytes()).unwrap() {
        LogRecord::ReleaseStatement { action, text, .. } => {
            assert_eq!(
                (action, text),
                (crate::log::ReleaseAction::Undeprecate, None)
            )
        }
        other => panic!("{other:?}"),
    }
    // The message comes after the version, or the record is not canonical.
    let misplaced = text
        .replace("message use 2.0.0\n", "")
        .replace("time", "message use 2.0.0\ntime");
    assert!(LogRecord::parse(misplaced.as_bytes()).is_err());
}

#[test]
fn non_canonical_records_are_refused() {
    let good = String::from_utf8(sample_release().to_bytes().unwrap()).unwrap();
    let bad = [
        good.replace("mcp-trust-log/v1", "mcp-trust-log/v2"),
        good.trim_end().to_string(),
        good.replace("name io", "name  io")
            .replace("version 1.0.0\n", ""),
        good.replace("version 1.0.0\nmanifest", "manifest")
            .replace("time", "version 1.0.0\ntime"),
        format!("{good}extra 1\n"),
        good.replace("time 1764000000000", "time 01764000000000"),
        good.replace("release", "promotion"),
        good.replace("\n", "\r\n"),
        format!("{good}\n"),
    ];
    for b in bad {
        assert!(LogRecord::parse(b.as_bytes()).is_err(), "{b:?}");
    }
    let multi_line = LogRecord::KeyRevoke {
        key_id: "X".into(),
        reason: Some("a\nb".into()),
        issued_at: None,
        signature: None,
        time_ms: 0,
    };
    assert!(multi_line.to_bytes().is_err());
}

#[test]
fn yank_and_deprecation_leaves_rebuild_the_signed_statement() {
    let yank = LogRecord::ReleaseStatement {
        action: crate::log::ReleaseAction::Yank,
        name: "io.github.octo/weather".into(),
        version: "1.0.0".into(),
        text: Some("broken".into()),
        key_id: "0123456789ABCDEF".into(),
        issued_at: 10,
        signature: "s\n".into(),
        time_ms: 11,
    };
    assert_eq!(
        yank.release_statement(),
        Some(crate::api::Statement::Yank {
            name: "io.github.octo/weather",
            version: "1.0.0",
            reason: Some("broken"),
            issued_at: 10,
        })
    );
    let undeprecate = LogRecord::ReleaseStatement {
        action: crate::log::ReleaseAction::Undeprecate,
        name: "io.github.octo/weather".into(),
        version: "1.0.0".into(),
        text: None,
        key_id: "0123456789ABCDEF".into(),
        issued_at: 12,
        signature: "s\n".into(),
        time_ms: 13,
    };
    assert_eq!(
        undeprecate.release_statement(),
        Some(crate::api::Statement::Undeprecate {
            name: "io.github.octo/weather",
            version: "1.0.0",
            issued_at: 12,
        })
    );
    assert_eq!(
        LogRecord::KeyRevoke {
            key_id: "0123456789ABCDEF".into(),
            reason: None,
            issued_at: None,
            signature: None,
            time_ms: 1,
        }
        .release_statement(),
        None
    );
}
