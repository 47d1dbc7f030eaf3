//! `mcp-sign keygen`, `sign` and `verify`: output for people and programs, exit codes, and
//! one-line actionable errors for every way they can fail.

// Test code: a failed unwrap is a failed test, with its location.

use crate::support::{McpSign as _, Scratch, filters};
use protocol::{PublicKey, SecretKey, Signature};
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|err| panic!("not JSON ({err}): {stdout}"))
}

// ---------------------------------------------------------------------------------------------
// keygen

#[test]
fn keygen_writes_a_key_pair_and_says_what_next() {
    let s = Scratch::new();
    let run = s.run(&["keygen", "--no-password"]).success();
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("keygen_human", run.stdout);
    });
    let public: PublicKey = s.read("mcp-sign.pub").parse().unwrap();
    let secret = SecretKey::from_file_str(&s.read("mcp-sign.key"), None).unwrap();
    assert_eq!(secret.public_key(), public);
    assert!(run.stdout.contains(&public.key_id().to_string()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.path("mcp-sign.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the secret key is private");
    }
}

#[test]
fn keygen_json() {
    let s = Scratch::new();
    let run = s
        .run(&[
            "--json",
            "keygen",
            "--no-password",
            "-p",
            "k.pub",
            "-s",
            "k.key",
        ])
        .success();
    let value = json(&run.stdout);
    let public: PublicKey = s.read("k.pub").parse().unwrap();
    assert_eq!(value["keyId"], public.key_id().to_string());
    assert_eq!(value["publicKeyBase64"], public.to_base64());
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("keygen_json", run.stdout);
    });
}

#[test]
fn keygen_refuses_to_overwrite_either_file() {
    let s = Scratch::new();
    // Only the public key exists: nothing is written, not even the secret key.
    s.write("mcp-sign.pub", "old public\n");
    s.run(&["keygen", "--no-password"])
        .fails(2, &["mcp-sign.pub already exists", "--force"]);
    assert!(!s.exists("mcp-sign.key"), "no half key pair");
    assert_eq!(s.read("mcp-sign.pub"), "old public\n");

    // Only the secret key exists: a lost secret key cannot be recovered.
    std::fs::remove_file(s.path("mcp-sign.pub")).unwrap();
    s.write("mcp-sign.key", "old secret\n");
    s.run(&["keygen", "--no-password"])
        .fails(2, &["mcp-sign.key already exists"]);
    assert!(!s.exists("mcp-sign.pub"));
    assert_eq!(s.read("mcp-sign.key"), "old secret\n");

    // --force overwrites.
    s.run(&["keygen", "--no-password", "--force"]).success();
    SecretKey::from_file_str(&s.read("mcp-sign.key"), None).unwrap();
}

#[test]
fn keygen_refuses_one_path_for_both_keys() {
    let s = Scratch::new();
    s.run(&["keygen", "--no-password", "-p", "k", "-s", "k"])
        .fails(2, &["choose two files"]);
}

#[test]
fn keygen_without_a_password_source_says_how_to_give_one() {
    let s = Scratch::new();
    // stdin is not a terminal and MCP_SIGN_PASSWORD is unset.
    s.run(&["keygen"])
        .fails(2, &["MCP_SIGN_PASSWORD", "terminal"]);
    assert!(!s.exists("mcp-sign.key") && !s.exists("mcp-sign.pub"));
    s.run_with_password(&["keygen"], "")
        .fails(2, &["MCP_SIGN_PASSWORD is empty", "--no-password"]);
}

/// The real thing: minisign's 1 GiB scrypt, password from MCP_SIGN_PASSWORD (a few seconds).
#[test]
fn encrypted_keygen_then_sign_with_env_password() {
    let s = Scratch::new();
    s.run_with_password(&["keygen"], "hunter2 hunter2")
        .success();
    let key = s.read("mcp-sign.key");
    assert!(key.starts_with("untrusted comment: minisign encrypted secret key\n"));
    assert!(SecretKey::is_encrypted(&key).unwrap());
    s.write("data.txt", "release\n");
    s.run_with_password(&["sign", "data.txt"], "hunter2 hunter2")
        .success();
    s.run(&["verify", "data.txt"]).success();
}

