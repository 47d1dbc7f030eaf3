-- The transparency log (issue 4; protocol::log). Keep in step with migrations/postgres/0002_log.sql.
-- Appends run in the same transaction as the state change they record; on SQLite writers are
-- serialized, on PostgreSQL the appending transaction holds an advisory lock (service::log).

-- One row per leaf: idx is the leaf index (0, 1, 2, ... without gaps), record the exact leaf
-- bytes (a protocol::log::LogRecord), subject what it is about ("release NAME@VERSION",
-- "key KEYID") for lookups.
CREATE TABLE log_entries (
    idx INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    record BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX log_entries_subject ON log_entries (subject);

-- The Merkle tree's complete-subtree hashes in Go tlog's stored-hash layout
-- (protocol::log::stored_hash_index): proofs, roots and tiles are read from here.
CREATE TABLE log_hashes (
    idx INTEGER PRIMARY KEY NOT NULL,
    hash BLOB NOT NULL
);

-- Signed checkpoints (C2SP signed notes), one per tree size that was signed.
CREATE TABLE log_checkpoints (
    size INTEGER PRIMARY KEY NOT NULL,
    root TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
