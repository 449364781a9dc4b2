-- Back to 0005's search column ('simple': diacritics kept) and without
-- the configuration mb_search. The unaccent extension stays (see the up
-- file: another schema of the database may use it).
DROP INDEX ix_post_search;
ALTER TABLE post DROP COLUMN search;
ALTER TABLE post ADD COLUMN search tsvector
    GENERATED ALWAYS AS (CASE WHEN private = 0 THEN to_tsvector('simple', body) END) STORED;
CREATE INDEX ix_post_search ON post USING gin (search);
DROP TEXT SEARCH CONFIGURATION mb_search;
