//! The command line, as clap sees it. Every flag is documented here; `--help` is generated.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Sign, verify and publish MCP server releases; check servers before installing them.
///
/// Keys and signatures are minisign-compatible: keys made by `minisign -G` work here, and
/// files signed here verify with `minisign -V`.
///
/// Exit codes: 0 success, 1 verification failed, 2 bad usage or unreadable/invalid input.
#[derive(Debug, Parser)]
#[command(
    name = "mcp-sign",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// Print one JSON document on stdout instead of text for people (errors included).
    #[arg(long, global = true)]
    pub(crate) json: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a new signing key pair (minisign format).
    ///
    /// The password comes from a prompt, or from MCP_SIGN_PASSWORD in CI. The secret key is
    /// written with mode 0600 and is never sent anywhere.
    Keygen(KeygenArgs),

    /// Sign a file (a release manifest or an artifact), writing FILE.minisig.
    Sign(SignArgs),

    /// Verify a file's minisign signature with a public key.
    Verify(VerifyArgs),

    /// Create and check release manifests (server.json plus the signed release extension).
    #[command(subcommand)]
    Manifest(ManifestCommand),

    /// Register, re-check or revoke your key with a registry.
    #[command(subcommand)]
    Key(KeyCommand),

    /// Publish a release manifest to a registry, signed with your key, and show its verdict.
    ///
    /// With --secret-key, always signs the manifest as it is now (writing MANIFEST.minisig).
    /// Without it, uses MANIFEST.minisig only if it verifies over the current manifest, checked
    /// before upload; with no signature file, signs with mcp-sign.key.
    Publish(PublishArgs),

    /// Withdraw a release (it stays readable, with the verdict `yanked`).
    Yank(YankArgs),

    /// Undo a yank.
    Unyank(ReleaseStatementArgs),

    /// Mark a release deprecated, with a message for its users (it stays installable and keeps
    /// its trust level; the official registry status becomes `deprecated`).
    Deprecate(DeprecateArgs),

    /// Undo a deprecation.
    Undeprecate(ReleaseStatementArgs),

    /// Check a release before installing it, offline-verifiable: the maintainer's signature,
    /// the key's logged namespace proof, the registry's signed log checkpoint, the inclusion
    /// proofs, consistency with the last checkpoint seen, an artifact's digest and the trust
    /// level.
    ///
    /// Exit codes: 0 allowed, 1 refused (with the reasons), 2 error.
    Check(CheckArgs),

    /// Audit the registry's transparency log.
    #[command(subcommand)]
    Log(LogCommand),

    /// Scan tool definitions for tool poisoning: hidden instructions, secrecy, sensitive
    /// files, exfiltration parameters, shadowing of other tools, invisible text.
    ///
    /// FILE is a release manifest, an MCP tools/list result ({"tools": [...]}, or the JSON-RPC
    /// response holding it) or a JSON array of tool definitions; `-` reads standard input.
    ///
    /// Exit codes: 0 nothing at --fail-on or above, 1 findings at --fail-on or above, 2 error.
    Scan(ScanArgs),

    /// Audit the MCP servers configured on this machine: what each runs, unpinned versions,
    /// plaintext secrets, sandboxing and (with --registry) the registry's verdict.
    ///
    /// Without --config, reads the configuration files of Claude Desktop, Claude Code, Cursor,
    /// VS Code, Windsurf and Gemini CLI at their usual places. Secrets are never printed.
    ///
    /// With --fix, rewrites them to start every server through `mcp-sign run`, with secrets
    /// moved into the secret store (see --fix).
    ///
    /// Exit codes: 0 nothing high, 1 a high finding, 2 a --config file unreadable or invalid.
    /// With --fix or --undo: 0 done, 1 a file not fixed or not restored (the reason is shown).
    Audit(AuditArgs),

    /// Run an MCP server behind a verifying gateway: put `mcp-sign run [OPTIONS] --` before the
    /// server's command in your MCP client's config.
    ///
    /// The gateway starts the server and relays its stdio messages. It shows the client only
    /// the tools that pass every check, and refuses calls to the others before they reach the
    /// server: a tool that differs from the release's signed manifest, one that is new or
    /// changed since it was pinned (pins are written on first use, per server, and lifted
    /// with `mcp-sign pins approve`), one the scanner rates high, or one the policy turns off
    /// (--read-only, --deny-tool, ...). Every decision is a line on stderr and in the audit log.
    ///
    /// Exit codes: the server's exit code; 1 the server was refused before start; 2 bad usage;
    /// 3 a peer broke the protocol (malformed or oversized message); 127 the server cannot be
    /// started.
    Run(Box<RunArgs>),

    /// Review and approve the tools `mcp-sign run` hid because they are new or changed.
    #[command(subcommand)]
    Pins(PinsCommand),

    /// Keep secrets (API tokens, passwords) out of client configurations: in the system
    /// keychain, for `mcp-sign run --env NAME=secret:KEY` and `--header NAME=secret:KEY`.
    ///
    /// The store is the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
    /// Service on Linux). Where there is none (headless Linux, CI) it is a file readable only
    /// by you, $XDG_CONFIG_HOME/mcp-sign/secrets.json, with a warning.
    /// MCP_SIGN_SECRETS_BACKEND=file or =keychain chooses one.
    #[command(subcommand)]
    Secret(SecretCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum SecretCommand {
    /// Store a secret under KEY, replacing any value it had. The value is asked for without
    /// echo on a terminal, or read as one line from standard input
    /// (`printf %s "$TOKEN" | mcp-sign secret set KEY`); never from an argument, which would
    /// land in shell history and `ps`.
    Set(SecretKeyArg),

    /// List the stored secrets' names (never their values).
    List,

    /// Remove a stored secret.
    Rm(SecretKeyArg),
}

#[derive(Debug, Args)]
pub(crate) struct SecretKeyArg {
    /// The secret's name: 1 to 128 of letters, digits, '.', '_', '/' and '-'
    /// (`audit --fix` uses SERVER.VARIABLE, e.g. github.GITHUB_PERSONAL_ACCESS_TOKEN).
    #[arg(value_name = "KEY")]
    pub(crate) key: crate::secrets::SecretKey,
}

/// Where `check` and `log verify` pin the registry's log key and remember checkpoints.
#[derive(Debug, Args)]
pub(crate) struct LogTrustArgs {
    /// The registry's log verifier key (NAME+HASH+BASE64, printed by `mcp-registry serve` and
    /// served at /log/key). Without it, the key pinned on first use is used (and pinned now if
    /// there is none, which is reported).
    #[arg(long, env = "MCP_SIGN_REGISTRY_KEY", value_name = "KEY")]
    pub(crate) registry_key: Option<String>,

    /// Where the last checkpoint seen and the latest versions seen are kept
    /// [default: $XDG_STATE_HOME/mcp-sign or ~/.local/state/mcp-sign].
    #[arg(long, env = "MCP_SIGN_STATE_DIR", value_name = "DIR")]
    pub(crate) state_dir: Option<PathBuf>,

    /// Where registry keys are pinned on first use (registries.json)
    /// [default: $XDG_CONFIG_HOME/mcp-sign or ~/.config/mcp-sign].
    #[arg(long, env = "MCP_SIGN_CONFIG_DIR", value_name = "DIR")]
    pub(crate) config_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// What to check: NAME@VERSION, NAME (its latest version), or a package reference such as
    /// npm:@scope/pkg@1.2.3, pypi:pkg==1.0 or oci:ghcr.io/o/i:1.0.
    #[arg(value_name = "TARGET")]
    pub(crate) target: String,

    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    #[command(flatten)]
    pub(crate) trust: LogTrustArgs,

    /// The lowest trust level to allow: listed, attested, signed, verified or official.
    #[arg(long, value_name = "LEVEL", default_value = "signed")]
    pub(crate) min_level: String,

    /// A downloaded artifact (npm tarball, wheel, ...) whose SHA-256 must be one the signed
    /// manifest lists.
    #[arg(long, value_name = "FILE")]
    pub(crate) artifact: Option<PathBuf>,

    /// Pinned tool fingerprints: a file written by --write-pins, an MCP tools/list result, an
    /// array of tool definitions or a release manifest. The check fails when the release's
    /// tools differ (added, removed or changed: a rug pull).
    #[arg(long, value_name = "FILE")]
    pub(crate) pin_tools: Option<PathBuf>,

    /// When the check passes, write the release's tool fingerprints to FILE (for --pin-tools).
    #[arg(long, value_name = "FILE")]
    pub(crate) write_pins: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LogCommand {
    /// Monitor: download every tile and entry, recompute the tree, check the checkpoint and its
    /// consistency with the last one seen, and re-verify every signature in the log.
    Verify(LogVerifyArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LogVerifyArgs {
    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    #[command(flatten)]
    pub(crate) trust: LogTrustArgs,

    /// The registry operators' public key (bare base64, or a minisign .pub file), to verify
    /// the operator statements in the log (official, flag, ...). Repeatable. Without it they
    /// are counted, not verified.
    #[arg(long, value_name = "KEY")]
    pub(crate) operator_key: Vec<String>,
}

/// The registry to talk to.
#[derive(Debug, Args)]
pub(crate) struct RegistryArg {
    /// The registry's base URL, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "MCP_SIGN_REGISTRY", value_name = "URL")]
    pub(crate) registry: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Bind your public key to a namespace. The registry checks the proof itself: for
    /// io.github.OWNER, .well-known/mcp-sign.pub committed to --repository (owned by OWNER);
    /// for a domain namespace such as com.example, https://example.com/.well-known/mcp-sign.pub.
    Register(KeyRegisterArgs),

    /// Revoke your key with a statement signed by it. Releases it signed lose their trust.
    Revoke(KeyRevokeArgs),

    /// Ask the registry to check a key's proofs again. If you lost the secret key, remove the
    /// public key from .well-known/mcp-sign.pub (or the domain) and run this: the registry
    /// revokes the key.
    Recheck(KeyRecheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct KeyRecheckArgs {
    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    /// The public key to check.
    #[arg(long, short = 'p', value_name = "PATH", default_value = "mcp-sign.pub")]
    pub(crate) public_key: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct KeyRegisterArgs {
    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    /// The public key to register.
    #[arg(long, short = 'p', value_name = "PATH", default_value = "mcp-sign.pub")]
    pub(crate) public_key: PathBuf,

    /// The namespace: io.github.OWNER or a reverse domain such as com.example.
    #[arg(long, value_name = "NS")]
    pub(crate) namespace: String,

    /// For io.github.* namespaces: the repository (OWNER/REPO) holding the key file. The key
    /// may publish the servers whose repository.url is this repository.
    #[arg(long, value_name = "OWNER/REPO", conflicts_with = "domain")]
    pub(crate) repository: Option<String>,

    /// For domain namespaces: the domain serving the key file (checked against the namespace).
    #[arg(long, value_name = "DOMAIN")]
    pub(crate) domain: Option<String>,

    /// Rotation: the OLD secret key, which signs a statement handing the namespace over to the
    /// new key.
    #[arg(long, value_name = "PATH")]
    pub(crate) rotate_from: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct KeyRevokeArgs {
    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    /// The secret key to revoke (it signs its own revocation).
    #[arg(long, short = 's', value_name = "PATH", default_value = "mcp-sign.key")]
    pub(crate) secret_key: PathBuf,

    /// Why (shown to users), e.g. "key leaked".
    #[arg(long, value_name = "TEXT")]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// The release manifest (server.json).
    #[arg(value_name = "MANIFEST", default_value = "server.json")]
    pub(crate) manifest: PathBuf,

    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    /// Sign the manifest as it is now with this secret key, replacing any signature file.
    /// Without it, an existing signature file is used only if it verifies over the current
    /// manifest (see --public-key); with no signature file, mcp-sign.key signs
    /// [default: mcp-sign.key].
    #[arg(long, short = 's', value_name = "PATH")]
    pub(crate) secret_key: Option<PathBuf>,

    /// The signature file [default: MANIFEST.minisig].
    #[arg(long, short = 'x', value_name = "PATH")]
    pub(crate) signature: Option<PathBuf>,

    /// The public key an existing signature file is checked with before upload [default: the
    /// first with the signature's key id of .well-known/mcp-sign.pub in the manifest's folder
    /// or a parent, and mcp-sign.pub beside the manifest or here].
    #[arg(long, short = 'p', value_name = "PATH")]
    pub(crate) public_key: Option<PathBuf>,
}

/// A release and the namespace key that signs a statement about it (yank, deprecate and
/// their undoing).
#[derive(Debug, Args)]
pub(crate) struct ReleaseStatementArgs {
    /// The release, as NAME@VERSION.
    #[arg(value_name = "NAME@VERSION")]
    pub(crate) release: String,

    #[command(flatten)]
    pub(crate) registry: RegistryArg,

    /// A key registered for the server's namespace.
    #[arg(long, short = 's', value_name = "PATH", default_value = "mcp-sign.key")]
    pub(crate) secret_key: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct YankArgs {
    #[command(flatten)]
    pub(crate) target: ReleaseStatementArgs,

    /// Why, shown to users (one line).
    #[arg(long, value_name = "TEXT")]
    pub(crate) reason: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DeprecateArgs {
    #[command(flatten)]
    pub(crate) target: ReleaseStatementArgs,

    /// What users should do instead, e.g. "use 2.0.0" (one line, at most 500 characters).
    #[arg(long, short = 'm', value_name = "TEXT")]
    pub(crate) message: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// Where to write the public key (share it: commit it as .well-known/mcp-sign.pub).
    #[arg(long, short = 'p', value_name = "PATH", default_value = "mcp-sign.pub")]
    pub(crate) public_key: PathBuf,

    /// Where to write the secret key (keep it private; mode 0600).
    #[arg(long, short = 's', value_name = "PATH", default_value = "mcp-sign.key")]
    pub(crate) secret_key: PathBuf,

    /// Do not encrypt the secret key with a password (for throw-away or HSM-held keys).
    #[arg(long)]
    pub(crate) no_password: bool,

    /// Overwrite existing key files.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The file to sign.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// The secret key to sign with.
    #[arg(long, short = 's', value_name = "PATH", default_value = "mcp-sign.key")]
    pub(crate) secret_key: PathBuf,

    /// The signed, trusted comment. Default for a manifest: "name@version" and a timestamp;
    /// for other files: the file name and a timestamp.
    #[arg(long, short = 't', value_name = "TEXT")]
    pub(crate) trusted_comment: Option<String>,

    /// Where to write the signature [default: FILE.minisig].
    #[arg(long, short = 'x', value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,

    /// Overwrite an existing signature file.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The signed file.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// The public key to verify with.
    #[arg(long, short = 'p', value_name = "PATH", default_value = "mcp-sign.pub")]
    pub(crate) public_key: PathBuf,

    /// The signature file [default: FILE.minisig].
    #[arg(long, short = 'x', value_name = "PATH")]
    pub(crate) signature: Option<PathBuf>,

    /// Accept legacy (non-prehashed `Ed`) signatures made by old minisign versions.
    #[arg(long)]
    pub(crate) allow_legacy: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ManifestCommand {
    /// Build a release manifest from what is in a folder: an existing server.json, a
    /// package.json with `mcpName`, or a pyproject.toml.
    Init(ManifestInitArgs),

    /// Validate a manifest and list every problem with its JSON path.
    Check(ManifestCheckArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ManifestInitArgs {
    /// The project folder to read.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) dir: PathBuf,

    /// Where to write the manifest.
    #[arg(long, short = 'o', value_name = "PATH", default_value = "server.json")]
    pub(crate) output: PathBuf,

    /// A release artifact (npm tarball, wheel, .mcpb, ...) whose digests to record; repeatable.
    #[arg(long = "artifact", value_name = "PATH")]
    pub(crate) artifacts: Vec<PathBuf>,

    /// A JSON file with the server's tool definitions (an MCP `tools/list` result or an array);
    /// records them with their fingerprints.
    #[arg(long, value_name = "PATH")]
    pub(crate) tools: Option<PathBuf>,

    /// The source commit the release was built from (40 hex digits).
    #[arg(long, value_name = "SHA")]
    pub(crate) source_commit: Option<String>,

    /// Overwrite an existing output file.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ManifestCheckArgs {
    /// The manifest to check.
    #[arg(value_name = "FILE", default_value = "server.json")]
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// The file to scan (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// The lowest severity that makes the scan fail (exit 1): info, warning or high.
    #[arg(long, value_name = "SEVERITY", default_value = "high")]
    pub(crate) fail_on: protocol::scan::Severity,

    /// Show why each finding fired: the rule, the words it matched, the decodings that
    /// revealed hidden text, where it is (JSON path, byte span, excerpt) and what raised its
    /// severity; and the scanner's version and model (none: rules only).
    #[arg(long)]
    pub(crate) explain: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// A client configuration file to audit instead of the known locations; repeatable.
    #[arg(long = "config", value_name = "PATH")]
    pub(crate) configs: Vec<PathBuf>,

    /// Ask this registry for its verdict on each configured package (with --fix: also
    /// passed to every `mcp-sign run` it writes).
    #[arg(long, env = "MCP_SIGN_REGISTRY", value_name = "URL")]
    pub(crate) registry: Option<String>,

    /// Rewrite each configuration so every server starts through `mcp-sign run` (the
    /// verifying gateway) and move each plaintext secret of `env` and `headers` into the
    /// secret store (`mcp-sign secret`), leaving `--env NAME=secret:KEY` in its place.
    /// Prints a diff per file (secrets masked); a backup for --undo is kept in mcp-sign's
    /// state folder, never beside the configuration.
    #[arg(long)]
    pub(crate) fix: bool,

    /// With --fix (or --fix --undo): print the diffs, change nothing (no file written, no
    /// secret stored).
    #[arg(long, requires = "fix")]
    pub(crate) dry_run: bool,

    /// Put back each configuration as it was before its last --fix (refused if the file
    /// changed since), and delete that backup; alone or as --fix --undo. Moved secrets stay
    /// in the store.
    #[arg(long)]
    pub(crate) undo: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The server's name for pins, policy and the audit log [default: the registry name it
    /// resolves to, else the package or program it runs].
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// Ask this registry for the verdict before starting, with the same offline-verifiable
    /// evidence as `check`; refuse malicious, revoked and yanked releases and anything below
    /// --min-level; run the artifact the signed manifest gives a digest for from a verified
    /// copy; refuse live tools that differ from the signed ones.
    #[arg(long, env = "MCP_SIGN_REGISTRY", value_name = "URL")]
    pub(crate) registry: Option<String>,

    /// With --registry: the lowest trust level to start (listed, attested, signed, verified, official)
    /// [default: no floor, with a warning below signed].
    #[arg(long, value_name = "LEVEL", requires = "registry")]
    pub(crate) min_level: Option<String>,

    #[command(flatten)]
    pub(crate) trust: LogTrustArgs,

    /// The npm registry packages are resolved and downloaded from.
    #[arg(
        long,
        env = "MCP_SIGN_NPM_REGISTRY",
        value_name = "URL",
        default_value = "https://registry.npmjs.org"
    )]
    pub(crate) npm_registry_url: String,

    /// PyPI, for its JSON API and files.
    #[arg(
        long,
        env = "MCP_SIGN_PYPI_URL",
        value_name = "URL",
        default_value = "https://pypi.org"
    )]
    pub(crate) pypi_url: String,

    /// The pins file of this server [default: $XDG_STATE_HOME/mcp-sign/pins/NAME.json].
    #[arg(long, value_name = "FILE")]
    pub(crate) pins: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) policy: PolicyArgs,

    /// A TOML policy file: the same settings, for every server and per server name.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy_file: Option<PathBuf>,

    /// Where every decision is appended as a JSON line
    /// [default: $XDG_STATE_HOME/mcp-sign/run-audit.jsonl].
    #[arg(long, value_name = "FILE")]
    pub(crate) audit_log: Option<PathBuf>,

    /// The largest message relayed, in bytes; a larger one ends the session.
    #[arg(long, value_name = "BYTES", default_value_t = 32 * 1024 * 1024)]
    pub(crate) max_message_bytes: usize,

    /// Bridge to a remote server at this streamable-HTTP URL instead of starting a command,
    /// with the same checks and policy.
    #[arg(long, value_name = "URL", conflicts_with = "command")]
    pub(crate) url: Option<String>,

    /// A header for every request to --url: NAME=VALUE, or NAME=secret:KEY to take the value
    /// from the secret store (`mcp-sign secret set KEY`); repeatable.
    #[arg(long = "header", value_name = "NAME=VALUE", requires = "url")]
    pub(crate) headers: Vec<crate::secrets::Assignment>,

    /// An environment variable for the server: NAME=secret:KEY takes the value from the secret
    /// store (`mcp-sign secret set KEY`), so no token sits in the client's config; NAME=VALUE
    /// sets it as given. Secrets reach the server only through its environment. Repeatable.
    #[arg(long = "env", value_name = "NAME=secret:KEY")]
    pub(crate) envs: Vec<crate::secrets::Assignment>,

    /// The server's command and its arguments.
    #[arg(last = true, required_unless_present = "url", value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

/// The per-tool policy flags of `run`.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// Pass only tools annotated `readOnlyHint: true`.
    #[arg(long)]
    pub(crate) read_only: bool,

    /// Allow tools annotated `destructiveHint: true` (denied by default).
    #[arg(long)]
    pub(crate) allow_destructive: bool,

    /// Pass only tools matching this name or glob (`read_*`); repeatable.
    #[arg(long = "allow-tool", value_name = "GLOB")]
    pub(crate) allow_tools: Vec<String>,

    /// Hide and refuse tools matching this name or glob; repeatable; wins over --allow-tool.
    #[arg(long = "deny-tool", value_name = "GLOB")]
    pub(crate) deny_tools: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PinsCommand {
    /// Show the tools `run` pinned for a server and those waiting for approval.
    List(PinsListArgs),

    /// Accept the definition `run` hid: shows what changed, then pins it.
    Approve(PinsApproveArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PinsListArgs {
    /// The server (its `run --name`, or the name `run` reported).
    pub(crate) server: String,

    /// The pins file [default: $XDG_STATE_HOME/mcp-sign/pins/SERVER.json].
    #[arg(long, value_name = "FILE")]
    pub(crate) pins: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PinsApproveArgs {
    /// The server (its `run --name`, or the name `run` reported).
    pub(crate) server: String,

    /// The tool to approve.
    pub(crate) tool: String,

    /// Approve it although the scanner rates its definition high.
    #[arg(long)]
    pub(crate) accept_findings: bool,

    /// The pins file [default: $XDG_STATE_HOME/mcp-sign/pins/SERVER.json].
    #[arg(long, value_name = "FILE")]
    pub(crate) pins: Option<PathBuf>,
}