// ---------------------------------------------------------------------------------------------
// sign and verify

#[test]
fn sign_then_verify() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("data.txt", "some release artifact\n");
    let signed = s.run(&["sign", "data.txt"]).success();
    let verified = s.run(&["verify", "data.txt"]).success();
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("sign_human", signed.stdout);
        insta::assert_snapshot!("verify_human", verified.stdout);
    });
    let sig: Signature = s.read("data.txt.minisig").parse().unwrap();
    let comment = sig.trusted_comment();
    // minisign 0.11's default trusted comment, exactly.
    let fields: Vec<&str> = comment.split('\t').collect();
    assert_eq!(fields.len(), 3, "{comment}");
    assert!(
        fields[0]
            .strip_prefix("timestamp:")
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    assert_eq!(&fields[1..], ["file:data.txt", "hashed"]);
    assert_eq!(
        sig.untrusted_comment(),
        "signature from mcp-sign secret key"
    );
}

#[test]
fn sign_and_verify_json() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("data.txt", "x");
    let signed = s
        .run(&["--json", "sign", "data.txt", "-t", "my comment"])
        .success();
    let verified = s.run(&["--json", "verify", "data.txt"]).success();
    let v = json(&verified.stdout);
    assert_eq!(v["ok"], true);
    assert_eq!(v["trustedComment"], "my comment");
    assert_eq!(v["legacy"], false);
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("sign_json", signed.stdout);
        insta::assert_snapshot!("verify_json", verified.stdout);
    });
}

#[test]
fn signing_a_manifest_names_the_release() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    let manifest = serde_json::json!({
        "$schema": protocol::formats::SERVER_SCHEMA_URL,
        "name": "io.github.example/weather",
        "description": "Weather forecasts for MCP clients",
        "version": "1.2.3",
        "repository": { "url": "https://github.com/example/weather", "source": "github" },
    });
    let bytes = serde_json::to_vec_pretty(&manifest).unwrap();
    if let Err(err) = protocol::Manifest::parse(bytes.clone()) {
        panic!("the test manifest should be valid: {err}");
    }
    s.write("server.json", &bytes);
    let run = s.run(&["sign", "server.json"]).success();
    let sig: Signature = s.read("server.json.minisig").parse().unwrap();
    let (timestamp, release) = sig.trusted_comment().split_once('\t').unwrap();
    assert!(
        timestamp
            .strip_prefix("timestamp:")
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );
    assert_eq!(release, "server:io.github.example/weather@1.2.3");
    assert!(
        run.stdout
            .contains("server:io.github.example/weather@1.2.3")
    );
    s.run(&["verify", "server.json"]).success();
}

#[test]
fn an_invalid_manifest_is_signed_as_a_plain_file_with_a_note() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("server.json", "{}");
    let run = s.run(&["sign", "server.json"]).success();
    assert!(
        run.stderr.contains("not a valid release manifest"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("mcp-sign manifest check"),
        "{}",
        run.stderr
    );
    let sig: Signature = s.read("server.json.minisig").parse().unwrap();
    assert!(
        sig.trusted_comment()
            .ends_with("\tfile:server.json\thashed")
    );
}

#[test]
fn sign_options_output_path_comment_and_force() {
    let s = Scratch::new();
    s.keygen("k");
    s.write("a.bin", [0u8, 1, 2, 255]);
    s.run(&[
        "sign",
        "a.bin",
        "-s",
        "k.key",
        "-x",
        "sig.txt",
        "-t",
        "release 1",
    ])
    .success();
    let sig: Signature = s.read("sig.txt").parse().unwrap();
    assert_eq!(sig.trusted_comment(), "release 1");
    s.run(&["verify", "a.bin", "-p", "k.pub", "-x", "sig.txt"])
        .success();

    // Refuses to overwrite, then --force.
    s.run(&["sign", "a.bin", "-s", "k.key", "-x", "sig.txt"])
        .fails(2, &["sig.txt already exists", "--force"]);
    assert_eq!(s.read("sig.txt"), sig.to_file_string(), "unchanged");
    s.run(&[
        "sign",
        "a.bin",
        "-s",
        "k.key",
        "-x",
        "sig.txt",
        "--force",
        "-t",
        "release 2",
    ])
    .success();
    let sig: Signature = s.read("sig.txt").parse().unwrap();
    assert_eq!(sig.trusted_comment(), "release 2");
}

