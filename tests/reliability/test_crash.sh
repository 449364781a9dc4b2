#!/bin/sh
# Crash safety (quick variant): 200 rounds of a writer SIGKILLed at random
# moments; every post it logged after COMMIT returned must be there, and
# the file must pass integrity_check and foreign_key_check. The long
# variant (1000 rounds) is in torture.sh. See crash_writer.c.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
"$MB_BUILD/tests/reliability/crash_writer" "$T" "${MB_CRASH_ROUNDS:-200}" 40
