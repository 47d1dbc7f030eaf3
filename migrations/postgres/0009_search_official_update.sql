-- Nothing to do: `search_official` (0006) already fires on UPDATE. This file keeps the two
-- trees' version numbers in step; the SQLite 0009 adds the update trigger SQLite lacked.
SELECT 1;
