#!/bin/sh
# The TUI as a new user meets it: an empty database, a first post by the
# default author, filtering by user, an over-long draft, deleting with a
# confirmation, the help overlay and quitting.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

# First start on an empty database: type a post, it appears with the
# default author ($USER = tester), who is created by that first post.
tui_start 80 24
expect_screen "empty database shows an empty timeline" "No posts yet"
keys i
type_text "my first post"
expect_screen "the counter counts the draft" "13/140"
keys Enter
expect_screen "the post appears in the timeline" "my first post"
expect_screen "with the default author" "tester  "
expect_screen "the status line confirms" "Posted as tester."
expect_eq "the default author was created on first post" "tester|my first post" \
    "$(sql "SELECT u.username || '|' || p.body FROM post p JOIN user u ON u.id = p.user_id;")"
expect_screen "the compose box is empty again" "0/140"
keys Escape
expect_screen "the users pane lists the author with a count" "* tester"

# An over-long draft is refused with the reason, and kept.
keys i
long=$(printf 'x%.0s' $(seq 1 141))
type_text "$long"
expect_screen "the counter shows 141/140" "141/140"
keys Enter
expect_screen "an over-long draft is refused with the reason" "too long (141/140"
expect_screen "the over-long draft is kept" "141/140"
expect_sql "nothing was written" "1" "SELECT count(*) FROM post;"
# Shorten it by one with Backspace: now it posts.
keys BSpace
expect_screen "Backspace shortens the draft" "140/140"
keys Enter
expect_screen "a 140-character draft posts" "Posted as tester."
expect_eq "the 140-character post is stored" "140" \
    "$(sql "SELECT length(body) FROM post ORDER BY id DESC LIMIT 1;")"

# An empty draft is refused.
keys Enter
expect_screen "an empty draft is refused" "the draft is empty"
keys Escape

# Delete with confirmation: n keeps it, y deletes it.
keys g d
expect_screen "delete asks first" "Delete this post? (y/n)"
keys n
expect_screen "n keeps the post" "Not deleted."
expect_sql "still two posts after n" "2" "SELECT count(*) FROM post;"
keys d
wait_for "Delete this post? (y/n)" 5
keys y
expect_screen "y deletes the post" "Post deleted."
expect_sql "one post left after y" "my first post" "SELECT body FROM post;"

# Someone else's post cannot be deleted.
sql_user alice
sql_post alice "'alice was here'" 2000000000
keys R
expect_screen "R reloads" "alice was here"
keys g d
expect_screen "another user's post is refused" "only delete your own posts"
expect_sql "alice's post is still there" "2" "SELECT count(*) FROM post;"

# Help overlay from the key table.
keys '?'
expect_screen "? shows the help overlay" "Keys (j/k/G scroll"
keys G
expect_screen "the help lists the compose keys" "delete the word before the cursor"
keys x
expect_screen "any key closes the help" "?:help"
expect_no_screen "the help is gone" "Keys (j/k/G scroll"

# q asks first when there is a draft, then quits cleanly.
keys i
type_text "unsent"
keys Escape q
expect_screen "q with a draft asks first" "Discard the draft and quit? (y/n)"
keys n
expect_screen "n keeps the TUI running" "Not quitting"
keys q
wait_for "Discard the draft" 5
keys y
expect_clean_exit "quits with status 0 and no sanitizer report"
