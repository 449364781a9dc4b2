#!/bin/sh
# The terminal hangs up without a SIGHUP (tmux or sshd gone, the signal
# lost or blocked): the TUI leaves as on a SIGHUP (status 129, the draft
# lost as then), within a second, without spinning on a terminal that
# answers every read with EOF or EIO. tests/tui/hangup.py runs it on a
# pseudo-terminal and closes the master side; see it for the two ways.
. "$MB_ROOT/tests/lib.sh"

mb post "before the hangup" > /dev/null
for mode in noctty blocked; do
    result=$(TERM=screen python3 "$MB_ROOT/tests/tui/hangup.py" "$mode" "$T/tui.err" \
        "$MB_BIN" --db "$DB")
    case "$result" in
        "exit 129 after "*)
            ok "$mode: the TUI leaves when its terminal hangs up ($result)" ;;
        *)
            not_ok "$mode: the TUI leaves within 1 s of its terminal hanging up, as on SIGHUP" \
                "$result" ;;
    esac
    # What it burnt between the hangup and its exit (or its kill): a loop
    # on a dead terminal takes most of a core.
    cpu=$(echo "$result" | sed -n 's/.*CPU \([0-9]*\) ms.*/\1/p')
    if [ -n "$cpu" ] && [ "$cpu" -lt 250 ]; then
        ok "$mode: without spinning (CPU $cpu ms)"
    else
        not_ok "$mode: without spinning (under 250 ms of CPU)" "$result"
    fi
    if grep -q 'Sanitizer\|runtime error' "$T/tui.err"; then
        not_ok "$mode: no sanitizer report" "$(cat "$T/tui.err")"
    else
        ok "$mode: no sanitizer report"
    fi
done
if sqlite_backend; then
    expect_eq "the database is intact" "ok" "$(sql "PRAGMA integrity_check;")"
fi
expect_eq "and the posts are still there" "before the hangup" "$(mb posts --limit 1 | grep -o 'before the hangup')"
