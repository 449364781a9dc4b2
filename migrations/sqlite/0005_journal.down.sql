DROP TRIGGER tr_tag_count_delete;
DROP TRIGGER tr_tag_count_insert;
DROP TABLE tag_count;
DROP TABLE tag;
DROP TRIGGER tr_post_search_update;
DROP TRIGGER tr_post_search_delete;
DROP TRIGGER tr_post_search_insert;
DROP TABLE post_search;
DROP TABLE private_entry;
-- A private entry's text exists only sealed: going back to a revision
-- that cannot tell it from a post would publish the placeholder as if it
-- were the entry, so private entries go with this revision. Foreign keys
-- are off while a revision runs, so their ON DELETE actions are done here
-- first, as PostgreSQL does them: replies to a private entry lose their
-- reply_to, the entry's mentions go.
UPDATE post SET reply_to = NULL WHERE reply_to IN (SELECT id FROM post WHERE private = 1);
DELETE FROM mention WHERE post_id IN (SELECT id FROM post WHERE private = 1);
DELETE FROM post WHERE private = 1;
ALTER TABLE post DROP COLUMN private;
