-- Search in time order (issue 12): the full-text index's rowids are the
-- posts' search keys, which sort as the posts do (newest first is the
-- index's own order), so a search's page reads its `limit` newest matches
-- from the index and stops: about 50 us for any word on a million posts
-- where 0005's index (rowid = post id) read a row for each match to sort
-- them (4 ms for 2,000 matches, 30-44 ms for tens of thousands; bench
-- item 10).
--
-- A search key is the post's second times 2^20 plus a slot of that
-- second, the slot the id's low 20 bits unless another post of that
-- second has it (then the next free one above or below; more than 2^20
-- posts in one second are refused). Seconds outside +-2^43 (278,000
-- years) share the outermost one. Within a second a search lists posts in
-- key order, which is their id order but past a collision.
--
-- The index is contentless (content = ''): it keeps no text and reads
-- none, so FTS5's own integrity-check passes with private entries, which
-- it never held (0005's external content on the whole post table reported
-- them as corruption; known bug 3), and its 'rebuild' is refused instead
-- of indexing their placeholders. To find the posts of a search by hand:
--   SELECT k.post_id FROM post_search s JOIN search_key k ON k.key = s.rowid
--   WHERE post_search MATCH 'word' ORDER BY s.rowid DESC LIMIT 20;
DROP TRIGGER tr_post_search_update;
DROP TRIGGER tr_post_search_delete;
DROP TRIGGER tr_post_search_insert;
DROP TABLE post_search;

CREATE TABLE search_key (
    key     INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL UNIQUE
);
-- The one home of the key rule: inserting (post_id, timestamp) here gives
-- the post its key (the view holds no rows).
CREATE VIEW search_key_assign (post_id, timestamp) AS
    SELECT post_id, 0 FROM search_key WHERE 0;
CREATE TRIGGER tr_search_key_assign INSTEAD OF INSERT ON search_key_assign
BEGIN
    INSERT INTO search_key (key, post_id)
        SELECT CASE
                   WHEN NOT EXISTS (SELECT 1 FROM search_key WHERE key = s.base + (NEW.post_id & 1048575))
                       THEN s.base + (NEW.post_id & 1048575)
                   WHEN (SELECT max(key) FROM search_key WHERE key BETWEEN s.base AND s.base + 1048575)
                        < s.base + 1048575
                       THEN (SELECT max(key) FROM search_key WHERE key BETWEEN s.base AND s.base + 1048575) + 1
                   WHEN (SELECT min(key) FROM search_key WHERE key BETWEEN s.base AND s.base + 1048575)
                        > s.base
                       THEN (SELECT min(key) FROM search_key WHERE key BETWEEN s.base AND s.base + 1048575) - 1
                   ELSE RAISE(ABORT, 'search index: more than 1048576 posts in one second')
               END,
               NEW.post_id
        FROM (SELECT max(min(NEW.timestamp, 8796093022207), -8796093022208) * 1048576 AS base) s;
END;
INSERT INTO search_key_assign (post_id, timestamp)
    SELECT id, timestamp FROM post WHERE private = 0 ORDER BY id;

CREATE VIRTUAL TABLE post_search USING fts5(
    body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO post_search (rowid, body)
    SELECT k.key, p.body FROM search_key k JOIN post p ON p.id = k.post_id ORDER BY k.key;
-- One segment after the backfill (0005's reason: each segment costs every
-- check of a common word).
INSERT INTO post_search (post_search) VALUES ('optimize');

CREATE TRIGGER tr_post_search_insert AFTER INSERT ON post WHEN NEW.private = 0
BEGIN
    INSERT INTO search_key_assign (post_id, timestamp) VALUES (NEW.id, NEW.timestamp);
    INSERT INTO post_search (rowid, body) SELECT key, NEW.body FROM search_key WHERE post_id = NEW.id;
END;
CREATE TRIGGER tr_post_search_delete AFTER DELETE ON post WHEN OLD.private = 0
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', key, OLD.body FROM search_key WHERE post_id = OLD.id;
    DELETE FROM search_key WHERE post_id = OLD.id;
END;
-- One trigger, the old entry out before the new one in (0005's reason);
-- an edit keeps its key (its slot is free again when it is taken back).
CREATE TRIGGER tr_post_search_update AFTER UPDATE OF id, body, timestamp, private ON post
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', key, OLD.body FROM search_key WHERE post_id = OLD.id AND OLD.private = 0;
    DELETE FROM search_key WHERE post_id = OLD.id;
    INSERT INTO search_key_assign (post_id, timestamp)
        SELECT NEW.id, NEW.timestamp WHERE NEW.private = 0;
    INSERT INTO post_search (rowid, body)
        SELECT key, NEW.body FROM search_key WHERE post_id = NEW.id AND NEW.private = 0;
END;
