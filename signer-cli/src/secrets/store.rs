//! Which store holds the secrets: the OS keychain where one is reachable, else a 0600 file in
//! mcp-sign's config folder (with a warning). `MCP_SIGN_SECRETS_BACKEND` forces one: `file`
//! (tests, CI) or `keychain` (an error if there is none).

use std::path::Path;

use anyhow::{Result, anyhow, bail};
use zeroize::Zeroizing;

use super::file_store::FileStore;
use super::key::SecretKey;
use super::keychain::{self, Keychain};
use crate::dirs;

/// The variable that forces a backend.
pub(crate) const BACKEND_ENV: &str = "MCP_SIGN_SECRETS_BACKEND";

#[derive(Debug)]
enum Backend {
    Keychain(Keychain),
    File(FileStore),
}

/// The secret store. Holds no values itself: each call reads or writes the backend.
#[derive(Debug)]
pub(crate) struct SecretStore {
    backend: Backend,
}

impl SecretStore {
    /// The store for this user, chosen as the module documentation says.
    pub(crate) fn open() -> Result<Self> {
        let dir = dirs::config_dir()?;
        let choice = std::env::var(BACKEND_ENV).unwrap_or_default();
        Self::open_in(&dir, &choice)
    }

    fn open_in(config_dir: &Path, choice: &str) -> Result<Self> {
        let backend = match choice.trim().to_ascii_lowercase().as_str() {
            "file" => Backend::File(FileStore::new(config_dir)),
            "keychain" => match keychain::unavailable() {
                None => Backend::Keychain(Keychain::new(config_dir)),
                Some(why) => bail!(
                    "{BACKEND_ENV}=keychain, but the system keychain cannot be used: {why}; \
                     start the keychain (on Linux a Secret Service such as GNOME Keyring) or \
                     set {BACKEND_ENV}=file"
                ),
            },
            "" | "auto" => match keychain::unavailable() {
                None => Backend::Keychain(Keychain::new(config_dir)),
                Some(why) => {
                    let file = FileStore::new(config_dir);
                    eprintln!(
                        "warning: no system keychain ({why}); secrets are kept in {} \
                         (mode 0600) instead; set {BACKEND_ENV}=file to choose this quietly",
                        file.path().display()
                    );
                    Backend::File(file)
                }
            },
            other => bail!("{BACKEND_ENV}={other:?} is not a backend; use file, keychain or auto"),
        };
        Ok(Self { backend })
    }

    /// `keychain` or `file`.
    pub(crate) fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Keychain(_) => "keychain",
            Backend::File(_) => "file",
        }
    }

    /// Where the secrets are, for people.
    pub(crate) fn describe(&self) -> String {
        match &self.backend {
            Backend::Keychain(_) => "the system keychain".to_owned(),
            Backend::File(f) => f.path().display().to_string(),
        }
    }

    pub(crate) fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<String>>> {
        match &self.backend {
            Backend::Keychain(k) => k.get(key),
            Backend::File(f) => f.get(key),
        }
    }

    /// Store `value` under `key`, replacing any value it had.
    pub(crate) fn set(&self, key: &SecretKey, value: &str) -> Result<()> {
        match &self.backend {
            Backend::Keychain(k) => k.set(key, value),
            Backend::File(f) => f.set(key, value),
        }
    }

    /// Remove `key`; `false` if there was no such secret.
    pub(crate) fn remove(&self, key: &SecretKey) -> Result<bool> {
        match &self.backend {
            Backend::Keychain(k) => k.remove(key),
            Backend::File(f) => f.remove(key),
        }
    }

    /// The names of the stored secrets, sorted (names the index holds that are not valid
    /// keys are left out).
    pub(crate) fn list(&self) -> Result<Vec<SecretKey>> {
        let names = match &self.backend {
            Backend::Keychain(k) => k.list()?,
            Backend::File(f) => f.list()?,
        };
        Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
    }

    /// The value of `key`, which `name` (a variable or header) needs: a missing key is an
    /// error that says how to add it.
    pub(crate) fn require(&self, key: &SecretKey, name: &str) -> Result<Zeroizing<String>> {
        self.get(key)?.ok_or_else(|| {
            anyhow!(
                "no secret {key} (for {name}) in {}: add it with `mcp-sign secret set {key}`",
                self.describe()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_backend_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("mcp-sign");
        let store = SecretStore::open_in(&config, "file").unwrap();
        assert_eq!(store.backend_name(), "file");
        let key: SecretKey = "srv.TOKEN".parse().unwrap();
        assert!(store.get(&key).unwrap().is_none());
        store.set(&key, "v1").unwrap();
        store.set(&key, "v2").unwrap();
        assert_eq!(store.get(&key).unwrap().unwrap().as_str(), "v2");
        assert_eq!(store.list().unwrap(), vec![key.clone()]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&config.join("secrets.json")), 0o600);
            assert_eq!(mode(&config), 0o700);
        }
        assert!(store.remove(&key).unwrap());
        assert!(!store.remove(&key).unwrap());
        let err = store.require(&key, "TOKEN").unwrap_err().to_string();
        assert!(err.contains("mcp-sign secret set srv.TOKEN"), "{err}");
        assert!(!format!("{store:?}").contains("v2"));
    }

    #[test]
    fn a_broken_file_is_reported_without_its_values() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("secrets.json"),
            r#"{"secrets": {"a": 12345678}}"#,
        )
        .unwrap();
        let store = SecretStore::open_in(dir.path(), "file").unwrap();
        let err = store.list().unwrap_err().to_string();
        assert!(!err.contains("12345678"), "{err}");
        assert!(err.contains("not a valid secret store"), "{err}");
        assert!(SecretStore::open_in(dir.path(), "vault").is_err());
    }
}
