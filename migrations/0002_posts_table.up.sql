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
