#!/bin/sh
# The status line as a new user reads it (issue 12): it offers the keys of
# the mode one is in (never ? and q while they are text), a message lasts
# until the next key, and a key that does nothing says where the help is.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1   # creates the database
sql_user alice
sql_post alice "'hello'" 1700000100

status_line() { screen | tail -n 1; }
expect_status() { expect_in "$1" "$2" status_line 3; }
expect_no_status() { expect_not_in "$1" "$2" status_line 3; }

tui_start 80 24
expect_status "the timeline offers its own keys" "Enter:thread"
expect_status "and the help and quit" "?:help"
keys BTab
expect_status "the users pane offers its own" "Enter:posts"

keys i
expect_status "writing, the status line offers the compose keys" "Enter:post"
expect_status "and Esc to leave" "Esc:leave"
expect_status "and F1 for help, since ? is text here" "F1:help"
expect_no_status "no ?:help while ? is text" "?:help"
expect_no_status "no q:quit while q is text" "q:quit"
keys F1
expect_screen "F1 opens the help from the compose box" "Keys (j/k/G scroll"
keys Escape
keys F5
expect_status "an unbound key in the compose box says where the help is" "F5 does nothing here: F1 for help."
type_text "x"
expect_no_status "the message goes at the next key" "does nothing"
keys Escape

keys z
expect_status "an unbound key says ? for help" "z does nothing here: ? for help."
keys j
expect_no_status "and the message goes at the next key" "does nothing"
keys C-g
expect_status "a control key is named as such" "Ctrl-G does nothing here"
keys R
expect_status "a message..." "Reloaded."
keys k
expect_no_status "...lasts until the next key" "Reloaded."
keys q
expect_status "the draft is asked about" "Discard the draft"
keys y
expect_clean_exit "quits cleanly"
