#!/bin/sh
# The database file deleted or replaced under an open TUI (issue 9, item
# 2): the TUI notices (when it looks for changes, and before a write), says
# so in the status line and keeps saying it, keeps the draft, and writes
# nothing: not into the unlinked file (which nobody would read), not into a
# new file at the path, and not through the old connection's -wal, which a
# new file at the same path would read as its own.
. "$MB_ROOT/tests/lib.sh"
sqlite_only "a database file deleted or replaced under the TUI, and its -wal; tests/pg/tui_reconnect.sh covers a lost server"
. "$MB_ROOT/tests/tui/helpers.inc"

DB="$T/x.db"
OTHER="$T/other.db"

# The compose box: the rows under its "New post" title, above the status
# line (the timeline would show a post that went out).
compose_box() { screen | sed -n '/New post/,$p' | sed '1d;$d'; }
expect_draft() { expect_in "$1" "$2" compose_box; }

# (a) rm x.db* while the TUI is open.
mb post "before the rm" >/dev/null 2>&1
expect_sql "x.db has its post" "1" "SELECT count(*) FROM post;"
tui_start 80 24
expect_screen "the TUI shows the post" "before the rm"
rm -f "$DB" "$DB-wal" "$DB-shm"
expect_screen "the deletion is noticed without a key press" "was deleted or replaced"
keys i
type_text "into the void"
keys Enter
expect_screen "posting says the file was deleted or replaced" "was deleted or replaced"
expect_no_screen "it never says Posted" "Posted"
expect_draft "the draft is still in the box" "into the void"
sleep 1
if [ -e "$DB" ] || [ -e "$DB-wal" ] || [ -e "$DB-shm" ]; then
    not_ok "no database appears at x.db" "$(ls -la "$T")"
else
    ok "no database appears at x.db"
fi
keys Escape R
sleep 0.3
expect_screen "the message stays after other keys" "was deleted or replaced"
keys i Enter
expect_screen "a second try is refused too" "was deleted or replaced"
expect_draft "and keeps the draft" "into the void"
keys Escape q
wait_for "Discard the draft" 5
keys y
expect_clean_exit "quits cleanly"
if [ -e "$DB" ]; then
    not_ok "quitting creates no database either" "$(ls -la "$T")"
else
    ok "quitting creates no database either"
fi
run_cmd mb posts
expect_not_contains "the next command does not see the post" "$OUT" "into the void"

# (b) mv other.db x.db while the TUI is open: refused, and x.db holds
# exactly other.db's posts, none lost and none added.
rm -f "$TUI_EXIT_FILE" "$DB" "$DB-wal" "$DB-shm"
tm_kill_server
mb post "x's own post" >/dev/null 2>&1
tui_start 80 24
expect_screen "the TUI shows x.db's post" "x's own post"
"$MB_BIN" --db "$OTHER" post "other one" >/dev/null 2>&1
"$MB_BIN" --db "$OTHER" post "other two" >/dev/null 2>&1
other_posts=$(sqlite3 "$OTHER" "SELECT id, body FROM post ORDER BY id;")
expect_eq "other.db has its two posts" "1|other one
2|other two" "$other_posts"
mv "$OTHER" "$DB"
expect_screen "the replacement is noticed without a key press" "was deleted or replaced"
keys i
type_text "through the old wal"
keys Enter
expect_screen "posting says the file was deleted or replaced" "was deleted or replaced"
expect_no_screen "it never says Posted" "Posted"
expect_draft "the draft is still in the box" "through the old wal"
expect_sql_stays "x.db holds exactly other.db's posts" "$other_posts" \
    "SELECT id, body FROM post ORDER BY id;" 1
# (A reader of the new x.db may already have checkpointed the -wal into it
# and removed it: both files are looked at.)
if grep -q "through the old wal" "$DB-wal" "$DB" 2>/dev/null; then
    not_ok "neither x.db nor x.db-wal holds anything of the TUI's" "$(ls -la "$T")"
else
    ok "neither x.db nor x.db-wal holds anything of the TUI's"
fi
keys Escape q
wait_for "Discard the draft" 5
keys y
expect_clean_exit "quits cleanly after the replacement"
expect_sql "after the TUI quit, x.db still holds exactly other.db's posts" "$other_posts" \
    "SELECT id, body FROM post ORDER BY id;"
expect_sql "and is sound" "ok" "PRAGMA integrity_check;"
run_cmd mb posts
expect_contains "the CLI shows other.db's posts" "$OUT" "other two"
expect_not_contains "and not the TUI's draft" "$OUT" "through the old wal"
