-- Search freshness for crawler facts. Keep in step with migrations/postgres/0007_search_repos.sql.
--
-- A server's stars and topics come from its GitHub repository row (github_repos); a change to
-- that row alone (a re-crawl) must reach the search index like any other change.

CREATE TRIGGER search_github_repos_insert AFTER INSERT ON github_repos
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT id FROM servers WHERE github_repository_id = NEW.github_id;
END;

CREATE TRIGGER search_github_repos_update AFTER UPDATE OF stars, topics ON github_repos
WHEN NEW.stars IS NOT OLD.stars OR NEW.topics IS NOT OLD.topics
BEGIN
    INSERT INTO search_changes (server_id)
        SELECT id FROM servers WHERE github_repository_id = NEW.github_id;
END;
