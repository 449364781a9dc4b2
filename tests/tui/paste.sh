#!/bin/sh
# Bracketed paste: pasted text goes into the draft as text. A pasted
# newline does not post it, pasted Tab, d, y, q and i are not commands
# (a paste once deleted a post), CR becomes a new line in the draft and
# Tab a space; a paste outside the compose box opens it first.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user add tester --no-password >/dev/null 2>&1
mb post my only post >/dev/null 2>&1

tui_start 80 24
expect_screen "the post shows" "my only post"

# As a terminal sends it when the app enabled mode 2004 (paste-buffer -p
# only adds the markers then, so this also checks that it is enabled).
printf 'first line\rsecond\t\tdy q' > "$T/paste.txt"
tm load-buffer -b p "$T/paste.txt"
tm paste-buffer -p -b p -t t
expect_screen "the paste lands in the draft" "second  dy q"
expect_screen "the pasted CR is a new line in the draft" "first line"
expect_sql_stays "the pasted newline posted nothing" "1" "SELECT count(*) FROM post;" 1
expect_sql "the pasted d and y deleted nothing" "my only post" "SELECT body FROM post;"
expect_no_screen "no delete question" "Delete this post?"
expect_no_screen "no quit question" "Discard the draft"
expect_screen "the counter counts the pasted text" " 23/140 "

# The same markers typed raw, while a delete question is open: pasted text
# never answers it.
keys Escape
wait_for "New post (i)" 5
keys d
expect_screen "d asks before deleting" "Delete this post? (y/n)"
type_text "$(printf '\033[200~y\033[201~')"
expect_screen "a paste answers the question no" "Not deleted; the paste went into the draft."
expect_sql_stays "the pasted y deleted nothing" "1" "SELECT count(*) FROM post;" 1

# After the paste, keys are keys again: Enter posts the draft.
keys Enter
expect_sql "Enter after the paste posts it, new line and all" \
    "$(printf 'first line\nsecond  dy qy')" "SELECT body FROM post WHERE id = (SELECT max(id) FROM post);"
keys Escape q
expect_clean_exit "quits cleanly"
