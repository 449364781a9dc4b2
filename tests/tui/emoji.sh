#!/bin/sh
# Emoji sequences (issue 12): a grapheme cluster is drawn whole where the
# terminal draws it in the cells utf8proc gives it (asked at start with a
# cursor position request: tmux 3.3 draws a ZWJ family in two cells, a
# skin-toned emoji in four), and the text after it stays in its column
# either way.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb user list >/dev/null 2>&1
family=$(printf '\360\237\221\250\342\200\215\360\237\221\251\342\200\215\360\237\221\247')
thumbs=$(printf '\360\237\221\215')
tone=$(printf '\360\237\217\275')
keycap=$(printf '1\357\270\217\342\203\243')
keycap_text=$(printf '1\342\203\243')
flag=$(printf '\360\237\207\253\360\237\207\267')
scientist=$(printf '\360\237\221\251\360\237\217\275\342\200\215\360\237\224\254')
mb post "[$family]A [$thumbs$tone]B [$keycap]C [$flag]D [$scientist]E|" >/dev/null

tui_start 80 24
wait_for "]A" 5
line=$(screen | grep ']A' | sed 's/^.*│ *//')
case "$line" in
    *"[$family]A"*) ok "a ZWJ family is drawn whole, the next letter right after it" ;;
    *) not_ok "a ZWJ family is drawn whole, the next letter right after it" "line: $line" ;;
esac
case "$line" in
    *"[$thumbs]B"*) ok "a skin tone this terminal draws four cells wide: the emoji alone, in its two" ;;
    *) not_ok "a skin tone this terminal draws four cells wide: the emoji alone, in its two" "line: $line" ;;
esac
case "$line" in
    *"[$keycap_text ]C"*) ok "a keycap: its digit and keycap in one cell, then a blank" ;;
    *) not_ok "a keycap: its digit and keycap in one cell, then a blank" "line: $line" ;;
esac
case "$line" in
    *"[$flag]D"*) ok "a flag is drawn whole" ;;
    *) not_ok "a flag is drawn whole" "line: $line" ;;
esac
case "$line" in
    *"]E|"*) ok "the text after them all is in place" ;;
    *) not_ok "the text after them all is in place" "line: $line" ;;
esac
# The columns: the pane's right edge is still where it belongs.
n=$(screen | grep ']A' | sed 's/│.*//' | wc -m)
if [ "$n" -eq 19 ]; then ok "the users pane beside it keeps its width"; else not_ok "the users pane beside it keeps its width" "$(shown)"; fi

# Typed into the compose box, then one more letter: curses sends only that
# letter, at the column it counts; the terminal must agree for it to land
# right after the cluster.
keys i
type_text "[$family$thumbs$tone$keycap$flag]"
wait_for "[$family" 3
type_text "Z"
wait_for "Z" 3
case "$(screen | grep "Z")" in
    *"[$family$thumbs$keycap_text $flag]Z"*) ok "a letter typed after them lands right after them" ;;
    *) not_ok "a letter typed after them lands right after them" "$(shown)" ;;
esac
keys C-u Escape
keys q
expect_clean_exit "quits cleanly"
