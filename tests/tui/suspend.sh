#!/bin/sh
# Ctrl-Z (issue 12): started from a shell with job control, the TUI gives
# the terminal back to the shell, stops, and comes back with the screen
# drawn again on fg, the draft kept; a SIGTSTP from outside does the same.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1   # creates the database
sql_user alice
sql_post alice "'a post to come back to'" 1700000100

# An interactive shell in the pane (dash: job control is on), which then
# starts the TUI as a job of its own.
tm start-server \; set-option -g default-terminal screen \; \
    new-session -d -s t -x 80 -y 24 "env PS1='shell> ' sh -i"
wait_for "shell> " 5
type_text "'$MB_BIN' --db '$DB' 2>'$TUI_ERR'"
keys Enter
expect_screen "the TUI starts from the shell" "?:help" 10
keys i
type_text "draft across a suspend"
keys C-z
if wait_for "shell> " 5 && ! screen | grep -q "a post to come back to"; then
    ok "Ctrl-Z gives the terminal back to the shell"
else
    not_ok "Ctrl-Z gives the terminal back to the shell" "$(shown)"
fi
expect_screen "the shell says the job stopped" "Stopped"
type_text "fg"
keys Enter
expect_screen "fg brings the timeline back" "a post to come back to"
expect_screen "with the draft" "draft across a suspend"
expect_no_screen "and nothing of the shell left on the screen" "shell> "

# A SIGTSTP sent from outside (kill -TSTP), outside the compose box.
keys Escape
# The TUI is the child of the pane's shell (env execs sh).
pid=$(pgrep -P "$(tm display -p -t t '#{pane_pid}')" | head -n 1)
kill -TSTP "$pid"
if wait_for "shell> " 5 && ! screen | grep -q "a post to come back to"; then
    ok "kill -TSTP suspends too"
else
    not_ok "kill -TSTP suspends too" "$(shown)"
fi
type_text "fg"
keys Enter
expect_screen "and fg brings it back" "a post to come back to"
keys q
wait_for "Discard the draft" 3
keys y
wait_gone "a post to come back to" 5
type_text 'echo "tui-exit=$?"'
keys Enter
expect_screen "it quits as usual afterwards" "tui-exit=0"
if grep -q 'Sanitizer\|runtime error' "$TUI_ERR"; then
    not_ok "no sanitizer report" "$(cat "$TUI_ERR")"
else
    ok "no sanitizer report"
fi
