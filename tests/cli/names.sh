#!/bin/sh
# Database names that would lose every post (issue 9.1): ':memory:' and
# SQLite URI names, from --db, DATABASE_URL and the config's `database`,
# and an empty name, are refused with one line, exit 1, before anything is
# created (no './:memory:' file, no 'file:' directory).
. "$MB_ROOT/tests/lib.sh"
sqlite_only "SQLite file names (:memory:, file: URIs, relative paths) refused before a file is made"

mkdir "$T/work"
cd "$T/work" || exit 1
refused() {  # refused LABEL COMMAND...
    label=$1
    shift
    run_cmd "$@"
    expect_eq "$label exits 1" 1 "$RC"
    expect_eq "$label says why in one line" 1 "$(printf '%s\n' "$ERR" | grep -c '^microblog-tui: ')"
    expect_eq "$label prints no 'posted'" "" "$OUT"
    expect_eq "$label creates nothing" "" "$(ls -A "$T/work")"
}
refused "--db :memory:" "$MB_BIN" --db ':memory:' post hello
refused "--db file: URI" "$MB_BIN" --db "file:$T/work/x.db?mode=memory" post hello
refused "--db relative file: URI" "$MB_BIN" --db "file:x.db" post hello
refused "DATABASE_URL=:memory:" env DATABASE_URL=':memory:' "$MB_BIN" post hello
refused "DATABASE_URL=file: URI" env DATABASE_URL="file:$T/work/y.db?mode=memory" "$MB_BIN" post hello
refused "DATABASE_URL=sqlite:///:memory:" env DATABASE_URL='sqlite:///:memory:' "$MB_BIN" post hello
printf 'password_strength = minimum\ndatabase = :memory:\n' > "$T/memory.conf"
refused "database = :memory: in the config" "$MB_BIN" --config "$T/memory.conf" post hello
printf 'password_strength = minimum\ndatabase = file:/tmp/z.db?mode=memory\n' > "$T/uri.conf"
refused "database = file: URI in the config" "$MB_BIN" --config "$T/uri.conf" post hello
run_cmd "$MB_BIN" --db ':memory:' post hello
expect_contains "the refusal names the database" "$ERR" "':memory:' is an in-memory database"

# A file whose name merely starts with 'file:' is reachable as ./file:...
run_cmd "$MB_BIN" --db "./file:journal.db" post hello
expect_eq "./file:journal.db is an ordinary file" 0 "$RC"
check "./file:journal.db holds the post" test "$(sqlite3 "./file:journal.db" 'SELECT body FROM post')" = hello
