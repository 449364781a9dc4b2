-- The journal (issue 12): full-text search, tags and private entries.

-- Private entries: the post row says that one exists (private = 1, body a
-- fixed placeholder, so every listing can show it without reading it);
-- the text itself lives sealed (libsodium XChaCha20-Poly1305 under a key
-- derived with Argon2id from the author's passphrase, core/crypto.c) in
-- private_entry, and nowhere else: never in body, the search index or the
-- tags.
ALTER TABLE post ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
CREATE TABLE private_entry (
    post_id INTEGER PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
    sealed  TEXT    NOT NULL
);

-- Full-text search: an FTS5 index over the bodies of the posts that are
-- not private (external content: the text is read from post), words
-- folded to lower case without diacritics (unicode61). Kept by triggers,
-- so every writer keeps it, microblog-tui or not.
CREATE VIRTUAL TABLE post_search USING fts5(
    body, content = 'post', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO post_search (rowid, body) SELECT id, body FROM post WHERE private = 0;
-- One segment after the backfill: every check of a common word costs more
-- with each segment the index has (16 after a million rows: a common
-- word's first page 32-70 ms, 5-7 ms after this; bench item 10).
INSERT INTO post_search (post_search) VALUES ('optimize');
CREATE TRIGGER tr_post_search_insert AFTER INSERT ON post WHEN NEW.private = 0
BEGIN
    INSERT INTO post_search (rowid, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER tr_post_search_delete AFTER DELETE ON post WHEN OLD.private = 0
BEGIN
    INSERT INTO post_search (post_search, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;
-- One trigger, so that the old text leaves the index before the new one
-- enters it (SQLite runs the triggers of one event newest first: two
-- triggers would index the new text, then delete the old one over it).
CREATE TRIGGER tr_post_search_update AFTER UPDATE OF body, private ON post
BEGIN
    INSERT INTO post_search (post_search, rowid, body)
        SELECT 'delete', OLD.id, OLD.body WHERE OLD.private = 0;
    INSERT INTO post_search (rowid, body) SELECT NEW.id, NEW.body WHERE NEW.private = 0;
END;

-- Tags: #word in a body, recorded by the program when a post is written
-- or edited (as mentions are), in the case-folded form; a tag's posts
-- newest first are a range scan of the primary key, and the count per tag
-- is kept by triggers (no scan to list them).
CREATE TABLE tag (
    tag       TEXT    NOT NULL,
    timestamp INTEGER NOT NULL,
    post_id   INTEGER NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, timestamp, post_id)
) WITHOUT ROWID;
CREATE INDEX ix_tag_post ON tag (post_id);
CREATE TABLE tag_count (
    tag TEXT    PRIMARY KEY,
    n   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER tr_tag_count_insert AFTER INSERT ON tag
BEGIN
    INSERT INTO tag_count (tag, n) VALUES (NEW.tag, 1)
        ON CONFLICT (tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER tr_tag_count_delete AFTER DELETE ON tag
BEGIN
    UPDATE tag_count SET n = n - 1 WHERE tag = OLD.tag;
    DELETE FROM tag_count WHERE tag = OLD.tag AND n <= 0;
END;
