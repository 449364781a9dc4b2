#!/bin/sh
# Finding a user among many (issue 12): / in the users pane finds by the
# start of the name as one types (a keyset page from the typed prefix, so
# it costs the same among 500 users or a million), Enter stays there, Esc
# goes back to where the find began.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1
sql "WITH RECURSIVE u(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM u WHERE i < 500)
     INSERT INTO user (username, created_at) SELECT 'user' || i, 0 FROM u;
     INSERT INTO post (body, timestamp, user_id)
     SELECT 'the post of user350', 1700000000, id FROM user WHERE username = 'user350';"

tui_start 80 24
keys BTab
expect_screen "the users pane offers / to find" "/:find"
keys j j j
keys /
expect_screen "/ opens the find prompt" "Find user"
type_text "user35"
expect_screen "typing jumps as one types" "user35 "
type_text "0"
wait_for "user350" 3
# A row of the users pane, not the prompt's own text.
if screen | grep -q '^  user350 '; then ok "user350 of 500 in 8 keys"; else not_ok "user350 of 500 in 8 keys" "$(shown)"; fi
keys Enter
wait_gone "Find user" 3
keys Enter
expect_screen "Enter stays on the user found: Enter then shows their posts" "the post of user350"

# Case does not matter, as in the store's order.
keys /
type_text "USER49"
expect_screen "the prefix is found ignoring case" "user49 "
keys BSpace BSpace BSpace BSpace BSpace BSpace
type_text "zzz"
expect_screen "a prefix nobody has says so" "(no such name)"
keys Escape
wait_gone "Find user" 3
expect_screen "Esc goes back to where the find began" "user350"
keys q
expect_clean_exit "quits cleanly"
