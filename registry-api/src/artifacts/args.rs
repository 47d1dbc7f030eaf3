//! The artifact-check settings: flags of every subcommand, each with an environment variable.

use clap::Args;
use protocol::formats::artifacts as formats;

/// The artifact-check settings (flags of every subcommand, each with an environment variable).
#[derive(Debug, Clone, Args)]
pub struct ArtifactArgs {
    /// The npm registry (or a mirror) whose version documents are compared.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_NPM_REGISTRY_URL",
        value_name = "URL",
        default_value = protocol::formats::registry::NPM_BASE_URL
    )]
    pub npm_registry_url: String,

    /// PyPI (or a mirror) whose JSON API is compared.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_PYPI_URL",
        value_name = "URL",
        default_value = protocol::formats::registry::PYPI_BASE_URL
    )]
    pub pypi_url: String,

    /// Ask every OCI registry through this URL (a pull-through mirror) instead of the host the
    /// image names. [default: the image's host; docker.io is https://registry-1.docker.io]
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OCI_REGISTRY_URL",
        value_name = "URL"
    )]
    pub oci_registry_url: Option<String>,

    /// Ask the OCI registry HOST (as image references spell it, e.g. docker.io, ghcr.io) at
    /// URL. Repeatable; the environment variable takes a comma-separated list.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_OCI_REGISTRY_MAP",
        value_name = "HOST=URL",
        value_delimiter = ','
    )]
    pub oci_registry_map: Vec<String>,

    /// A host artifact checks may fetch from (registries, token services, CDNs). Repeatable;
    /// replaces the default list (registry.npmjs.org, pypi.org, files.pythonhosted.org,
    /// registry-1.docker.io, auth.docker.io, production.cloudflare.docker.com, ghcr.io,
    /// pkg-containers.githubusercontent.com, quay.io, cdn.quay.io, github.com,
    /// objects.githubusercontent.com, release-assets.githubusercontent.com). The hosts of the
    /// URLs above are always allowed.
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_ALLOW_HOSTS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    pub artifact_allow_host: Vec<String>,

    /// Largest response an artifact check reads (tarballs and bundles are hashed whole).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_MAX_BYTES",
        value_name = "BYTES",
        default_value_t = formats::DEFAULT_MAX_BYTES
    )]
    pub artifact_max_bytes: u64,

    /// Timeout of each artifact-check request, in seconds (fractions allowed).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_TIMEOUT",
        value_name = "SECS",
        default_value_t = formats::DEFAULT_TIMEOUT_SECS
    )]
    pub artifact_timeout: f64,

    /// Re-check every signed release's artifacts this often, in seconds (a re-pushed tag or a
    /// changed tarball downgrades the release); 0 turns re-checks off (first checks still run).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_ARTIFACT_RECHECK_INTERVAL",
        value_name = "SECS",
        default_value_t = formats::DEFAULT_RECHECK_INTERVAL_SECS
    )]
    pub artifact_recheck_interval: u64,

    /// Do not check the Sigstore build provenance of npm and PyPI packages (the `attested`
    /// level). On by default: every release, listed or signed, is checked once it is stored and
    /// re-checked with the artifact checks.
    #[arg(long, global = true, env = "MCP_REGISTRY_NO_PROVENANCE_CHECKS")]
    pub no_provenance_checks: bool,

    /// A Sigstore `trusted_root.json` to verify build provenance against, instead of the
    /// public-good root this build ships (provenance/data/README.md says how to fetch a newer
    /// one).
    #[arg(
        long,
        global = true,
        env = "MCP_REGISTRY_SIGSTORE_TRUSTED_ROOT",
        value_name = "FILE"
    )]
    pub sigstore_trusted_root: Option<std::path::PathBuf>,

    /// Tests only: let outbound fetches (artifact checks, namespace proofs) reach private,
    /// loopback and link-local addresses.
    #[arg(long, global = true, env = "MCP_REGISTRY_ALLOW_PRIVATE_ARTIFACT_HOSTS")]
    pub allow_private_artifact_hosts: bool,
}

impl Default for ArtifactArgs {
    fn default() -> Self {
        ArtifactArgs {
            npm_registry_url: protocol::formats::registry::NPM_BASE_URL.to_string(),
            pypi_url: protocol::formats::registry::PYPI_BASE_URL.to_string(),
            oci_registry_url: None,
            oci_registry_map: Vec::new(),
            artifact_allow_host: Vec::new(),
            artifact_max_bytes: formats::DEFAULT_MAX_BYTES,
            artifact_timeout: formats::DEFAULT_TIMEOUT_SECS,
            artifact_recheck_interval: formats::DEFAULT_RECHECK_INTERVAL_SECS,
            no_provenance_checks: false,
            sigstore_trusted_root: None,
            allow_private_artifact_hosts: false,
        }
    }
}
