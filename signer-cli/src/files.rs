//! Reading and writing the user's files: clear errors naming the path, no half-written files.

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Read a whole file, with an error that names it.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Read a whole UTF-8 text file, with an error that names it.
pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Read size when streaming a file through a hash: large enough to be fast, small enough that
/// a 50 GB artifact costs no memory.
const CHUNK_LEN: usize = 64 * 1024;

/// Feed what is left of `input` (read from `path`) through `update` in chunks, never holding
/// all of it.
pub(crate) fn stream(
    input: &mut impl Read,
    path: &Path,
    mut update: impl FnMut(&[u8]),
) -> Result<()> {
    let mut buffer = vec![0u8; CHUNK_LEN];
    loop {
        match input.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => update(buffer.get(..n).unwrap_or_default()),
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// Who may read a file written by [`write()`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The usual mode (0644 less the umask).
    Public,
    /// Owner only (0600), for secret keys.
    Private,
    /// Exactly these permission bits (Unix; elsewhere the usual mode): a rewritten file keeps
    /// the mode it had.
    Exact(u32),
}

/// Refuse to overwrite `path` unless `force`: a lost secret key cannot be recovered.
pub(crate) fn ensure_writable(path: &Path, force: bool) -> Result<()> {
    if !force && path.exists() {
        bail!(
            "{} already exists; pass --force to overwrite it",
            path.display()
        );
    }
    Ok(())
}

/// Write `contents` to `path` atomically: into a temporary file beside it, flushed to disk, then
/// renamed over the target, so a crash leaves either the old file or the new one.
pub(crate) fn write(path: &Path, contents: &[u8], mode: Mode) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(match mode {
                Mode::Public => 0o644,
                Mode::Private | Mode::Exact(_) => 0o600,
            });
        }
        let mut file = options.open(&tmp)?;
        #[cfg(unix)]
        if let Mode::Exact(bits) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(bits))?;
        }
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
