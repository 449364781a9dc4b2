-- Search folds diacritics (issue 12), as SQLite's FTS5 index does
-- (unicode61 remove_diacritics 2): "cafe" finds "café" and "Zoë" finds
-- "zoe". The same revision number and name as SQLite's 0006 (which makes
-- that engine's index keyed by time); PostgreSQL's search reads its time
-- order from the post index and keeps its GIN index on post.search.
--
-- The text search configuration mb_search is 'simple' (lower case, no
-- stemming, every language alike) with the word tokens passed through the
-- unaccent dictionary first. A search must read its query with the same
-- configuration: plainto_tsquery('mb_search', ...).
--
-- unaccent is a contrib extension shipped with the server (Debian's
-- postgresql-NN package), trusted since PostgreSQL 13: the database's
-- owner, or any role that may CREATE in the database, installs it without
-- being a superuser. It goes into a schema of its own,
-- microblog_unaccent, so that the application's schema holds only its own
-- objects (db check compares them with a replay of the revisions); an
-- unaccent extension already installed, in any schema, is used where it
-- is. The downgrade leaves the extension in place (another schema of the
-- database may use it; DROP EXTENSION unaccent removes it).
DO $$
DECLARE
    home text;
BEGIN
    SELECT n.nspname INTO home
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'unaccent';
    IF home IS NULL THEN
        BEGIN
            CREATE SCHEMA IF NOT EXISTS microblog_unaccent;
            CREATE EXTENSION unaccent SCHEMA microblog_unaccent;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'search needs the unaccent extension: %', SQLERRM
                USING HINT = 'A superuser can run CREATE EXTENSION unaccent in this database '
                             '(PostgreSQL''s contrib modules must be installed).';
        END;
        home := 'microblog_unaccent';
    END IF;
    CREATE TEXT SEARCH CONFIGURATION mb_search (COPY = simple);
    EXECUTE format('ALTER TEXT SEARCH CONFIGURATION mb_search ALTER MAPPING FOR '
                   'word, numword, hword, numhword, hword_part, hword_numpart '
                   'WITH %I.unaccent, simple', home);
END
$$;

-- The column again with the new configuration (PostgreSQL 15 cannot
-- change a generated column's expression in place): every public post is
-- indexed anew.
DROP INDEX ix_post_search;
ALTER TABLE post DROP COLUMN search;
ALTER TABLE post ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN private = 0 THEN to_tsvector('mb_search', body) END) STORED;
CREATE INDEX ix_post_search ON post USING gin (search);
