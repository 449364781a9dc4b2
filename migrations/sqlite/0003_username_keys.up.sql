-- Lookalike usernames: two keys per user, filled in by the program (ICU,
-- core/names.c), since SQL cannot compute them: the name after NFKC
-- normalisation and case folding, and its confusable skeleton (Unicode
-- TS #39). A new name whose key another user has is refused. The indexes
-- are not UNIQUE: a database that already holds such a pair still
-- upgrades, and `db check` lists the pairs.
ALTER TABLE user ADD COLUMN name_fold TEXT;
ALTER TABLE user ADD COLUMN name_skeleton TEXT;
CREATE INDEX ix_user_name_fold ON user (name_fold);
CREATE INDEX ix_user_name_skeleton ON user (name_skeleton);
