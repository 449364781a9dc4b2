DROP INDEX ix_post_user_timestamp;
DROP INDEX ix_post_timestamp;
DROP TABLE post;
