//! Configuration: flags, each with an `MCP_REGISTRY_*` environment variable.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::error::{Error, Result};
use crate::service::proofs::ProofConfig;

/// Where the data lives and where proofs are fetched from. Shared by every subcommand, and
/// accepted before or after it (`--data-dir` is global).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Folder for the embedded database (`registry.db`), the search index (`search/`) and the
    /// log key (`log.key`). Created on first start.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_DATA_DIR",
        value_name = "DIR",
        default_value = "./data"
    )]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://PATH` or `postgres://USER:PASS@HOST/DB` (for several replicas).
    /// [default: SQLite at DATA_DIR/registry.db]
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// GitHub's REST API, used for namespace proofs of io.github.* names and by the crawler
    /// (point it at GitHub Enterprise or, in tests, at a local server).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_GITHUB_API_URL",
        value_name = "URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,

    /// GitHub token (no scopes needed): raises the API rate limit for proofs and crawls. The
    /// crawler also reads GITHUB_TOKEN. Never logged.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_GITHUB_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub github_token: Option<String>,

    /// Fetch domain proofs from BASE/DOMAIN/.well-known/mcp-sign.pub instead of
    /// https://DOMAIN/.well-known/mcp-sign.pub. For tests and staging only.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_DOMAIN_PROOF_BASE_URL",
        value_name = "BASE"
    )]
    pub domain_proof_base_url: Option<String>,

    /// Write requests (POST) allowed per minute from one client address, per replica; 0 turns
    /// the limit off (e.g. when a proxy in front limits instead).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_WRITE_RATE_LIMIT",
        value_name = "N",
        default_value_t = 60
    )]
    pub write_rate_limit: u32,

    /// The transparency log's Ed25519 signing key (a signed-note private key). Created with
    /// mode 0600 on first start; replicas sharing a database must share this file.
    /// [default: DATA_DIR/log.key]
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_LOG_KEY_FILE",
        value_name = "PATH"
    )]
    pub log_key_file: Option<PathBuf>,

    /// The log's origin: the first line of every checkpoint and the name of the log key, e.g.
    /// registry.example.com/log. No spaces or '+'.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_LOG_ORIGIN",
        value_name = "NAME",
        default_value = protocol::formats::log::DEFAULT_ORIGIN
    )]
    pub log_origin: String,

    /// Memory for finished `/v1/search` answers, in MiB; 0 turns the cache off. An answer is
    /// kept for the index generation it came from, so a change to the index is seen at once.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_SEARCH_CACHE_MIB",
        value_name = "MIB",
        default_value_t = 64
    )]
    pub search_cache_mib: u64,

    /// An operator public key (the bare base64 key, or the path of a minisign .pub file) that
    /// may sign `admin` statements (official, flag, ...). Repeatable; the environment variable
    /// takes a comma-separated list.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OPERATOR_PUBLIC_KEYS",
        value_name = "KEY",
        value_delimiter = ','
    )]
    pub operator_public_key: Vec<String>,

    /// Artifact checks (the `verified` level).
    #[command(flatten)]
    pub artifacts: crate::artifacts::ArtifactArgs,
}

impl Config {
    /// A configuration with the defaults, for a data folder (tests, embedding).
    pub fn for_data_dir(data_dir: &Path) -> Self {
        Config {
            data_dir: data_dir.to_path_buf(),
            database_url: None,
            github_api_url: "https://api.github.com".to_string(),
            github_token: None,
            domain_proof_base_url: None,
            write_rate_limit: 60,
            log_key_file: None,
            log_origin: protocol::formats::log::DEFAULT_ORIGIN.to_string(),
            search_cache_mib: 64,
            operator_public_key: Vec::new(),
            artifacts: crate::artifacts::ArtifactArgs::default(),
        }
    }

    /// The operator public keys: each a bare base64 key or the path of a `.pub` file.
    pub fn operator_keys(&self) -> Result<Vec<protocol::PublicKey>> {
        self.operator_public_key
            .iter()
            .map(|k| {
                let k = k.trim();
                let path = Path::new(k);
                let parsed = if path.is_file() {
                    let text = std::fs::read_to_string(path).map_err(|e| {
                        Error::Config(format!("cannot read the operator key {k}: {e}"))
                    })?;
                    protocol::PublicKey::from_file_str(&text)
                } else {
                    protocol::PublicKey::from_base64(k)
                };
                parsed.map_err(|e| {
                    Error::Config(format!(
                        "--operator-public-key {k:?} is neither a minisign public key nor a \
                         readable .pub file: {e}"
                    ))
                })
            })
            .collect()
    }

    /// Where the log signing key lives.
    pub fn log_key_path(&self) -> PathBuf {
        self.log_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("log.key"))
    }

    /// The database URL, creating the data folder for the SQLite default.
    pub fn database_url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            Error::Config(format!(
                "cannot create the data folder {}: {e}",
                self.data_dir.display()
            ))
        })?;
        let dir = std::path::absolute(&self.data_dir).map_err(|e| {
            Error::Config(format!(
                "cannot resolve the data folder {}: {e}",
                self.data_dir.display()
            ))
        })?;
        let path = dir.join("registry.db");
        let path = path.to_str().ok_or_else(|| {
            Error::Config(format!(
                "the data folder path {} is not UTF-8",
                dir.display()
            ))
        })?;
        // mode=rwc: create the file on first start.
        Ok(format!("sqlite://{path}?mode=rwc"))
    }

    pub fn proof_config(&self) -> ProofConfig {
        ProofConfig {
            github_api_url: self.github_api_url.clone(),
            github_token: self.github_token.clone(),
            domain_proof_base_url: self.domain_proof_base_url.clone(),
            allow_private_hosts: self.artifacts.allow_private_artifact_hosts,
        }
    }
}
