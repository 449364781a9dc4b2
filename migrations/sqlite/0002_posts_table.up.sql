-- Posts: 1-140 code points, a UTC timestamp (seconds since the epoch) and
-- an author. Timelines are keyset pages on (timestamp, id): the timestamp
-- index carries the rowid, so "newest first" and "a user's newest first"
-- are both range scans.
CREATE TABLE post (
    id        INTEGER PRIMARY KEY,
    body      TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 140),
    timestamp INTEGER NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE
);
CREATE INDEX ix_post_timestamp ON post (timestamp);
CREATE INDEX ix_post_user_timestamp ON post (user_id, timestamp);

-- Post counts kept by triggers, so that showing them never costs a scan
-- that grows with the database: one row per author with posts, and row 0
-- for all posts.
CREATE TABLE post_count (
    user_id INTEGER PRIMARY KEY,
    n       INTEGER NOT NULL
);
INSERT INTO post_count (user_id, n) VALUES (0, 0);
CREATE TRIGGER tr_post_count_insert AFTER INSERT ON post
BEGIN
    INSERT INTO post_count (user_id, n) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
    UPDATE post_count SET n = n + 1 WHERE user_id = 0;
END;
CREATE TRIGGER tr_post_count_delete AFTER DELETE ON post
BEGIN
    UPDATE post_count SET n = n - 1 WHERE user_id IN (OLD.user_id, 0);
END;
CREATE TRIGGER tr_post_count_move AFTER UPDATE OF user_id ON post
BEGIN
    UPDATE post_count SET n = n - 1 WHERE user_id = OLD.user_id;
    INSERT INTO post_count (user_id, n) VALUES (NEW.user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tr_post_count_user_delete AFTER DELETE ON user
BEGIN
    DELETE FROM post_count WHERE user_id = OLD.id;
END;
