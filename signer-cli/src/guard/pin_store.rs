//! The pins `mcp-sign run` keeps per server: the fingerprint (and definition) of each tool as
//! the user accepted it, and the tools it hid since, waiting for `mcp-sign pins approve`.
//!
//! One JSON file per server, readable by `mcp-sign check --pin-tools` too:
//!
//! ```json
//! {"server": "filesystem",
//!  "tools": {"read_file": "sha256:..."},
//!  "definitions": [{"name": "read_file", "description": "...", "inputSchema": {}}],
//!  "pending": {"write_file": {"fingerprint": "sha256:...", "definition": {},
//!              "reason": "changed", "seenAt": "2026-12-03T12:00:00Z"}}}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::files;

/// A tool seen but not accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Pending {
    pub(crate) fingerprint: String,
    pub(crate) definition: Value,
    /// Why it was hidden (`new`, `changed`, `poisoned`).
    pub(crate) reason: String,
    pub(crate) seen_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PinFile {
    server: String,
    /// name → fingerprint.
    #[serde(default)]
    tools: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    definitions: Vec<Value>,
    /// name → the fingerprint approved although the scanner rated it high.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    accepted_findings: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pending: BTreeMap<String, Pending>,
}

/// One server's pins file.
#[derive(Debug, Clone)]
pub(crate) struct PinStore {
    path: PathBuf,
    file: PinFile,
    existed: bool,
}

/// The file name a server's pins are kept under in the pins folder.
pub(crate) fn file_name(server: &str) -> String {
    let safe: String = server
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

/// The default pins folder.
pub(crate) fn default_dir() -> Result<PathBuf> {
    Ok(crate::dirs::state_dir()?.join("pins"))
}

/// What an approval changed.
#[derive(Debug)]
pub(crate) struct Approval {
    pub(crate) previous: Option<Value>,
    pub(crate) approved: Pending,
}

impl PinStore {
    /// Read `path`, or start empty when it does not exist.
    pub(crate) fn open(path: &Path, server: &str) -> Result<PinStore> {
        if !path.exists() {
            return Ok(PinStore {
                path: path.to_owned(),
                file: PinFile {
                    server: server.to_owned(),
                    ..PinFile::default()
                },
                existed: false,
            });
        }
        let bytes = files::read(path)?;
        let file: PinFile = serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{} is not an mcp-sign pins file (move it away to start new pins)",
                path.display()
            )
        })?;
        if file.server != server {
            bail!(
                "{} holds the pins of {:?}, not {server:?}; pass --pins with another file",
                path.display(),
                file.server
            );
        }
        Ok(PinStore {
            path: path.to_owned(),
            file,
            existed: true,
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file existed when opened (otherwise this is the first use).
    pub(crate) fn existed(&self) -> bool {
        self.existed
    }

    pub(crate) fn fingerprint(&self, name: &str) -> Option<&str> {
        self.file.tools.get(name).map(String::as_str)
    }

    pub(crate) fn definition(&self, name: &str) -> Option<&Value> {
        self.file
            .definitions
            .iter()
            .find(|d| d.get("name").and_then(Value::as_str) == Some(name))
    }

    pub(crate) fn accepts_findings(&self, name: &str, fingerprint: &str) -> bool {
        self.file.accepted_findings.get(name).map(String::as_str) == Some(fingerprint)
    }

    pub(crate) fn pending(&self) -> &BTreeMap<String, Pending> {
        &self.file.pending
    }

    pub(crate) fn pinned(&self) -> &BTreeMap<String, String> {
        &self.file.tools
    }

    /// Pin `definition` under `name` (replacing what was pinned).
    pub(crate) fn pin(&mut self, name: &str, fingerprint: &str, definition: &Value) {
        self.file
            .tools
            .insert(name.to_owned(), fingerprint.to_owned());
        self.file
            .definitions
            .retain(|d| d.get("name").and_then(Value::as_str) != Some(name));
        self.file.definitions.push(definition.clone());
        self.file.pending.remove(name);
    }

    /// Remember a hidden tool for `approve`; returns whether anything changed.
    pub(crate) fn hold(&mut self, name: &str, pending: Pending) -> bool {
        match self.file.pending.get(name) {
            Some(p) if p.fingerprint == pending.fingerprint => false,
            _ => {
                self.file.pending.insert(name.to_owned(), pending);
                true
            }
        }
    }

    /// Accept the pending definition of `name`.
    pub(crate) fn approve(&mut self, name: &str, accept_findings: bool) -> Result<Approval> {
        let Some(pending) = self.file.pending.get(name).cloned() else {
            let known: Vec<&str> = self.file.pending.keys().map(String::as_str).collect();
            bail!(
                "no hidden tool {name:?} waits for approval in {} (waiting: {})",
                self.path.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        };
        let previous = self.definition(name).cloned();
        self.pin(name, &pending.fingerprint, &pending.definition);
        if accept_findings {
            self.file
                .accepted_findings
                .insert(name.to_owned(), pending.fingerprint.clone());
        }
        Ok(Approval {
            previous,
            approved: pending,
        })
    }

    pub(crate) fn save(&mut self) -> Result<()> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::dirs::create_private(dir)?;
        }
        let mut text = serde_json::to_vec_pretty(&self.file)?;
        text.push(b'\n');
        files::write(&self.path, &text, files::Mode::Private)?;
        self.existed = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pin_hold_approve_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pins").join(file_name("io.github.o/s"));
        assert_eq!(path.file_name().unwrap(), "io.github.o_s.json");
        let mut store = PinStore::open(&path, "io.github.o/s").unwrap();
        assert!(!store.existed());
        let old = json!({"name": "a", "description": "A"});
        store.pin("a", "sha256:1", &old);
        store.save().unwrap();
        let mut store = PinStore::open(&path, "io.github.o/s").unwrap();
        assert!(store.existed());
        assert_eq!(store.fingerprint("a"), Some("sha256:1"));
        let new = json!({"name": "a", "description": "A2"});
        let pending = Pending {
            fingerprint: "sha256:2".into(),
            definition: new.clone(),
            reason: "changed".into(),
            seen_at: "t".into(),
        };
        assert!(store.hold("a", pending.clone()));
        assert!(!store.hold("a", pending));
        assert!(store.approve("b", false).is_err());
        let approval = store.approve("a", true).unwrap();
        assert_eq!(approval.previous, Some(old));
        assert_eq!(store.fingerprint("a"), Some("sha256:2"));
        assert_eq!(store.definition("a"), Some(&new));
        assert!(store.accepts_findings("a", "sha256:2"));
        assert!(store.pending().is_empty());
        store.save().unwrap();
        assert!(PinStore::open(&path, "other").is_err());
    }
}
