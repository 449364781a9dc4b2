-- Search in time order (issue 12): the full-text index's rowids are the
-- posts' search keys, which sort as the posts do (newest first is the
-- index's own order), so a search's page reads its `limit` newest matches
-- from the index and stops: about 50 us for any word on a million posts
-- where 0005's index (rowid = post id) read a row for each match to sort
-- them (4 ms for 2,000 matches, 30-44 ms for tens of thousands; bench
-- item 10).
--
-- A search key is the post's second times 2^20 plus a slot of that
-- second, the slots in the order of the posts' ids, so that the keys sort
-- exactly as (timestamp, id) does: a post takes its id's low 20 bits when
-- that slot lies between its neighbours' (the posts of its second with
-- the next lower and higher id), else the slot after its lower neighbour;
-- when there is none, its second's keys are given again, one apart (more
-- than 2^20 posts in one second are refused). Seconds outside +-2^43
-- (278,000 years) share the outermost one, in id order.
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
-- the post, already in post and not private, its key (the view holds no
-- rows). The slots are counted from the second's base so that no sum
-- leaves the 64 bits; a timestamp another program stored as text or a
-- fraction counts as its integer part (CAST), as the backfill does.
CREATE VIEW search_key_assign (post_id, timestamp) AS
    SELECT post_id, 0 FROM search_key WHERE 0;
-- Always empty between statements: the posts of a second being given
-- their keys again, with their old keys (NULL for the new post), for the
-- caller to move their index entries.
CREATE TABLE search_key_renumber (
    post_id INTEGER PRIMARY KEY,
    old_key INTEGER
);
-- A second's renumbering, its own trigger so that an insert that finds a
-- slot runs none of it (its window function alone cost 8,000 heap
-- resizes per 5,000 inserts): the posts holding keys of the second and
-- the new one take slots 0, 1, 2 ... in id order, listed in
-- search_key_renumber with their old keys. The caller (a trigger on post)
-- moves their index entries and empties it: these triggers read no table
-- but search_key and search_key_renumber, so that a rebuild of post
-- (SQLite's 12 steps, whose RENAME reads every trigger) leaves them be.
CREATE VIEW search_key_renumber_second (post_id, timestamp) AS
    SELECT post_id, 0 FROM search_key WHERE 0;
CREATE TRIGGER tr_search_key_renumber INSTEAD OF INSERT ON search_key_renumber_second
BEGIN
    SELECT RAISE(ABORT, 'search index: more than 1048576 posts in one second')
        WHERE (SELECT count(*) FROM search_key
               WHERE key BETWEEN max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208) * 1048576
                     AND max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208) * 1048576 + 1048575) >= 1048576;
    INSERT INTO search_key_renumber (post_id, old_key)
        SELECT post_id, key FROM search_key
        WHERE key BETWEEN max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208) * 1048576
                     AND max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208) * 1048576 + 1048575
        UNION ALL SELECT NEW.post_id, NULL;
    DELETE FROM search_key WHERE post_id IN (SELECT post_id FROM search_key_renumber);
    INSERT INTO search_key (key, post_id)
        SELECT max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208) * 1048576
                   + row_number() OVER (ORDER BY post_id) - 1, post_id
        FROM search_key_renumber;
END;
CREATE TRIGGER tr_search_key_assign INSTEAD OF INSERT ON search_key_assign
BEGIN
    INSERT INTO search_key (key, post_id)
        SELECT n.base + CASE WHEN n.own > n.below AND n.own < n.above THEN n.own
                             ELSE n.below + 1 END,
               NEW.post_id
        FROM (SELECT s.base, NEW.post_id & 1048575 AS own,
                     coalesce((SELECT max(key) - s.base FROM search_key
                               WHERE key BETWEEN s.base AND s.base + 1048575
                                 AND post_id < NEW.post_id), -1) AS below,
                     coalesce((SELECT min(key) - s.base FROM search_key
                               WHERE key BETWEEN s.base AND s.base + 1048575
                                 AND post_id > NEW.post_id), 1048576) AS above
              FROM (SELECT max(min(CAST(NEW.timestamp AS INTEGER), 8796093022207), -8796093022208)
                               * 1048576 AS base) s) n
        WHERE n.below + 1 < n.above;
    -- No slot between its neighbours: its second is given its keys again.
    INSERT INTO search_key_renumber_second (post_id, timestamp)
        SELECT NEW.post_id, NEW.timestamp
        WHERE NOT EXISTS (SELECT 1 FROM search_key WHERE post_id = NEW.post_id);
END;
-- The posts there are: each second's slots 0, 1, 2 ... in id order (the
-- rule's renumbering, for all seconds at once; a second of more than 2^20
-- posts stops the upgrade, as the trigger refuses its post: the NULL
-- post_id).
INSERT INTO search_key (key, post_id)
    SELECT second * 1048576 + slot, CASE WHEN slot < 1048576 THEN id END
    FROM (SELECT id, second, row_number() OVER (PARTITION BY second ORDER BY id) - 1 AS slot
          FROM (SELECT id, max(min(CAST(timestamp AS INTEGER), 8796093022207),
                               -8796093022208) AS second
                FROM post WHERE private = 0))
    ORDER BY 1;

