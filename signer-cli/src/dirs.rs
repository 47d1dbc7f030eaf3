//! mcp-sign's own folders: the config folder (pinned registry keys, the secret store's file
//! and index), the state folder (checkpoints, `audit --fix` backups, `run`'s pins and audit
//! log) and the cache (artifacts `run` verified). The XDG base
//! directories, with `MCP_SIGN_CONFIG_DIR` / `MCP_SIGN_STATE_DIR` taking precedence (the same
//! variables as `--config-dir` / `--state-dir`).

use std::path::PathBuf;

use anyhow::{Result, anyhow};

/// `$MCP_SIGN_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mcp-sign`, else `~/.config/mcp-sign`.
pub(crate) fn config_dir() -> Result<PathBuf> {
    dir("MCP_SIGN_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")
}

/// `$MCP_SIGN_STATE_DIR`, else `$XDG_STATE_HOME/mcp-sign`, else `~/.local/state/mcp-sign`.
pub(crate) fn state_dir() -> Result<PathBuf> {
    dir("MCP_SIGN_STATE_DIR", "XDG_STATE_HOME", ".local/state")
}

/// `$XDG_CACHE_HOME/mcp-sign`, else `~/.cache/mcp-sign`.
pub(crate) fn cache_dir() -> Result<PathBuf> {
    dir("MCP_SIGN_CACHE_DIR", "XDG_CACHE_HOME", ".cache")
}

fn var(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn dir(own: &str, xdg: &str, under_home: &str) -> Result<PathBuf> {
    if let Some(d) = var(own) {
        return Ok(d);
    }
    if let Some(d) = var(xdg) {
        return Ok(d.join("mcp-sign"));
    }
    var("HOME")
        .map(|h| h.join(under_home).join("mcp-sign"))
        .ok_or_else(|| anyhow!("cannot find a home folder: set HOME, {xdg} or {own}"))
}

/// Create `dir` (and its parents) readable by its owner only: it holds secrets or backups of
/// files that held them.
pub(crate) fn create_private(dir: &std::path::Path) -> Result<()> {
    use anyhow::Context as _;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}
