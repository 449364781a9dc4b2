#!/bin/sh
# Migration faults on a database of 100,000 posts: up/down/up keeps every
# row, and a failure injected before each statement of every revision
# leaves schema, version and content byte-identical. See migrate_big.c.
. "$MB_ROOT/tests/lib.sh"
# The drivers are built only into the sanitizer build (not by `make valgrind`).
if [ ! -x "$MB_BUILD/tests/reliability/term_scan" ]; then
    echo "ok - $(basename "$0") # SKIP reliability drivers not built in $MB_BUILD"
    exit 0
fi
"$MB_BUILD/tests/reliability/migrate_big" "$T" "${MB_MIGRATE_POSTS:-100000}" 1000 || status=1

# Long statements in a revision: the runner shortens each one for its
# messages into a fixed buffer (describe_statement in store/migrate.c);
# statements of every length around that buffer's size, with white space
# collapsed at every position, must not overflow it (ASan/UBSan watch).
mkdir -p "$T/long"
cp "$MB_ROOT"/migrations/sqlite/*.sql "$T/long/"
# The test revision comes after the built-in head.
next=$(printf '%04d' $(( $(ls "$MB_ROOT"/migrations/sqlite/*.up.sql | wc -l) + 1 )))
long="$T/long/${next}_long_statements"
: > "$long.up.sql"
: > "$long.down.sql"
for n in $(seq 140 175); do
    pad=$(printf 'x%.0s' $(seq 1 "$n"))
    echo "CREATE TABLE t$n (a INTEGER DEFAULT 1,   b TEXT DEFAULT '$pad');" >> "$long.up.sql"
    echo "CREATE TABLE u$n (a INTEGER, b TEXT DEFAULT '$pad' CHECK (a IS NULL OR a > 0 OR length(b) > 0));" >> "$long.up.sql"
    echo "DROP TABLE t$n; DROP TABLE u$n;" >> "$long.down.sql"
done
for cmd in "db upgrade" "db check" "db downgrade"; do
    # shellcheck disable=SC2086
    $MB_WRAP "$MB_BIN" --db "$T/long.db" $cmd --migrations "$T/long" > "$T/.out" 2> "$T/.err"
    rc=$?
    if [ "$rc" -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' "$T/.err"; then
        ok "'$cmd' with statements of 140-260 characters"
    else
        not_ok "'$cmd' with statements of 140-260 characters" "exit $rc" "$(head -c 800 "$T/.err")"
    fi
done
exit "${status:-0}"
