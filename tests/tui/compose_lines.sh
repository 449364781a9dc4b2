#!/bin/sh
# The compose box as one writes in it (issue 12): it grows with the draft
# up to a third of the screen and then scrolls; Up and Down move between
# its lines (as shown, wrapped), keeping the column.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1   # creates the database
sql_user alice
sql_post alice "'an older post'" 1700000100

tui_start 80 24
keys i
for n in one two three four five six; do
    type_text "line $n"
    [ "$n" = six ] || keys C-j
done
wait_for "line six" 3
if screen | grep -q "line one" && screen | grep -q "line six"; then
    ok "the box grows: six lines of the draft are all shown"
else
    not_ok "the box grows: six lines of the draft are all shown" "$(shown)"
fi
expect_screen "the timeline keeps its place above" "an older post"

keys Up Up
type_text "!"
expect_screen "Up twice goes to the same column two lines up" "line fou!r"
keys Down
type_text "?"
expect_screen "Down goes to the end of a shorter line below" "line five?"
keys C-p
type_text "<"
expect_screen "Ctrl-P is Up" "line fou!r<"
keys C-n C-n C-n
type_text "$"
expect_screen "Down on the last line goes to its end" "line six\$"

# Past a third of the screen (7 rows of 24) the box scrolls.
for n in 7 8 9 10 11 12; do
    keys C-j
    type_text "line $n"
done
wait_for "line 12" 3
if screen | grep -q "line one"; then
    not_ok "past the limit the box scrolls: the first line is off" "$(shown)"
else
    ok "past the limit the box scrolls: the first line is off"
fi
if [ "$(screen | grep -c '^ line ')" -eq 7 ]; then
    ok "the box holds 7 rows of the draft at 24 rows"
else
    not_ok "the box holds 7 rows of the draft at 24 rows" "$(shown)"
fi
expect_screen "the timeline is still there" "All posts (1)"

# A long line wraps: Up moves within it, to the same column.
keys C-u
type_text "$(printf 'word%.0s ' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)end"
wait_for "end" 3
keys Up
type_text "^"
wait_for "^" 3
if screen | grep '\^' | grep -qv end; then
    ok "Up moves to the wrapped line above"
else
    not_ok "Up moves to the wrapped line above" "$(shown)"
fi

# Leaving the box gives the rows back to the timeline.
keys Escape
wait_for "New post (i)" 3
if [ "$(screen | grep -c '^ line \|^ word')" -le 3 ]; then
    ok "out of the box, the draft takes its usual rows"
else
    not_ok "out of the box, the draft takes its usual rows" "$(shown)"
fi
keys q
wait_for "Discard the draft" 3
keys y
expect_clean_exit "quits cleanly"
