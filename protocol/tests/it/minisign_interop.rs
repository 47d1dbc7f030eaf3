//! Interoperability with the real minisign (0.11): keys and signatures go both ways.
//!
//! These tests need the `minisign` binary (CI installs it). Without it they fail, saying how to
//! install it: a silently skipped interop test proves nothing.

// Test code: a failed unwrap is a failed test, with its location.

use std::path::{Path, PathBuf};
use std::process::Output;

use protocol::minisign::KdfParams;
use protocol::{Error, KeyId, PublicKey, SecretKey, Signature};
use rand_core::{OsRng, RngCore};

/// The real minisign, run in the current folder (these tests pass absolute paths).
fn minisign(args: &[&str], stdin: &str) -> Output {
    testkit::minisign::minisign(Path::new("."), args, stdin)
}

fn minisign_ok(args: &[&str], stdin: &str) -> Output {
    testkit::minisign::minisign_ok(Path::new("."), args, stdin)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }
}

/// Public key files are byte-identical, except that minisign 0.11 prints the key id in the
/// (untrusted) comment with `%X`, so one key in sixteen loses a leading zero there; newer
/// minisign prints `%016X`, as we do.
fn assert_same_public_key_file(ours: &str, minisigns: &str) {
    let prefix = "untrusted comment: minisign public key ";
    let (our_comment, our_key) = ours.split_once('\n').unwrap();
    let (their_comment, their_key) = minisigns.split_once('\n').unwrap();
    assert_eq!(our_key, their_key, "the key line is byte-identical");
    let our_id = our_comment.strip_prefix(prefix).unwrap();
    let their_id = their_comment.strip_prefix(prefix).unwrap();
    assert_eq!(our_id.len(), 16);
    assert_eq!(
        our_id.trim_start_matches('0'),
        their_id.trim_start_matches('0')
    );
    assert_eq!(
        our_id.parse::<KeyId>().unwrap(),
        their_id.parse::<KeyId>().unwrap()
    );
}

fn random_data(len: usize) -> Vec<u8> {
    let mut data = vec![0u8; len];
    OsRng.fill_bytes(&mut data);
    data
}

#[test]
fn minisign_verifies_our_signatures() {
    let dir = Dir::new();
    let secret = SecretKey::generate(&mut OsRng);
    let public = dir.write("key.pub", secret.public_key().to_file_string());
    let data = random_data(100_000);
    let file = dir.write("data.bin", &data);
    let longest = "x".repeat(protocol::formats::minisign::TRUSTED_COMMENT_MAX_LEN);
    for comment in [
        "timestamp:1700000000\tfile:data.bin\thashed",
        "",
        "ünïcode ✓",
        &longest,
    ] {
        let sig = secret.sign(&data, comment).unwrap();
        let sig_path = dir.write("data.bin.minisig", sig.to_file_string());
        let out = minisign_ok(
            &["-V", "-m", s(&file), "-p", s(&public), "-x", s(&sig_path)],
            "",
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.contains(&format!("Trusted comment: {comment}\n")),
            "{stdout}"
        );
        // And with the key given inline, as `minisign -P` takes it.
        let b64 = secret.public_key().to_base64();
        minisign_ok(&["-V", "-m", s(&file), "-P", &b64, "-x", s(&sig_path)], "");
    }
    // minisign refuses what we refuse.
    let sig = secret.sign(&data, "c").unwrap();
    dir.write("data.bin.minisig", sig.to_file_string());
    dir.write("data.bin", b"changed");
    let out = minisign(&["-V", "-m", s(&file), "-p", s(&public)], "");
    assert!(!out.status.success());
}

