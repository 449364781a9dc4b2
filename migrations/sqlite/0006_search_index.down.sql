-- Back to 0005's search index: external content on post, rowid = post id
-- (the same statements as 0005_journal.up.sql, so that `db check` finds
-- revision 5's schema).
DROP TRIGGER tr_post_search_update;
DROP TRIGGER tr_post_search_delete;
DROP TRIGGER tr_post_search_insert;
DROP TRIGGER tr_post_replace_id;
DROP TRIGGER tr_post_replace;
DROP TABLE post_replaced;
DROP TABLE post_search;
DROP TRIGGER tr_search_key_assign;
DROP TRIGGER tr_search_key_renumber;
DROP VIEW search_key_renumber_second;
DROP TABLE search_key_renumber;
DROP VIEW search_key_assign;
DROP TABLE search_key;

CREATE VIRTUAL TABLE post_search USING fts5(
    body, content = 'post', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO post_search (rowid, body) SELECT id, body FROM post WHERE private = 0;
INSERT INTO post_search (post_search) VALUES ('optimize');
CREATE TRIGGER tr_post_search_insert AFTER INSERT ON post WHEN NEW.private = 0
BEGIN
    INSERT INTO post_search (rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER tr_post_search_delete AFTER DELETE ON post WHEN OLD.private = 0
BEGIN
    INSERT INTO post_search (post_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;
CREATE TRIGGER tr_post_search_update AFTER UPDATE OF body, private ON post
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', OLD.id, OLD.body WHERE OLD.private = 0;
    INSERT INTO post_search (rowid, body) SELECT NEW.id, NEW.body WHERE NEW.private = 0;
END;
