//! What `check` and `log verify` remember between runs: the registry's pinned log key
//! (trust on first use, in the config dir) and, per log, the last checkpoint seen and the latest
//! version seen of each server (in the state dir).
//!
//! - `<config>/registries.json`: `{"<registry URL>": "<verifier key>"}`;
//! - `<state>/log-<16 hex of SHA-256(verifier key)>.json`:
//!   `{"verifierKey", "checkpoint": "<signed note>", "latest": {"<name>": "<version>"}}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use protocol::api::ConsistencyProofResponse;
use protocol::log::{LogVerifier, SignedCheckpoint, hash_from_base64, verify_consistency};
use protocol::manifest::Sha256Digest;
use serde::{Deserialize, Serialize};

use super::registry_client::RegistryClient;
use crate::cli::LogTrustArgs;

fn home_dir(sub: &str) -> Result<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(sub).join("mcp-sign"))
        .ok_or_else(|| {
            anyhow!("cannot find a home folder: set HOME, or pass --state-dir/--config-dir")
        })
}

fn xdg(var: &str, fallback: &str) -> Result<PathBuf> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => Ok(PathBuf::from(v).join("mcp-sign")),
        None => home_dir(fallback),
    }
}

pub(crate) fn state_dir(args: &LogTrustArgs) -> Result<PathBuf> {
    match &args.state_dir {
        Some(d) => Ok(d.clone()),
        None => xdg("XDG_STATE_HOME", ".local/state"),
    }
}

pub(crate) fn config_dir(args: &LogTrustArgs) -> Result<PathBuf> {
    match &args.config_dir {
        Some(d) => Ok(d.clone()),
        None => xdg("XDG_CONFIG_HOME", ".config"),
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// How the registry's key was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PinSource {
    /// `--registry-key`.
    Flag,
    /// Pinned on an earlier first use.
    Pinned(PathBuf),
    /// Not pinned before: fetched from the registry now and pinned (trust on first use).
    FirstUse(PathBuf),
}

#[derive(Debug)]
pub(crate) struct Pinned {
    pub(crate) verifier: LogVerifier,
    pub(crate) source: PinSource,
}

impl Pinned {
    pub(crate) fn describe(&self) -> String {
        match &self.source {
            PinSource::Flag => format!(
                "registry log key {} (from --registry-key)",
                self.verifier.key()
            ),
            PinSource::Pinned(p) => format!(
                "registry log key {} (pinned in {})",
                self.verifier.key(),
                p.display()
            ),
            PinSource::FirstUse(p) => format!(
                "registry log key {} PINNED NOW on first use (trust on first use) in {}; \
                 compare it with the key the registry's operators publish",
                self.verifier.key(),
                p.display()
            ),
        }
    }

    pub(crate) fn source_name(&self) -> &'static str {
        match self.source {
            PinSource::Flag => "flag",
            PinSource::Pinned(_) => "pinned",
            PinSource::FirstUse(_) => "first-use",
        }
    }
}

/// The key to check the registry's checkpoints with.
pub(crate) fn pin(args: &LogTrustArgs, client: &RegistryClient) -> Result<Pinned> {
    if let Some(key) = &args.registry_key {
        let verifier = LogVerifier::new(key).context("--registry-key")?;
        return Ok(Pinned {
            verifier,
            source: PinSource::Flag,
        });
    }
    let path = config_dir(args)?.join("registries.json");
    let mut pins: BTreeMap<String, String> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a JSON object of registry keys", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if let Some(key) = pins.get(client.base()) {
        let verifier = LogVerifier::new(key)
            .with_context(|| format!("the key pinned in {}", path.display()))?;
        return Ok(Pinned {
            verifier,
            source: PinSource::Pinned(path),
        });
    }
    let key = client.get_text("/log/key")?;
    let verifier = LogVerifier::new(key.trim()).context("the registry's /log/key")?;
    pins.insert(client.base().to_string(), verifier.key().to_string());
    write_atomic(&path, serde_json::to_string_pretty(&pins)?.as_bytes())?;
    Ok(Pinned {
        verifier,
        source: PinSource::FirstUse(path),
    })
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogState {
    #[serde(default)]
    pub(crate) verifier_key: String,
    /// The largest checkpoint seen (signed note).
    #[serde(default)]
    pub(crate) checkpoint: Option<String>,
    /// Latest version seen per server name.
    #[serde(default)]
    pub(crate) latest: BTreeMap<String, String>,
    #[serde(skip)]
    path: PathBuf,
}

