-- Search freshness (issue 9). Keep in step with migrations/postgres/0003_search.sql.
--
-- Every change to a server, its releases or the keys that signed them appends the server's id
-- to `search_changes`, in the same transaction, through the triggers below (so every write path,
-- present and future, is covered without remembering to call anything). Each replica polls the
-- table for sequence numbers above the last one its tantivy index applied. On SQLite writers are
-- serialized, so sequence numbers become visible in order.

-- GitHub stars (filled by the crawler); a popularity signal for search.
ALTER TABLE servers ADD COLUMN stars INTEGER;

CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    server_id INTEGER NOT NULL
);

CREATE TRIGGER search_servers_insert AFTER INSERT ON servers
BEGIN
    INSERT INTO search_changes (server_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_servers_update AFTER UPDATE ON servers
BEGIN
    INSERT INTO search_changes (server_id) VALUES (NEW.id);
END;

CREATE TRIGGER search_releases_insert AFTER INSERT ON releases
BEGIN
    INSERT INTO search_changes (server_id) VALUES (NEW.server_id);
END;

CREATE TRIGGER search_releases_update AFTER UPDATE ON releases
BEGIN
    INSERT INTO search_changes (server_id) VALUES (NEW.server_id);
END;

-- A revoked key changes the trust of every release it signed.
CREATE TRIGGER search_keys_revoked AFTER UPDATE OF revoked_at ON keys
WHEN NEW.revoked_at IS NOT OLD.revoked_at
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT DISTINCT server_id FROM releases WHERE key_id = NEW.key_id;
END;
