//! `mcp-sign` and the real minisign (0.11) work with each other's keys and signatures.
//!
//! These tests need the `minisign` binary (CI installs it); without it they fail saying
//! `apt-get install minisign`.

// Test code: a failed unwrap is a failed test, with its location.

use crate::support::{McpSign as _, Scratch};

#[test]
fn minisign_verifies_what_mcp_sign_signs() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("small.txt", "a manifest-sized file\n");
    // Past the manifest size cap, so `sign` streams it.
    let big: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
    s.write("big.bin", &big);
    for file in ["small.txt", "big.bin"] {
        s.run(&["sign", file]).success();
        let out = s.minisign_ok(&["-V", "-m", file, "-p", "mcp-sign.pub"], "");
        assert!(out.contains(&format!("\tfile:{file}\thashed\n")), "{out}");
    }
    s.write("small.txt", "changed\n");
    assert!(
        !s.minisign(&["-V", "-m", "small.txt", "-p", "mcp-sign.pub"], "")
            .status
            .success()
    );
}

#[test]
fn mcp_sign_works_with_unencrypted_minisign_keys() {
    let s = Scratch::new();
    s.minisign_ok(&["-G", "-W", "-p", "m.pub", "-s", "m.key"], "");
    s.write("data.txt", "data\n");
    s.minisign_ok(
        &["-S", "-s", "m.key", "-m", "data.txt", "-t", "by minisign"],
        "",
    );
    let run = s.run(&["verify", "data.txt", "-p", "m.pub"]).success();
    assert!(
        run.stdout.contains("trusted comment: by minisign"),
        "{}",
        run.stdout
    );

    // No password prompt for an unencrypted key, even with no terminal and no variable.
    s.run(&[
        "sign",
        "data.txt",
        "-s",
        "m.key",
        "--force",
        "-t",
        "by mcp-sign",
    ])
    .success();
    let out = s.minisign_ok(&["-V", "-m", "data.txt", "-p", "m.pub"], "");
    assert!(out.contains("Trusted comment: by mcp-sign"), "{out}");
}

/// minisign's encrypted keys (1 GiB scrypt; each use takes a few seconds).
#[test]
fn mcp_sign_works_with_encrypted_minisign_keys() {
    let s = Scratch::new();
    s.minisign_ok(
        &["-G", "-p", "m.pub", "-s", "m.key"],
        "pw from minisign\npw from minisign\n",
    );
    s.write("data.txt", "data\n");
    s.minisign_ok(
        &["-S", "-s", "m.key", "-m", "data.txt"],
        "pw from minisign\n",
    );
    s.run(&["verify", "data.txt", "-p", "m.pub"]).success();

    s.run_with_password(
        &["sign", "data.txt", "-s", "m.key", "--force"],
        "pw from minisign",
    )
    .success();
    s.minisign_ok(&["-V", "-m", "data.txt", "-p", "m.pub"], "");
}

#[test]
fn minisign_signs_with_mcp_sign_keys() {
    let s = Scratch::new();
    s.keygen("mcp-sign");
    s.write("data.txt", "data\n");
    s.minisign_ok(&["-S", "-s", "mcp-sign.key", "-m", "data.txt"], "");
    s.run(&["verify", "data.txt"]).success();
    // A (cheaply) encrypted mcp-sign key decrypts in minisign too.
    s.cheap_encrypted_key("enc", "secret words");
    s.minisign_ok(&["-S", "-s", "enc.key", "-m", "data.txt"], "secret words\n");
    s.run(&["verify", "data.txt", "-p", "enc.pub"]).success();
}

#[test]
fn legacy_signatures_need_allow_legacy() {
    let s = Scratch::new();
    s.minisign_ok(&["-G", "-W", "-p", "m.pub", "-s", "m.key"], "");
    s.write("data.txt", "data\n");
    s.minisign_ok(&["-S", "-l", "-s", "m.key", "-m", "data.txt"], "");
    s.run(&["verify", "data.txt", "-p", "m.pub"])
        .fails(1, &["data.txt does not verify", "legacy", "--allow-legacy"]);
    let run = s
        .run(&["verify", "data.txt", "-p", "m.pub", "--allow-legacy"])
        .success();
    assert!(
        run.stderr.contains("legacy (non-prehashed) signature"),
        "{}",
        run.stderr
    );
    let run = s
        .run(&[
            "--json",
            "verify",
            "data.txt",
            "-p",
            "m.pub",
            "--allow-legacy",
        ])
        .success();
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["legacy"], true);
    // Still a real check: a changed file fails.
    s.write("data.txt", "changed\n");
    s.run(&["verify", "data.txt", "-p", "m.pub", "--allow-legacy"])
        .fails(1, &["the file was changed after signing"]);
}

#[test]
fn minisign_key_id_mismatch_is_reported_like_minisign() {
    let s = Scratch::new();
    s.minisign_ok(&["-G", "-W", "-p", "a.pub", "-s", "a.key"], "");
    s.minisign_ok(&["-G", "-W", "-p", "b.pub", "-s", "b.key"], "");
    s.write("data.txt", "data\n");
    s.minisign_ok(&["-S", "-s", "a.key", "-m", "data.txt"], "");
    let minisign = s.minisign(&["-V", "-m", "data.txt", "-p", "b.pub"], "");
    assert!(!minisign.status.success());
    let minisign_err = String::from_utf8(minisign.stderr).unwrap();
    // minisign prints the signature's key id, then the public key's, each after "is" (0.11
    // drops leading zeros): we name the same ones.
    let words: Vec<&str> = minisign_err.split_whitespace().collect();
    let ids: Vec<String> = words
        .windows(2)
        .filter(|w| w[0] == "is")
        .map(|w| format!("{:016X}", u64::from_str_radix(w[1], 16).unwrap()))
        .collect();
    assert_eq!(ids.len(), 2, "{minisign_err}");
    s.run(&["verify", "data.txt", "-p", "b.pub"]).fails(
        1,
        &[
            &format!("made by key {}", ids[0]),
            &format!("the public key is {}", ids[1]),
        ],
    );
}
