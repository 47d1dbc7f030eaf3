-- Issue 7: what the tool-poisoning scanner found in each release's manifest. Keep in step with
-- migrations/postgres/0005_scan.sql. One row per release; a release scanned by an older
-- scanner_version is rescanned at start-up (service::scan::backfill). Findings are the JSON
-- array of protocol::scan::Finding (at most formats::scan::MAX_STORED_FINDINGS of them); the
-- counts cover every finding.
CREATE TABLE release_scans (
    release_id INTEGER PRIMARY KEY NOT NULL REFERENCES releases (id),
    scanner_version INTEGER NOT NULL,
    tools INTEGER NOT NULL,
    high INTEGER NOT NULL,
    warning INTEGER NOT NULL,
    info INTEGER NOT NULL,
    findings TEXT NOT NULL,
    truncated INTEGER NOT NULL DEFAULT 0,
    scanned_at INTEGER NOT NULL
);
CREATE INDEX release_scans_version ON release_scans (scanner_version);
