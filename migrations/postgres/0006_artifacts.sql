-- Issue 8: the `verified` level. Keep in step with migrations/sqlite/0006_artifacts.sql, which
-- explains the tables.

ALTER TABLE releases ADD COLUMN artifacts_state TEXT;
ALTER TABLE releases ADD COLUMN artifacts_problems TEXT;
ALTER TABLE releases ADD COLUMN malicious_reason TEXT;

CREATE TABLE artifact_checks (
    release_id BIGINT PRIMARY KEY NOT NULL REFERENCES releases (id),
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    checked_at BIGINT,
    next_check_at BIGINT NOT NULL,
    verified_at BIGINT
);
CREATE INDEX artifact_checks_due ON artifact_checks (next_check_at);

CREATE TABLE artifact_results (
    release_id BIGINT NOT NULL REFERENCES releases (id),
    position BIGINT NOT NULL,
    package TEXT NOT NULL,
    state TEXT NOT NULL,
    compared TEXT,
    expected TEXT,
    observed TEXT,
    ownership TEXT,
    reason TEXT,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (release_id, position)
);

CREATE TABLE operator_statements (
    id BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT,
    key_id TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    signature TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE official_namespaces (
    namespace TEXT PRIMARY KEY NOT NULL,
    reason TEXT,
    statement_id BIGINT NOT NULL REFERENCES operator_statements (id),
    vetted_at BIGINT NOT NULL
);

CREATE FUNCTION search_note_official() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (server_id)
            SELECT id FROM servers WHERE LOWER(namespace) = OLD.namespace;
    ELSE
        INSERT INTO search_changes (server_id)
            SELECT id FROM servers WHERE LOWER(namespace) = NEW.namespace;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_official AFTER INSERT OR UPDATE OR DELETE ON official_namespaces
    FOR EACH ROW EXECUTE FUNCTION search_note_official();
