DROP TRIGGER tr_tag_count_delete ON tag;
DROP TRIGGER tr_tag_count_insert ON tag;
DROP FUNCTION tag_count_delete();
DROP FUNCTION tag_count_insert();
DROP TABLE tag_count;
DROP TABLE tag;
DROP INDEX ix_post_search;
ALTER TABLE post DROP COLUMN search;
DROP TABLE private_entry;
-- As migrations/sqlite 0005: private entries go with this revision.
DELETE FROM post WHERE private = 1;
ALTER TABLE post DROP COLUMN private;
