#!/bin/sh
# The TUI on a lost server (issue 10): the TUI on a server database; the
# server is SIGKILLed; a post typed and sent with Enter is refused with one
# status line saying the connection to the database server was lost, the
# draft is kept and nothing crashes or freezes; the server is restarted and
# the TUI recovers by itself: a post from another session appears without a
# key being pressed, and sending the kept draft works.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

pg_private_cluster "TUI on a lost server"
pg_cleanup() {
    sh "$MB_ROOT/scripts/pg-cluster.sh" destroy "$PG_DIR" > /dev/null 2>&1
    tui_cleanup
}
trap pg_cleanup EXIT
cluster() { sh "$MB_ROOT/scripts/pg-cluster.sh" "$@"; }

DB=$(cluster createdb "$PG_DIR")
"$MB_BIN" --db "$DB" post "before the crash" > /dev/null
# The default refresh tick: the TUI must find its way back by itself.
tui_start 100 24
expect_screen "the TUI opens on a server database" "before the crash"

cluster kill "$PG_DIR" > /dev/null 2>&1
expect_screen "the status line says the connection was lost, no key pressed" \
    "Lost the connection to the database server; retrying." 5
keys i
type_text "written while the server was down"
keys Enter
expect_screen "sending while the server is down says the connection was lost" \
    "Not posted, draft kept: lost the connection to the database server" 5
expect_screen "the draft is kept" "written while the server was down"
# Not frozen: keys still move the draft's cursor and show at once.
start=$(date +%s%N)
type_text " (more)"
if wait_for "(more)" 2; then
    ok "keys are still answered while the server is down ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
else
    not_ok "keys are still answered while the server is down" "$(shown)"
fi
expect_eq "one line of the screen speaks of the lost connection" 1 \
    "$(screen | grep -ci 'lost the connection to the database server')"
if [ -n "$(tui_pid)" ]; then ok "the TUI is still running"; else not_ok "the TUI is still running" "$(cat "$TUI_ERR")"; fi

cluster restart "$PG_DIR" > /dev/null 2> "$T/restart.err"
"$MB_BIN" --db "$DB" post "after the restart" > "$T/post.out" 2>&1
start=$(date +%s%N)
if wait_for "after the restart" 10; then
    ok "the TUI recovers by itself: another session's post appears ($(( ($(date +%s%N) - start) / 1000000 )) ms, no key pressed)"
else
    not_ok "the TUI recovers by itself: another session's post appears" "$(cat "$T/post.out")" "$(shown)"
fi
expect_screen "and says it is connected again" "Connected to the database server again." 5
keys Enter
expect_screen "the kept draft is posted after the restart" "Posted as tester." 5
expect_eq "it is in the server's database" "written while the server was down (more)" \
    "$(psql -At "$DB" -c "SELECT body FROM post ORDER BY id DESC LIMIT 1")"
keys Escape q
if wait_exit 5; then
    expect_eq "the TUI exits cleanly" 0 "$EXIT_STATUS"
else
    not_ok "the TUI exits cleanly" "$(shown)"
fi
expect_not_contains "no sanitizer report" "$(cat "$TUI_ERR")" "Sanitizer"
expect_not_contains "no runtime error" "$(cat "$TUI_ERR")" "runtime error"
