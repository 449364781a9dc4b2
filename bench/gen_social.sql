-- The social data set of `make bench` (bench/run.sh, item 8), made from a
-- copy of a posts-N.db (N posts by the 1,000 users user0001..user1000 of
-- bench/gen_posts.c) by `sqlite3 COPY < bench/gen_social.sql`, in one
-- transaction, with no randomness: the same rows on every machine. It
-- writes what the store would have written (the mention table as post.c
-- records it, thread_id as store_post_reply sets it), directly, because
-- going through the program would cost minutes on 1M posts.
--
-- * 10,000 users: the 1,000 busy ones keep 80% of the posts (about 800
--   each on 1M); user1001..user10000 are added (names, folds and
--   skeletons as the store writes them) and get every fifth post, in turn,
--   so that each has about 22 posts on 1M spread evenly over the whole
--   time range (2 on 100k).
-- * Follows: every user follows 30 others (20 of the busy ones, 10 of the
--   rest); then user9001 follows 500 busy users instead (the "busy"
--   timeline: 40% of all posts are theirs) and user9002 follows just
--   user1001, user1002 and user1003 (the "quiet" timeline: about 66 posts
--   of 1M, where walking the time index would read everything).
-- * Replies: of every 20 posts, those at id % 20 = 1, 2, 3 answer the one
--   at id % 20 = 0 (small conversations); the post at the middle id with
--   id % 20 = 10 opens a conversation of 1,000 replies, the posts
--   20 * j + 5 after it (j = 0..999), each answering the previous one
--   (by user1001..user10000: id % 20 = 15 is a multiple of 5).
-- * Mentions: one post in ten mentions one of user0001..user9000 (a
--   multiplicative hash of its id); one post in a hundred mentions
--   user9003 (10,000 mentions on 1M, 1,000 on 100k); user9004 is
--   mentioned by exactly 5 posts spread over the time range. Nobody has a
--   read mark, so every mention is unread.
PRAGMA foreign_keys = OFF;
PRAGMA journal_mode = WAL;
BEGIN IMMEDIATE;

CREATE TEMP TABLE facts AS
    SELECT (SELECT max(id) FROM post) AS n, (SELECT max(id) FROM user) AS base,
           (SELECT max(created_at) FROM user) AS created;

-- user1001 .. user10000, ids base + 1 .. base + 9000.
INSERT INTO user (id, username, email, password_hash, created_at, name_fold, name_skeleton)
WITH RECURSIVE k(i) AS (SELECT 1001 UNION ALL SELECT i + 1 FROM k WHERE i < 10000)
SELECT base + i - 1000, 'user' || i, NULL, NULL, created, 'user' || i,
       'user' || replace(replace(i, '0', 'o'), '1', 'l')
FROM k, facts;

CREATE TEMP TABLE named (name TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO named SELECT username, id FROM user;
-- The busy users in a fixed order (by name), 0 .. 999.
CREATE TEMP TABLE busy (k INTEGER PRIMARY KEY, id INTEGER NOT NULL);
INSERT INTO busy SELECT row_number() OVER (ORDER BY username) - 1, id FROM user
    WHERE id <= (SELECT base FROM facts);

-- Every fifth post goes to the new users in turn.
UPDATE post SET user_id = (SELECT base FROM facts) + 1 + (id / 5) % 9000 WHERE id % 5 = 0;

-- Follows: 20 busy and 10 others each, by hashes of (user, j).
INSERT OR IGNORE INTO follow (follower_id, followed_id, created_at)
WITH RECURSIVE j(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM j WHERE j < 29)
SELECT u.id,
       CASE WHEN j < 20 THEN (SELECT b.id FROM busy b WHERE b.k = (u.id * 7919 + j * 104729) % 1000)
            ELSE (SELECT base FROM facts) + 1 + (u.id * 6151 + j * 15485863) % 9000 END,
       (SELECT created FROM facts)
FROM user u, j
WHERE u.username NOT IN ('user9001', 'user9002');
DELETE FROM follow WHERE follower_id = followed_id;
INSERT INTO follow (follower_id, followed_id, created_at)
SELECT (SELECT id FROM named WHERE name = 'user9001'), b.id, (SELECT created FROM facts)
FROM busy b WHERE b.k % 2 = 0;
INSERT INTO follow (follower_id, followed_id, created_at)
SELECT (SELECT id FROM named WHERE name = 'user9002'), id, (SELECT created FROM facts)
FROM named WHERE name IN ('user1001', 'user1002', 'user1003');

-- Small conversations, then the long one.
UPDATE post SET reply_to = id - id % 20, thread_id = id - id % 20
WHERE id % 20 IN (1, 2, 3) AND id - id % 20 > 0;
CREATE TEMP TABLE long_thread (root INTEGER NOT NULL);
INSERT INTO long_thread SELECT n / 2 - (n / 2) % 20 + 10 FROM facts;
UPDATE post SET thread_id = (SELECT root FROM long_thread),
                reply_to = CASE WHEN id = (SELECT root FROM long_thread) + 5
                                THEN id - 5 ELSE id - 20 END
WHERE id % 20 = 15 AND id > (SELECT root FROM long_thread)
  AND id <= (SELECT root FROM long_thread) + 20 * 999 + 5;

-- Mentions, as the store records them: (mentioned user, post time, post).
INSERT OR IGNORE INTO mention (user_id, timestamp, post_id)
SELECT CASE WHEN (p.id * 2654435761) % 9000 < 1000
            THEN (SELECT b.id FROM busy b WHERE b.k = (p.id * 2654435761) % 9000)
            ELSE (SELECT base FROM facts) + 1 + (p.id * 2654435761) % 9000 - 1000 END,
       p.timestamp, p.id
FROM post p WHERE p.id % 10 = 3;
INSERT OR IGNORE INTO mention (user_id, timestamp, post_id)
SELECT (SELECT id FROM named WHERE name = 'user9003'), p.timestamp, p.id
FROM post p WHERE p.id % 100 = 7;
INSERT OR IGNORE INTO mention (user_id, timestamp, post_id)
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 5)
SELECT (SELECT id FROM named WHERE name = 'user9004'), p.timestamp, p.id
FROM k, facts JOIN post p ON p.id = n * i / 6;

COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
