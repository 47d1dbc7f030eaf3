//! Every format constant in one place: schema URLs, `_meta` keys, minisign layout.
//!
//! Changing any of these changes a wire or file format; bump the relevant version and keep the
//! old value readable.

/// The official MCP registry's server.json schema this registry speaks.
pub const SERVER_SCHEMA_URL: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// The prefix shared by every published server.json schema URL (older versions are accepted
/// with a warning).
pub const SERVER_SCHEMA_URL_PREFIX: &str = "https://static.modelcontextprotocol.io/schemas/";

/// The `_meta` key under which a maintainer's signed release extension lives.
pub const RELEASE_META_KEY: &str = "dev.mcp-trust/release";

/// The `_meta` key under which this registry reports its own verdict in API responses.
pub const REGISTRY_META_KEY: &str = "dev.mcp-trust/registry";

/// The official registry's `_meta` key for its own status fields.
pub const OFFICIAL_META_KEY: &str = "io.modelcontextprotocol.registry/official";

/// The release extension format version written by this crate.
pub const RELEASE_FORMAT_VERSION: u32 = 1;

/// Where a maintainer publishes their public key, in a repository or under a domain.
pub const WELL_KNOWN_KEY_PATH: &str = ".well-known/mcp-sign.pub";

/// Server name limits, from the official schema.
pub const SERVER_NAME_MIN_LEN: usize = 3;
pub const SERVER_NAME_MAX_LEN: usize = 200;
/// Version string limit, from the official schema.
pub const VERSION_MAX_LEN: usize = 255;
/// The official schema's description limit (longer descriptions exist in the wild: a warning).
pub const DESCRIPTION_MAX_LEN: usize = 100;

/// Title limits, from the official schema.
pub const TITLE_MAX_LEN: usize = 100;
/// Icon `src` limit, from the official schema.
pub const ICON_SRC_MAX_LEN: usize = 255;
/// Icon MIME types the official schema allows.
pub const ICON_MIME_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/svg+xml",
    "image/webp",
];

/// The largest manifest this crate parses. Tool definitions make release manifests bigger than
/// plain server.json files, but a few megabytes is far beyond any real one; the cap keeps a
/// hostile upload from costing much.
pub const MANIFEST_MAX_LEN: usize = 4 * 1024 * 1024;

/// Package registry types and the base URLs the official registry uses for them.
pub mod registry {
    pub const NPM: &str = "npm";
    pub const PYPI: &str = "pypi";
    pub const OCI: &str = "oci";
    pub const NUGET: &str = "nuget";
    pub const MCPB: &str = "mcpb";

    pub const NPM_BASE_URL: &str = "https://registry.npmjs.org";
    pub const PYPI_BASE_URL: &str = "https://pypi.org";
    pub const DOCKER_HUB_BASE_URL: &str = "https://docker.io";
    pub const NUGET_BASE_URL: &str = "https://api.nuget.org/v3/index.json";

    /// Docker Hub's registry host: an OCI reference without one means this host.
    pub const DOCKER_HUB_HOST: &str = "docker.io";
    /// Docker Hub's namespace for single-component ("official") image names.
    pub const DOCKER_HUB_LIBRARY: &str = "library";
}

/// Package reference prefixes (`npm:@scope/pkg@1.2.3`, `pypi:name==1.0`, ...) and their limits.
pub mod package_ref {
    /// npm's package name limit (scope included).
    pub const NPM_NAME_MAX_LEN: usize = 214;
    /// The OCI distribution spec's repository name limit (registry host included).
    pub const OCI_NAME_MAX_LEN: usize = 255;
    /// The OCI distribution spec's tag limit.
    pub const OCI_TAG_MAX_LEN: usize = 128;
    /// NuGet's package id limit.
    pub const NUGET_ID_MAX_LEN: usize = 100;
    /// Separator between a PyPI name and its pinned version, as pip writes it.
    pub const PYPI_VERSION_SEPARATOR: &str = "==";
}

/// Digest spellings.
pub mod digest {
    /// Prefix of a content digest (`sha256:<hex>`): OCI image digests and tool fingerprints.
    pub const SHA256_PREFIX: &str = "sha256:";
    /// Prefix of npm's Subresource-Integrity string (`sha512-<base64>`).
    pub const NPM_INTEGRITY_PREFIX: &str = "sha512-";
}

