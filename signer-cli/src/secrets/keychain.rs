//! The OS keychain through `keyring`: macOS Keychain, Windows Credential Manager, the Secret
//! Service (GNOME Keyring, KWallet) elsewhere. Every secret is one item of the service
//! `mcp-sign`, its account the key. The keychain cannot list a service's items, so the key
//! names (never the values) are kept in an index file in mcp-sign's config folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use zeroize::Zeroizing;

use super::key::SecretKey;
use crate::{dirs, files};

/// The keychain service every secret is filed under.
const SERVICE: &str = "mcp-sign";

/// The index's name in mcp-sign's config folder.
const INDEX_NAME: &str = "secrets-index.json";

/// Whether `keyring` has a real store on this system (elsewhere it falls back to an
/// in-memory mock, which would lose every secret at exit).
const SUPPORTED: bool = cfg!(any(
    target_os = "macos",
    target_os = "windows",
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd"
));

/// Why the keychain is not usable here, if it is not: one lookup, which fails fast when
/// there is no Secret Service on the session bus (or no session bus).
pub(super) fn unavailable() -> Option<String> {
    if !SUPPORTED {
        return Some("this system has no keychain mcp-sign can use".to_owned());
    }
    let probe = match keyring::Entry::new(SERVICE, "mcp-sign.probe") {
        Ok(entry) => entry.get_password(),
        Err(e) => Err(e),
    };
    match probe {
        Ok(_) | Err(keyring::Error::NoEntry) => None,
        Err(e) => Some(e.to_string()),
    }
}

#[derive(Debug)]
pub(super) struct Keychain {
    index: PathBuf,
}

fn entry(key: &SecretKey) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, key.as_str())
        .map_err(|e| anyhow!("the keychain refused the secret name {key}: {e}"))
}

impl Keychain {
    pub(super) fn new(config_dir: &Path) -> Self {
        Self {
            index: config_dir.join(INDEX_NAME),
        }
    }

    pub(super) fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<String>>> {
        match entry(key)?.get_password() {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            // The keyring's messages name the failure, never the value (BadEncoding's bytes
            // are only in its Debug form).
            Err(e) => Err(anyhow!(
                "cannot read the secret {key} from the keychain: {e}"
            )),
        }
    }

    pub(super) fn set(&self, key: &SecretKey, value: &str) -> Result<()> {
        entry(key)?
            .set_password(value)
            .map_err(|e| anyhow!("cannot store the secret {key} in the keychain: {e}"))?;
        let mut names = self.names()?;
        if names.insert(key.as_str().to_owned()) {
            self.save(&names)?;
        }
        Ok(())
    }

    pub(super) fn remove(&self, key: &SecretKey) -> Result<bool> {
        let removed = match entry(key)?.delete_credential() {
            Ok(()) => true,
            Err(keyring::Error::NoEntry) => false,
            Err(e) => {
                return Err(anyhow!(
                    "cannot remove the secret {key} from the keychain: {e}"
                ));
            }
        };
        let mut names = self.names()?;
        if names.remove(key.as_str()) {
            self.save(&names)?;
        }
        Ok(removed)
    }

    pub(super) fn list(&self) -> Result<Vec<String>> {
        Ok(self.names()?.into_iter().collect())
    }

    fn names(&self) -> Result<BTreeSet<String>> {
        if !self.index.exists() {
            return Ok(BTreeSet::new());
        }
        let text = files::read_to_string(&self.index)?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a list of secret names; remove it (the secrets stay in the keychain)",
                self.index.display()
            )
        })
    }

    fn save(&self, names: &BTreeSet<String>) -> Result<()> {
        if let Some(dir) = self.index.parent() {
            dirs::create_private(dir)?;
        }
        let mut text = serde_json::to_string_pretty(names).context("cannot list the names")?;
        text.push('\n');
        files::write(&self.index, text.as_bytes(), files::Mode::Private)
    }
}
