-- Search freshness (issue 9). Keep in step with migrations/sqlite/0003_search.sql.
--
-- Every change to a server, its releases or the keys that signed them appends the server's id
-- to `search_changes`, in the same transaction, through the triggers below. Each replica polls
-- the table for sequence numbers above the last one its tantivy index applied.
--
-- On PostgreSQL a transaction can take a sequence number and commit after a later number is
-- already visible. The poller (registry-api/src/search/sync.rs) therefore never advances its
-- persisted floor past a sequence number until every transaction that was running when it saw
-- that number has ended (pg_snapshot_xmin of a later snapshot has passed the xmax it noted),
-- and it re-reads everything above the floor until then, applying what it has not applied yet.

-- GitHub stars (filled by the crawler); a popularity signal for search.
ALTER TABLE servers ADD COLUMN stars BIGINT;

CREATE TABLE search_changes (
    seq BIGSERIAL PRIMARY KEY,
    server_id BIGINT NOT NULL
);

CREATE FUNCTION search_note_server() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'servers' THEN
        INSERT INTO search_changes (server_id) VALUES (NEW.id);
    ELSIF TG_TABLE_NAME = 'releases' THEN
        INSERT INTO search_changes (server_id) VALUES (NEW.server_id);
    ELSIF TG_TABLE_NAME = 'keys' THEN
        IF NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
            INSERT INTO search_changes (server_id)
                SELECT DISTINCT server_id FROM releases WHERE key_id = NEW.key_id;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_servers AFTER INSERT OR UPDATE ON servers
    FOR EACH ROW EXECUTE FUNCTION search_note_server();
CREATE TRIGGER search_releases AFTER INSERT OR UPDATE ON releases
    FOR EACH ROW EXECUTE FUNCTION search_note_server();
CREATE TRIGGER search_keys AFTER UPDATE OF revoked_at ON keys
    FOR EACH ROW EXECUTE FUNCTION search_note_server();