/// The registry's artifact checks (the `verified` level): where packages are looked up and the
/// ownership markers the official MCP registry checks too.
pub mod artifacts {
    /// npm: the version document's field naming the MCP server (package.json `mcpName`).
    pub const NPM_OWNERSHIP_FIELD: &str = "mcpName";
    /// PyPI: the README (the JSON API's `info.description`) holds `mcp-name: <server name>`.
    pub const PYPI_OWNERSHIP_MARKER: &str = "mcp-name:";
    /// OCI: the image config label naming the MCP server.
    pub const OCI_OWNERSHIP_LABEL: &str = "io.modelcontextprotocol.server.name";
    /// Docker Hub's registry API host (`docker.io` names it in image references).
    pub const DOCKER_HUB_REGISTRY_URL: &str = "https://registry-1.docker.io";
    /// The manifest media types asked for, so registries answer with the manifest they store
    /// (its digest is the one `docker pull` resolves a tag to).
    pub const OCI_MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
        application/vnd.docker.distribution.manifest.list.v2+json, \
        application/vnd.oci.image.manifest.v1+json, \
        application/vnd.docker.distribution.manifest.v2+json";
    /// Hosts the real services answer from (registries, token services, CDNs and release
    /// downloads); `--artifact-allow-host` replaces the list.
    pub const DEFAULT_ALLOW_HOSTS: &[&str] = &[
        "registry.npmjs.org",
        "pypi.org",
        "files.pythonhosted.org",
        "registry-1.docker.io",
        "auth.docker.io",
        "production.cloudflare.docker.com",
        "ghcr.io",
        "pkg-containers.githubusercontent.com",
        "quay.io",
        "cdn.quay.io",
        "github.com",
        "objects.githubusercontent.com",
        "release-assets.githubusercontent.com",
    ];
    /// Largest response read (npm tarballs and bundles are hashed whole).
    pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;
    /// Per-request timeout, seconds.
    pub const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
    /// Re-check every release this often, seconds (a day).
    pub const DEFAULT_RECHECK_INTERVAL_SECS: u64 = 24 * 3600;
    /// First retry after a temporary failure, seconds; doubled per attempt up to the interval.
    pub const RETRY_BASE_SECS: u64 = 60;
}

/// Limits of the release extension under [`RELEASE_META_KEY`](super::RELEASE_META_KEY).
pub mod release {
    /// Hex digits of a git commit id: SHA-1 repositories.
    pub const COMMIT_SHA1_HEX_LEN: usize = 40;
    /// Hex digits of a git commit id: SHA-256 repositories.
    pub const COMMIT_SHA256_HEX_LEN: usize = 64;
    /// Declared filesystem access levels, least to most.
    pub const FILESYSTEM_ACCESS: &[&str] = &["none", "read", "write"];
    /// The extension's keys in their documented order: what the checker knows, and the order
    /// `mcp-sign manifest init` writes them in.
    pub const KEYS: &[&str] = &[
        "formatVersion",
        "sourceCommit",
        "artifacts",
        "tools",
        "capabilities",
        "secrets",
        "oauth",
    ];
}

/// Minisign file layout (see <https://jedisct1.github.io/minisign/>).
pub mod minisign {
    /// Signature algorithm of keys: Ed25519.
    pub const SIG_ALG: [u8; 2] = *b"Ed";
    /// Signature algorithm of a prehashed signature (BLAKE2b-512 of the file, then Ed25519).
    pub const SIG_ALG_PREHASHED: [u8; 2] = *b"ED";
    /// Signature algorithm of a legacy signature (Ed25519 over the whole file).
    pub const SIG_ALG_LEGACY: [u8; 2] = *b"Ed";
    /// Key derivation algorithm of an encrypted secret key: scrypt.
    pub const KDF_ALG_SCRYPT: [u8; 2] = *b"Sc";
    /// Key derivation algorithm of an unencrypted secret key.
    pub const KDF_ALG_NONE: [u8; 2] = [0, 0];
    /// Checksum algorithm of a secret key: BLAKE2b-256.
    pub const CHK_ALG: [u8; 2] = *b"B2";

    pub const KEY_ID_LEN: usize = 8;
    pub const PUBLIC_KEY_LEN: usize = 32;
    /// libsodium's secret key: the 32-byte seed followed by the 32-byte public key.
    pub const SECRET_KEY_LEN: usize = 64;
    pub const SIGNATURE_LEN: usize = 64;
    pub const KDF_SALT_LEN: usize = 32;
    pub const CHECKSUM_LEN: usize = 32;
    /// Length of every algorithm tag (`Ed`, `ED`, `Sc`, `B2`).
    pub const ALG_LEN: usize = 2;

