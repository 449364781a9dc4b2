#!/bin/sh
# Concurrency (quick variant): 4 writer/reader processes, an open/close
# looper and a long reader for 10 s through the store API: no busy error
# reaches a caller and the counts match the commits. The negative control
# runs the same load with writes begun DEFERRED and must see busy errors.
# Then 8 processes at once open an out-of-date database, 30 rounds: each
# revision runs exactly once. Long variants in torture.sh.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
drivers="$MB_BUILD/tests/reliability"
mkdir -p "$T/load" "$T/control" "$T/race"
"$drivers/concurrent" "$T/load" "${MB_CONCURRENCY_SECONDS:-10}" 4 || status=1
"$drivers/concurrent" "$T/control" 4 4 --deferred || status=1
"$drivers/migrate_race" "$T/race" 30 8 || status=1
exit "${status:-0}"
