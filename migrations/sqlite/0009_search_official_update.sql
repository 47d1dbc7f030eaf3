-- Re-vetting an official namespace (the upsert in db::operator::set_official) is an UPDATE,
-- which SQLite's insert trigger does not see; PostgreSQL's one trigger covers INSERT, UPDATE and
-- DELETE. Found by the migrations parity test (registry-api/tests/it/migrations.rs).
CREATE TRIGGER search_official_update AFTER UPDATE ON official_namespaces
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT id FROM servers WHERE LOWER(namespace) = NEW.namespace;
END;
