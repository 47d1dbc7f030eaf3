//! A scratch folder that commands run in (so paths in their output are short and stable), cheap
//! keys, and checks of a finished command's output.

use std::path::{Path, PathBuf};
use std::process::Output;

use protocol::SecretKey;
use protocol::minisign::KdfParams;
use rand_core::OsRng;

/// Cheap scrypt (N = 1024, 1 MiB): for tests about passwords, not about minisign's cost.
pub const FAST_KDF: KdfParams = KdfParams {
    opslimit: 32_768,
    memlimit: 1 << 20,
};

#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

impl Scratch {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
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
        std::fs::write(&path, contents).expect("write");
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read")
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// An encrypted key pair `<name>.key` / `<name>.pub` with cheap scrypt parameters, written
    /// through the library.
    pub fn cheap_encrypted_key(&self, name: &str, password: &str) {
        let secret = SecretKey::generate(&mut OsRng);
        let file = secret
            .to_file_string_with_kdf(Some(password), FAST_KDF, &mut OsRng)
            .expect("encrypt key");
        self.write(&format!("{name}.key"), file.as_bytes());
        self.write(&format!("{name}.pub"), secret.public_key().to_file_string());
    }

    /// Runs the real minisign here, feeding `stdin`.
    pub fn minisign(&self, args: &[&str], stdin: &str) -> Output {
        crate::minisign::minisign(self.root(), args, stdin)
    }

    /// Runs the real minisign here and returns its stdout; it must succeed.
    pub fn minisign_ok(&self, args: &[&str], stdin: &str) -> String {
        let out = crate::minisign::minisign_ok(self.root(), args, stdin);
        String::from_utf8(out.stdout).expect("utf-8")
    }
}

/// A finished command: exit code and its output as text.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
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
