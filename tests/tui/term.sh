#!/bin/sh
# An unusable $TERM is refused with a message on stderr, and the value is
# shown sanitized: $TERM comes from the environment (a hostile ssh client
# can set it), so its escape sequences must not reach the terminal.
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

# ncurses leaks its pre-screen when newterm fails (new_prescr): not ours.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
hostile=$(printf 'evil\033]0;pwned\007\033[31mred')
tm start-server \; set-option -g remain-on-exit on \; \
    new-session -d -s t -x 80 -y 24 \
    "env TERM='$hostile' '$MB_BIN' --db '$DB' 2>'$TUI_ERR'; echo \$? > '$TUI_EXIT_FILE'"
if wait_exit 10; then ok "an unusable terminal type ends the TUI"; else not_ok "an unusable terminal type ends the TUI" "$(shown)"; fi
expect_eq "it exits with status 1" "1" "${EXIT_STATUS:-none}"
expect_contains "it says which terminal type" "$(cat "$TUI_ERR")" "cannot use the terminal type \"evil"
if grep -q "$(printf '\033')" "$TUI_ERR"; then
    not_ok "no escape byte reaches stderr" "$(od -c "$TUI_ERR" | head -5)"
else
    ok "no escape byte reaches stderr"
fi
if grep -q "$(printf '\007')" "$TUI_ERR"; then
    not_ok "no BEL reaches stderr" "$(od -c "$TUI_ERR" | head -5)"
else
    ok "no BEL reaches stderr"
fi
