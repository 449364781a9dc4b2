DROP TRIGGER tr_post_count_user_delete;
DROP TRIGGER tr_post_count_move;
DROP TRIGGER tr_post_count_delete;
DROP TRIGGER tr_post_count_insert;
DROP TABLE post_count;
DROP INDEX ix_post_user_timestamp;
DROP INDEX ix_post_timestamp;
DROP TABLE post;
