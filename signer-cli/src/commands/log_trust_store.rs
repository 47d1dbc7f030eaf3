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
use protocol::client::{ClientError, Consistency, ConsistencyCheck, ProofRequest};
use protocol::log::{LogVerifier, SignedCheckpoint};
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

/// Checks `new` against the last checkpoint seen (`protocol::client::ConsistencyCheck`),
/// fetching the consistency proof it needs; remembers the larger one in `remembered` (the caller
/// saves). `remembered_in` names the state file for messages. `Err` inside is a refusal.
pub(crate) fn check_consistency(
    client: &RegistryClient,
    verifier: &LogVerifier,
    remembered: &mut Option<String>,
    remembered_in: &Path,
    new: &SignedCheckpoint,
) -> Result<std::result::Result<Consistency, String>> {
    let check = match ConsistencyCheck::new(verifier, remembered.as_deref(), new) {
        Ok(c) => c,
        Err(ClientError::RememberedCheckpoint { reason }) => bail!(
            "the checkpoint remembered in {} does not verify with the pinned key: {reason}",
            remembered_in.display()
        ),
        Err(e) => return Err(e.into()),
    };
    let proof = check.proof_needed().map(|ProofRequest { from, to }| {
        client
            .get_json::<ConsistencyProofResponse>(&format!(
                "/v1/log/proof/consistency?from={from}&to={to}"
            ))
            .map_err(|e| format!("{e:#}"))
    });
    let decision = check.decide(proof.as_ref().map(|p| p.as_ref().map_err(Clone::clone)));
    if let Some(note) = decision.remember {
        *remembered = Some(note);
    }
    Ok(decision.outcome)
}
