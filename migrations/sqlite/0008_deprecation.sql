-- Issue 17: the official lifecycle status `deprecated`. Keep in step with
-- migrations/postgres/0008_deprecation.sql.
--
-- A maintainer deprecates a release with a signed statement (POST /v1/deprecate), as they yank
-- it; the statements share releases.last_statement_at, so no older yank or deprecation
-- statement can be replayed over a newer one. The official `_meta` status is derived from
-- these columns, the yank, the operators' flags and the key's revocation
-- (registry-api/src/service/views.rs).

-- When the deprecation was applied (unix ms); NULL: not deprecated.
ALTER TABLE releases ADD COLUMN deprecated_at INTEGER;
-- The maintainer's message (at most 500 characters); NULL when none was given.
ALTER TABLE releases ADD COLUMN deprecation_message TEXT;
-- When the official status last changed (unix ms) through a yank, un-yank, deprecation,
-- un-deprecation or operator flag: an un-yank leaves no other trace of its time. A key
-- revocation's time is keys.revoked_at. NULL: never changed (active since publication).
ALTER TABLE releases ADD COLUMN status_changed_at INTEGER;

-- Releases yanked before this migration changed status when they were yanked.
UPDATE releases SET status_changed_at = yanked_at WHERE yanked_at IS NOT NULL;