#[test]
fn we_read_and_match_minisign_files_byte_for_byte() {
    let dir = Dir::new();
    let (pk, sk) = (dir.path("m.pub"), dir.path("m.key"));
    minisign_ok(&["-G", "-W", "-p", s(&pk), "-s", s(&sk)], "");
    let data = random_data(70_000);
    let file = dir.write("data.bin", &data);
    let comment = "timestamp:1700000000\tfile:data.bin\thashed";
    minisign_ok(&["-S", "-s", s(&sk), "-m", s(&file), "-t", comment], "");

    let pub_text = dir.read("m.pub");
    let public: PublicKey = pub_text.parse().unwrap();
    assert_same_public_key_file(&public.to_file_string(), &pub_text);
    let sig_text = dir.read("data.bin.minisig");
    let sig: Signature = sig_text.parse().unwrap();
    assert_eq!(
        sig.to_file_string(),
        sig_text,
        "signature file is byte-identical"
    );
    assert_eq!(sig.key_id(), public.key_id());
    assert_eq!(sig.trusted_comment(), comment);
    public.verify(&data, &sig, false).unwrap();

    // minisign -G -W writes an all-zero checksum; we read the key and, Ed25519 being
    // deterministic, sign exactly as minisign did.
    let secret = SecretKey::from_file_str(&dir.read("m.key"), None).unwrap();
    assert_eq!(secret.public_key(), public);
    let ours = secret.sign(&data, comment).unwrap();
    assert_eq!(ours.signature_bytes(), sig.signature_bytes());
    assert_eq!(ours.global_signature_bytes(), sig.global_signature_bytes());

    // The longest trusted comment minisign 0.11 can write (its line buffer is 4096 bytes; it
    // reads up to TRUSTED_COMMENT_MAX_LEN, see `minisign_verifies_our_signatures`), we read.
    let long = "y".repeat(4096 - 2 - "trusted comment: ".len());
    minisign_ok(&["-S", "-s", s(&sk), "-m", s(&file), "-t", &long], "");
    let sig: Signature = dir.read("data.bin.minisig").parse().unwrap();
    public.verify(&data, &sig, false).unwrap();
    // Beyond what minisign reads, neither of us signs.
    let too_long = "y".repeat(protocol::formats::minisign::TRUSTED_COMMENT_MAX_LEN + 1);
    assert!(
        !minisign(&["-S", "-s", s(&sk), "-m", s(&file), "-t", &too_long], "")
            .status
            .success()
    );
    assert!(matches!(
        secret.sign(&data, &too_long),
        Err(Error::CommentTooLong { .. })
    ));
}

#[test]
fn legacy_signatures_need_permission() {
    let dir = Dir::new();
    let (pk, sk) = (dir.path("m.pub"), dir.path("m.key"));
    minisign_ok(&["-G", "-W", "-p", s(&pk), "-s", s(&sk)], "");
    let data = random_data(5_000);
    let file = dir.write("data.bin", &data);
    minisign_ok(&["-S", "-l", "-s", s(&sk), "-m", s(&file)], "");
    let public: PublicKey = dir.read("m.pub").parse().unwrap();
    let sig: Signature = dir.read("data.bin.minisig").parse().unwrap();
    assert!(sig.is_legacy());
    assert!(matches!(
        public.verify(&data, &sig, false),
        Err(Error::LegacySignature)
    ));
    public.verify(&data, &sig, true).unwrap();
    let mut stream = public.verifier(&sig, true).unwrap();
    for piece in data.chunks(1000) {
        stream.update(piece);
    }
    stream.finalize().unwrap();
}

