#!/bin/sh
# Browsing: filtering by user, resizing with the draft kept, tiny
# terminals, and posts from another process showing up live.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1   # creates the database
sql_user alice
sql_user bob
sql_post alice "'alice one'" 1700000100
sql_post bob "'bob one'" 1700000200
sql_post alice "'alice two'" 1700000300

tui_start 80 24
expect_screen "All shows every post" "bob one"
expect_screen "with local times (TZ=UTC)" "2023-11-14 22:18"
if screen | grep -q ' alice  *2 │'; then ok "users are listed with their post counts"; else not_ok "users are listed with their post counts" "$(screen)"; fi

# Choose bob in the users pane: only bob's posts.
keys BTab   # timeline -> users
keys j j    # All -> alice -> bob
keys Enter
expect_screen "the title names the filter" "bob (1 post)"
expect_no_screen "alice's posts are hidden when bob is chosen" "alice two"
expect_screen "bob's post shows" "bob one"
keys g Enter
expect_screen "All shows every post again" "alice two"

# Resize to 40x12 and back, with a draft: kept, and the selection too.
keys Tab    # users -> timeline
keys j      # select "bob one"
keys i
type_text "draft that survives"
tm resize-window -t t -x 40 -y 12
expect_screen "at 40x12 the draft is still there" "draft that survives"
expect_screen "at 40x12 the timeline is shown without the users pane" "All posts (3)"
expect_no_screen "the users pane is hidden below 80 columns" "Users"
tm resize-window -t t -x 20 -y 6
wait_for "survives" 3
tm resize-window -t t -x 12 -y 4
expect_screen "below 20x6 a notice instead of a crash" "Terminal too"
tm resize-window -t t -x 80 -y 24
expect_screen "back at 80x24 the draft is intact" "draft that survives"
expect_screen "back at 80x24 the users pane is back" "Users"
keys Escape
wait_for "New post (i)" 3
if screen | grep -q ">bob  "; then ok "the selection survives the resizes"; else not_ok "the selection survives the resizes" "$(screen)"; fi

# In the stacked layout Tab reaches the users pane, which then fills it.
tm resize-window -t t -x 60 -y 20
wait_gone "│" 3
keys BTab
expect_screen "stacked: the users pane replaces the timeline" "Users"
keys j Enter
expect_screen "stacked: choosing a user shows the timeline" "alice (2 posts)"

# A post from a second process appears without a key press, and the
# selection does not move.
keys g
mb post --as alice "live from another shell" >/dev/null
expect_screen "a post from another process appears without a key press" "live from another shell" 3
expect_screen "and the count follows" "alice (3 posts)" 2
if screen | grep -q ">alice  2023-11-14 22:18"; then ok "the selection stays on the same post"; else not_ok "the selection stays on the same post" "$(screen)"; fi
# Deleted elsewhere: it disappears. On SQLite by another connection
# (sqlite3): PRAGMA data_version sees any commit. On PostgreSQL by another
# process of the program: the TUI hears of changes through the NOTIFY that
# the program's own writes send, so a DELETE in psql would not show until
# something else refreshes the view (a known difference).
if sqlite_backend; then
    sql "DELETE FROM post WHERE body = 'live from another shell';"
else
    mb post del "$(sql "SELECT id FROM post WHERE body = 'live from another shell';")" --yes >/dev/null
fi
if wait_gone "live from another shell" 3; then ok "a post deleted elsewhere disappears"; else not_ok "a post deleted elsewhere disappears" "$(screen)"; fi

keys q
wait_for "Discard the draft" 3
keys y
expect_clean_exit "quits cleanly after resizes"
