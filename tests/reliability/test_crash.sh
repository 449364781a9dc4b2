#!/bin/sh
# Crash safety (quick variant): 120 rounds of a writer SIGKILLed at random
# moments while it posts, replies, edits, writes private entries and
# deletes; every write it acknowledged after COMMIT returned must hold, the
# one it had begun must be whole or absent, and after each kill the file
# must pass integrity_check and foreign_key_check and hold invariants.h's
# invariants (mentions, tags, tag_count, threads, private entries, FTS5).
# The negative control (writes acknowledged before COMMIT) must be caught.
# The long variant (1000 rounds) is in torture.sh. See crash_writer.c.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
"$MB_BUILD/tests/reliability/crash_writer" "$T" "${MB_CRASH_ROUNDS:-120}" 40
mkdir -p "$T/control"
"$MB_BUILD/tests/reliability/crash_writer" "$T/control" 30 40 --log-before-commit \
    > "$T/control.out" 2>&1
# Caught by the acknowledged-writes check itself, not any other failure.
if grep -q '^not ok - crash: after each kill every acknowledged' "$T/control.out"; then
    ok "crash negative control: posts acknowledged before COMMIT are caught missing"
else
    not_ok "crash negative control: posts acknowledged before COMMIT are caught missing" \
        "$(grep -E '^(ok|not ok)' "$T/control.out" | head -n 3)"
fi
