-- Users: usernames unique ignoring (ASCII) case, optional unique email,
-- password_hash NULL when the user has no password. Lengths are checked in
-- C in code points before anything reaches SQL; the CHECKs are a backstop.
CREATE TABLE user (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL COLLATE NOCASE
                          CHECK (length(username) BETWEEN 1 AND 64),
    email         TEXT    COLLATE NOCASE
                          CHECK (email IS NULL OR length(email) BETWEEN 1 AND 120),
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX ix_user_username ON user (username);
CREATE UNIQUE INDEX ix_user_email ON user (email);