CREATE VIRTUAL TABLE post_search USING fts5(
    body, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO post_search (rowid, body)
    SELECT k.key, p.body FROM search_key k JOIN post p ON p.id = k.post_id ORDER BY k.key;
-- One segment after the backfill (0005's reason: each segment costs every
-- check of a common word).
INSERT INTO post_search (post_search) VALUES ('optimize');

-- INSERT OR REPLACE (or UPDATE OR REPLACE of id) onto an existing id
-- deletes that post without its delete triggers (recursive_triggers is
-- off): what they would undo is set aside first (its author, key and
-- text), and the insert's (update's) trigger undoes it when the row was
-- replaced: its index entry, and its count (0002's tr_post_count_delete).
-- Under OR IGNORE nothing is inserted and the note stays until the next
-- write of that id (the search entry is taken out only while its key is
-- still the post's). A BEFORE INSERT trigger sees id -1 when none is
-- given: a note for a post -1 then waits, harmless, as under OR IGNORE.
-- An id is changed through rowid, oid or _rowid_ as well as through id,
-- which UPDATE OF id does not see: these triggers fire on every UPDATE
-- and look at what changed.
CREATE TABLE post_replaced (
    post_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    key     INTEGER,
    body    TEXT    NOT NULL
);
CREATE TRIGGER tr_post_replace BEFORE INSERT ON post
BEGIN
    DELETE FROM post_replaced WHERE post_id = NEW.id;
    INSERT INTO post_replaced (post_id, user_id, key, body)
        SELECT p.id, p.user_id, k.key, p.body FROM post p LEFT JOIN search_key k ON k.post_id = p.id
        WHERE p.id = NEW.id;
END;
CREATE TRIGGER tr_post_replace_id BEFORE UPDATE ON post WHEN NEW.id <> OLD.id
BEGIN
    DELETE FROM post_replaced WHERE post_id = NEW.id;
    INSERT INTO post_replaced (post_id, user_id, key, body)
        SELECT p.id, p.user_id, k.key, p.body FROM post p LEFT JOIN search_key k ON k.post_id = p.id
        WHERE p.id = NEW.id;
END;

CREATE TRIGGER tr_post_search_insert AFTER INSERT ON post
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', r.key, r.body FROM post_replaced r
        JOIN search_key k ON k.key = r.key AND k.post_id = r.post_id WHERE r.post_id = NEW.id;
    DELETE FROM search_key
        WHERE post_id = NEW.id AND key IN (SELECT key FROM post_replaced WHERE post_id = NEW.id);
    UPDATE post_count SET n = n - 1
        WHERE user_id IN ((SELECT user_id FROM post_replaced WHERE post_id = NEW.id), 0)
          AND EXISTS (SELECT 1 FROM post_replaced WHERE post_id = NEW.id);
    DELETE FROM post_replaced WHERE post_id = NEW.id;
    INSERT INTO search_key_assign (post_id, timestamp)
        SELECT NEW.id, NEW.timestamp WHERE NEW.private = 0;
    -- The entries of a renumbered second move to their new keys.
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', r.old_key, p.body FROM search_key_renumber r JOIN post p ON p.id = r.post_id
        WHERE r.old_key IS NOT NULL;
    INSERT INTO post_search (rowid, body)
        SELECT k.key, p.body FROM search_key_renumber r JOIN search_key k ON k.post_id = r.post_id
        JOIN post p ON p.id = r.post_id WHERE r.old_key IS NOT NULL;
    DELETE FROM search_key_renumber;
    INSERT INTO post_search (rowid, body)
        SELECT key, NEW.body FROM search_key WHERE post_id = NEW.id AND NEW.private = 0;
END;
CREATE TRIGGER tr_post_search_delete AFTER DELETE ON post
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', key, OLD.body FROM search_key WHERE post_id = OLD.id AND OLD.private = 0;
    DELETE FROM search_key WHERE post_id = OLD.id;
    DELETE FROM post_replaced WHERE post_id = OLD.id;
END;
-- One trigger, the old entry out before the new one in (0005's reason);
-- an edit keeps its place (its key comes back between the same
-- neighbours).
CREATE TRIGGER tr_post_search_update AFTER UPDATE ON post
    WHEN NEW.id <> OLD.id OR NEW.body IS NOT OLD.body OR NEW.timestamp IS NOT OLD.timestamp
      OR NEW.private IS NOT OLD.private
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', key, OLD.body FROM search_key WHERE post_id = OLD.id AND OLD.private = 0;
    DELETE FROM search_key WHERE post_id = OLD.id;
    -- Only a move onto a taken id replaced a post (an UPSERT's DO UPDATE
    -- also follows a BEFORE INSERT, with nothing replaced).
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', r.key, r.body FROM post_replaced r
        JOIN search_key k ON k.key = r.key AND k.post_id = r.post_id
        WHERE r.post_id = NEW.id AND NEW.id <> OLD.id;
    DELETE FROM search_key
        WHERE NEW.id <> OLD.id AND post_id = NEW.id
          AND key IN (SELECT key FROM post_replaced WHERE post_id = NEW.id);
    UPDATE post_count SET n = n - 1
        WHERE user_id IN ((SELECT user_id FROM post_replaced WHERE post_id = NEW.id), 0)
          AND NEW.id <> OLD.id AND EXISTS (SELECT 1 FROM post_replaced WHERE post_id = NEW.id);
    DELETE FROM post_replaced WHERE post_id IN (NEW.id, OLD.id) AND NEW.id <> OLD.id;
    INSERT INTO search_key_assign (post_id, timestamp)
        SELECT NEW.id, NEW.timestamp WHERE NEW.private = 0;
    -- The entries of a renumbered second move to their new keys.
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', r.old_key, p.body FROM search_key_renumber r JOIN post p ON p.id = r.post_id
        WHERE r.old_key IS NOT NULL;
    INSERT INTO post_search (rowid, body)
        SELECT k.key, p.body FROM search_key_renumber r JOIN search_key k ON k.post_id = r.post_id
        JOIN post p ON p.id = r.post_id WHERE r.old_key IS NOT NULL;
    DELETE FROM search_key_renumber;
    INSERT INTO post_search (rowid, body)
        SELECT key, NEW.body FROM search_key WHERE post_id = NEW.id AND NEW.private = 0;
END;
