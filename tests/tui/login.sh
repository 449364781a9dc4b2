#!/bin/sh
# $USER is no proof of identity: when the configured default author has a
# password, the TUI starts with no author, refuses to post or delete until
# the password was typed through u (or the prompt a post opens), and writes
# nothing before that. An author deleted by another process is dropped
# with a message instead of a bare foreign-key error.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

printf 'pw\n' | mb user add susan --password-stdin >/dev/null 2>&1
mb user add tom --no-password >/dev/null 2>&1
sql_post susan "'susan''s old post'"
expect_sql "susan has a password" "1" "SELECT count(*) FROM user WHERE username = 'susan' AND password_hash IS NOT NULL;"
expect_sql "susan has one post" "1" "SELECT count(*) FROM post;"

tui_start 80 24 USER=susan
expect_screen "the status line says susan must log in" "susan has a password: press u to log in"
expect_no_screen "the TUI does not claim to post as susan" "as susan"

# Deleting susan's post is refused without the password.
keys d
expect_screen "delete is refused without the password" "You can only delete your own posts"
keys y
expect_sql_stays "susan's post is still there" "1" "SELECT count(*) FROM post;" 1

keys i
type_text "not really susan"
keys Enter
expect_screen "posting asks for susan's password" "Password for susan:"
expect_sql_stays "nothing posted before the password" "1" "SELECT count(*) FROM post;" 1
type_text "wrong"
keys Enter
expect_screen "a wrong password is refused" "Wrong password for susan"
expect_sql_stays "nothing posted after a wrong password" "1" "SELECT count(*) FROM post;" 1

keys Escape u
type_text susan
keys Enter
wait_for "Password for susan:" 5
type_text pw
keys Enter
expect_screen "the right password logs in" "Now posting as susan."
keys i Enter
expect_sql "after the password, the kept draft is posted as susan" "susan" \
    "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'not really susan';"

# Another process deletes the author: the next post says so plainly.
keys Escape u
type_text tom
keys Enter
expect_screen "tom has no password" "Now posting as tom."
sql "DELETE FROM user WHERE username = 'tom';"
expect_sql "tom is gone" "0" "SELECT count(*) FROM user WHERE username = 'tom';"
keys i
type_text "ghost post"
keys Enter
expect_screen "a deleted author is reported plainly" "Your author no longer exists; press u."
expect_no_screen "no bare foreign-key error" "FOREIGN"
expect_screen "the status line shows no author" "as (no one)"
expect_sql_stays "nothing posted as a deleted author" "0" "SELECT count(*) FROM post WHERE body = 'ghost post';" 1
keys Enter
expect_screen "still no author on a second try" "press u to choose an author"
expect_sql_stays "no default author was created meanwhile" "0" "SELECT count(*) FROM user WHERE username IN ('tester', 'tom');" 1
keys Escape q y
expect_clean_exit "quits cleanly"
