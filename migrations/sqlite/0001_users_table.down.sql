DROP INDEX ix_user_email;
DROP INDEX ix_user_username;
DROP TABLE user;
