#!/bin/sh
# Colour: used by default where the terminal has it, never with NO_COLOR
# set or with `color = never` in the config; the terminal's default
# background is kept (no background colour is ever set), and monochrome
# still marks the selection (reverse video).
. "$MB_ROOT/tests/lib.sh"
. "$MB_ROOT/tests/tui/helpers.inc"

mb post "a post in colour" >/dev/null 2>&1
ESC=$(printf '\033')

# run_capture NAME ENV...: starts the TUI, records the bytes of a full
# repaint into $T/NAME.bin, quits.
run_capture() {
    name=$1; shift
    rm -f "$TUI_EXIT_FILE"
    tm_kill_server >/dev/null 2>&1
    tui_start 80 24 "$@"
    tm pipe-pane -t t -o "cat >> '$T/$name.bin'"
    keys C-l
    wait_for "a post in colour" 5
    # The repaint reaches the capture file after the screen: wait for its
    # text there (it raced under load), then for the rest of it.
    deadline=$(( $(date +%s) + 10 ))
    until LC_ALL=C grep -q "a post in colour" "$T/$name.bin" 2>/dev/null ||
          [ "$(date +%s)" -ge "$deadline" ]; do
        sleep 0.05
    done
    sleep 0.3
    keys q
    wait_exit 10
}

run_capture color
if LC_ALL=C grep -q "$ESC\[3[0-7]m\|$ESC\[3[0-7];" "$T/color.bin"; then ok "colours by default"; else not_ok "colours by default" "$(od -c "$T/color.bin" | head -20)"; fi
if LC_ALL=C grep -q "$ESC\[4[0-7]m\|$ESC\[4[0-7];" "$T/color.bin"; then not_ok "the default background is kept"; else ok "the default background is kept"; fi

run_capture nocolor NO_COLOR=1
if LC_ALL=C grep -q "$ESC\[3[0-7]m\|$ESC\[3[0-7];" "$T/nocolor.bin"; then not_ok "NO_COLOR: no colours"; else ok "NO_COLOR: no colours"; fi
if LC_ALL=C grep -q "$ESC\[7m\|$ESC\[0;7m\|;7m" "$T/nocolor.bin"; then ok "NO_COLOR: the selection is in reverse video"; else not_ok "NO_COLOR: the selection is in reverse video"; fi

printf 'password_strength = minimum\ncolor = never\n' > "$MICROBLOG_CONFIG"
run_capture never
if LC_ALL=C grep -q "$ESC\[3[0-7]m\|$ESC\[3[0-7];" "$T/never.bin"; then not_ok "color = never: no colours"; else ok "color = never: no colours"; fi
expect_eq "quits cleanly in monochrome" "0" "${EXIT_STATUS:-none}"
