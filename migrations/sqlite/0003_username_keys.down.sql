DROP INDEX ix_user_name_skeleton;
DROP INDEX ix_user_name_fold;
ALTER TABLE user DROP COLUMN name_skeleton;
ALTER TABLE user DROP COLUMN name_fold;