impl LogState {
    pub(crate) fn load(args: &LogTrustArgs, verifier: &LogVerifier) -> Result<Self> {
        let id = hex::encode(&Sha256Digest::of(verifier.key().as_bytes()).as_bytes()[..8]);
        let path = state_dir(args)?.join(format!("log-{id}.json"));
        let mut state: LogState = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a log state file", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LogState::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        state.verifier_key = verifier.key().to_string();
        state.path = path;
        Ok(state)
    }

    pub(crate) fn save(&self) -> Result<()> {
        write_atomic(&self.path, serde_json::to_string_pretty(self)?.as_bytes())
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// What consistency checking found.
#[derive(Debug)]
pub(crate) enum Consistency {
    /// Nothing seen before: this checkpoint is the first.
    First,
    /// The same tree as before.
    Same,
    /// Proven to extend (or be a prefix of) the checkpoint seen before.
    Proven { from: u64, to: u64 },
}

/// Checks `new` against the last checkpoint seen; remembers the larger one (the caller saves).
/// `Err` with a message starting "history rewritten" is a refusal.
pub(crate) fn check_consistency(
    client: &RegistryClient,
    verifier: &LogVerifier,
    state: &mut LogState,
    new: &SignedCheckpoint,
) -> Result<std::result::Result<Consistency, String>> {
    let Some(old_note) = state.checkpoint.clone() else {
        state.checkpoint = Some(new.note.clone());
        return Ok(Ok(Consistency::First));
    };
    let old = match verifier.verify_checkpoint(&old_note) {
        Ok(c) => c,
        Err(e) => bail!(
            "the checkpoint remembered in {} does not verify with the pinned key: {e}",
            state.path.display()
        ),
    };
    let (small, big) = if old.size <= new.size {
        (&old, new)
    } else {
        (new, &old)
    };
    if small.size == big.size {
        return Ok(if small.root == big.root {
            Ok(Consistency::Same)
        } else {
            Err(format!(
                "history rewritten or split view: the registry's checkpoint for tree size {} has \
                 root {}, but this client saw root {} for that size before",
                new.size,
                new.root_base64(),
                old.root_base64()
            ))
        });
    }
    let refused = |why: String| {
        Ok(Err(format!(
            "history rewritten or split view: the registry's log (size {}) is not consistent \
             with the checkpoint this client saw before (size {}): {why}",
            new.size, old.size
        )))
    };
    if small.size == 0 {
        if new.size >= old.size {
            state.checkpoint = Some(new.note.clone());
        }
        return Ok(Ok(Consistency::Proven {
            from: 0,
            to: big.size,
        }));
    }
    let resp: ConsistencyProofResponse = match client.get_json(&format!(
        "/v1/log/proof/consistency?from={}&to={}",
        small.size, big.size
    )) {
        Ok(r) => r,
        Err(e) => return refused(format!("no consistency proof: {e:#}")),
    };
    let proof = match resp
        .proof
        .iter()
        .map(|h| hash_from_base64(h))
        .collect::<protocol::Result<Vec<_>>>()
    {
        Ok(p) => p,
        Err(e) => return refused(e.to_string()),
    };
    if let Err(e) = verify_consistency(&proof, small.size, small.root, big.size, big.root) {
        return refused(e.to_string());
    }
    if new.size > old.size {
        state.checkpoint = Some(new.note.clone());
    }
    Ok(Ok(Consistency::Proven {
        from: small.size,
        to: big.size,
    }))
}
