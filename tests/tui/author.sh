#!/bin/sh
# Switching author with u: a user without a password switches at once; a
# user with one needs it (typed with echo off), a wrong one changes
# nothing; an unknown name is offered to be created (personal mode), and
# nothing is created without y.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user add dave --no-password >/dev/null 2>&1
printf 'correct horse\n' | mb user add carol --password-stdin >/dev/null 2>&1
expect_sql "carol has a password hash" "1" "SELECT count(*) FROM user WHERE username = 'carol' AND password_hash LIKE '\$argon2id\$%';"
hash_before=$(sql "SELECT password_hash FROM user WHERE username = 'carol';")

tui_start 80 24
expect_screen "starts as the default author" "as tester"

keys u
expect_screen "u asks for a username" "Switch author to:"
type_text nobody
keys Enter
expect_screen "an unknown user is offered to be created" "No user named nobody: create it? (y/n)"
keys n
expect_screen "n creates nobody" "Still posting as tester."
expect_sql "no user nobody" "0" "SELECT count(*) FROM user WHERE username = 'nobody';"

keys u
type_text carol
keys Enter
expect_screen "a user with a password asks for it" "Password for carol:"
type_text "wrong horse"
sleep 0.3   # let it draw what it would echo
expect_screen "the password prompt stays up" "Password for carol:"
expect_no_screen "the password is not echoed, not even as stars (its length)" "Password for carol: *"
expect_no_screen "the password text never shows" "wrong horse"
keys Enter
expect_screen "a wrong password is refused" "Wrong password for carol; still posting as tester."
expect_screen "the author is unchanged" "as tester"
expect_sql "nothing written on failure" "$hash_before" "SELECT password_hash FROM user WHERE username = 'carol';"
expect_sql "no user created on failure" "2" "SELECT count(*) FROM user;" 

keys u
type_text carol
keys Enter
wait_for "Password for carol:" 5
keys Escape
expect_screen "Esc cancels the password prompt" "Still posting as tester" 

keys u
type_text CAROL
keys Enter
wait_for "Password for carol:" 5
type_text "correct horse"
keys Enter
expect_screen "the right password switches" "Now posting as carol."
expect_screen "the status line shows the new author" "as carol"
keys i
type_text "carol writes"
keys Enter
expect_screen "the post shows carol as author" "carol  "
expect_sql "the post is stored as carol's" "carol" "SELECT u.username FROM post p JOIN user u ON u.id = p.user_id WHERE p.body = 'carol writes';"
keys Escape

keys u
type_text dave
keys Enter
expect_screen "a user without a password switches at once" "Now posting as dave."

# u with a new name, then y: created, and posting as it.
keys u
type_text newbie
keys Enter
expect_screen "a new name: the question" "No user named newbie: create it? (y/n)"
keys y
expect_screen "y creates the author and switches to it" "Created newbie; now posting as newbie."
expect_screen "the status line shows the new author" "as newbie"
expect_sql "newbie exists, without a password" "1" "SELECT count(*) FROM user WHERE username = 'newbie' AND password_hash IS NULL;"
expect_screen "the users pane lists newbie" " newbie "
keys u
type_text "bad name"
keys Enter
wait_for "create it?" 5
keys y
expect_screen "a name the store refuses is said, and nothing is created" "Not created:"
expect_screen "still the same author" "as newbie"
expect_sql "no user 'bad name'" "0" "SELECT count(*) FROM user WHERE username = 'bad name';"
keys q
expect_clean_exit "quits cleanly"
