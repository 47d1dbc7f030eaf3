-- The registry's schema on PostgreSQL (scale-out). Keep in step with
-- migrations/sqlite/0001_init.sql: the same tables, columns and constraints.
-- Times are unix milliseconds (BIGINT); flags are integers 0/1; manifests are the exact bytes.

CREATE TABLE registry_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE servers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    namespace TEXT NOT NULL,
    description TEXT,
    repository_url TEXT,
    -- GitHub's numeric repository id (survives renames); filled by proofs and the crawler.
    github_repository_id BIGINT,
    -- Set by the operators (a later admin statement); overrides every trust level.
    malicious_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX servers_namespace ON servers (namespace);

CREATE TABLE keys (
    id BIGSERIAL PRIMARY KEY,
    -- minisign key id, 16 upper-case hex digits.
    key_id TEXT NOT NULL UNIQUE,
    -- bare base64 of the minisign public key.
    public_key TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoke_reason TEXT,
    -- the key's own signature over its revocation statement.
    revoke_signature TEXT,
    rotated_from TEXT,
    rotation_signature TEXT
);

-- What a key may publish: one row per proof. GitHub proofs cover the server names whose
-- repository.url is the proven repository; domain proofs cover the whole namespace.
CREATE TABLE key_grants (
    id BIGSERIAL PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES keys (key_id),
    namespace TEXT NOT NULL,
    proof_kind TEXT NOT NULL,
    -- lower-case owner/repo for GitHub proofs, the domain for domain proofs.
    proof_target TEXT NOT NULL,
    proof_repository_id BIGINT,
    proof_url TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    UNIQUE (key_id, namespace, proof_target)
);
CREATE INDEX key_grants_namespace ON key_grants (namespace);

CREATE TABLE releases (
    id BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL REFERENCES servers (id),
    version TEXT NOT NULL,
    -- the exact bytes the maintainer uploaded (and signed).
    manifest BYTEA NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    -- the .minisig text; NULL for seed and imported releases.
    signature TEXT,
    key_id TEXT,
    origin TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    is_latest BIGINT NOT NULL DEFAULT 0,
    yanked_at BIGINT,
    yank_reason TEXT,
    -- issued-at (unix seconds) of the last yank/un-yank statement applied: refuses replays.
    last_statement_at BIGINT,
    -- releases are immutable: one row per (server, version), forever, also after a yank.
    UNIQUE (server_id, version)
);
CREATE INDEX releases_updated_at ON releases (updated_at);
CREATE INDEX releases_key_id ON releases (key_id);

-- The packages a release names, for GET /v1/verify?package=...
CREATE TABLE release_packages (
    release_id BIGINT NOT NULL REFERENCES releases (id),
    registry_type TEXT NOT NULL,
    identifier TEXT NOT NULL,
    version TEXT NOT NULL
);
CREATE INDEX release_packages_lookup ON release_packages (registry_type, identifier, version);
