-- Issue 8: the `verified` level. Keep in step with migrations/postgres/0006_artifacts.sql.
--
-- The registry checks each signed release's artifacts against their package registries
-- (registry-api/src/artifacts/). `artifact_checks` schedules the checks (one row per release),
-- `artifact_results` keeps what the last check compared per package. The release's summary
-- (`releases.artifacts_state` and the reasons shown in its verdict) lives on the release row, so
-- every read and the search index see it, and the search triggers of 0003 carry its changes.
-- Operator statements (`mcp-registry admin`) are kept as signed, and applied to
-- `official_namespaces`, `servers.malicious_reason` and `releases.malicious_reason`.

-- NULL: never checked (unsigned releases, or the first check is due); otherwise one of
-- pending, verified, mismatch, ownership_missing, failed.
ALTER TABLE releases ADD COLUMN artifacts_state TEXT;
-- JSON array of protocol::trust::Reason: why the artifacts are not verified.
ALTER TABLE releases ADD COLUMN artifacts_problems TEXT;
-- Set by an operator's `admin flag NAME@VERSION`; the server-wide flag is servers.malicious_reason.
ALTER TABLE releases ADD COLUMN malicious_reason TEXT;

CREATE TABLE artifact_checks (
    release_id INTEGER PRIMARY KEY NOT NULL REFERENCES releases (id),
    -- the release's state after the last check (as releases.artifacts_state).
    state TEXT NOT NULL,
    -- consecutive checks that failed temporarily (for the backoff).
    attempts INTEGER NOT NULL DEFAULT 0,
    checked_at INTEGER,
    next_check_at INTEGER NOT NULL,
    -- when the release was first verified (a later mismatch is a downgrade).
    verified_at INTEGER
);
CREATE INDEX artifact_checks_due ON artifact_checks (next_check_at);

CREATE TABLE artifact_results (
    release_id INTEGER NOT NULL REFERENCES releases (id),
    position INTEGER NOT NULL,
    -- the package reference, e.g. npm:@scope/pkg@1.2.3
    package TEXT NOT NULL,
    -- matched, mismatch, ownership_missing, temporary, failed
    state TEXT NOT NULL,
    -- what was compared, e.g. dist.integrity, digests.sha256, manifest-digest, file sha256
    compared TEXT,
    expected TEXT,
    observed TEXT,
    -- the ownership marker found, e.g. mcpName io.github.o/s
    ownership TEXT,
    reason TEXT,
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (release_id, position)
);

CREATE TABLE operator_statements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- official, unofficial, flag, unflag
    action TEXT NOT NULL,
    -- a namespace, a server name, or NAME@VERSION
    subject TEXT NOT NULL,
    reason TEXT,
    key_id TEXT NOT NULL,
    -- unix seconds, as signed
    issued_at INTEGER NOT NULL,
    -- the .minisig text over protocol::api::Statement::Operator
    signature TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Namespaces whose publisher the operators vetted (lower-case).
CREATE TABLE official_namespaces (
    namespace TEXT PRIMARY KEY NOT NULL,
    reason TEXT,
    statement_id INTEGER NOT NULL REFERENCES operator_statements (id),
    vetted_at INTEGER NOT NULL
);

-- A vetted namespace changes the trust of every server in it.
CREATE TRIGGER search_official_insert AFTER INSERT ON official_namespaces
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT id FROM servers WHERE LOWER(namespace) = NEW.namespace;
END;

CREATE TRIGGER search_official_delete AFTER DELETE ON official_namespaces
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT id FROM servers WHERE LOWER(namespace) = OLD.namespace;
END;
