-- The search data set of `make bench` (bench/run.sh, item 10), made from a
-- copy of a posts-N.db (bench/gen_posts.c's posts, imported at the head
-- revision, so the FTS5 index post_search exists) by
-- `sqlite3 COPY < bench/gen_search.sql`, in one transaction, with no
-- randomness: the same rows on every machine. The generator's words are
-- all common (each ASCII word is in about 20% of the posts, each of the
-- ten others in about 3%), so marker words are added at fixed places,
-- spread evenly over the time range, with the same counts on 1M and on
-- 100k posts (but wombat's):
--
-- * "zyzzyva" (rare): 20 posts, id % (N / 20) = 7.
-- * "#quokka" (mid): 2,000 posts, id % (N / 2000) = 3, also recorded as
--   the tag quokka (the tag table, as post.c records it; tag_count follows
--   by its trigger). A search for quokka finds the same 2,000 posts: the
--   tokenizer drops the '#'.
-- * "wombat" (wide): every 33rd post, id % 33 = 11 (30,303 on 1M, 3,030
--   on 100k): more matches than a page reads by sorting them cheaply, too
--   few for walking the time index (store/post_search.c's choice).
-- * 1,000 tags #topic000..#topic999: every 20th post, id % 20 = 13, tag
--   number (id / 20) % 1000 (50 posts each on 1M): the `tags` listing.
--
-- A marker replaces the end of the body when appending it would pass the
-- store's 140 code points (substr counts code points; the generator writes
-- no combining sequences, so no character is cut in two). The triggers of
-- revision 0005 keep the FTS5 index: each body changed is deleted from it
-- and indexed again, as an edit through the program would do; the index
-- is left as those writes leave it (not optimized).
PRAGMA foreign_keys = OFF;
PRAGMA journal_mode = WAL;
BEGIN IMMEDIATE;

CREATE TEMP TABLE facts AS SELECT (SELECT max(id) FROM post) AS n;

CREATE TEMP TABLE marker (post_id INTEGER NOT NULL, word TEXT NOT NULL, tag TEXT);
INSERT INTO marker SELECT id, 'zyzzyva', NULL FROM post
    WHERE id % ((SELECT n FROM facts) / 20) = 7;
INSERT INTO marker SELECT id, '#quokka', 'quokka' FROM post
    WHERE id % ((SELECT n FROM facts) / 2000) = 3;
INSERT INTO marker SELECT id, 'wombat', NULL FROM post WHERE id % 33 = 11;
INSERT INTO marker SELECT id, printf('#topic%03d', (id / 20) % 1000),
                          printf('topic%03d', (id / 20) % 1000)
    FROM post WHERE id % 20 = 13;

-- One update per post, all its markers at once (the key matters: without
-- it each row's lookup scans the table, minutes on 1M).
CREATE TEMP TABLE addition (post_id INTEGER PRIMARY KEY, text TEXT NOT NULL);
INSERT INTO addition
    SELECT post_id, ' ' || group_concat(word, ' ') AS text FROM marker GROUP BY post_id;
UPDATE post SET body = rtrim(substr(body, 1, 140 - length(
        (SELECT a.text FROM addition a WHERE a.post_id = post.id))))
    || (SELECT a.text FROM addition a WHERE a.post_id = post.id)
    WHERE id IN (SELECT post_id FROM addition);
INSERT INTO tag (tag, timestamp, post_id)
    SELECT m.tag, p.timestamp, p.id FROM marker m JOIN post p ON p.id = m.post_id
    WHERE m.tag IS NOT NULL;

COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
