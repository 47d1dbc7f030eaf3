-- Issue 15: the `attested` level. Keep in step with migrations/sqlite/0010_provenance.sql, which
-- explains the tables.

ALTER TABLE releases ADD COLUMN provenance_state TEXT;
ALTER TABLE releases ADD COLUMN provenance_facts TEXT;

CREATE TABLE provenance_checks (
    release_id BIGINT PRIMARY KEY NOT NULL REFERENCES releases (id),
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    checked_at BIGINT,
    next_check_at BIGINT NOT NULL,
    attested_at BIGINT
);
CREATE INDEX provenance_checks_due ON provenance_checks (next_check_at);
