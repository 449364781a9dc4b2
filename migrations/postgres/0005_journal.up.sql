-- The journal (issue 12), as migrations/sqlite 0005: full-text search,
-- tags and private entries.

ALTER TABLE post ADD COLUMN private smallint NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
CREATE TABLE private_entry (
    post_id bigint PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE,
    sealed  text   COLLATE "C" NOT NULL
);

-- Full-text search: PostgreSQL's own, on a generated tsvector of the
-- bodies of posts that are not private ('simple': lower case, no
-- stemming, every language alike), with a GIN index.
ALTER TABLE post ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN private = 0 THEN to_tsvector('simple', body) END) STORED;
CREATE INDEX ix_post_search ON post USING gin (search);

CREATE TABLE tag (
    tag       text   COLLATE "C" NOT NULL,
    timestamp bigint NOT NULL,
    post_id   bigint NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, timestamp, post_id)
);
CREATE INDEX ix_tag_post ON tag (post_id);
CREATE TABLE tag_count (
    tag text   COLLATE "C" PRIMARY KEY,
    n   bigint NOT NULL
);
CREATE FUNCTION tag_count_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tag_count (tag, n) VALUES (NEW.tag, 1)
        ON CONFLICT (tag) DO UPDATE SET n = tag_count.n + 1;
    RETURN NULL;
END;
$$;
CREATE FUNCTION tag_count_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tag_count SET n = n - 1 WHERE tag = OLD.tag;
    DELETE FROM tag_count WHERE tag = OLD.tag AND n <= 0;
    RETURN NULL;
END;
$$;
CREATE TRIGGER tr_tag_count_insert AFTER INSERT ON tag
    FOR EACH ROW EXECUTE FUNCTION tag_count_insert();
CREATE TRIGGER tr_tag_count_delete AFTER DELETE ON tag
    FOR EACH ROW EXECUTE FUNCTION tag_count_delete();