#[test]
fn large_files_are_streamed() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    // Beyond the manifest size cap: signed while read, never held whole.
    let data: Vec<u8> = (0..6 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    s.write("big.bin", &data);
    s.run(&["sign", "big.bin"]).success();
    s.run(&["verify", "big.bin"]).success();
    let sig: Signature = s.read("big.bin.minisig").parse().unwrap();
    let public: PublicKey = s.read("mcp-sign.pub").parse().unwrap();
    public.verify(&data, &sig, false).unwrap();
}

#[test]
fn bad_trusted_comments_are_refused_before_anything_else() {
    let s = Scratch::new();
    // No key exists: the comment is checked first.
    s.write("a", "a");
    s.run(&["sign", "a", "-t", "two\nlines"])
        .fails(2, &["--trusted-comment", "single line"]);
    let long = "x".repeat(8174);
    s.run(&["sign", "a", "-t", &long])
        .fails(2, &["too long", "8174 bytes", "8173"]);
}

// ---------------------------------------------------------------------------------------------
// verification failures: exit code 1, one line

fn signed_scratch() -> Scratch {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("data.txt", "the real release\n");
    s.run(&["sign", "data.txt", "-t", "release 1.0"]).success();
    s
}

#[test]
fn tampered_file_fails() {
    let s = signed_scratch();
    s.write("data.txt", "the real release, changed\n");
    s.run(&["verify", "data.txt"]).fails(
        1,
        &[
            "data.txt does not verify",
            "the file was changed after signing",
        ],
    );
}

#[test]
fn another_key_fails_naming_both_key_ids() {
    let s = signed_scratch();
    s.keygen("other");
    let signer = s
        .read("mcp-sign.pub")
        .parse::<PublicKey>()
        .unwrap()
        .key_id()
        .to_string();
    let other = s
        .read("other.pub")
        .parse::<PublicKey>()
        .unwrap()
        .key_id()
        .to_string();
    s.run(&["verify", "data.txt", "-p", "other.pub"]).fails(
        1,
        &[
            &format!("made by key {signer}"),
            &format!("public key is {other}"),
        ],
    );
}

#[test]
fn same_key_id_but_another_key_fails() {
    let s = signed_scratch();
    s.keygen("other");
    let signer: PublicKey = s.read("mcp-sign.pub").parse().unwrap();
    let other: PublicKey = s.read("other.pub").parse().unwrap();
    let impostor = PublicKey::from_parts(signer.key_id(), *other.as_bytes()).unwrap();
    s.write("impostor.pub", impostor.to_file_string());
    s.run(&["verify", "data.txt", "-p", "impostor.pub"])
        .fails(1, &["signature verification failed"]);
}

#[test]
fn tampered_trusted_comment_fails() {
    let s = signed_scratch();
    let sig = s
        .read("data.txt.minisig")
        .replace("release 1.0", "release 9.9");
    s.write("data.txt.minisig", sig);
    s.run(&["verify", "data.txt"])
        .fails(1, &["trusted comment was changed"]);
}

#[test]
fn untrusted_comment_changes_do_not_matter() {
    let s = signed_scratch();
    let sig = s
        .read("data.txt.minisig")
        .replace("mcp-sign secret key", "anything at all");
    s.write("data.txt.minisig", sig);
    s.run(&["verify", "data.txt"]).success();
}

#[test]
fn verification_failure_in_json() {
    let s = signed_scratch();
    s.write("data.txt", "changed\n");
    let run = s.run(&["--json", "verify", "data.txt"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["ok"], false);
    assert_eq!(v["exitCode"], 1);
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!("verify_failure_json", run.stdout);
    });
}

// ---------------------------------------------------------------------------------------------
// unusable input: exit code 2, one line

