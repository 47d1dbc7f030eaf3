//! The real `minisign` binary, run as the interoperability tests need it: passwords fed on
//! stdin (minisign reads them a line each when stdin is not a terminal), and a failure to start
//! it reported with how to install it, never skipped.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `minisign ARGS` in `dir`, feeding `stdin`.
pub fn minisign(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new("minisign")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run the minisign binary ({err}); the interoperability tests need it: \
                 apt-get install minisign"
            )
        });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("minisign output")
}

/// Runs `minisign ARGS` in `dir` and asserts it succeeded.
pub fn minisign_ok(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let out = minisign(dir, args, stdin);
    assert!(
        out.status.success(),
        "minisign {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