/// Keys we encrypt are keys minisign decrypts: this pins our port of libsodium's scrypt
/// parameter choice (each branch of it) to the real thing.
#[test]
fn minisign_signs_with_our_keys() {
    let dir = Dir::new();
    let data = random_data(10_000);
    let file = dir.write("data.bin", &data);
    let cases = [
        (
            Some("pw one"),
            KdfParams {
                opslimit: 32_768,
                memlimit: 1 << 20,
            },
        ), // p = 1
        (
            Some("pw two"),
            KdfParams {
                opslimit: 32_768,
                memlimit: 1 << 26,
            },
        ), // opslimit-bound
        (
            Some("pw three"),
            KdfParams {
                opslimit: 65_536,
                memlimit: 1 << 20,
            },
        ), // p = 2
        (
            Some("pw four"),
            KdfParams {
                opslimit: 40_000,
                memlimit: 3_000_000,
            },
        ), // uneven values
        (None, KdfParams::MINISIGN_DEFAULT), // unencrypted
    ];
    for (password, kdf) in cases {
        let secret = SecretKey::generate(&mut OsRng);
        let key_text = secret
            .to_file_string_with_kdf(password, kdf, &mut OsRng)
            .unwrap();
        let sk = dir.write("k.key", key_text.as_bytes());
        let stdin = password.map(|p| format!("{p}\n")).unwrap_or_default();
        minisign_ok(
            &["-S", "-s", s(&sk), "-m", s(&file), "-t", "made by minisign"],
            &stdin,
        );
        let sig: Signature = dir.read("data.bin.minisig").parse().unwrap();
        secret.public_key().verify(&data, &sig, false).unwrap();
        assert_eq!(sig.trusted_comment(), "made by minisign");
        // minisign -R recreates the same public key file we write.
        let pk = dir.path("k.pub");
        let _ = std::fs::remove_file(&pk);
        minisign_ok(&["-R", "-s", s(&sk), "-p", s(&pk)], &stdin);
        assert_same_public_key_file(&secret.public_key().to_file_string(), &dir.read("k.pub"));
    }
}

/// minisign 0.11 drops leading zeros from key ids in public key comments; we read its files
/// and it reads ours all the same.
#[test]
fn key_ids_with_leading_zeros() {
    let dir = Dir::new();
    let secret = std::iter::repeat_with(|| SecretKey::generate(&mut OsRng))
        .find(|k| k.key_id().to_string().starts_with('0'))
        .unwrap();
    let sk = dir.write(
        "k.key",
        secret.to_file_string(None, &mut OsRng).unwrap().as_bytes(),
    );
    let pk = dir.path("k.pub");
    minisign_ok(&["-R", "-s", s(&sk), "-p", s(&pk)], "");
    let theirs = dir.read("k.pub");
    assert_same_public_key_file(&secret.public_key().to_file_string(), &theirs);
    assert_eq!(theirs.parse::<PublicKey>().unwrap(), secret.public_key());
    let data = random_data(100);
    let file = dir.write("data.bin", &data);
    let sig = dir.write(
        "data.bin.minisig",
        secret.sign(&data, "c").unwrap().to_file_string(),
    );
    let ours = dir.write("ours.pub", secret.public_key().to_file_string());
    minisign_ok(&["-V", "-m", s(&file), "-p", s(&ours), "-x", s(&sig)], "");
}

/// minisign's default 1 GiB scrypt: slow (a few seconds), so only this test uses it.
#[test]
fn we_decrypt_minisign_encrypted_keys() {
    let dir = Dir::new();
    let (pk, sk) = (dir.path("m.pub"), dir.path("m.key"));
    minisign_ok(
        &["-G", "-p", s(&pk), "-s", s(&sk)],
        "s3cret pw\ns3cret pw\n",
    );
    let key_text = dir.read("m.key");
    assert!(SecretKey::is_encrypted(&key_text).unwrap());
    assert!(matches!(
        SecretKey::from_file_str(&key_text, None),
        Err(Error::PasswordRequired)
    ));
    assert!(matches!(
        SecretKey::from_file_str(&key_text, Some("wrong")),
        Err(Error::WrongPassword)
    ));
    let secret = SecretKey::from_file_str(&key_text, Some("s3cret pw")).unwrap();
    let public: PublicKey = dir.read("m.pub").parse().unwrap();
    assert_eq!(secret.public_key(), public);
    let data = random_data(1000);
    let file = dir.write("data.bin", &data);
    let sig = dir.write(
        "data.bin.minisig",
        secret.sign(&data, "c").unwrap().to_file_string(),
    );
    minisign_ok(&["-V", "-m", s(&file), "-p", s(&pk), "-x", s(&sig)], "");
}
