//! Where secret-key passwords come from: `MCP_SIGN_PASSWORD` (for CI), else a prompt on the
//! terminal. Never a command-line argument, which would leak into shell history and `ps`.

use anyhow::{Context, Result, bail};
use std::io::IsTerminal;

pub(crate) const PASSWORD_ENV: &str = "MCP_SIGN_PASSWORD";

/// A password to unlock an existing secret key.
pub(crate) fn for_unlock(key_path: &std::path::Path) -> Result<String> {
    if let Ok(pw) = std::env::var(PASSWORD_ENV) {
        return Ok(pw);
    }
    require_terminal()?;
    rpassword::prompt_password(format!("Password for {}: ", key_path.display()))
        .context("could not read the password from the terminal")
}

/// A new password for a key being created: asked twice on a terminal.
pub(crate) fn for_new_key() -> Result<String> {
    if let Ok(pw) = std::env::var(PASSWORD_ENV) {
        if pw.is_empty() {
            bail!("{PASSWORD_ENV} is empty; set a password or use --no-password");
        }
        return Ok(pw);
    }
    require_terminal()?;
    let first = rpassword::prompt_password("Password for the new secret key: ")
        .context("could not read the password from the terminal")?;
    if first.is_empty() {
        bail!("the password is empty; choose one, or use --no-password for an unencrypted key");
    }
    let second = rpassword::prompt_password("Password (again): ")
        .context("could not read the password from the terminal")?;
    if first != second {
        bail!("the passwords do not match; run the command again");
    }
    Ok(first)
}

fn require_terminal() -> Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "a password is needed but there is no terminal to ask on; \
             set {PASSWORD_ENV} (for CI) or run the command in a terminal"
        );
    }
    Ok(())
}