    /// Decoded public key line: algorithm, key id, Ed25519 public key.
    pub const PUBLIC_KEY_BYTES: usize = ALG_LEN + KEY_ID_LEN + PUBLIC_KEY_LEN;
    /// Decoded signature line: algorithm, key id, Ed25519 signature.
    pub const SIGNATURE_BYTES: usize = ALG_LEN + KEY_ID_LEN + SIGNATURE_LEN;
    /// The part of a secret key file that is encrypted: key id, secret key, checksum.
    pub const SECRET_KEY_ENCRYPTED_BYTES: usize = KEY_ID_LEN + SECRET_KEY_LEN + CHECKSUM_LEN;
    /// Decoded secret key line: signature, KDF and checksum algorithms, salt, opslimit and
    /// memlimit (little-endian u64), then the encrypted part.
    pub const SECRET_KEY_BYTES: usize =
        3 * ALG_LEN + KDF_SALT_LEN + 8 + 8 + SECRET_KEY_ENCRYPTED_BYTES;

    /// libsodium's `crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE`, minisign's default.
    pub const KDF_OPSLIMIT: u64 = 33_554_432;
    /// libsodium's `crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE` (1 GiB), minisign's
    /// default.
    pub const KDF_MEMLIMIT: u64 = 1_073_741_824;
    /// Refuse key files that ask for more than this much memory to derive (4 GiB): a hostile key
    /// file must not be able to exhaust the machine.
    pub const KDF_MEMLIMIT_MAX: u64 = 4 * 1_073_741_824;
    /// Refuse key files that ask for more than four times minisign's default work: a hostile key
    /// file must not be able to keep the CPU busy for hours either.
    pub const KDF_OPSLIMIT_MAX: u64 = 4 * KDF_OPSLIMIT;
    /// libsodium raises any smaller opslimit to this before picking scrypt's parameters.
    pub const KDF_OPSLIMIT_FLOOR: u64 = 32_768;
    /// scrypt's block size `r`, fixed by libsodium's parameter choice.
    pub const KDF_SCRYPT_R: u32 = 8;
    /// libsodium caps scrypt's `r * p` at this before dividing by `r`.
    pub const KDF_SCRYPT_MAX_RP: u64 = 0x3fff_ffff;

    pub const UNTRUSTED_COMMENT_PREFIX: &str = "untrusted comment: ";
    pub const TRUSTED_COMMENT_PREFIX: &str = "trusted comment: ";
    /// minisign's buffer for an untrusted comment line (`COMMENTMAXBYTES`): the line, with its
    /// prefix, newline and C string terminator, must fit.
    pub const COMMENT_MAX_LEN: usize = 1024;
    /// minisign's buffer for the trusted comment line (`TRUSTEDCOMMENTMAXBYTES`).
    pub const TRUSTED_COMMENT_LINE_MAX_LEN: usize = 8192;
    /// The longest untrusted comment text (after its prefix) that minisign reads back (1003).
    pub const UNTRUSTED_COMMENT_MAX_LEN: usize =
        COMMENT_MAX_LEN - 2 - UNTRUSTED_COMMENT_PREFIX.len();
    /// The longest trusted comment text (after its prefix) that minisign reads back (8173).
    /// (minisign 0.11's own signer stops at 4077 bytes: it writes lines through a 4096-byte
    /// buffer. What matters for interoperability is that it verifies up to this length.)
    pub const TRUSTED_COMMENT_MAX_LEN: usize =
        TRUSTED_COMMENT_LINE_MAX_LEN - 2 - TRUSTED_COMMENT_PREFIX.len();
    /// minisign 0.11 ends its default trusted comment with this field for prehashed signatures.
    pub const TRUSTED_COMMENT_HASHED_TAG: &str = "hashed";

    pub const PUBLIC_KEY_COMMENT_PREFIX: &str = "minisign public key ";
    pub const SECRET_KEY_COMMENT_ENCRYPTED: &str = "minisign encrypted secret key";
    pub const SECRET_KEY_COMMENT_UNENCRYPTED: &str = "minisign secret key";
    pub const SIGNATURE_COMMENT: &str = "signature from mcp-sign secret key";

