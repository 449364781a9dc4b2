#!/bin/sh
# The seed's "play with the database" session, from the shell: add john
# and susan, post as john, list john's posts and susan's (none), all posts
# with their authors, users in reverse alphabetical order, delete them all.
. "$MB_ROOT/tests/lib.sh"

run_cmd mb user add john --email john@example.com
expect_eq "user add john exits 0" 0 "$RC"
expect_eq "user add john says so" "added user 'john' (id 1)" "$OUT"
expect_eq "user add john is quiet on stderr" "" "$ERR"

run_cmd mb user add susan --email susan@example.com
expect_eq "user add susan exits 0" 0 "$RC"
expect_eq "both users are in the database" "1|john|john@example.com
2|susan|susan@example.com" "$(sql 'SELECT id, username, email FROM user ORDER BY id')"
expect_eq "users made without a terminal have no password" "0" \
    "$(sql 'SELECT count(*) FROM user WHERE password_hash IS NOT NULL')"

run_cmd mb post --as john my first post!
expect_eq "post --as john exits 0" 0 "$RC"
expect_eq "post reports its id and author" "posted 1 as john" "$OUT"
expect_eq "the post is stored with john as author" "my first post!|john" \
    "$(sql 'SELECT p.body, u.username FROM post p JOIN user u ON u.id = p.user_id')"

run_cmd mb posts --user john
expect_eq "john's posts exit 0" 0 "$RC"
case "$OUT" in
    "1  john  "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]" "[0-9][0-9]:[0-9][0-9]"  my first post!")
        ok "john's posts: author, local time, body" ;;
    *) not_ok "john's posts: author, local time, body" "got: $OUT" ;;
esac

run_cmd mb posts --user susan
expect_eq "susan's posts exit 0" 0 "$RC"
expect_eq "susan has no posts" "" "$OUT"
expect_eq "susan's empty list is not an error" "" "$ERR"

run_cmd mb posts
expect_eq "all posts show their id and author" "1 john" "$(printf '%s\n' "$OUT" | awk '{ print $1, $2 }')"
expect_contains "all posts show the body" "$OUT" "my first post!"

run_cmd mb user list --desc
expect_eq "users in reverse alphabetical order" "2  susan  susan@example.com
1  john   john@example.com" "$OUT"
run_cmd mb user list
expect_eq "users in alphabetical order" "1  john   john@example.com
2  susan  susan@example.com" "$OUT"

run_cmd mb user del john --yes
expect_eq "user del john exits 0" 0 "$RC"
expect_eq "user del says what went" "deleted user 'john' and 1 post" "$OUT"
expect_eq "john's posts went with him" "0" "$(sql 'SELECT count(*) FROM post')"
run_cmd mb user del susan --yes
expect_eq "user del susan exits 0" 0 "$RC"
expect_eq "the database is empty again" "0|0" \
    "$(sql 'SELECT (SELECT count(*) FROM user), (SELECT count(*) FROM post)')"
run_cmd mb user list
expect_eq "no users left" "" "$OUT"
run_cmd mb posts
expect_eq "no posts left" "" "$OUT"
