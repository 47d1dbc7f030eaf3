//! The fallback store where no keychain is reachable (headless Linux, CI): one JSON file,
//! `{"secrets": {KEY: VALUE}}`, mode 0600 in a 0700 folder, rewritten atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::key::SecretKey;
use crate::{dirs, files};

/// The file's name in mcp-sign's config folder.
pub(super) const FILE_NAME: &str = "secrets.json";

/// The values, wiped from memory when dropped.
#[derive(Default, Serialize, Deserialize)]
#[serde(transparent)]
struct Values(BTreeMap<String, String>);

impl Drop for Values {
    fn drop(&mut self) {
        for value in self.0.values_mut() {
            value.zeroize();
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct Contents {
    secrets: Values,
}

#[derive(Debug)]
pub(super) struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub(super) fn new(config_dir: &Path) -> Self {
        Self {
            path: config_dir.join(FILE_NAME),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<Contents> {
        if !self.path.exists() {
            return Ok(Contents::default());
        }
        let bytes = Zeroizing::new(files::read(&self.path)?);
        // serde's message can quote a value; say only where the file is broken.
        serde_json::from_slice(&bytes).map_err(|e| {
            anyhow!(
                "{} is not a valid secret store (line {}, column {}); fix it, or move it away \
                 and add the secrets again with `mcp-sign secret set`",
                self.path.display(),
                e.line(),
                e.column()
            )
        })
    }

    fn save(&self, contents: &Contents) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            dirs::create_private(dir)?;
        }
        let bytes = Zeroizing::new(
            serde_json::to_vec_pretty(contents)
                .map_err(|_| anyhow!("cannot serialise the secret store"))?,
        );
        files::write(&self.path, &bytes, files::Mode::Private)
    }

    pub(super) fn get(&self, key: &SecretKey) -> Result<Option<Zeroizing<String>>> {
        Ok(self
            .load()?
            .secrets
            .0
            .get(key.as_str())
            .map(|v| Zeroizing::new(v.clone())))
    }

    pub(super) fn set(&self, key: &SecretKey, value: &str) -> Result<()> {
        let mut contents = self.load()?;
        if let Some(mut old) = contents
            .secrets
            .0
            .insert(key.as_str().to_owned(), value.to_owned())
        {
            old.zeroize();
        }
        self.save(&contents)
    }

    pub(super) fn remove(&self, key: &SecretKey) -> Result<bool> {
        let mut contents = self.load()?;
        match contents.secrets.0.remove(key.as_str()) {
            Some(mut old) => {
                old.zeroize();
                self.save(&contents)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    pub(super) fn list(&self) -> Result<Vec<String>> {
        Ok(self.load()?.secrets.0.keys().cloned().collect())
    }
}