    /// File name suffix of a detached signature.
    pub const SIGNATURE_SUFFIX: &str = ".minisig";
}

/// First line of every signed statement (key revocation and rotation, yank, un-yank,
/// deprecate, un-deprecate); see `api::Statement`.
pub const STATEMENT_HEADER: &str = "mcp-trust-statement v1";
/// How far a statement's `issued-at` may be from the registry's clock, in seconds. Bounds
/// replays of an old statement (for example a yank after an un-yank).
pub const STATEMENT_MAX_SKEW_SECS: i64 = 600;
/// Longest value of one statement field (a yank reason, ...), in bytes; a deprecation
/// message is bounded by [`STATUS_MESSAGE_MAX_CHARS`] instead.
pub const STATEMENT_FIELD_MAX_LEN: usize = 500;
/// Longest lifecycle status message (a deprecation message), in characters: the official
/// registry's `statusMessage` `maxLength`.
pub const STATUS_MESSAGE_MAX_CHARS: usize = 500;

/// The registry's HTTP API: largest request body it reads, in bytes. A publish body carries
/// the manifest (at most [`MANIFEST_MAX_LEN`]) as a JSON string, where escaping can grow it;
/// twice the manifest limit plus room for the signature covers real manifests.
pub const API_MAX_BODY_BYTES: usize = 2 * MANIFEST_MAX_LEN + 64 * 1024;
/// The official API's page size: default and bounds of `limit`.
pub const API_DEFAULT_PAGE_SIZE: u32 = 30;
pub const API_MAX_PAGE_SIZE: u32 = 100;
/// `GET /v1/search`: page size default and bound of `limit`.
pub const SEARCH_DEFAULT_PAGE_SIZE: u32 = 20;
pub const SEARCH_MAX_PAGE_SIZE: u32 = 100;
/// The longest search query, in bytes.
pub const SEARCH_MAX_QUERY_LEN: usize = 200;
/// The HTML element that marks matches in search highlights.
pub const SEARCH_HIGHLIGHT_TAG: &str = "mark";

/// The transparency log (`log`): formats of its leaves, checkpoints and tiles.
pub mod log {
    /// First word of every log record's first line; the record kind follows after a space.
    pub const RECORD_HEADER: &str = "mcp-trust-log/v1";
    /// The longest record: entry bundles prefix each record with a big-endian u16 length.
    pub const RECORD_MAX_LEN: usize = 65_535;
    /// Height of a C2SP tlog-tiles tile: a full tile holds 2^8 = 256 hashes or entries.
    pub const TILE_HEIGHT: u8 = 8;
    /// Entries (or hashes) in a full tile.
    pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
    /// The checkpoint origin (and log key name) when none is configured.
    pub const DEFAULT_ORIGIN: &str = "localhost/mcp-trust-registry";
    /// Tiles are served under this path (`/log/checkpoint`, `/log/tile/...`).
    pub const HTTP_PREFIX: &str = "/log";
    /// Bytes of a SHA-256 tree hash.
    pub const HASH_LEN: usize = 32;
}

/// Limits of the tool scanner (`scan`): how much of a document it reads. Beyond them it stops
/// and reports a `scan-limit` finding, so no input makes a scan slow or deep.
pub mod scan {
    /// Deepest nesting of objects and arrays it walks.
    pub const MAX_DEPTH: usize = 64;
    /// Most strings (values and keys) it scans in one document.
    pub const MAX_STRINGS: usize = 200_000;
    /// Longest prefix of one string it scans, in bytes.
    pub const MAX_STRING_LEN: usize = 1024 * 1024;
    /// Most findings of one code reported for one string (a string that says "token" ten
    /// thousand times gets a few findings, not ten thousand).
    pub const MAX_PER_CODE: usize = 25;
    /// Version of the scanner's rules, stored with every release's findings. Raise it when the
    /// rules change: the registry rescans every release scanned by an older version at start.
    pub const SCANNER_VERSION: u32 = 3;
    /// The learned model the scanner uses besides its rules, by digest: none. Every finding
    /// comes from a rule (`protocol::scan`), so a scan is explained by rules and decodings alone.
    pub const SCANNER_MODEL: Option<&str> = None;
    /// Most findings the registry stores and shows per release; the counts cover all of them.
    pub const MAX_STORED_FINDINGS: usize = 500;
}