#[test]
fn damaged_signature_files_say_what_is_wrong() {
    let s = signed_scratch();
    let good = s.read("data.txt.minisig");
    let lines: Vec<&str> = good.lines().collect();
    let cases: [(String, &str); 6] = [
        (String::new(), "the file is empty"),
        (
            format!("{}\n{}\n", lines[0], lines[1]),
            "the trusted comment line is missing",
        ),
        (
            format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2]),
            "the global signature line",
        ),
        (
            good.replacen(&lines[1][..12], "!!!!!!!!!!!!", 1),
            "not valid base64",
        ),
        (
            format!(
                "{}\n{}\n{}\n{}\n",
                lines[0],
                &lines[1][..40],
                lines[2],
                lines[3]
            ),
            "decodes to",
        ),
        (
            format!("{}\n{}\ncomment: x\n{}\n", lines[0], lines[1], lines[3]),
            "\"trusted comment: \"",
        ),
    ];
    for (contents, reason) in cases {
        s.write("data.txt.minisig", contents);
        s.run(&["verify", "data.txt"])
            .fails(2, &["cannot use the signature data.txt.minisig", reason]);
    }
}

#[test]
fn missing_or_unreadable_inputs() {
    let s = signed_scratch();
    s.run(&["verify", "nope.txt"])
        .fails(2, &["cannot read nope.txt.minisig"]);
    s.run(&["verify", "data.txt", "-x", "nope.sig"])
        .fails(2, &["cannot read nope.sig"]);
    s.run(&["verify", "data.txt", "-p", "nope.pub"])
        .fails(2, &["cannot read nope.pub"]);
    std::fs::create_dir(s.path("folder")).unwrap();
    s.run(&["verify", "data.txt", "-p", "folder"])
        .fails(2, &["cannot read folder"]);
    s.write("folder.minisig", s.read("data.txt.minisig"));
    s.run(&["verify", "folder"])
        .fails(2, &["folder is a directory"]);
    s.write("bad.pub", "untrusted comment: x\nnot a key\n");
    s.run(&["verify", "data.txt", "-p", "bad.pub"]).fails(
        2,
        &["cannot use the public key bad.pub", "not valid base64"],
    );
    s.write("binary.pub", [0xffu8, 0xfe, 0]);
    s.run(&["verify", "data.txt", "-p", "binary.pub"])
        .fails(2, &["binary.pub is not UTF-8"]);

    s.run(&["sign", "nope.txt"])
        .fails(2, &["cannot read nope.txt"]);
    s.run(&["sign", "data.txt", "--force", "-s", "nope.key"])
        .fails(2, &["no secret key at nope.key", "mcp-sign keygen"]);
    s.run(&["sign", "data.txt", "--force", "-s", "mcp-sign.pub"])
        .fails(2, &["cannot use the secret key mcp-sign.pub"]);
    s.run(&["sign", "folder", "-x", "f.sig"])
        .fails(2, &["folder is a directory"]);
}

#[test]
fn wrong_password_is_refused() {
    let s = Scratch::new();
    s.cheap_encrypted_key("k", "right");
    s.write("data.txt", "x");
    s.run_with_password(&["sign", "data.txt", "-s", "k.key"], "wrong")
        .fails(2, &["cannot use the secret key k.key", "wrong password"]);
    assert!(!s.exists("data.txt.minisig"));
    s.run_with_password(&["sign", "data.txt", "-s", "k.key"], "right")
        .success();
    s.run(&["verify", "data.txt", "-p", "k.pub"]).success();
}

#[test]
fn encrypted_key_without_a_password_source_says_how_to_give_one() {
    let s = Scratch::new();
    s.cheap_encrypted_key("k", "right");
    s.write("data.txt", "x");
    // stdin is not a terminal and MCP_SIGN_PASSWORD is unset.
    s.run(&["sign", "data.txt", "-s", "k.key"])
        .fails(2, &["a password is needed", "MCP_SIGN_PASSWORD"]);
    assert!(!s.exists("data.txt.minisig"));
}

#[test]
fn unencrypted_keys_never_ask_for_a_password() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("data.txt", "x");
    // No terminal, no MCP_SIGN_PASSWORD: fine, the key is not encrypted.
    s.run(&["sign", "data.txt"]).success();
}
