//! Helpers shared by the `keys_*` tests: a scratch folder, the `mcp-sign` and `minisign`
//! binaries, cheap keys, and output checks.

#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output, Stdio};

use assert_cmd::Command;
use protocol::SecretKey;
use protocol::minisign::KdfParams;
use rand_core::OsRng;

/// Cheap scrypt (N = 1024, 1 MiB): for tests about passwords, not about minisign's cost.
pub const FAST_KDF: KdfParams = KdfParams {
    opslimit: 32_768,
    memlimit: 1 << 20,
};

/// A scratch folder that commands run in, so paths in output are short and stable.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// `mcp-sign` in this folder, with no password in the environment and stdin not a terminal.
    pub fn mcp_sign(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-sign"));
        cmd.current_dir(self.root()).env_remove("MCP_SIGN_PASSWORD");
        cmd
    }

    /// Run `mcp-sign` with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.mcp_sign().args(args).output().unwrap())
    }

    /// Run `mcp-sign` with these arguments and `MCP_SIGN_PASSWORD` set.
    pub fn run_with_password(&self, args: &[&str], password: &str) -> Run {
        Run::from(
            self.mcp_sign()
                .args(args)
                .env("MCP_SIGN_PASSWORD", password)
                .output()
                .unwrap(),
        )
    }

    /// An unencrypted key pair `<name>.pub` / `<name>.key` made by `mcp-sign keygen`.
    pub fn keygen(&self, name: &str) {
        let (pk, sk) = (format!("{name}.pub"), format!("{name}.key"));
        self.run(&["keygen", "--no-password", "-p", &pk, "-s", &sk])
            .success();
    }

    /// An encrypted key pair with cheap scrypt parameters, written through the library.
    pub fn cheap_encrypted_key(&self, name: &str, password: &str) {
        let secret = SecretKey::generate(&mut OsRng);
        let file = secret
            .to_file_string_with_kdf(Some(password), FAST_KDF, &mut OsRng)
            .unwrap();
        self.write(&format!("{name}.key"), file.as_bytes());
        self.write(&format!("{name}.pub"), secret.public_key().to_file_string());
    }

    /// Run the real minisign here, feeding `stdin` (it reads passwords from stdin when stdin is
    /// not a terminal).
    pub fn minisign(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = StdCommand::new("minisign")
            .args(args)
            .current_dir(self.root())
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
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub fn minisign_ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.minisign(args, stdin);
        assert!(
            out.status.success(),
            "minisign {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// A finished `mcp-sign` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Run {
    pub fn success(self) -> Self {
        assert_eq!(
            self.code, 0,
            "expected success:\n{}{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }

    /// A failure with this exit code and exactly one line of error on stderr that contains each
    /// of `needles`. Returns the line.
    pub fn fails(&self, code: i32, needles: &[&str]) -> String {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line of error, got:\n{}", self.stderr);
        let line = lines[0];
        assert!(line.starts_with("error: "), "{line}");
        for needle in needles {
            assert!(line.contains(needle), "{line:?} should contain {needle:?}");
        }
        line.to_owned()
    }
}

/// Filters that make output stable: key ids, timestamps, base64 keys, temp paths.
pub fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\b[0-9A-F]{16}\b", "[KEYID]"),
        (r"timestamp:\d+", "timestamp:[UNIX]"),
        (r"RW[A-Za-z0-9+/]{54}", "[PUBLIC KEY]"),
        (r"/tmp/\.tmp[A-Za-z0-9]+", "[TMP]"),
    ]
}
