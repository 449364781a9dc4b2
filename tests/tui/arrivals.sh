#!/bin/sh
# Many posts arriving at once (issue 11: "the TUI marks where new posts
# begin and, when you are scrolled down, shows 'N new posts' instead of
# moving you"). Sitting at the top, the view stays at the top however many
# arrive: new posts come in above the selection, which goes to the newest
# when they would push it off the screen (before, the view followed it down
# after about a screenful, and the new posts were out of sight above).
# Scrolled down, the view does not move and the title counts them.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

printf 'password_strength = minimum\nrefresh_ms = 60000\n' > "$MICROBLOG_CONFIG"
i=1
while [ "$i" -le 20 ]; do mb post "seed $i" > /dev/null; i=$((i + 1)); done
tui_start 80 24
expect_selected "the newest post is selected" "seed 20"

# The selected header's line on the screen and its text.
selected_line() { screen | grep -n '│>\|^>' | head -n 1; }
# The timeline's title line (it carries the count of new posts).
title_line() { screen | head -n 1; }
# The title and the first post.
top_rows() { screen | head -n 3; }

# 30 posts one after the other, each its own commit, from another process.
i=1
while [ "$i" -le 30 ]; do mb post "arrival $i" > /dev/null; i=$((i + 1)); done
expect_in "sitting at the top, the 30th new post shows at the top" "arrival 30" top_rows 3
expect_in "the selection is on one of them, on the screen" "arrival" selected_post
expect_not_in "nothing is counted as waiting above" "new post" title_line

# More than a page at once: one import of 40 posts, one commit.
i=1
: > "$T/burst.jsonl"
while [ "$i" -le 40 ]; do
    printf '{"author":"tester","body":"burst %d"}\n' "$i" >> "$T/burst.jsonl"
    i=$((i + 1))
done
mb import "$T/burst.jsonl" > /dev/null
expect_selected "40 posts in one commit: the newest is selected" "burst 40" 3
expect_not_in "and nothing is counted as waiting above" "new post" title_line

# Scrolled down: the view stays where it is and the title counts.
n=0
while [ "$n" -lt 12 ]; do keys j; n=$((n + 1)); done
expect_selected "scrolled down to an older post" "burst 28"
before=$(selected_line)
i=1
while [ "$i" -le 30 ]; do mb post "later $i" > /dev/null; i=$((i + 1)); done
expect_in "scrolled down, the new posts are counted" "30 new posts (g)" title_line 3
expect_eq "the selected post stays on its line" "$before" "$(selected_line)"
expect_no_screen "and the new posts stay out of the way" "later 30"
keys g
expect_selected "g goes to the newest" "later 30"
expect_not_in "and the count goes" "new post" title_line
keys q
expect_clean_exit "quits cleanly"
