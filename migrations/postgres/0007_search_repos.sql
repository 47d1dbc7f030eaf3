-- Search freshness for crawler facts. Keep in step with migrations/sqlite/0007_search_repos.sql.
--
-- A server's stars and topics come from its GitHub repository row (github_repos); a change to
-- that row alone (a re-crawl) must reach the search index like any other change.

CREATE FUNCTION search_note_github_repo() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT'
        OR NEW.stars IS DISTINCT FROM OLD.stars
        OR NEW.topics IS DISTINCT FROM OLD.topics THEN
        INSERT INTO search_changes (server_id)
            SELECT id FROM servers WHERE github_repository_id = NEW.github_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER search_github_repos AFTER INSERT OR UPDATE ON github_repos
    FOR EACH ROW EXECUTE FUNCTION search_note_github_repo();
