-- The social microblog (issue 11): profiles, replies, edits, follows,
-- mutes, mentions and read positions. Every list below is read through an
-- index that starts with the person or post it is about, so that a page
-- or a count grows with that person's follows or mentions, never with the
-- database.

-- Profiles: an "about me" of up to 140 code points (checked in C first)
-- and when the person was last seen (written at most once a minute).
ALTER TABLE user ADD COLUMN about TEXT
    CHECK (about IS NULL OR length(about) BETWEEN 1 AND 140);
ALTER TABLE user ADD COLUMN last_seen INTEGER;

-- Replies: reply_to is the post answered (NULL once it is deleted);
-- thread_id the conversation's first post, kept when posts in between are
-- deleted (NULL for a post that starts one or stands alone). A
-- conversation is read as id = T OR thread_id = T on its own index.
-- edited_at: when the body was last replaced by its author.
ALTER TABLE post ADD COLUMN reply_to INTEGER REFERENCES post (id) ON DELETE SET NULL;
ALTER TABLE post ADD COLUMN thread_id INTEGER;
ALTER TABLE post ADD COLUMN edited_at INTEGER;
CREATE INDEX ix_post_reply_to ON post (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX ix_post_thread ON post (thread_id, timestamp) WHERE thread_id IS NOT NULL;

-- Who follows whom; the primary key serves "following", the index
-- "followers".
CREATE TABLE follow (
    follower_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    followed_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followed_id),
    CHECK (follower_id <> followed_id)
) WITHOUT ROWID;
CREATE INDEX ix_follow_followed ON follow (followed_id, follower_id);

-- Whose posts a person hides from their views.
CREATE TABLE mute (
    user_id    INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    muted_id   INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, muted_id),
    CHECK (user_id <> muted_id)
) WITHOUT ROWID;
CREATE INDEX ix_mute_muted ON mute (muted_id);

-- Mentions, recorded when a post is written or edited (never parsed again
-- on reading): a person's mentions newest first, and the unread ones after
-- their mark, are range scans of the primary key.
CREATE TABLE mention (
    user_id   INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    timestamp INTEGER NOT NULL,
    post_id   INTEGER NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, timestamp, post_id)
) WITHOUT ROWID;
CREATE INDEX ix_mention_post ON mention (post_id);

-- Where each person has read up to, per view: a (timestamp, post id)
-- position that only moves forward.
CREATE TABLE read_mark (
    user_id   INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    view      TEXT    NOT NULL CHECK (view IN ('timeline', 'mentions')),
    timestamp INTEGER NOT NULL,
    post_id   INTEGER NOT NULL,
    PRIMARY KEY (user_id, view)
) WITHOUT ROWID;
