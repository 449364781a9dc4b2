#!/bin/sh
# Long usernames (issue 12): a name too long for its place ends with "…"
# and never runs into the post count beside it (users pane) or the time
# and the count after it (a post's header, the timeline's title), wide
# characters included.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

long="longname$(printf 'x%.0s' $(seq 1 56))"
wide="$(printf '名%.0s' $(seq 1 40))"
mb user list >/dev/null 2>&1
sql_user "$long"
sql_user "$wide"
sql_user bo
sql_post "$long" "'from the long name'" 1700000100
sql_post "$wide" "'from the wide name'" 1700000200
sql_post bo "'from bo'" 1700000300

tui_start 80 24
if screen | grep -q "^  longnamexx*… 1 │"; then
    ok "users pane: the long name ends with … one cell before its count"
else
    not_ok "users pane: the long name ends with … one cell before its count" "$(shown)"
fi
if screen | grep -q "^  名名*… 1 │"; then
    ok "users pane: a name of wide characters too"
else
    not_ok "users pane: a name of wide characters too" "$(shown)"
fi
if screen | grep -q "^  bo  *1 │"; then ok "a short name is whole"; else not_ok "a short name is whole" "$(shown)"; fi
if screen | grep -q "│ longnamexxx*…  2023-11-14 22:15"; then
    ok "a post's header: the name ends with … and the time shows"
else
    not_ok "a post's header: the name ends with … and the time shows" "$(shown)"
fi
keys BTab G
keys k
keys Enter
expect_screen "the timeline's title: the name ends with … before the count" "… (1 post)"

tm resize-window -t t -x 40 -y 12
keys Tab
wait_for "(1 post)" 3
if screen | grep -q "^ longnamexx*… (1 post)"; then
    ok "narrow: the title keeps its count"
else
    not_ok "narrow: the title keeps its count" "$(shown)"
fi
keys q
expect_clean_exit "quits cleanly"
