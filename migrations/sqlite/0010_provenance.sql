-- Issue 15: the `attested` level. Keep in step with migrations/postgres/0010_provenance.sql.
--
-- The registry checks the Sigstore build provenance of every release's npm and PyPI packages,
-- listed and signed (registry-api/src/artifacts/provenance*.rs). `provenance_checks` schedules
-- those checks (one row per release) beside `artifact_checks`, with the same claim, backoff and
-- re-check interval. The outcome lives on the release row, so every read and the search index
-- see it, and the search triggers of 0003 carry its changes.

-- NULL: never decided (not checked yet, or only temporary failures so far); otherwise
-- `attested` (every package built by CI from the server's repository) or `unattested`.
ALTER TABLE releases ADD COLUMN provenance_state TEXT;
-- JSON of protocol::trust::ProvenanceFacts: the attested packages and why others are not.
ALTER TABLE releases ADD COLUMN provenance_facts TEXT;

CREATE TABLE provenance_checks (
    release_id INTEGER PRIMARY KEY NOT NULL REFERENCES releases (id),
    -- the release's state after the last check (as releases.provenance_state, or pending).
    state TEXT NOT NULL,
    -- consecutive checks that failed temporarily (for the backoff).
    attempts INTEGER NOT NULL DEFAULT 0,
    checked_at INTEGER,
    next_check_at INTEGER NOT NULL,
    -- when the release was first attested.
    attested_at INTEGER
);
CREATE INDEX provenance_checks_due ON provenance_checks (next_check_at);
