//! The backups `audit --fix` keeps for `--undo`: the file as it was (with its plaintext
//! secrets) and as fix wrote it, in mcp-sign's state folder, never beside the configuration,
//! so no token stays in the project or client folder.
//!
//! `<state>/fix-backups/<16 hex of SHA-256(path)>/<nanoseconds since 1970, 20 digits>.json`,
//! `{"path", "original", "fixed", "mode"}`; files 0600, folders 0700.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{dirs, files};

#[derive(Serialize, Deserialize)]
pub(super) struct Backup {
    /// The configuration, as an absolute path with symbolic links resolved.
    pub(super) path: PathBuf,
    pub(super) original: String,
    pub(super) fixed: String,
    /// The file's permission bits (Unix).
    pub(super) mode: Option<u32>,
}

impl Drop for Backup {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.original);
    }
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backup")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The folder of `config`'s backups.
fn folder(config: &Path) -> Result<PathBuf> {
    let digest = Sha256::digest(config.to_string_lossy().as_bytes());
    let name = hex::encode(digest.get(..8).unwrap_or_default());
    Ok(dirs::state_dir()?.join("fix-backups").join(name))
}

/// Keep `backup`; returns where.
pub(super) fn save(backup: &Backup) -> Result<PathBuf> {
    let dir = folder(&backup.path)?;
    dirs::create_private(&dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let file = dir.join(format!("{nanos:020}.json"));
    let bytes = Zeroizing::new(serde_json::to_vec(backup).context("cannot serialise a backup")?);
    files::write(&file, &bytes, files::Mode::Private)?;
    Ok(file)
}

/// `config`'s most recent backup and its file, if it has one.
pub(super) fn latest(config: &Path) -> Result<Option<(PathBuf, Backup)>> {
    let dir = folder(config)?;
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(None);
    };
    let newest = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .max();
    let Some(file) = newest else {
        return Ok(None);
    };
    let bytes = Zeroizing::new(files::read(&file)?);
    let backup: Backup = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "the backup {} is damaged (line {}, column {}); remove it to undo an older fix",
            file.display(),
            e.line(),
            e.column()
        )
    })?;
    Ok(Some((file, backup)))
}
