-- The social microblog (issue 11), as migrations/sqlite 0004: profiles,
-- replies, edits, follows, mutes, mentions and read positions, each read
-- through an index that starts with the person or post it is about.

ALTER TABLE "user" ADD COLUMN about text COLLATE "C"
    CHECK (about IS NULL OR char_length(about) BETWEEN 1 AND 140);
ALTER TABLE "user" ADD COLUMN last_seen bigint;

ALTER TABLE post ADD COLUMN reply_to bigint REFERENCES post (id) ON DELETE SET NULL;
ALTER TABLE post ADD COLUMN thread_id bigint;
ALTER TABLE post ADD COLUMN edited_at bigint;
CREATE INDEX ix_post_reply_to ON post (reply_to) WHERE reply_to IS NOT NULL;
CREATE INDEX ix_post_thread ON post (thread_id, timestamp, id) WHERE thread_id IS NOT NULL;

CREATE TABLE follow (
    follower_id bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    followed_id bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    created_at  bigint NOT NULL,
    PRIMARY KEY (follower_id, followed_id),
    CHECK (follower_id <> followed_id)
);
CREATE INDEX ix_follow_followed ON follow (followed_id, follower_id);

CREATE TABLE mute (
    user_id    bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    muted_id   bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    created_at bigint NOT NULL,
    PRIMARY KEY (user_id, muted_id),
    CHECK (user_id <> muted_id)
);
CREATE INDEX ix_mute_muted ON mute (muted_id);

CREATE TABLE mention (
    user_id   bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    timestamp bigint NOT NULL,
    post_id   bigint NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, timestamp, post_id)
);
CREATE INDEX ix_mention_post ON mention (post_id);

CREATE TABLE read_mark (
    user_id   bigint NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    view      text   COLLATE "C" NOT NULL CHECK (view IN ('timeline', 'mentions')),
    timestamp bigint NOT NULL,
    post_id   bigint NOT NULL,
    PRIMARY KEY (user_id, view)
);

-- Live updates for every writer, microblog-tui or not (psql, another
-- program): a statement that changes posts, users or follows wakes the
-- sessions LISTENing on microblog_changes when it commits (NOTIFY folds
-- the repeats of one transaction into one). Not a mute (it changes only
-- its owner's views, and is nobody else's business) nor a user's last
-- seen (written once a minute by every active session: it would wake
-- every other one for nothing they show at once).
CREATE FUNCTION microblog_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('microblog_changes', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER tr_changed_post AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON post
    FOR EACH STATEMENT EXECUTE FUNCTION microblog_changed();
CREATE TRIGGER tr_changed_user AFTER INSERT OR DELETE OR TRUNCATE ON "user"
    FOR EACH STATEMENT EXECUTE FUNCTION microblog_changed();
CREATE TRIGGER tr_changed_user_shown AFTER UPDATE OF username, about ON "user"
    FOR EACH STATEMENT EXECUTE FUNCTION microblog_changed();
CREATE TRIGGER tr_changed_follow AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON follow
    FOR EACH STATEMENT EXECUTE FUNCTION microblog_changed();
