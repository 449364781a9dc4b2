#!/bin/sh
# Live updates (issue 11): what another process commits appears in a running
# TUI without a key press. The refresh tick is set to 60 s here, so only the
# store's change descriptor can explain it: inotify on the SQLite file (the
# -wal, the database, their directory), LISTEN/NOTIFY on PostgreSQL. Each
# wait allows 2 s; the time taken is in the TAP line.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

printf 'password_strength = minimum\nrefresh_ms = 60000\n' > "$MICROBLOG_CONFIG"
mb post "before the TUI" > /dev/null
tui_start 80 24
expect_screen "the TUI opens" "before the TUI"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# expect_live NAME TEXT START_MS: TEXT shows up within 2 s of START_MS.
expect_live() {
    if wait_for "$2" 2; then
        ok "$1 ($(( $(now_ms) - $3 )) ms, no key pressed, 60 s tick)"
    else
        not_ok "$1 within 2 s without a key press (60 s tick)" "$(shown)"
    fi
}

# Several in a row: on SQLite each CLI post ends with a TRUNCATE
# checkpoint that empties the -wal the next one writes into again.
for n in 1 2 3; do
    start=$(now_ms)
    mb post "live post number $n" > /dev/null
    expect_live "post $n from another process appears" "live post number $n" "$start"
done

# A plain SQL client (on SQLite it leaves its frames in the -wal: no
# checkpoint after its commit).
start=$(now_ms)
sql_post tester "'written by a plain SQL client'" 1800000000
expect_live "a commit by a plain SQL client appears" \
    "written by a plain SQL client" "$start"

# Not only posts: a new user shows up in the users pane.
start=$(now_ms)
mb user add carol --no-password > /dev/null
expect_live "a user added by another process appears in the users pane" "carol" "$start"

# While composing (the compose box has the focus, nothing typed since).
keys i
type_text "a draft"
expect_screen "the compose box has the draft" "a draft"
start=$(now_ms)
mb post --as carol "carol posts while you type" > /dev/null
expect_live "a post arrives while the compose box has the focus" \
    "carol posts while you type" "$start"
expect_screen "and the draft is kept" "a draft"
keys Escape q
wait_for "Discard the draft" 5
keys y
expect_clean_exit "the TUI quits cleanly"
